"""Top 10, compact: for an iframe in the annotation Space's README (`/top10?embed=true`, ~400 px)."""

import streamlit as st

from components.context import context
from components.i18n import t
from components.navigation import MY_RANK, RANKING, page_url
from components.safe import md_text
from components.tables import compact_ranking

ctx = context()
lang, read = ctx.lang, ctx.read(ctx.view())
top = read.contributors()

st.markdown(f"**{md_text(ctx.config.title, 60)} · " + t(lang, "Top 10") + "**")
if top.empty:
    st.info(t(lang, "Nadie ha validado todavía en este periodo."))
else:
    compact_ranking(top, lang, key="top.ranking", rows=10)
full_ranking, my_rank = t(lang, "Ranking completo"), t(lang, "Mi posición")
st.markdown(f"[{full_ranking}]({page_url(RANKING)}) · [{my_rank}]({page_url(MY_RANK)})")
