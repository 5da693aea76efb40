"""The state kept on the Hub ([storage]) over a whole campaign, and a restart restored from it.

    .venv/bin/python -m bench.storage [days] [responses] [repos]

1. A 60-day campaign (100,000 responses arriving as in the demo's rhythm: weekdays, evenings, a
   final push) and 70 repos whose likes move, polled every 10 minutes: at each tick the real
   `StateSync.write` runs against the Hub-shaped server (real huggingface_hub client, LFS uploads,
   a squash a day), with the clock of the simulated tick. Reports commits and bytes per day, and
   what the repo holds at the end.
2. A fresh process (empty DATA_DIR, Argilla down) restoring that state: seconds from process start
   to the ranking page in Chromium.

    .venv/bin/python -m bench.storage restore [days] [responses]

The restore's reading alone (`HubStorage.read()` from a fresh cache, median of 5): a repo holding
one state written by the real `StateSync` (the demo generator's campaign, `days` days of likes
history, a file a day), on loopback and with `LINK_DELAY` added to every answer of the Hub-shaped
server (a Space's round trip to the Hub); requests counted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from playwright.sync_api import sync_playwright

from bench.common import machine
from data.config import HubConfig, StorageConfig, load_config
from data.feeds import sync as state_sync
from data.feeds.campaign import campaign_source
from data.feeds.projects import projects_source
from data.feeds.sync import StateSync
from data.model import aggregate, projects
from data.model.frames import Campaign
from data.model.projects import Projects
from data.sources.hub import RAW_PROJECT_COLUMNS
from data.state import hub_storage
from data.state.hub_storage import HubStorage
from data.synthetic import generate
from tests.hub_fixtures import HeldFeed
from tests.servers.hub_server import HubServer
from tests.streamlit_process import CHROMIUM, CHROMIUM_ARGS, StreamlitApp

REPO, TOKEN, ORG = "bench-org/tablero-estado", "hf_benchWRITEtoken", "bench-org"
TICK = dt.timedelta(minutes=10)
LINK_DELAY = 0.04  # s added to every answer of the Hub-shaped server


def campaign_over(days: int, responses: int) -> tuple[Campaign, pd.Series]:
    """The demo generator's campaign stretched to `days`, and when each record completed."""
    campaign = generate(contributors=2500, responses=responses, scale=max(1, responses // 20_000))
    start = campaign.responses["updated_at"].min()
    stretch = days / 42
    for column in ("inserted_at", "updated_at"):
        campaign.responses[column] = start + (campaign.responses[column] - start) * stretch
    done = aggregate.completions(campaign.records, campaign.responses, campaign.datasets)
    completed_at = done.set_index(["dataset", "record_id"])["completed_at"]
    return campaign, completed_at


def state_at(campaign: Campaign, completed_at: pd.Series, now: pd.Timestamp, source: str) -> Campaign:
    responses = campaign.responses[(campaign.responses["updated_at"] <= now).to_numpy()]
    keys = pd.MultiIndex.from_frame(campaign.records[["dataset", "record_id"]].astype("string"))
    done = (completed_at.reindex(keys) <= now).fillna(False).to_numpy(dtype=bool)
    records = campaign.records.assign(status=np.where(done, "completed", "pending"))
    return Campaign(records, responses, campaign.datasets, now.to_pydatetime(), source)


def repos(count: int, rng: np.random.Generator) -> pd.DataFrame:
    kinds = rng.choice(["model", "dataset", "space"], size=count)
    return pd.DataFrame(
        {
            "kind": kinds,
            "repo_id": [f"{ORG}/proyecto-{i}" for i in range(count)],
            "author": ORG,
            "likes": 0,
            "created_at": pd.Timestamp("2024-03-02T00:00:00Z"),
            "last_modified": pd.Timestamp("2024-03-02T00:00:00Z"),
            "private": False,
            "disabled": False,
            "tags": "",
            "sdk": np.where(kinds == "space", "gradio", None),
            "state": np.where(kinds == "space", "RUNNING", None),
        }
    )[RAW_PROJECT_COLUMNS]


def synced(tmp: Path) -> tuple[HubServer, StateSync, HeldFeed, HeldFeed]:
    """A Hub-shaped server taking the bench's write token, and the real `StateSync` of the configured
    campaign and the bench org's projects into its repo, restored (from nothing)."""
    hub = HubServer().start()
    hub.state.store.tokens = {TOKEN: "write"}
    campaign_feed = HeldFeed(campaign_source(load_config()))
    projects_feed = HeldFeed(projects_source(HubConfig(org=ORG)))
    storage = HubStorage(REPO, hub.endpoint, TOKEN, tmp / "cache")
    sync = StateSync(storage, StorageConfig(REPO, 10), campaign_feed, projects_feed)
    assert sync.restore()
    return hub, sync, campaign_feed, projects_feed


def simulate(days: int, responses: int, repo_count: int, tmp: Path) -> tuple[Campaign, HubServer]:
    campaign, completed_at = campaign_over(days, responses)
    rng = np.random.default_rng(60)
    raw = repos(repo_count, rng)
    hub_config = HubConfig(org=ORG)
    clock = {"now": campaign.responses["updated_at"].min().floor("D")}
    state_sync.utc_now = hub_storage.utc_now = lambda: clock["now"].to_pydatetime()  # the simulated clock
    holder = {"campaign": None, "projects": None}
    hub, sync, campaign_feed, projects_feed = synced(tmp)
    source = campaign_feed.source
    history = pd.DataFrame(columns=projects.HISTORY_COLUMNS)
    per_day: Counter = Counter()
    bytes_per_day: Counter = Counter()
    started = time.monotonic()
    for tick in range(days * 24 * 6):
        now = clock["now"] = campaign.responses["updated_at"].min().floor("D") + tick * pd.Timedelta(TICK)
        hour = now.hour
        raw["likes"] += rng.random(len(raw)) < (0.02 if 8 <= hour < 24 else 0.002)  # likes move, mostly by day
        board = projects.leaderboard(raw, hub_config)
        history = projects.append_history(history, board, now.to_pydatetime())
        holder["projects"] = Projects(raw.copy(), history, now.to_pydatetime(), projects_feed.source)
        holder["campaign"] = campaign_feed.poller.state.value = state_at(campaign, completed_at, now, source)
        projects_feed.poller.state.value = holder["projects"]
        before = len(hub.state.store.log)
        if sync.write():
            day = now.date()
            per_day[day] += 1
            bytes_per_day[day] += sum(size for _, _, size in hub.state.store.log[before:])
    elapsed = time.monotonic() - started
    store = hub.state.store
    repo = store.repo(REPO)
    tree = sum(len(data) for data in repo.files.values())
    lfs = sum(len(data) for data in store.lfs_objects.values())
    counts = [per_day.get(d, 0) for d in sorted({*per_day} | {*bytes_per_day})]
    sizes = [bytes_per_day.get(d, 0) for d in sorted(per_day)]
    print(
        f"{days} days simulated in {elapsed:.0f} s ({len(campaign.responses):,} responses, {repo_count} repos, "
        f"a tick every 10 min): commits per day median {statistics.median(counts):.0f}, max {max(counts)}, "
        f"total {sum(counts)}; bytes committed per day median {statistics.median(sizes) / 1e6:.1f} MB, "
        f"max {max(sizes) / 1e6:.1f} MB; at the end the repo holds {len(repo.files)} files, {tree / 1e6:.2f} MB, "
        f"{len(repo.commits)} commit(s) after the daily squash; LFS objects kept {lfs / 1e6:.2f} MB"
    )
    return holder["campaign"], hub


def restored_page(hub: HubServer, tmp: Path) -> None:
    config = tmp / "campaign.toml"
    config.write_text(
        Path("campaign.toml").read_text() + f'\n[storage]\nrepo = "{REPO}"\nevery_minutes = 10\nwriter = false\n',
        encoding="utf-8",
    )
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for run in range(3):
            env = {
                "ARGILLA_API_URL": "http://127.0.0.1:9",  # Argilla down: only the Hub has the data
                "ARGILLA_API_KEY": "bench-key",
                "HF_ENDPOINT": hub.endpoint,
                "HF_TOKEN": TOKEN,
                "CAMPAIGN_CONFIG": str(config),
                "DATA_DIR": str(tmp / f"empty-{run}"),
            }
            started = time.monotonic()
            app = StreamlitApp(env, tmp / f"restore-{run}.log").start()
            page = browser.new_page()
            page.goto(f"{app.url}/clasificacion")
            page.get_by_text("Ranking de contribuciones").wait_for(timeout=120_000)
            times.append(time.monotonic() - started)
            page.close()
            app.stop()
        browser.close()
    print(
        f"fresh process, empty DATA_DIR, Argilla down: ranking restored from the Hub in "
        f"{statistics.median(times):.1f} s after process start (median of 3: {', '.join(f'{t:.1f}' for t in times)})"
    )


def one_state(days: int, responses: int, tmp: Path) -> HubServer:
    """A Hub-shaped server whose repo holds one state: a campaign and `days` days of likes history."""
    hub, sync, campaign_feed, projects_feed = synced(tmp)
    now = dt.datetime.now(dt.UTC)
    raw = repos(70, np.random.default_rng(60))
    history = pd.DataFrame(columns=projects.HISTORY_COLUMNS)
    for day in range(days, 0, -1):  # a point a day: a likes file a day
        board = projects.leaderboard(raw.assign(likes=raw["likes"] + days - day), HubConfig(org=ORG))
        history = projects.append_history(history, board, now - dt.timedelta(days=day))
    campaign = generate(contributors=300, responses=responses)
    campaign_feed.poller.state.value = dataclasses.replace(campaign, fetched_at=now, source=campaign_feed.source)
    projects_feed.poller.state.value = Projects(raw, history, now, projects_feed.source)
    assert sync.write()
    return hub


def restore_reading(hub: HubServer, tmp: Path) -> None:
    """`HubStorage.read()` from a fresh cache, as a restarted Space does, on loopback and slowed."""
    campaign, likes = campaign_source(load_config()), projects_source(HubConfig(org=ORG))
    for delay in (0.0, LINK_DELAY):
        hub.state.delay = delay
        seconds, requests = [], []
        for run in range(5):
            storage = HubStorage(REPO, hub.endpoint, TOKEN, tmp / f"restore-{delay}-{run}")
            before, started = len(hub.state.requests), time.monotonic()
            stored = storage.read(campaign, likes)
            seconds.append(time.monotonic() - started)
            requests.append(len(hub.state.requests) - before)
            assert stored.campaign is not None and stored.projects is not None
        print(
            f"the restore's reading, {delay * 1000:.0f} ms an answer added: {max(requests)} requests, "
            f"median {statistics.median(seconds):.2f} s ({', '.join(f'{s:.2f}' for s in seconds)})"
        )
    hub.state.delay = 0.0


if __name__ == "__main__" and sys.argv[1:2] == ["restore"]:
    print(machine())
    folder = Path(tempfile.mkdtemp(prefix="bench-restore-"))
    server = one_state(
        int(sys.argv[2]) if len(sys.argv) > 2 else 60, int(sys.argv[3]) if len(sys.argv) > 3 else 20_000, folder
    )
    restore_reading(server, folder)
    server.stop()
elif __name__ == "__main__":
    days = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    responses = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    repo_count = int(sys.argv[3]) if len(sys.argv) > 3 else 70
    print(machine())
    folder = Path(tempfile.mkdtemp(prefix="bench-storage-"))
    _, server = simulate(days, responses, repo_count, folder)
    restore_reading(server, folder)
    restored_page(server, folder)
    server.stop()
