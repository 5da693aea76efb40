"""An archived campaign's one source: its final read, kept in its state repo, so that its pages, CSV,
certificates and their verification outlive its Argilla server and any disk.

The first read of an archive writes it: the campaign's frames as Argilla gives them one last time
(or, with Argilla gone already, the latest snapshot the state repo holds), with the tables other
tools read (everyone's standings, per-dataset progress, teams and countries with a roster). Every
read after that, in any process of any machine, is of that archive: nothing changes it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd

from data.errors import ErrorKind, SourceError
from data.feeds.campaign_read import CampaignRead
from data.model.frames import Campaign
from data.model.roster import Roster
from data.state.hub_storage import HubStorage

log = logging.getLogger(__name__)
RECHECK_SECONDS = 6 * 3600  # an archive never changes: a look now and then finds a repo come back


def archive_tables(read: CampaignRead, roster: Roster | None) -> dict[str, pd.DataFrame]:
    """The final figures as tables: everyone's standings (the organizers' whole ranking, the repo
    is private), per-dataset progress and, with a roster, the teams' and the countries'."""
    tables = {"standings": read.everyone(), "progress": read.progress()}
    if roster is not None:
        tables |= {"teams": read.standings(roster, "team"), "countries": read.standings(roster, "country")}
    return tables


class Archive:
    """Reads an archived campaign: its archive if written, else writes it from `last_read` (one
    more read of Argilla, None without one) or from the state repo's latest snapshot."""

    def __init__(
        self,
        storage: HubStorage,
        source: str,
        last_read: Callable[[], Campaign] | None,
        tables: Callable[[Campaign], dict[str, pd.DataFrame]],
    ):
        self.storage = storage
        self.source = source
        self.last_read = last_read
        self.tables = tables

    def read(self) -> Campaign:
        final = self.storage.read_final(self.source)
        if final is not None:
            return final
        campaign = self._last() or self.storage.read(self.source, "").campaign
        if campaign is None:
            raise SourceError(ErrorKind.MISSING_FILE, f"{self.storage.repo}: no archive, and no snapshot to make it")
        self.storage.write_final(campaign, self.tables(campaign))
        log.info("campaign %s archived in %s", self.source, self.storage.repo)
        return campaign

    def _last(self) -> Campaign | None:
        """Argilla's last word, when it can still be read (its own error otherwise: logged)."""
        if self.last_read is None:
            return None
        try:
            return self.last_read()
        except SourceError as error:
            log.warning("archiving %s from its snapshot: Argilla cannot be read (%s)", self.source, error)
            return None
