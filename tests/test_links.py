"""A filtered view is a link: each page's filters, sort and search live in its address, opening the
address restores them; and the calendar rankings (this week, this month), their weekly goals and
the switch that turns them off, on the demo through AppTest."""

from __future__ import annotations

import datetime as dt

import pytest

from components.i18n import t
from data.config import DEFAULT_CONFIG, load_config
from data.model import aggregate
from data.model.ranking import search_and_sort
from data.state.demo import load_demo, load_demo_projects
from server.api import answers
from server.api.answers import Problem
from server.api.openapi import document
from tests.app_env import demo_ranking, environment, frame_of, open_page, running


@pytest.fixture(autouse=True)
def demo_env(tmp_path):
    with environment(DATA_DIR=str(tmp_path), ARGILLA_API_URL=None, ARGILLA_API_KEY=None, CAMPAIGN_CONFIG=None):
        yield


def ranking_of(start: dt.date | None = None, end: dt.date | None = None, datasets=None):
    """The demo's ranking over these days, straight from the aggregate."""
    config = load_config()
    return aggregate.contributors(
        load_demo().responses,
        min_validations=config.min_validations_for_prize,
        exclude_users=config.exclude_users,
        filters=aggregate.Filters(datasets, start, end).within(config.start, config.end),
    )


def this_week() -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week of the demo's read (the shipped campaign is in UTC)."""
    day = load_demo().fetched_at.astimezone(dt.UTC).date()
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def test_the_demo_is_read_in_mid_week():
    monday, _ = this_week()
    assert load_demo().fetched_at.date() - monday >= dt.timedelta(days=3)  # "this week" has days to show
    assert len(ranking_of(*this_week())) > 50


def test_a_ranking_link_opens_the_same_view():
    week = ranking_of(*this_week(), datasets=("arc_c_es",))
    query = week["username"].iloc[2][:3]
    at = open_page("views/ranking.py", period="week", dataset="arc_c_es", q=query.upper(), sort="corrections")
    assert at.radio(key="ranking.window").value == "week"
    assert at.multiselect(key="ranking.datasets").value == ["arc_c_es"]
    assert at.text_input(key="ranking.search").value == query.upper()
    assert at.selectbox(key="ranking.sort.es").value == "corrections"
    expected = search_and_sort(week, query.upper(), "corrections")
    shown = frame_of(at, "ranking.table")
    assert shown["username"].tolist() == expected["username"].tolist() and len(shown) > 0
    assert shown["validations"].tolist() == expected["validations"].tolist()


def test_changing_a_filter_writes_the_address_and_a_default_leaves_it():
    at = open_page("views/ranking.py")
    assert "period" not in at.query_params and "sort" not in at.query_params
    at.radio(key="ranking.window").set_value("month").run()
    at.selectbox(key="ranking.sort.es").set_value("corrections").run()
    at.text_input(key="ranking.search").input("ma").run()
    assert (at.query_params["period"], at.query_params["sort"], at.query_params["q"]) == ("month", "corrections", "ma")
    at.radio(key="ranking.window").set_value("all").run()
    at.text_input(key="ranking.search").input("").run()
    assert "period" not in at.query_params and "q" not in at.query_params
    assert (
        frame_of(at, "ranking.table")["username"].tolist()
        == search_and_sort(demo_ranking(), "", "corrections")["username"].tolist()
    )


def test_a_link_with_dates_opens_that_range():
    start, end = dt.date(2024, 3, 11), dt.date(2024, 3, 17)
    at = open_page("views/export.py", period="custom", start=start.isoformat(), end=end.isoformat())
    assert at.radio(key="export.window").value == "custom"
    assert tuple(at.date_input(key="export.dates").value) == (start, end)
    expected = ranking_of(start, end)
    assert len(expected) > 20
    assert frame_of(at, "export.table")["username"].tolist() == expected["username"].head(20).tolist()
    assert any(caption.value.startswith(f"{len(expected)} filas") for caption in at.caption)


@pytest.mark.parametrize(
    "params",
    [
        {"period": "fortnight", "sort": "<script>alert(1)</script>", "dataset": "nope"},
        {"period": "custom", "start": "2024-13-01", "end": "yesterday"},
        {"period": "custom", "start": "2024-04-01", "end": "2024-03-01"},  # backwards
        {"q": "x" * 5000, "dataset": ["arc_c_es", "arc_c_es", "../../etc"]},
    ],
)
def test_a_mangled_link_opens_the_page_with_what_it_can_read(params):
    at = open_page("views/ranking.py", **{k: v for k, v in params.items() if isinstance(v, str)})
    assert not at.exception
    assert at.radio(key="ranking.window").value in ("all", "custom")
    assert at.selectbox(key="ranking.sort.es").value == "rank"
    assert len(at.text_input(key="ranking.search").value) <= 200


