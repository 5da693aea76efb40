"""The dashboard's pages, declared once: tests and benchmarks read this list too."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlencode

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from components.i18n import t
from data.config import configured_public_url
from data.model.texts import N_


class FeedKind(StrEnum):
    """Which feed a page shows."""

    CAMPAIGN = "campaign"  # the Argilla campaign
    PROJECTS = "projects"  # the Hub org's projects


@dataclass(frozen=True)
class PageSpec:
    script: str  # the page script, relative to the repository root
    title: str  # a text of the catalogues (N_)
    icon: str
    url: str  # its own URL path (Spanish, shareable)
    feed: FeedKind = FeedKind.CAMPAIGN
    hidden: bool = False  # reachable by URL, not listed in the menu


OVERVIEW = PageSpec("views/overview.py", N_("Inicio"), "🏠", "inicio")
RANKING = PageSpec("views/ranking.py", N_("Ranking"), "🏆", "clasificacion")
MY_RANK = PageSpec("views/my_rank.py", N_("Mi posición"), "🙋", "mi-posicion")
PROGRESS = PageSpec("views/progress.py", N_("Progreso"), "📈", "progreso")
TEAMS = PageSpec("views/teams.py", N_("Equipos y países"), "🌎", "equipos")  # listed when there is a roster
EXPORT = PageSpec("views/export.py", N_("Exportar"), "⬇️", "exportar")
PROJECTS = PageSpec("views/projects.py", N_("Proyectos"), "❤️", "proyectos", feed=FeedKind.PROJECTS)
DEFINITIONS = PageSpec("views/definitions.py", N_("Cómo se cuenta"), "ℹ️", "como-se-cuenta")
ORGANIZER = PageSpec("views/organizer.py", N_("Organización"), "🔒", "organizacion")
TOP = PageSpec("views/top.py", N_("Top 10"), "🏅", "top10", hidden=True)  # for an iframe: /top10?embed=true
VERIFY = PageSpec("views/verify.py", N_("Verificar certificado"), "🎓", "certificado", hidden=True)  # /certificado?id=
PAGES = (OVERVIEW, RANKING, MY_RANK, PROGRESS, TEAMS, EXPORT, PROJECTS, DEFINITIONS, ORGANIZER, TOP, VERIFY)
HOME = OVERVIEW
CAMPAIGNS_HOME = PageSpec("views/campaigns.py", N_("Campañas"), "🗂️", "campanas")  # a board of several: its /
CAMPAIGN_PATH_KEY = "campaign.path"  # where the session's campaign's pages are: "/c/<slug>", or "" (the root)


def page_url(spec: PageSpec, **params: str) -> str:
    """This app's URL for a page of the session's campaign with `params`, as the visitor reached the
    app (else relative)."""
    return app_url(campaign_path() + "/" + ("" if spec is HOME else spec.url), **params)


def campaign_path() -> str:
    """Where the session's campaign's pages are: "/c/<slug>" on a board of several, else ""."""
    return st.session_state.get(CAMPAIGN_PATH_KEY, "")


def app_url(path: str, **params: str) -> str:
    """This app's URL for `path` (from its root) with `params`: at its public address when one is
    configured (PUBLIC_URL, the Space's), else as the visitor reached the app."""
    here = (st.context.url or "").split("?")[0]
    within = campaign_path()
    if configured_public_url():
        base = configured_public_url() or ""
    elif "://" not in here:
        base = ""
    elif within and within in here:  # the page's address is under its campaign's: the app's is before it
        base = here[: here.index(within)]
    else:
        base = here.rsplit("/", 1)[0]
    return base.rstrip("/") + path + (f"?{urlencode(params)}" if params else "")


def navigation(lang: str, unlisted: frozenset[PageSpec] = frozenset()) -> tuple[PageSpec, StreamlitPage]:
    """Register the pages with Streamlit; the one this run shows (not run yet), and its spec.
    `unlisted` pages are reachable by URL but not in the menu (say, Equipos without a roster)."""
    pages = {
        spec.script: st.Page(
            spec.script,
            title=t(lang, spec.title),
            icon=spec.icon,
            url_path=spec.url,
            default=spec is HOME,
            visibility="hidden" if spec.hidden or spec in unlisted else "visible",
        )
        for spec in PAGES
    }
    current = st.navigation(list(pages.values()))
    return next(spec for spec in PAGES if pages[spec.script] is current), current


def home_navigation(lang: str) -> StreamlitPage:
    """A board of several campaigns at its root: the home listing them, its only page."""
    home = st.Page(CAMPAIGNS_HOME.script, title=t(lang, CAMPAIGNS_HOME.title), icon=CAMPAIGNS_HOME.icon, default=True)
    return st.navigation([home], position="hidden")
