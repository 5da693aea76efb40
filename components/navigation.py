"""The dashboard's pages, declared once: tests and benchmarks read this list too."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from components.i18n import t


@dataclass(frozen=True)
class PageSpec:
    script: str  # the page script, relative to the repository root
    title: str  # text key
    icon: str
    url: str  # its own URL path (Spanish, shareable)
    feed: str = "campaign"  # which feed it shows: "campaign" or "projects"
    hidden: bool = False  # reachable by URL, not listed in the menu


OVERVIEW = PageSpec("views/overview.py", "nav.overview", "🏠", "inicio")
RANKING = PageSpec("views/ranking.py", "nav.ranking", "🏆", "clasificacion")
MY_RANK = PageSpec("views/my_rank.py", "nav.my_rank", "🙋", "mi-posicion")
PROGRESS = PageSpec("views/progress.py", "nav.progress", "📈", "progreso")
TEAMS = PageSpec("views/teams.py", "nav.teams", "🌎", "equipos")  # listed when there is a roster
EXPORT = PageSpec("views/export.py", "nav.export", "⬇️", "exportar")
PROJECTS = PageSpec("views/projects.py", "nav.projects", "❤️", "proyectos", feed="projects")
ORGANIZER = PageSpec("views/organizer.py", "nav.organizer", "🔒", "organizacion")
TOP = PageSpec("views/top.py", "nav.top", "🏅", "top10", hidden=True)  # for an iframe: /top10?embed=true
VERIFY = PageSpec("views/verify.py", "nav.verify", "🎓", "certificado", hidden=True)  # /certificado?id=
PAGES = (OVERVIEW, RANKING, MY_RANK, PROGRESS, TEAMS, EXPORT, PROJECTS, ORGANIZER, TOP, VERIFY)
HOME = OVERVIEW


def page_url(spec: PageSpec, **params: str) -> str:
    """This app's URL for a page with `params`, as the visitor reached the app (else relative)."""
    here = st.context.url or ""
    base = here.split("?")[0].rsplit("/", 1)[0] if "://" in here else ""
    path = "" if spec is HOME else spec.url
    return f"{base}/{path}" + (f"?{urlencode(params)}" if params else "")


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
