"""One background refresher per upstream and process, shared by every viewer.

Renders only read `Poller.state`; they never wait on the network. A refresh is single-flight:
callers that arrive while one runs wait for it instead of starting another.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from data.errors import ErrorKind, SourceError

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollState(Generic[T]):
    value: T | None
    error: SourceError | None
    last_success: dt.datetime | None
    fetches: int


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Poller(Generic[T]):
    """Calls `fetch` every `interval` seconds in a daemon thread and keeps the last good value."""

    def __init__(
        self,
        fetch: Callable[[], T],
        interval: float,
        initial: T | None = None,
        on_success: Callable[[T], None] | None = None,
        name: str = "poller",
    ):
        self._fetch = fetch
        self._on_success = on_success
        self.interval = interval
        self.name = name
        self._state: PollState[T] = PollState(initial, None, None, 0)
        self._refresh_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> PollState[T]:
        return self._state

    def start(self) -> Poller[T]:
        with self._state_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def refresh(self) -> PollState[T]:
        """Fetch now unless a fetch is already running, in which case wait for that one."""
        if not self._refresh_lock.acquire(blocking=False):
            with self._refresh_lock:
                return self._state
        try:
            self._refresh_once()
        finally:
            self._refresh_lock.release()
        return self._state

    def _refresh_once(self) -> None:
        started = utc_now()
        try:
            value = self._fetch()
        except SourceError as error:
            self._record(error=error, started=started)
            return
        except Exception as error:  # a bug or an unforeseen upstream shape: keep serving
            log.exception("%s: unexpected failure", self.name)
            self._record(error=SourceError(ErrorKind.BAD_DATA, type(error).__name__), started=started)
            return
        if self._on_success is not None:
            try:
                self._on_success(value)
            except OSError:
                log.exception("%s: could not store the snapshot", self.name)
        self._record(value=value, started=started)

    def _record(self, started: dt.datetime, value: T | None = None, error: SourceError | None = None) -> None:
        with self._state_lock:
            old = self._state
            if error is None:
                self._state = PollState(value, None, started, old.fetches + 1)
            else:
                log.warning("%s: refresh failed (%s)", self.name, error.kind.value)
                self._state = PollState(old.value, error, old.last_success, old.fetches + 1)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.refresh()
            error = self._state.error
            wait = self.interval
            if error is not None and error.retry_after:
                wait = max(wait, error.retry_after)
            self._stop.wait(wait)


@dataclass(frozen=True)
class FeedView(Generic[T]):
    """What a page render needs to know about the data it shows: the value, and how fresh."""

    value: T
    mode: str  # "live" | "snapshot" | "demo"
    state: PollState[T] | None

    @property
    def age(self) -> dt.timedelta:
        return utc_now() - self.value.fetched_at

    @classmethod
    def of(cls, poller: Poller[T] | None, demo: Callable[[], T]) -> FeedView[T]:
        """Live after a good poll, the last snapshot after a failed one, else the demo."""
        if poller is None:
            return cls(demo(), "demo", None)
        state = poller.state
        if state.value is None:
            return cls(demo(), "demo", state)
        mode = "live" if state.last_success is not None and state.error is None else "snapshot"
        return cls(state.value, mode, state)


_shared: dict[tuple, object] = {}
_shared_lock = threading.Lock()


def process_wide(key: tuple, factory: Callable[[], T]) -> T:
    """One object per key for the whole process (so every session shares one poller)."""
    with _shared_lock:
        if key not in _shared:
            _shared[key] = factory()
        return _shared[key]
