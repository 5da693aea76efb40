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
    return np.asarray(hits[distinct.cat.codes.to_numpy()])


def rows_matching(table: pd.DataFrame, column: str, query: str) -> pd.DataFrame:
    """The rows whose `column` contains `query` (`matching`); without a query, `table` itself, not a
    copy: a page drawn again with the same frame object draws what was made of it (components/frame_memo.py)."""
    if not folded((query or "").strip()):
        return table
    return table[matching(table[column], query)]


_JOINERS = {"\u200c", "\u200d"}  # zero-width (non-)joiners: needed inside emoji sequences and some scripts


def visible(text: str) -> str:
    """`text` without control and format characters — NUL, ESC, bidi embeddings, overrides and
    isolates (U+202A–U+202E, U+2066–U+2069), zero-width spaces, BOM — which can hide or reorder what
    is printed. Line breaks and tabs become spaces; a joiner stays only between two characters that
    are kept (an emoji sequence, Persian)."""
    kept: list[str] = []
    for index, ch in enumerate(text):
        kind = unicodedata.category(ch)
        if ch.isspace():
            kept.append(" ")
        elif ch in _JOINERS:
            after = text[index + 1 : index + 2]
            if kept and kept[-1].strip() and after and unicodedata.category(after)[0] not in "CZ":
                kept.append(ch)
        elif kind not in ("Cc", "Cf", "Co", "Cs", "Cn"):
            kept.append(ch)
    return "".join(kept)


def shown_name(name: str) -> str:
    """A name to print: its visible characters; if none are left, its code points (U+202E …), so a
    name made only of invisible characters still prints as something that identifies it."""
    shown = " ".join(visible(name).split())
    if shown:
        return shown
    points = " ".join(f"U+{ord(ch):04X}" for ch in name[:8])
    return (points + (" …" if len(name) > 8 else "")) or "—"
