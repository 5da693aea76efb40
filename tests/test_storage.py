"""The state kept on the Hub ([storage]): through a real HfApi against the Hub-shaped server, with
the real argilla-server. Restore after a wiped disk, the Hub down at start, a read-only token,
garbage and newer-format files, and a writer killed in the middle of a commit."""

import dataclasses
import datetime as dt
import json
import logging
import os
import signal
import time

import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from data.config import HubConfig, StorageConfig
from data.errors import ErrorKind
from data.feeds import sync as state_sync
from data.feeds.sync import StateSync
from data.model.projects import HISTORY_COLUMNS, Projects, append_history, leaderboard
from data.state import hub_storage
from data.state.hub_storage import APP, MANIFEST, HubStorage, Stored
from data.synthetic import generate, generate_projects
from tests.app_env import environment, open_page, running, status_line, write_config
from tests.hub_fixtures import HeldFeed, org_hub
from tests.streamlit_process import StreamlitApp, wait_for_app
from tests.waiting import wait_until

pytestmark = pytest.mark.long

ORG = "org-estado"
REPO = "org-estado/tablero-estado"
WRITE, READ = "hf_writeTOKENsentinel1234", "hf_readTOKENsentinel5678"


@pytest.fixture
def hub():
    server = org_hub(ORG, {WRITE: "write", READ: "read"})
    yield server
    server.stop()


@pytest.fixture
def env_for(argilla_server, live_campaign, hub, tmp_path):
    """The environment of one process: its own DATA_DIR, Argilla up or down, a token."""
    plan, _ = live_campaign

    def make(name: str, token: str = WRITE, argilla_up: bool = True, every: float = 0.02, hub_ttl: int = 3600):
        storage = f'[storage]\nrepo = "{REPO}"\nevery_minutes = {every}\n'
        config = write_config(
            tmp_path / f"{name}.toml", plan, hub_org=ORG, hub_ttl=hub_ttl, sections=storage, timeout=2
        )
        return {
            "ARGILLA_API_URL": argilla_server.api_url if argilla_up else "http://127.0.0.1:9",
            "ARGILLA_API_KEY": argilla_server.api_key,
            "HF_ENDPOINT": hub.endpoint,
            "HF_TOKEN": token,
            "CAMPAIGN_CONFIG": str(config),
            "DATA_DIR": str(tmp_path / name),
            "ORGANIZER_TOKEN": "frase-org",
        }

    return make


def canonical(history: pd.DataFrame) -> pd.DataFrame:
    ordered = history[HISTORY_COLUMNS].assign(time=pd.to_datetime(history["time"], utc=True))
    return ordered.sort_values(["time", "kind", "repo_id"]).reset_index(drop=True)


def people(at) -> str:
    return {m.label: m.value for m in at.metric}["Personas"]


def committed_parts(hub) -> dict:
    """The `fetched_at` of each part the repo's manifest holds (the first commit may have one)."""
    repo = hub.state.store.repo(REPO)
    if repo is None or MANIFEST not in repo.files:
        return {}
    document = json.loads(repo.files[MANIFEST])
    return {
        name: dt.datetime.fromisoformat(part["fetched_at"])
        for name in ("campaign", "projects")
        if (part := document.get(name))
    }


def written_state(env, hub, likes_change: bool = True):
    """Run a writing process until the repo holds its campaign and a likes history of two reads."""
    with environment(**env):
        services = running()
        wait_until(lambda: len(committed_parts(hub)) == 2, what="a commit of the campaign and the projects")
        if likes_change:
            for item in hub.state.repos["model"][:3]:
                item["likes"] += 5
            first = services.projects.view().value.fetched_at
            services.projects.poller.refresh()
            wait_until(lambda: committed_parts(hub)["projects"] > first, what="a commit of the second read")
        state = (
            services.campaign.view().value,
            services.projects.view().value,
            people(open_page()),
        )
        services.stop()
    return state


@pytest.mark.fault
def test_a_wiped_disk_is_restored_from_the_hub_never_the_demo(env_for, hub):
    campaign, projects, shown = written_state(env_for("first"), hub)
    assert projects.history["time"].nunique() == 2
    with environment(**env_for("rebuilt", argilla_up=False)):  # a new disk, and Argilla down too
        services = running()
        assert services.state.restored.wait(30)
        view = services.campaign.view()
        assert view.mode == "stale" and view.value.fetched_at == campaign.fetched_at
        pd.testing.assert_frame_equal(
            canonical(services.projects.view().value.history), canonical(projects.history), check_dtype=False
        )
        services.campaign.poller.wait_for_first(30)
        wait_until(lambda: services.campaign.view().state.error is not None, what="the failed read")
        at = open_page()
        assert people(at) == shown
        banner = status_line(at)
        assert "Datos de hace" in banner and "no se puede conectar" in banner
        assert not any("demostración" in i.value for i in at.info)
        services.stop()


