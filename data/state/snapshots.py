"""The last good frames on disk: parquet files written atomically, with when they were fetched.

A snapshot is a folder of parquet files plus `meta.json` (fetch time, source); a pointer
file `<name>.current` names the complete folder. The folder is written first and the pointer
replaced last (`os.replace`), so a process killed mid-write leaves the previous snapshot in force.
The `KEEP` newest folders stay, so a process reading the snapshot another one just replaced (a
follower, data/feeds/follower.py) still finds the files its pointer named. Beside each snapshot the
writer keeps a small status document (`<name>.status.json`); `stamp` tells a follower, with two
`stat` calls, whether either moved, and `watch` tells it the moment either is replaced (inotify,
through watchdog), so that it need not ask often. data/state/shared.py stores the same in Redis,
for processes on other machines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from data.model.frames import Campaign, no_counts, typed_counts, typed_records, typed_responses
from data.model.mismatches import no_mismatches, typed_mismatches
from data.model.projects import Projects
from data.sources.hub import RAW_PROJECT_COLUMNS

log = logging.getLogger(__name__)
KEEP = 3  # snapshot folders kept per name: the current one and two before it
Status = dict[str, Any]  # a writer's status document (JSON)


def _written_at(folder: Path) -> int:
    """Folders are named `<name>-<time_ns>-<random>`: their age, whatever the name holds."""
    try:
        return int(folder.name.rsplit("-", 2)[-2])
    except ValueError:
        return 0


@dataclass(frozen=True)
class Snapshot:
    frames: dict[str, pd.DataFrame]
    fetched_at: dt.datetime
    source: str = ""  # which upstream it was read from (see `source_id`): another one's is not ours


class Store(Protocol):
    """Where reads are kept and a writer publishes them for its followers: `SnapshotStore` (a
    folder), data.state.shared's `SharedStore` (Redis) and `Mirror` (both)."""

    def save(self, name: str, snapshot: Snapshot) -> None: ...

    def load(self, name: str) -> Snapshot | None: ...

    def write_status(self, name: str, document: Status) -> None: ...

    def read_status(self, name: str) -> Status | None: ...

    def stamp(self, name: str) -> object:
        """Anything that changes whenever the snapshot or the status of `name` is replaced."""

    def watch(self, name: str, wake: Callable[[], None]) -> Callable[[], None] | None:
        """Call `wake` (from a thread of the store's) whenever `stamp(name)` may have moved; the
        function that stops it, or None where this store cannot tell (then only `stamp` can)."""


