"""The organizer's table of quality signals, with the flag reasons spelled out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import i18n
from components.i18n import t
from data.model.texts import N_

FLAGS = {
    "burst": N_("ráfaga (validaciones muy seguidas)"),
    "never_corrects": N_("nunca corrige"),
    "low_agreement": N_("poco acuerdo con la mayoría"),
}  # the reasons of data/model/quality.py, in words


def flag_reasons(flags: pd.Series, lang: str) -> pd.Series:
    """ "burst,never_corrects" -> the reasons in words, in the chosen language."""
    return flags.fillna("").str.split(",").map(lambda codes: "; ".join(t(lang, FLAGS[c]) for c in codes if c))


def signals_table(table: pd.DataFrame, lang: str) -> None:
    config = {
        "rank": st.column_config.NumberColumn(t(lang, "Puesto"), width="small"),
        "username": st.column_config.TextColumn(t(lang, "Usuario")),
        "validations": st.column_config.NumberColumn(t(lang, "Validaciones")),
        "corrections": st.column_config.NumberColumn(t(lang, "Correcciones")),
        "unchanged_share": st.column_config.TextColumn(t(lang, "% sin cambios")),
        "agreement": st.column_config.TextColumn(t(lang, "Acuerdo")),
        "agreement_records": st.column_config.NumberColumn(t(lang, "Registros compartidos")),
        "label_agreement": st.column_config.TextColumn(t(lang, "Acuerdo etiqueta")),
        "median_gap_seconds": st.column_config.NumberColumn(t(lang, "Mediana entre validaciones (s)"), format="%.0f"),
        "sole_validator": st.column_config.NumberColumn(t(lang, "Único validador")),
        "flags": st.column_config.TextColumn(t(lang, "Revisar")),
    }
    shares = {name: i18n.percents(table[name], lang) for name in ("unchanged_share", "agreement", "label_agreement")}
    shown = table.assign(flags=flag_reasons(table["flags"], lang), **shares)[list(config)]
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)
