"""Certificate IDs that anyone can check and nobody can forge.

An ID carries what the certificate states — who, how many validations and corrections, the day it
was issued, which campaign (a short tag of its title and datasets) — and an HMAC-SHA256 of those
bytes with a server secret, truncated to 96 bits, in URL-safe base64. Checking needs no stored
list: any process holding the secret verifies any ID, after a restart or on another replica.
Nothing in an ID is more than the public ranking shows (a username, two counts, a date).

Layout: version (1 byte) · campaign tag (3) · issue day since 2020-01-01 (2) · validations (3) ·
corrections (3) · username (UTF-8, the rest) · MAC (12).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

VERSION = 1
EPOCH = dt.date(2020, 1, 1)
MAC_BYTES = 12
HEADER = 1 + 3 + 2 + 3 + 3
LONGEST = 200  # characters of an ID worth decoding (a username of ~130 bytes)


@dataclass(frozen=True)
class Credential:
    username: str
    validations: int
    corrections: int
    issued: dt.date
    campaign: bytes  # campaign_tag(...)


def campaign_tag(title: str, datasets: Iterable[str]) -> bytes:
    """Three bytes naming a campaign: an ID issued for another campaign does not verify here."""
    text = "\n".join([title, *sorted(datasets)])
    return hashlib.sha256(text.encode()).digest()[:3]


def issue(credential: Credential, key: bytes) -> str:
    """The ID of `credential`, signed with `key`."""
    counts = (min(credential.validations, 2**24 - 1), min(credential.corrections, 2**24 - 1))
    body = (
        bytes([VERSION])
        + credential.campaign
        + (credential.issued - EPOCH).days.to_bytes(2, "big")
        + b"".join(count.to_bytes(3, "big") for count in counts)
        + credential.username.encode("utf-8")
    )
    return base64.urlsafe_b64encode(body + _mac(body, key)).decode().rstrip("=")


def verify(token: str, key: bytes, campaign: bytes) -> Credential | None:
    """The credential an ID states, if it was issued with `key` for `campaign`; else None."""
    token = (token or "").strip()
    if not token or len(token) > LONGEST:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    body, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
    if len(body) <= HEADER or body[0] != VERSION or not hmac.compare_digest(mac, _mac(body, key)):
        return None
    if body[1:4] != campaign:
        return None
    try:
        username = body[HEADER:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return Credential(
        username=username,
        validations=int.from_bytes(body[6:9], "big"),
        corrections=int.from_bytes(body[9:12], "big"),
        issued=EPOCH + dt.timedelta(days=int.from_bytes(body[4:6], "big")),
        campaign=campaign,
    )


def _mac(body: bytes, key: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()[:MAC_BYTES]
