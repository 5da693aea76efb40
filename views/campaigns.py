"""The home of a board of several campaigns: each one (active first), linking to its pages."""

import streamlit as st

from components.campaigns_view import campaign_list
from components.context import context
from components.safe import md_text

ctx = context()
site = ctx.board.site
st.title(md_text(site.board(ctx.config.title), 120))
if site.description:
    st.markdown(md_text(site.description, 300))
campaign_list(ctx.campaigns(), ctx.lang)
