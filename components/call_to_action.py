"""The way in for a new contributor: a link to the annotation Space and the steps to take part."""

from __future__ import annotations

import streamlit as st

from components.i18n import t


def start_validating(annotation_url: str | None, guide_url: str | None, lang: str) -> None:
    """A prominent "Start validating" button with the steps; nothing without an annotation URL."""
    if not annotation_url:
        return
    with st.container(border=True):
        st.markdown(f"**{t(lang, 'cta.title')}**")
        st.markdown("\n".join(f"{n}. {t(lang, f'cta.step{n}')}" for n in range(1, 5)))
        left, right = st.columns(2)
        left.link_button(t(lang, "cta.button"), annotation_url, type="primary", icon="✍️", width="stretch")
        if guide_url:
            right.link_button(t(lang, "cta.guide"), guide_url, icon="📖", width="stretch")
