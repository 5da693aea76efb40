"""Equipos y países: the campaign ranked by team and by country (from the roster), a map of the
validations by country, each country's progress over time, and the tables as CSV."""

import streamlit as st

from components import i18n, teams_view
from components.context import context
from components.i18n import t
from components.status import problem_text

ctx = context()
lang, view = ctx.lang, ctx.view()
campaign = view.value
st.title(t(lang, "teams.title"), anchor=False)
if not ctx.roster.configured:
    st.info(t(lang, "teams.no_roster"))
    st.stop()

st.caption(t(lang, "teams.subtitle"))
roster_view = ctx.roster.view()
if roster_view.value is None:  # configured, not read yet (or unreadable since the start): no guesses
    error = roster_view.state.error if roster_view.state is not None else None
    if error is None:
        st.info(t(lang, "teams.roster_first"))
    else:
        st.warning(t(lang, "teams.roster_failed", problem=problem_text(error, lang)))
    st.stop()
if roster_view.mode in ("live", "stale"):
    st.caption(t(lang, f"teams.roster_{roster_view.mode}", age=i18n.age(roster_view.age, lang)))
roster = roster_view.value
teams = ctx.feed.standings(campaign, roster, "team")
places = ctx.feed.standings(campaign, roster, "country")
cells = st.columns(4)
cells[0].metric(t(lang, "teams.teams"), i18n.number(int(teams["rank"].notna().sum()), lang))
cells[1].metric(t(lang, "teams.countries"), i18n.number(int(places["rank"].notna().sum()), lang))
cells[2].metric(t(lang, "teams.registered"), i18n.number(len(roster.people), lang))
unplaced = int(teams.loc[teams["rank"].isna(), "people"].sum())
cells[3].metric(t(lang, "teams.none.team"), i18n.number(unplaced, lang), help=t(lang, "teams.none_help"))

st.subheader(t(lang, "teams.by_team"), anchor=False)
teams_view.standings_section(teams, "team", ctx.feed.standings_csv(campaign, roster, "team"), lang)
st.subheader(t(lang, "teams.by_country"), anchor=False)
teams_view.country_map(places, lang, key="teams.map")
teams_view.standings_section(places, "country", ctx.feed.standings_csv(campaign, roster, "country"), lang)
st.subheader(t(lang, "teams.over_time"), anchor=False)
teams_view.country_progress(ctx.feed.by_country_daily(campaign, roster), places, lang, key="teams.progress")
