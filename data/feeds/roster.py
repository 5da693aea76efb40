"""The roster feed: teams and countries from a CSV, re-read with the other reads.

Every process reads the roster itself (a small file: a followed copy would cost more than the
read); a read that fails or a file that is not a roster keeps the last good one, and the organizers
see why. The embedded demo has a roster of its own; with nothing configured, there is none and
everyone is "without a team".
"""

from __future__ import annotations

from pathlib import Path

from data.config import CampaignConfig, Secrets, config_path
from data.errors import ErrorKind, SourceError
from data.feeds.feed import Feed
from data.feeds.poller import Poller
from data.feeds.read_cache import ReadCache
from data.model import roster
from data.model.roster import Roster, RosterError
from data.sources.roster import RosterSource
from data.state.demo import load_demo_roster
from data.state.snapshots import SnapshotStore
from data.times import utc_now

NO_ROSTER = roster.empty(utc_now())


class RosterFeed(Feed[Roster]):
    def __init__(self, config: CampaignConfig, secrets: Secrets, data_dir: Path, demo: bool = False):
        super().__init__(
            SnapshotStore(data_dir), ReadCache(maxsize=4, ttl=max(3 * config.refresh_seconds, 600)), "roster"
        )
        self.config = config
        if demo:
            self.show_demo(lambda: load_demo_roster(config.site.team_size_limit))
        elif config.teams.source:
            self.read(config.teams.source, lambda: self._writer(secrets, data_dir))

    def _writer(self, secrets: Secrets, data_dir: Path) -> Poller[Roster]:
        """Every process reads the roster itself (never followed: see the module's docstring)."""
        file = RosterSource(
            self.source,
            config_path().resolve().parent,
            secrets.hf_endpoint,
            secrets.hf_token,
            data_dir / "hub-cache",
            timeout=self.config.hub.timeout_seconds,
        )
        return Poller(read=lambda report: self._read(file), interval=self.config.refresh_seconds, name="roster-poller")

    @property
    def configured(self) -> bool:
        """Is there a roster to show (a configured one, or the demo's)?"""
        return self.demo is not None or self.poller is not None

    def current(self) -> Roster:
        """The last good roster, or an empty one (none configured, or none read yet)."""
        value = self.view().value
        return value if value is not None else NO_ROSTER

    def _read(self, file: RosterSource) -> Roster:
        data = file.fetch()
        try:
            return roster.parse(data, utc_now(), self.source, self.config.site.team_size_limit)
        except RosterError as problem:
            raise SourceError(ErrorKind.BAD_FILE, str(problem)) from None
