"""The freshness banner: live, stale (with what is wrong and how old the data is), or demo."""

from __future__ import annotations

import streamlit as st

from components import i18n
from components.i18n import t
from components.safe import md_text
from data.errors import SourceError
from data.poller import FeedView


def problem_text(error: SourceError, lang: str) -> str:
    return t(lang, f"error.{error.kind.value}", detail=md_text(error.detail, 120))


def freshness_banner(view: FeedView, lang: str, config_error: str | None) -> None:
    if config_error:
        st.error(t(lang, "status.config", problem=md_text(config_error, 300)), icon="⚠️")
    state = view.state
    if view.mode == "demo":
        key = "status.demo" if state is None or state.error is not None else "status.demo_fallback"
        st.info(t(lang, key), icon="🧪")
        if state is not None and state.error is not None:
            st.warning(
                t(lang, "status.failed", problem=problem_text(state.error, lang)) + " " + t(lang, "status.next"),
                icon="⚠️",
            )
        return
    age = i18n.age(view.age, lang)
    if view.mode == "snapshot" and state is not None and state.error is not None:
        st.warning(
            t(lang, "status.stale", age=age, problem=problem_text(state.error, lang)) + " " + t(lang, "status.next"),
            icon="⚠️",
        )
    else:
        st.caption("🟢 " + t(lang, "status.live", age=age))
