"""Inicio: headline numbers, progress per dataset, top 10."""

import streamlit as st

from components.call_to_action import start_validating
from components.context import context
from components.filters import top_period
from components.goals import campaign_goal
from components.headline import headline
from components.i18n import t
from components.navigation import RANKING
from components.tables import progress_table, ranking_table
from data.model.ranking import windowed

ctx = context()
lang, view = ctx.lang, ctx.view()
read = ctx.read(view)
progress = read.progress()
contributors = read.contributors()

st.title(ctx.config.title, anchor=False)
if progress["total"].sum() == 0:
    st.info(t(lang, "La campaña aún no tiene registros."))
headline(progress, read.everyone(), lang)  # the totals count everyone, whatever they chose
campaign_goal(read.weekly_goal(), lang)
start_validating(ctx.config.annotation_url, ctx.config.guide_url, lang)
st.subheader(t(lang, "Progreso por dataset"), anchor=False)
progress_table(progress, lang, key="overview.progress")
st.subheader(t(lang, "Top 10"), anchor=False)
period = top_period(windowed(ctx.config.windowed_rankings), lang, key="overview.period")
top = contributors if period == "all" else read.of_period(period)
if top.empty:
    st.info(t(lang, "Nadie ha validado todavía en este periodo."))
else:
    ranking_table(top, lang, key="overview.top", rows=10)
st.page_link(RANKING.script, label=t(lang, "Ver ranking completo"), icon="🏆")
