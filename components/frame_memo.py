"""What a component derives from a frame it is given, kept while the same frame object is drawn again.

A page is given a read's memoised frames (data/feeds/campaign_read.py): the same objects on every
run and for every viewer until the next read. What a component makes of one — a table's cells as
text in the page's language, a chart's fingerprint — is the same each time, and a validation reruns
every open page that shows it: its author's, in every tab, first (BENCHMARKS.md section 15). So it
is made once per frame object and kept here, process-wide, with a bound in cells and a time to live.
An entry holds its frame, so that the frame's `id` is not another's while the entry lives.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import cachetools
import pandas as pd

T = TypeVar("T")
OVERHEAD = 500  # cells an entry counts besides its frame's: a small frame's objects weigh as much


class FrameMemo:
    """Values derived from frames, by the frame object and what was derived (`key`); `made` counts
    the values computed (not found kept)."""

    def __init__(self, cells: int, ttl: float, timer: Callable[[], float] = time.monotonic):
        self._kept: cachetools.TTLCache[tuple[int, Hashable], tuple[pd.DataFrame, Any]] = cachetools.TTLCache(
            maxsize=cells, ttl=ttl, timer=timer, getsizeof=lambda entry: entry[0].size + OVERHEAD
        )
        self._lock = threading.Lock()
        self.made = 0

    def get(self, frame: pd.DataFrame, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` the first time `key` is asked of this `frame` object, kept after."""
        with self._lock:
            kept = self._kept.get((id(frame), key))
        if kept is not None and kept[0] is frame:
            value: T = kept[1]
            return value
        value = compute()
        with self._lock:
            self.made += 1
            try:
                self._kept[(id(frame), key)] = (frame, value)
            except ValueError:  # a frame larger than the whole bound: made again each time
                pass
        return value


# A page's frames change with every read (a busy campaign: every few seconds), and its open tabs
# rerun within seconds of it: two minutes, and at most about a thousand small frames (tens of MB).
DERIVED = FrameMemo(cells=500_000, ttl=120)
