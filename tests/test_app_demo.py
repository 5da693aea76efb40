"""Every page on the embedded demo, through streamlit's AppTest."""

import pytest

from components import i18n
from components.frame_memo import DERIVED
from components.i18n import t, tc
from components.navigation import MY_RANK, PAGES
from data.config import load_config
from data.model import aggregate, columns
from data.state.demo import load_demo
from tests.app_env import columns_of, demo_ranking, environment, frame_of, open_page


@pytest.fixture(autouse=True)
def demo_env(tmp_path):
    with environment(DATA_DIR=str(tmp_path), ARGILLA_API_URL=None, ARGILLA_API_KEY=None):
        yield


@pytest.mark.parametrize("page", [spec.script for spec in PAGES])
def test_every_page_renders_on_demo_data_and_says_it_is_demo(page):
    at = open_page(page)
    assert any("demostración" in i.value for i in at.info)


def test_overview_headline_and_top_ten():
    at = open_page("views/overview.py")
    metrics = {m.label: m.value for m in at.metric}
    table = demo_ranking()
    assert metrics["Personas"] == f"{len(table)}"
    assert metrics["Validaciones"] == f"{table['validations'].sum():,}".replace(",", ".")
    assert frame_of(at, "overview.top")["username"].tolist() == table["username"].head(10).tolist()


def test_the_ranking_shows_and_sorts_by_every_registered_column():
    """The table and the sort picker come from data/model/columns.py: a column declared there
    reaches the page without the page changing (CONTRIBUTING.md's worked example)."""
    at = open_page("views/ranking.py")
    shown = frame_of(at, "ranking.table")
    assert [name for name in shown.columns if name in columns.NAMES] == columns.TABLE_NAMES
    assert at.selectbox(key="ranking.sort.es").options == [columns.BY_NAME[name].label for name in columns.SORTS]


TABLES = [  # every table of the demo's pages: page, its name, its registry columns, with medals
    ("views/overview.py", "overview.top", (*columns.COLUMNS_TABLE, columns.PROFILE), True),
    ("views/overview.py", "overview.progress", columns.PROGRESS, False),
    ("views/ranking.py", "ranking.table", (*columns.COLUMNS_TABLE, columns.PROFILE), True),
    ("views/export.py", "export.table", (*columns.COLUMNS_TABLE, columns.PROFILE), True),
    ("views/progress.py", "progress.datasets", columns.PROGRESS, False),
    ("views/top.py", "top.ranking", columns.COMPACT, False),
    ("views/teams.py", "teams.team", columns.STANDINGS, True),
    ("views/teams.py", "teams.country", columns.STANDINGS, True),
    ("views/projects.py", "projects.board", columns.PROJECTS, False),
    ("views/projects.py", "projects.teams", columns.TEAM_PROJECTS, True),
    ("views/projects.py", "climbers.7d", (*columns.PROJECTS, *columns.CLIMBS), False),
]
GROUP_LABELS = {"teams.team": "Equipo", "teams.country": "País"}  # the grouping names its column


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_table_is_drawn_as_the_registry_declares_it(lang):
    """Columns, their order, labels and help texts of every table come from data/model/columns.py."""
    pages: dict = {}
    for page, key, declared, medals in TABLES:
        at = pages.get(page) or pages.setdefault(page, open_page(page, lang=lang))
        names = [column.name for column in declared]
        if medals:
            names.insert(names.index("rank") + 1, "medal")
        assert list(frame_of(at, key).columns) == names, key
        drawn = columns_of(at, key)
        for column in declared:
            if column.name == "name":
                label = t(lang, GROUP_LABELS[key])
            elif column.context:
                label = tc(lang, column.context, column.label)
            else:
                label = t(lang, column.label)
            assert drawn[column.name]["label"] == label, (key, column.name)
            assert drawn[column.name].get("help") == (t(lang, column.help) if column.help else None), (key, column.name)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_ranking_says_how_each_figure_is_counted_and_when_it_was_read(lang):
    at = open_page("views/ranking.py", lang=lang)
    [section] = [expander for expander in at.expander if expander.label == t(lang, "Cómo se cuenta")]
    text = " ".join(markdown.value for markdown in section.markdown)
    defined = [column for column in columns.COLUMNS_TABLE if column.help]
    assert len(defined) >= 5
    for column in defined:
        assert f"**{t(lang, column.label)}**: {t(lang, column.help)}" in text
    read_at = i18n.datetime(load_demo().fetched_at, lang)
    assert section.caption[0].value == t(lang, "Datos leídos el {when}.", when=read_at)


