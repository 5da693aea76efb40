"""The contributor's journey: why a name is not ranked, close names, the calendar and streak, the
call to action and the embeddable top 10 (AppTest on the demo, plain frames for the rules)."""

import datetime as dt

import pandas as pd
import pytest

from data.model import aggregate
from data.model.aggregate import Filters
from data.model.people import close_names
from tests.app_env import campaign_with, demo_ranking, environment, frame_of, open_page, running
from tests.test_aggregate import day, responses


def test_absence_counts_drafts_in_the_window_and_validations_outside_it():
    frame = responses(
        [
            ("d", "1", "ana", "draft", day(5), False),
            ("d", "2", "ana", "draft", day(20), False),  # a draft outside the window: not "yours to submit"
            ("d", "3", "ana", "submitted", day(1), False),
            ("d", "4", "ana", "submitted", day(2), False),
            ("d", "5", "bea", "submitted", day(5), False),
        ]
    )
    window = Filters(start=dt.date(2024, 3, 4), end=dt.date(2024, 3, 10))
    assert aggregate.absence(frame, "ana", window) == aggregate.Absence(False, 1, 2)
    assert aggregate.absence(frame, "owner", window, exclude_users=["owner"]).excluded
    assert aggregate.absence(frame, "nadie", window) == aggregate.Absence(False, 0, 0)


def test_calendar_fills_every_day_and_streak_counts_back_from_today():
    daily = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-03-04", "2024-03-06", "2024-03-07", "2024-03-07"], utc=True),
            "dataset": ["a", "a", "a", "b"],
            "validations": [2, 1, 3, 4],
        }
    )
    grid = aggregate.calendar(daily, dt.date(2024, 3, 4), dt.date(2024, 3, 10))
    assert grid["day"].dt.date.tolist() == [dt.date(2024, 3, d) for d in range(4, 11)]
    assert grid["validations"].tolist() == [2, 0, 1, 7, 0, 0, 0]
    assert grid["weekday"].tolist() == [0, 1, 2, 3, 4, 5, 6]  # 2024-03-04 was a Monday
    assert aggregate.streak(grid, dt.date(2024, 3, 7)) == 2  # the 6th and 7th
    assert aggregate.streak(grid, dt.date(2024, 3, 8)) == 2  # nothing yet today does not break it
    assert aggregate.streak(grid, dt.date(2024, 3, 9)) == 0


@pytest.mark.parametrize("typed", ["Nunez", "NÚÑEZ", "nuñes", "nunez "])
def test_close_names_ignore_case_accents_and_typos(typed):
    names = pd.Series(["núñez", "ana_lopez", "maria-es", "beto"])
    assert close_names(names, typed)[0] == "núñez"


def test_close_names_suggest_nothing_for_nothing_alike():
    assert close_names(pd.Series(["núñez", "ana_lopez"]), "zzzzqqq") == []


@pytest.fixture
def demo(tmp_path):
    config = campaign_with(
        tmp_path, annotation_url="https://somosnlp-anotacion.hf.space", guide_url="https://example.org/guia"
    )
    with environment(DATA_DIR=str(tmp_path / "d"), CAMPAIGN_CONFIG=config, ARGILLA_API_URL=None, ARGILLA_API_KEY=None):
        yield


def link_buttons(at) -> dict[str, str]:
    return {button.proto.label: button.proto.url for button in at.get("link_button")}


def test_overview_and_my_rank_invite_to_start_validating(demo):
    for page in ("views/overview.py", "views/my_rank.py"):
        at = open_page(page)
        buttons = link_buttons(at)
        assert buttons["Comienza a validar"] == "https://somosnlp-anotacion.hf.space"
        assert buttons["Lee la guía"] == "https://example.org/guia"
        steps = " ".join(m.value for m in at.markdown)
        assert "Enviar" in steps and "borradores no cuentan" in steps
    at = open_page("views/my_rank.py", lang="en")
    assert "Start validating" in link_buttons(at)


def test_no_call_to_action_without_an_annotation_url(tmp_path):
    with environment(DATA_DIR=str(tmp_path), ARGILLA_API_URL=None, ARGILLA_API_KEY=None):
        assert not open_page("views/overview.py").get("link_button")


