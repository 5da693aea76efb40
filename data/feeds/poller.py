"""One background reader per upstream and process, shared by every viewer.

Renders only read `Poller.state`; they never wait on the network (except, once per session, a
bounded wait for the very first read: `wait_for_first`). A refresh is single-flight: callers that
arrive while one runs wait for it instead of starting another. The read reports its progress
(`ReadProgress`) so a first visitor can see what is being read. Whoever holds a state (a `Poller`,
or a `Follower` in a process that serves what another one reads) tells `watch`ers when it moves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from data.errors import ErrorKind, SourceError
from data.sources.progress import ReadProgress, Report
from data.times import SYSTEM_CLOCK, Clock, utc_now

log = logging.getLogger(__name__)
_watchers: list[Callable[[], None]] = []


def watch(callback: Callable[[], None]) -> None:
    """Call `callback` (from any thread; it must not block) whenever any feed's state moves."""
    if callback not in _watchers:
        _watchers.append(callback)


class Timestamped(Protocol):
    @property
    def fetched_at(self) -> dt.datetime: ...


T = TypeVar("T", bound=Timestamped)


@dataclass(frozen=True)
class PollState(Generic[T]):
    value: T | None
    error: SourceError | None
    last_success: dt.datetime | None
    fetches: int
    progress: ReadProgress | None = None  # how far the read in flight got
    next_at: dt.datetime | None = None  # when the background thread reads next


class Holder(ABC, Generic[T]):
    """A feed's state, what waits for it to change, and who hears of each change."""

    def __init__(
        self,
        initial: T | None,
        name: str,
        on_state: Callable[[PollState[T]], None] | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ):
        self.name = name
        self.clock = clock
        self.created_at = clock.now()  # since when this feed waits for its first read
        self._state: PollState[T] = PollState(initial, None, None, 0)
        self._on_state = on_state
        self._changed = threading.Condition()

    @property
    def state(self) -> PollState[T]:
        return self._state

    def wait_for_first(self, timeout: float, early: bool = False) -> PollState[T]:
        """Wait up to `timeout` s until a read attempt has ended or there is a value: a full one,
        or with `early` a first look too (a page can show one; what needs the full read cannot)."""

        def landed() -> bool:
            value = self._state.value
            return self._state.fetches > 0 or value is not None and (early or not provisional(value))

        with self._changed:
            self._changed.wait_for(landed, timeout)
            return self._state

    @property
    @abstractmethod
    def running(self) -> bool: ...

    @abstractmethod
    def start(self) -> Holder[T]: ...

    @abstractmethod
    def stop(self, wait: float = 0) -> None: ...

    @abstractmethod
    def wake(self) -> None:
        """Read (or look at what was published) now rather than at the end of the interval."""

    @abstractmethod
    def refresh(self) -> PollState[T]: ...

    @abstractmethod
    def seed(self, value: T) -> bool:
        """Adopt `value` (state restored from elsewhere) if there is none yet or it is newer."""

    def _set(self, state: PollState[T]) -> None:
        """Replace the state (caller holds `_changed`) and wake whoever waits for a change."""
        self._state = state
        self._changed.notify_all()
        if self._on_state is not None:
            self._on_state(state)
        for callback in _watchers:
            callback()


