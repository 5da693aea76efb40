"""Search and sort over a ranking frame (pure pandas, shared by the ranking and export pages)."""

from __future__ import annotations

import pandas as pd

SORTS = {
    "rank": True,
    "validations": False,
    "corrections": False,
    "discarded": False,
    "datasets": False,
    "correction_rate": False,
    "last_validation": False,
    "username": True,
}


def search_and_sort(table: pd.DataFrame, query: str, order: str) -> pd.DataFrame:
    """Rows whose username contains `query` (case-insensitive, literal), sorted by `order`."""
    query = (query or "").strip()
    if query:
        table = table[table["username"].str.contains(query, case=False, regex=False, na=False)]
    if order != "rank":
        table = table.sort_values([order, "rank"], ascending=[SORTS[order], True], kind="mergesort")
    return table
