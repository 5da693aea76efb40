"""Mi posición: one contributor's rank, distances, neighbours, activity calendar and certificate;
shareable by ?user=. A name that is not ranked gets the reasons why and close names. Signed in,
on their own page, a person chooses how they appear in the public views (and sees themselves
whatever they chose); a name whose owner chose not to be shown by it is not found by others."""

import streamlit as st

from components import card, charts, teams_view
from components.appearance import appearance_choice
from components.call_to_action import start_validating
from components.campaigns_view import across_section
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
from data.model.aggregate import Absence
from data.model.appearance import NAME
from data.model.ranking import windowed

ctx = context()
lang, view, config = ctx.lang, ctx.view(), ctx.config
read = ctx.read(view)
campaign = read.campaign
st.title(t(lang, "Mi posición"), anchor=False)
me_signed_in = username(signed_in())
shown = read.appearance
everyone = read.everyone()
table = read.shown_to(me_signed_in)  # what the public sees, and oneself
names = table["username"].tolist()
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
own = user == me_signed_in
real = user if own else shown.real_name(user)  # an alias stands for a name never shown
if own and ctx.running.appearance is not None:
    feed = ctx.running.appearance
    appearance_choice(shown.of(user), shown.alias(user), lang, lambda choice: feed.choose(user, choice))
me = read.row_of(me_signed_in, user)
if me is None:
    if own:
        st.info(t(lang, "Aún no tienes validaciones enviadas en la campaña, **{user}**.", user=md_text(user)))
    not_shown = not own and shown.of(user) != NAME  # to others, as if the name had never validated
    absence = Absence(False, 0, 0) if not_shown else read.absence(user)
    absence_explanation(user, absence, view, config, table["username"], lang)
    start_validating(config.annotation_url, config.guide_url, lang)
    st.stop()

contributor_card(me, read.gap_to_next(me_signed_in, user), len(everyone), config.min_validations_for_prize, lang)
windowed_places(read.standings_of(real, windowed(config.windowed_rankings)), lang)
personal_goal(read.weekly_goal(real), lang)
roster = ctx.roster.view().value
if roster is not None:  # with a roster: the person's team and country, and their ranks
    team, country = read.placement(roster, me_signed_in, user)
    places = (read.group_place(roster, "team", team), read.group_place(roster, "country", country))
    teams_view.membership((team, places[0]), (country, places[1]), lang)
if ctx.board.several:  # their place in the board's other campaigns, and their whole contribution
    across_section(ctx.across(real, own), lang)
st.subheader(t(lang, "Tus vecinos en el ranking"), anchor=False)
ranking_table(read.neighbours(me_signed_in, user), lang, key="me.neighbours")
st.subheader(t(lang, "Tu actividad diaria"), anchor=False)
streak_and_calendar(read.calendar(real), read.streak(real), lang)
titles = read.titles()
daily = read.user_activity(real)
charts.daily_bars(daily, titles, lang, key="me.daily")
certificate = None
by_name = shown.of(real) == NAME
if me["validations"] > 0 and (own or by_name):  # a certificate bears the name: never an alias's
    st.subheader(t(lang, "Tu certificado"), anchor=False)
    mine = read.datasets_by_user().get(user, ())
    certificate = certificate_facts(me, table, mine, config, campaign.fetched_at, ctx.running.keys.signing)
    certificate_button(certificate, lang)
link = page_url(MY_RANK, user=user, **({"lang": lang} if lang != "es" else {}))
facts = card.facts_for(config.title, me, everyone, read.progress(), config.site.name or "")
share_section(facts, link, certificate, config.site.hashtag, lang)
st.caption(t(lang, "Comparte este enlace con tus estadísticas:"))
st.code(link, language=None, wrap_lines=True)
if by_name:  # a badge names the person (the API's, for a name shown)
    badge_section(config.slug or "", me, len(everyone), link, config.title, lang)  # (a slug is always set)
start_validating(config.annotation_url, config.guide_url, lang)
