"""What can go wrong between replicas on several machines (they share a Redis): Redis flaps (the
writer keeps its lease through an outage shorter than the lease and steps down only when another
could have taken it; a process that becomes a follower starts from the last state it can read,
never from nothing; a Redis that restarted empty is given the last read again), and a replica whose
clock is wrong (the board tells Redis's time)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import glob
import os
import subprocess
import sys
import time

import pytest

from data.config import load_config, load_secrets
from data.errors import ErrorKind
from data.feeds import registry
from data.feeds.campaign import campaign_source
from data.feeds.follower import Follower, publish_status
from data.feeds.poller import FeedView, Mode, PollState
from data.feeds.services import SERVICES, current_services, running_services, shared_prefix
from data.state.shared import SURE, Lease, Mirror, RedisTime, SharedStore, connect
from data.state.snapshots import CAMPAIGN, SnapshotStore, load_campaign, save_campaign
from data.synthetic import generate
from data.times import utc_now
from tests.app_env import write_config
from tests.campaign_builder import DatasetSpec, Plan, annotator_ready
from tests.hooked_app import Annotator
from tests.waiting import wait_until

pytestmark = pytest.mark.fault


def test_the_writer_keeps_its_lease_through_an_outage_shorter_than_the_lease(redis_server):
    lease = Lease(connect(redis_server.url), "tablero:flaps:writer", ttl=4.0).start()
    changes: list[bool] = []
    lease.on_change = lambda: changes.append(lease.held)
    try:
        assert lease.held
        redis_server.stop()
        time.sleep(4.0 * SURE / 2)  # a renewal or two failed meanwhile
        assert lease.held and changes == []
        redis_server.start()  # empty: the lease key went with it, and is taken again at once
        wait_until(lambda: redis_server.answers() and connect(redis_server.url).get(lease.key) is not None)
        time.sleep(4.0 / 3 + 0.5)
        assert lease.held and changes == []  # no writer stepped down, none was made anew
    finally:
        lease.stop()


def test_the_writer_steps_down_once_its_lease_may_have_expired_and_takes_it_again(redis_server):
    lease = Lease(connect(redis_server.url), "tablero:flaps:writer", ttl=2.0).start()
    changes: list[bool] = []
    lease.on_change = lambda: changes.append(lease.held)
    try:
        redis_server.stop()
        stopped = time.monotonic()
        wait_until(lambda: changes == [False], timeout=10, what="the writer stepping down")
        # its last renewal came at most a third of the lease before the outage: it counted on the rest
        assert time.monotonic() - stopped >= 2.0 * (SURE - 1 / 3)  # not at the first failed renewal
        assert not lease.held
        redis_server.start()
        wait_until(lambda: changes == [False, True], timeout=10, what="the lease taken again")
    finally:
        lease.stop()


SOURCE = "argilla:flaps"
FAKETIME = next(iter(glob.glob("/usr/lib/*/faketime/libfaketime.so.1")), "")  # Debian's (scripts/system-packages.txt)


def campaign_at(minutes_ago: float, seed: int = 600):
    fetched_at = utc_now() - dt.timedelta(minutes=minutes_ago)
    return dataclasses.replace(
        generate(contributors=30, responses=300, seed=seed), fetched_at=fetched_at, source=SOURCE
    )


def publish(store, campaign) -> None:
    """What a writer does after a good read: the snapshot, then its status."""
    save_campaign(store, campaign)
    publish_status(store, CAMPAIGN, PollState(campaign, None, campaign.fetched_at, 1), campaign.fetched_at)


def follower_of(url: str, disk: SnapshotStore) -> Follower:
    shared = SharedStore(connect(url), "tablero:flaps")
    return Follower(
        shared, CAMPAIGN, load=lambda: load_campaign(shared, SOURCE), fallback=lambda: load_campaign(disk, SOURCE)
    ).start()


def test_a_follower_starts_from_this_machines_last_read_while_redis_is_away(redis_server, tmp_path):
    disk = SnapshotStore(tmp_path / "disk")  # a writer on this machine kept its last read here
    kept = campaign_at(minutes_ago=3)
    save_campaign(disk, kept)
    redis_server.stop()
    follower = follower_of(redis_server.url, disk)
    try:
        view = FeedView.of(follower)
        assert view.mode == Mode.STALE and view.value.fetched_at == kept.fetched_at
        assert len(view.value.responses) == len(kept.responses)
        assert view.state.error.kind is ErrorKind.SHARED_STATE  # and the page says why it is not live

        redis_server.start()  # empty; then a writer (on any machine) publishes a newer read
        lease = Lease(connect(redis_server.url), "tablero:flaps:writer").start()
        newer = campaign_at(minutes_ago=0, seed=601)
        publish(
            Mirror(SnapshotStore(tmp_path / "writer"), SharedStore(connect(redis_server.url), "tablero:flaps", lease)),
            newer,
        )
        wait_until(lambda: follower.state.value.fetched_at == newer.fetched_at, what="the writer's read followed")
        assert FeedView.of(follower).mode == Mode.LIVE and follower.state.error is None
        lease.stop()
    finally:
        follower.stop()


def test_a_redis_that_restarted_empty_is_given_the_writers_last_read_again(redis_server, tmp_path):
    lease = Lease(connect(redis_server.url), "tablero:flaps:writer").start()
    mirror = Mirror(SnapshotStore(tmp_path / "writer"), SharedStore(connect(redis_server.url), "tablero:flaps", lease))
    campaign = campaign_at(minutes_ago=1)
    publish(mirror, campaign)
    redis_server.stop()
    redis_server.start()  # everything it held is gone; nothing changed in Argilla meanwhile
    wait_until(lambda: lease.held and connect(redis_server.url).get(lease.key) is not None, what="the lease again")
    # the writer's next status (each poll publishes one), with no new read to save
    publish_status(mirror, CAMPAIGN, PollState(campaign, None, utc_now(), 2), campaign.fetched_at)
    follower = follower_of(redis_server.url, SnapshotStore(tmp_path / "elsewhere"))  # another machine: empty disk
    try:
        assert follower.state.value is not None and follower.state.value.fetched_at == campaign.fetched_at
        assert FeedView.of(follower).mode == Mode.LIVE
    finally:
        follower.stop()
        lease.stop()


def test_a_replica_whose_clock_is_ten_minutes_ahead_stamps_reads_by_the_boards_clock(redis_server, tmp_path):
    """The writer runs on a machine whose clock is 10 minutes ahead (libfaketime, a real skew of
    the process's clock): the followers elsewhere measure the age of its reads rightly."""
    environment = {**os.environ, "FAKETIME": "+10m", "FAKETIME_DONT_FAKE_MONOTONIC": "1", "LD_PRELOAD": FAKETIME}
    command = [sys.executable, "-m", "tests.servers.skewed_writer", redis_server.url, "tablero:flaps"]
    done = subprocess.run(
        [*command, str(tmp_path / "skewed"), SOURCE], env=environment, capture_output=True, text=True, check=True
    )
    assert dt.datetime.fromisoformat(done.stdout.strip()) - utc_now() > dt.timedelta(minutes=9)  # skewed indeed
    clock = RedisTime(connect(redis_server.url)).start()  # as every replica's services do
    follower = follower_of(redis_server.url, SnapshotStore(tmp_path / "here"))
    try:
        view = FeedView.of(follower)
        assert view.value is not None and abs(view.age.total_seconds()) < 30  # not 10 minutes in the future
    finally:
        follower.stop()
        clock.stop()


FLAP_SPECS = [
    DatasetSpec(name, "texto", "ref", min_submitted=1, records=20, suggestion_share=1.0)
    for name in ("vaiven_a", "vaiven_b")
]


def record_reads(proxy, since: float) -> int:
    """Pages of records the app read through the proxy since `since` (not signatures)."""
    with proxy.lock:
        return sum(1 for at, method, path in proxy.log if at >= since and path.endswith("/records"))


def test_a_writer_that_takes_its_lease_back_reads_only_what_moved(
    rg_client, argilla_server, proxy, redis_url, tmp_path
):
    key, ids = annotator_ready(rg_client, argilla_server, "vaiven", FLAP_SPECS[0], "vaiven_ana")
    annotator_ready(rg_client, argilla_server, "vaiven", FLAP_SPECS[1], "vaiven_ana")
    path = write_config(tmp_path / "campaign.toml", Plan("vaiven", FLAP_SPECS), minimum=1, refresh=2)
    env = {"ARGILLA_API_URL": proxy.url, "ARGILLA_API_KEY": argilla_server.api_key, "REDIS_URL": redis_url}
    services = running_services(load_config(path), load_secrets(env), tmp_path / "data", role="candidate")
    try:
        assert services.campaign.updates is not None  # the writer
        wait_until(lambda: services.campaign.view().mode == Mode.LIVE, what="the first read")
        lease, redis = registry.peek("lease"), connect(redis_url)
        redis.set(lease.key, "another-candidate", px=60_000)  # another candidate holds it for a while
        wait_until(lambda: current_services().campaign.updates is None, what="this process following")
        Annotator(proxy.url, key).submit(ids[0])  # meanwhile, a validation in one dataset
        since = time.monotonic()
        redis.delete(lease.key)  # the other candidate is gone: this one takes the lease back

        def validations() -> int:
            writer = current_services()
            value = writer.campaign.view().value if writer.campaign.updates is not None else None
            return 0 if value is None else int((value.responses["user"] == "vaiven_ana").sum())

        wait_until(lambda: validations() == 1, timeout=30, what="the validation, read by the writer again")
        assert record_reads(proxy, since) == 1  # the dataset that moved; before: both, everything again
    finally:
        registry.drop("lease")
        registry.drop(SERVICES)


def test_a_follower_promoted_while_redis_came_back_empty_serves_what_it_followed(redis_server, tmp_path):
    """This process follows a writer on another machine; Redis restarts empty and this process takes
    the lease while Argilla cannot be read and its own disk holds nothing: it serves (and publishes
    again) the read it followed a moment ago, never 'Preparando el tablero'."""
    config = load_config()
    env = {"ARGILLA_API_URL": "http://127.0.0.1:9", "ARGILLA_API_KEY": "k", "REDIS_URL": redis_server.url}
    prefix = shared_prefix(config)
    elsewhere = Lease(connect(redis_server.url), f"{prefix}:writer").start()  # the writer on another machine
    campaign = dataclasses.replace(campaign_at(minutes_ago=1), source=campaign_source(config))
    publish(
        Mirror(SnapshotStore(tmp_path / "other"), SharedStore(connect(redis_server.url), prefix, elsewhere)), campaign
    )
    services = running_services(config, load_secrets(env), tmp_path / "here", role="candidate")
    try:
        assert services.campaign.updates is None and services.campaign.view().value.fetched_at == campaign.fetched_at
        elsewhere._stop.set()  # that machine is gone with Redis's memory
        redis_server.stop()
        redis_server.start()
        wait_until(lambda: current_services().campaign.updates is not None, timeout=30, what="this process promoted")
        view = current_services().campaign.view()
        assert view.value is not None and view.value.fetched_at == campaign.fetched_at
        assert view.mode != Mode.FIRST_READ
        stored = load_campaign(SharedStore(connect(redis_server.url), prefix), campaign.source)
        assert stored is not None and stored.fetched_at == campaign.fetched_at  # published again for the others
    finally:
        registry.drop("lease")
        registry.drop(SERVICES)