def test_ranking_search_filters_rows():
    at = open_page("views/ranking.py")
    table = demo_ranking()
    assert len(frame_of(at, "ranking.table")) == len(table)
    target = table["username"].iloc[5]
    at.text_input(key="ranking.search").input(target[:4].upper()).run()
    shown = frame_of(at, "ranking.table")["username"].tolist()
    assert target in shown and all(target[:4].lower() in name.lower() for name in shown)


def test_ranking_sort_and_dataset_filter():
    at = open_page("views/ranking.py")
    at.selectbox(key="ranking.sort.es").set_value("corrections").run()
    corrections = frame_of(at, "ranking.table")["corrections"].tolist()
    assert corrections == sorted(corrections, reverse=True)
    at.multiselect(key="ranking.datasets").set_value(["arc_c_es"]).run()
    config = load_config()
    expected = aggregate.contributors(
        load_demo().responses,
        min_validations=50,
        exclude_users=["owner"],
        filters=aggregate.Filters(datasets=("arc_c_es",)).within(config.start, config.end),
    )
    assert sorted(frame_of(at, "ranking.table")["validations"].tolist()) == sorted(expected["validations"].tolist())


def test_ranking_last_seven_days_window():
    at = open_page("views/ranking.py")
    at.radio(key="ranking.window").set_value("7d").run()
    demo = load_demo()
    end = demo.fetched_at.date()
    import datetime as dt

    expected = aggregate.contributors(
        demo.responses,
        min_validations=50,
        exclude_users=["owner"],
        filters=aggregate.Filters(start=end - dt.timedelta(days=6), end=end),
    )
    assert frame_of(at, "ranking.table")["validations"].sum() == expected["validations"].sum()


def test_my_rank_reads_the_user_from_the_url():
    table = demo_ranking()
    user = table["username"].iloc[7]
    at = open_page("views/my_rank.py", user=user)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Puesto"] == f"#{table['rank'].iloc[7]}"
    assert at.query_params["user"] == user
    neighbours = frame_of(at, "me.neighbours")["username"].tolist()
    assert neighbours == table["username"].iloc[5:10].tolist()


def test_my_rank_picking_a_user_writes_the_url():
    table = demo_ranking()
    at = open_page("views/my_rank.py")
    at.selectbox[0].set_value(table["username"].iloc[0]).run()
    assert at.query_params["user"] == table["username"].iloc[0]
    assert any(m.value == "¡Vas primero!" for m in at.metric)


def test_language_switch_and_lang_param():
    at = open_page("views/ranking.py", lang="en")
    assert at.title[0].value == "Contribution ranking"
    at = open_page("views/ranking.py")
    assert at.title[0].value == "Ranking de contribuciones"
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Contribution ranking"
    assert at.query_params["lang"] == "en"


def test_progress_numbers():
    at = open_page("views/progress.py")
    progress = frame_of(at, "progress.datasets")
    demo = load_demo()
    truth = aggregate.progress(demo.records, demo.responses, demo.datasets)
    assert progress["completed"].tolist() == truth["completed"].tolist()
    assert len(at.get("plotly_chart")) == 3


def test_organizer_page_is_closed_without_passphrase():
    with environment(ORGANIZER_TOKEN="s3cret-phrase"):
        at = open_page("views/organizer.py")
        assert not at.dataframe and not at.get("download_button") and not at.code
        at.text_input(key="organizer.passphrase").input("wrong").run()
        assert at.error and not at.dataframe
        at.text_input(key="organizer.passphrase").input("s3cret-phrase").run()
        labels = [button.proto.label for button in at.get("download_button")]
        assert not any("CERTIFICATE_SECRET" in w.value for w in at.warning)  # the demo's IDs are make-believe
        assert at.dataframe and labels == ["Descargar CSV", "Descargar Markdown", "Descargar Markdown"]
        assert at.button(key="organizer.certificates").label == "Preparar certificados (ZIP)"  # made when asked


