"""Keeps the durable copy of the state on the Hub ([storage] in campaign.toml), in its own thread.

At start it restores: the newest campaign snapshot and the likes history in the repo are handed
to the feeds before their first poll (which waits at most `RESTORE_WAIT` seconds for that; if the
Hub is down, the feeds start from local state and the restore is retried every period). Then,
when `writer` is true, at most one commit per `every_minutes`, only when something changed (or,
with nothing new, every `HEARTBEAT` so the stored age stays true). The likes history goes into
every commit (it cannot be read again later); the campaign snapshot, which the next full read
replaces anyway, at most every `SNAPSHOT_EVERY`, which keeps the bytes a day small (BENCHMARKS.md).
It never writes before a successful read of the repo, so a wiped or new process cannot overwrite a
history it has not seen; a commit raced by another writer (`parent_commit`) is re-read and merged.
Renders never wait on it; failures cost no data: local snapshots keep working.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any, TypeVar

from data.config import StorageConfig
from data.errors import ErrorKind, SourceError
from data.feeds.campaign import CampaignFeed
from data.feeds.poller import Timestamped
from data.feeds.projects import ProjectsFeed
from data.model.frames import Campaign
from data.model.projects import Projects
from data.state.certificate_keys import PUBLISHED, CertificateKeys, Keyring
from data.state.hub_storage import (
    KEYS,
    HubStorage,
    Stored,
    appearance_files,
    campaign_files,
    keys_files,
    manifest,
    projects_files,
    sha256,
)
from data.state.snapshots import Store
from data.times import utc_now

log = logging.getLogger(__name__)
SYNC = "sync"  # the name its status is published under
RESTORE_WAIT = 10.0  # seconds the pollers wait for the first restore before reading anyway
HEARTBEAT = dt.timedelta(hours=1)
SNAPSHOT_EVERY = dt.timedelta(hours=1)
V = TypeVar("V", bound=Timestamped)


@dataclass(frozen=True)
class SyncStatus:
    repo: str
    writer: bool
    restored_at: dt.datetime | None = None
    written_at: dt.datetime | None = None
    commits: int = 0
    error: SourceError | None = None
    newer_format: bool = False
    periods: int = 0  # periods this process has run (restoring or writing, whether it wrote or not)

    def to_json(self) -> dict[str, Any]:
        document = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for key in ("restored_at", "written_at"):
            document[key] = document[key].isoformat() if document[key] else None
        error = self.error
        document["error"] = {"kind": error.kind.value, "detail": error.detail} if error is not None else None
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> SyncStatus:
        error = document.get("error")
        times = {
            k: dt.datetime.fromisoformat(document[k]) if document.get(k) else None
            for k in ("restored_at", "written_at")
        }
        return cls(
            **{**document, **times, "error": SourceError(ErrorKind(error["kind"]), error["detail"]) if error else None}
        )


@dataclass(frozen=True, eq=False)
class InRepo:
    """The campaign and the projects the state repo holds, as far as this process knows."""

    campaign: Campaign | None = None
    projects: Projects | None = None

    def with_newer(self, campaign: Campaign | None, projects: Projects | None) -> InRepo:
        """These values where they are newer than the ones held (the same object where not)."""
        return dataclasses.replace(
            self, campaign=_newer(campaign, self.campaign), projects=_newer(projects, self.projects)
        )

    def same_as(self, other: InRepo) -> bool:
        return self.campaign is other.campaign and self.projects is other.projects


def _newer(value: V | None, held: V | None) -> V | None:
    return value if value is not None and (held is None or value.fetched_at > held.fetched_at) else held


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


class StateSync:
    def __init__(
        self,
        storage: HubStorage,
        config: StorageConfig,
        campaign: CampaignFeed,
        projects: ProjectsFeed,
        published: Store | None = None,
        keys: CertificateKeys | None = None,
    ):
        self.published = published  # where its status is written for the processes that follow
        self.keys = keys  # the certificates' keys: their keyring is kept in the repo
        self.storage = storage
        self.config = config
        self.campaign = campaign
        self.projects = projects
        self.restored = threading.Event()  # the repo was read (what it held, if anything, was handed over)
        self.tried = threading.Event()  # the first attempt to read it ended, well or not
        self._status = SyncStatus(storage.repo, config.writer)
        self._head: str | None = None
        self._hashes: dict[str, str] = {}
        self._stored = InRepo()  # what the repo holds (its manifest entries, their fetch times)
        self._snapshot_at: dt.datetime | None = None  # when this process last committed the campaign
        self._squashed_on: dt.date | None = None
        self._made_keys: Keyring | None = None  # a keyring made here, not yet in the repo
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> SyncStatus:
        return self._status

    def start(self) -> StateSync:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="state-sync", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.restored.is_set():
                    if self.restore() and self._made_keys is not None:
                        self.write()  # a new keyring is kept at once, not a period later
                elif self.config.writer and not self._status.newer_format:
                    self.write()
            except Exception as error:  # a bug, or a file the state cannot be made of: try again next period
                log.exception("state repo %s: the period failed", self.storage.repo)
                self.tried.set()  # the pollers do not wait for a restore that failed this way
                self._update(error=SourceError(ErrorKind.BAD_DATA, type(error).__name__))
            self._update(periods=self._status.periods + 1)
            self._stop.wait(self.config.every_minutes * 60)

    def restore(self) -> bool:
        """Read the repo and hand what it holds to the feeds. False (and retried later) on failure."""
        try:
            stored = self.storage.read(self.campaign.source, self.projects.source)
        except SourceError as error:
            self._failed(error)
            self.tried.set()
            return False
        self._adopt(stored)
        if not stored.newer_format:
            self._keep_keys(stored.keys)
        self._update(restored_at=utc_now(), error=None, newer_format=stored.newer_format)
        self.restored.set()
        self.tried.set()
        return True

    def _adopt(self, stored: Stored) -> None:
        self._head, self._hashes = stored.head, dict(stored.hashes)
        if stored.campaign is not None:
            self.campaign.adopt(stored.campaign)
        if stored.projects is not None:
            self.projects.adopt(stored.projects)
        if stored.choices and self.campaign.appearance is not None:
            self.campaign.appearance.adopt(stored.choices)
        self._stored = self._stored.with_newer(stored.campaign, stored.projects)

    def _keep_keys(self, stored: Keyring | None) -> None:
        """The certificates' keyring: the repo's, with the derived key in force recorded in it (it
        may have signed IDs before); where the repo has none, a writer makes one, used only once
        a commit holds it (an ID signed with a key the repo never kept would die with the disk)."""
        keys = self.keys
        if keys is None or (stored is None and not self.config.writer):
            return
        if stored is None:
            self._made_keys = Keyring.made().keeping(keys.derived)
            return
        self._use_keys(keys, stored.keeping(keys.derived) if self.config.writer else stored)

    def _use_keys(self, keys: CertificateKeys, keyring: Keyring) -> None:
        """Sign and verify with `keyring` in the processes that follow this one, then here: whoever
        sees this process sign with it finds it published."""
        if self.published is not None:
            try:
                self.published.write_status(PUBLISHED, keyring.to_json())
            except Exception as error:  # a full disk, Redis gone: followers sign with the key they know
                log.warning("certificate keys: not published (%s)", type(error).__name__)
        keys.adopt(keyring)

    def write(self) -> bool:
        """One commit of what changed since the last one; False if nothing was due or it failed."""
        campaign, projects = self.campaign.held(), self.projects.held()
        if campaign is not None and campaign.provisional:
            campaign = None  # a first look is no state worth keeping: its frames are empty
        if self._snapshot_at is not None and utc_now() - self._snapshot_at < SNAPSHOT_EVERY:
            campaign = None  # held back: the repo keeps the one it has
        files: dict[str, bytes] = {}
        if campaign is not None:
            files |= campaign_files(campaign)
        if projects is not None:
            files |= projects_files(projects)
        choices = appearance_files(self.campaign.appearance.recorded()) if self.campaign.appearance else {}
        choices |= keys_files(self._made_keys or (self.keys.keyring if self.keys is not None else None))
        files |= choices
        changed = {path: data for path, data in files.items() if self._hashes.get(path) != sha256(data)}
        stored = self._stored.with_newer(campaign, projects)
        last = self._status.written_at or self._status.restored_at
        new_choices = any(path in changed for path in choices)  # a choice or a new key is kept at once
        if (stored.same_as(self._stored) and not new_choices) or (
            not changed and last is not None and utc_now() - last < HEARTBEAT
        ):
            return False
        hashes = {**self._hashes, **{path: sha256(data) for path, data in changed.items()}}
        document = manifest(stored.campaign, stored.projects, hashes)
        try:
            head = self.storage.write(changed, document, self._head)
        except SourceError as error:
            self._failed(error)
            return False
        self._head, self._hashes = head, hashes
        if self.keys is not None and self._made_keys is not None and KEYS in hashes:  # the repo holds it: it signs
            self._use_keys(self.keys, self._made_keys)
            self._made_keys = None
        if stored.campaign is not self._stored.campaign:
            self._snapshot_at = utc_now()
        self._stored = stored
        self._update(written_at=utc_now(), commits=self._status.commits + 1, error=None)
        self._squash_daily()
        return True

    def _squash_daily(self) -> None:
        """Once a UTC day (and once per process), keep only the latest state: history takes no room."""
        today = utc_now().date()
        if self._squashed_on == today:
            return
        try:
            self._head = self.storage.squash()
        except SourceError as error:
            log.warning("state repo %s: squash failed (%s); tried again tomorrow", self.storage.repo, error.kind.value)
        self._squashed_on = today

    def _failed(self, error: SourceError) -> None:
        if self._status.error is None or self._status.error.kind != error.kind:
            log.warning(
                "state repo %s: %s failed (%s)",
                self.storage.repo,
                "read" if not self.restored.is_set() else "write",
                error.kind.value,
            )
        if error.kind is ErrorKind.SERVER_ERROR and error.detail == "HTTP 412":
            self.restored.clear()  # another writer committed first: read it again, merge, then write
        self._update(error=error)

    def _update(self, **changes: Any) -> None:
        self._status = dataclasses.replace(self._status, **changes)
        if self.published is not None:
            try:
                self.published.write_status(SYNC, self._status.to_json())
            except Exception as error:  # a full disk, Redis gone: the sync goes on
                log.warning("state repo %s: could not publish the status (%s)", self.storage.repo, type(error).__name__)


class PublishedSync:
    """In a process that follows the writer: the writer's sync status, as it last published it."""

    def __init__(self, store: Store, repo: str):
        self.store, self.repo = store, repo

    @property
    def status(self) -> SyncStatus:
        document = self.store.read_status(SYNC)
        try:
            return SyncStatus.from_json(document) if document is not None else SyncStatus(self.repo, writer=True)
        except (ValueError, KeyError, TypeError, AttributeError):
            return SyncStatus(self.repo, writer=True)

    def stop(self) -> None:
        pass