def test_a_choice_of_appearance_is_kept_on_the_hub_and_survives_a_wiped_disk(env_for, hub):
    with environment(**env_for("first")):
        services = running()
        wait_until(lambda: len(committed_parts(hub)) == 2, what="a commit of the campaign and the projects")
        read = services.campaign.read_of(services.campaign.view().value)
        hidden, alias = read.everyone()["username"].iloc[:2]
        assert services.appearance.choose(hidden, "hidden") and services.appearance.choose(alias, "alias")
        wait_until(lambda: hub_storage.APPEARANCE in hub.state.store.repo(REPO).files, what="the choices committed")
        services.stop()
    with environment(**env_for("rebuilt", argilla_up=False)):  # a new disk, and Argilla down too
        services = running()
        assert services.state.restored.wait(30)
        shown = services.appearance.current()
        assert (shown.of(hidden), shown.of(alias)) == ("hidden", "alias")
        public = services.campaign.read_of(services.campaign.view().value).contributors()
        assert hidden not in set(public["username"]) and shown.alias(alias) in set(public["username"])
        services.stop()


def test_the_certificates_key_is_made_once_kept_in_the_repo_and_outlives_a_wiped_disk_and_a_new_argilla_key(
    env_for, hub
):
    """No CERTIFICATE_SECRET: the writer makes a signing key once the repo was read, commits it,
    and only then signs with it (the processes that follow it too); the key derived from the
    Argilla key, which signed until then, is kept as a former key. A rebuilt Space with another
    Argilla key restores both: every ID issued so far verifies."""
    from pathlib import Path

    from components.contributor import certificate_mark
    from data.config import APP_VARIABLES, load_config, load_secrets
    from data.feeds.services import Services
    from data.model import credentials
    from data.state.certificate_keys import Keyring

    def issued(key: bytes) -> str:
        mark = certificate_mark(load_config())
        return credentials.issue(credentials.Credential("ana", 12, 3, dt.date(2026, 12, 5), mark.tags), key)

    def verifies(token: str, keys: tuple[bytes, ...]) -> bool:
        return credentials.verify(token, keys, certificate_mark(load_config())) is not None

    def kept() -> Keyring | None:
        repo = hub.state.store.repo(REPO)
        files = repo.files if repo is not None else {}
        return Keyring.from_json(json.loads(files[hub_storage.KEYS])) if hub_storage.KEYS in files else None

    env = env_for("first")
    with environment(**env):
        services = running()
        derived = services.keys.derived
        before = issued(services.keys.signing)  # signed before the repo was read: the derived key
        wait_until(lambda: kept() is not None, what="the keyring committed")
        wait_until(lambda: services.keys.signing != derived, what="the new key in use")
        keyring = kept()
        assert keyring == Keyring(services.keys.signing, (derived,)) and len(keyring.signing) == 32
        after = issued(services.keys.signing)
        assert verifies(before, services.keys.verifying) and verifies(after, services.keys.verifying)
        secrets = load_secrets({k: v for k, v in env.items() if k in APP_VARIABLES})
        follower = Services.build(load_config(), secrets, Path(env["DATA_DIR"]), follow=True)  # another worker
        assert follower.keys.signing == keyring.signing and verifies(before, follower.keys.verifying)
        services.stop()
    rotated = {**env_for("rebuilt", argilla_up=False), "ARGILLA_API_KEY": "una-clave-de-argilla-nueva"}
    with environment(**rotated):  # a wiped disk and a rotated Argilla key
        services = running()
        assert services.state.restored.wait(30)
        assert services.keys.signing == keyring.signing and services.keys.derived != derived
        assert verifies(before, services.keys.verifying) and verifies(after, services.keys.verifying)
        new_derived = services.keys.derived  # kept too: a page may have signed with it before the restore
        wait_until(lambda: new_derived in kept().former, what="the new derived key recorded")
        services.stop()


def test_the_likes_history_goes_on_where_it_stopped(env_for, hub):
    _, projects, _ = written_state(env_for("first"), hub)
    with environment(**env_for("second")):
        services = running()
        assert services.state.restored.wait(30)
        hub.state.repos["dataset"][0]["likes"] += 7
        services.projects.poller.refresh()
        history = services.projects.view().value.history
        assert history["time"].nunique() == projects.history["time"].nunique() + 1
        services.stop()


