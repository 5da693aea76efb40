"""The organizer passphrase gate: constant-time comparison, remembered for the session only."""

from __future__ import annotations

import hmac

import streamlit as st

from components.i18n import t


def organizer_unlocked(expected: str | None, lang: str) -> bool:
    """True once the session typed the configured passphrase; renders the prompt otherwise."""
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
