"""The projects feed: the org's repos from the Hub, polled politely, with a likes history.

Like the campaign feed: one poller per process, the last good read persisted (with the
history) in the snapshot store, and the embedded demo when no upstream is configured.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data import projects
from data.campaign import DEMO_DIR
from data.config import HubConfig, Secrets
from data.poller import FeedView, Poller, process_wide, utc_now
from data.read_cache import ReadCache
from data.snapshots import Snapshot, SnapshotStore
from data.sources.hub import RAW_PROJECT_COLUMNS, HubSource

SNAPSHOT = "projects"
CLIMBER_WINDOWS = {"24h": dt.timedelta(days=1), "7d": dt.timedelta(days=7)}


@dataclass
class Projects:
    raw: pd.DataFrame  # RAW_PROJECT_COLUMNS, as listed
    history: pd.DataFrame  # HISTORY_COLUMNS
    fetched_at: dt.datetime
    is_demo: bool = False


def save_projects(store: SnapshotStore, value: Projects) -> None:
    store.save(SNAPSHOT, Snapshot({"raw": value.raw, "history": value.history}, value.fetched_at, value.is_demo))


def load_projects(store: SnapshotStore) -> Projects | None:
    snapshot = store.load(SNAPSHOT)
    try:
        return (
            Projects(
                snapshot.frames["raw"][RAW_PROJECT_COLUMNS],
                snapshot.frames["history"],
                snapshot.fetched_at,
                snapshot.is_demo,
            )
            if snapshot
            else None
        )
    except KeyError:
        return None


@functools.cache
def load_demo_projects() -> Projects:
    """The embedded demo projects (read once per process)."""
    demo = load_projects(SnapshotStore(DEMO_DIR))
    if demo is None:
        raise RuntimeError(f"the embedded demo projects are missing from {DEMO_DIR}")
    return demo


class ProjectsFeed:
    def __init__(self, config: HubConfig, secrets: Secrets, data_dir: Path, live: bool, start: bool = True):
        self.config = config
        self.store = SnapshotStore(data_dir)
        self.poller: Poller[Projects] | None = None
        self.derived = ReadCache(maxsize=16, ttl=max(config.ttl_seconds, 60))
        if live and config.org:
            source = HubSource(secrets.hf_endpoint, secrets.hf_token, config)
            self.poller = Poller(
                fetch=lambda: self._read(source),
                interval=config.ttl_seconds,
                initial=load_projects(self.store),
                on_success=lambda value: save_projects(self.store, value),
                name="hub-poller",
            )
            if start:
                self.poller.start()

    def _read(self, source: HubSource) -> Projects:
        """One poll; the leaderboard and climbers are computed here, not by the first viewer."""
        raw = source.fetch()
        at = utc_now()
        previous = self.poller.state.value if self.poller else None
        history = previous.history if previous is not None else pd.DataFrame(columns=projects.HISTORY_COLUMNS)
        board = projects.leaderboard(raw, self.config)
        value = Projects(raw, projects.append_history(history, board, at), at)
        self.derived.get(value, ("board",), lambda: board)
        for window in CLIMBER_WINDOWS.values():
            self.climbers(value, window)
        return value

    def view(self) -> FeedView[Projects]:
        return FeedView.of(self.poller, load_demo_projects)

    def board(self, value: Projects) -> pd.DataFrame:
        """The leaderboard of a read."""
        return self.derived.get(value, ("board",), lambda: projects.leaderboard(value.raw, self.config))

    def climbers(self, value: Projects, window: dt.timedelta) -> pd.DataFrame:
        """Likes gained by each project over `window`, biggest first."""
        return self.derived.get(
            value,
            ("climbers", window),
            lambda: projects.climbers(value.history, self.board(value), value.fetched_at, window),
        )


def shared_projects_feed(config: HubConfig, secrets: Secrets, data_dir: Path) -> ProjectsFeed:
    """The process-wide projects feed. Demo unless something upstream is configured."""
    return process_wide(
        ("projects", config, secrets, str(data_dir)),
        lambda: ProjectsFeed(config, secrets, data_dir, live=secrets.hub_live),
    )
