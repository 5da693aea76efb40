"""Proyectos: the hackathon projects on the Hub ranked by likes (a team's repos as one project when
the roster says whose they are), with trends and climbers; after `[hub] deadline`, the standings
as of the deadline and the honour mention first, today's likes apart."""

import streamlit as st

from components import address, i18n, projects_view
from components.context import context
from components.definitions import how_counted
from components.downloads import download
from components.i18n import t
from components.safe import md_text
from data.model.columns import CLIMBS, PROJECTS
from data.model.export import to_csv
from data.model.projects import CLIMBER_WINDOWS
from data.text import rows_matching
from data.times import utc_now

ctx = context()
lang = ctx.lang
feed = ctx.projects
view = feed.view()
value = view.value
if value is None:  # app.py's frame runs this page only once there is a read
    st.stop()
board = feed.board(value)
roster = ctx.roster.current()
grouping = len(roster.projects) > 0
org = ctx.config.hub.org or (board["author"].iloc[0] if len(board) else "")
st.title(t(lang, "Proyectos del hackathon"), anchor=False)
st.caption(t(lang, "Modelos, datasets y Spaces de {org} en el Hub, por «me gusta».", org=md_text(org)))

deadline = ctx.config.hub.deadline
frozen = feed.frozen(value)
if deadline is not None and frozen is None:
    st.info(
        t(
            lang,
            "El plazo del hackathon cierra el {when} ({left}). Después, esta página fija la clasificación a esa hora.",
            when=i18n.datetime(deadline, lang),
            left=i18n.age(utc_now() - deadline, lang),
        ),
        icon="⏱️",
    )
if frozen is not None:
    st.subheader(t(lang, "Clasificación al cierre ({when})", when=i18n.datetime(frozen.deadline, lang)), anchor=False)
    projects_view.deadline_state(frozen, lang)
    if grouping:
        final = feed.team_board(frozen.board, value, roster)
        projects_view.honour(final, "project", lang)
        projects_view.team_table(final, lang, key="projects.final_teams")
    else:
        projects_view.honour(frozen.board, "repo_id", lang)
        projects_view.final_table(frozen.board, lang)
    st.subheader(t(lang, "Likes de hoy"), anchor=False)

address.seed("projects.kinds", ["kind"], address.some_of(list(projects_view.KIND_NAMES)))
address.seed("projects.search", ["q"], address.text(200))
left, right = st.columns([2, 3])
kinds = left.multiselect(
    t(lang, "Tipo"),
    list(projects_view.KIND_NAMES),
    format_func=lambda k: t(lang, projects_view.KIND_NAMES[k]),
    placeholder=t(lang, "todos"),
    key="projects.kinds",
)
query = right.text_input(t(lang, "Buscar proyecto"), max_chars=200, key="projects.search").strip()
address.keep("kind", kinds)
address.keep("q", [query] if query else [])
shown = board[board["kind"].isin(kinds)] if kinds else board
shown = rows_matching(shown, "repo_id", query)

if shown.empty:
    st.info(t(lang, "No hay proyectos que mostrar."))
else:
    if grouping:
        projects_view.team_table(feed.team_board(shown, value, roster), lang, key="projects.teams")
        st.caption(t(lang, "Los repositorios de un mismo equipo (según el roster) suman como un proyecto."))
        st.subheader(t(lang, "Repositorios"), anchor=False)
    projects_view.projects_table(shown, lang, key="projects.board")
    how_counted((*PROJECTS, *CLIMBS), value.fetched_at, lang, key="projects.how")
    download(t(lang, "Descargar CSV"), to_csv(shown), f"projects_{org}.csv")
    st.subheader(t(lang, "Top 20 por «me gusta»"), anchor=False)
    projects_view.top_chart(shown, lang)

st.subheader(t(lang, "Evolución de «me gusta»"), anchor=False)
history = value.history
if history.empty or history["time"].nunique() < 2:
    st.info(t(lang, "Aún no hay suficientes lecturas para mostrar la evolución."))
else:
    projects_view.trend_chart(history, shown if not shown.empty else board, 8, lang)
    st.subheader(t(lang, "Los que más suben"), anchor=False)
    for column, (name, window) in zip(st.columns(2), CLIMBER_WINDOWS.items()):
        with column:
            st.markdown(f"**{t(lang, projects_view.CLIMBER_TITLES[name])}**")
            rising = feed.climbers(value, window)
            if rising.empty:
                st.caption("—")
            else:
                projects_view.projects_table(rising, lang, key=f"climbers.{name}", climbs=True)
