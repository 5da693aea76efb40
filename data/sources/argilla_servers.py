"""What the readers of one Argilla server share in a process (the campaigns of a board on it): one
SDK client, so one login, and the users' names (data/sources/argilla.py reads through them)."""

from __future__ import annotations

import math
import threading
import time
from typing import TYPE_CHECKING

import cachetools

if TYPE_CHECKING:
    import argilla as rg

FULL_READ_USERS_AGE = 60.0  # s: a full read takes the users another campaign's read on the server just took


class Server:
    """What every reader of one Argilla server shares in a process (the campaigns of a board on it):
    one SDK client, so one login, and the users' names, read again only when a response names
    someone they lack. Several campaigns on a server then cost it what one campaign of all their
    datasets costs (bench/servers.py)."""

    def __init__(self) -> None:
        self.client: rg.Argilla | None = None
        self.users: dict[str, str] = {}
        self.users_at = -math.inf  # time.monotonic() of their read
        self.lock = threading.Lock()

    def names(self, client: rg.Argilla, ids: set[str], max_age: float = math.inf) -> dict[str, str]:
        """user id -> username for everyone, read again when it lacks one of `ids` or is older than
        `max_age` seconds (a full read's: an account made since, named in exclude_users, is found)."""
        with self.lock:
            if not ids <= self.users.keys() or time.monotonic() - self.users_at > max_age:
                self.users, self.users_at = {str(user.id): user.username for user in client.users}, time.monotonic()
            return dict(self.users)


_SERVERS: cachetools.TTLCache[tuple[str, str, float], Server] = cachetools.TTLCache(maxsize=16, ttl=3600)
_SERVERS_LOCK = threading.Lock()


def server_of(api_url: str, api_key: str, timeout: float) -> Server:
    """The process's `Server` for this address and key (a new one after an hour: a fresh login)."""
    with _SERVERS_LOCK:
        found = _SERVERS.get((api_url, api_key, timeout))
        if found is None:
            found = _SERVERS[(api_url, api_key, timeout)] = Server()
        return found
