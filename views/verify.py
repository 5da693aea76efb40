"""Verificar certificado (/certificado?id=…): anyone who received a certificate checks its ID here.
Says who, which campaign, what was validated and when it was issued, or that the ID is not valid;
nothing that the public ranking does not show."""

import streamlit as st

from components.context import context
from components.i18n import t
from components.verification import checked, elsewhere_note, issued_elsewhere, verification
from data.model import credentials

ctx = context()
lang, config = ctx.lang, ctx.config
st.title(t(lang, "Verificar un certificado"), anchor=False)
given = st.text_input(t(lang, "ID del certificado"), value=st.query_params.get("id", ""), max_chars=credentials.LONGEST)
token = given.strip()
if not token:
    st.info(t(lang, "Pega el ID impreso en el certificado, o abre el enlace de su código QR."))
    st.stop()
st.query_params["id"] = token
view = ctx.view()
everyone = ctx.read(view).everyone() if view.value is not None else None  # whatever they chose to show
credential, today = checked(token, ctx.running.keys.verifying, config, everyone)
verification(credential, config.title, today, lang)
others = [(other, services) for other, services in ctx.every if other.slug != config.slug]
found = issued_elsewhere(token, others) if credential is None and others else None
if found is not None:  # an ID of another campaign of the board: where it is verified
    elsewhere_note(found, token, lang)
