"""The campaign feed: where the pages' frames come from.

It picks the upstream (a live Argilla server, or the embedded demo when none is configured),
keeps one `Poller` per process, persists each good read to the snapshot store, and memoises
the aggregates in a bounded, expiring `cachetools` cache keyed by the read they came from.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pandas as pd

from data import aggregate, export, quality
from data.aggregate import Filters
from data.config import CampaignConfig, Secrets
from data.frames import Campaign, build_responses, typed_records, typed_responses
from data.poller import FeedView, Poller, process_wide, utc_now
from data.read_cache import ReadCache
from data.snapshots import Snapshot, SnapshotStore
from data.sources.argilla import ArgillaSource, RawCampaign

DEMO_DIR = Path(__file__).resolve().parent / "demo"
SNAPSHOT = "campaign"


def normalise(raw: RawCampaign, fetched_at: dt.datetime) -> Campaign:
    """Raw read -> tidy frames."""
    return Campaign(
        records=typed_records(raw.records),
        responses=build_responses(raw.responses, raw.records, raw.users),
        datasets=raw.datasets.astype({"min_submitted": "int64"}),
        fetched_at=fetched_at,
    )


def save_campaign(store: SnapshotStore, campaign: Campaign) -> None:
    frames = {"records": campaign.records, "responses": campaign.responses, "datasets": campaign.datasets}
    store.save(SNAPSHOT, Snapshot(frames, campaign.fetched_at, campaign.is_demo))


def load_campaign(store: SnapshotStore) -> Campaign | None:
    snapshot = store.load(SNAPSHOT)
    try:
        return (
            Campaign(
                typed_records(snapshot.frames["records"]),
                typed_responses(snapshot.frames["responses"]),
                snapshot.frames["datasets"],
                snapshot.fetched_at,
                snapshot.is_demo,
            )
            if snapshot
            else None
        )
    except (KeyError, ValueError, TypeError):
        return None


@functools.cache
def load_demo() -> Campaign:
    """The embedded demo campaign (read once per process)."""
    campaign = load_campaign(SnapshotStore(DEMO_DIR))
    if campaign is None:
        raise RuntimeError(f"the embedded demo snapshot is missing from {DEMO_DIR}")
    return campaign


class CampaignFeed:
    def __init__(self, config: CampaignConfig, secrets: Secrets, data_dir: Path, start: bool = True):
        self.config = config
        self.store = SnapshotStore(data_dir)
        self.derived = ReadCache(maxsize=128, ttl=max(config.refresh_seconds, 30))
        self.poller: Poller[Campaign] | None = None
        self._source: ArgillaSource | None = None
        self._last_raw: RawCampaign | None = None
        self._polls = 0
        if secrets.argilla_configured:
            self._source = ArgillaSource(
                secrets.argilla_api_url, secrets.argilla_api_key, config.datasets, timeout=config.timeout_seconds
            )
            self.poller = Poller(
                fetch=self._read,
                interval=config.refresh_seconds,
                initial=load_campaign(self.store),
                on_success=lambda campaign: save_campaign(self.store, campaign),
                name="argilla-poller",
            )
            if start:
                self.poller.start()

    def _read(self) -> Campaign:
        """One poll: incremental, with a full reconciliation every `reconcile_every` polls."""
        previous = None if self._polls % self.config.reconcile_every == 0 else self._last_raw
        raw = self._source.fetch(previous)
        self._last_raw, self._polls = raw, self._polls + 1
        campaign = normalise(raw, utc_now())
        self._warm(campaign)
        return campaign

    def _warm(self, campaign: Campaign) -> None:
        """Compute the unfiltered aggregates here, in the poller, so no viewer waits for them."""
        self.contributors(campaign)
        self.progress(campaign)
        self.activity(campaign)
        self.daily_contributors(campaign)

    def view(self) -> FeedView[Campaign]:
        return FeedView.of(self.poller, load_demo)

    # --- derived frames, computed once per read -------------------------------------------
    def contributors(self, campaign: Campaign, filters: Filters = Filters()) -> pd.DataFrame:
        window = filters.within(self.config.start, self.config.end)
        return self.derived.get(
            campaign,
            ("contributors", window),
            lambda: aggregate.contributors(
                campaign.responses,
                min_validations=self.config.min_validations_for_prize,
                exclude_users=self.config.exclude_users,
                filters=window,
            ),
        )

    def progress(self, campaign: Campaign) -> pd.DataFrame:
        return self.derived.get(
            campaign, ("progress",), lambda: aggregate.progress(campaign.records, campaign.responses, campaign.datasets)
        )

    def activity(self, campaign: Campaign) -> pd.DataFrame:
        return self.derived.get(
            campaign, ("activity",), lambda: aggregate.activity(campaign.records, campaign.responses, campaign.datasets)
        )

    def daily_contributors(self, campaign: Campaign) -> pd.DataFrame:
        return self.derived.get(
            campaign, ("daily_contributors",), lambda: aggregate.daily_contributors(campaign.responses)
        )

    def user_activity(self, campaign: Campaign, username: str) -> pd.DataFrame:
        """Daily validations of one user (within the campaign window)."""
        window = Filters().within(self.config.start, self.config.end)
        return self.derived.get(
            campaign, ("user_activity", username), lambda: aggregate.user_activity(campaign.responses, username, window)
        )

    def ranking_csv(self, campaign: Campaign, filters: Filters = Filters()) -> bytes:
        return self.derived.get(
            campaign, ("ranking_csv", filters), lambda: export.ranking_csv(self.contributors(campaign, filters))
        )

    def signals(self, campaign: Campaign) -> pd.DataFrame:
        return self.derived.get(
            campaign, ("signals",), lambda: quality.signals(campaign.responses, self.contributors(campaign))
        )

    def acknowledgements(self, campaign: Campaign, counts: bool) -> str:
        return self.derived.get(
            campaign,
            ("acknowledgements", counts),
            lambda: export.acknowledgements(
                campaign.responses, campaign.datasets, self.config.exclude_users, counts=counts
            ),
        )


def shared_feed(config: CampaignConfig, secrets: Secrets, data_dir: Path) -> CampaignFeed:
    """The process-wide feed for this configuration: every session reads the same poller."""
    return process_wide(("campaign", config, secrets, str(data_dir)), lambda: CampaignFeed(config, secrets, data_dir))