def test_a_name_not_found_gets_reasons_and_close_names_that_lead_to_the_rank(demo):
    table = demo_ranking()
    target = table["username"].iloc[4]
    typo = target[:-1].upper()
    at = open_page("views/my_rank.py", user=typo)
    assert typo in at.warning[0].value.replace("\\", "")
    reasons = " ".join(m.value for m in at.markdown)
    assert "los borradores no" in reasons and "durante la campaña" in reasons
    suggestions = [button for button in at.button if button.key and button.key.startswith("me.suggestion")]
    assert target in [button.label.replace("\\", "") for button in suggestions]
    next(button for button in suggestions if button.label.replace("\\", "") == target).click().run()
    assert {m.label: m.value for m in at.metric}["Puesto"] == f"#{table['rank'].iloc[4]}"
    assert at.query_params["user"] == target


def saved_campaign(tmp_path, rows, fetched_at):
    """A campaign of these responses saved as the snapshot of a configured (unreachable) server:
    what a restarted process shows before its first read. The environment to open it with."""
    from data.config import load_config
    from data.feeds.campaign import campaign_source
    from data.model.frames import Campaign, typed_records
    from data.state.snapshots import SnapshotStore, save_campaign
    from tests.app_env import write_config
    from tests.campaign_builder import DatasetSpec, Plan

    tmp_path.mkdir(parents=True, exist_ok=True)
    config = write_config(tmp_path / "c.toml", Plan("w", [DatasetSpec("d", "q", None, 1, 10)]), minimum=3)
    frame = responses(rows)
    records = frame[["dataset", "record_id"]].drop_duplicates().astype("string")
    records = typed_records(records.assign(status="completed", inserted_at=None, updated_at=None))
    datasets = pd.DataFrame({"dataset": ["d"], "title": ["D"], "min_submitted": [1]})
    source = campaign_source(load_config(config))
    save_campaign(SnapshotStore(tmp_path / "data"), Campaign(records, frame, datasets, fetched_at, source))
    return {
        "CAMPAIGN_CONFIG": str(config),
        "DATA_DIR": str(tmp_path / "data"),
        "ARGILLA_API_URL": "http://127.0.0.1:9",
        "ARGILLA_API_KEY": "clave",
    }


def test_my_rank_shows_the_streak_the_calendar_and_the_certificate(tmp_path):
    """Validations on the 17th, 18th, 19th and 20th, none on the 16th, one on the 15th: on the 20th
    the streak is 4 days; with the data of the 21st (nothing yet that day) still 4."""
    days = [15, 17, 18, 19, 20]
    rows = [("d", f"r{n}", "racha", "submitted", day(d), False) for n, d in enumerate(days)]
    rows += [("d", "r9", "otra", "submitted", day(20), False)]
    for data_day, streak in [(20, 4), (21, 4), (22, 0)]:
        env = saved_campaign(tmp_path / str(data_day), rows, dt.datetime(2024, 3, data_day, 18, tzinfo=dt.UTC))
        with environment(**env):
            at = open_page("views/my_rank.py", user="racha")
            metrics = {m.label: m.value for m in at.metric}
            assert metrics["Racha actual"] == f"{streak} días", data_day
            assert metrics["Validaciones"] == "5" and metrics["Puesto"] == "#1"
            assert len(at.get("plotly_chart")) == 2  # the calendar and the daily bars
            labels = [b.proto.label for b in at.get("download_button")]
            assert labels.count("Descargar certificado (PDF)") == 1
            assert labels.count("Datos del gráfico (CSV)") == 2  # one per chart
            running().stop()


def test_the_top_ten_page_is_compact(demo):
    at = open_page("views/top.py")
    shown = frame_of(at, "top.ranking")
    assert list(shown.columns) == ["place", "username", "validations"]
    assert shown["place"].tolist()[:4] == ["🥇", "🥈", "🥉", "4"]
    assert shown["username"].tolist() == demo_ranking()["username"].head(10).tolist()
