"""Untrusted text (usernames, repo names): shown as text, never as markup; searched literally."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Markdown and HTML punctuation, plus ":" (Streamlit's :emoji: and :color[] shortcodes) and "&".
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def escape_markdown(text: str) -> str:
    """One line of literal text in Markdown: whitespace collapsed, every special character escaped."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(str(text).split()))


def shorten(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def matching(values: pd.Series, query: str) -> np.ndarray:
    """Which values contain `query`: case-insensitive, literal (no regex), missing values never."""
    query = (query or "").strip()
    if not query:
        return np.ones(len(values), dtype=bool)
    return values.astype("string").str.contains(query, case=False, regex=False, na=False).to_numpy(dtype=bool)
