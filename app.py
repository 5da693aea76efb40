"""Tablero #Somos600M.

`streamlit run app.py` imports this file as a module and serves `app`, an `st.App` (ASGI): its
lifespan starts the readers with the server, before any visitor. That App runs this same file as
the Streamlit script of every session (then `__name__ == "__main__"`), where it is the frame
around each page: navigation, language, freshness, and the first-read state.
"""

from __future__ import annotations

import asyncio
import contextlib

import streamlit as st

from components.context import configured, context, language
from components.i18n import LANGUAGES, t
from components.navigation import navigation
from components.status import config_error_banner, first_read_state, freshness_banner
from data import registry
from data.feed import Feed

WAITING = ("first_read", "off")


@st.fragment(run_every=1)
def waiting_room(feed: Feed, kind: str, lang: str) -> None:
    """The first-read state, redrawn every second; the real page replaces it when data lands."""
    view = feed.view()
    if view.mode not in WAITING:
        st.rerun(scope="app")
    first_read_state(view, kind, lang)


@st.fragment(run_every=30)
def follow_updates(feed: Feed, kind: str) -> None:
    """Look at the shared feed (no network); rerun the page when a newer read has arrived."""
    fetched_at = feed.view().value.fetched_at
    seen = st.session_state.get(f"seen.{kind}")
    st.session_state[f"seen.{kind}"] = fetched_at
    if seen is not None and seen != fetched_at:
        st.rerun(scope="app")


def frame() -> None:
    st.set_page_config(page_title=t(language(), "app.title"), page_icon="🦙", layout="wide")
    ctx = context()
    lang = ctx.lang
    with st.sidebar:
        st.radio(t(lang, "lang.label"), list(LANGUAGES), format_func=LANGUAGES.get, key="lang", horizontal=True)
    if lang == "en":
        st.query_params["lang"] = "en"
    else:
        st.query_params.pop("lang", None)
    spec, page = navigation(lang)
    config_error_banner(ctx.config_error, lang)
    if ctx.services is None:
        return  # a live source with no usable configuration: the error says what to fix
    feed = ctx.feed_for(spec.feed)
    if feed.view().mode == "first_read" and not st.session_state.get("frame.waited"):
        st.session_state["frame.waited"] = True  # a bounded wait, once per session
        feed.wait_for_first(ctx.config.first_wait_seconds)
    view = feed.view()
    if view.mode in WAITING:
        waiting_room(feed, spec.feed, lang)
        return
    freshness_banner(view, lang)
    follow_updates(feed, spec.feed)
    page.run()


@contextlib.asynccontextmanager
async def lifespan(_app):
    """Start the readers with the server, so the first read is under way before the first visitor."""
    await asyncio.to_thread(configured)
    yield
    registry.drop("services")


if __name__ == "__main__":
    frame()
else:
    app = st.App(__file__, lifespan=lifespan)
