"""Widgets whose state is kept in the page's address, so that a filtered view is a link.

The parameters are the API's (`dataset`, `period`, `start`, `end`, `q`, `sort`, ...) with stable
values (a dataset's name, a period's code), never a translated label: a link made in Spanish opens
the same view in English. Streamlit's own `bind="query-params"` writes the option's label.

Before a widget is drawn, `seed` gives it the address's value (once: afterwards the widget's own
state wins); after, `keep` writes the widget's value back (and drops a default, for short links).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st


def seed(key: str, params: Sequence[str], parse: Callable[[list[list[str]]], Any]) -> None:
    """Set the widget `key` from the address's `params` (each a list of values), if it has them and
    `parse` accepts them (None: ignored, the widget keeps its default)."""
    if key in st.session_state:
        return
    values = [st.query_params.get_all(name) for name in params]
    if not any(values):
        return
    parsed = parse(values)
    if parsed is not None:
        st.session_state[key] = parsed


def keep(name: str, values: Sequence[str]) -> None:
    """Write one parameter of the address (none at all when `values` is empty)."""
    values = list(values)
    if st.query_params.get_all(name) == values:
        return
    if values:
        st.query_params[name] = values
    else:
        st.query_params.pop(name, None)


def one_of(options: Sequence[str]) -> Callable[[list[list[str]]], str | None]:
    """A parser for a single choice among `options` (the last value given wins)."""
    return lambda values: values[0][-1] if values[0] and values[0][-1] in options else None


def some_of(options: Sequence[str]) -> Callable[[list[list[str]]], list[str] | None]:
    """A parser for several choices among `options` (unknown ones dropped)."""

    def parse(values: list[list[str]]) -> list[str] | None:
        chosen = [value for value in dict.fromkeys(values[0]) if value in options]
        return chosen or None

    return parse


def text(longest: int) -> Callable[[list[list[str]]], str | None]:
    """A parser for free text, clipped to what its input accepts."""
    return lambda values: values[0][-1][:longest] if values[0] else None
