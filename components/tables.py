"""Tables rendered with `st.dataframe`, each drawn as the registry (data/model/columns.py) declares
it: its columns' order, kinds, labels and help texts (cells are drawn as text: no markup is ever
interpreted)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components import i18n
from components.i18n import t, tc
from data.model.columns import COLUMNS_TABLE, COMPACT, PROFILE, PROGRESS, Column
from data.model.people import profile_urls

MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
Height = int | Literal["auto"]


def table_slot(key: str | None) -> DeltaGenerator:
    """Where a table is drawn: a container named `key` (its CSS class `st-key-<key>`), by which
    AppTest and browser tests find the table wherever it moves on the page."""
    return st.container(key=key)


def draw(
    columns: Sequence[Column],
    frame: pd.DataFrame,
    lang: str,
    key: str | None,
    medals: bool = False,
    labels: Mapping[str, str] | None = None,
    height: Height = "auto",
) -> None:
    """`frame`'s `columns`, in their order, each drawn by its kind; with `medals`, a medal after
    the rank for the first three. `labels`: a column's label where the page decides it (a text of
    the catalogue), say the name of a grouping."""
    names = [column.name for column in columns]
    shown = frame[names].copy()
    for column in columns:
        if column.kind == "share":
            shown[column.name] = i18n.percents(frame[column.name], lang)
        elif column.kind == "decimal":
            shown[column.name] = frame[column.name].map(lambda value: i18n.number(value, lang, digits=1))
    config = {column.name: column_config(column, lang, frame, (labels or {}).get(column.name)) for column in columns}
    if medals:
        shown.insert(names.index("rank") + 1, "medal", frame["rank"].map(MEDALS).fillna(""))
        config["medal"] = st.column_config.TextColumn(" ", width="small")
    table_slot(key).dataframe(shown, hide_index=True, width="stretch", height=height, column_config=config)


def column_config(column: Column, lang: str, frame: pd.DataFrame, label: str | None = None) -> Any:
    """How a registry column is drawn: its kind, its label and its help in the page's language."""
    title = (
        tc(lang, column.context, column.label) if column.context and label is None else t(lang, label or column.label)
    )
    shared: dict[str, Any] = {"help": t(lang, column.help) if column.help else None, "width": column.width}
    kind = column.kind
    if kind == "rank":
        return st.column_config.NumberColumn(title, **{**shared, "width": column.width or "small"})
    if kind == "bar":
        top = max(int(frame[column.name].max()), 1) if len(frame) else 1
        return st.column_config.ProgressColumn(title, min_value=0, max_value=top, format="%d", **shared)
    if kind == "progress":
        return st.column_config.ProgressColumn(title, min_value=0, max_value=1, format=" ", **shared)
    if kind in ("count", "number"):
        return st.column_config.NumberColumn(title, format=column.format, **shared)
    if kind == "time":
        return st.column_config.DatetimeColumn(title, format="YYYY-MM-DD HH:mm", timezone="UTC", **shared)
    if kind == "date":
        return st.column_config.DateColumn(title, format="YYYY-MM-DD", **shared)
    if kind == "flag":
        return st.column_config.CheckboxColumn(title, **{**shared, "width": column.width or "small"})
    if kind == "link":
        shows = t(lang, column.link_text) if column.link_text else column.link_pattern
        return st.column_config.LinkColumn(title, display_text=shows, **shared)
    return st.column_config.TextColumn(title, **shared)  # text, and shares and decimals drawn as text


def ranking_table(table: pd.DataFrame, lang: str, height: Height = "auto", key: str | None = None) -> None:
    """The ranking's columns, with a medal after the rank and a Hub profile link at the end."""
    shown = table.assign(profile=profile_urls(table["username"]))
    draw((*COLUMNS_TABLE, PROFILE), shown, lang, key, medals=True, height=height)


def compact_ranking(table: pd.DataFrame, lang: str, key: str | None = None) -> None:
    """Place (a medal for the first three), name and validations: fits a frame about 400 px wide."""
    place = table["rank"].map(MEDALS).fillna(table["rank"].astype("string"))
    draw(COMPACT, table.assign(place=place), lang, key)


def progress_table(progress: pd.DataFrame, lang: str, key: str | None = None) -> None:
    """Per dataset: the counts, a bar, and the share done in the page's language."""
    draw(PROGRESS, progress.assign(bar=progress["pct_done"]), lang, key)
