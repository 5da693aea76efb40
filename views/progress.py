"""Progreso: per-dataset progress, daily activity, cumulative progress, pace and ETA."""

import streamlit as st

from components import charts, i18n
from components.context import context
from components.definitions import how_counted
from components.i18n import t
from components.tables import progress_table
from data.model import aggregate
from data.model.columns import PROGRESS

ctx = context()
lang, view = ctx.lang, ctx.view()
read = ctx.read(view)
campaign = read.campaign
progress = read.progress()
activity = read.activity()
titles = read.titles()

st.title(t(lang, "Progreso de la campaña"), anchor=False)
progress_table(progress, lang, key="progress.datasets")
st.caption(t(lang, "Un registro está completo cuando alcanza las respuestas mínimas de Argilla (min_submitted)."))
how_counted(PROGRESS, campaign.fetched_at, lang, key="progress.how")
pace = aggregate.velocity(activity, progress, campaign.fetched_at)
cells = st.columns(3)
cells[0].metric(
    t(lang, "Ritmo (últimos 7 días)"),
    t(lang, "{n} registros/día", n=i18n.number(pace.records_per_day, lang, digits=1)),
)
cells[1].metric(t(lang, "Pendientes"), i18n.number(pace.pending, lang))
cells[2].metric(
    t(lang, "Fecha estimada de fin"), i18n.date(pace.eta, lang) if pace.eta else t(lang, "sin ritmo suficiente")
)
if activity.empty:
    st.info(t(lang, "Nadie ha validado todavía en este periodo."))
else:
    st.subheader(t(lang, "Validaciones y registros completados por día"), anchor=False)
    charts.daily_bars(activity, titles, lang, key="progress.daily")
    st.subheader(t(lang, "Registros completados (acumulado)"), anchor=False)
    charts.cumulative_line(activity, titles, lang, key="progress.cumulative")
    st.subheader(t(lang, "Personas que validan cada día"), anchor=False)
    charts.people_per_day(read.daily_contributors(), lang, key="progress.people")
