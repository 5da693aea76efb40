"""Process-wide objects (the running services), one per kind, for the configuration in force.

Every session asks for the services of the configuration it read; they are built once and shared.
When the configuration changes (campaign.toml edited, another environment in tests, the writer's
lease gained or lost), the old object is stopped and dropped before the new one is built, so no
poller outlives its configuration. Stopping and building may reach the network (Redis, for the
lease and what the writer published): they hold only their own kind's lock, never the one `peek`
takes, so an HTTP route or a page of another kind never waits on them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Protocol, TypeVar


class Stoppable(Protocol):
    def stop(self) -> None: ...


S = TypeVar("S", bound=Stoppable)

_current: dict[str, tuple[Hashable, Stoppable]] = {}
_lock = threading.Lock()  # guards `_current` alone, for a dictionary's read or write
_building: dict[str, threading.Lock] = {}  # one per kind: its builds, one at a time


def current(kind: str, key: Hashable, build: Callable[[], S]) -> S:
    """The live object of `kind` for `key`, building it (and stopping its predecessor) if needed."""
    found = _entry(kind, key)
    if found is not None:
        return found  # type: ignore[return-value]
    with _lock:
        building = _building.setdefault(kind, threading.Lock())
    with building:
        found = _entry(kind, key)  # built by whoever held the lock before us
        if found is not None:
            return found  # type: ignore[return-value]
        old = peek(kind)  # kept for `peek` until its successor is there: stopped, it still holds its state
        if old is not None:
            old.stop()
        value = build()
        with _lock:
            _current[kind] = (key, value)
        return value


def _entry(kind: str, key: Hashable) -> Stoppable | None:
    entry = _live(kind)
    return entry[1] if entry is not None and entry[0] == key else None


def _live(kind: str) -> tuple[Hashable, Stoppable] | None:
    with _lock:
        return _current.get(kind)


def key_of(kind: str) -> Hashable | None:
    """The key the live object of `kind` was built for, if any."""
    entry = _live(kind)
    return entry[0] if entry is not None else None


def peek(kind: str) -> Stoppable | None:
    """The live object of `kind`, if any (for code outside a session, e.g. an HTTP route)."""
    entry = _live(kind)
    return entry[1] if entry is not None else None


def drop(kind: str) -> None:
    """Stop and forget the object of `kind` (at shutdown)."""
    with _lock:
        entry = _current.pop(kind, None)
    if entry is not None:
        entry[1].stop()
