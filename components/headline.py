"""Headline numbers of the campaign."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import i18n
from components.i18n import t


def headline(progress: pd.DataFrame, contributors: pd.DataFrame, lang: str) -> None:
    total, completed = int(progress["total"].sum()), int(progress["completed"].sum())
    validations = int(contributors["validations"].sum())
    corrections = int(contributors["corrections"].sum())
    cells = st.columns(5)
    cells[0].metric(t(lang, "Validaciones"), i18n.number(validations, lang))
    cells[1].metric(t(lang, "Personas"), i18n.number(len(contributors), lang))
    cells[2].metric(
        t(lang, "Registros completados"),
        i18n.number(completed, lang),
        help=t(lang, "de {total} registros en total", total=i18n.number(total, lang)),
    )
    cells[3].metric(t(lang, "Campaña completada"), i18n.percent(completed / total if total else 0.0, lang))
    cells[4].metric(
        t(lang, "Tasa de corrección"), i18n.percent(corrections / validations if validations else 0.0, lang)
    )
