"""Process-wide objects (the running services), one per kind, for the configuration in force.

Every session asks for the services of the configuration it read; they are built once and shared.
When the configuration changes (campaign.toml edited, another environment in tests), the old
object is stopped and dropped before the new one is returned, so no poller outlives its
configuration.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Protocol, TypeVar


class Stoppable(Protocol):
    def stop(self) -> None: ...


S = TypeVar("S", bound=Stoppable)

_current: dict[str, tuple[Hashable, Stoppable]] = {}
_lock = threading.Lock()


def current(kind: str, key: Hashable, build: Callable[[], S]) -> S:
    """The live object of `kind` for `key`, building it (and stopping its predecessor) if needed."""
    with _lock:
        entry = _current.get(kind)
        if entry is not None and entry[0] == key:
            return entry[1]  # type: ignore[return-value]
        if entry is not None:
            entry[1].stop()
        value = build()
        _current[kind] = (key, value)
        return value


def peek(kind: str) -> Stoppable | None:
    """The live object of `kind`, if any (for code outside a session, e.g. an HTTP route)."""
    with _lock:
        entry = _current.get(kind)
    return entry[1] if entry is not None else None


def drop(kind: str) -> None:
    """Stop and forget the object of `kind` (at shutdown)."""
    with _lock:
        entry = _current.pop(kind, None)
    if entry is not None:
        entry[1].stop()
