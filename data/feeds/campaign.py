"""The campaign feed: where the campaign pages' frames come from.

Live when an Argilla server is configured: in the writer process one `Poller` reads it (each good
read persisted to the snapshot store, its status published beside it); in any other process a
`Follower` serves what the writer published. The embedded demo when nothing at all is configured.
Aggregates and the pages' fingerprints are memoised in a bounded, expiring cache keyed by the read
they came from, and computed when a read lands, not by the first viewer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd

from data.config import CampaignConfig, Secrets
from data.feeds.feed import Feed
from data.feeds.follower import Follower, Published, publish_status
from data.feeds.poller import Poller, PollState
from data.feeds.read_cache import ReadCache
from data.live.updates import LiveMode, LiveUpdates
from data.model import aggregate, digests, export, quality, teams
from data.model.aggregate import Filters
from data.model.frames import Campaign, build_responses, typed_records
from data.model.roster import Roster
from data.sources.argilla import ArgillaSource, RawCampaign
from data.sources.progress import Report
from data.state.demo import DEMO_SOURCE, load_demo
from data.state.snapshots import CAMPAIGN, SnapshotStore, load_campaign, save_campaign, source_id
from data.times import utc_now


def normalise(raw: RawCampaign, fetched_at: dt.datetime, source: str) -> Campaign:
    """Raw read -> tidy frames."""
    return Campaign(
        records=typed_records(raw.records),
        responses=build_responses(raw.responses, raw.records, raw.users),
        datasets=raw.datasets.astype({"min_submitted": "int64"}),
        fetched_at=fetched_at,
        source=source,
    )


def _same_frames(raw: RawCampaign, previous: RawCampaign) -> bool:
    """Is this read the previous one's frames themselves (webhooks: a batch that changed nothing)?"""
    return all(getattr(raw, part) is getattr(previous, part) for part in ("records", "responses", "datasets", "users"))


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
        store: Published | None = None,
    ):
        """`store`: where reads are kept and published (default: a snapshot store in `data_dir`);
        with `follow`, what this process serves, published there by the writer."""
        # entries live until a newer read replaces them: with webhooks a read may stand for hours
        cache = ReadCache(maxsize=128, ttl=max(3 * config.refresh_seconds, 600))
        super().__init__(store or SnapshotStore(data_dir), cache)
        self.config = config
        self._last_raw: RawCampaign | None = None
        self.updates: LiveUpdates | None = None  # how reads stay current (webhooks or polling)
        if secrets.argilla_configured and follow:
            self.source = campaign_source(config)
            self.poller = Follower(self.store, CAMPAIGN, load=self._published)
        elif secrets.argilla_configured:
            self.source = campaign_source(config)
            argilla = ArgillaSource(
                secrets.argilla_api_url, secrets.argilla_api_key, config.datasets, timeout=config.timeout_seconds
            )
            self.poller = Poller(
                read=self._read,
                interval=config.refresh_seconds,
                initial=load_campaign(self.store, self.source),
                on_success=lambda campaign: save_campaign(self.store, campaign),
                name="argilla-poller",
                on_state=self._publish,
            )
            public_url = config.webhooks.public_url or secrets.public_url
            tag = secrets.space_id or f"campaign {self.source}"  # this deployment: its Space, else its campaign
            self.updates = LiveUpdates(argilla, config, public_url, wake=self.poller.wake, tag=tag)
        elif demo:
            self.source = DEMO_SOURCE
            self.demo = load_demo

    def adopt(self, restored: Campaign) -> None:
        """Take a campaign restored from elsewhere (the Hub) if there is none yet or it is newer."""
        if self.poller is not None and self.poller.seed(restored):
            save_campaign(self.store, restored)

    def live_mode(self) -> LiveMode | None:
        """Webhooks or polling (and why), for a live feed (as the writer says, in a follower); None
        for the demo."""
        if isinstance(self.poller, Follower):
            published = self.poller.extra.get("live")
            return LiveMode(**published) if published else None
        return self.updates.mode if self.updates is not None else None

    def _publish(self, state: PollState[Campaign]) -> None:
        """The writer's status, for the processes that follow it."""
        live = dataclasses.asdict(self.updates.mode) if self.updates is not None else None
        publish_status(self.store, CAMPAIGN, state, self.poller.created_at, live=live)

    def _published(self) -> Campaign | None:
        """What the writer published (a follower's read), with its aggregates computed at once."""
        campaign = load_campaign(self.store, self.source)
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

    def _read(self, report: Report) -> Campaign:
        """One read (data/live/updates.py decides how: the records deliveries name, or a poll)."""
        previous, raw = self._last_raw, self.updates.read(self._last_raw, report)
        self._last_raw = raw
        held = self.poller.state.value
        if held is not None and previous is not None and _same_frames(raw, previous):
            self._warm(held)  # kept as long as it stands (a no-op while cached)
            return held  # nothing changed: the same value, so nothing downstream moves
        campaign = normalise(raw, utc_now(), self.source)
        self._warm(campaign)
        return campaign

    def _warm(self, campaign: Campaign) -> None:
        """Compute the unfiltered aggregates here, in the poller, so no viewer waits for them."""
        self.contributors(campaign)
        self.progress(campaign)
        self.activity(campaign)
        self.daily_contributors(campaign)
        self.fingerprints(campaign)

    def fingerprints(self, campaign: Campaign) -> dict[str, str]:
        """What each page shows, fingerprinted: "c" for the whole campaign (every page but one
        person's), and a key per ranked person for *Mi posición* (data.model.digests)."""

        def compute() -> dict[str, str]:
            table = self.contributors(campaign)
            whole = digests.content(table, self.progress(campaign), self.activity(campaign))
            return {"c": whole, **digests.user_digests(table, salt=campaign.fetched_at.date().isoformat())}

        return self.derived.get(campaign, ("fingerprints",), compute)

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
            campaign,
            ("user_activity", username),
            lambda: aggregate.user_activity(campaign.responses, username, window),
        )

    def absence(self, campaign: Campaign, username: str) -> aggregate.Absence:
        """What the responses say about a name that is not ranked."""
        window = Filters().within(self.config.start, self.config.end)
        return self.derived.get(
            campaign,
            ("absence", username),
            lambda: aggregate.absence(campaign.responses, username, window, self.config.exclude_users),
        )

    def calendar(self, campaign: Campaign, username: str) -> pd.DataFrame:
        """One user's validations per day over the campaign (its window, up to the data's day)."""
        daily = self.user_activity(campaign, username)
        last = min(filter(None, [self.config.end, campaign.fetched_at.date()]))
        first = self.config.start or (daily["day"].min().date() if len(daily) else last)
        return self.derived.get(campaign, ("calendar", username), lambda: aggregate.calendar(daily, first, last))

    def datasets_by_user(self, campaign: Campaign) -> dict[str, tuple[str, ...]]:
        """Per contributor, the titles of the datasets where they have a validation (in the window)."""

        def compute() -> dict[str, tuple[str, ...]]:
            responses = self.in_window(campaign)
            submitted = responses[(responses["status"] == "submitted").to_numpy() & responses["user"].notna()]
            pairs = submitted[["user", "dataset"]].drop_duplicates().astype("string")
            titles = dict(zip(campaign.datasets["dataset"], campaign.datasets["title"]))
            pairs = pairs.assign(title=pairs["dataset"].map(titles).fillna(pairs["dataset"])).sort_values("title")
            return {user: tuple(group) for user, group in pairs.groupby("user")["title"]}

        return self.derived.get(campaign, ("datasets_by_user",), compute)

    def ranking_csv(self, campaign: Campaign, filters: Filters = Filters()) -> bytes:
        as_of = self.counted_until(campaign, filters.end)
        return self.derived.get(
            campaign, ("ranking_csv", filters), lambda: export.ranking_csv(self.contributors(campaign, filters), as_of)
        )

    def counted_until(self, campaign: Campaign, end: dt.date | None = None) -> dt.datetime:
        """Until when the ranking counts: the end of the window's last day, or the data's time if sooner."""
        last = min(filter(None, [end, self.config.end]), default=None)
        closes = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC) if last else None
        return min(filter(None, [closes, campaign.fetched_at]))

    # --- by team and country (data.model.teams), for a roster ----------------------------
    def placed(self, campaign: Campaign, roster: Roster) -> pd.DataFrame:
        """The ranking with each person's team and country."""
        return self.derived.get(
            campaign, ("placed", roster.digest), lambda: teams.placed(self.contributors(campaign), roster)
        )

    def standings(self, campaign: Campaign, roster: Roster, by: str) -> pd.DataFrame:
        """The ranking by team or by country (`by`), the unplaced last."""
        return self.derived.get(
            campaign,
            ("standings", by, roster.digest),
            lambda: teams.standings(self.placed(campaign, roster), roster, by),
        )

    def by_country_daily(self, campaign: Campaign, roster: Roster) -> pd.DataFrame:
        return self.derived.get(
            campaign,
            ("by_country_daily", roster.digest),
            lambda: teams.daily_by_country(self.in_window(campaign), self.placed(campaign, roster)),
        )

    def standings_csv(self, campaign: Campaign, roster: Roster, by: str) -> bytes:
        return self.derived.get(
            campaign,
            ("standings_csv", by, roster.digest),
            lambda: export.to_csv(self.standings(campaign, roster, by).assign(as_of=self.counted_until(campaign))),
        )

    def in_window(self, campaign: Campaign) -> pd.DataFrame:
        """The responses that count for this campaign: those inside its window (all, without one).

        The ranking, the quality signals and the acknowledgements all read these, so the people
        thanked and the signals reviewed are exactly the contributions that earn a rank.
        """
        window = Filters().within(self.config.start, self.config.end)
        return self.derived.get(campaign, ("in_window",), lambda: aggregate.select(campaign.responses, window))

    def signals(self, campaign: Campaign) -> pd.DataFrame:
        return self.derived.get(
            campaign, ("signals",), lambda: quality.signals(self.in_window(campaign), self.contributors(campaign))
        )

    def prize_list(self, campaign: Campaign) -> pd.DataFrame:
        """The eligible contributors with their quality signals, for the organizers' review."""
        return self.derived.get(campaign, ("prize_list",), lambda: quality.prize_list(self.signals(campaign)))

    def prize_files(self, campaign: Campaign) -> tuple[bytes, str]:
        """The prize list as CSV bytes and as a Markdown table."""
        prize = self.prize_list(campaign)
        as_of = self.counted_until(campaign)
        return self.derived.get(
            campaign,
            ("prize_files",),
            lambda: (export.to_csv(prize.assign(as_of=as_of)), export.to_markdown_table(prize.round(3))),
        )

    def acknowledgements(self, campaign: Campaign, counts: bool) -> str:
        return self.derived.get(
            campaign,
            ("acknowledgements", counts),
            lambda: export.acknowledgements(
                self.in_window(campaign), campaign.datasets, self.config.exclude_users, counts=counts
            ),
        )