class Poller(Holder[T]):
    """Calls `read(report)` every `interval` seconds in a daemon thread and keeps the last good value."""

    def __init__(
        self,
        read: Callable[[Report], T],
        interval: float,
        initial: T | None = None,
        on_success: Callable[[T], None] | None = None,
        name: str = "poller",
        on_state: Callable[[PollState[T]], None] | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ):
        super().__init__(initial, name, on_state, clock)
        self._read = read
        self._on_success = on_success
        self.interval = interval
        self._refresh_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Poller[T]:
        with self._changed:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
        return self

    def stop(self, wait: float = 0) -> None:
        """Stop polling; with `wait`, give a read in flight that long to finish."""
        self._stop.set()
        self._wake.set()
        if wait and self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(wait)

    def wake(self) -> None:
        self._wake.set()

    def refresh(self) -> PollState[T]:
        """Read now unless a read is already running, in which case wait for that one."""
        if not self._refresh_lock.acquire(blocking=False):
            with self._refresh_lock:
                return self._state
        try:
            self._refresh_once()
        finally:
            self._refresh_lock.release()
        return self._state

    def seed(self, value: T) -> bool:
        with self._changed:
            current = self._state.value
            if current is not None and not provisional(current) and current.fetched_at >= value.fetched_at:
                return False
            self._set(dataclasses.replace(self._state, value=value))
            return True

    def offer(self, value: T) -> bool:
        """A provisional value while the first read is in flight (a cold start's first look), taken
        only while there is none; the read replaces it when it lands."""
        with self._changed:
            if self._state.value is not None:
                return False
            self._set(dataclasses.replace(self._state, value=value))
            return True

    def _report(self, progress: ReadProgress) -> None:
        with self._changed:
            self._set(dataclasses.replace(self._state, progress=progress))

    def _refresh_once(self) -> None:
        started = self.clock.now()
        with self._changed:
            self._set(dataclasses.replace(self._state, progress=None))
        try:
            value = self._read(self._report)
        except SourceError as error:
            self._record(error=error, started=started)
            return
        except Exception as error:  # a bug or an unforeseen upstream shape: keep serving
            log.exception("%s: unexpected failure", self.name)
            self._record(error=SourceError(ErrorKind.BAD_DATA, type(error).__name__), started=started)
            return
        if self._on_success is not None and value is not self._state.value:  # the same value: nothing to store
            try:
                self._on_success(value)
            except Exception:  # a full disk, a frame the snapshot cannot write: the read is still shown
                log.exception("%s: could not store the snapshot", self.name)
        self._record(value=value, started=started)

    def _record(self, started: dt.datetime, value: T | None = None, error: SourceError | None = None) -> None:
        with self._changed:
            old = self._state
            if error is None:
                self._set(PollState(value, None, started, old.fetches + 1))
            else:
                log.warning("%s: refresh failed (%s)", self.name, error.kind.value)
                self._set(PollState(old.value, error, old.last_success, old.fetches + 1))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            wait, hold = self.interval, 0.0
            try:
                self.refresh()
                error = self._state.error
                if error is not None and error.retry_after:
                    wait = hold = max(wait, error.retry_after)
                with self._changed:
                    self._set(dataclasses.replace(self._state, next_at=self.clock.now() + dt.timedelta(seconds=wait)))
            except Exception:  # a status that cannot be published, a watcher's bug: poll again next time
                log.exception("%s: the poll loop failed; polling again in %s s", self.name, wait)
            # asked to wait (429, Retry-After): nothing wakes it sooner, not even a webhook delivery
            self.clock.pause(self._stop if hold else self._wake, wait)


def provisional(value: object) -> bool:
    """Is this a first look (a campaign's counts before its full read), which any full value beats?"""
    return bool(getattr(value, "provisional", False))


class Mode(StrEnum):
    """How current what a feed shows is (see FeedView)."""

    LIVE = "live"
    EARLY = "early"
    STALE = "stale"
    FIRST_READ = "first_read"
    DEMO = "demo"
    OFF = "off"


@dataclass(frozen=True)
class FeedView(Generic[T]):
    """What a page render needs to know about a feed: its value, and how fresh.

    `mode`: "live" (the last read succeeded), "early" (a first look while the first full read is
    under way: data.model.frames.Campaign.provisional), "stale" (last good data: a later read failed, or
    state restored at start before the first read), "first_read" (no data yet: a read is under
    way or failing; `value` is None), "demo" (nothing is configured), "off" (this feed has no
    source while others do; `value` is None).
    """

    value: T | None
    mode: Mode
    state: PollState[T] | None
    since: dt.datetime | None = None  # when the feed started waiting for its first read

    @property
    def checked_at(self) -> dt.datetime:
        """Since when the data is known to be current: the last successful read or check (the value
        itself may be older when nothing changed since), else when it was read."""
        if self.value is None:
            raise ValueError(f"a {self.mode} view holds no data, so no date")
        last = self.state.last_success if self.state is not None and self.mode == Mode.LIVE else None
        return max(self.value.fetched_at, last) if last else self.value.fetched_at

    @property
    def age(self) -> dt.timedelta:
        return utc_now() - self.checked_at

    @classmethod
    def of(cls, poller: Holder[T]) -> FeedView[T]:
        state = poller.state
        if state.value is None:
            return cls(None, Mode.FIRST_READ, state, poller.created_at)
        if provisional(state.value):
            return cls(state.value, Mode.EARLY, state, poller.created_at)
        live = state.last_success is not None and state.error is None
        return cls(state.value, Mode.LIVE if live else Mode.STALE, state)
