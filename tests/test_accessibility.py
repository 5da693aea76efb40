"""Every page audited with axe-core (from the npm registry: tests/a11y/, installed by scripts/test.sh)
in headless Chromium, at 1280 and 390 px, in every language of the UI: no serious or critical violation
of the WCAG 2.1 A/AA rules.
"""

from pathlib import Path

import pytest

from components import i18n
from components.navigation import HOME, MY_RANK, ORGANIZER, PAGES, TOP
from tests.app_env import campaign_with, demo_ranking
from tests.streamlit_process import StreamlitApp, wait_for_drawn

pytestmark = [pytest.mark.browser, pytest.mark.long]
AXE = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSPHRASE = "frase-de-prueba"


def paths() -> list[str]:
    """Every page, Mi posición for a ranked name and for an unknown one, and the embed."""
    found = ["" if spec is HOME else spec.url for spec in PAGES if spec is not TOP]
    user = demo_ranking()["username"].iloc[2]
    return [*found, f"{MY_RANK.url}?user={user}", f"{MY_RANK.url}?user=nadie-asi", f"{TOP.url}?embed=true"]


@pytest.fixture(scope="module")
def audited_app(tmp_path_factory):
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run scripts/test.sh (npm ci in tests/a11y)")
    folder = tmp_path_factory.mktemp("a11y")
    config = campaign_with(folder, annotation_url="https://somosnlp-anotacion.hf.space", guide_url="https://g.example")
    env = {"DATA_DIR": str(folder / "data"), "ORGANIZER_TOKEN": PASSPHRASE, "CAMPAIGN_CONFIG": config}
    app = StreamlitApp(env, folder / "streamlit.log").start()
    yield app
    app.stop()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("rules => axe.run(document, {runOnly: {type: 'tag', values: rules}})", RULES)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node.get('failureSummary', '')[:160]}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize(
    ("width", "lang"), [(1280, lang) for lang in i18n.LANGUAGES] + [(390, lang) for lang in i18n.LANGUAGES]
)
def test_no_serious_or_critical_violation_on_any_page(browser, audited_app, width, lang):
    page = browser.new_page(viewport={"width": width, "height": 900})
    found = {}
    for path in paths():
        page.goto(f"{audited_app.url}/{path}" + ("&" if "?" in path else "?") + f"lang={lang}")
        wait_for_drawn(page)
        if path == ORGANIZER.url:  # the tools behind the passphrase too
            page.get_by_label(i18n.t(lang, "Frase de acceso")).fill(PASSPHRASE)
            page.keyboard.press("Enter")
            page.get_by_text(i18n.t(lang, "Señales de calidad")).wait_for(timeout=30_000)
            wait_for_drawn(page)
        problems = serious_violations(page)
        if problems:
            found[path or "/"] = problems
    assert not found, found


@pytest.fixture(scope="module")
def audited_board(tmp_path_factory):
    """The example board of two campaigns (the demo's), for its home and a campaign's own pages."""
    folder = tmp_path_factory.mktemp("a11y-board")
    config = Path(__file__).resolve().parent.parent / "examples" / "two-campaigns.toml"
    env = {
        "DATA_DIR": str(folder / "data"),
        "CAMPAIGN_CONFIG": str(config),
        "ARGILLA_API_URL": "",
        "ARGILLA_API_KEY": "",
    }
    app = StreamlitApp(env, folder / "streamlit.log").start()
    yield app
    app.stop()


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_a_board_of_several_campaigns_has_no_serious_violation(browser, audited_board, lang):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    user = demo_ranking()["username"].iloc[2]
    found = {}
    for path in ("", "c/razonamiento/", f"c/examen-mmlu/{MY_RANK.url}?user={user}", "c/nada/"):
        page.goto(f"{audited_board.url}/{path}" + ("&" if "?" in path else "?") + f"lang={lang}")
        wait_for_drawn(page)
        problems = serious_violations(page)
        if problems:
            found[path or "/"] = problems
    assert not found, found
