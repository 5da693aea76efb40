"""The Hub source and leaderboard through a real HfApi against a Hub-shaped local server."""

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import huggingface_hub
import pytest
from huggingface_hub import HfApi, get_session

from data.config import HubConfig
from data.errors import ErrorKind, SourceError
from data.model import projects
from data.sources.hub import HubSource
from tests.hub_fixtures import expected_board, make_repos
from tests.servers.hub_server import HubServer
from tests.waiting import wait_until

pytestmark = pytest.mark.long

ORG = "hackathon-x"


@pytest.fixture
def hub():
    server = HubServer().start()
    server.state.repos = make_repos(ORG)
    server.state.page_size = 3
    yield server
    server.stop()


def board_for(hub, **config):
    config = HubConfig(org=ORG, timeout_seconds=5, **config)
    return projects.leaderboard(HubSource(hub.endpoint, None, config).fetch(), config)


def test_lists_exactly_the_public_repos_in_the_window_ranked_by_likes(hub):
    board = board_for(hub, since=dt.date(2024, 3, 15), until=dt.date(2024, 5, 10), exclude=(f"{ORG}/proyecto-2",))
    truth = expected_board(hub.state.repos, ORG, since="2024-03-15", until="2024-05-10", exclude=(f"{ORG}/proyecto-2",))
    assert sorted(zip(board["url"], board["likes"])) == sorted(truth)
    assert board["likes"].is_monotonic_decreasing
    for row in board.itertuples():
        assert row.rank == 1 + (board["likes"] > row.likes).sum()


def test_three_list_calls_with_pagination_and_the_real_query_shape(hub):
    board = board_for(hub)
    assert len(board) == len(expected_board(hub.state.repos, ORG))
    first_calls = [r for r in hub.list_requests() if "p=" not in r]
    assert len(first_calls) == 3
    assert all("author=hackathon-x" in r and "sort=likes" in r and "expand=likes" in r for r in first_calls)
    assert len(hub.list_requests()) > 3  # pages beyond the first were followed
    spaces = board[board["kind"] == "space"]
    assert spaces["sdk"].notna().all() and spaces["state"].isin(["RUNNING", "SLEEPING"]).all()


def test_the_three_listings_are_asked_at_the_same_time(hub):
    """Each listing is a round trip to the Hub: all three are under way before any is answered."""
    hub.state.gate.clear()
    with ThreadPoolExecutor(1) as pool:
        fetched = pool.submit(HubSource(hub.endpoint, None, HubConfig(org=ORG, timeout_seconds=5)).fetch)
        wait_until(lambda: len(hub.state.arrived) == 3, 10, "three listings to arrive")
        listings = {request.split("?")[0] for request in hub.state.arrived}
        assert listings == {"GET /api/models", "GET /api/datasets", "GET /api/spaces"}
        assert not hub.state.requests  # none answered yet
        hub.state.gate.set()
        raw = fetched.result(timeout=30)
    assert list(raw["kind"].unique()) == ["model", "dataset", "space"]  # in that order, whatever ended first
    assert len(raw) == sum(repo["author"] == ORG for repos in hub.state.repos.values() for repo in repos)


def test_placeholder_creation_date_is_unknown_and_outside_any_window(hub):
    board = board_for(hub)
    old = board[board["url"].str.endswith("/proyecto-5")]
    assert len(old) == 1 and old["created_at"].isna().all()
    assert "proyecto-5" not in " ".join(board_for(hub, since=dt.date(2020, 1, 1))["url"])


def test_empty_org(hub):
    hub.state.repos = {"model": [], "dataset": [], "space": []}
    assert board_for(hub).empty


def test_malformed_items_are_dropped_not_fatal(hub):
    hub.state.repos["model"].append({"_id": "bad", "id": f"{ORG}/bad-likes", "likes": "many"})
    hub.state.repos["dataset"].append({"_id": "bad2", "id": f"{ORG}/no-likes"})
    board = board_for(hub)
    assert not board["url"].str.contains("bad-likes|no-likes").any()
    assert len(board) == len(expected_board(make_repos(ORG), ORG))


