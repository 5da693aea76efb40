"""Publishes the standings as open data ([open_data]), in the writer, in its own thread.

Once a day (the first fresh read of each day of the campaign's calendar) and once more at the
campaign's end (the first read after it, marked final), it writes the tables of
data/model/open_data.py from the same read the pages and the prize CSV show: the ranking is the
export's CSV rows, the progress the API's, the teams and countries the roster's standings, the
projects the likes leaderboard. It reads the repo's index before its first edition, so a process
that starts on a wiped disk neither republishes the day nor loses the history; a failure is
retried at the next check and costs the pages nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from dataclasses import dataclass

import pandas as pd

from data.errors import SourceError
from data.feeds.campaign import CampaignFeed
from data.feeds.campaign_read import CampaignRead
from data.feeds.poller import Mode
from data.feeds.projects import ProjectsFeed
from data.feeds.roster import RosterFeed
from data.model import open_data
from data.model.open_data import Edition
from data.model.roster import Roster
from data.state.open_data import OpenDataRepo, Published
from data.times import utc_now

log = logging.getLogger(__name__)
CHECK_EVERY = 60.0  # seconds between two looks at whether an edition is due


@dataclass(frozen=True)
class PublishStatus:
    repo: str
    day: dt.date | None = None  # the last edition this process published
    published_at: dt.datetime | None = None
    error: SourceError | None = None
    foreign: bool = False  # the repo holds someone else's files: nothing is written


class Publisher:
    def __init__(
        self,
        repo: OpenDataRepo,
        campaign: CampaignFeed,
        projects: ProjectsFeed,
        roster: RosterFeed,
        check_every: float = CHECK_EVERY,
    ):
        self.repo, self.campaign, self.projects, self.roster = repo, campaign, projects, roster
        self.check_every = check_every
        self.status = PublishStatus(repo.repo)
        self._published: Published | None = None  # what the repo holds, once read
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Publisher:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="open-data", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.check_every):
            try:
                self.publish_if_due()
            except Exception:  # a bug here must not end the loop: the next check tries again
                log.exception("open data %s: the check failed", self.repo.repo)

    def publish_if_due(self) -> bool:
        """Publish the current read's edition if its day (or the campaign's end) is not published yet."""
        view = self.campaign.view()
        if view.mode != Mode.LIVE or view.value is None:
            return False  # only fresh reads are published: never a stale or a first, empty one
        read = self.campaign.read_of(view.value)
        final = read.counted_until() < read.fetched_at  # read after the campaign's end
        try:
            published = self._published if self._published is not None else self.repo.read()
            self._published = published
            if published.foreign:
                self.status = dataclasses.replace(self.status, foreign=True)
                return False
            if read.today.isoformat() in published.days and (published.final or not final):
                return False
            self._published = self.repo.publish(self.edition(read, final), read.config.title, published)
        except SourceError as error:
            if self.status.error is None or self.status.error.kind != error.kind:
                log.warning("open data %s: publishing failed (%s)", self.repo.repo, error.kind.value)
            self._published = None if error.detail == "HTTP 412" else self._published  # raced: read again
            self.status = dataclasses.replace(self.status, error=error)
            return False
        self.status = dataclasses.replace(self.status, day=read.today, published_at=utc_now(), error=None)
        return True

    def edition(self, read: CampaignRead, final: bool) -> Edition:
        roster = self.roster.current() if self.roster.configured else None
        value = self.projects.view().value
        return edition(read, roster, self.projects.board(value) if value is not None else None, final)


def edition(read: CampaignRead, roster: Roster | None, board: pd.DataFrame | None, final: bool) -> Edition:
    """This read's tables, as published (documented columns only, people's choices applied)."""
    as_of = pd.Timestamp(read.counted_until())
    frames = {"ranking": read.contributors().assign(as_of=as_of), "progress": read.progress()}
    for by, name in (("team", "teams"), ("country", "countries")):
        if roster is not None and roster.people[by].notna().any():
            frames[name] = read.standings(roster, by).assign(as_of=as_of)
    if board is not None:
        frames["projects"] = board
    tables = {table.name: table for table in open_data.TABLES}
    published = {name: open_data.published(tables[name], frame) for name, frame in frames.items()}
    return Edition(read.today, read.fetched_at, final, published)
