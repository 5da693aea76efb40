"""The page's language as assistive technology reads it: `<html lang>` follows the language chosen
(the first HTML says the one asked for, server/previews.py; Streamlit never changes it after), so a
screen reader speaks Catalan text as Catalan. A component with nothing to show, drawn on every run."""

from __future__ import annotations

import streamlit as st

_JS = "export default function ({ data }) { if (data.lang) document.documentElement.lang = data.lang; }"
_component = st.components.v2.component("tablero.page_language", html="", js=_JS)


def page_language(lang: str) -> None:
    _component(data={"lang": lang}, key="page_language", height="content")
