"""Progreso: per-dataset progress, daily activity, cumulative progress, pace and ETA."""

import streamlit as st

from components import charts, i18n
from components.context import context
from components.i18n import t
from components.tables import progress_table
from data.model import aggregate

ctx = context()
lang, view = ctx.lang, ctx.view()
campaign = view.value
progress = ctx.feed.progress(campaign)
activity = ctx.feed.activity(campaign)
titles = dict(zip(campaign.datasets["dataset"], campaign.datasets["title"]))

st.title(t(lang, "progress.title"), anchor=False)
progress_table(progress, lang)
st.caption(t(lang, "progress.note"))
pace = aggregate.velocity(activity, progress, campaign.fetched_at)
cells = st.columns(3)
cells[0].metric(
    t(lang, "progress.velocity"),
    t(lang, "progress.velocity_value", n=i18n.number(pace.records_per_day, lang, digits=1)),
)
cells[1].metric(t(lang, "col.pending"), i18n.number(pace.pending, lang))
cells[2].metric(t(lang, "progress.eta"), i18n.date(pace.eta, lang) if pace.eta else t(lang, "progress.eta_none"))
if activity.empty:
    st.info(t(lang, "ranking.empty"))
else:
    st.subheader(t(lang, "progress.daily"), anchor=False)
    charts.daily_bars(activity, titles, lang, key="progress.daily")
    st.subheader(t(lang, "progress.cumulative"), anchor=False)
    charts.cumulative_line(activity, titles, lang, key="progress.cumulative")
    st.subheader(t(lang, "progress.people"), anchor=False)
    charts.people_per_day(ctx.feed.daily_contributors(campaign), lang, key="progress.people")
