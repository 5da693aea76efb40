"""The way in for a new contributor: a link to the annotation Space and the steps to take part."""

from __future__ import annotations

import streamlit as st

from components.i18n import t
from data.model.texts import N_

STEPS = (
    N_("Entra en el espacio de anotación con tu cuenta de Hugging Face."),
    N_("Lee la pregunta en inglés y su traducción automática al español."),
    N_("Valídala si es correcta o corrígela, y pulsa «Enviar» (los borradores no cuentan)."),
    N_("Repite: cada validación enviada te sube en el ranking."),
)


def start_validating(annotation_url: str | None, guide_url: str | None, lang: str) -> None:
    """A prominent "Start validating" button with the steps; nothing without an annotation URL."""
    if not annotation_url:
        return
    with st.container(border=True):
        title = t(lang, "¿Quieres aparecer en este ranking? Así se participa:")
        st.markdown(f"**{title}**")
        st.markdown("\n".join(f"{n}. {t(lang, step)}" for n, step in enumerate(STEPS, start=1)))
        left, right = st.columns(2)
        left.link_button(t(lang, "Comienza a validar"), annotation_url, type="primary", icon="✍️", width="stretch")
        if guide_url:
            right.link_button(t(lang, "Lee la guía"), guide_url, icon="📖", width="stretch")
