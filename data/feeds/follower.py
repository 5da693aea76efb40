"""One writer reads, every other process follows what it publishes.

With several processes (scripts/serve), exactly one — the writer — polls Argilla and the Hub,
takes the webhook deliveries and keeps the state on the Hub. It publishes each feed in its store:
the snapshot it already writes after every good read, and a small status document beside it (the
last error, the time of the last good read, the progress of a read in flight, how the campaign
stays current). Every other process serves pages from that: a `Follower` is told by the store the
moment either moves (`watch`: inotify on disk, a Redis channel for processes on other machines)
and loads what did; it also asks the store now and then whether either moved (`stamp`: two `stat`
calls, one small read in Redis) — every `interval` seconds where the store cannot tell, every
`LOOK_EVERY` where it can, in case a word was lost. It never reads an upstream itself.

While the store cannot be read (Redis away), a follower keeps what it serves and says so; one that
has nothing yet (it just started, or was the writer a moment ago) starts from its `fallback`: this
machine's disk, where a writer here kept its last read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

from data.errors import ErrorKind, SourceError
from data.feeds.poller import Holder, PollState, T
from data.in_progress import TAKING_IN
from data.sources.progress import ReadProgress
from data.state.snapshots import Store
from data.times import SYSTEM_CLOCK, Clock

log = logging.getLogger(__name__)
FOLLOW_EVERY = 0.5  # seconds between two looks at what the writer published, where nothing tells
LOOK_EVERY = 5.0  # ... and where the store tells (`Store.watch`)
_STATE_KEYS = {"error", "last_success", "fetches", "progress", "next_at", "created_at", "fetched_at"}


def publish_status(store: Store, name: str, state: PollState[Any], created_at: dt.datetime, **extra: Any) -> None:
    """The writer's side: what a follower needs besides the snapshot."""
    error = state.error
    document = {
        "error": None if error is None else {"kind": error.kind.value, "detail": error.detail},
        "last_success": _iso(state.last_success),
        "fetches": state.fetches,
        "progress": None if state.progress is None else dataclasses.asdict(state.progress),
        "next_at": _iso(state.next_at),
        "created_at": _iso(created_at),
        "fetched_at": _iso(state.value.fetched_at) if state.value is not None else None,
        **extra,
    }
    try:
        store.write_status(name, document)
    except Exception as error:  # a full disk, Redis gone: the writer goes on, its followers wait
        log.warning("%s: could not publish its status (%s)", name, type(error).__name__)


class Follower(Holder[T]):
    """The state a writer process published for one feed, kept current from its store."""

    def __init__(
        self,
        store: Store,
        name: str,
        load: Callable[[], T | None],
        interval: float = FOLLOW_EVERY,
        clock: Clock = SYSTEM_CLOCK,
        fallback: Callable[[], T | None] | None = None,
    ):
        super().__init__(None, f"{name}-follower", clock=clock)
        self.store, self.feed, self.interval = store, name, interval
        self.extra: dict[str, Any] = {}  # what the writer published besides the state (say, the live mode)
        self._load, self._fallback = load, fallback
        self._seen: Any = None
        self._stop = threading.Event()
        self._told = threading.Event()  # the store said the writer published (or the follower stops)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Follower[T]:
        self.refresh()
        with self._lock:
            value = self._last_known()  # nothing published (yet): this machine's last read, if any
            if value is not self._state.value:
                with self._changed:
                    self._set(dataclasses.replace(self._state, value=value))
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()
        return self

    def stop(self, wait: float = 0) -> None:
        self._stop.set()
        self._told.set()

    def wake(self) -> None:
        """Nothing to do: the writer reads; this follower is told what it publishes."""

    def seed(self, value: T) -> bool:
        return False  # only the writer adopts restored state; this process follows what it publishes

    def refresh(self) -> PollState[T]:
        """Look at what was published now; load what moved."""
        with self._lock:
            try:
                seen = self.store.stamp(self.feed)
                if seen != self._seen:
                    self._follow(seen)
            except Exception as error:  # the shared store is down: keep serving what was loaded
                self._unreachable(error)
        return self._state

    def _unreachable(self, error: Exception) -> None:
        """The store cannot be read: say so, with the last state known (or this machine's last read)."""
        state = self._state
        if state.error is not None and state.error.kind is ErrorKind.SHARED_STATE:
            return  # said already
        log.warning("%s: cannot look at the writer's state (%s)", self.name, type(error).__name__)
        self._seen = object()  # whatever the store says once it is back, it is looked at
        with self._changed:
            self._set(dataclasses.replace(state, value=self._last_known(), error=SourceError(ErrorKind.SHARED_STATE)))

    def _last_known(self) -> T | None:
        """What this follower serves, else what a writer on this machine last read (its fallback)."""
        value = self._state.value
        return value if value is not None or self._fallback is None else self._fallback()

    def _follow(self, seen: Any) -> None:
        document = self.store.read_status(self.feed) or {}
        value = self._state.value
        if document.get("fetched_at") != _iso(value.fetched_at if value is not None else None):
            with TAKING_IN:
                loaded = self._load()
            if loaded is None and document.get("fetched_at"):
                return  # caught between the writer's two writes: looked at again next time
            value = loaded if loaded is not None else value
        self._seen = seen
        self.extra = {key: document[key] for key in document if key not in _STATE_KEYS}
        if document.get("created_at"):
            self.created_at = dt.datetime.fromisoformat(document["created_at"])
        error, progress = document.get("error"), document.get("progress")
        state = PollState(
            value=value,
            error=None if not error else SourceError(ErrorKind(error["kind"]), error.get("detail") or ""),
            last_success=_when(document.get("last_success")),
            fetches=int(document.get("fetches") or 0),
            progress=ReadProgress(**progress) if progress else None,
            next_at=_when(document.get("next_at")),
        )
        with self._changed:
            self._set(state)

    def _run(self) -> None:
        unwatch = self.store.watch(self.feed, self._told.set)
        every = self.interval if unwatch is None else max(self.interval, LOOK_EVERY)
        self._told.set()  # a look now: what was published before the watch began
        try:
            while not self._stop.is_set():
                self.clock.pause(self._told, every)
                self._told.clear()
                if self._stop.is_set():
                    return
                try:
                    self.refresh()
                except Exception:  # a half-written document, a bug: keep serving what was loaded
                    log.exception("%s: could not follow the writer", self.name)
        finally:
            if unwatch is not None:
                unwatch()


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None
