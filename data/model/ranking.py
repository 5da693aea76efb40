"""Slices of a ranking (shared by the pages and the API): search and sort, the period chosen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data.model.aggregate import Filters, row_of
from data.model.columns import SORTS
from data.text import rows_matching


def search_and_sort(table: pd.DataFrame, query: str, order: str) -> pd.DataFrame:
    """Rows whose username contains `query` (case-insensitive, literal), sorted by `order`
    (a sortable column of data/model/columns.py), ties in rank order."""
    table = rows_matching(table, "username", query)
    if order != "rank":
        table = table.sort_values([order, "rank"], ascending=[SORTS[order], True], kind="mergesort")
    return table


PERIODS = ("all", "week", "month", "7d", "custom")
WINDOWED = ("week", "month", "7d")  # the periods `[campaign] windowed_rankings = false` switches off


def periods(windowed: bool) -> tuple[str, ...]:
    """The periods a campaign offers: all of them, or without the windowed rankings."""
    return PERIODS if windowed else tuple(p for p in PERIODS if p not in WINDOWED)


def windowed(enabled: bool) -> tuple[str, ...]:
    """The calendar rankings a person's page shows: this week and this month (unless switched off)."""
    return ("week", "month") if enabled else ()


def api_periods(windowed: bool) -> tuple[str, ...]:
    """The API's `period` values: the periods offered but "custom" (which is `start` and `end`)."""
    return tuple(p for p in periods(windowed) if p != "custom")


def period_filters(
    period: str,
    today: dt.date,
    datasets: tuple[str, ...] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Filters:
    """The filters of a period, as calendar days of the campaign (`today` is the data's day there):
    "week" is this calendar week (from Monday), "month" this calendar month, "7d" today and the six
    days before it, "custom" `start`..`end`, "all" every day (the campaign's own window still applies)."""
    if period == "week":
        monday = today - dt.timedelta(days=today.weekday())
        return Filters(datasets, monday, monday + dt.timedelta(days=6))
    if period == "month":
        first = today.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return Filters(datasets, first, following - dt.timedelta(days=1))
    if period == "7d":
        return Filters(datasets, today - dt.timedelta(days=6), today)
    if period == "custom":
        return Filters(datasets, start, end)
    return Filters(datasets)


@dataclass(frozen=True)
class Standing:
    """One person's place in the ranking of a period (None: no validation in it)."""

    period: str
    rank: int | None
    validations: int


def standing(table: pd.DataFrame, username: str, period: str) -> Standing:
    """Where `username` stands in `table` (a ranking of `period`), matched on the full name."""
    row = row_of(table, username)
    if row is None or int(row["validations"]) == 0:
        return Standing(period, None, 0)
    return Standing(period, int(row["rank"]), int(row["validations"]))


@dataclass(frozen=True)
class Goal:
    """A weekly goal and what this week has done towards it (an encouragement, never a debt)."""

    target: int
    done: int

    @property
    def left(self) -> int:
        return max(self.target - self.done, 0)

    @property
    def share(self) -> float:
        return min(self.done / self.target, 1.0)
