"""The organizer's table of quality signals, with the flag reasons spelled out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.i18n import t

FLAG_TEXT = {
    "es": {
        "burst": "ráfaga (validaciones muy seguidas)",
        "never_corrects": "nunca corrige",
        "low_agreement": "poco acuerdo con la mayoría",
    },
    "en": {
        "burst": "burst (validations in quick succession)",
        "never_corrects": "never corrects",
        "low_agreement": "low agreement with the majority",
    },
}
HEADERS = {
    "es": {
        "unchanged_share": "% sin cambios",
        "agreement": "Acuerdo",
        "label_agreement": "Acuerdo etiqueta",
        "median_gap_seconds": "Mediana entre validaciones (s)",
        "sole_validator": "Único validador",
        "agreement_records": "Registros compartidos",
        "flags": "Revisar",
    },
    "en": {
        "unchanged_share": "% unchanged",
        "agreement": "Agreement",
        "label_agreement": "Label agreement",
        "median_gap_seconds": "Median gap (s)",
        "sole_validator": "Sole validator",
        "agreement_records": "Shared records",
        "flags": "Review",
    },
}


def signals_table(table: pd.DataFrame, lang: str) -> None:
    names = FLAG_TEXT[lang]
    reasons = table["flags"].fillna("").str.split(",").map(lambda codes: "; ".join(names[c] for c in codes if c))
    head = HEADERS[lang]
    st.dataframe(
        table.assign(flags=reasons)[
            [
                "rank",
                "username",
                "validations",
                "corrections",
                "unchanged_share",
                "agreement",
                "agreement_records",
                "label_agreement",
                "median_gap_seconds",
                "sole_validator",
                "flags",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "rank": st.column_config.NumberColumn(t(lang, "col.rank"), width="small"),
            "username": st.column_config.TextColumn(t(lang, "col.username")),
            "validations": st.column_config.NumberColumn(t(lang, "col.validations")),
            "corrections": st.column_config.NumberColumn(t(lang, "col.corrections")),
            "unchanged_share": st.column_config.ProgressColumn(
                head["unchanged_share"], min_value=0, max_value=1, format="percent"
            ),
            "agreement": st.column_config.NumberColumn(head["agreement"], format="percent"),
            "agreement_records": st.column_config.NumberColumn(head["agreement_records"]),
            "label_agreement": st.column_config.NumberColumn(head["label_agreement"], format="percent"),
            "median_gap_seconds": st.column_config.NumberColumn(head["median_gap_seconds"], format="%.0f"),
            "sole_validator": st.column_config.NumberColumn(head["sole_validator"]),
            "flags": st.column_config.TextColumn(head["flags"]),
        },
    )
