"""Faults against the real argilla-server (through a counting proxy that can delay or fail) and
the Hub-shaped server: the page keeps the last good data, says what is wrong and how old the
data is, shows no traceback, and the next good poll recovers by itself."""

import dataclasses
import threading
import time

import argilla as rg
import httpx
import pytest

from data.errors import ErrorKind
from tests.app_env import environment, frame_of, refreshed_feed, running, status_line, write_config
from tests.app_env import open_page as page
from tests.campaign_builder import DatasetSpec, build_campaign
from tests.hooked_app import Annotator
from tests.oracle import argilla_corrections, argilla_rows, csv_rows, differences

pytestmark = [pytest.mark.long, pytest.mark.fault]

SPECS = [DatasetSpec("fallos_a", "texto", "ref", min_submitted=1, records=20)]


@pytest.fixture(scope="module")
def plan(rg_client):
    return build_campaign(rg_client, "fallos", SPECS, ["f_ana", "f_beto"], seed=9)


@pytest.fixture
def app_env(argilla_server, proxy, plan, tmp_path):
    config = write_config(tmp_path / "campaign.toml", plan, timeout=2)
    return {
        "ARGILLA_API_URL": proxy.url,
        "ARGILLA_API_KEY": argilla_server.api_key,
        "CAMPAIGN_CONFIG": str(config),
        "DATA_DIR": str(tmp_path / "data"),
    }


def banner(at) -> str:
    return status_line(at) + " " + " ".join(w.value for w in at.warning)


def people(at) -> str:
    return {m.label: m.value for m in at.metric}["Personas"]


def assert_stale_but_shown(at, reason: str, people_before: str):
    text = banner(at)
    assert reason in text and "Datos de hace" in text, text
    assert people(at) == people_before
    assert "Traceback" not in str(at.main)


def test_argilla_down_at_start_up_serves_the_last_snapshot(app_env, proxy):
    with environment(**app_env):
        feed = refreshed_feed()
        assert feed.view().mode == "live"
        before = people(page())
    with environment(**{**app_env, "ARGILLA_API_URL": "http://127.0.0.1:9"}):  # a new process, server down
        feed = refreshed_feed()
        assert feed.view().mode == "stale" and feed.view().state.error.kind is ErrorKind.UNREACHABLE
        assert_stale_but_shown(page(), "no se puede conectar", before)


def test_a_failing_first_read_says_why_shows_no_demo_and_recovers(app_env, proxy):
    with environment(**app_env):
        proxy.status = 503
        feed = refreshed_feed()
        assert feed.view().mode == "first_read"
        at = page("views/export.py")
        assert "Preparando el tablero" in at.subheader[0].value
        assert "HTTP 503" in banner(at) and "reintentará" in banner(at)
        assert not any("demostración" in i.value for i in at.info)
        assert not at.metric and not at.dataframe and not at.get("download_button")
        proxy.status = None
        feed.poller.refresh()
        at = page("views/export.py")
        assert at.get("download_button") and feed.view().mode == "live"


def test_argilla_killed_in_the_middle_of_a_poll(app_env, proxy, argilla_server):
    with environment(**app_env):
        feed = refreshed_feed()
        before = people(page())
        proxy.delay = 1.0
        started = time.monotonic()
        poll = threading.Thread(target=feed.poller.refresh)
        poll.start()
        while proxy.requests_since(started) == 0:  # the poll is under way
            time.sleep(0.01)
        argilla_server.stop_server()
        try:
            poll.join()
            proxy.delay = 0
            assert feed.view().state.error is not None
            assert_stale_but_shown(page(), "", before)
        finally:
            argilla_server.start_server()
        feed.poller.refresh()
        assert feed.view().mode == "live" and people(page()) == before


