"""Work under way in this process, counted where it runs and read by whoever schedules around it.

`TAKING_IN` counts the new states of feeds being taken in (a delivery applied, a read normalised
and aggregated, a writer's snapshot loaded by a follower): while one is, server/changes starts no
background rerun — it would draw the state being replaced, and take the interpreter from the work
that brings the new one to every open page.
"""

from __future__ import annotations

import threading


class InProgress:
    """How many of one kind of work are under way in this process (a context manager per piece)."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def __call__(self) -> int:
        return self._count

    def __enter__(self) -> InProgress:
        with self._lock:
            self._count += 1
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._count -= 1


TAKING_IN = InProgress()
