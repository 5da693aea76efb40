import os
import shutil
import sys
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from data.config import ENVIRONMENT
from tests.app_env import live_environment
from tests.campaign_builder import LIVE_USERS
from tests.dashboard import Dashboard, ours
from tests.servers.argilla_process import ArgillaTestServer
from tests.servers.counting_proxy import CountingProxy
from tests.servers.redis_process import RedisServer
from tests.streamlit_process import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
for name in ENVIRONMENT:  # nothing from the developer's shell reaches the app under test
    os.environ.pop(name, None)
# The real Hub is never reached from a test: beside the demo campaign the app reads its org's
# projects, and here that address refuses at once (a test of the Hub sets its own server).
os.environ["HF_ENDPOINT"] = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def main_module_kept():
    """`AppTest` runs a page as the module `__main__` and leaves it there; a process a later test
    starts with multiprocessing's "spawn" would run that page's script as its own main (and fail).
    The real one is put back after every test."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


def pytest_collection_modifyitems(config, items):
    """The modules marked `long` (minutes of real processes) first: parallel workers take whole
    modules in this order (`--dist loadfile`), so the longest do not start last and finish alone."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def pytest_sessionstart(session):
    """Once per run, before any worker (pytest-xdist) starts `scripts/serve`: Streamlit's static
    files precompressed in the project, as the image's build does, so that parallel workers never
    build the same mirror at once."""
    if not hasattr(session.config, "workerinput"):
        from scripts.serve import ROOT as PROJECT
        from scripts.serve import precompressed_static

        precompressed_static(PROJECT / ".static")


@pytest.fixture(scope="session")
def argilla_server():
    """A real argilla-server (+ Redis) for the whole session; installed on first use."""
    server = ArgillaTestServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rg_client(argilla_server):
    import argilla as rg

    return rg.Argilla(api_url=argilla_server.api_url, api_key=argilla_server.api_key)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (never a downloaded browser), one per worker."""
    if not shutil.which("chromium"):
        pytest.fail("Debian chromium is not installed: run scripts/test.sh")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def browser(chromium):
    """The browser, for one test: the tabs it opens are closed after it. An open tab keeps its
    page's scripts running (the live-status loop, a long-poll), so tabs left open by earlier tests
    would cost every later one."""
    before = set(chromium.contexts)
    yield chromium
    for context in chromium.contexts:
        if context not in before:
            context.close()


@pytest.fixture
def artifacts() -> Path:
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def live_campaign(rg_client, tmp_path_factory):
    """A campaign on the real server with other names, hostile usernames and an empty dataset."""
    from tests.app_env import write_config
    from tests.campaign_builder import DatasetSpec, build_campaign

    specs = [
        DatasetSpec("hellaswag_prueba", "validada", "frase_es", min_submitted=2, records=50),
        DatasetSpec("arc_prueba", "correccion", None, min_submitted=1, records=30, label_question="nota"),
    ]
    plan = build_campaign(
        rg_client,
        "tablero",
        specs,
        LIVE_USERS,
        seed=23,
        statuses=(("submitted", 0.8), ("discarded", 0.1), ("draft", 0.1)),
    )
    empty = DatasetSpec("vacio_prueba", "validada", None, min_submitted=1, records=0)
    build_campaign(rg_client, "tablero", [empty], [], seed=1)
    config = write_config(tmp_path_factory.mktemp("cfg") / "campaign.toml", plan, minimum=3, extra_datasets=(empty,))
    return plan, config


@pytest.fixture
def live_env(argilla_server, live_campaign, tmp_path):
    """Environment variables that point the app at the live campaign."""
    return live_environment(argilla_server, live_campaign[1], tmp_path / "data")


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of its own on 127.0.0.1 (scripts/test.sh installs it), gone after the test;
    the test may stop and start it again."""
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    return redis_server.url


# --- one process's services against the real argilla-server (each module defines its `plan`) ----
@pytest.fixture
def proxy(argilla_server):
    proxy = CountingProxy(argilla_server.api_url)
    yield proxy
    proxy.stop()


@pytest.fixture
def dashboard(argilla_server, proxy, plan, tmp_path, rg_client):
    space = f"somosnlp/tablero-{uuid.uuid4().hex[:8]}"
    board = Dashboard(argilla_server, proxy, plan, tmp_path, space)
    yield board
    if board.services is not None:
        board.services.stop()
    for webhook in ours(rg_client, space):
        webhook.delete()
