"""The likes leaderboard table, its chart and the climbers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts, i18n
from components.i18n import t
from components.safe import md_text
from components.tables import place_columns, with_medals
from data.model.projects import Frozen

KIND_BADGES = {"model": "🧠", "dataset": "📚", "space": "🚀"}


def with_badges(board: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Kinds as badges; no SDK or state (models, datasets) shown as a dash rather than None."""
    return board.assign(
        kind=board["kind"].map(lambda k: f"{KIND_BADGES.get(k, '')} {t(lang, f'kind.{k}')}"),
        sdk=board["sdk"].fillna("—"),
        state=board["state"].fillna("—"),
    )


def projects_table(board: pd.DataFrame, lang: str, extra: dict | None = None, key: str | None = None) -> None:
    columns = ["rank", "kind", "url", "likes", "author", "created_at", "sdk", "state", *(extra or {})]
    st.dataframe(
        with_badges(board, lang)[columns],
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            "rank": st.column_config.NumberColumn(t(lang, "projects.col.rank"), width="small"),
            "kind": st.column_config.TextColumn(t(lang, "projects.col.kind")),
            "url": st.column_config.LinkColumn(
                t(lang, "projects.col.name"), display_text=r"https://huggingface\.co/(?:datasets/|spaces/)?(.*)"
            ),
            "likes": st.column_config.NumberColumn(t(lang, "projects.col.likes"), format="%d ❤️"),
            "author": st.column_config.TextColumn(t(lang, "projects.col.author")),
            "created_at": st.column_config.DateColumn(t(lang, "projects.col.created"), format="YYYY-MM-DD"),
            "sdk": st.column_config.TextColumn(t(lang, "projects.col.sdk"), width="small"),
            "state": st.column_config.TextColumn(t(lang, "projects.col.state"), width="small"),
            **(extra or {}),
        },
    )


def top_chart(board: pd.DataFrame, lang: str) -> None:
    top = with_badges(board.head(20), lang).assign(name=lambda f: f["repo_id"].str.split("/").str[-1])
    charts.likes_bars(top[["name", "kind", "likes"]], lang, key="projects.top")


def trend_chart(history: pd.DataFrame, board: pd.DataFrame, top: int, lang: str) -> None:
    """Likes over time of the `top` first projects of `board`."""
    chosen = board.head(top)[["kind", "repo_id"]]
    lines = history.merge(chosen, on=["kind", "repo_id"]).sort_values("time")
    lines = lines.assign(name=lines["repo_id"].str.split("/").str[-1])[["time", "name", "likes"]]
    charts.likes_over_time(lines, lang, key="projects.trend")


def team_table(grouped: pd.DataFrame, lang: str, key: str, extra: dict | None = None) -> None:
    """Projects with a team's repos as one (data.model.projects.by_team)."""
    shown = with_medals(grouped).assign(project=grouped["project"].where(~grouped["team"], "👥 " + grouped["project"]))
    st.dataframe(
        shown[["rank", "medal", "project", "likes", "repos", *(extra or {})]],
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            **place_columns(lang, "projects.col.rank"),
            "project": st.column_config.TextColumn(t(lang, "projects.col.project")),
            "likes": st.column_config.NumberColumn(t(lang, "projects.col.likes"), format="%d ❤️"),
            "repos": st.column_config.TextColumn(t(lang, "projects.col.repos"), width="large"),
            **(extra or {}),
        },
    )


def final_table(board: pd.DataFrame, lang: str) -> None:
    """The standings as of the deadline, with today's likes beside them."""
    shown = with_medals(board)
    st.dataframe(
        shown[["rank", "medal", "url", "likes", "likes_now"]],
        hide_index=True,
        width="stretch",
        key="projects.final",
        column_config={
            **place_columns(lang, "projects.col.rank"),
            "url": st.column_config.LinkColumn(
                t(lang, "projects.col.name"), display_text=r"https://huggingface\.co/(?:datasets/|spaces/)?(.*)"
            ),
            "likes": st.column_config.NumberColumn(t(lang, "projects.col.likes_final"), format="%d ❤️"),
            "likes_now": st.column_config.NumberColumn(t(lang, "projects.col.likes_now"), format="%d"),
        },
    )


def deadline_state(frozen: Frozen, lang: str) -> None:
    """When the standings were read, relative to the deadline; a warning when that reading is old."""
    when = i18n.datetime(frozen.deadline, lang)
    if frozen.reading_at is None:
        st.warning(t(lang, "projects.final_none", when=when), icon="⏱️")
        return
    before = i18n.duration(frozen.deadline - frozen.reading_at.to_pydatetime(), lang)
    read = i18n.datetime(frozen.reading_at.to_pydatetime(), lang)
    if frozen.gap:
        st.warning(t(lang, "projects.final_gap", read=read, before=before), icon="⏱️")
    else:
        st.caption(t(lang, "projects.final_read", read=read, before=before))


def honour(standings: pd.DataFrame, name_column: str, lang: str) -> None:
    """The honour mention: the most liked project at the deadline (every one tied first)."""
    first = standings[standings["rank"] == 1]
    if first.empty or int(first["likes"].iloc[0]) == 0:
        return
    names = ", ".join(md_text(str(name), 80) for name in first[name_column])
    st.success(t(lang, "projects.honour", names=names, likes=i18n.number(int(first["likes"].iloc[0]), lang)), icon="🏅")
