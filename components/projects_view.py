"""The likes leaderboard table, its chart and the climbers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts, i18n
from components.frame_memo import DERIVED
from components.i18n import t
from components.safe import md_text
from components.tables import draw
from data.model.columns import AT_DEADLINE, CLIMBS, PROJECTS, TEAM_PROJECTS
from data.model.projects import Frozen
from data.model.texts import N_

KIND_BADGES = {"model": "🧠", "dataset": "📚", "space": "🚀"}
CLIMBER_TITLES = {"24h": N_("Últimas 24 h"), "7d": N_("Últimos 7 días")}  # of CLIMBER_WINDOWS
KIND_NAMES = {"model": N_("modelo"), "dataset": N_("dataset"), "space": N_("Space")}


def with_badges(board: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Kinds as badges; no SDK or state (models, datasets) shown as a dash rather than None."""
    return board.assign(
        kind=board["kind"].map(lambda k: f"{KIND_BADGES.get(k, '')} {t(lang, KIND_NAMES[k])}"),
        sdk=board["sdk"].fillna("—"),
        state=board["state"].fillna("—"),
    )


def projects_table(board: pd.DataFrame, lang: str, key: str | None = None, climbs: bool = False) -> None:
    """The leaderboard; with `climbs`, the likes each project gained (`climbers`) too. What a table or
    chart adds to a frame is made once per frame object (components/frame_memo.py)."""
    shown = DERIVED.get(board, ("badges", lang), lambda: with_badges(board, lang))
    draw((*PROJECTS, *CLIMBS) if climbs else PROJECTS, shown, lang, key)


def top_chart(board: pd.DataFrame, lang: str) -> None:
    charts.likes_bars(DERIVED.get(board, ("top", lang), lambda: _top_bars(board, lang)), lang, key="projects.top")


def _top_bars(board: pd.DataFrame, lang: str) -> pd.DataFrame:
    top = with_badges(board.head(20), lang).assign(name=lambda f: f["repo_id"].str.split("/").str[-1])
    return top[["name", "kind", "likes"]]


def trend_chart(history: pd.DataFrame, board: pd.DataFrame, top: int, lang: str) -> None:
    """Likes over time of the `top` first projects of `board`."""
    chosen = tuple(board.head(top)[["kind", "repo_id"]].itertuples(index=False, name=None))
    lines = DERIVED.get(history, ("trend", chosen), lambda: _trend_lines(history, chosen))
    charts.likes_over_time(lines, lang, key="projects.trend")


def _trend_lines(history: pd.DataFrame, chosen: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    lines = history.merge(pd.DataFrame(list(chosen), columns=["kind", "repo_id"]), on=["kind", "repo_id"])
    lines = lines.sort_values("time")
    return lines.assign(name=lines["repo_id"].str.split("/").str[-1])[["time", "name", "likes"]]


def team_table(grouped: pd.DataFrame, lang: str, key: str) -> None:
    """Projects with a team's repos as one (data.model.projects.by_team)."""
    shown = DERIVED.get(grouped, "team marks", lambda: _team_marks(grouped))
    draw(TEAM_PROJECTS, shown, lang, key, medals=True)


def _team_marks(grouped: pd.DataFrame) -> pd.DataFrame:
    return grouped.assign(project=grouped["project"].where(~grouped["team"], "👥 " + grouped["project"]))


def final_table(board: pd.DataFrame, lang: str) -> None:
    """The standings as of the deadline, with today's likes beside them."""
    draw(AT_DEADLINE, board, lang, "projects.final", medals=True)


def deadline_state(frozen: Frozen, lang: str) -> None:
    """When the standings were read, relative to the deadline; a warning when that reading is old."""
    when = i18n.datetime(frozen.deadline, lang)
    if frozen.reading_at is None:
        st.warning(
            t(
                lang,
                "No hay ninguna lectura de likes anterior al cierre ({when}): no se puede fijar la "
                "clasificación al cierre.",
                when=when,
            ),
            icon="⏱️",
        )
        return
    before = i18n.duration(frozen.deadline - frozen.reading_at.to_pydatetime(), lang)
    read = i18n.datetime(frozen.reading_at.to_pydatetime(), lang)
    if frozen.gap:
        st.warning(
            t(
                lang,
                "La lectura más cercana al cierre es del {read}, {before} antes: no hay ninguna dentro "
                "del último periodo de actualización, así que los likes al cierre pueden ser más "
                "altos.",
                read=read,
                before=before,
            ),
            icon="⏱️",
        )
    else:
        st.caption(t(lang, "Según la lectura del {read}, {before} antes del cierre.", read=read, before=before))


def honour(standings: pd.DataFrame, name_column: str, lang: str) -> None:
    """The honour mention: the most liked project at the deadline (every one tied first)."""
    first = standings[standings["rank"] == 1]
    if first.empty or int(first["likes"].iloc[0]) == 0:
        return
    names = ", ".join(md_text(str(name), 80) for name in first[name_column])
    st.success(
        t(
            lang,
            "Mención de honor: **{names}**, con {likes} likes al cierre.",
            names=names,
            likes=i18n.number(int(first["likes"].iloc[0]), lang),
        ),
        icon="🏅",
    )
