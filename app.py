"""Tablero: the board of a community's annotation campaigns (whose it is: campaign.toml's [site]).

`streamlit run app.py` imports this file as a module and serves `app`, an `st.App` (ASGI): its
lifespan starts the readers with the server, before any visitor; its extra routes, on the
dashboard's own port, take Argilla's webhook deliveries (`POST /webhooks/argilla`), answer open
pages that ask whether what they show has changed (`GET /_tablero/changes`) and draw the picture
card of a shared link (`GET /_tablero/card.png`); its middleware puts link-preview tags into the
pages' HTML for crawlers (server/previews.py). That App runs this
same file as the Streamlit script of every session (then `__name__ == "__main__"`), where it is the
frame around each page: navigation, language, freshness, and the first-read state.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Route

from components import i18n
from components.campaigns_view import campaign_switcher, unknown_campaign
from components.context import browser_language, configured, context, data_dir
from components.early import EARLY_PAGES, early_page
from components.i18n import LANGUAGES, t
from components.live_status import live_status, view_key
from components.navigation import RANKING, TEAMS, FeedKind, home_navigation, navigation, page_url
from components.page_language import page_language
from components.sign_in import sign_in_sidebar
from components.site import page_identity, site_links
from components.status import config_error_banner, demo_banner, first_read_state, freshness
from data import routes
from data.config import ConfigError, app_values, load_secrets
from data.feeds.poller import Mode, watch
from data.feeds.services import current_services, every_services, stop_board
from data.feeds.sign_in import auth_settings
from server.api import api_routes
from server.campaign_paths import CampaignPaths
from server.changes import CAMPAIGN_KEY, CHANGES, IN_PROGRESS, REDRAWING, SHOWN, changes_route
from server.health import health_route
from server.maps import MAPS_PATH, maps_route
from server.memory import install_dump
from server.previews import CARD_PATH, LinkPreviews, card_route
from server.warm_up import warm_up
from server.webhooks import argilla_webhook

WAITING = (Mode.FIRST_READ, Mode.OFF)


def follow_changes(ctx, spec, view, lang: str) -> bool:
    """The freshness line, which reruns the page when what it shows changes (nothing runs on the
    server meanwhile); True when this very run is such a rerun."""
    inner = view_key(spec)
    version, at = ctx.running.version(inner) or ("", None)
    key = f"{ctx.config.slug}{CAMPAIGN_KEY}{inner}" if ctx.board.several else inner  # page_versions reads it
    SHOWN.note(key, version)  # what this page's questions will name (server/changes.py)
    campaign = spec.feed == FeedKind.CAMPAIGN
    mode = ctx.feed.live_mode() if campaign else None
    behind = ctx.feed.read_of(view.value).behind() if campaign and view.value is not None else 0
    final = campaign and ctx.config.archived
    text, tone = freshness(view, lang, mode, ctx.config.refresh_seconds, behind, final)
    age = i18n.age(view.age, lang) if view.value is not None else ""
    return live_status(text, tone, lang, key, version, at, age).changed is not None


def frame() -> None:
    ctx = context()
    lang = ctx.lang
    page_identity(ctx.config.site, ctx.board.site.board(ctx.config.title) if ctx.home else ctx.config.title)
    with st.sidebar:
        st.radio(t(lang, "Idioma"), list(LANGUAGES), format_func=LANGUAGES.get, key="lang", horizontal=True)
        page_language(lang)
        if ctx.board.several and not ctx.home:
            campaign_switcher(ctx.campaigns(), str(ctx.config.slug), lang)
        sign_in_sidebar(lang)
        site_links(ctx.config.site)
    if lang != i18n.SOURCE or browser_language() != i18n.SOURCE:  # a link and a reload keep the language
        st.query_params["lang"] = lang
    else:
        st.query_params.pop("lang", None)
    if ctx.home:
        config_error_banner(ctx.config_error, lang)
        home_navigation(lang).run()
        return
    if ctx.unknown is not None:
        unknown_campaign(ctx.unknown, lang)
        return
    has_roster = ctx.services is not None and ctx.services.roster.configured
    spec, page = navigation(lang, frozenset() if has_roster else frozenset({TEAMS}))
    config_error_banner(ctx.config_error, lang)
    if ctx.services is None:
        return  # a live source with no usable configuration: the error says what to fix
    feed = ctx.feed_for(spec.feed)
    if feed.view().mode == Mode.FIRST_READ and not st.session_state.get("frame.waited"):
        st.session_state["frame.waited"] = True  # a bounded wait, once per session
        with st.spinner(t(lang, "Preparando el tablero") + "…"):
            feed.wait_for_first(ctx.config.first_wait_seconds, early=True)
    view, background = feed.view(), False
    if view.mode == Mode.DEMO:
        demo_banner(view, spec.feed, ctx.config.hub.org, lang)
    if view.mode != Mode.OFF and (view.mode != Mode.DEMO or view.state is not None):  # a demo awaiting a read too
        background = follow_changes(ctx, spec, view, lang)
    if view.mode in WAITING or (view.mode == Mode.EARLY and spec not in EARLY_PAGES):
        first_read_state(view, spec.feed, lang, page_url(RANKING, **({"lang": lang} if lang != i18n.SOURCE else {})))
        return
    if view.mode == Mode.EARLY:  # a cold start's first look: Argilla's counts, the full read under way
        read = ctx.read(view)
        early_page(spec, read.contributors(), len(read.everyone()), view, st.query_params.get("user"), lang)
        return
    if view.mode == Mode.DEMO:
        page.run()
        return
    if background:
        with REDRAWING:  # the budget lets the next background rerun go when this one ends
            page.run()
        return
    with IN_PROGRESS:  # someone is waiting for this page: background reruns yield to it
        page.run()


@contextlib.asynccontextmanager
async def lifespan(_app):
    """Start the readers with the server, so the first read is under way before the first visitor,
    and load what the pages import beside them (server/warm_up.py); open pages hear of every change
    of a feed's state; at a graceful shutdown, disable the webhook (the next start re-enables it)."""
    CHANGES.bind()
    watch(CHANGES.poke)
    install_dump(data_dir())  # only when a measurement traces allocations
    await asyncio.to_thread(configured)
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    yield
    for services in every_services():
        await asyncio.to_thread(services.campaign.unsubscribe)
    stop_board()


def page_versions(key: str) -> tuple[str, str | None] | None:
    """What a page following `key` shows now: "<slug>:<key>" on a board of several campaigns."""
    slug, _, inner = key.rpartition(CAMPAIGN_KEY)
    services = current_services(slug or None)
    return services.version(inner) if services is not None else None


def launch_secrets() -> dict | None:
    """Sign in with Hugging Face from a Space's environment (hf_oauth: true), as `[auth]` secrets."""
    try:
        settings = auth_settings(load_secrets(app_values()))
    except ConfigError:
        return None  # the frame shows the configuration error
    return {"auth": settings} if settings else None


if __name__ == "__main__":
    frame()
else:
    app = st.App(
        __file__,
        lifespan=lifespan,
        routes=[
            Route(routes.WEBHOOKS, argilla_webhook, methods=["POST"]),
            Route(routes.CHANGES, changes_route(page_versions), methods=["GET"]),
            Route(CARD_PATH, card_route, methods=["GET"]),
            Route(MAPS_PATH, maps_route, methods=["GET"]),
            Route(routes.HEALTH, health_route, methods=["GET"]),
            *api_routes(),
        ],
        middleware=[Middleware(CampaignPaths), Middleware(LinkPreviews)],
        secrets=launch_secrets(),
    )
