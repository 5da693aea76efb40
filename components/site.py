"""Whose board it is, as the browser and the sidebar show it: the tab's title and icon, the logo
(linking to the community's site) and the community's other places, all from `[site]`."""

from __future__ import annotations

from urllib.parse import urlparse

import streamlit as st

from data.config import SiteConfig
from data.text import escape_markdown


def page_identity(site: SiteConfig, campaign: str) -> None:
    """The browser tab's title and icon, and the logo above the sidebar's navigation."""
    st.set_page_config(page_title=site.board(campaign), page_icon=site.icon, layout="wide")
    if site.logo:
        st.logo(site.logo, link=site.url, size="large")


def site_links(site: SiteConfig) -> None:
    """The community's places (its site first), each named by its address's host."""
    places = list(dict.fromkeys(place for place in (site.url, *site.links) if place))
    if places:
        # not a caption: a caption's tint of the link colour is too pale on the sidebar (axe: contrast)
        st.markdown(" · ".join(f"[{escape_markdown(urlparse(p).netloc.removeprefix('www.'))}]({p})" for p in places))
