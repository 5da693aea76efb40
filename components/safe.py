"""Showing untrusted text (usernames, project names) in Markdown elements: as text, never as markup."""

from __future__ import annotations

from data.text import escape_markdown, shorten


def md_text(text: str, limit: int = 80) -> str:
    """Escape Markdown/HTML-significant characters and shorten very long text."""
    return escape_markdown(shorten(text, limit))
