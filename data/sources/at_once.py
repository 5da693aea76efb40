"""Small requests to one upstream sent at the same time.

Between two Spaces (the board and its Argilla, the board and the Hub) a small answer's time is the
network's round trip, not the upstream's work: a dozen settings, signatures or state files asked
one after another cost a dozen round trips, asked at once about one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

AT_ONCE = 8  # requests under way at a time (huggingface_hub's own snapshot_download uses 8 workers)

T = TypeVar("T")
R = TypeVar("R")


def each(function: Callable[[T], R], items: Iterable[T], name: str = "at-once") -> list[R]:
    """`function` of each item, in order, `AT_ONCE` at a time in threads named `name`; the first
    error raised by one is raised here (after the others under way have ended)."""
    items = list(items)
    if len(items) < 2:
        return [function(item) for item in items]
    with ThreadPoolExecutor(min(len(items), AT_ONCE), thread_name_prefix=name) as pool:
        return list(pool.map(function, items))
