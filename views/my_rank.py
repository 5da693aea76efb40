"""Mi posición: one contributor's rank, distances, neighbours, activity calendar and certificate;
shareable by ?user=. A name that is not ranked gets the reasons why and close names."""

import streamlit as st

from components import card, charts, teams_view
from components.call_to_action import start_validating
from components.context import context
from components.contributor import (
    absence_explanation,
    certificate_button,
    certificate_facts,
    contributor_card,
    streak_and_calendar,
)
from components.goals import personal_goal, windowed_places
from components.i18n import t
from components.navigation import MY_RANK, page_url
from components.safe import md_text
from components.share import badge_section, share_section
from components.sign_in import signed_in, username
from components.tables import ranking_table
from data.model import aggregate
from data.model.ranking import windowed

ctx = context()
lang, view, config = ctx.lang, ctx.view(), ctx.config
read = ctx.read(view)
campaign = read.campaign
table = read.contributors()
names = table["username"].tolist()

st.title(t(lang, "Mi posición"), anchor=False)
me_signed_in = username(signed_in())
if "me.user" not in st.session_state:  # a shared link first, else the signed-in person
    st.session_state["me.user"] = st.query_params.get("user") or me_signed_in
wanted = st.session_state["me.user"]
options = names if not wanted or wanted in names else [wanted, *names]
st.session_state.setdefault("me.pick", wanted)  # the picker's state: the frame reads it before this page runs
user = st.selectbox(
    t(lang, "Tu usuario de Argilla"),
    options,
    placeholder=t(lang, "Escribe o elige un usuario"),
    accept_new_options=True,
    key="me.pick",
)
if not user:
    st.query_params.pop("user", None)
    start_validating(config.annotation_url, config.guide_url, lang)
    st.stop()

st.session_state["me.user"] = user
st.query_params["user"] = user
row = table[table["username"] == user]
if row.empty:
    if user == me_signed_in:
        st.info(t(lang, "Aún no tienes validaciones enviadas en la campaña, **{user}**.", user=md_text(user)))
    absence_explanation(user, read.absence(user), view, config, table["username"], lang)
    start_validating(config.annotation_url, config.guide_url, lang)
    st.stop()

me = row.iloc[0]
contributor_card(me, table, config.min_validations_for_prize, lang)
windowed_places(read.standings_of(user, windowed(config.windowed_rankings)), lang)
personal_goal(read.weekly_goal(user), lang)
roster = ctx.roster.view().value
if roster is not None:  # with a roster: the person's team and country, and their ranks
    mine = read.placed(roster).set_index("username").loc[user]
    teams = read.standings(roster, "team")
    teams_view.membership(mine["team"], mine["country"], teams, read.standings(roster, "country"), lang)
st.subheader(t(lang, "Tus vecinos en el ranking"), anchor=False)
ranking_table(aggregate.neighbours(table, user), lang, key="me.neighbours")
st.subheader(t(lang, "Tu actividad diaria"), anchor=False)
streak_and_calendar(read.calendar(user), campaign.fetched_at.date(), lang)
titles = read.titles()
daily = read.user_activity(user)
charts.daily_bars(daily, titles, lang, key="me.daily")
certificate = None
if me["validations"] > 0:
    st.subheader(t(lang, "Tu certificado"), anchor=False)
    mine = read.datasets_by_user().get(user, ())
    certificate = certificate_facts(me, table, mine, config, campaign.fetched_at, ctx.running.certificate_key)
    certificate_button(certificate, lang)
link = page_url(MY_RANK, user=user, **({"lang": lang} if lang != "es" else {}))
share_section(card.facts_for(config.title, table, read.progress(), user), link, certificate, lang)
st.caption(t(lang, "Comparte este enlace con tus estadísticas:"))
st.code(link, language=None, wrap_lines=True)
badge_section(config.slug or "", me, len(table), link, config.title, lang)  # (a slug is always set)
start_validating(config.annotation_url, config.guide_url, lang)