def test_the_passphrase_allows_five_tries_per_session_and_thirty_for_the_board():
    from components import organizer_gate

    organizer_gate._everyone.cache_clear()  # a board that has seen no wrong passphrase yet
    with environment(ORGANIZER_TOKEN="s3cret-phrase", REDIS_URL=None, TABLERO_WORKERS=None):
        at = open_page("views/organizer.py")
        for _ in range(organizer_gate.SESSION_ATTEMPTS):
            at.text_input(key="organizer.passphrase").input("wrong").run()
            assert any("incorrecta" in e.value for e in at.error)
        at.run()
        assert any("Demasiados intentos" in e.value for e in at.error)
        assert not at.text_input and not at.dataframe  # not even the right phrase is asked for now
        for _ in range(organizer_gate.PROCESS_ATTEMPTS // organizer_gate.SESSION_ATTEMPTS - 1):  # new sessions
            other = open_page("views/organizer.py")
            for _ in range(organizer_gate.SESSION_ATTEMPTS):
                other.text_input(key="organizer.passphrase").input("wrong").run()
        fresh = open_page("views/organizer.py")
        assert any("Demasiados intentos" in e.value for e in fresh.error) and not fresh.text_input


def test_a_rotated_passphrase_closes_sessions_opened_with_the_old_one():
    from components import organizer_gate

    organizer_gate._everyone.cache_clear()
    with environment(ORGANIZER_TOKEN="frase-vieja"):
        at = open_page("views/organizer.py")
        at.text_input(key="organizer.passphrase").input("frase-vieja").run()
        assert at.dataframe
        at.run()
        assert at.dataframe  # stays open across reruns
        assert all("frase-vieja" not in str(at.session_state[key]) for key in at.session_state)  # not kept
    with environment(ORGANIZER_TOKEN="frase-nueva"):
        at.run()
        assert not at.dataframe and at.text_input(key="organizer.passphrase")
        at.text_input(key="organizer.passphrase").input("frase-nueva").run()
        assert at.dataframe


@pytest.mark.parametrize("lang, sample", [("es", "66,4\u00a0%"), ("en", "66.4%")])
def test_every_percentage_is_in_the_pages_language(lang, sample):
    """The tables say what the headline says: one format, the page's, whatever the browser's."""
    from components import i18n

    assert i18n.percent(0.6636, lang) == sample
    demo = load_demo()
    truth = aggregate.progress(demo.records, demo.responses, demo.datasets)
    at = open_page("views/overview.py", lang=lang)
    shown = frame_of(at, "overview.progress")
    assert shown["pct_done"].tolist() == [i18n.percent(v, lang) for v in truth["pct_done"]]
    completed, total = truth["completed"].sum(), truth["total"].sum()
    headline = {m.label: m.value for m in at.metric}
    assert i18n.percent(completed / total, lang) in headline.values()
    ranking = frame_of(open_page("views/ranking.py", lang=lang), "ranking.table")
    assert ranking["correction_rate"].tolist() == [i18n.percent(v, lang) for v in demo_ranking()["correction_rate"]]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_charts_speak_the_page_language(lang):
    """Dates on the axes and in the hover texts, and the number separators, in the page's language
    (plotly's own are English whatever the page says), told apart by the locale's own month names."""
    import json

    import pandas as pd
    from babel.dates import get_month_names
    from babel.numbers import get_decimal_symbol

    months = get_month_names("abbreviated", locale=i18n.LOCALES[lang])
    drawn = [*open_page("views/progress.py", lang=lang).get("plotly_chart")]
    drawn += open_page("views/my_rank.py", lang=lang, user=demo_ranking()["username"].iloc[0]).get("plotly_chart")
    assert len(drawn) >= 5
    for chart in drawn:
        spec = json.loads(chart.proto.spec)
        assert spec["layout"]["separators"][0] == get_decimal_symbol(i18n.LOCALES[lang])
        axis = spec["layout"]["xaxis"]
        for value, text in zip(axis["tickvals"], axis["ticktext"], strict=True):
            day = pd.Timestamp(value)
            assert str(day.day) in text.split() and months[day.month].rstrip(".") in text, (value, text)
        for trace in spec["data"]:
            if trace["type"] == "heatmap":
                continue  # its x is the week; each cell's day is in its hover text
            assert "%{customdata}" in trace["hovertemplate"] and "%{x}" not in trace["hovertemplate"]
            for value, text in zip(trace["x"], trace["customdata"], strict=True):
                day = pd.Timestamp(value)
                assert str(day.year) in text and months[day.month].rstrip(".") in text, (value, text)


@pytest.mark.parametrize("page", [spec.script for spec in PAGES])
def test_a_page_drawn_again_from_the_same_read_makes_nothing_again(page):
    """An open page reruns whenever what it shows moves, and every visitor's first run draws the same
    read: what its tables and charts make of the read's frames is made once (components/frame_memo.py),
    so a page must hand its components those frames, or slices kept the same way, not fresh copies."""
    at = open_page(page, **({"user": demo_ranking()["username"].iloc[2]} if page == MY_RANK.script else {}))
    made = DERIVED.made
    at.run()
    assert not at.exception
    assert DERIVED.made == made
