"""The first seconds of a fresh process, in headless Chromium: a live source, an empty DATA_DIR.

No moment shows invented (demo) data or offers a file of it; the first-read state replaces itself
with the real page without a reload; a failing first read says why and recovers by itself; a
shared link is a valid first request, for both ways the app is started.
"""

import csv
import io
import time

import pytest

from tests import expected
from tests.app_env import demo_ranking, write_config
from tests.hub_fixtures import expected_board, make_repos
from tests.servers.argilla_process import free_port
from tests.servers.counting_proxy import CountingProxy
from tests.servers.hub_server import HubServer
from tests.streamlit_process import README_COMMAND, StreamlitApp, dockerfile_command, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.long]
DEMO_NAMES = set(demo_ranking()["username"])
ORG = "org-en-frio"


def visible_text(page) -> str:
    return page.inner_text("body")


def assert_nothing_invented(text: str) -> None:
    assert not DEMO_NAMES & set(text.split()), DEMO_NAMES & set(text.split())
    assert "demostración" not in text and "Traceback" not in text


def unquoted(cell: str) -> str:
    """A CSV cell as it was before formula neutralisation (a leading ' before =, +, -, @)."""
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


def downloaded_csv(page) -> list[dict]:
    with page.expect_download() as download:
        page.get_by_text("Descargar CSV").click()
    return list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))


@pytest.fixture
def held_upstreams(argilla_server):
    """Argilla and the Hub, both holding every answer until the test lets them go."""
    proxy = CountingProxy(argilla_server.api_url)
    proxy.gate.clear()
    hub = HubServer().start()
    hub.state.repos = make_repos(ORG)
    hub.state.gate.clear()
    yield proxy, hub
    proxy.gate.set()
    hub.state.gate.set()
    proxy.stop()
    hub.stop()


def test_a_cold_dashboard_never_shows_invented_data(browser, argilla_server, live_campaign, held_upstreams, tmp_path):
    plan, _ = live_campaign
    proxy, hub = held_upstreams
    config = write_config(tmp_path / "campaign.toml", plan, hub_org=ORG, campaign={"first_wait_seconds": 1})
    env = {
        "ARGILLA_API_URL": proxy.url,
        "ARGILLA_API_KEY": argilla_server.api_key,
        "HF_ENDPOINT": hub.endpoint,
        "CAMPAIGN_CONFIG": str(config),
        "DATA_DIR": str(tmp_path / "empty"),
    }
    app = StreamlitApp(env, tmp_path / "streamlit.log").start()
    try:
        export = browser.new_page(accept_downloads=True)
        projects = browser.new_page(accept_downloads=True)
        export.goto(f"{app.url}/exportar")
        projects.goto(f"{app.url}/proyectos")
        for page in (export, projects):  # nothing can be read yet: the first-read state, nothing invented
            page.get_by_text("Preparando el tablero").wait_for(timeout=60_000)
            assert_nothing_invented(visible_text(page))
            assert page.get_by_text("Descargar CSV").count() == 0
        proxy.gate.set()  # the upstreams answer: each page replaces itself with the real one
        hub.state.gate.set()
        ready = {"export": False, "projects": False}
        deadline = time.monotonic() + 120
        while not all(ready.values()):
            assert time.monotonic() < deadline, "the first read never replaced the first-read state"
            for name, page in (("export", export), ("projects", projects)):
                text = visible_text(page)
                assert_nothing_invented(text)
                button = page.get_by_text("Descargar CSV").count() > 0
                assert not (button and "Preparando el tablero" in text), (
                    f"{name}: a download beside the first-read state"
                )
                ready[name] = ready[name] or button
            time.sleep(0.2)

        rows = downloaded_csv(export)
        truth = {
            u: s for u, s in expected.per_user(plan, exclude=["owner"]).items() if s["validations"] or s["discarded"]
        }
        ranks = expected.competition_ranks(truth)
        got = {unquoted(r["username"]): r for r in rows}
        assert set(got) == set(truth)
        for name, stats in truth.items():
            assert (int(got[name]["validations"]), int(got[name]["rank"])) == (stats["validations"], ranks[name])

        listed = {(r["url"], int(r["likes"])) for r in downloaded_csv(projects)}
        assert listed == set(expected_board(hub.state.repos, ORG))
    finally:
        app.stop()


@pytest.mark.parametrize("fault", ["401", "unreachable"])
def test_a_failing_first_read_says_why_and_recovers_by_itself(browser, argilla_server, live_campaign, fault, tmp_path):
    plan, _ = live_campaign
    port = free_port()
    proxy = CountingProxy(argilla_server.api_url) if fault == "401" else None
    if proxy is not None:
        proxy.status = 401
    config = write_config(tmp_path / "campaign.toml", plan, refresh=2, timeout=2, campaign={"first_wait_seconds": 1})
    env = {
        "ARGILLA_API_URL": proxy.url if proxy else f"http://127.0.0.1:{port}",
        "ARGILLA_API_KEY": argilla_server.api_key,
        "CAMPAIGN_CONFIG": str(config),
        "DATA_DIR": str(tmp_path / "empty"),
    }
    reason = "la clave de API no es válida" if fault == "401" else "no se puede conectar"
    app = StreamlitApp(env, tmp_path / "streamlit.log").start()
    try:
        page = browser.new_page()
        page.goto(f"{app.url}/clasificacion")
        page.get_by_text(reason).wait_for(timeout=30_000)
        text = visible_text(page)
        assert_nothing_invented(text)
        assert "Preparando el tablero" in text and page.locator('[data-testid="stException"]').count() == 0
        if proxy is not None:
            proxy.status = None  # the key works again
        else:
            proxy = CountingProxy(argilla_server.api_url, port=port)  # the server is back
        page.get_by_text("Ranking de contribuciones").wait_for(timeout=30_000)  # no reload
        page.get_by_text("Datos en vivo").wait_for(timeout=10_000)
        assert "Preparando el tablero" not in visible_text(page)
    finally:
        app.stop()
        if proxy is not None:
            proxy.stop()


@pytest.mark.parametrize("command", [README_COMMAND, dockerfile_command()], ids=["readme", "dockerfile"])
def test_a_shared_link_works_as_the_first_request(browser, live_env, live_campaign, command, tmp_path):
    plan, _ = live_campaign
    truth = {u: s for u, s in expected.per_user(plan, exclude=["owner"]).items() if s["validations"]}
    ranks = expected.competition_ranks(truth)
    user = next(name for name in sorted(truth) if name.isalpha())
    app = StreamlitApp(live_env, tmp_path / "streamlit.log", command=command).start()
    try:
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: dialogs.append(dialog))
        page.goto(f"{app.url}/mi-posicion?user={user}&lang=en")
        wait_for_app(page, timeout=60_000)
        assert page.locator("[role=dialog]").count() == 0 and not dialogs
        assert page.url.endswith(f"/mi-posicion?user={user}&lang=en")
        # the first read may still be under way (it took over 10 s once under the full suite's load):
        # the waiting page replaces itself when it lands, with no reload
        page.get_by_text("Your neighbours in the ranking").wait_for(timeout=60_000)
        text = visible_text(page)
        assert "My rank" in text and "Your neighbours in the ranking" in text
        rank = page.locator('[data-testid="stMetric"]').filter(has_text="Rank").first.inner_text()
        assert f"#{ranks[user]}" in rank
    finally:
        app.stop()