def test_the_hub_down_at_start_costs_nothing_and_the_restore_comes_later(env_for, hub):
    written_state(env_for("first"), hub, likes_change=False)
    hub.state.faults = [(503, {})] * 4
    with environment(**env_for("second", every=0.05)):
        services = running()
        assert services.state.tried.wait(30) and not services.state.restored.is_set()
        assert services.state.status.error.kind is ErrorKind.SERVER_ERROR
        services.campaign.poller.wait_for_first(30)
        assert services.campaign.view().mode == "live"  # the feeds did not wait for the Hub
        wait_until(services.state.restored.is_set, what="the restore, once the Hub is back")
        assert services.state.status.error is None
        services.stop()


def test_a_read_only_token_reads_says_so_once_and_the_dashboard_works(env_for, hub, caplog):
    written_state(env_for("first"), hub, likes_change=False)
    caplog.set_level(logging.WARNING, logger="data.feeds.sync")
    with environment(**env_for("reader", token=READ)):
        services = running()
        assert services.state.restored.wait(30)
        hub.state.repos["model"][0]["likes"] += 1
        services.projects.poller.refresh()
        wait_until(lambda: services.state.status.error is not None, what="the refused write")
        assert services.state.status.error.kind is ErrorKind.FORBIDDEN
        refused_at = services.state.status.periods
        wait_until(lambda: services.state.status.periods >= refused_at + 3, what="three more periods")
        assert sum("write failed (forbidden)" in r.getMessage() for r in caplog.records) == 1
        services.campaign.poller.wait_for_first(30)
        assert services.campaign.view().mode == "live"
        at = open_page("views/organizer.py")
        at.text_input(key="organizer.passphrase").input("frase-org").run()
        line = " ".join(w.value for w in at.warning)
        assert "no puede escribir" in line and "solo lectura" in line
        assert READ not in line and WRITE not in line
        services.stop()


def test_garbage_in_the_repo_is_ignored_and_replaced_by_a_valid_state(env_for, hub, caplog):
    hub.state.store.put(REPO, {MANIFEST: b"\x00\x01 not json", "notas.txt": b"de otra persona"})
    caplog.set_level(logging.WARNING, logger="data.state.hub_storage")
    with environment(**env_for("first")):
        services = running()
        assert services.state.restored.wait(30)
        assert any("not JSON" in r.getMessage() for r in caplog.records)
        wait_until(lambda: services.state.status.commits >= 1, what="a commit")
        services.stop()
    repo = hub.state.store.repo(REPO)
    assert json.loads(repo.files[MANIFEST])["app"] == APP
    assert repo.files["notas.txt"] == b"de otra persona"  # a foreign file is left alone


def test_a_truncated_file_loses_only_its_part(env_for, hub, caplog):
    _, projects, _ = written_state(env_for("first"), hub, likes_change=False)
    repo = hub.state.store.repo(REPO)
    hub.state.store.put(REPO, {"campaign/responses.parquet": repo.files["campaign/responses.parquet"][:100]})
    caplog.set_level(logging.WARNING, logger="data.state.hub_storage")
    with environment(**env_for("second", argilla_up=False)):
        services = running()
        assert services.state.restored.wait(30)
        assert any("does not match its checksum" in r.getMessage() for r in caplog.records)
        assert services.campaign.view().value is None  # not restored: first-read state, never the demo
        assert len(services.projects.view().value.history) == len(projects.history)
        services.stop()


def test_a_newer_format_is_neither_read_nor_overwritten(env_for, hub):
    document = {"format": 99, "app": APP, "campaign": {}, "projects": {}}
    head = hub.state.store.put(REPO, {MANIFEST: json.dumps(document).encode()})
    with environment(**env_for("first")):
        services = running()
        assert services.state.restored.wait(30) and services.state.status.newer_format
        services.campaign.poller.wait_for_first(30)
        read_at = services.state.status.periods
        wait_until(lambda: services.state.status.periods >= read_at + 3, what="three periods with data to write")
        assert hub.state.store.repo(REPO).head == head
        services.stop()


