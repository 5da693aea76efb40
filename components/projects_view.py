"""The likes leaderboard table, its chart and the climbers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts
from components.i18n import t

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