class SnapshotStore:
    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory)

    def save(self, name: str, snapshot: Snapshot) -> None:
        """Write a complete snapshot, then switch the pointer to it and drop older ones."""
        self.directory.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"{name}-{time.time_ns()}-", dir=self.directory))
        try:
            for key, frame in snapshot.frames.items():
                frame.to_parquet(folder / f"{key}.parquet", index=False)
            meta = {"fetched_at": snapshot.fetched_at.isoformat(), "source": snapshot.source}
            (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            _fsync_dir(folder)
            atomic_write(self.directory / f"{name}.current", folder.name)
        except BaseException:  # a full disk, a frame that cannot be written: leave nothing half-made
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._prune(name, keep=folder.name)

    def load(self, name: str) -> Snapshot | None:
        """The snapshot the pointer names, or None if there is none or it cannot be read."""
        pointer = self.directory / f"{name}.current"
        try:
            folder = self.directory / pointer.read_text(encoding="utf-8").strip()
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            frames = {path.stem: pd.read_parquet(path) for path in sorted(folder.glob("*.parquet"))}
            return Snapshot(frames, dt.datetime.fromisoformat(meta["fetched_at"]), str(meta.get("source", "")))
        except (OSError, ValueError, KeyError, TypeError) as error:
            if pointer.exists():
                log.warning("snapshot %s could not be read: %s", name, type(error).__name__)
            return None

    def write_status(self, name: str, document: Status) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        atomic_write(self.directory / f"{name}.status.json", json.dumps(document))

    def read_status(self, name: str) -> Status | None:
        try:
            document = json.loads((self.directory / f"{name}.status.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return document if isinstance(document, dict) else None

    def stamp(self, name: str) -> tuple[tuple[int, int, int] | None, ...]:
        """Cheap: two stats."""
        return tuple(_file_stamp(self.directory / f"{name}{suffix}") for suffix in (".current", ".status.json"))

    def watch(self, name: str, wake: Callable[[], None]) -> Callable[[], None] | None:
        """The pointer and the status are replaced by a rename into the folder: inotify tells."""
        watched = {f"{name}.current", f"{name}.status.json"}

        class Replaced(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                paths = (event.src_path, getattr(event, "dest_path", "") or "")
                if any(os.path.basename(os.fsdecode(path)) in watched for path in paths):
                    wake()

        self.directory.mkdir(parents=True, exist_ok=True)
        observer = Observer()
        try:
            observer.schedule(Replaced(), str(self.directory), recursive=False)
            observer.start()
        except OSError as error:  # no inotify here (its limits reached, a file system without it)
            log.warning("%s: not watched (%s); looked at on a timer", name, error)
            return None
        return observer.stop

    def _prune(self, name: str, keep: str) -> None:
        folders = sorted((f for f in self.directory.glob(f"{name}-*") if f.is_dir()), key=_written_at)
        for folder in folders[:-KEEP]:
            if folder.name != keep:
                shutil.rmtree(folder, ignore_errors=True)


def source_id(*parts: str) -> str:
    """A short fingerprint of an upstream (server URL, datasets, org) that reveals none of it."""
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:16]


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` at once: a reader sees the old file or the new one, never a part."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


def _fsync_dir(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as file:
            os.fsync(file.fileno())


CAMPAIGN, PROJECTS = "campaign", "projects"


def save_campaign(store: Store, campaign: Campaign) -> None:
    frames = {"records": campaign.records, "responses": campaign.responses, "datasets": campaign.datasets}
    if not campaign.counted.empty:  # Argilla's counts while deliveries lag: what followers show too
        frames["counted"] = campaign.counted
    if not campaign.mismatches.empty:  # what Organización says of the configuration, in every process
        frames["mismatches"] = campaign.mismatches
    if campaign.provisional:  # a first look: every process shows it as such
        frames["provisional"] = pd.DataFrame({"provisional": [True]})
    store.save(CAMPAIGN, Snapshot(frames, campaign.fetched_at, campaign.source))


def load_campaign(store: Store, source: str) -> Campaign | None:
    """The stored campaign if it was read from `source` (another server's data is never shown)."""
    snapshot = store.load(CAMPAIGN)
    if snapshot is None or snapshot.source != source:
        return None
    try:
        frames = snapshot.frames
        return Campaign(
            typed_records(frames["records"]),
            typed_responses(frames["responses"]),
            frames["datasets"],
            snapshot.fetched_at,
            snapshot.source,
            typed_counts(frames["counted"]) if "counted" in frames else no_counts(),
            typed_mismatches(frames["mismatches"]) if "mismatches" in frames else no_mismatches(),
            provisional="provisional" in frames,
        )
    except (KeyError, ValueError, TypeError):
        return None


def save_projects(store: Store, value: Projects) -> None:
    store.save(PROJECTS, Snapshot({"raw": value.raw, "history": value.history}, value.fetched_at, value.source))


def load_projects(store: Store, source: str) -> Projects | None:
    snapshot = store.load(PROJECTS)
    if snapshot is None or snapshot.source != source:
        return None
    try:
        return Projects(
            snapshot.frames["raw"][RAW_PROJECT_COLUMNS], snapshot.frames["history"], snapshot.fetched_at, source
        )
    except KeyError:
        return None
