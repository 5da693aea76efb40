"""Values derived from one upstream read, computed once and shared by every viewer.

Keyed by the read they came from (its identity and fetch time), bounded in size and expiring,
so a new read simply stops matching the old entries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import cachetools

V = TypeVar("V")
Key = tuple[Hashable, ...]


class ReadCache:
    def __init__(self, maxsize: int = 128, ttl: float = 600):
        self._cache: cachetools.TTLCache[Key, Any] = cachetools.TTLCache(maxsize=maxsize, ttl=ttl)
        self._lock = threading.Lock()
        self._computing: dict[Key, threading.Event] = {}

    def get(self, read: Any, key: Key, compute: Callable[[], V]) -> V:
        """The value for `key` of `read`, computed by one caller: others asking meanwhile wait for
        it (a burst of first visitors would otherwise each compute the same aggregate)."""
        full_key = (id(read), read.fetched_at, *key)
        while True:
            with self._lock:
                if full_key in self._cache:
                    cached: V = self._cache[full_key]
                    return cached
                computing = self._computing.get(full_key)
                if computing is None:  # ours to compute
                    computing = self._computing[full_key] = threading.Event()
                    break
            computing.wait()  # then the value is there, or its computation failed: ours to try
        try:
            value = compute()
            with self._lock:
                self._cache[full_key] = value
            return value
        finally:
            with self._lock:
                del self._computing[full_key]
            computing.set()

    def __len__(self) -> int:
        return len(self._cache)

    @property
    def maxsize(self) -> int:
        return int(self._cache.maxsize)
