"""Sign in with Hugging Face in the sidebar, and who is signed in.

Shown only where sign-in is configured (an `[auth]` section, from the environment on a Space or
from .streamlit/secrets.toml), and offered only while the provider answers. The ID token's claims
are read through `st.user`; no token is ever exposed to the page (`expose_tokens` is never set).
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from components.i18n import t
from components.safe import md_text
from data.feeds import registry
from data.feeds.sign_in import ProviderCheck

REQUIRED = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def auth_section() -> Mapping | None:
    """The `[auth]` settings if sign-in is configured, else None."""
    try:
        section = st.secrets.get("auth")
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return None
    if not isinstance(section, Mapping) or not all(section.get(key) for key in REQUIRED):
        return None
    return section


def signed_in() -> Mapping | None:
    """The signed-in person's ID-token claims (never the tokens), or None."""
    return st.user.to_dict() if st.user.get("is_logged_in") else None


def username(claims: Mapping | None) -> str | None:
    """Their Hub username: it is their Argilla username too (Argilla on Spaces signs in with the Hub)."""
    if claims is None:
        return None
    name = claims.get("preferred_username")
    return str(name) if name else None


def sign_in_sidebar(lang: str) -> None:
    section = auth_section()
    if section is None:
        return
    claims = signed_in()
    if claims is not None:
        st.caption(
            t(lang, "Sesión iniciada como **{name}**", name=md_text(username(claims) or claims.get("name") or "—", 40))
        )
        st.button(t(lang, "Cerrar sesión"), on_click=st.logout, icon="🚪", key="auth.sign_out")
        return
    url = str(section["server_metadata_url"])
    check = registry.current("sign_in", url, lambda: ProviderCheck(url).start())
    if check.available(wait=2):
        st.button(
            t(lang, "Iniciar sesión con Hugging Face"), on_click=st.login, icon="🤗", key="auth.sign_in", type="primary"
        )
    else:
        st.caption(
            "🔒 "
            + t(
                lang,
                "El inicio de sesión con Hugging Face no está disponible ahora mismo; las páginas "
                "públicas siguen funcionando.",
            )
        )
