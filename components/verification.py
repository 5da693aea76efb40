"""The answer of the certificate verification page: what a valid ID states, or that it is not valid."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import i18n
from components.i18n import t
from components.safe import md_text
from data.model.credentials import Credential
from data.text import shown_name


def verification(credential: Credential | None, campaign: str, today: pd.Series | None, lang: str) -> None:
    """`credential` as a short table (None: the ID is not valid), with where the person stands today."""
    if credential is None:
        st.error(
            t(
                lang,
                "Este ID no corresponde a ningún certificado emitido por este tablero (o se emitió para otra campaña).",
            ),
            icon="❌",
        )
        return
    st.success(
        t(lang, "Certificado válido, emitido por el tablero de «{campaign}».", campaign=md_text(campaign)), icon="✅"
    )
    counts = f"{i18n.number(credential.validations, lang)} · {i18n.number(credential.corrections, lang)}"
    if today is None:
        now = t(lang, "no aparece en la clasificación actual")
    else:
        now = t(
            lang,
            "puesto {rank} con {validations} validaciones",
            rank=i18n.number(int(today["rank"]), lang),
            validations=i18n.number(int(today["validations"]), lang),
        )
    rows = [
        (t(lang, "Persona"), shown_name(credential.username)),
        (t(lang, "Campaña"), campaign),
        (t(lang, "Validaciones · correcciones al emitirlo"), counts),
        (t(lang, "Emitido el"), i18n.date(credential.issued, lang)),
        (t(lang, "Hoy"), now),
    ]
    st.table(pd.DataFrame(rows, columns=["", " "]).set_index(""))
