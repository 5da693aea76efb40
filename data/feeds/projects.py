"""The projects feed: the org's repos from the Hub, polled politely, with a likes history.

Like the campaign feed: one poller in the writer process, the last good read persisted (with the
history) in the snapshot store and followed by the other processes. Beside the demo campaign (no
Argilla configured), the org's real projects when `[hub] org` is set and the Hub answers, and the
demo's until then (or without an org).
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pandas as pd

from data.config import HubConfig, Secrets
from data.feeds.feed import Feed
from data.feeds.follower import publish_status
from data.feeds.poller import Poller
from data.feeds.read_cache import ReadCache
from data.model import digests, export, projects
from data.model.projects import CLIMBER_WINDOWS, Projects
from data.model.roster import Roster
from data.sources.hub import HubSource
from data.sources.progress import ReadProgress, Report
from data.state.demo import load_demo_projects
from data.state.snapshots import PROJECTS, SnapshotStore, Store, load_projects, save_projects, source_id
from data.times import utc_now


def projects_source(config: HubConfig) -> str:
    return source_id("hub", config.org or "")


class ProjectsFeed(Feed[Projects]):
    def __init__(
        self,
        config: HubConfig,
        secrets: Secrets,
        data_dir: Path,
        demo: bool = False,
        follow: bool = False,
        store: Store | None = None,
        local: Store | None = None,
    ):
        """As the campaign feed's (data/feeds/campaign.py)."""
        cache = ReadCache(maxsize=64, ttl=max(3 * config.ttl_seconds, 600))  # filtered views group by team too
        super().__init__(store or SnapshotStore(data_dir), cache, PROJECTS, local)
        self.config = config
        self._restored_history: pd.DataFrame | None = None
        self._restored_lock = threading.Lock()
        if demo:  # the demo campaign's projects: the real ones once the Hub answers (with an org)
            self.show_demo(load_demo_projects)
        if config.org:
            follower = self._published if follow else None
            self.read(projects_source(config), lambda: self._writer(secrets), follow=follower)

    def _writer(self, secrets: Secrets) -> Poller[Projects]:
        """The writer's reader: the org's repos listed every `ttl_seconds`, each good read saved."""
        hub = HubSource(secrets.hf_endpoint, secrets.hf_token, self.config)
        poller = Poller(
            read=lambda report: self._read(hub, report),
            interval=self.config.ttl_seconds,
            initial=load_projects(self.store, self.source),
            on_success=lambda value: save_projects(self.store, value),
            name="hub-poller",
            on_state=lambda state: publish_status(self.store, PROJECTS, state, poller.created_at),
        )
        return poller

    def adopt(self, restored: Projects) -> None:
        """Take projects restored from elsewhere (the Hub): their likes history joins ours at the
        next read, and the whole value is shown if there is none yet or it is newer."""
        with self._restored_lock:
            self._restored_history = projects.merge_history(self._restored_history, restored.history)
        if self.poller is not None and self.poller.seed(restored):
            save_projects(self.store, restored)

    def _read(self, hub: HubSource, report: Report) -> Projects:
        """One poll; the leaderboard and climbers are computed here, not by the first viewer."""
        raw = hub.fetch(lambda step, kind, rows: report(ReadProgress(step, 3, kind, rows)))
        at = utc_now()
        previous = self.held()
        with self._restored_lock:
            restored, self._restored_history = self._restored_history, None
        history = projects.merge_history(previous.history if previous is not None else None, restored)
        board = projects.leaderboard(raw, self.config)
        everything = projects.records_everything(at, self.config.deadline, self.period)
        value = Projects(raw, projects.append_history(history, board, at, everything=everything), at, self.source)
        self.derived.get(value, ("board",), lambda: board)
        self._warm(value)
        return value

    def _published(self, store: Store) -> Projects | None:
        """What the writer published (a follower's read), with its leaderboard computed at once."""
        value = load_projects(store, self.source)
        if value is not None:
            self._warm(value)
        return value

    def _warm(self, value: Projects) -> None:
        for window in CLIMBER_WINDOWS.values():
            self.climbers(value, window)
        self.fingerprint(value)
        self.frozen(value)

    def fingerprint(self, value: Projects) -> str:
        """What *Proyectos* shows, fingerprinted: the leaderboard and the likes history."""
        return self.derived.get(value, ("fingerprint",), lambda: digests.content(self.board(value), value.history))

    def board(self, value: Projects) -> pd.DataFrame:
        """The leaderboard of a read."""
        return self.derived.get(value, ("board",), lambda: projects.leaderboard(value.raw, self.config))

    @property
    def period(self) -> dt.timedelta:
        """One refresh period: the interval between polls and the three list calls of a poll."""
        return dt.timedelta(seconds=self.config.ttl_seconds + 3 * self.config.timeout_seconds)

    def frozen(self, value: Projects) -> projects.Frozen | None:
        """The standings as of `[hub] deadline` once it has passed (None before it, or without one)."""
        deadline = self.config.deadline
        if deadline is None or value.fetched_at < deadline:
            return None
        return self.derived.get(
            value,
            ("frozen", deadline),
            lambda: projects.as_of(value.history, self.board(value), deadline, self.period, self.config.exclude),
        )

    def final_csv(self, value: Projects, roster: Roster) -> bytes:
        """The standings as of the deadline as CSV (a team's repos as one project with a roster),
        with the deadline (`as_of`) and the reading's time (`read_at`). Only once it has passed."""
        frozen = self.frozen(value)
        if frozen is None:
            raise ValueError("no standings as of the deadline before it has passed")

        def compute() -> bytes:
            board = frozen.board
            if len(roster.projects):
                board = self.team_board(board, value, roster).drop(columns="urls")
            reading = frozen.reading_at if frozen.reading_at is not None else pd.NaT
            return export.to_csv(board.assign(as_of=pd.Timestamp(frozen.deadline), read_at=reading))

        return self.derived.get(value, ("final_csv", roster.digest), compute)

    def team_board(self, board: pd.DataFrame, value: Projects, roster: Roster) -> pd.DataFrame:
        """`board` (the leaderboard, or the standings as of the deadline) with each team's repos as one project."""
        key = ("team_board", digests.content(board), roster.digest)
        return self.derived.get(value, key, lambda: projects.by_team(board, roster.projects))

    def climbers(self, value: Projects, window: dt.timedelta) -> pd.DataFrame:
        """Likes gained by each project over `window`, biggest first."""
        return self.derived.get(
            value,
            ("climbers", window),
            lambda: projects.climbers(value.history, self.board(value), value.fetched_at, window),
        )
