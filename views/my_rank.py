"""Mi posición: one contributor's rank, distances, neighbours and activity; shareable by ?user=."""

from urllib.parse import urlencode

import streamlit as st

from components import charts, i18n
from components.context import context
from components.i18n import t
from components.safe import md_text
from components.tables import ranking_table
from data import aggregate

ctx = context()
lang, view = ctx.lang, ctx.view()
campaign = view.value
table = ctx.feed.contributors(campaign)
names = table["username"].tolist()

st.title(t(lang, "me.title"), anchor=False)
if "me.user" not in st.session_state:
    st.session_state["me.user"] = st.query_params.get("user")
wanted = st.session_state["me.user"]
user = st.selectbox(
    t(lang, "me.pick"),
    names,
    index=names.index(wanted) if wanted in names else None,
    placeholder=t(lang, "me.placeholder"),
    accept_new_options=True,
)
if user:
    st.session_state["me.user"] = user
    st.query_params["user"] = user
    row = table[table["username"] == user]
    if row.empty:
        st.warning(t(lang, "me.not_found", user=md_text(user)))
    else:
        me = row.iloc[0]
        st.subheader(md_text(user), anchor=False)
        cells = st.columns(4)
        cells[0].metric(t(lang, "me.rank"), f"#{int(me['rank'])}", help=t(lang, "me.of", n=len(table)))
        cells[1].metric(t(lang, "col.validations"), i18n.number(int(me["validations"]), lang))
        cells[2].metric(t(lang, "col.corrections"), i18n.number(int(me["corrections"]), lang))
        gap = aggregate.distance_to_next_rank(table, user)
        cells[3].metric(
            t(lang, "me.to_next"),
            t(lang, "me.top") if gap is None else i18n.number(gap, lang),
            help=t(lang, "me.to_next_help"),
        )
        need = ctx.config.min_validations_for_prize - int(me["validations"])
        st.metric(
            t(lang, "me.to_prize", n=ctx.config.min_validations_for_prize),
            t(lang, "me.prize_done") if need <= 0 else i18n.number(need, lang),
        )
        st.subheader(t(lang, "me.around"), anchor=False)
        ranking_table(aggregate.neighbours(table, user), lang, key="me.neighbours")
        st.subheader(t(lang, "me.daily"), anchor=False)
        titles = dict(zip(campaign.datasets["dataset"], campaign.datasets["title"]))
        charts.user_daily(ctx.feed.user_activity(campaign, user), titles, lang, key="me.daily")
        st.caption(t(lang, "me.share"))
        st.code(
            f"{st.context.url or ''}?{urlencode({'user': user, **({'lang': lang} if lang != 'es' else {})})}",
            language=None,
            wrap_lines=True,
        )
else:
    st.query_params.pop("user", None)
