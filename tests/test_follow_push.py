"""A follower is told the moment the writer publishes (data/feeds/follower.py, `Store.watch`): on
one machine by inotify on the data directory, written by another process; beyond it by the Redis
channel the writer's fenced write publishes on, through a real redis-server. The followers' own
look at the store is set to a minute here, so only being told can explain a quick follow; a Redis
that goes away and comes back is listened to again."""

import datetime as dt
import multiprocessing
import time
from pathlib import Path

import pandas as pd
import pytest

from data.feeds import follower as following
from data.feeds.follower import Follower
from data.in_progress import TAKING_IN
from data.state.shared import RESUBSCRIBE, Lease, SharedStore, connect
from data.state.snapshots import Snapshot, SnapshotStore, Store
from tests.waiting import wait_until

T0 = dt.datetime(2024, 3, 4, 12, tzinfo=dt.UTC)
QUICK = 2.0  # seconds: far under the followers' own look (LONG_LOOK)
LONG_LOOK = 60.0


@pytest.fixture(autouse=True)
def seldom_looking(monkeypatch):
    monkeypatch.setattr(following, "LOOK_EVERY", LONG_LOOK)


def publish(store: Store, n: int) -> None:
    """What a writer publishes for a feed: its snapshot, then its status."""
    moment = T0 + dt.timedelta(minutes=n)
    store.save("campaign", Snapshot({"a": pd.DataFrame({"x": [n]})}, moment))
    store.write_status("campaign", {"fetched_at": moment.isoformat()})


def publish_from_another_process(folder: Path, n: int) -> None:
    publish(SnapshotStore(folder), n)


def follow(store: Store) -> Follower:
    return Follower(store, "campaign", load=lambda: store.load("campaign")).start()


def followed(follower: Follower, n: int) -> bool:
    value = follower.state.value
    return value is not None and value.fetched_at == T0 + dt.timedelta(minutes=n)


def test_a_follower_on_one_machine_is_told_what_another_process_wrote(tmp_path):
    follower = follow(SnapshotStore(tmp_path))
    try:
        spawn = multiprocessing.get_context("spawn")
        for n in range(3):
            writer = spawn.Process(target=publish_from_another_process, args=(tmp_path, n))
            writer.start()
            writer.join(60)
            assert writer.exitcode == 0
            wait_until(lambda n=n: followed(follower, n), QUICK, f"the follower loads publication {n}", every=0.02)
    finally:
        follower.stop()


def test_a_store_that_cannot_tell_is_looked_at_every_interval(tmp_path, monkeypatch):
    monkeypatch.setattr(SnapshotStore, "watch", lambda self, name, wake: None)
    follower = follow(SnapshotStore(tmp_path))
    try:
        publish(SnapshotStore(tmp_path), 1)
        wait_until(lambda: followed(follower, 1), QUICK, "the follower's own look (every 0.5 s)", every=0.02)
    finally:
        follower.stop()


def test_a_follower_beyond_the_machine_is_told_through_redis_and_again_after_an_outage(redis_server):
    writer_client, prefix = connect(redis_server.url), "tablero:test-push"
    lease = Lease(writer_client, f"{prefix}:writer").start()
    wait_until(lambda: lease.held, 10, "the writer's lease")
    writer = SharedStore(writer_client, prefix, lease)
    follower = follow(SharedStore(connect(redis_server.url), prefix))
    try:
        time.sleep(0.5)  # its listener subscribed
        publish(writer, 1)
        wait_until(lambda: followed(follower, 1), QUICK, "the follower told by Redis", every=0.02)
        redis_server.stop()
        time.sleep(1)
        redis_server.start()  # empty: the lease is taken again, the listener subscribes again
        wait_until(lambda: lease.held, 30, "the writer's lease, Redis back")
        time.sleep(RESUBSCRIBE + 1)  # its listener's next try
        publish(writer, 2)
        wait_until(lambda: followed(follower, 2), QUICK, "the follower told by Redis, back", every=0.02)
    finally:
        follower.stop()
        lease.stop()


def test_what_was_published_while_the_watch_began_is_followed_at_once(tmp_path, monkeypatch):
    watch = SnapshotStore.watch

    def watched_late(store, name, wake):
        publish(SnapshotStore(tmp_path), 5)  # the writer publishes before the watch is in place
        return watch(store, name, wake)

    monkeypatch.setattr(SnapshotStore, "watch", watched_late)
    follower = follow(SnapshotStore(tmp_path))
    try:
        wait_until(lambda: followed(follower, 5), QUICK, "the follower's look once it watches", every=0.02)
    finally:
        follower.stop()


def test_what_a_follower_loads_is_counted_as_a_state_taken_in(tmp_path):
    """While a follower loads what the writer published, its process counts a new state being taken
    in (server/changes starts no background rerun meanwhile: it would draw the state replaced)."""
    store = SnapshotStore(tmp_path)
    publish(store, 1)
    during: list[int] = []

    def load() -> Snapshot | None:
        during.append(TAKING_IN())
        return store.load("campaign")

    follower = Follower(store, "campaign", load=load).start()  # it looks at once
    follower.stop()
    assert followed(follower, 1) and during == [1] and TAKING_IN() == 0
