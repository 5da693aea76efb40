"""Cómo se cuenta: every figure of the board, from the registry that declares the tables' columns,
the campaign's rules, when each source was read, and where the same numbers are open."""

from urllib.parse import quote

import streamlit as st

from components import i18n
from components.context import context
from components.definitions import column_definitions, rules
from components.i18n import t
from components.navigation import app_url
from components.safe import md_text
from data.model import columns

ctx = context()
lang, view = ctx.lang, ctx.view()
read = ctx.read(view)
config = ctx.config

st.title(t(lang, "Cómo se cuenta"), anchor=False)
st.caption(t(lang, "Lo que significa cada número del tablero, y cuándo se leyeron los datos."))

st.subheader(t(lang, "Cuándo se leyeron los datos"), anchor=False)
read_lines = [t(lang, "La campaña (Argilla): leída el {when}.", when=i18n.datetime(read.fetched_at, lang))]
projects = ctx.projects.view().value
if projects is not None:
    read_lines.append(t(lang, "Los proyectos (Hub): leídos el {when}.", when=i18n.datetime(projects.fetched_at, lang)))
if ctx.roster.configured:
    roster = ctx.roster.current()
    read_lines.append(t(lang, "El roster de equipos: leído el {when}.", when=i18n.datetime(roster.fetched_at, lang)))
read_lines.append(t(lang, "Las páginas se actualizan solas cuando llega una lectura nueva."))
st.markdown("\n".join(f"- {line}" for line in read_lines))

st.subheader(t(lang, "Las reglas de la campaña"), anchor=False)
st.markdown(rules(config, lang))

sections = [
    (t(lang, "Ranking y CSV de premios"), (*columns.CONTRIBUTORS,)),
    (t(lang, "Progreso por dataset"), columns.PROGRESS),
]
if ctx.roster.configured:
    sections.append((t(lang, "Equipos y países"), columns.STANDINGS))
if config.hub.org:
    sections.append((t(lang, "Proyectos"), (*columns.PROJECTS, *columns.CLIMBS)))
    if ctx.roster.configured:
        sections.append((t(lang, "Proyectos por equipo"), columns.TEAM_PROJECTS))
    if config.hub.deadline:
        sections.append((t(lang, "Proyectos al cierre"), columns.AT_DEADLINE))
for title, declared in sections:
    st.subheader(title, anchor=False)
    st.markdown(column_definitions(declared, lang))

st.subheader(t(lang, "Los mismos números, abiertos"), anchor=False)
api = app_url(f"/api/v1/campaigns/{config.slug}/ranking")
api_link = f"[{md_text(api, 200)}](<{api.replace('<', '%3C').replace('>', '%3E')}>)"
open_lines = [t(lang, "La API, en JSON o CSV: {link} (descrita en /api/v1/openapi.json).", link=api_link)]
if config.open_data.repo:
    repo = config.open_data.repo
    hub = f"{ctx.secrets.hf_endpoint.rstrip('/')}/datasets/{quote(repo)}"
    open_lines.append(t(lang, "Cada día, como dataset del Hub: {link}.", link=f"[{md_text(repo, 100)}](<{hub}>)"))
st.markdown("\n".join(f"- {line}" for line in open_lines))
