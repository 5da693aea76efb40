"""The board's campaigns, as a board of several shows them: its home's list (each with its window,
state and figures, linking to its pages) and the sidebar's way to another campaign."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import i18n
from components.i18n import t
from components.navigation import app_url
from components.safe import md_text
from data.feeds.board import Across
from data.model.texts import N_
from data.routes import CAMPAIGNS

STATE_NAMES = {"active": N_("En curso"), "upcoming": N_("Próximamente"), "ended": N_("Terminada")}


def campaign_address(slug: str, lang: str) -> str:
    """A campaign's pages, in the page's language (the source language needs no parameter)."""
    return app_url(f"{CAMPAIGNS}{slug}/", **({"lang": lang} if lang != i18n.SOURCE else {}))


def home_address(lang: str) -> str:
    return app_url("/", **({"lang": lang} if lang != i18n.SOURCE else {}))


def tab_link(label: str, url: str) -> str:
    """A link that opens in this tab (a markdown link opens another): a campaign is this board."""
    return f'<a href="{html.escape(url, quote=True)}" target="_self">{html.escape(label)}</a>'


def window_text(start, end, lang: str) -> str:
    """The campaign's window in words ("" without one)."""
    if pd.notna(start) and pd.notna(end):
        return t(lang, "del {start} al {end}", start=i18n.date(start, lang), end=i18n.date(end, lang))
    if pd.notna(start):
        return t(lang, "desde el {start}", start=i18n.date(start, lang))
    if pd.notna(end):
        return t(lang, "hasta el {end}", end=i18n.date(end, lang))
    return ""


def campaign_list(campaigns: pd.DataFrame, lang: str) -> None:
    """Every campaign in the order given: its name linking to its pages, state, window, figures."""
    for row in campaigns.itertuples(index=False):  # a handful of campaigns: one card each
        with st.container(border=True):
            st.markdown(
                f"### {tab_link(str(row.title), campaign_address(str(row.slug), lang))}", unsafe_allow_html=True
            )
            when = window_text(row.start, row.end, lang)
            demo = t(lang, "datos de demostración") if row.demo else ""
            st.markdown(" · ".join(part for part in (t(lang, STATE_NAMES[row.state]), when, demo) if part))
            if pd.isna(row.done):
                st.caption(t(lang, "Sin datos todavía: su primera lectura está en curso."))
                continue
            figures = t(
                lang,
                "{validations} validaciones de {people} personas; {percent} completado.",
                validations=i18n.number(row.validations, lang),
                people=i18n.number(row.contributors, lang),
                percent=i18n.percent(row.done, lang),
            )
            st.progress(min(float(row.done), 1.0), text=figures)


def campaign_switcher(campaigns: pd.DataFrame, current: str, lang: str) -> None:
    """In the sidebar: the campaign shown, and links to the board's home and to the others."""
    others = campaigns[campaigns["slug"] != current]
    title = campaigns.loc[campaigns["slug"] == current, "title"]
    if len(title):
        st.markdown(f"**{md_text(str(title.iloc[0]), 80)}**")  # the campaign these pages are of
    links = [tab_link(t(lang, "Todas las campañas"), home_address(lang))]
    links += [
        tab_link(str(title), campaign_address(str(slug), lang)) for slug, title in zip(others["slug"], others["title"])
    ]
    st.markdown(" · ".join(links), unsafe_allow_html=True)


def unknown_campaign(slug: str, lang: str) -> None:
    """An address naming a campaign this board does not have: said, with the way to those it has."""
    st.warning(t(lang, "Este tablero no tiene ninguna campaña «{slug}».", slug=slug[:64]))
    st.markdown(tab_link(t(lang, "Todas las campañas"), home_address(lang)), unsafe_allow_html=True)


def across_section(across: Across, lang: str) -> None:
    """A person's place in each campaign of the board they took part in, and their whole
    contribution (shown from two campaigns on: one is the page itself)."""
    if len(across.campaigns) < 2:
        return
    st.subheader(t(lang, "En todas las campañas"), anchor=False)
    lines = [
        "- "
        + tab_link(str(row.title), campaign_address(str(row.slug), lang))
        + html.escape(
            " · "
            + t(
                lang,
                "puesto {rank} de {people} · {validations} validaciones · {corrections} correcciones",
                rank=i18n.number(row.rank, lang),
                people=i18n.number(row.people, lang),
                validations=i18n.number(row.validations, lang),
                corrections=i18n.number(row.corrections, lang),
            )
        )
        for row in across.campaigns.itertuples(index=False)  # a handful of campaigns
    ]
    st.markdown("\n".join(lines), unsafe_allow_html=True)
    total = t(
        lang,
        "En total, en {campaigns} campañas: {validations} validaciones y {corrections} correcciones "
        "(un registro que cuentan dos campañas, una vez).",
        campaigns=i18n.number(len(across.campaigns), lang),
        validations=i18n.number(across.validations, lang),
        corrections=i18n.number(across.corrections, lang),
    )
    st.markdown(total)