def assert_exact(feed, argilla_server, rg_client) -> None:
    """The prize CSV equals argilla-server's own count (tests/oracle.py), corrections included."""
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    dataset_id = str(rg_client.datasets(name=SPECS[0].name, workspace="fallos").id)
    corrections = argilla_corrections(owner, dataset_id, SPECS[0].question, SPECS[0].reference_field)
    truth = {
        name: dataclasses.replace(row, corrections=corrections.get(name, 0))
        for name, row in argilla_rows(owner, [dataset_id], minimum=3).items()
    }
    board = csv_rows(feed.read_of(feed.view().value).ranking_csv(), with_corrections=True)
    assert differences(board, truth) == 0


@pytest.mark.parametrize(
    ("cut", "paths", "reason"),
    [("reset", "/records", "no se puede conectar"), ("truncated", "/progress", "datos inesperados")],
)
def test_an_answer_cut_short(app_env, proxy, argilla_server, rg_client, cut, paths, reason):
    """A connection reset in the middle of a page of records, or a whole answer whose JSON stops
    halfway: the last good data stays, the page says what is wrong and how old the data is, and
    the next read is exact again."""
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    ana = str(next(u for u in rg_client.users if u.username == "f_ana").id)
    annotator = Annotator(argilla_server.api_url, owner.get(f"/api/v1/users/{ana}").json()["api_key"])
    dataset_id = str(rg_client.datasets(name=SPECS[0].name, workspace="fallos").id)
    listed = owner.get(f"/api/v1/datasets/{dataset_id}/records", params=[("include", "responses"), ("limit", 1000)])
    record = next(
        str(item["id"])
        for item in listed.json()["items"]
        if all(str(response["user_id"]) != ana for response in item.get("responses") or [])
    )
    with environment(**app_env):
        feed = refreshed_feed()
        before = people(page())
        annotator.submit(record, "una corrección de f_ana")  # the dataset moved: it is read again
        proxy.cut, proxy.cut_paths = cut, paths
        try:
            feed.poller.refresh()
            assert feed.view().mode == "stale"
            assert_stale_but_shown(page(), reason, before)
        finally:
            proxy.cut = None
        feed.poller.refresh()
        assert feed.view().mode == "live"
        assert_exact(feed, argilla_server, rg_client)


def test_argilla_slower_than_the_timeout(app_env, proxy):
    with environment(**app_env):
        feed = refreshed_feed()
        before = people(page())
        proxy.delay = 3.0  # the configured timeout is 2 s
        feed.poller.refresh()
        assert feed.view().state.error.kind is ErrorKind.TIMEOUT
        assert_stale_but_shown(page("views/overview.py"), "tardó demasiado", before)
        proxy.delay = 0
        feed.poller.refresh()
        assert feed.view().mode == "live"


def test_server_errors_and_redis_gone(app_env, proxy, argilla_server):
    with environment(**app_env):
        feed = refreshed_feed()
        before = people(page())
        argilla_server.stop_redis()
        try:
            feed.poller.refresh()  # reads need no Redis: the dashboard keeps working
            assert feed.view().mode == "live"
            proxy.status = 503  # what a server whose backing services failed answers
            feed.poller.refresh()
            assert feed.view().state.error.kind is ErrorKind.SERVER_ERROR
            assert_stale_but_shown(page(), "HTTP 503", before)
        finally:
            proxy.status = None
            argilla_server.start_redis()
        feed.poller.refresh()
        assert feed.view().mode == "live"


def test_429_with_retry_after_is_honoured_and_said(app_env, proxy):
    """Argilla (or the proxy in front of its Space) asks to slow down: the page keeps the last good
    data and says so, and nothing is asked of Argilla before Retry-After, not even on a wake."""
    with environment(**app_env):
        feed = refreshed_feed()
        before = people(page())
        proxy.status, proxy.fault_headers = 429, {"Retry-After": "120"}
        try:
            feed.poller.refresh()
            error = feed.view().state.error
            assert error.kind is ErrorKind.RATE_LIMITED and error.retry_after == 120
            assert_stale_but_shown(page(), "menos peticiones", before)
        finally:
            proxy.status, proxy.fault_headers = None, {}
        feed.poller.refresh()
        assert feed.view().mode == "live"


