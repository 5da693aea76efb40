"""The state shared by replicas on several machines, in Redis (`REDIS_URL`).

Beyond one machine (several containers behind a sticky load balancer), exactly one process among
all of them is the writer: the one holding the `Lease` (a Redis key set with NX and an expiry,
renewed by its holder; when the holder dies, another candidate takes it within `TTL` seconds).
Redis going away for less than that costs nothing: the holder stays the writer for as long as the
lease it last renewed is surely still its own (nobody can take it before it expires), and only
then steps down.
The writer publishes each snapshot and status in a `SharedStore` — the same interface as the disk
store (data/state/snapshots.py), so every other process, on any machine, follows it the same way
(data/feeds/follower.py) — and only while it holds the lease: a writer that lost it (paused, cut
off) cannot overwrite its successor's state. Webhook deliveries that reach a process that is not
the writer are handed to it through a bounded list (`Deliveries`), unverified: only the writer
holds the signing secret.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import socket
import threading
import time
import uuid
import zipfile
from collections.abc import Callable

import pandas as pd
import redis

from data import times
from data.state.snapshots import Snapshot, SnapshotStore, Status

log = logging.getLogger(__name__)
TTL = 15.0  # seconds a lease lasts unless renewed (renewed every third of it)
SURE = 0.9  # the share of a renewed lease its holder counts on (the rest: Redis's clock may run fast)
DELIVERIES_KEPT = 10_000  # deliveries waiting for the writer, at most (the oldest are dropped)
RESUBSCRIBE = 3.0  # seconds before a follower listens again for the writer's news, Redis away

# Write only while holding the lease: KEYS = lease, then the keys to set; ARGV = holder, then values.
_FENCED_SET = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #KEYS do redis.call('set', KEYS[i], ARGV[i]) end
redis.call('publish', KEYS[#KEYS], '1')
return 1
"""  # the last key is the stamp: its channel tells the followers (`SharedStore.watch`)
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30)


