"""Fingerprints of what a page shows: an open tab compares the one it was drawn with against the
current one and reruns only when they differ (a poll that found nothing new changes none of them).

`content` fingerprints frames; `user_digests` gives, for every ranked name, a fingerprint of what
*Mi posición* shows of the ranking for them: their row, the rows around it (the neighbours table)
and how many are ranked, led by a fingerprint of their own figures alone (`own`: their row but its
rank). A validation changes its author's own figures and only the neighbourhood of a few others —
the ranks of everyone it passes among them, a whole group of ties at once —, and the author's page
is the one worth drawing first. Each part is 16 hex digits; computed once per read, vectorised.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

NEIGHBOURS = 2  # rows above and below the person's own, as the neighbours table shows
RANK = "rank"  # the column a person's own figures leave out
OWN = "~"  # ends the fingerprint of a person's own figures, at the head of their page's
_MIX = np.uint64(0x9E3779B97F4A7C15)


def content(*parts: pd.DataFrame | str) -> str:
    """One fingerprint of frames (their values, not their index) and plain values."""
    digest = hashlib.blake2b(digest_size=8)
    for part in parts:
        if isinstance(part, pd.DataFrame):
            digest.update(pd.util.hash_pandas_object(part, index=False).to_numpy().tobytes())
            digest.update(",".join(map(str, part.columns)).encode())
        else:
            digest.update(str(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def user_key(username: str) -> str:
    """The key of one person's page among the fingerprints (a name may be long or hostile)."""
    return "u" + hashlib.blake2b(username.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def own(version: str) -> str:
    """The fingerprint of a person's own figures at the head of a version ("" for a version without)."""
    head, separator, _ = version.partition(OWN)
    return head if separator else ""


def user_digests(table: pd.DataFrame, salt: str = "") -> dict[str, str]:
    """`user_key(name)` -> "<own figures>~<the rows Mi posición shows for that name, in ranking
    order>"; `salt` (say, the day of the data: the streak counts up to it) is mixed into every one.
    A person's own figures are their row but its rank: someone else's validation moves a rank, and
    whose own figures moved is whose page reruns first (server.changes.tier_of)."""
    if table.empty:
        return {}
    figures = pd.util.hash_pandas_object(table.drop(columns=RANK), index=False).to_numpy()
    with np.errstate(over="ignore"):
        rows = figures * _MIX + pd.util.hash_pandas_object(table[RANK], index=False).to_numpy()
    count = len(rows)
    padded = np.concatenate([np.zeros(NEIGHBOURS, np.uint64), rows, np.zeros(NEIGHBOURS, np.uint64)])
    mixed = np.full(count, np.uint64(count) ^ np.uint64(int(content(salt), 16)), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(2 * NEIGHBOURS + 1):  # the window around each row, order-sensitive
            mixed = mixed * _MIX + padded[offset : offset + count]
    names = table["username"].astype(str).tolist()
    salted = figures ^ np.uint64(int(content(salt), 16))
    return {
        user_key(name): f"{mine:016x}{OWN}{value:016x}"
        for name, mine, value in zip(names, salted.tolist(), mixed.tolist())
    }
