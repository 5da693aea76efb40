"""One read of the campaign, and every question the pages ask of it, each answered once per read.

A page holds a `CampaignRead` (`feed.read_of(view.value)`): the read's tidy frames, the
campaign's configuration and how people chose to appear, with the aggregates, exports and
signals derived from them memoised in the feed's bounded, expiring cache under the read they
came from. The poller warms the common
ones when a read lands (`CampaignFeed._warm`), so no viewer waits for them.

`contributors` is the public ranking (people's choices applied: data/model/appearance.py);
`everyone` is the whole of it, for totals and for the organizers.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd

from data.config import CampaignConfig
from data.feeds.read_cache import ReadCache
from data.model import aggregate, digests, export, quality, teams
from data.model.aggregate import Filters
from data.model.appearance import EVERYONE, Appearance
from data.model.frames import Campaign
from data.model.ranking import WINDOWED, Goal, Standing, period_filters, standing
from data.model.roster import Roster
from data.times import day_start, local_day

T = TypeVar("T")


class CampaignRead:
    def __init__(
        self,
        campaign: Campaign,
        config: CampaignConfig,
        memo: ReadCache,
        appearance: Appearance = EVERYONE,
        adhoc: ReadCache | None = None,
    ):
        self.campaign = campaign
        self.config = config
        self.appearance = appearance
        self._memo = memo
        self._adhoc = (
            adhoc if adhoc is not None else memo
        )  # one person's, or one chosen slice's: kept apart (see `memo`)

    @property
    def fetched_at(self) -> dt.datetime:
        return self.campaign.fetched_at

    @property
    def today(self) -> dt.date:
        """The data's day in the campaign's calendar (its time zone): what "this week" is of."""
        return local_day(self.campaign.fetched_at, self.config.time_zone)

    @property
    def window(self) -> Filters:
        """The campaign's own dates (every day, without them)."""
        return self.clip(Filters())

    def clip(self, filters: Filters) -> Filters:
        """`filters` within the campaign's dates, as days of its time zone."""
        return filters.within(self.config.start, self.config.end, self.config.time_zone)

    def titles(self) -> dict[str, str]:
        """Each dataset's title, by its name."""
        return dict(zip(self.campaign.datasets["dataset"], self.campaign.datasets["title"]))

    def memo(self, key: tuple[Hashable, ...], compute: Callable[[], T], adhoc: bool = False) -> T:
        """A value derived from this read, computed once for every viewer (`key` names it).
        `adhoc` values (one person's, one chosen slice's: as many as visitors can ask for) are kept
        in a cache of their own, so asking for thousands of names or dates never evicts what every
        page shows."""
        value: T = (self._adhoc if adhoc else self._memo).get(self.campaign, key, compute)
        return value

    def fingerprints(self) -> dict[str, str]:
        """What each page shows, fingerprinted: "c" for the whole campaign (every page but one
        person's), and a key per ranked person for *Mi posición* (data.model.digests)."""

        def compute() -> dict[str, str]:
            table = self.contributors()
            whole = digests.content(table, self.progress(), self.activity())
            return {"c": whole, **digests.user_digests(table, salt=self.campaign.fetched_at.date().isoformat())}

        return self.memo(("fingerprints",), compute)

    def contributors(self, filters: Filters = Filters()) -> pd.DataFrame:
        """The public ranking: the hidden left out (their ranks kept), aliases for names."""
        shown = self.appearance
        return self.memo(
            ("public", self.clip(filters), shown.digest),
            lambda: shown.public(self.everyone(filters)),
            adhoc=self._adhoc_slice(filters),
        )

    def everyone(self, filters: Filters = Filters()) -> pd.DataFrame:
        """The ranking of everyone, whatever they chose: for totals and for the organizers."""
        window = self.clip(filters)
        return self.memo(
            ("contributors", window),
            lambda: aggregate.contributors(
                self.campaign.responses,
                min_validations=self.config.min_validations_for_prize,
                exclude_users=self.config.exclude_users,
                filters=window,
                counted=self.campaign.counted if aggregate.covers(window, self.fetched_at) else None,
            ),
            adhoc=self._adhoc_slice(filters),
        )

    def behind(self) -> int:
        """Changes Argilla counts that this read's frames do not hold yet (0: in step). While there
        are any, validations and discards are Argilla's own counts; corrections follow."""
        return self.memo(("behind",), lambda: aggregate.changes_behind(self.campaign.responses, self.campaign.counted))

    def _adhoc_slice(self, filters: Filters) -> bool:
        """A slice some visitor chose (datasets, dates), not the campaign or one of its periods."""
        return filters != Filters() and filters not in self._periods

    @functools.cached_property
    def _periods(self) -> frozenset[Filters]:
        return frozenset(period_filters(period, self.today) for period in WINDOWED)

    def of_period(self, period: str) -> pd.DataFrame:
        """The ranking of a period of data.model.ranking ("week", "month", ...), from the data's day."""
        return self.contributors(period_filters(period, self.today))

    def standings_of(self, username: str, offered: tuple[str, ...]) -> tuple[Standing, ...]:
        """Where `username` stands in each of the `offered` periods (once per read: their page reruns
        with every change to the campaign, in each of their tabs)."""

        def compute() -> tuple[Standing, ...]:
            everyone = (self.everyone(period_filters(period, self.today)) for period in offered)
            return tuple(standing(table, username, period) for table, period in zip(everyone, offered))

        return self.memo(("standings_of", username, offered), compute, adhoc=True)

    def weekly_goal(self, username: str | None = None) -> Goal | None:
        """This week's validations towards the campaign's weekly goal, or one person's towards theirs."""
        target = self.config.weekly_goal if username is None else self.config.weekly_goal_per_person
        if not target:
            return None

        def compute() -> Goal:
            week = self.everyone(period_filters("week", self.today))
            done = week["validations"].sum() if username is None else standing(week, username, "week").validations
            return Goal(target, int(done))

        return self.memo(("weekly_goal", username, target), compute, adhoc=username is not None)

    def progress(self) -> pd.DataFrame:
        return self.memo(
            ("progress",),
            lambda: aggregate.progress(self.campaign.records, self.campaign.responses, self.campaign.datasets),
        )

    def activity(self) -> pd.DataFrame:
        return self.memo(
            ("activity",),
            lambda: aggregate.activity(self.campaign.records, self.campaign.responses, self.campaign.datasets),
        )

    def daily_contributors(self) -> pd.DataFrame:
        return self.memo(("daily_contributors",), lambda: aggregate.daily_contributors(self.campaign.responses))

    def user_activity(self, username: str) -> pd.DataFrame:
        """Daily validations of one user (within the campaign window)."""
        window = self.window
        return self.memo(
            ("user_activity", username),
            lambda: aggregate.user_activity(self.campaign.responses, username, window),
            adhoc=True,
        )

    def absence(self, username: str) -> aggregate.Absence:
        """What the responses say about a name that is not ranked."""
        window = self.window
        return self.memo(
            ("absence", username),
            lambda: aggregate.absence(self.campaign.responses, username, window, self.config.exclude_users),
            adhoc=True,
        )

    def calendar(self, username: str) -> pd.DataFrame:
        """One user's validations per day over the campaign (its window, up to the data's day)."""
        daily = self.user_activity(username)
        last = min(filter(None, [self.config.end, self.campaign.fetched_at.date()]))
        first = self.config.start or (daily["day"].min().date() if len(daily) else last)
        return self.memo(("calendar", username), lambda: aggregate.calendar(daily, first, last), adhoc=True)

    def datasets_by_user(self) -> dict[str, tuple[str, ...]]:
        """Per contributor, the titles of the datasets where they have a validation (in the window)."""

        def compute() -> dict[str, tuple[str, ...]]:
            responses = self.in_window()
            submitted = responses[(responses["status"] == "submitted").to_numpy() & responses["user"].notna()]
            pairs = submitted[["user", "dataset"]].drop_duplicates().astype("string")
            titles = self.titles()
            pairs = pairs.assign(title=pairs["dataset"].map(titles).fillna(pairs["dataset"])).sort_values("title")
            return {user: tuple(group) for user, group in pairs.groupby("user")["title"]}

        return self.memo(("datasets_by_user",), compute)

    def ranking_csv(self, filters: Filters = Filters()) -> bytes:
        """The public ranking as the export's CSV."""
        as_of = self.counted_until(filters.end)
        key = ("ranking_csv", filters, self.appearance.digest)
        return self.memo(key, lambda: export.ranking_csv(self.contributors(filters), as_of), self._adhoc_slice(filters))

    def everyone_csv(self) -> bytes:
        """Everyone's ranking as the export's CSV, for the organizers."""
        return self.memo(("everyone_csv",), lambda: export.ranking_csv(self.everyone(), self.counted_until()))

    def counted_until(self, end: dt.date | None = None) -> dt.datetime:
        """Until when the ranking counts: the end of the window's last day, or the data's time if sooner."""
        last = min(filter(None, [end, self.config.end]), default=None)
        closes = day_start(last + dt.timedelta(days=1), self.config.time_zone).to_pydatetime() if last else None
        until: dt.datetime = min(filter(None, [closes, self.campaign.fetched_at]))
        return until

    # --- by team and country (data.model.teams), for a roster ----------------------------
    def placed(self, roster: Roster, filters: Filters = Filters()) -> pd.DataFrame:
        """The public ranking (of `filters`) with each person's team and country."""
        shown = self.appearance
        return self.memo(
            ("placed", roster.digest, filters, shown.digest),
            lambda: shown.public(self.placed_everyone(roster, filters)),
            adhoc=self._adhoc_slice(filters),
        )

    def shown_to(self, username: str | None) -> pd.DataFrame:
        """The public ranking as `username` sees it: themselves by name, whatever they chose."""
        shown = self.appearance
        if username is None or not shown.not_by_name:
            return self.contributors()
        return self.memo(
            ("shown_to", username, shown.digest), lambda: shown.public(self.everyone(), keep=username), True
        )

    def neighbours(self, viewer: str | None, username: str) -> pd.DataFrame:
        """`username`'s row of the ranking `viewer` sees, with the two above and below (one frame per
        read: *Mi posición* draws it again in every open tab of the person at each change)."""
        table = self.shown_to(viewer)
        return self.memo(
            ("neighbours", viewer, username, self.appearance.digest),
            lambda: aggregate.neighbours(table, username).copy(),  # not a view: it outlives the whole
            adhoc=True,
        )

    def row_of(self, viewer: str | None, username: str) -> pd.Series | None:
        """`username`'s row of the ranking `viewer` sees (None: not in it). This and the person's
        other figures below are answered once per read: *Mi posición* reruns with every change to
        the campaign in each of the person's open tabs, and a lookup by name scans the ranking."""
        table = self.shown_to(viewer)
        key = ("row_of", viewer, username, self.appearance.digest)
        return self.memo(key, lambda: aggregate.row_of(table, username), adhoc=True)

    def gap_to_next(self, viewer: str | None, username: str) -> int | None:
        """Validations `username` needs to tie the place above theirs (None: first, or not ranked)."""
        table = self.shown_to(viewer)
        key = ("gap_to_next", viewer, username, self.appearance.digest)
        return self.memo(key, lambda: aggregate.distance_to_next_rank(table, username), adhoc=True)

    def streak(self, username: str) -> int:
        """`username`'s days in a row with a validation, up to the data's day."""
        grid, today = self.calendar(username), self.fetched_at.date()
        return self.memo(("streak", username), lambda: aggregate.streak(grid, today), adhoc=True)

    def placement(self, roster: Roster, viewer: str | None, username: str) -> tuple[str | None, str | None]:
        """`username`'s team and country as `viewer` sees the ranking (None: not placed in one)."""

        def compute() -> tuple[str | None, str | None]:
            row = aggregate.row_of(self.placed_shown_to(roster, viewer), username)
            if row is None:
                return None, None
            team, country = row["team"], row["country"]
            return (None if pd.isna(team) else str(team)), (None if pd.isna(country) else str(country))

        return self.memo(("placement", roster.digest, viewer, username, self.appearance.digest), compute, adhoc=True)

    def group_place(self, roster: Roster, by: str, name: str | None) -> tuple[int, int] | None:
        """A team's or country's (`by`) rank and how many are ranked; None for the unplaced."""
        table = self.standings(roster, by)
        return self.memo(("group_place", roster.digest, by, name), lambda: teams.group_rank(table, by, name), True)

    def placed_shown_to(self, roster: Roster, username: str | None) -> pd.DataFrame:
        """`placed` as `username` sees it (themselves by name)."""
        shown = self.appearance
        if username is None or not shown.not_by_name:
            return self.placed(roster)
        return self.memo(
            ("placed_shown_to", roster.digest, username, shown.digest),
            lambda: shown.public(self.placed_everyone(roster), keep=username),
            adhoc=True,
        )

    def placed_everyone(self, roster: Roster, filters: Filters = Filters()) -> pd.DataFrame:
        """Everyone's ranking with their team and country (matched on their own names)."""
        return self.memo(
            ("placed_everyone", roster.digest, filters),
            lambda: teams.placed(self.everyone(filters), roster),
            adhoc=self._adhoc_slice(filters),
        )

    def standings(self, roster: Roster, by: str) -> pd.DataFrame:
        """The ranking by team or by country (`by`), the unplaced last: everyone counted, the
        members listed as the public sees them."""
        shown = self.appearance

        def compute() -> pd.DataFrame:
            placed = self.placed_everyone(roster)
            return teams.standings(placed.assign(username=shown.public_names(placed["username"])), roster, by)

        return self.memo(("standings", by, roster.digest, shown.digest), compute)

    def by_country_daily(self, roster: Roster) -> pd.DataFrame:
        return self.memo(
            ("by_country_daily", roster.digest),
            lambda: teams.daily_by_country(self.in_window(), self.placed_everyone(roster)),
        )

    def standings_csv(self, roster: Roster, by: str) -> bytes:
        return self.memo(
            ("standings_csv", by, roster.digest, self.appearance.digest),
            lambda: export.to_csv(self.standings(roster, by).assign(as_of=self.counted_until())),
        )

    def in_window(self) -> pd.DataFrame:
        """The responses that count for this campaign: those inside its window (all, without one).

        The ranking, the quality signals and the acknowledgements all read these, so the people
        thanked and the signals reviewed are exactly the contributions that earn a rank.
        """
        window = self.window
        return self.memo(("in_window",), lambda: aggregate.select(self.campaign.responses, window))

    def signals(self) -> pd.DataFrame:
        return self.memo(("signals",), lambda: quality.signals(self.in_window(), self.everyone()))

    def prize_list(self) -> pd.DataFrame:
        """The eligible contributors with their quality signals, for the organizers' review."""
        return self.memo(("prize_list",), lambda: quality.prize_list(self.signals()))

    def prize_files(self) -> tuple[bytes, str]:
        """The prize list as CSV bytes and as a Markdown table."""
        prize = self.prize_list()
        as_of = self.counted_until()
        return self.memo(
            ("prize_files",),
            lambda: (export.to_csv(prize.assign(as_of=as_of)), export.to_markdown_table(prize.round(3))),
        )

    def acknowledgements(self, counts: bool) -> str:
        """The validators thanked by name (those who chose another way to appear are not named)."""
        shown = self.appearance
        left_out = (*self.config.exclude_users, *shown.not_by_name)
        return self.memo(
            ("acknowledgements", counts, shown.digest),
            lambda: export.acknowledgements(self.in_window(), self.campaign.datasets, left_out, counts=counts),
        )
