"""Equipos y países: the campaign ranked by team and by country (from the roster), a map of the
validations by country, each country's progress over time, and the tables as CSV."""

import streamlit as st

from components import i18n, teams_view
from components.context import context
from components.definitions import how_counted
from components.i18n import t
from components.status import problem_text
from data.model.columns import STANDINGS

ctx = context()
lang, view = ctx.lang, ctx.view()
read = ctx.read(view)
st.title(t(lang, "Equipos y países"), anchor=False)
if not ctx.roster.configured:
    st.info(
        t(
            lang,
            "No hay un roster de equipos configurado: todas las personas cuentan como «sin "
            "equipo». La organización puede añadir uno con `[teams] source` (ver el README).",
        )
    )
    st.stop()

st.caption(
    t(
        lang,
        "Las validaciones de la campaña por equipo y por país, según el roster. Quien no está "
        "en el roster cuenta aparte, como «sin equipo» o «sin país».",
    )
)
roster_view = ctx.roster.view()
if roster_view.value is None:  # configured, not read yet (or unreadable since the start): no guesses
    error = roster_view.state.error if roster_view.state is not None else None
    if error is None:
        st.info(t(lang, "Leyendo el roster…"))
    else:
        st.warning(
            t(
                lang,
                "Todavía no se ha podido leer el roster: {problem} Se reintentará con la próxima lectura.",
                problem=problem_text(error, lang),
            )
        )
    st.stop()
if roster_view.mode in teams_view.ROSTER_AGE:
    st.caption(t(lang, teams_view.ROSTER_AGE[roster_view.mode], age=i18n.age(roster_view.age, lang)))
roster = roster_view.value
teams = read.standings(roster, "team")
places = read.standings(roster, "country")
cells = st.columns(4)
cells[0].metric(t(lang, "Equipos"), i18n.number(int(teams["rank"].notna().sum()), lang))
cells[1].metric(t(lang, "Países"), i18n.number(int(places["rank"].notna().sum()), lang))
cells[2].metric(t(lang, "Personas en el roster"), i18n.number(len(roster.people), lang))
unplaced = int(teams.loc[teams["rank"].isna(), "people"].sum())
cells[3].metric(
    t(lang, "Sin equipo"),
    i18n.number(unplaced, lang),
    help=t(lang, "Personas del ranking que el roster no pone en ningún equipo."),
)

st.subheader(t(lang, "Por equipo"), anchor=False)
teams_view.standings_section(teams, "team", read.standings_csv(roster, "team"), lang)
st.subheader(t(lang, "Por país"), anchor=False)
teams_view.country_map(places, lang, key="teams.map")
teams_view.standings_section(places, "country", read.standings_csv(roster, "country"), lang)
how_counted(STANDINGS, read.fetched_at, lang, key="teams.how")
st.subheader(t(lang, "Validaciones acumuladas por país"), anchor=False)
teams_view.country_progress(read.by_country_daily(roster), places, lang, key="teams.progress")
