"""Time in one convention: every timestamp the dashboard keeps is timezone-aware UTC, told by the
board's clock: this machine's, or beyond one machine Redis's (`set_offset`), so that what one
replica stamps another measures the age of rightly, whatever their own clocks say."""

from __future__ import annotations

import datetime as dt
import threading

import numpy as np
import pandas as pd

_offset = dt.timedelta(0)  # how far the board's clock is ahead of this machine's


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC) + _offset


def set_offset(seconds: float) -> None:
    """Tell the time by a clock `seconds` ahead of this machine's (data/state/shared.py measures
    Redis's, which every replica shares)."""
    global _offset
    _offset = dt.timedelta(seconds=seconds)


class Clock:
    """The time a background reader reads and the pauses it takes: the system's here; a test gives
    its own (tests/clock.py) to decide when an interval has passed instead of waiting for it."""

    def now(self) -> dt.datetime:
        return utc_now()

    def pause(self, wake: threading.Event, seconds: float) -> bool:
        """Wait `seconds`, or less if `wake` is set meanwhile; whether it was."""
        return wake.wait(seconds)


SYSTEM_CLOCK = Clock()


def utc_timestamp(moment: dt.datetime | pd.Timestamp) -> pd.Timestamp:
    """A moment as an aware UTC timestamp; naive moments are taken to be UTC already."""
    stamp = pd.Timestamp(moment)
    return stamp.tz_convert("UTC") if stamp.tzinfo else stamp.tz_localize("UTC")


def day_start(day: dt.date, zone: str = "UTC") -> pd.Timestamp:
    """00:00 of a calendar day in `zone` (a campaign's days are whole days of its time zone)."""
    return pd.Timestamp(day.year, day.month, day.day).tz_localize(zone, ambiguous=False, nonexistent="shift_forward")


def local_day(moment: dt.datetime, zone: str = "UTC") -> dt.date:
    """The calendar day `moment` falls on in `zone`."""
    day: dt.date = utc_timestamp(moment).tz_convert(zone).date()
    return day


def in_days(times: pd.Series, start: dt.date | None, end: dt.date | None, zone: str = "UTC") -> np.ndarray:
    """Which `times` fall in [start 00:00, end 24:00) of `zone`; either bound may be open. Missing: False."""
    keep = np.ones(len(times), dtype=bool)
    if start is not None:
        keep &= (times >= day_start(start, zone)).fillna(False).to_numpy()
    if end is not None:
        keep &= (times < day_start(end + dt.timedelta(days=1), zone)).fillna(False).to_numpy()
    return keep


def naive_utc(times: pd.Series) -> np.ndarray:
    """UTC timestamps as a plain datetime64 array (a tz-aware `.to_numpy()` builds objects)."""
    return np.asarray(times.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy())