class Lease:
    """Who among the candidates is the writer; `on_change` hears when this process gains or loses it."""

    def __init__(self, client: redis.Redis, key: str, ttl: float = TTL):
        self.client, self.key, self.ttl = client, key, ttl
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.on_change: Callable[[], object] | None = None
        self._held = False
        self._until = 0.0  # (monotonic) until when the lease last taken or renewed is surely ours
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def held(self) -> bool:
        """Is this process the writer? Also while Redis cannot be reached, as long as the lease it
        last renewed cannot have expired (no other candidate can have taken it)."""
        return self._held and time.monotonic() < self._until

    def start(self) -> Lease:
        self._tick()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="writer-lease", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self.held:
            try:  # hand it over at once rather than after the expiry
                self.client.eval(
                    "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end",
                    1,
                    self.key,
                    self.holder,
                )
            except redis.RedisError:
                pass

    def _run(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            self._tick()

    def _tick(self) -> None:
        millis = int(self.ttl * 1000)
        asked = time.monotonic()  # the lease's expiry, if set now, comes later than this plus ttl
        try:  # renew what was ours (it may outlive our count of it), else take it if free
            taken = self._held and bool(self.client.eval(_RENEW, 1, self.key, self.holder, millis))
            taken = taken or bool(self.client.set(self.key, self.holder, nx=True, px=millis))
        except redis.RedisError as error:
            log.warning("writer lease: Redis unreachable (%s)", type(error).__name__)
            taken = self.held  # the lease renewed last is still ours until it may have expired
        else:
            self._until = asked + self.ttl * SURE if taken else 0.0
        if taken != self._held:
            self._held = taken
            log.warning("writer lease %s by %s", "taken" if taken else "lost", self.holder)
            if self.on_change is not None:
                try:
                    self.on_change()
                except Exception:  # the lease must go on being renewed, whatever the callback did
                    log.exception("writer lease: the change could not be acted on")


class RedisTime:
    """The board's clock beyond one machine: Redis's, which every replica reads, so that a replica
    whose own clock is wrong still stamps reads and measures ages as the others do. Measured at
    start and every `every` seconds (a round trip's middle against Redis's TIME); applied to the
    whole process (data.times.set_offset) when it moves by more than `STEADY`."""

    STEADY = 0.05  # seconds: smaller moves are the round trip's noise

    def __init__(self, client: redis.Redis, every: float = 60.0):
        self.client, self.every = client, every
        self.offset: float | None = None
        self._stop = threading.Event()

    def start(self) -> RedisTime:
        self.measure()
        threading.Thread(target=self._run, name="redis-time", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def measure(self) -> None:
        try:
            before = time.time()
            seconds, micros = self.client.time()
            after = time.time()
        except redis.RedisError:
            return  # the last offset known stands
        offset = seconds + micros / 1e6 - (before + after) / 2
        if self.offset is None or abs(offset - self.offset) > self.STEADY:
            if abs(offset) > 1:
                log.warning("this machine's clock is %.1f s off the board's (Redis's): telling Redis's", -offset)
            self.offset = offset
            times.set_offset(offset)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.measure()


class SharedStore:
    """Snapshots and statuses in Redis under `prefix`; written only under `lease` (when given)."""

    def __init__(self, client: redis.Redis, prefix: str, lease: Lease | None = None):
        self.client, self.prefix, self.lease = client, prefix, lease

    def _key(self, name: str, part: str) -> str:
        return f"{self.prefix}:{name}:{part}"

    def _fenced(self, name: str, part: str, value: bytes | str) -> None:
        """Set `part` of `name` and its stamp, atomically, only while this process holds the lease."""
        if self.lease is None:
            raise RuntimeError("a follower does not write the shared state")
        keys = (self.lease.key, self._key(name, part), self._key(name, "stamp"))
        if not self.client.eval(_FENCED_SET, 3, *keys, self.lease.holder, value, uuid.uuid4().hex):
            raise PermissionError("the writer lease is held elsewhere")

    def save(self, name: str, snapshot: Snapshot) -> None:
        self._fenced(name, "snapshot", _pack(snapshot))

    def holds(self, name: str) -> bool:
        """Is a snapshot of `name` there?"""
        return bool(self.client.exists(self._key(name, "snapshot")))

    def load(self, name: str) -> Snapshot | None:
        try:
            data = self._get(name, "snapshot")
        except redis.RedisError:
            return None
        return _unpack(data) if data else None

    def write_status(self, name: str, document: Status) -> None:
        self._fenced(name, "status", json.dumps(document))

    def read_status(self, name: str) -> Status | None:
        data = self._get(name, "status")
        document = json.loads(data) if data else None
        return document if isinstance(document, dict) else None

    def stamp(self, name: str) -> bytes | None:
        """Changes whenever the snapshot or the status of `name` is replaced (one small read)."""
        return self._get(name, "stamp")

    def watch(self, name: str, wake: Callable[[], None]) -> Callable[[], None] | None:
        """The writer publishes on the stamp's channel with each write: a thread of ours listens.
        Redis away, it tries again every few seconds (the follower looks at the stamp meanwhile)."""
        stop = threading.Event()
        channel = self._key(name, "stamp")

        def listen() -> None:
            while not stop.is_set():
                try:
                    with self.client.pubsub(ignore_subscribe_messages=True) as pubsub:  # type: ignore[no-untyped-call]
                        pubsub.subscribe(channel)
                        wake()  # whatever was published while it was not listening
                        while not stop.is_set():
                            if pubsub.get_message(timeout=1.0) is not None:
                                wake()
                except (redis.RedisError, OSError):
                    stop.wait(RESUBSCRIBE)

        threading.Thread(target=listen, name=f"{name}-watch", daemon=True).start()
        return stop.set

    def _get(self, name: str, part: str) -> bytes | None:
        data = self.client.get(self._key(name, part))
        return data if isinstance(data, bytes) else None  # the client answers bytes (see `connect`)


class Mirror:
    """The writer's store: its own disk (kept over restarts), and the shared one (for the others).
    A Redis that restarted empty is given the last snapshot again with the next status."""

    def __init__(self, local: SnapshotStore, shared: SharedStore):
        self.local, self.shared = local, shared
        self.directory = local.directory

    def save(self, name: str, snapshot: Snapshot) -> None:
        self.local.save(name, snapshot)
        try:
            self.shared.save(name, snapshot)
        except (redis.RedisError, PermissionError) as error:
            log.warning("%s: not shared (%s)", name, type(error).__name__)

    def write_status(self, name: str, document: Status) -> None:
        self.local.write_status(name, document)
        try:
            if document.get("fetched_at") and not self.shared.holds(name):  # Redis lost it (a restart)
                snapshot = self.local.load(name)
                if snapshot is not None:
                    self.shared.save(name, snapshot)
            self.shared.write_status(name, document)
        except (redis.RedisError, PermissionError) as error:
            log.warning("%s status: not shared (%s)", name, type(error).__name__)

    def load(self, name: str) -> Snapshot | None:
        """The newer of what this disk and the shared store hold (a new writer continues the last)."""
        found = [s for s in (self.local.load(name), self.shared.load(name)) if s is not None]
        return max(found, key=lambda s: s.fetched_at) if found else None

    def read_status(self, name: str) -> Status | None:
        return self.local.read_status(name)

    def stamp(self, name: str) -> object:
        return self.local.stamp(name)

    def watch(self, name: str, wake: Callable[[], None]) -> Callable[[], None] | None:
        return self.local.watch(name, wake)


class Deliveries:
    """Webhook deliveries handed from any process to the writer, once the process that received
    them checked their signature with the subscription's secret, which the writer shares here (in
    Redis, beside the state, never on a disk of ours): nobody without it can put bytes in Redis."""

    def __init__(self, client: redis.Redis, prefix: str):
        self.client, self.key, self.secret_key = client, f"{prefix}:deliveries", f"{prefix}:webhook-secret"

    def share_secret(self, secret: str | None) -> None:
        """The writer's subscription secret for the other processes (None: no subscription)."""
        if secret:
            self.client.set(self.secret_key, secret)
        else:
            self.client.delete(self.secret_key)

    def secret(self) -> str | None:
        found = self.client.get(self.secret_key)
        return found.decode("utf-8") if isinstance(found, bytes) else None

    def hand_over(self, body: bytes, headers: dict[str, str]) -> None:
        message = json.dumps({"body": body.decode("latin-1"), "headers": headers})
        pipe = self.client.pipeline()
        pipe.rpush(self.key, message)
        pipe.ltrim(self.key, -DELIVERIES_KEPT, -1)
        pipe.execute()

    def take(self, timeout: float = 1.0) -> tuple[bytes, dict[str, str]] | None:
        found = self.client.blpop([self.key], timeout=timeout)
        if found is None:
            return None
        message = json.loads(found[1])
        return message["body"].encode("latin-1"), message["headers"]


def _pack(snapshot: Snapshot) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, frame in snapshot.frames.items():
            data = io.BytesIO()
            frame.to_parquet(data, index=False)
            archive.writestr(f"{name}.parquet", data.getvalue())
        archive.writestr(
            "meta.json", json.dumps({"fetched_at": snapshot.fetched_at.isoformat(), "source": snapshot.source})
        )
    return buffer.getvalue()


def _unpack(data: bytes) -> Snapshot | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            meta = json.loads(archive.read("meta.json"))
            frames = {
                name[: -len(".parquet")]: pd.read_parquet(io.BytesIO(archive.read(name)))
                for name in archive.namelist()
                if name.endswith(".parquet")
            }
        return Snapshot(frames, dt.datetime.fromisoformat(meta["fetched_at"]), str(meta.get("source", "")))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        log.warning("shared snapshot could not be read (%s)", type(error).__name__)
        return None
