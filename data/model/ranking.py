"""Slices of a ranking (shared by the pages and the API): search and sort, the period chosen."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.model.aggregate import Filters
from data.model.columns import SORTS
from data.text import matching


def search_and_sort(table: pd.DataFrame, query: str, order: str) -> pd.DataFrame:
    """Rows whose username contains `query` (case-insensitive, literal), sorted by `order`
    (a sortable column of data/model/columns.py), ties in rank order."""
    table = table[matching(table["username"], query)]
    if order != "rank":
        table = table.sort_values([order, "rank"], ascending=[SORTS[order], True], kind="mergesort")
    return table


PERIODS = ("all", "7d", "custom")  # the whole campaign, the last 7 days of the data, dates chosen


def period_filters(
    period: str,
    today: dt.date,
    datasets: tuple[str, ...] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Filters:
    """The filters of a period: "7d" is the data's day and the six before it; "custom" is
    `start`..`end`; "all" is every day (the campaign's own window still applies)."""
    if period == "7d":
        return Filters(datasets, today - dt.timedelta(days=6), today)
    if period == "custom":
        return Filters(datasets, start, end)
    return Filters(datasets)
