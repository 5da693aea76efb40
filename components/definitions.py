"""How each figure of a page is counted, from the same registry that declares its columns
(data/model/columns.py), and when the data it comes from was read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import streamlit as st

from components import i18n
from components.i18n import t, tc
from data.model.columns import Column


def how_counted(columns: Sequence[Column], read_at: dt.datetime, lang: str, key: str) -> None:
    """A closed section naming each column that has a definition, and the time of the read."""
    with st.expander(t(lang, "Cómo se cuenta"), icon="ℹ️", key=key):
        lines = [f"- **{_label(column, lang)}**: {t(lang, column.help)}" for column in columns if column.help]
        st.markdown("\n".join(lines))
        st.caption(t(lang, "Datos leídos el {when}.", when=i18n.datetime(read_at, lang)))


def _label(column: Column, lang: str) -> str:
    return tc(lang, column.context, column.label) if column.context else t(lang, column.label)
