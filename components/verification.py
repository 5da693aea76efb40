"""The answer of the certificate verification page: what a valid ID states, or that it is not valid."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd
import streamlit as st

from components import i18n
from components.campaigns_view import tab_link
from components.contributor import certificate_mark
from components.i18n import t
from components.navigation import VERIFY, app_url
from components.safe import md_text
from data.config import CampaignConfig
from data.feeds.services import Services
from data.model import credentials
from data.model.credentials import Credential
from data.routes import CAMPAIGNS
from data.text import shown_name


class Checked(NamedTuple):
    credential: Credential | None  # None: the ID is not valid here
    today: pd.Series | None  # its holder's row in today's ranking, if there


def checked(token: str, keys: tuple[bytes, ...], config: CampaignConfig, everyone: pd.DataFrame | None) -> Checked:
    """The credential an ID states if it verifies for this campaign, and where its holder stands
    today in `everyone` (the whole ranking). An ID from before slugs whose campaign tag is no longer
    this campaign's (its title was renamed since) verifies when the ranking bears it out."""

    def standing(username: str) -> pd.Series | None:
        rows = everyone[everyone["username"] == username] if everyone is not None else None
        return None if rows is None or rows.empty else rows.iloc[0]

    def bears_out(claim: Credential) -> bool:
        today = standing(claim.username)
        return today is not None and int(today["validations"]) >= claim.validations

    credential = credentials.verify(token, keys, certificate_mark(config), bears_out)
    return Checked(credential, standing(credential.username) if credential is not None else None)


def issued_elsewhere(token: str, others: Sequence[tuple[CampaignConfig, Services]]) -> CampaignConfig | None:
    """The board's other campaign whose certificate this ID is, if any (a board of several)."""
    for config, services in others:
        view = services.campaign.view()
        everyone = services.campaign.read_of(view.value).everyone() if view.value is not None else None
        if checked(token, services.keys.verifying, config, everyone).credential is not None:
            return config
    return None


def elsewhere_note(config: CampaignConfig, token: str, lang: str) -> None:
    """Where an ID of another campaign of the board is verified."""
    query = {"id": token, **({"lang": lang} if lang != i18n.SOURCE else {})}
    url = app_url(f"{CAMPAIGNS}{config.slug}/{VERIFY.url}", **query)
    note = t(lang, "Este ID es de un certificado de otra campaña de este tablero:")
    st.markdown(f"{html.escape(note)} {tab_link(str(config.title), url)}", unsafe_allow_html=True)


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
