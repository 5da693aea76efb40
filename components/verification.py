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
        st.error(t(lang, "verify.invalid"), icon="❌")
        return
    st.success(t(lang, "verify.valid", campaign=md_text(campaign)), icon="✅")
    counts = f"{i18n.number(credential.validations, lang)} · {i18n.number(credential.corrections, lang)}"
    if today is None:
        now = t(lang, "verify.today_absent")
    else:
        now = t(
            lang,
            "verify.today_rank",
            rank=i18n.number(int(today["rank"]), lang),
            validations=i18n.number(int(today["validations"]), lang),
        )
    rows = [
        (t(lang, "verify.who"), shown_name(credential.username)),
        (t(lang, "verify.campaign"), campaign),
        (t(lang, "verify.counts"), counts),
        (t(lang, "verify.issued"), i18n.date(credential.issued, lang)),
        (t(lang, "verify.today"), now),
    ]
    st.table(pd.DataFrame(rows, columns=["", " "]).set_index(""))
