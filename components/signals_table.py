"""The organizer's table of quality signals, with the flag reasons spelled out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import i18n
from components.i18n import t
from data.model.quality import FLAGS


def flag_reasons(flags: pd.Series, lang: str) -> pd.Series:
    """ "burst,never_corrects" -> the reasons in words, in the chosen language."""
    words = {flag: t(lang, f"flag.{flag}") for flag in FLAGS}
    return flags.fillna("").str.split(",").map(lambda codes: "; ".join(words[c] for c in codes if c))


def signals_table(table: pd.DataFrame, lang: str) -> None:
    config = {
        "rank": st.column_config.NumberColumn(t(lang, "col.rank"), width="small"),
        "username": st.column_config.TextColumn(t(lang, "col.username")),
        "validations": st.column_config.NumberColumn(t(lang, "col.validations")),
        "corrections": st.column_config.NumberColumn(t(lang, "col.corrections")),
        "unchanged_share": st.column_config.TextColumn(t(lang, "signal.unchanged_share")),
        "agreement": st.column_config.TextColumn(t(lang, "signal.agreement")),
        "agreement_records": st.column_config.NumberColumn(t(lang, "signal.agreement_records")),
        "label_agreement": st.column_config.TextColumn(t(lang, "signal.label_agreement")),
        "median_gap_seconds": st.column_config.NumberColumn(t(lang, "signal.median_gap_seconds"), format="%.0f"),
        "sole_validator": st.column_config.NumberColumn(t(lang, "signal.sole_validator")),
        "flags": st.column_config.TextColumn(t(lang, "signal.flags")),
    }
    shares = {name: i18n.percents(table[name], lang) for name in ("unchanged_share", "agreement", "label_agreement")}
    shown = table.assign(flags=flag_reasons(table["flags"], lang), **shares)[list(config)]
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)
