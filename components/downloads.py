"""A file to download, offered one way on every page: the type its name says, the same icon."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any

import streamlit as st

TYPES = {".csv": "text/csv", ".md": "text/markdown", ".pdf": "application/pdf", ".zip": "application/zip"}


def download(
    label: str,
    data: bytes | str | Callable[[], bytes],
    file_name: str,
    where: Any = st,
    icon: str = "⬇️",
    **options: Any,
) -> None:
    """A download button for `data` (bytes, or a function that makes them when the button is
    pressed) in `where` (a column; the page by default)."""
    mime = TYPES[PurePath(file_name).suffix]
    where.download_button(label, data, file_name=file_name, mime=mime, icon=icon, **options)
