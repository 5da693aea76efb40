"""Tables rendered with `st.dataframe` (cells are drawn as text: no markup is ever interpreted)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.i18n import t
from data.people import profile_urls

MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def ranking_table(table: pd.DataFrame, lang: str, height: int | str = "auto", key: str | None = None) -> None:
    shown = table.assign(
        medal=table["rank"].map(MEDALS).fillna(""),
        profile=profile_urls(table["username"]),
    )[
        [
            "rank",
            "medal",
            "username",
            "validations",
            "corrections",
            "discarded",
            "datasets",
            "correction_rate",
            "last_validation",
            "profile",
            "eligible",
        ]
    ]
    top = max(int(table["validations"].max()), 1) if len(table) else 1
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=height,
        key=key,
        column_config={
            "rank": st.column_config.NumberColumn(t(lang, "col.rank"), width="small"),
            "medal": st.column_config.TextColumn(t(lang, "col.medal"), width="small"),
            "username": st.column_config.TextColumn(t(lang, "col.username")),
            "validations": st.column_config.ProgressColumn(
                t(lang, "col.validations"), min_value=0, max_value=top, format="%d"
            ),
            "corrections": st.column_config.NumberColumn(t(lang, "col.corrections")),
            "discarded": st.column_config.NumberColumn(t(lang, "col.discarded")),
            "datasets": st.column_config.NumberColumn(t(lang, "col.datasets"), width="small"),
            "correction_rate": st.column_config.NumberColumn(t(lang, "col.correction_rate"), format="percent"),
            "last_validation": st.column_config.DatetimeColumn(
                t(lang, "col.last_validation"), format="YYYY-MM-DD HH:mm", timezone="UTC"
            ),
            "profile": st.column_config.LinkColumn(t(lang, "col.profile"), display_text=t(lang, "col.profile_text")),
            "eligible": st.column_config.CheckboxColumn(t(lang, "col.eligible"), width="small"),
        },
    )


def progress_table(progress: pd.DataFrame, lang: str) -> None:
    st.dataframe(
        progress[["title", "completed", "pending", "total", "pct_done", "submitted"]],
        hide_index=True,
        width="stretch",
        column_config={
            "title": st.column_config.TextColumn(t(lang, "col.dataset")),
            "completed": st.column_config.NumberColumn(t(lang, "col.completed")),
            "pending": st.column_config.NumberColumn(t(lang, "col.pending")),
            "total": st.column_config.NumberColumn(t(lang, "col.total")),
            "pct_done": st.column_config.ProgressColumn(
                t(lang, "col.pct_done"), min_value=0, max_value=1, format="percent"
            ),
            "submitted": st.column_config.NumberColumn(t(lang, "col.submitted")),
        },
    )
