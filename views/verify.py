"""Verificar certificado (/certificado?id=…): anyone who received a certificate checks its ID here.
Says who, which campaign, what was validated and when it was issued, or that the ID is not valid;
nothing that the public ranking does not show."""

import streamlit as st

from components.context import context
from components.contributor import campaign_tag
from components.i18n import t
from components.verification import verification
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
credential = credentials.verify(token, ctx.running.certificate_key, campaign_tag(config))
view, today = ctx.view(), None
if credential is not None and view.value is not None:
    table = ctx.read(view).everyone()  # the certificate names its holder: where they stand, whatever they chose
    row = table[table["username"] == credential.username]
    today = None if row.empty else row.iloc[0]
verification(credential, config.title, today, lang)
