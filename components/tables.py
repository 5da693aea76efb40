"""Tables rendered with `st.dataframe`, each drawn as the registry (data/model/columns.py) declares
it: its columns' order, kinds, labels and help texts (cells are drawn as text: no markup is ever
interpreted). `st.dataframe` is a canvas, which a screen reader reads only in part: each table
also has its rows as an HTML table (`st.table`), in pages of `PAGE_ROWS`, in a closed expander
below it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components import i18n
from components.frame_memo import DERIVED
from components.i18n import t, tc
from data.model.columns import COLUMNS_TABLE, COMPACT, PROFILE, PROGRESS, Column
from data.model.people import profile_urls

MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
PAGE_ROWS = 100
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
    the catalogue), say the name of a grouping. What is drawn of a frame is made once per frame
    object and language (components/frame_memo.py): the cells a page shows again on every run."""
    columns = tuple(columns)
    config = {column.name: column_config(column, lang, frame, (labels or {}).get(column.name)) for column in columns}
    if medals:
        config["medal"] = st.column_config.TextColumn(" ", width="small")
    shown = DERIVED.get(frame, ("shown", columns, lang, medals), lambda: _shown(columns, frame, lang, medals))
    slot = table_slot(key)
    slot.dataframe(shown, hide_index=True, width="stretch", height=height, column_config=config)
    with slot:
        html_table(columns, shown, lang, key, {name: column.get("label") for name, column in config.items()})


def _shown(columns: tuple[Column, ...], frame: pd.DataFrame, lang: str, medals: bool) -> pd.DataFrame:
    """The columns as `st.dataframe` draws them: shares and decimals as text, the medals beside the rank."""
    names = [column.name for column in columns]
    shown = frame[names].copy()
    for column in columns:
        if column.kind == "share":
            shown[column.name] = i18n.percents(frame[column.name], lang)
        elif column.kind == "decimal":
            shown[column.name] = frame[column.name].map(lambda value: i18n.number(value, lang, digits=1))
    if medals:
        shown.insert(names.index("rank") + 1, "medal", frame["rank"].map(MEDALS).fillna(""))
    return shown


def html_table(
    columns: Sequence[Column], shown: pd.DataFrame, lang: str, key: str | None, labels: Mapping[str, str | None]
) -> None:
    """The rows of a drawn table as an HTML table (what a screen reader and axe read), in pages."""
    with st.expander(t(lang, "Los datos como tabla (accesible)")):
        first = 0
        if len(shown) > PAGE_ROWS:
            starts = list(range(0, len(shown), PAGE_ROWS))
            first = st.selectbox(
                t(lang, "Filas"),
                starts,
                format_func=lambda start: f"{start + 1}–{min(start + PAGE_ROWS, len(shown))} / {len(shown)}",
                key=f"{key}.rows",
            )
        page = (tuple(columns), lang, first, tuple(labels.items()))
        st.table(DERIVED.get(shown, ("html", *page), lambda: _html_rows(columns, shown, lang, first, labels)))


def _html_rows(
    columns: Sequence[Column], shown: pd.DataFrame, lang: str, first: int, labels: Mapping[str, str | None]
) -> pd.DataFrame:
    """`PAGE_ROWS` rows of `shown` from `first`, as the HTML table says them: headed by their first column."""
    text = as_text(columns, shown.iloc[first : first + PAGE_ROWS], lang)
    if "medal" in text:  # the medal beside the rank: no column without a header
        text = text.assign(rank=(text["rank"] + " " + text.pop("medal")).str.strip())
    named = text.rename(columns={name: labels.get(name) or name for name in text.columns})
    return named.set_index(named.columns[0])  # the first column heads each row


def as_text(columns: Sequence[Column], shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each cell as the page would say it: numbers in the page's language, dates in ISO 8601 (UTC)."""
    text = shown.copy()
    for column in columns:
        values = shown[column.name]
        if column.kind in ("rank", "bar", "count", "number") and pd.api.types.is_numeric_dtype(values):
            text[column.name] = values.map(lambda value: "" if pd.isna(value) else i18n.number(value, lang))
        elif column.kind == "progress":
            text[column.name] = i18n.percents(values, lang)
        elif column.kind in ("time", "date") and isinstance(values.dtype, pd.DatetimeTZDtype):
            text[column.name] = values.dt.strftime("%Y-%m-%d %H:%M" if column.kind == "time" else "%Y-%m-%d")
        elif column.kind == "flag":
            text[column.name] = values.map({True: t(lang, "sí"), False: t(lang, "no")})
    return text.astype("string").fillna("")


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


def ranking_table(
    table: pd.DataFrame, lang: str, height: Height = "auto", key: str | None = None, rows: int | None = None
) -> None:
    """The ranking's columns (its first `rows`, or all), with a medal after the rank and a Hub profile
    link at the end. What the table adds is made once per frame object, as what `draw` makes: each
    rerun of a page is given the same frame until the next read, and draws what was made of it."""
    shown = DERIVED.get(table, ("profiles", rows), lambda: _with_profiles(_first(table, rows)))
    draw((*COLUMNS_TABLE, PROFILE), shown, lang, key, medals=True, height=height)


def _first(table: pd.DataFrame, rows: int | None) -> pd.DataFrame:
    return table if rows is None else table.head(rows)


def _with_profiles(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(profile=profile_urls(table["username"]))


def compact_ranking(table: pd.DataFrame, lang: str, key: str | None = None, rows: int | None = None) -> None:
    """Place (a medal for the first three), name and validations of the first `rows` (or all): fits
    a frame about 400 px wide."""
    shown = DERIVED.get(table, ("places", rows), lambda: _with_places(_first(table, rows)))
    draw(COMPACT, shown, lang, key)


def _with_places(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(place=table["rank"].map(MEDALS).fillna(table["rank"].astype("string")))


def progress_table(progress: pd.DataFrame, lang: str, key: str | None = None) -> None:
    """Per dataset: the counts, a bar, and the share done in the page's language."""
    draw(PROGRESS, DERIVED.get(progress, "bar", lambda: progress.assign(bar=progress["pct_done"])), lang, key)
