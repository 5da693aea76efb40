"""Ranking: every contributor, with search, dataset and period filters, and sorting, all kept in the
page's address (a filtered ranking is a link)."""

import streamlit as st

from components import address, i18n
from components.appearance import not_shown_note
from components.context import context
from components.definitions import how_counted
from components.filters import campaign_filters, describe_filters
from components.i18n import t
from components.tables import ranking_table
from data.model.columns import BY_NAME, COLUMNS_TABLE, SORTS
from data.model.ranking import periods, search_and_sort

ctx = context()
lang, view = ctx.lang, ctx.view()
read = ctx.read(view)
campaign = read.campaign

st.title(t(lang, "Ranking de contribuciones"), anchor=False)
filters = campaign_filters(campaign.datasets, read.today, lang, periods(ctx.config.windowed_rankings), key="ranking")
address.seed("ranking.search", ["q"], address.text(200))
# one sort box per language: Streamlit's keeps showing the label it was drawn with, so a box drawn
# in another language starts again from the address, which holds the choice
address.seed(f"ranking.sort.{lang}", ["sort"], address.one_of(list(SORTS)))
left, right = st.columns([3, 2])
query = left.text_input(t(lang, "Buscar usuario"), key="ranking.search", max_chars=200)
order = right.selectbox(
    t(lang, "Ordenar por"), list(SORTS), format_func=lambda c: t(lang, BY_NAME[c].label), key=f"ranking.sort.{lang}"
)
address.keep("q", [query] if query else [])
address.keep("sort", [order] if order != "rank" else [])
table = search_and_sort(read.contributors(filters), query, order)

st.caption(
    describe_filters(read.clip(filters), campaign.datasets, lang)
    + " "
    + t(lang, "{n} personas", n=i18n.number(len(table), lang))
)
if table.empty:
    st.info(t(lang, "Nadie ha validado todavía en este periodo."))
else:
    ranking_table(table, lang, height=600, key="ranking.table")
not_shown_note(len(read.everyone(filters)) - len(read.contributors(filters)), lang)
st.caption(
    t(
        lang,
        "Una validación es una respuesta enviada (los borradores no cuentan; los descartes se "
        "cuentan aparte). Una corrección es una validación cuyo texto difiere de la traducción "
        "sugerida. Los empates comparten puesto (1, 2, 2, 4).",
    )
)
how_counted(COLUMNS_TABLE, campaign.fetched_at, lang, key="ranking.how")