def test_the_home_top_ten_of_this_week():
    at = open_page(period="week")
    week = ranking_of(*this_week())
    assert frame_of(at, "overview.top")["username"].tolist() == week["username"].head(10).tolist()
    assert week["username"].head(10).tolist() != demo_ranking()["username"].head(10).tolist()


def test_the_weekly_goals_are_shown_as_encouragement():
    config = load_config()
    week = ranking_of(*this_week())
    at = open_page()
    done = f"{int(week['validations'].sum()):,}".replace(",", ".")
    target = f"{config.weekly_goal:,}".replace(",", ".")
    assert any(f"{done} de {target}" in bar.proto.text for bar in at.get("progress"))
    person = week[week["validations"] < config.weekly_goal_per_person].iloc[0]
    assert person["username"] in demo_ranking()["username"].tolist()
    me = open_page("views/my_rank.py", user=person["username"])
    left = config.weekly_goal_per_person - int(person["validations"])
    [bar] = [bar.proto.text for bar in me.get("progress") if "objetivo semanal" in bar.proto.text]
    assert f"llevas {int(person['validations'])}" in bar and f"faltan {left}" in bar


def test_my_rank_says_this_weeks_and_this_months_place():
    week = ranking_of(*this_week())
    person = week.iloc[3]
    at = open_page("views/my_rank.py", user=person["username"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Esta semana"] == f"#{person['rank']}"
    month_start = this_week()[1].replace(day=1)
    month = ranking_of(month_start, (month_start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))
    assert metrics["Este mes"] == f"#{month.set_index('username').loc[person['username'], 'rank']}"


@pytest.fixture
def no_windows(tmp_path):
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    path = tmp_path / "campaign.toml"
    path.write_text(text.replace("[campaign]\n", "[campaign]\nwindowed_rankings = false\n", 1), encoding="utf-8")
    with environment(CAMPAIGN_CONFIG=str(path)):
        yield


def test_windowed_rankings_switched_off_leave_no_trace(no_windows):
    at = open_page("views/ranking.py", period="week")
    assert at.radio(key="ranking.window").options == [t("es", "Toda la campaña"), t("es", "Fechas")]
    assert at.radio(key="ranking.window").value == "all"
    assert frame_of(at, "ranking.table")["username"].tolist() == demo_ranking()["username"].tolist()
    home = open_page(period="week")
    assert not home.segmented_control
    assert frame_of(home, "overview.top")["username"].tolist() == demo_ranking()["username"].head(10).tolist()
    me = open_page("views/my_rank.py", user=demo_ranking()["username"].iloc[3])
    assert not {"Esta semana", "Este mes"} & {m.label for m in me.metric}


def test_a_projects_link_opens_the_same_view():
    board = load_demo_projects().raw
    name = board["repo_id"].iloc[0].split("/")[1][:5]
    at = open_page("views/projects.py", kind="model", q=name)
    assert at.multiselect(key="projects.kinds").value == ["model"]
    assert at.text_input(key="projects.search").value == name
    shown = frame_of(at, "projects.board")
    wanted = board[(board["kind"] == "model") & board["repo_id"].str.contains(name, regex=False)]
    assert sorted(shown["url"]) == sorted("https://huggingface.co/" + wanted["repo_id"])
    assert len(shown) > 0
    at.multiselect(key="projects.kinds").set_value(["dataset", "space"]).run()
    assert at.query_params["kind"] == ["dataset", "space"]


def test_the_api_offers_no_window_when_they_are_off(no_windows):
    config = load_config()
    services = running()
    slug = {"slug": config.slug}
    with pytest.raises(Problem) as refused:
        answers.ranking(services, slug, {"period": ["week"]})
    assert refused.value.status == 400 and "all" in refused.value.detail
    assert answers.ranking(services, slug, {"period": ["all"]}).page["total"] == len(demo_ranking())
    [period] = [
        p
        for p in document(config)["paths"]["/api/v1/campaigns/{slug}/ranking"]["get"]["parameters"]
        if p["name"] == "period"
    ]
    assert period["schema"]["enum"] == ["all"]


def show_verification_link():
    import streamlit as st

    from components.navigation import VERIFY, page_url

    st.write(page_url(VERIFY, id="ABC-123"))


@pytest.mark.parametrize(
    "configured, expected",
    [
        ({"PUBLIC_URL": "https://tablero.example/"}, "https://tablero.example/certificado?id=ABC-123"),
        (
            {"PUBLIC_URL": None, "SPACE_HOST": "somosnlp-tablero.hf.space"},
            "https://somosnlp-tablero.hf.space/certificado?id=ABC-123",
        ),
    ],
)
def test_a_certificates_verification_link_is_the_boards_own_address_whatever_the_host_asked(configured, expected):
    """The link printed on a certificate (and its QR code) goes to the board's configured address,
    never to whichever host a request named (a forged Host header would make certificates that
    "verify" on someone else's site)."""
    from streamlit.testing.v1 import AppTest

    with environment(**configured):
        at = AppTest.from_function(show_verification_link).run()
    assert at.markdown[0].value == expected
