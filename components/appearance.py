"""How a signed-in person chooses to appear in the public views (data/model/appearance.py)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components import i18n
from components.i18n import t, tn
from data.model.appearance import ALIAS, CHOICES, HIDDEN


def appearance_choice(current: str, alias: str, lang: str, choose: Callable[[str], bool]) -> None:
    """The three choices, the one in force selected; `choose` records a new one (False: not kept)."""
    with st.container(border=True):
        choice = st.radio(
            t(lang, "Cómo apareces en las páginas públicas"),
            list(CHOICES),
            index=list(CHOICES).index(current),
            format_func=lambda value: t(lang, CHOICES[value]),
            key="me.appearance",
            horizontal=True,
        )
        if choice != current:
            if choose(choice):
                st.rerun()
            st.error(t(lang, "No se pudo guardar tu elección; inténtalo de nuevo en un momento."))
        explained = {
            ALIAS: t(
                lang,
                "En el ranking, los equipos, el top 10, la API y los datos abiertos apareces como **{alias}**.",
                alias=alias,
            ),
            HIDDEN: t(
                lang,
                "No apareces en el ranking, los equipos, el top 10, la API, las insignias ni los datos "
                "abiertos; solo tú ves esta página.",
            ),
        }
        if current in explained:
            st.caption(explained[current])
        st.caption(
            t(
                lang,
                "Tus validaciones cuentan siempre en los totales de la campaña y en la lista de premios de la "
                "organización. Tu elección vale para todas las campañas de este tablero.",
            )
        )


def not_shown_note(hidden: int, lang: str) -> None:
    """Says that some people are left out of the table by their own choice, and that they count."""
    if hidden > 0:
        st.caption(
            tn(
                lang,
                "Una persona eligió no aparecer aquí; sus validaciones cuentan en los totales y en la "
                "lista de premios.",
                "{n} personas eligieron no aparecer aquí; sus validaciones cuentan en los totales y en "
                "la lista de premios.",
                hidden,
                n=i18n.number(hidden, lang),
            )
        )
