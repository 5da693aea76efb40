"""Who may open the organizer page.

With sign-in configured and `[organizers] org` set, sign-in decides: members of that org on the
Hub with one of the admitted roles (`[organizers] roles`) are let in, everyone else is told they
have no access and sees no data. Their role comes from their sign-in; that they are still members,
from the Hub itself, asked again every `[organizers] recheck_seconds` (a sign-in lasts 30 days).
Otherwise the passphrase ORGANIZER_TOKEN does: compared in constant time; a session gets
`SESSION_ATTEMPTS` wrong tries before it waits `LOCK`, and the board as a whole
`PROCESS_ATTEMPTS` per `LOCK`, across its processes and replicas (a guesser opening new sessions,
or landing on other workers, gains nothing: data/state/attempts.py); an opened session
stays open only while the passphrase it was opened with is the current one.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import threading
import time
from collections import deque
from collections.abc import Mapping

import streamlit as st

from components.i18n import t
from components.safe import md_text
from components.sign_in import auth_section, signed_in, username
from data.config import OrganizersConfig, Secrets, environment
from data.feeds import registry
from data.feeds.sign_in import Members, Membership, is_organizer
from data.state.attempts import FailedAttempts

SESSION_ATTEMPTS = 5
PROCESS_ATTEMPTS = 30
LOCK = 15 * 60.0  # seconds


def everyone() -> FailedAttempts:
    """Wrong passphrases of every session of the board (data/state/attempts.py)."""
    return _everyone(environment.read("REDIS_URL") or "memory://", int(environment.read("TABLERO_WORKERS") or 1))


@functools.cache
def _everyone(storage: str, processes: int) -> FailedAttempts:
    return FailedAttempts(PROCESS_ATTEMPTS, int(LOCK), storage, processes)


class Attempts:
    """Wrong passphrases in a sliding window; full means no more tries until the oldest expires."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        while self._times and now - self._times[0] >= self.window:
            self._times.popleft()

    def blocked(self) -> bool:
        with self._lock:
            self._expire(time.monotonic())
            return len(self._times) >= self.limit

    def failed(self) -> None:
        with self._lock:
            self._times.append(time.monotonic())


def organizer_unlocked(secrets: Secrets, organizers: OrganizersConfig, lang: str) -> bool:
    """True if this session may see the organizer tools; renders what to do otherwise."""
    if auth_section() is not None and organizers.org:
        return _by_sign_in(organizers, secrets, lang)
    return _by_passphrase(secrets.organizer_token, lang)


def _by_sign_in(organizers: OrganizersConfig, secrets: Secrets, lang: str) -> bool:
    claims = signed_in()
    org = md_text(organizers.org or "", 60)
    if claims is None:
        st.info(
            t(
                lang,
                "Esta página es para quienes organizan en {org}: inicia sesión con Hugging Face (barra "
                "lateral) para entrar.",
                org=org,
            ),
            icon="🔒",
        )
        return False
    every = organizers.recheck_seconds
    members = registry.current(
        "org_members",
        (secrets.hf_endpoint, organizers.org, every),
        lambda: Membership(secrets.hf_endpoint, secrets.hf_token, organizers.org or "", every).start(),
    ).current(wait=5)
    who = md_text(username(claims) or "—", 40)
    if not is_organizer(claims, organizers, members.org_id if members is not None else None):
        st.error(
            t(
                lang,
                "{user} no tiene acceso: hace falta ser miembro de {org} en el Hub con un rol admitido.",
                user=who,
                org=org,
            ),
            icon="⛔",
        )
        return False
    return _still_a_member(claims, members, organizers, lang)


def _still_a_member(
    claims: Mapping[str, object], members: Members | None, organizers: OrganizersConfig, lang: str
) -> bool:
    """Is the signed-in organizer still in the org, as the Hub says now?"""
    org, who = md_text(organizers.org or "", 60), md_text(username(claims) or "—", 40)
    if members is None:
        st.warning(
            t(lang, "No se pudo confirmar con el Hub que sigues en {org}; se vuelve a intentar.", org=org), icon="⏳"
        )
        return False
    if organizers.org_id and members.org_id and members.org_id != organizers.org_id:
        st.error(
            t(
                lang,
                "En el Hub, {org} es ahora otra organización (su id no es el de [organizers] org_id): si la "
                "organización cambió de nombre, indica el nuevo en [organizers] org.",
                org=org,
            ),
            icon="⛔",
        )
        return False
    if members.admits(username(claims) or "", str(claims.get("sub") or "") or None):
        return True
    st.error(t(lang, "{user} ya no figura como miembro de {org} en el Hub.", user=who, org=org), icon="⛔")
    return False


def _opened_with(expected: str) -> str:
    """What a session keeps of the passphrase it was opened with: a keyed digest, not the phrase."""
    return hmac.new(expected.encode("utf-8"), b"tablero organizer session", hashlib.sha256).hexdigest()


def _take_typed() -> None:
    """Move what was typed out of the box: it is checked once, and never kept, right or wrong."""
    st.session_state["organizer.typed"] = st.session_state["organizer.passphrase"]
    st.session_state["organizer.passphrase"] = ""


def _by_passphrase(expected: str | None, lang: str) -> bool:
    if not expected:
        st.info(t(lang, "No hay frase de acceso configurada (ORGANIZER_TOKEN): la página está desactivada."), icon="🔒")
        return False
    if hmac.compare_digest(st.session_state.get("organizer.opened", ""), _opened_with(expected)):
        return True
    st.session_state.pop("organizer.opened", None)  # opened with a passphrase that has since changed
    st.info(t(lang, "Esta página es solo para la organización."), icon="🔒")
    mine = st.session_state.setdefault("organizer.attempts", Attempts(SESSION_ATTEMPTS, LOCK))
    if mine.blocked() or everyone().blocked():
        st.error(
            t(
                lang,
                "Demasiados intentos fallidos: vuelve a intentarlo dentro de {minutes} minutos.",
                minutes=int(LOCK // 60),
            ),
            icon="⏳",
        )
        return False
    st.text_input(t(lang, "Frase de acceso"), type="password", key="organizer.passphrase", on_change=_take_typed)
    typed = st.session_state.pop("organizer.typed", None)
    if not typed:
        return False
    if hmac.compare_digest(typed.encode("utf-8"), expected.encode("utf-8")):
        st.session_state["organizer.opened"] = _opened_with(expected)
        st.rerun()
    mine.failed()
    everyone().failed()
    st.error(t(lang, "Frase de acceso incorrecta."))
    return False