@pytest.mark.fault
def test_a_writer_killed_in_the_middle_of_a_commit_leaves_the_previous_state(env_for, hub, browser, tmp_path):
    env = env_for("app", every=0.05, hub_ttl=2)
    app = StreamlitApp(env, tmp_path / "writer.log").start()
    store = hub.state.store
    # the first commit that holds the campaign (one before it may hold the projects or the keys alone)
    wait_until(lambda: "campaign" in committed_parts(hub), what="a commit of the campaign")
    store.commit_delay = 30  # from now on a commit hangs until the writer is killed
    time.sleep(2)  # one that began before lands meanwhile (it was not held)
    first_head = store.repo(REPO).head
    first_manifest = json.loads(store.repo(REPO).files[MANIFEST])
    mark = len(hub.state.requests)
    hub.state.repos["space"][0]["likes"] += 3  # something new to write (on the next Hub read)
    wait_until(
        lambda: any(r.startswith("POST /api/datasets/" + REPO + "/commit") for r in hub.state.requests[mark:]),
        timeout=120,
        what="a commit in flight",
    )
    assert store.repo(REPO).head == first_head  # held: not applied
    os.killpg(app.process.pid, signal.SIGKILL)
    app.process.wait()
    store.commit_delay = 0
    assert store.repo(REPO).head == first_head
    assert json.loads(store.repo(REPO).files[MANIFEST]) == first_manifest

    restarted = StreamlitApp(env_for("restarted", argilla_up=False), tmp_path / "restarted.log").start()
    try:
        page = browser.new_page()
        page.goto(f"{restarted.url}/clasificacion")
        wait_for_app(page, timeout=60_000)
        try:
            page.get_by_text("Datos de hace").wait_for(timeout=60_000)
        except PlaywrightTimeout:  # seen once under the full suite's load: keep what the app said
            tail = restarted.log.read_text(errors="replace")[-3000:]
            raise AssertionError(f"page: {page.inner_text('body')[-600:]!r}\napp log: {tail}") from None
        text = page.inner_text("body")
        assert "Ranking de contribuciones" in text and "demostración" not in text
    finally:
        restarted.stop()


def test_the_likes_go_up_every_period_and_the_campaign_snapshot_at_most_hourly(hub, tmp_path, monkeypatch):
    """Bytes a day stay small: a newer campaign read waits for the hour, the likes history does not."""
    clock = {"now": dt.datetime(2024, 4, 15, 9, tzinfo=dt.UTC)}
    monkeypatch.setattr(state_sync, "utc_now", lambda: clock["now"])
    monkeypatch.setattr(hub_storage, "utc_now", lambda: clock["now"])
    demo = generate(contributors=40, responses=600)
    raw, history, _ = generate_projects(ORG, at=clock["now"])
    campaign = HeldFeed("argilla:bench")
    projects = HeldFeed("hub:bench")
    storage = HubStorage(REPO, hub.endpoint, WRITE, tmp_path / "cache")
    sync = StateSync(storage, StorageConfig(REPO, 10), campaign, projects)
    assert sync.restore()

    def tick(minutes: int, responses: int) -> Stored:
        clock["now"] += dt.timedelta(minutes=minutes)
        campaign.poller.state.value = dataclasses.replace(
            demo, responses=demo.responses.head(responses), fetched_at=clock["now"], source=campaign.source
        )
        board = leaderboard(raw.assign(likes=raw["likes"] + minutes), HubConfig(org=ORG))
        likes = append_history(history, board, clock["now"])
        projects.poller.state.value = Projects(raw, likes, clock["now"], projects.source)
        assert sync.write()
        return storage.read(campaign.source, projects.source)

    first = tick(0, 500)
    assert first.campaign.fetched_at == clock["now"] and len(first.campaign.responses) == 500
    later = tick(10, 550)  # a newer read of both, ten minutes on
    assert later.projects.fetched_at == clock["now"]
    assert later.campaign.fetched_at == first.campaign.fetched_at and len(later.campaign.responses) == 500
    hour = tick(50, 600)
    assert hour.campaign.fetched_at == clock["now"] and len(hour.campaign.responses) == 600


def test_a_first_look_is_never_committed_and_the_full_read_after_it_is(hub, tmp_path):
    """A cold start's first look (Argilla's counts, empty frames) is no state worth keeping."""
    demo = generate(contributors=30, responses=300)
    campaign, projects = HeldFeed("argilla:first-look"), HeldFeed("hub:first-look")
    storage = HubStorage(REPO, hub.endpoint, WRITE, tmp_path / "cache")
    sync = StateSync(storage, StorageConfig(REPO, 10), campaign, projects)
    assert sync.restore()
    now = dt.datetime.now(dt.UTC)
    look = dataclasses.replace(demo, responses=demo.responses.head(0), fetched_at=now, source=campaign.source)
    campaign.poller.state.value = dataclasses.replace(look, provisional=True)
    raw, history, _ = generate_projects(ORG, at=now)
    projects.poller.state.value = Projects(raw, history, now, projects.source)
    sync.write()
    assert storage.read(campaign.source, projects.source).campaign is None
    later = now + dt.timedelta(seconds=20)
    campaign.poller.state.value = dataclasses.replace(demo, fetched_at=later, source=campaign.source)
    assert sync.write()
    kept = storage.read(campaign.source, projects.source).campaign
    assert kept is not None and kept.fetched_at == later and not kept.provisional
