"""Showing untrusted text (usernames, project names) as text, never as markup."""

from __future__ import annotations

import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_text(text: str, limit: int = 80) -> str:
    """Escape Markdown/HTML-significant characters and shorten very long text."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)
