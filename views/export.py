"""Exportar: the ranking as CSV for prize allocation, with the filters it applies."""

import streamlit as st

from components import i18n
from components.appearance import not_shown_note
from components.context import context
from components.downloads import download
from components.filters import campaign_filters, describe_filters
from components.i18n import t
from components.safe import md_text
from components.tables import ranking_table
from data.model.ranking import periods

ctx = context()
lang, view = ctx.lang, ctx.view()
read = ctx.read(view)
campaign = read.campaign

st.title(t(lang, "Exportar el ranking"), anchor=False)
filters = campaign_filters(campaign.datasets, read.today, lang, periods(ctx.config.windowed_rankings), key="export")
applied = read.clip(filters)
table = read.contributors(filters)
st.caption(describe_filters(applied, campaign.datasets, lang))
excluded = ", ".join(md_text(u, 40) for u in ctx.config.exclude_users) or "—"
st.caption(t(lang, "{n} filas; personas excluidas: {excluded}.", n=i18n.number(len(table), lang), excluded=excluded))
not_shown_note(len(read.everyone(filters)) - len(table), lang)
parts = [
    "ranking",
    str(ctx.config.slug),
    *(applied.datasets or ("all",)),
    *(d.isoformat() for d in (applied.start, applied.end) if d),
]
download(t(lang, "Descargar CSV"), read.ranking_csv(filters), "_".join(parts) + ".csv", type="primary")
st.caption(
    t(
        lang,
        "UTF-8, una fila por persona; fechas ISO 8601 en UTC; «eligible» vale true/false. Las "
        "celdas que empiezan por =, +, -, @ se prefijan con ' para que ninguna hoja de cálculo "
        "las ejecute como fórmula.",
    )
)
ranking_table(table, lang, key="export.table", rows=20)  # the first rows of the file, as the ranking draws them
