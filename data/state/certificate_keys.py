"""The keys of the certificates' IDs (data/model/credentials.py), kept stable.

What signs: CERTIFICATE_SECRET when it is set; else, with [storage], a random key made once by the
writer and kept in the state repo (`Keyring`, `certificates/keys.json` there, private as the repo);
else, as before, a key derived from ARGILLA_API_KEY, which rotating that key changes. What verifies:
every key an ID may have been signed with — the one that signs, CERTIFICATE_SECRET, the keyring's,
the derived key in force now and every derived key the keyring recorded as `former` (the writer
records the one in force whenever it is not there yet). So once the repo holds the keyring,
rotating the Argilla key or wiping the disk voids no ID, and IDs signed before the keyring existed
(with a derived key) keep verifying.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PUBLISHED = "certificates"  # the name the writer publishes the keyring under, for its followers
FOLLOW_EVERY = 30.0  # seconds a follower keeps the keyring it read before reading it again


@dataclass(frozen=True)
class Keyring:
    signing: bytes = field(repr=False)
    former: tuple[bytes, ...] = field(default=(), repr=False)  # keys that signed IDs before this one

    @classmethod
    def made(cls) -> Keyring:
        return cls(secrets.token_bytes(32))

    def keeping(self, key: bytes) -> Keyring:
        """This keyring, with `key` among the former ones if it is not there yet."""
        return self if key == self.signing or key in self.former else Keyring(self.signing, (*self.former, key))

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "signing": _text(self.signing), "former": [_text(key) for key in self.former]}

    @classmethod
    def from_json(cls, document: object) -> Keyring | None:
        """The keyring a document holds; None for anything that is not one."""
        if not isinstance(document, dict) or document.get("version") != 1:
            return None
        try:
            signing = base64.b64decode(document["signing"], validate=True)
            former = tuple(base64.b64decode(key, validate=True) for key in document.get("former") or [])
        except (KeyError, TypeError, ValueError):
            return None
        return cls(signing, former) if len(signing) >= 16 else None


class CertificateKeys:
    """The process's keys. `secret`: CERTIFICATE_SECRET's; `derived`: the Argilla key's; the keyring
    comes from the state repo (`adopt`, in the writer) or from what the writer published
    (`published`, in a process that follows it)."""

    def __init__(
        self,
        secret: bytes | None,
        derived: bytes,
        published: Callable[[], Keyring | None] | None = None,
    ):
        self.secret, self.derived = secret, derived
        self._published = published
        self._keyring: Keyring | None = None
        self._read_at = -FOLLOW_EVERY
        self._lock = threading.Lock()

    def adopt(self, keyring: Keyring) -> None:
        with self._lock:
            self._keyring = keyring

    @property
    def keyring(self) -> Keyring | None:
        if self._published is not None and time.monotonic() - self._read_at >= FOLLOW_EVERY:
            try:
                found = self._published()
            except Exception:  # the store cannot be read now: the keyring known stays
                found = None
            with self._lock:
                self._read_at = time.monotonic()
                self._keyring = found or self._keyring
        return self._keyring

    @property
    def signing(self) -> bytes:
        keyring = self.keyring
        return self.secret or (keyring.signing if keyring is not None else self.derived)

    @property
    def verifying(self) -> tuple[bytes, ...]:
        keyring = self.keyring
        held = (keyring.signing, *keyring.former) if keyring is not None else ()
        return tuple(dict.fromkeys(key for key in (self.signing, self.secret, *held, self.derived) if key))

    @property
    def derived_signs(self) -> bool:
        """Do the IDs issued now hang on the Argilla key (no CERTIFICATE_SECRET, no keyring)?"""
        return self.signing == self.derived


def _text(key: bytes) -> str:
    return base64.b64encode(key).decode()
