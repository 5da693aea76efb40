"""Search and sort over a ranking frame (shared by the ranking and export pages)."""

from __future__ import annotations

import pandas as pd

from data.model.columns import SORTS
from data.text import matching


def search_and_sort(table: pd.DataFrame, query: str, order: str) -> pd.DataFrame:
    """Rows whose username contains `query` (case-insensitive, literal), sorted by `order`
    (a sortable column of data/model/columns.py), ties in rank order."""
    table = table[matching(table["username"], query)]
    if order != "rank":
        table = table.sort_values([order, "rank"], ascending=[SORTS[order], True], kind="mergesort")
    return table
