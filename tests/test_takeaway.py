"""Tables and charts people can take away, through AppTest on the demo: each registry table has its
rows as an HTML table (what a screen reader reads), paged, and each chart a PNG button and its data."""

from __future__ import annotations

import json

import pytest

from components.i18n import t
from components.tables import PAGE_ROWS
from tests.app_env import demo_ranking, environment, frame_of, open_page


@pytest.fixture(autouse=True)
def demo_env(tmp_path):
    with environment(DATA_DIR=str(tmp_path), ARGILLA_API_URL=None, ARGILLA_API_KEY=None):
        yield


def html_rows(at, key: str):
    """The HTML table beside the page's table named `key`: the frame st.table was given."""
    [container] = [node for node in _blocks(at.main) if getattr(node, "key", None) == key]
    [table] = [node for node in _blocks(container) if getattr(node, "type", None) == "table"]
    return table.value


def _blocks(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _blocks(child)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_each_table_has_its_rows_as_an_html_table(lang):
    at = open_page("views/overview.py", lang=lang)
    top, html = frame_of(at, "overview.top"), html_rows(at, "overview.top")
    assert html[t(lang, "Usuario")].tolist() == top["username"].tolist()
    assert html.index.name == t(lang, "Puesto")
    assert html.index[0] == "1 🥇" and html.index[3] == str(top["rank"].iloc[3])
    counts = html[t(lang, "Validaciones")].str.replace(r"\D", "", regex=True).astype(int)
    assert counts.tolist() == top["validations"].tolist()
    progress = html_rows(at, "overview.progress")
    assert len(progress) == len(frame_of(at, "overview.progress"))


def test_a_long_table_is_read_in_pages():
    ranking = demo_ranking()
    assert len(ranking) > PAGE_ROWS
    at = open_page("views/ranking.py")
    assert html_rows(at, "ranking.table")["Usuario"].tolist() == ranking["username"].head(PAGE_ROWS).tolist()
    at.selectbox(key="ranking.table.rows").set_value(PAGE_ROWS).run()
    second = html_rows(at, "ranking.table")["Usuario"].tolist()
    assert second == ranking["username"].iloc[PAGE_ROWS : 2 * PAGE_ROWS].tolist()


def test_every_chart_offers_a_png_and_its_data():
    at = open_page("views/progress.py")
    charts = at.get("plotly_chart")
    assert len(charts) == 3
    for chart in charts:
        config = json.loads(chart.proto.config)
        assert config["displayModeBar"] is True and config["modeBarButtons"] == [["toImage"]]
        assert config["toImageButtonOptions"]["format"] == "png"
    buttons = [b for b in at.get("download_button") if b.proto.label == "Datos del gráfico (CSV)"]
    assert len(buttons) == len(charts)
