"""Certificate IDs that anyone can check and nobody can forge, and that stay valid.

An ID carries what the certificate states — who, how many validations and corrections, the day it
was issued, which campaign — and an HMAC-SHA256 of those bytes with a server secret, truncated to
96 bits, in URL-safe base64. Checking needs no stored list: any process holding the secret verifies
any ID, after a restart or on another replica. Nothing in an ID is more than the public ranking
shows (a username, two counts, a date).

Which campaign (`CampaignMark`): a tag of its slug and one of its datasets. A campaign with a slug
of its own ([campaign] slug) knows its IDs by the slug alone; one whose slug is made from its title
also by its datasets, so renaming the title or adding a dataset voids nothing (doing both at once
does: give it a slug). Two campaigns on the same datasets are told apart by their slugs when
either has one of its own (without, they are one campaign to their IDs).

Version 1 IDs (before slugs) carry one tag of the title and the datasets together. One whose tag is
no longer this campaign's (the title was renamed since) verifies where the campaign's own ranking
bears it out (`bears_out`: its holder has at least the validations it states here), so an ID of
another campaign never states here what is not true of this one.

Layout (version 2): version (1 byte) · slug tag (3) · datasets tag (3) · issue day since
2020-01-01 (2) · validations (3) · corrections (3) · username (UTF-8, the rest) · MAC (12).
Version 1: the same with one campaign tag (3) in place of the two.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass

VERSION = 2
HEADERS = {1: 1 + 3 + 2 + 3 + 3, 2: 1 + 6 + 2 + 3 + 3}  # version -> bytes before the username
EPOCH = dt.date(2020, 1, 1)
MAC_BYTES = 12
LONGEST = 200  # characters of an ID worth decoding (a username of ~130 bytes)


@dataclass(frozen=True)
class Credential:
    username: str
    validations: int
    corrections: int
    issued: dt.date
    campaign: bytes  # the campaign's tags the ID carries (CampaignMark.tags; 3 bytes in version 1)


@dataclass(frozen=True)
class CampaignMark:
    """What names a campaign in its IDs. `own_slug`: the slug is the campaign's own, not made from
    its title (which a rename changes)."""

    slug: str
    datasets: tuple[str, ...]
    own_slug: bool
    title: str = ""  # for version 1 IDs, tagged with it

    @property
    def tags(self) -> bytes:
        """The slug's tag, then the datasets' (for a slug of its own, the slug's again, differently
        hashed: another campaign on the same datasets never matches it)."""
        second = _tag("own slug", self.slug) if self.own_slug else _tag("datasets", *sorted(self.datasets))
        return _tag("slug", self.slug) + second

    def knows(self, tags: bytes) -> bool:
        ours = self.tags
        return tags[:3] == ours[:3] or not self.own_slug and tags[3:] == ours[3:]


def campaign_tag(title: str, datasets: Iterable[str]) -> bytes:
    """Version 1's tag: the title and the datasets together."""
    text = "\n".join([title, *sorted(datasets)])
    return hashlib.sha256(text.encode()).digest()[:3]


def _tag(kind: str, *parts: str) -> bytes:
    return hashlib.sha256("\n".join([kind, *parts]).encode()).digest()[:3]


def issue(credential: Credential, key: bytes) -> str:
    """The ID of `credential`, signed with `key` (version 2: `campaign` is a mark's `tags`)."""
    counts = (min(credential.validations, 2**24 - 1), min(credential.corrections, 2**24 - 1))
    version = 2 if len(credential.campaign) == 6 else 1
    body = (
        bytes([version])
        + credential.campaign
        + (credential.issued - EPOCH).days.to_bytes(2, "big")
        + b"".join(count.to_bytes(3, "big") for count in counts)
        + credential.username.encode("utf-8")
    )
    return base64.urlsafe_b64encode(body + _mac(body, key)).decode().rstrip("=")


def verify(
    token: str, keys: tuple[bytes, ...], mark: CampaignMark, bears_out: Callable[[Credential], bool] | None = None
) -> Credential | None:
    """The credential an ID states, if it was issued with one of `keys` for the campaign `mark`
    names; a version 1 ID whose tag is not this campaign's title and datasets verifies if `bears_out` it."""
    credential = next(filter(None, (_decoded(token, key) for key in keys)), None)
    if credential is None:
        return None
    if len(credential.campaign) == 6:
        return credential if mark.knows(credential.campaign) else None
    if credential.campaign == campaign_tag(mark.title, mark.datasets):
        return credential
    return credential if bears_out is not None and bears_out(credential) else None


def _decoded(token: str, key: bytes) -> Credential | None:
    """What a well-formed ID signed with `key` states; None for anything else."""
    token = (token or "").strip()
    if not token or len(token) > LONGEST:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    body, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
    header = HEADERS.get(body[0]) if body else None
    if header is None or len(body) <= header or not hmac.compare_digest(mac, _mac(body, key)):
        return None
    try:
        username = body[header:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    counts = body[header - 8 : header]
    return Credential(
        username=username,
        validations=int.from_bytes(counts[2:5], "big"),
        corrections=int.from_bytes(counts[5:8], "big"),
        issued=EPOCH + dt.timedelta(days=int.from_bytes(counts[:2], "big")),
        campaign=body[1 : header - 8],
    )


def _mac(body: bytes, key: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()[:MAC_BYTES]
