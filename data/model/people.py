"""People by name: a Hub profile link where the name can be a Hub username, and close names."""

from __future__ import annotations

import pandas as pd
from rapidfuzz import fuzz, process

from data.text import folded

HUB_USERNAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?"
PROFILE_PREFIX = "https://huggingface.co/"


def profile_urls(usernames: pd.Series) -> pd.Series:
    """`https://huggingface.co/<name>` where the name is a valid Hub username, else missing."""
    names = usernames.astype("string")
    valid = names.str.fullmatch(HUB_USERNAME).fillna(False).astype(bool)
    return (PROFILE_PREFIX + names).where(valid, pd.NA)


def close_names(names: pd.Series, typed: str, limit: int = 5) -> list[str]:
    """The names most like `typed`, ignoring case and accents (typos too), best first."""
    typed = folded(typed.strip())
    if not typed or names.empty:
        return []
    found = process.extract(typed, names.tolist(), scorer=fuzz.WRatio, processor=folded, limit=limit, score_cutoff=70)
    return [name for name, _score, _index in found]
