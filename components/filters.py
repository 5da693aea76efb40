"""Dataset and time-window pickers that return `Filters` for the aggregates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import i18n
from components.i18n import t
from data.model.aggregate import Filters
from data.model.ranking import PERIODS, period_filters
from data.model.texts import N_

WINDOWS = dict(zip(PERIODS, (N_("Toda la campaña"), N_("Últimos 7 días"), N_("Fechas")), strict=True))


def campaign_filters(datasets: pd.DataFrame, as_of: dt.datetime, lang: str, key: str) -> Filters:
    """Widgets for datasets and period; the choice is kept per session under `key`."""
    titles = dict(zip(datasets["dataset"], datasets["title"]))
    left, right = st.columns([3, 2])
    chosen = left.multiselect(
        t(lang, "Datasets"),
        options=list(titles),
        format_func=titles.__getitem__,
        placeholder=t(lang, "todos"),
        key=f"{key}.datasets",
    )
    mode = right.radio(
        t(lang, "Periodo"),
        list(WINDOWS),
        horizontal=True,
        key=f"{key}.window",
        format_func=lambda m: t(lang, WINDOWS[m]),
    )
    start = end = None
    today = as_of.date()
    if mode == "custom":
        picked = st.date_input(
            t(lang, "Desde / hasta"),
            value=(today - dt.timedelta(days=13), today),
            key=f"{key}.dates",
            format="YYYY-MM-DD",
        )
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            start, end = picked
    return period_filters(mode, today, tuple(chosen) if chosen else None, start, end)


def describe_filters(filters: Filters, datasets: pd.DataFrame, lang: str) -> str:
    titles = dict(zip(datasets["dataset"], datasets["title"]))
    names = ", ".join(titles.get(d, d) for d in filters.datasets) if filters.datasets else t(lang, "todos")
    if filters.start or filters.end:
        window = " – ".join(i18n.date(d, lang) if d else "…" for d in (filters.start, filters.end))
    else:
        window = t(lang, "toda la campaña")
    return t(lang, "Filtros: datasets {datasets}; periodo {window}.", datasets=names, window=window)
