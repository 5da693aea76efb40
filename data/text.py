"""Untrusted text (usernames, repo names): shown as text, never as markup; searched literally."""

from __future__ import annotations

import re
import unicodedata

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


def folded(text: str) -> str:
    """Text without case or accents ("José" -> "jose", "ÑANDÚ" -> "nandu"): how every search
    compares what people type with what things are called."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def matching(values: pd.Series, query: str) -> np.ndarray:
    """Which values contain `query`, ignoring case and accents both ways; literal (no regex);
    missing values never. Each distinct value is folded once."""
    query = folded((query or "").strip())
    if not query:
        return np.ones(len(values), dtype=bool)
    distinct = values.astype("string").astype("category")
    folded_names = pd.Series([folded(name) for name in distinct.cat.categories], dtype="string")
    hits = np.append(folded_names.str.contains(query, regex=False).to_numpy(dtype=bool), False)
    return hits[distinct.cat.codes.to_numpy()]
