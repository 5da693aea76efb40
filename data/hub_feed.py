"""The projects feed: the org's repos from the Hub, polled politely, with a likes history.

Like the campaign feed: one poller per process, the last good read persisted (with the history)
in the snapshot store, the embedded demo only when nothing at all is configured.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data import projects
from data.config import HubConfig, Secrets
from data.demo import DEMO_DIR, DEMO_SOURCE
from data.feed import Feed
from data.poller import Poller, ReadProgress, Report
from data.read_cache import ReadCache
from data.snapshots import Snapshot, SnapshotStore, source_id
from data.sources.hub import RAW_PROJECT_COLUMNS, HubSource
from data.times import utc_now

SNAPSHOT = "projects"
CLIMBER_WINDOWS = {"24h": dt.timedelta(days=1), "7d": dt.timedelta(days=7)}


@dataclass
class Projects:
    raw: pd.DataFrame  # RAW_PROJECT_COLUMNS, as listed
    history: pd.DataFrame  # HISTORY_COLUMNS
    fetched_at: dt.datetime
    source: str = ""


def save_projects(store: SnapshotStore, value: Projects) -> None:
    store.save(SNAPSHOT, Snapshot({"raw": value.raw, "history": value.history}, value.fetched_at, value.source))


def load_projects(store: SnapshotStore, source: str) -> Projects | None:
    snapshot = store.load(SNAPSHOT)
    if snapshot is None or snapshot.source != source:
        return None
    try:
        return Projects(
            snapshot.frames["raw"][RAW_PROJECT_COLUMNS], snapshot.frames["history"], snapshot.fetched_at, source
        )
    except KeyError:
        return None


@functools.cache
def load_demo_projects() -> Projects:
    """The embedded demo projects (read once per process)."""
    demo = load_projects(SnapshotStore(DEMO_DIR), DEMO_SOURCE)
    if demo is None:
        raise RuntimeError(f"the embedded demo projects are missing from {DEMO_DIR}")
    return demo


def projects_source(config: HubConfig) -> str:
    return source_id("hub", config.org or "")


class ProjectsFeed(Feed[Projects]):
    def __init__(self, config: HubConfig, secrets: Secrets, data_dir: Path, demo: bool = False):
        super().__init__(SnapshotStore(data_dir), ReadCache(maxsize=16, ttl=max(config.ttl_seconds, 60)))
        self.config = config
        self._restored_history: pd.DataFrame | None = None
        self._restored_lock = threading.Lock()
        if demo:
            self.source = DEMO_SOURCE
            self.demo = load_demo_projects
        elif config.org:
            self.source = projects_source(config)
            self._hub = HubSource(secrets.hf_endpoint, secrets.hf_token, config)
            self.poller = Poller(
                read=self._read,
                interval=config.ttl_seconds,
                initial=load_projects(self.store, self.source),
                on_success=lambda value: save_projects(self.store, value),
                name="hub-poller",
            )

    def adopt(self, restored: Projects) -> None:
        """Take projects restored from elsewhere (the Hub): their likes history joins ours at the
        next read, and the whole value is shown if there is none yet or it is newer."""
        with self._restored_lock:
            self._restored_history = projects.merge_history(self._restored_history, restored.history)
        if self.poller is not None and self.poller.seed(restored):
            save_projects(self.store, restored)

    def _read(self, report: Report) -> Projects:
        """One poll; the leaderboard and climbers are computed here, not by the first viewer."""
        raw = self._hub.fetch(lambda step, kind, rows: report(ReadProgress(step, 3, kind, rows)))
        at = utc_now()
        previous = self.poller.state.value
        with self._restored_lock:
            restored, self._restored_history = self._restored_history, None
        history = projects.merge_history(previous.history if previous is not None else None, restored)
        board = projects.leaderboard(raw, self.config)
        value = Projects(raw, projects.append_history(history, board, at), at, self.source)
        self.derived.get(value, ("board",), lambda: board)
        for window in CLIMBER_WINDOWS.values():
            self.climbers(value, window)
        return value

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
