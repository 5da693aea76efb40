"""Who a username is on the Hub: a profile link only where the name can be a Hub username."""

from __future__ import annotations

import pandas as pd

HUB_USERNAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?"
PROFILE_PREFIX = "https://huggingface.co/"


def profile_urls(usernames: pd.Series) -> pd.Series:
    """`https://huggingface.co/<name>` where the name is a valid Hub username, else missing."""
    names = usernames.astype("string")
    valid = names.str.fullmatch(HUB_USERNAME).fillna(False).astype(bool)
    return (PROFILE_PREFIX + names).where(valid, pd.NA)