def test_401_after_the_key_is_rotated(argilla_server, rg_client, proxy, plan, tmp_path):
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    user = rg_client.users.add(
        rg.User(username="rotating_owner", password="rotate-pass-1", role="owner", client=rg_client)
    )
    key = owner.get(f"/api/v1/users/{user.id}").json()["api_key"]
    config = write_config(tmp_path / "campaign.toml", plan, timeout=2)
    with environment(
        ARGILLA_API_URL=proxy.url, ARGILLA_API_KEY=key, CAMPAIGN_CONFIG=str(config), DATA_DIR=str(tmp_path / "data")
    ):
        feed = refreshed_feed()
        before = people(page())
        owner.delete(f"/api/v1/users/{user.id}")  # the old key stops working
        feed.poller.refresh()
        assert feed.view().state.error.kind is ErrorKind.AUTH
        assert_stale_but_shown(page(), "clave de API no es válida", before)


@pytest.mark.parametrize("how", ["deleted", "renamed"])
def test_configured_dataset_deleted_or_renamed(argilla_server, rg_client, proxy, plan, tmp_path, how):
    doomed = DatasetSpec(f"fallos_{how}", "texto", None, min_submitted=1, records=5)
    build_campaign(rg_client, "fallos", [doomed], ["f_ana"], seed=2)
    config = write_config(tmp_path / "campaign.toml", plan, timeout=2, extra_datasets=(doomed,))
    with environment(
        ARGILLA_API_URL=proxy.url,
        ARGILLA_API_KEY=argilla_server.api_key,
        CAMPAIGN_CONFIG=str(config),
        DATA_DIR=str(tmp_path / "data"),
    ):
        feed = refreshed_feed()
        before = people(page())
        dataset = rg_client.datasets(name=doomed.name, workspace="fallos")
        if how == "deleted":
            dataset.delete()
        else:
            httpx.request(
                "PATCH",
                f"{argilla_server.api_url}/api/v1/datasets/{dataset.id}",
                json={"name": "otro_nombre"},
                headers={"X-Argilla-Api-Key": argilla_server.api_key},
            ).raise_for_status()
        feed.poller.refresh()
        error = feed.view().state.error
        assert error.kind is ErrorKind.MISSING_DATASET and error.detail == doomed.name
        assert_stale_but_shown(page(), doomed.name, before)  # plain text in the line, never markup


@pytest.fixture
def hub_env(tmp_path, plan):
    from tests.hub_fixtures import make_repos
    from tests.servers.hub_server import HubServer

    server = HubServer().start()
    server.state.repos = make_repos("org-fallos")
    config = write_config(tmp_path / "campaign.toml", plan, hub_org="org-fallos")
    yield (
        server,
        {
            "HF_ENDPOINT": server.endpoint,
            "CAMPAIGN_CONFIG": str(config),
            "DATA_DIR": str(tmp_path / "d"),
            "ARGILLA_API_URL": None,
            "ARGILLA_API_KEY": None,
        },
    )
    server.stop()


@pytest.mark.parametrize("status, reason", [(429, "menos peticiones"), (500, "HTTP 500")])
def test_hub_rate_limit_and_outage_keep_the_table(hub_env, status, reason):
    server, env = hub_env
    with environment(**env):
        feed = running().projects
        feed.poller.refresh()
        rows = len(frame_of(page("views/projects.py"), "projects.board"))
        # every try of the three listings (huggingface_hub tries each six times)
        server.state.faults = [(status, {"RateLimit": '"api";r=0;t=1'} if status == 429 else {})] * 3 * 6
        feed.poller.refresh()
        assert feed.view().state.error is not None
        at = page("views/projects.py")
        assert reason in banner(at) and "Datos de hace" in banner(at)
        assert len(frame_of(at, "projects.board")) == rows
        feed.poller.refresh()
        assert feed.view().mode == "live"