def test_rate_limit_then_success(hub):
    hub.state.faults = [(429, {"RateLimit": '"api";r=0;t=1', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'})]
    assert len(board_for(hub)) == len(expected_board(hub.state.repos, ORG))


def test_persistent_rate_limit_carries_the_reset_time(hub):
    # the limit holds for every request: the three listings, each tried six times by huggingface_hub
    hub.state.faults = [(429, {"RateLimit": '"api";r=0;t=1'})] * 3 * 6
    with pytest.raises(SourceError) as error:
        board_for(hub)
    assert error.value.kind is ErrorKind.RATE_LIMITED and error.value.retry_after == 1


def test_a_new_source_does_not_cut_a_request_in_flight(hub, caplog):
    """Pollers and the storage sync share huggingface_hub's client: building another source (with
    another timeout) while one lists must not close that client under it."""
    shared = get_session()
    HubSource(hub.endpoint, None, HubConfig(org=ORG, timeout_seconds=3))
    assert get_session() is shared  # the shared client was not closed (and replaced) under its users
    caplog.set_level(logging.WARNING, logger="huggingface_hub")
    with ThreadPoolExecutor(1) as pool:
        listings = pool.submit(lambda: [len(board_for(hub)) for _ in range(12)])
        while not listings.done():
            HubSource(hub.endpoint, None, HubConfig(org=ORG, timeout_seconds=3))
        assert listings.result() == [len(expected_board(hub.state.repos, ORG))] * 12
    retried = [
        r.message for r in caplog.records if "thrown while requesting" in r.message and hub.endpoint in r.message
    ]
    assert not retried  # (other tests' pollers in this process may be retrying elsewhere)


def test_another_threads_connection_error_does_not_cut_a_request_in_flight(hub, caplog, tmp_path):
    """huggingface_hub closes its shared client whenever any request meets a connection error (a
    poller of an unreachable upstream, say): listings and streamed downloads in flight on it finish."""
    body = bytes(range(256)) * 8192  # 2 MiB: streamed in many chunks
    hub.state.store.put("somosnlp/estado", {"snapshot.bin": body}, private=False)
    api = HfApi(endpoint=hub.endpoint, token=False)

    def download(n):
        path = api.hf_hub_download("somosnlp/estado", "snapshot.bin", repo_type="dataset", cache_dir=tmp_path / str(n))
        return Path(path).read_bytes() == body

    caplog.set_level(logging.WARNING, logger="huggingface_hub")
    with ThreadPoolExecutor(2) as pool:
        listings = pool.submit(lambda: [len(board_for(hub)) for _ in range(12)])
        downloads = pool.submit(lambda: [download(n) for n in range(6)])
        while not (listings.done() and downloads.done()):
            huggingface_hub.close_session()  # what huggingface_hub does on another thread's ConnectError
        assert listings.result() == [len(expected_board(hub.state.repos, ORG))] * 12
        assert downloads.result() == [True] * 6
    retried = [
        r.message for r in caplog.records if "thrown while requesting" in r.message and hub.endpoint in r.message
    ]
    assert not retried


def test_outage_is_a_server_error(hub):
    hub.state.faults = [(500, {})] * 3 * 6  # every try of the three listings
    with pytest.raises(SourceError) as error:
        board_for(hub)
    assert error.value.kind is ErrorKind.SERVER_ERROR


def test_unreachable_hub():
    config = HubConfig(org=ORG, timeout_seconds=2)
    with pytest.raises(SourceError) as error:
        HubSource("http://127.0.0.1:9", None, config).fetch()
    assert error.value.kind in (ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT)


def test_likes_history_and_climbers():
    import pandas as pd

    t0 = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)
    board = pd.DataFrame({"kind": ["model", "space"], "repo_id": ["o/a", "o/b"], "likes": [1, 5]})
    history = projects.append_history(pd.DataFrame(columns=projects.HISTORY_COLUMNS), board, t0)
    same = projects.append_history(history, board, t0 + dt.timedelta(minutes=10))
    assert len(same) == 2  # unchanged likes are not stored again within 6 h
    later = board.assign(likes=[9, 6])
    history = projects.append_history(same, later, t0 + dt.timedelta(days=2))
    gains = projects.climbers(history, later, t0 + dt.timedelta(days=2), dt.timedelta(days=7))
    assert gains[["repo_id", "gain"]].values.tolist() == [["o/a", 8], ["o/b", 1]]
    day = projects.climbers(history, later, t0 + dt.timedelta(days=2), dt.timedelta(hours=24))
    assert day[["repo_id", "gain"]].values.tolist() == [["o/a", 8], ["o/b", 1]]


def test_a_timeout_installed_while_another_thread_closes_the_session_never_fails():
    """huggingface_hub's `get_session` reads its global again outside its lock: another thread's
    `close_session` (as on a ConnectError) can leave it answering None. Threads switched as often as
    the interpreter allows make that window show within a second or two."""
    import sys
    import threading
    import time

    from data.sources.hub_client import install_timeout

    stop, errors, calls = threading.Event(), [], 0

    def close_until_stopped() -> None:
        while not stop.is_set():
            huggingface_hub.close_session()

    closer = threading.Thread(target=close_until_stopped)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    closer.start()
    try:
        end = time.monotonic() + 3
        while time.monotonic() < end:
            try:
                install_timeout(15)
            except AttributeError as error:
                errors.append(error)
            calls += 1
    finally:
        stop.set()
        closer.join()
        sys.setswitchinterval(interval)
    assert calls > 100 and not errors
