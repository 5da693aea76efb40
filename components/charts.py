"""Plotly charts that people can take away: each with a PNG button (plotly's own "download plot",
the only button of its mode bar; the picture is made in the browser) and its data as CSV, and a
text alternative for screen readers.

Figures are built by `st.cache_resource` functions: the frames change once per upstream read, and
building a plotly figure costs tens of milliseconds that every viewer's rerun would pay again. A
cached figure is shared by every session, as it is (never modified once built): `st.cache_data`
would unpickle a copy for each viewer, and re-validating that copy was a tenth of a worker's time
when a thousand visitors arrived at once (BENCHMARKS.md). A frame is known to that cache by its
content, fingerprinted once per frame object (`frame_key`), not hashed by Streamlit on every run.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from components import i18n
from components.downloads import download
from components.frame_memo import DERIVED
from components.i18n import t
from data.model import digests
from data.model.export import to_csv
from data.routes import MAPS

CONFIG = {"displayModeBar": True, "modeBarButtons": [["toImage"]], "displaylogo": False, "responsive": True}
Figured = tuple[go.Figure, str]
TICKS = 8  # dates on a time axis, at most
COLORS = ["#e4572e", "#17bebb", "#ffc914", "#2e282a", "#76b041", "#6c5b7b"]


def frame_key(frame: pd.DataFrame) -> str:
    """What a chart's cache knows `frame` by: its values, index, columns and types, fingerprinted once
    per frame object (components/frame_memo.py); Streamlit hashed each frame again on every run."""
    return DERIVED.get(frame, "chart key", lambda: _fingerprint(frame))


def _fingerprint(frame: pd.DataFrame) -> str:
    return digests.content(frame.reset_index(), ",".join(map(str, frame.dtypes)), ",".join(map(str, frame.index.names)))


# how a chart's cache knows its arguments (Streamlit's `hash_funcs`)
KEYED: dict[str | type[Any], Callable[[Any], Any]] = {pd.DataFrame: frame_key}


def _styled(fig: go.Figure) -> go.Figure:
    """The house layout of the time charts (applied before a figure is cached: cached figures are shared)."""
    return fig.update_layout(
        margin=dict(l=8, r=8, t=30, b=8),
        height=320,
        legend_title_text="",
        legend=dict(orientation="h", y=-0.2),
        colorway=COLORS,
    )


def _in_language(fig: go.Figure, lang: str, moments: bool = False) -> go.Figure:
    """Dates and numbers as the page speaks (plotly's own are English: "Mar 3", "1,234.5"): the
    separators, the time axis's ticks ("3 mar"), and each point's date in its hover text (with the
    time of day, for `moments`). Applied before a figure is cached, as `_styled`."""
    fig.update_layout(separators=i18n.separators(lang))
    dated = [(trace, pd.Series(pd.to_datetime(trace.x))) for trace in fig.data if trace.x is not None]
    if not dated:
        return fig
    for trace, x in dated:
        trace.customdata = i18n.dates(x, lang, moments).to_numpy()
        trace.hovertemplate = (trace.hovertemplate or "%{x}: %{y}<extra></extra>").replace("%{x}", "%{customdata}")
    return _date_ticks(fig, pd.concat([x for _, x in dated]), lang)


def _date_ticks(fig: go.Figure, moments: pd.Series, lang: str) -> go.Figure:
    """At most TICKS days of `moments` on the x axis, named as the page's language names them."""
    days = moments.dt.normalize().drop_duplicates().sort_values()
    ticks = days.iloc[:: max(1, math.ceil(len(days) / TICKS))]
    return fig.update_xaxes(tickvals=ticks.tolist(), ticktext=[i18n.day_and_month(day.date(), lang) for day in ticks])


def _titled(frame: pd.DataFrame, titles: tuple) -> pd.DataFrame:
    """`frame` with each dataset shown by its title (`titles`: (name, title) pairs, hashable for the cache)."""
    names = dict(titles)
    return frame.assign(dataset=frame["dataset"].map(names).fillna(frame["dataset"]))


def chart(config: dict[str, Any] = CONFIG) -> Callable[[Callable[..., Figured]], Callable[..., None]]:
    """A chart drawn from a builder of (figure, caption) whose first argument is the frame it
    plots: the figure is built once per arguments and shared (`st.cache_resource`: built figures
    are never changed), drawn under `key` (its PNG is named after it), with its caption, the
    chart's words for screen readers, and that frame as CSV (made only when asked for) below it.
    A builder takes the page's language last."""

    def wrap(build: Callable[..., Figured]) -> Callable[..., None]:
        cached = st.cache_resource(max_entries=256, ttl=3600, show_spinner=False, hash_funcs=KEYED)(build)

        @functools.wraps(build)
        def draw(data: pd.DataFrame, *args: Any, key: str) -> None:
            fig, alt = cached(data, *args)
            name = key.replace(".", "_")
            png = {"format": "png", "filename": name, "scale": 2}
            st.plotly_chart(fig, config={**config, "toImageButtonOptions": png}, width="stretch", key=key)
            st.caption(alt)
            lang = args[-1]
            download(
                t(lang, "Datos del gráfico (CSV)"),
                lambda: to_csv(data),
                f"{name}.csv",
                key=f"{key}.csv",
                type="tertiary",
                on_click="ignore",
            )

        return draw

    return wrap


def daily_bars(activity: pd.DataFrame, titles: dict[str, str], lang: str, key: str) -> None:
    """Validations per day stacked by dataset (the campaign's, or one person's), with the records
    completed each day as a line when `activity` has them."""
    _daily_bars(activity, tuple(titles.items()), lang, key=key)


@chart()
def _daily_bars(activity: pd.DataFrame, titles: tuple, lang: str) -> tuple[go.Figure, str]:
    frame = _titled(activity, titles)
    fig = px.bar(
        frame,
        x="day",
        y="validations",
        color="dataset",
        color_discrete_sequence=COLORS,
        labels={
            "day": t(lang, "Día"),
            "validations": t(lang, "Validaciones"),
            "dataset": t(lang, "Dataset"),
        },
    )
    alt = t(lang, "Validaciones") + f": {int(frame['validations'].sum())}"
    if "completed" not in frame:
        return _in_language(_styled(fig), lang), alt
    completed = frame.groupby("day")["completed"].sum().reset_index()
    fig.add_scatter(
        x=completed["day"],
        y=completed["completed"],
        mode="lines+markers",
        name=t(lang, "Registros completados"),
        line=dict(color="#2e282a"),
    )
    total = t(lang, "Registros completados") + f": {int(frame['completed'].sum())}."
    return _in_language(_styled(fig), lang), f"{alt}; {total}"


def cumulative_line(activity: pd.DataFrame, titles: dict[str, str], lang: str, key: str) -> None:
    _cumulative_line(activity, tuple(titles.items()), lang, key=key)


@chart()
def _cumulative_line(activity: pd.DataFrame, titles: tuple, lang: str) -> tuple[go.Figure, str]:
    frame = _titled(activity, titles).sort_values("day")
    frame["cumulative"] = frame.groupby("dataset")["completed"].cumsum()
    fig = px.line(
        frame,
        x="day",
        y="cumulative",
        color="dataset",
        color_discrete_sequence=COLORS,
        labels={
            "day": t(lang, "Día"),
            "cumulative": t(lang, "Registros completados"),
            "dataset": t(lang, "Dataset"),
        },
    )
    last = frame.groupby("dataset")["cumulative"].last()
    return _in_language(_styled(fig), lang), "; ".join(f"{name}: {int(value)}" for name, value in last.items())


@chart()
def people_per_day(daily: pd.DataFrame, lang: str) -> tuple[go.Figure, str]:
    fig = px.bar(
        daily,
        x="day",
        y="contributors",
        color_discrete_sequence=COLORS,
        labels={"day": t(lang, "Día"), "contributors": t(lang, "Personas")},
    )
    peak = int(daily["contributors"].max()) if len(daily) else 0
    return _in_language(_styled(fig), lang), t(lang, "Personas") + f" (max): {peak}"


@chart()
def likes_bars(top: pd.DataFrame, lang: str) -> tuple[go.Figure, str]:
    """Projects (`name`, `kind`, `likes`) as horizontal bars, most liked on top."""
    ordered = top.sort_values("likes")
    likes = t(lang, "Me gusta")
    fig = px.bar(
        ordered,
        x="likes",
        y="name",
        orientation="h",
        color="kind",
        color_discrete_sequence=COLORS,
        labels={"likes": likes, "name": ""},
    )
    fig.update_yaxes(type="category")
    fig.update_layout(height=max(320, 22 * len(ordered)), legend_title_text="")
    leaders = ordered.tail(3).iloc[::-1]
    return fig, "; ".join(f"{name}: {int(n)}" for name, n in zip(leaders["name"], leaders["likes"]))


@chart()
def likes_over_time(lines: pd.DataFrame, lang: str) -> tuple[go.Figure, str]:
    """Likes of some projects (`time`, `name`, `likes`) as step lines."""
    fig = px.line(
        lines,
        x="time",
        y="likes",
        color="name",
        line_shape="hv",
        color_discrete_sequence=COLORS,
        labels={"time": "", "likes": t(lang, "Me gusta"), "name": ""},
    )
    fig.update_layout(margin=dict(l=8, r=8, t=30, b=8), height=340, legend=dict(orientation="h", y=-0.2))
    latest = lines.sort_values("time").groupby("name")["likes"].agg(["first", "last"])
    return _in_language(fig, lang, moments=True), "; ".join(
        f"{name}: {int(row['first'])} → {int(row['last'])}" for name, row in latest.iterrows()
    )


@chart()
def activity_calendar(grid: pd.DataFrame, lang: str) -> tuple[go.Figure, str]:
    """Validations per day as a calendar heatmap: a column per week, a row per weekday."""
    names = i18n.weekday_names(lang)
    fig = go.Figure(
        go.Heatmap(
            x=grid["week"],
            y=grid["weekday"].map(names.__getitem__),
            z=grid["validations"],
            customdata=i18n.dates(grid["day"], lang).to_numpy(),
            hovertemplate="%{customdata}: %{z}<extra></extra>",
            colorscale=[[0, "#f6f3ee"], [0.0001, "#fbd3c4"], [1, COLORS[0]]],
            xgap=3,
            ygap=3,
            showscale=False,
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1], fixedrange=True)
    _date_ticks(fig, pd.Series(pd.to_datetime(grid["week"])), lang).update_xaxes(fixedrange=True)
    fig.update_layout(
        margin=dict(l=8, r=8, t=10, b=8), height=220, plot_bgcolor="white", separators=i18n.separators(lang)
    )
    active = int((grid["validations"] > 0).sum())
    total = int(grid["validations"].sum())
    return fig, t(
        lang,
        "{total} validaciones en {days} días con actividad.",
        total=i18n.number(total, lang),
        days=i18n.number(active, lang),
    )


MAP_CONFIG = {**CONFIG, "topojsonURL": MAPS.lstrip("/")}  # served by the app (server/maps.py), not a CDN


@chart(MAP_CONFIG)
def country_map(countries: pd.DataFrame, lang: str) -> tuple[go.Figure, str]:
    """Validations by country on a world map (`iso3`, `name`, `validations`)."""
    label = t(lang, "Validaciones")
    fig = go.Figure(
        go.Choropleth(
            locations=countries["iso3"],
            locationmode="ISO-3",
            z=countries["validations"],
            text=countries["name"],
            hovertemplate="%{text}: %{z}<extra></extra>",
            colorscale=[[0, "#fbd3c4"], [1, COLORS[0]]],
            marker_line_color="#ffffff",
            colorbar=dict(title=dict(text=label), thickness=12),
        )
    )
    fig.update_geos(
        projection_type="natural earth",
        showframe=False,
        showcoastlines=False,
        showcountries=True,
        countrycolor="#d9d4cc",
        landcolor="#f6f3ee",
        showland=True,
        lataxis_range=[-58, 85],
    )
    fig.update_layout(margin=dict(l=0, r=0, t=10, b=0), height=380)
    leaders = countries.sort_values("validations", ascending=False).head(5)
    return fig, "; ".join(f"{name}: {int(n)}" for name, n in zip(leaders["name"], leaders["validations"]))


@chart()
def country_progress(daily: pd.DataFrame, lang: str) -> tuple[go.Figure, str]:
    """Running validations per country over time (`day`, `name`, `total`)."""
    fig = px.line(
        daily,
        x="day",
        y="total",
        color="name",
        line_shape="hv",
        color_discrete_sequence=COLORS + ["#8f2d56", "#218380"],
        labels={"day": t(lang, "Día"), "total": t(lang, "Validaciones"), "name": ""},
    )
    last = daily.sort_values("day").groupby("name")["total"].last().sort_values(ascending=False)
    return _in_language(_styled(fig), lang), "; ".join(f"{name}: {int(value)}" for name, value in last.items())
