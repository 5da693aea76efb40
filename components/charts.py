"""Plotly charts without the modebar, each with a text alternative for screen readers.

Figures are built by `st.cache_data` functions: the frames change once per upstream read, and
building a plotly figure costs tens of milliseconds that every viewer's rerun would pay again.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from components.i18n import t

CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}
COLORS = ["#e4572e", "#17bebb", "#ffc914", "#2e282a", "#76b041", "#6c5b7b"]


def _show(fig: go.Figure, key: str, alt: str) -> None:
    fig.update_layout(
        margin=dict(l=8, r=8, t=30, b=8),
        height=320,
        legend_title_text="",
        legend=dict(orientation="h", y=-0.2),
        colorway=COLORS,
    )
    st.plotly_chart(fig, config=CONFIG, width="stretch", key=key)
    st.caption(alt)


FIGURE_CACHE = dict(max_entries=256, ttl=3600, show_spinner=False)


def daily_bars(activity: pd.DataFrame, titles: dict[str, str], lang: str, key: str) -> None:
    fig, alt = _daily_bars(activity, tuple(titles.items()), lang)
    _show(fig, key, alt)


@st.cache_data(**FIGURE_CACHE)
def _daily_bars(activity: pd.DataFrame, titles: tuple, lang: str) -> tuple[go.Figure, str]:
    titles = dict(titles)
    frame = activity.assign(dataset=activity["dataset"].map(titles).fillna(activity["dataset"]))
    fig = px.bar(
        frame,
        x="day",
        y="validations",
        color="dataset",
        color_discrete_sequence=COLORS,
        labels={
            "day": t(lang, "col.day"),
            "validations": t(lang, "progress.validations"),
            "dataset": t(lang, "col.dataset"),
        },
    )
    completed = frame.groupby("day")["completed"].sum().reset_index()
    fig.add_scatter(
        x=completed["day"],
        y=completed["completed"],
        mode="lines+markers",
        name=t(lang, "progress.records_completed"),
        line=dict(color="#2e282a"),
    )
    return fig, (
        f"{t(lang, 'progress.validations')}: {int(frame['validations'].sum())}; "
        f"{t(lang, 'progress.records_completed')}: {int(frame['completed'].sum())}."
    )


def cumulative_line(activity: pd.DataFrame, titles: dict[str, str], lang: str, key: str) -> None:
    fig, alt = _cumulative_line(activity, tuple(titles.items()), lang)
    _show(fig, key, alt)


@st.cache_data(**FIGURE_CACHE)
def _cumulative_line(activity: pd.DataFrame, titles: tuple, lang: str) -> tuple[go.Figure, str]:
    titles = dict(titles)
    frame = activity.assign(dataset=activity["dataset"].map(titles).fillna(activity["dataset"]))
    frame = frame.sort_values("day")
    frame["cumulative"] = frame.groupby("dataset")["completed"].cumsum()
    fig = px.line(
        frame,
        x="day",
        y="cumulative",
        color="dataset",
        color_discrete_sequence=COLORS,
        labels={
            "day": t(lang, "col.day"),
            "cumulative": t(lang, "progress.records_completed"),
            "dataset": t(lang, "col.dataset"),
        },
    )
    last = frame.groupby("dataset")["cumulative"].last()
    return fig, "; ".join(f"{name}: {int(value)}" for name, value in last.items())


def people_per_day(daily: pd.DataFrame, lang: str, key: str) -> None:
    fig, alt = _people_per_day(daily, lang)
    _show(fig, key, alt)


@st.cache_data(**FIGURE_CACHE)
def _people_per_day(daily: pd.DataFrame, lang: str) -> tuple[go.Figure, str]:
    fig = px.bar(
        daily,
        x="day",
        y="contributors",
        color_discrete_sequence=COLORS,
        labels={"day": t(lang, "col.day"), "contributors": t(lang, "col.contributors")},
    )
    peak = int(daily["contributors"].max()) if len(daily) else 0
    return fig, f"{t(lang, 'col.contributors')} (max): {peak}"


def user_daily(daily: pd.DataFrame, titles: dict[str, str], lang: str, key: str) -> None:
    fig, alt = _user_daily(daily, tuple(titles.items()), lang)
    _show(fig, key, alt)


@st.cache_data(**FIGURE_CACHE)
def _user_daily(daily: pd.DataFrame, titles: tuple, lang: str) -> tuple[go.Figure, str]:
    titles = dict(titles)
    frame = daily.assign(dataset=daily["dataset"].map(titles).fillna(daily["dataset"]))
    fig = px.bar(
        frame,
        x="day",
        y="validations",
        color="dataset",
        color_discrete_sequence=COLORS,
        labels={
            "day": t(lang, "col.day"),
            "validations": t(lang, "progress.validations"),
            "dataset": t(lang, "col.dataset"),
        },
    )
    return fig, f"{t(lang, 'progress.validations')}: {int(frame['validations'].sum())}"


def horizontal_bars(frame: pd.DataFrame, label: str, value: str, value_title: str, key: str) -> None:
    ordered = frame.sort_values(value)
    fig = px.bar(
        ordered,
        x=value,
        y=label,
        orientation="h",
        color="kind",
        color_discrete_sequence=COLORS,
        labels={value: value_title, label: ""},
    )
    fig.update_yaxes(type="category")
    fig.update_layout(height=max(320, 22 * len(ordered)))
    st.plotly_chart(fig, config=CONFIG, width="stretch", key=key)
