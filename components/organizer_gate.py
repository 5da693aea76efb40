"""Who may open the organizer page.

With sign-in configured and `[organizers] org` set, sign-in decides: members of that org on the
Hub with one of the admitted roles (`[organizers] roles`) are let in, everyone else is told they
have no access and sees no data. Otherwise the passphrase ORGANIZER_TOKEN does (a constant-time
comparison, remembered for the session only).
"""

from __future__ import annotations

import hmac

import streamlit as st

from components.i18n import t
from components.safe import md_text
from components.sign_in import auth_section, signed_in, username
from data.config import OrganizersConfig
from data.feeds.sign_in import is_organizer


def organizer_unlocked(passphrase: str | None, organizers: OrganizersConfig, lang: str) -> bool:
    """True if this session may see the organizer tools; renders what to do otherwise."""
    if auth_section() is not None and organizers.org:
        return _by_sign_in(organizers, lang)
    return _by_passphrase(passphrase, lang)


def _by_sign_in(organizers: OrganizersConfig, lang: str) -> bool:
    claims = signed_in()
    org = md_text(organizers.org, 60)
    if claims is None:
        st.info(t(lang, "org.sign_in", org=org), icon="🔒")
        return False
    if is_organizer(claims, organizers):
        return True
    st.error(t(lang, "org.no_access", user=md_text(username(claims) or "—", 40), org=org), icon="⛔")
    return False


def _by_passphrase(expected: str | None, lang: str) -> bool:
    if not expected:
        st.info(t(lang, "org.disabled"), icon="🔒")
        return False
    if st.session_state.get("organizer.ok"):
        return True
    st.info(t(lang, "org.restricted"), icon="🔒")
    typed = st.text_input(t(lang, "org.passphrase"), type="password", key="organizer.passphrase")
    if not typed:
        return False
    if hmac.compare_digest(typed.encode("utf-8"), expected.encode("utf-8")):
        st.session_state["organizer.ok"] = True
        del st.session_state["organizer.passphrase"]
        st.rerun()
    st.error(t(lang, "org.wrong"))
    return False
