"""A clock the test moves: a background reader's pauses are recorded and last until the test ends
them, so a test says "the interval has passed" instead of waiting for it."""

from __future__ import annotations

import datetime as dt
import threading

from data.times import Clock


class ManualClock(Clock):
    def __init__(self, start: dt.datetime = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)):
        self.current = start
        self.pauses: list[float] = []  # the seconds of every pause asked for, in order
        self._passed = threading.Condition()
        self._ended = 0  # how many pauses the test has ended

    def now(self) -> dt.datetime:
        return self.current

    def pause(self, wake: threading.Event, seconds: float) -> bool:
        """Until the test calls `advance` (False: the time passed) or `wake` is set (True)."""
        with self._passed:
            self.pauses.append(seconds)
            mine = len(self.pauses)
            self._passed.notify_all()
            while self._ended < mine and not wake.is_set():
                self._passed.wait(0.01)  # `wake` is an Event of the reader's own: look at it often
            return self._ended < mine

    def advance(self) -> None:
        """The pause under way is over: its seconds pass."""
        with self._passed:
            self.current += dt.timedelta(seconds=self.pauses[-1])
            self._ended = len(self.pauses)
            self._passed.notify_all()
