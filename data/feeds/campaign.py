"""The campaign feed: where the campaign pages' frames come from.

Live when an Argilla server is configured: in the writer process one `Poller` reads it (each good
read persisted to the snapshot store, its status published beside it); in any other process a
`Follower` serves what the writer published. The embedded demo when nothing at all is configured.
What the pages ask of a read is `CampaignRead` (data/feeds/campaign_read.py), memoised in this
feed's bounded, expiring cache keyed by the read, the common aggregates computed when a read lands.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import cachetools
import pandas as pd

from data.config import CampaignConfig, Secrets
from data.errors import SourceError
from data.feeds.appearance import AppearanceFeed
from data.feeds.archive import RECHECK_SECONDS, Archive, archive_tables
from data.feeds.campaign_read import CampaignRead
from data.feeds.feed import Feed
from data.feeds.follower import Follower, publish_status
from data.feeds.poller import Poller, PollState
from data.feeds.read_cache import ReadCache
from data.feeds.roster import RosterFeed
from data.in_progress import TAKING_IN
from data.live.updates import LiveUpdates
from data.model import aggregate
from data.model.aggregate import Filters
from data.model.appearance import EVERYONE
from data.model.frames import Campaign, build_responses, typed_records
from data.model.live import LiveMode
from data.model.mismatches import mismatch_frame, unmatched_users
from data.sources.argilla import ArgillaSource, RawCampaign, counted_frame
from data.sources.progress import Report
from data.state.demo import load_demo_of
from data.state.hub_storage import HubStorage
from data.state.snapshots import CAMPAIGN, SnapshotStore, Store, load_campaign, save_campaign, source_id
from data.times import utc_now

# Each campaign's last raw read in this process, kept across its services' rebuilds (the writer
# lease lost and taken back): the writer made again continues from it (`CampaignFeed._writer`).
_LAST_RAW: cachetools.TTLCache[str, tuple[RawCampaign, dt.datetime]] = cachetools.TTLCache(maxsize=16, ttl=3600)


def normalise(raw: RawCampaign, fetched_at: dt.datetime, source: str, exclude_users: Iterable[str] = ()) -> Campaign:
    """Raw read -> tidy frames, with what the read says of the configuration (`exclude_users`
    naming nobody, a dataset's key naming nothing of it)."""
    found = [m for settings in raw.settings.values() for m in settings.mismatches]
    return Campaign(
        records=typed_records(raw.records),
        responses=build_responses(raw.responses, raw.records, raw.users),
        datasets=raw.datasets.astype({"min_submitted": "int64"}),
        fetched_at=fetched_at,
        source=source,
        counted=counted_frame(raw.counted),
        mismatches=mismatch_frame([*found, *unmatched_users(exclude_users, raw.users.values())]),
    )


def _same_frames(raw: RawCampaign, previous: RawCampaign) -> bool:
    """Is this read the previous one's frames themselves (webhooks: a batch that changed nothing)?"""
    parts = ("records", "responses", "datasets", "users")
    return raw.counted == previous.counted and all(getattr(raw, part) is getattr(previous, part) for part in parts)


def campaign_source(config: CampaignConfig) -> str:
    """Which campaign a snapshot belongs to: its datasets (the server's address may change)."""
    return source_id("argilla", *(f"{d.workspace}/{d.name}" for d in config.datasets))


class CampaignFeed(Feed[Campaign]):
    def __init__(
        self,
        config: CampaignConfig,
        secrets: Secrets,
        data_dir: Path,
        demo: bool = False,
        follow: bool = False,
        store: Store | None = None,
        local: Store | None = None,
    ):
        """`store`: where reads are kept and published (default: a snapshot store in `data_dir`);
        with `follow`, what this process serves, published there by the writer (and `local`, this
        machine's disk where `store` is shared, what it serves while `store` cannot be read)."""
        # entries live until a newer read replaces them: with webhooks a read may stand for hours
        cache = ReadCache(maxsize=128, ttl=max(3 * config.refresh_seconds, 600))
        self.adhoc = ReadCache(maxsize=256, ttl=max(3 * config.refresh_seconds, 600))  # people's and slices' own
        super().__init__(store or SnapshotStore(data_dir), cache, CAMPAIGN, local)
        self.config = config
        self.data_dir = data_dir
        self._last_raw: RawCampaign | None = None
        self.updates: LiveUpdates | None = None  # how reads stay current (webhooks or polling)
        self.appearance: AppearanceFeed | None = None  # how people chose to appear (Services sets it)
        self.roster: RosterFeed | None = None  # teams and countries, for an archive's tables (Services sets it)
        if config.archived and config.storage.repo:  # over: its archive in the state repo, never Argilla again
            follower = self._published if follow else None
            self.read(campaign_source(config), lambda: self._archive(secrets), follow=follower)
        elif secrets.argilla_configured:
            follower = self._published if follow else None
            self.read(campaign_source(config), lambda: self._writer(secrets), follow=follower)
        elif demo:
            names = tuple(d.name for d in config.datasets)
            self.show_demo(lambda: load_demo_of(names))

    def _writer(self, secrets: Secrets) -> Poller[Campaign]:
        """The writer's reader: Argilla polled (or woken by its webhooks), each good read saved."""
        config = self.config
        argilla = ArgillaSource(
            secrets.argilla_api_url or "",
            secrets.argilla_api_key or "",
            config.datasets,
            timeout=config.timeout_seconds,
        )
        public_url = config.webhooks.public_url or secrets.public_url
        tag = secrets.space_id or f"campaign {self.source}"  # this deployment: its Space, else its campaign
        initial = load_campaign(self.store, self.source)
        poller = Poller(
            read=lambda report: self._read(updates, report),
            interval=config.refresh_seconds,
            initial=initial,
            on_success=lambda campaign: save_campaign(self.store, campaign),
            name="argilla-poller",
            on_state=lambda state: self._publish(state, poller.created_at),
        )
        updates = self.updates = LiveUpdates(argilla, config, public_url, wake=poller.wake, tag=tag)
        last = _LAST_RAW.get(self.source)
        if last is not None and initial is not None and last[1] == initial.fetched_at:
            self._last_raw = last[0]  # the store holds this process's own last read: go on from it
            updates.resume()
        return poller

    def _archive(self, secrets: Secrets) -> Poller[Campaign]:
        """The writer's reader of an archived campaign (data/feeds/archive.py): written once, from
        Argilla's last word when it can still be read, then only read."""
        config, source = self.config, self.source
        cache = self.data_dir / "hub-cache"
        storage = HubStorage(config.storage.repo or "", secrets.hf_endpoint, secrets.hf_token, cache)
        url, key = secrets.argilla_api_url or "", secrets.argilla_api_key or ""
        argilla = ArgillaSource(url, key, config.datasets, timeout=config.timeout_seconds)

        def last_read() -> Campaign:
            return normalise(argilla.fetch(), utc_now(), source, config.exclude_users)

        last = last_read if secrets.argilla_configured else None
        archive = Archive(storage, source, last, self._archive_tables)
        poller = Poller(
            read=lambda report: self._warmed(archive.read()),
            interval=RECHECK_SECONDS,
            initial=load_campaign(self.store, source),
            on_success=lambda campaign: save_campaign(self.store, campaign),
            name="archive-reader",
            on_state=lambda state: self._publish(state, poller.created_at),
        )
        return poller

    def _archive_tables(self, campaign: Campaign) -> dict[str, pd.DataFrame]:
        roster = self.roster.current() if self.roster is not None and self.roster.configured else None
        return archive_tables(self.read_of(campaign), roster)

    def _warmed(self, campaign: Campaign) -> Campaign:
        self._warm(campaign)
        return campaign

    def adopt(self, restored: Campaign) -> None:
        """Take a campaign restored from elsewhere (the Hub) if there is none yet or it is newer,
        its aggregates computed here (by the restore, not by its first visitor)."""
        if self.poller is not None and self.poller.seed(restored):
            save_campaign(self.store, restored)
            self._warm(restored)

    def live_mode(self) -> LiveMode | None:
        """Webhooks or polling (and why), for a live feed (as the writer says, in a follower); None
        for the demo."""
        if isinstance(self.poller, Follower):
            published = self.poller.extra.get("live")
            return LiveMode.from_json(published) if published else None
        return self.updates.mode if self.updates is not None else None

    def _publish(self, state: PollState[Campaign], created_at: dt.datetime) -> None:
        """The writer's status, for the processes that follow it."""
        live = dataclasses.asdict(self.updates.mode) if self.updates is not None else None
        publish_status(self.store, CAMPAIGN, state, created_at, live=live)

    def _published(self, store: Store) -> Campaign | None:
        """What the writer published (a follower's read), with its aggregates computed at once."""
        campaign = load_campaign(store, self.source)
        if campaign is not None:
            self._warm(campaign)
        return campaign

    def stop(self) -> None:
        super().stop()
        if self.updates is not None:
            self.updates.close()

    def unsubscribe(self) -> None:
        """At a graceful shutdown: disable the webhook (the next start re-enables it)."""
        if self.updates is not None:
            self.updates.stop()

    def _read(self, updates: LiveUpdates, report: Report) -> Campaign:
        """One read (data/live/updates.py decides how: the records deliveries name, or a poll). A
        campaign held from before the first (a snapshot on disk, a state restored) has its aggregates
        computed first, so its first visitors do not wait for them while Argilla is read."""
        if self._last_raw is None:
            held = self.held()
            if held is None:
                self._first_look(updates.argilla)
            else:
                self._warm(held)
        previous, raw = self._last_raw, updates.read(self._last_raw, report)
        self._last_raw = raw
        held = self.held()
        with TAKING_IN:
            if held is not None and previous is not None and _same_frames(raw, previous):
                campaign = held  # nothing changed: the same value, so nothing downstream moves
            else:
                campaign = normalise(raw, utc_now(), self.source, self.config.exclude_users)
            self._warm(campaign)  # kept as long as it stands (a no-op while cached)
        _LAST_RAW[self.source] = (raw, campaign.fetched_at)
        return campaign

    def _first_look(self, argilla: ArgillaSource) -> None:
        """A cold start (nothing read, nothing stored): Argilla's own counts at once, shown and
        published as a provisional read while the full read goes on. Not once the campaign's window
        has closed: Argilla's counts then hold days the campaign does not count."""
        try:
            raw = argilla.counts()
        except SourceError:
            return  # the full read, next, says what is wrong
        first = dataclasses.replace(normalise(raw, utc_now(), self.source, self.config.exclude_users), provisional=True)
        if not aggregate.covers(self.read_of(first).clip(Filters()), first.fetched_at):
            return
        self._warm(first)
        save_campaign(self.store, first)  # the other processes show it too
        if isinstance(self.poller, Poller):
            self.poller.offer(first)

    def read_of(self, campaign: Campaign) -> CampaignRead:
        """This read with its queries, memoised in this feed's cache."""
        shown = self.appearance.current() if self.appearance is not None else EVERYONE
        return CampaignRead(campaign, self.config, self.derived, shown, self.adhoc)

    def _warm(self, campaign: Campaign) -> None:
        """Compute the unfiltered aggregates here, in the poller, so no viewer waits for them."""
        read = self.read_of(campaign)
        read.contributors()
        read.progress()
        read.activity()
        read.daily_contributors()
        read.behind()
        read.fingerprints()
