"""One writer reads, every other process follows what it publishes.

With several processes (scripts/serve), exactly one — the writer — polls Argilla and the Hub,
takes the webhook deliveries and keeps the state on the Hub. It publishes each feed in its data
directory: the snapshot it already writes after every good read, and a small status file beside it
(`<feed>.status.json`: the last error, the time of the last good read, the progress of a read in
flight, how the campaign stays current). Every other process serves pages from that: a `Follower`
looks at the two files every `interval` seconds (two `stat` calls) and loads what moved. It never
reads an upstream itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from data.errors import ErrorKind, SourceError
from data.feeds.poller import Holder, PollState, T
from data.sources.progress import ReadProgress
from data.state.snapshots import atomic_write

log = logging.getLogger(__name__)
FOLLOW_EVERY = 0.5  # seconds between two looks at what the writer published


def status_path(directory: Path, name: str) -> Path:
    return Path(directory) / f"{name}.status.json"


def publish_status(directory: Path, name: str, state: PollState, created_at: dt.datetime, **extra: Any) -> None:
    """The writer's side: what a follower needs besides the snapshot (written atomically)."""
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
        Path(directory).mkdir(parents=True, exist_ok=True)
        atomic_write(status_path(directory, name), json.dumps(document))
    except OSError as error:
        log.warning("%s: could not publish its status (%s)", name, type(error).__name__)


class Follower(Holder[T]):
    """The state a writer process published for one feed, kept current from its files."""

    def __init__(self, directory: Path, name: str, load: Callable[[], T | None], interval: float = FOLLOW_EVERY):
        super().__init__(None, f"{name}-follower")
        self.directory = Path(directory)
        self.feed = name
        self.interval = interval
        self.extra: dict[str, Any] = {}  # what the writer published besides the state (say, the live mode)
        self._load = load
        self._seen: tuple = (None, None)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Follower[T]:
        self.refresh()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()
        return self

    def stop(self, wait: float = 0) -> None:
        self._stop.set()

    def wake(self) -> None:
        """Nothing to do: the writer reads; what it publishes is looked at every `interval`."""

    def seed(self, value: T) -> bool:
        return False  # only the writer adopts restored state; this process follows what it publishes

    def refresh(self) -> PollState[T]:
        """Look at the published files now; load what moved."""
        with self._lock:
            seen = (_stamp(self.directory / f"{self.feed}.current"), _stamp(status_path(self.directory, self.feed)))
            if seen != self._seen:
                self._follow(seen)
        return self._state

    def _follow(self, seen: tuple) -> None:
        value = self._state.value
        if seen[0] != self._seen[0]:
            loaded = self._load()
            if loaded is None and seen[0] is not None:
                return  # caught between the writer's files: looked at again next time
            value = loaded if loaded is not None else value
        document = _read_json(status_path(self.directory, self.feed)) or {}
        self._seen = seen
        self.extra = {key: document[key] for key in document if key not in _STATE_KEYS}
        if "created_at" in document and document["created_at"]:
            self.created_at = dt.datetime.fromisoformat(document["created_at"])
        error = document.get("error")
        progress = document.get("progress")
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
        while not self._stop.wait(self.interval):
            try:
                self.refresh()
            except Exception:  # a half-written file, a bug: keep serving what was loaded
                log.exception("%s: could not follow the writer", self.name)


_STATE_KEYS = {"error", "last_success", "fetches", "progress", "next_at", "created_at", "fetched_at"}


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


def _read_json(path: Path) -> dict | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None
