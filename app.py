"""Tablero #Somos600M.

`streamlit run app.py` imports this file as a module and serves `app`, an `st.App` (ASGI): its
lifespan starts the readers with the server, before any visitor, and its one extra route takes
Argilla's webhook deliveries (`POST /webhooks/argilla`) on the dashboard's own port. That App runs
this same file as the Streamlit script of every session (then `__name__ == "__main__"`), where it
is the frame around each page: navigation, language, freshness, and the first-read state.
"""

from __future__ import annotations

import asyncio
import contextlib
import os

import streamlit as st
from starlette.routing import Route

from components.context import configured, context, language
from components.i18n import LANGUAGES, t
from components.navigation import navigation
from components.sign_in import sign_in_sidebar
from components.status import config_error_banner, first_read_state, freshness_banner
from data.config import APP_VARIABLES, ConfigError, load_secrets
from data.feeds import registry
from data.feeds.feed import Feed
from data.feeds.sign_in import auth_settings
from data.live.inbox import PATH
from server.webhooks import argilla_webhook

WAITING = ("first_read", "off")


@st.fragment(run_every=1)
def waiting_room(feed: Feed, kind: str, lang: str) -> None:
    """The first-read state, redrawn every second; the real page replaces it when data lands."""
    view = feed.view()
    if view.mode not in WAITING:
        st.rerun(scope="app")
    first_read_state(view, kind, lang)


def follow_updates(feed: Feed, kind: str, lang: str, every: int) -> None:
    """Draw the freshness banner, and rerun the page when a newer read has arrived (no network).

    Run as a fragment, so the banner's age stays true between reads: every 2 s while webhooks keep
    the data live or a restored snapshot awaits the first read of this process (the real data then
    shows within seconds), every 30 s otherwise."""
    view = feed.view()
    freshness_banner(view, lang, feed.live_mode() if kind == "campaign" else None, every)
    seen = st.session_state.get(f"seen.{kind}")
    st.session_state[f"seen.{kind}"] = view.value.fetched_at
    if seen is not None and seen != view.value.fetched_at:
        st.rerun(scope="app")


def frame() -> None:
    st.set_page_config(page_title=t(language(), "app.title"), page_icon="🦙", layout="wide")
    ctx = context()
    lang = ctx.lang
    with st.sidebar:
        st.radio(t(lang, "lang.label"), list(LANGUAGES), format_func=LANGUAGES.get, key="lang", horizontal=True)
        sign_in_sidebar(lang)
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
        with st.spinner(t(lang, "first.title") + "…"):
            feed.wait_for_first(ctx.config.first_wait_seconds)
    view = feed.view()
    if view.mode in WAITING:
        waiting_room(feed, spec.feed, lang)
        return
    mode = ctx.feed.live_mode() if spec.feed == "campaign" else None
    fast = (mode is not None and mode.kind == "webhooks") or (view.mode == "stale" and view.state.error is None)
    st.fragment(follow_updates, run_every=2 if fast else 30)(feed, spec.feed, lang, ctx.config.refresh_seconds)
    page.run()


@contextlib.asynccontextmanager
async def lifespan(_app):
    """Start the readers with the server, so the first read is under way before the first visitor;
    at a graceful shutdown, disable the webhook (the next start re-enables it)."""
    await asyncio.to_thread(configured)
    yield
    services = registry.peek("services")
    if services is not None:
        await asyncio.to_thread(services.campaign.unsubscribe)
    registry.drop("services")


def launch_secrets() -> dict | None:
    """Sign in with Hugging Face from a Space's environment (hf_oauth: true), as `[auth]` secrets."""
    try:
        settings = auth_settings(load_secrets({k: v for k, v in os.environ.items() if k in APP_VARIABLES}))
    except ConfigError:
        return None  # the frame shows the configuration error
    return {"auth": settings} if settings else None


if __name__ == "__main__":
    frame()
else:
    app = st.App(
        __file__,
        lifespan=lifespan,
        routes=[Route(PATH, argilla_webhook, methods=["POST"])],
        secrets=launch_secrets(),
    )
