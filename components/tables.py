"""Tables rendered with `st.dataframe` (cells are drawn as text: no markup is ever interpreted)."""

from __future__ import annotations

from typing import Literal

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components import i18n
from components.i18n import t
from data.model.columns import BY_NAME, TABLE_NAMES, Column
from data.model.people import profile_urls
from data.model.texts import N_

MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def table_slot(key: str | None) -> DeltaGenerator:
    """Where a table is drawn: a container named `key` (its CSS class `st-key-<key>`), by which
    AppTest and browser tests find the table wherever it moves on the page."""
    return st.container(key=key)


def with_medals(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with a medal for ranks 1 to 3 (column `medal`), drawn by `place_columns`."""
    return table.assign(medal=table["rank"].map(MEDALS).fillna(""))


def place_columns(lang: str, rank_label: str = N_("Puesto")) -> dict:
    """How the rank and its medal are drawn: two narrow columns."""
    return {
        "rank": st.column_config.NumberColumn(t(lang, rank_label), width="small"),
        "medal": st.column_config.TextColumn(" ", width="small"),
    }


def _column_config(column: Column, lang: str, table: pd.DataFrame):
    """How a registry column is drawn, from its kind."""
    label = t(lang, column.label)
    if column.kind == "rank":
        return st.column_config.NumberColumn(label, width="small")
    if column.kind == "bar":
        top = max(int(table[column.name].max()), 1) if len(table) else 1
        return st.column_config.ProgressColumn(label, min_value=0, max_value=top, format="%d")
    if column.kind == "count":
        return st.column_config.NumberColumn(label)
    if column.kind == "share":
        return st.column_config.TextColumn(label)  # the values are `i18n.percents`
    if column.kind == "time":
        return st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm", timezone="UTC")
    if column.kind == "flag":
        return st.column_config.CheckboxColumn(label, width="small")
    return st.column_config.TextColumn(label)


def ranking_table(
    table: pd.DataFrame, lang: str, height: int | Literal["auto"] = "auto", key: str | None = None
) -> None:
    """The ranking's registry columns (data/model/columns.py), with a medal after the rank and a Hub
    profile link at the end."""
    shown = table[TABLE_NAMES].assign(profile=profile_urls(table["username"]))
    for name in TABLE_NAMES:
        if BY_NAME[name].kind == "share":
            shown[name] = i18n.percents(shown[name], lang)
    shown.insert(1, "medal", table["rank"].map(MEDALS).fillna(""))
    config = {name: _column_config(BY_NAME[name], lang, table) for name in TABLE_NAMES}
    config["medal"] = st.column_config.TextColumn(" ", width="small")
    config["profile"] = st.column_config.LinkColumn(t(lang, "Perfil"), display_text=t(lang, "perfil"))
    table_slot(key).dataframe(shown, hide_index=True, width="stretch", height=height, column_config=config)


def compact_ranking(table: pd.DataFrame, lang: str, key: str | None = None) -> None:
    """Place (a medal for the first three), name and validations: fits a frame about 400 px wide."""
    shown = table[["username", "validations"]].copy()
    shown.insert(0, "place", table["rank"].map(MEDALS).fillna(table["rank"].astype("string")))
    config = {name: _column_config(BY_NAME[name], lang, table) for name in ("username", "validations")}
    config["place"] = st.column_config.TextColumn(t(lang, "Puesto"), width=56)
    table_slot(key).dataframe(shown, hide_index=True, width="stretch", column_config=config)


def progress_table(progress: pd.DataFrame, lang: str, key: str | None = None) -> None:
    """Per dataset: the counts, a bar, and the share done in the page's language."""
    shown = progress[["title", "completed", "pending", "total", "pct_done", "submitted"]].assign(
        bar=progress["pct_done"], pct_done=i18n.percents(progress["pct_done"], lang)
    )
    table_slot(key).dataframe(
        shown[["title", "bar", "pct_done", "completed", "pending", "total", "submitted"]],
        hide_index=True,
        width="stretch",
        column_config={
            "title": st.column_config.TextColumn(t(lang, "Dataset")),
            "bar": st.column_config.ProgressColumn(t(lang, "Avance"), min_value=0, max_value=1, format=" "),
            "pct_done": st.column_config.TextColumn(t(lang, "% hecho")),
            "completed": st.column_config.NumberColumn(t(lang, "Completados")),
            "pending": st.column_config.NumberColumn(t(lang, "Pendientes")),
            "total": st.column_config.NumberColumn(t(lang, "Total")),
            "submitted": st.column_config.NumberColumn(t(lang, "Respuestas enviadas")),
        },
    )
