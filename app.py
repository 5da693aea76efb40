"""Tablero #Somos600M: the frame around every page (navigation, language, freshness)."""

import streamlit as st

from components.context import context
from components.i18n import LANGUAGES, t
from components.status import freshness_banner

st.set_page_config(page_title="Tablero #Somos600M", page_icon="🦙", layout="wide")

ctx = context()
with st.sidebar:
    st.radio(t(ctx.lang, "lang.label"), list(LANGUAGES), format_func=LANGUAGES.get, key="lang", horizontal=True)
lang = st.session_state["lang"]
if lang == "en":
    st.query_params["lang"] = "en"
else:
    st.query_params.pop("lang", None)

PAGES = [
    ("pages/overview.py", "nav.overview", "🏠", "inicio"),
    ("pages/ranking.py", "nav.ranking", "🏆", "clasificacion"),
    ("pages/my_rank.py", "nav.my_rank", "🙋", "mi-posicion"),
    ("pages/progress.py", "nav.progress", "📈", "progreso"),
    ("pages/export.py", "nav.export", "⬇️", "exportar"),
    ("pages/projects.py", "nav.projects", "❤️", "proyectos"),
    ("pages/organizer.py", "nav.organizer", "🔒", "organizacion"),
]
navigation = st.navigation(
    [
        st.Page(path, title=t(lang, key), icon=icon, url_path=url, default=(url == "inicio"))
        for path, key, icon, url in PAGES
    ]
)


@st.fragment(run_every=30)
def follow_updates() -> None:
    """Every 30 s, look at the shared feed (no network); rerun the page when a newer read arrived."""
    fetched_at = ctx.view().value.fetched_at
    seen = st.session_state.get("seen_fetch")
    st.session_state["seen_fetch"] = fetched_at
    if seen is not None and seen != fetched_at:
        st.rerun(scope="app")


freshness_banner(ctx.view(), lang, ctx.config_error)
follow_updates()
navigation.run()
