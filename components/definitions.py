"""How each figure is counted, from the same registry that declares its columns
(data/model/columns.py), and when the data it comes from was read: a closed section under a
page's table, and the whole of it on *Cómo se cuenta* (views/definitions.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import streamlit as st

from components import i18n
from components.i18n import t, tc
from components.navigation import DEFINITIONS
from data.config import CampaignConfig
from data.model.columns import Column


def how_counted(columns: Sequence[Column], read_at: dt.datetime, lang: str, key: str) -> None:
    """A closed section naming each column that has a definition, the time of the read, and a
    link to every definition."""
    with st.expander(t(lang, "Cómo se cuenta"), icon="ℹ️", key=key):
        st.markdown(column_definitions(columns, lang))
        st.caption(t(lang, "Datos leídos el {when}.", when=i18n.datetime(read_at, lang)))
        st.page_link(DEFINITIONS.script, label=t(lang, "Todas las definiciones"), icon="ℹ️")


def column_definitions(columns: Sequence[Column], lang: str) -> str:
    """Markdown: a line per column that has a definition, its header in bold."""
    return "\n".join(f"- **{_label(column, lang)}**: {t(lang, column.help)}" for column in columns if column.help)


def rules(config: CampaignConfig, lang: str) -> str:
    """Markdown: what counts in this campaign (its window, its calendar, its prize threshold)."""
    lines = [
        t(
            lang,
            "Una **validación** es una respuesta enviada; los borradores no cuentan y los descartes se cuentan aparte.",
        ),
        t(
            lang,
            "Una **corrección** es una validación cuyo texto difiere de la traducción propuesta (sin contar "
            "espacios de más); un cambio de mayúsculas o de puntuación es una corrección.",
        ),
        t(lang, "El **puesto** se da por validaciones: quienes empatan lo comparten (1, 2, 2, 4)."),
        t(
            lang,
            "Optan a **premio** quienes llegan a {n} validaciones.",
            n=i18n.number(config.min_validations_for_prize, lang),
        ),
        t(lang, "Los días son los de la zona horaria {zone}.", zone=config.time_zone),
        _window(config, lang),
    ]
    if config.windowed_rankings:
        lines.append(
            t(
                lang,
                "**Esta semana** va de lunes a domingo, **este mes** es el mes del calendario y **los últimos "
                "7 días** son el día de los datos y los seis anteriores.",
            )
        )
    if config.exclude_users:
        lines.append(t(lang, "Las cuentas de la organización ({n}) no se clasifican.", n=len(config.exclude_users)))
    lines.append(
        t(
            lang,
            "Un registro está **completo** cuando alcanza las respuestas mínimas que pide su dataset en "
            "Argilla; el **ritmo** son los registros completados por día en los últimos 7 días.",
        )
    )
    return "\n".join(f"- {line}" for line in lines)


def _window(config: CampaignConfig, lang: str) -> str:
    start, end = (i18n.date(day, lang) if day else None for day in (config.start, config.end))
    if start and end:
        return t(lang, "Cuentan las validaciones del {start} al {end}, ambos incluidos.", start=start, end=end)
    if start:
        return t(lang, "Cuentan las validaciones desde el {start}.", start=start)
    if end:
        return t(lang, "Cuentan las validaciones hasta el {end}, incluido.", end=end)
    return t(lang, "Cuentan todas las validaciones de los datasets de la campaña.")


def _label(column: Column, lang: str) -> str:
    return tc(lang, column.context, column.label) if column.context else t(lang, column.label)
