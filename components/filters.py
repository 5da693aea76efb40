"""Dataset and time-window pickers that return `Filters` for the aggregates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import address, i18n
from components.i18n import t
from data.model.aggregate import Filters
from data.model.ranking import period_filters
from data.model.texts import N_

WINDOWS = {
    "all": N_("Toda la campaña"),
    "week": N_("Esta semana"),
    "month": N_("Este mes"),
    "7d": N_("Últimos 7 días"),
    "custom": N_("Fechas"),
}


def campaign_filters(datasets: pd.DataFrame, today: dt.date, lang: str, offered: tuple[str, ...], key: str) -> Filters:
    """Widgets for datasets and period (of the periods `offered`), kept in the page's address as
    ?dataset=…&period=…&start=…&end=… (the API's parameters); `today` is the data's day in the
    campaign's calendar."""
    titles = dict(zip(datasets["dataset"], datasets["title"]))
    address.seed(f"{key}.datasets", ["dataset"], address.some_of(list(titles)))
    address.seed(f"{key}.window", ["period"], address.one_of(offered))
    address.seed(f"{key}.dates", ["start", "end"], _dates)
    if st.session_state.get(f"{key}.window") not in offered:  # a period the campaign no longer offers
        st.session_state.pop(f"{key}.window", None)
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
        list(offered),
        horizontal=True,
        key=f"{key}.window",
        format_func=lambda m: t(lang, WINDOWS[m]),
    )
    address.keep("dataset", chosen)
    address.keep("period", [mode] if mode != "all" else [])
    start = end = None
    if mode == "custom":
        st.session_state.setdefault(f"{key}.dates", (today - dt.timedelta(days=13), today))
        picked = st.date_input(t(lang, "Desde / hasta"), key=f"{key}.dates", format="YYYY-MM-DD")
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            start, end = picked
    address.keep("start", [start.isoformat()] if start else [])
    address.keep("end", [end.isoformat()] if end else [])
    return period_filters(mode, today, tuple(chosen) if chosen else None, start, end)


def top_period(offered: tuple[str, ...], lang: str, key: str) -> str:
    """The period of a short ranking: the whole campaign or one of the `offered` windows, kept in
    the page's address as ?period=…; nothing to choose when no window is offered."""
    if not offered:
        return "all"
    choices = ["all", *offered]
    address.seed(key, ["period"], address.one_of(choices))
    st.session_state.setdefault(key, "all")
    chosen = st.segmented_control(t(lang, "Periodo"), choices, format_func=lambda m: t(lang, WINDOWS[m]), key=key)
    period = chosen or "all"
    address.keep("period", [period] if period != "all" else [])
    return period


def _dates(values: list[list[str]]) -> tuple[dt.date, dt.date] | None:
    try:
        start, end = (dt.date.fromisoformat(given[-1]) for given in values)
    except (IndexError, ValueError):
        return None
    return (start, end) if start <= end else None


def describe_filters(filters: Filters, datasets: pd.DataFrame, lang: str) -> str:
    titles = dict(zip(datasets["dataset"], datasets["title"]))
    names = ", ".join(titles.get(d, d) for d in filters.datasets) if filters.datasets else t(lang, "todos")
    if filters.start or filters.end:
        window = " – ".join(i18n.date(d, lang) if d else "…" for d in (filters.start, filters.end))
    else:
        window = t(lang, "toda la campaña")
    return t(lang, "Filtros: datasets {datasets}; periodo {window}.", datasets=names, window=window)
