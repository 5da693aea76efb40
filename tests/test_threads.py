"""The background threads outlive what goes wrong inside them: the state sync after a period that
fails in an unforeseen way, and the writer lease after its callback fails (a thread that died
would leave the board saying "live" while nothing updates it)."""

from __future__ import annotations

import dataclasses

import pytest
import redis

from data.config import StorageConfig
from data.feeds.sync import StateSync
from data.state.hub_storage import MANIFEST, HubStorage
from data.state.shared import Lease, connect
from data.synthetic import generate
from tests.hub_fixtures import HeldFeed
from tests.servers.hub_server import HubServer
from tests.waiting import wait_until

pytestmark = pytest.mark.fault

REPO, WRITE = "org-hilos/estado", "hf_writeTHREADSsentinel0001"


def test_the_state_sync_goes_on_after_a_period_that_fails(tmp_path):
    hub = HubServer().start()
    hub.state.store.tokens = {WRITE: "write"}
    campaign, projects = HeldFeed("argilla:hilos"), HeldFeed("hub:hilos")
    campaign.poller.state.value = dataclasses.replace(generate(contributors=20, responses=200), source=campaign.source)
    held, calls = campaign.held, []

    def failing_once():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug in one period")
        return held()

    campaign.held = failing_once
    sync = StateSync(
        HubStorage(REPO, hub.endpoint, WRITE, tmp_path / "cache"), StorageConfig(REPO, 0.002), campaign, projects
    )
    sync.start()
    try:
        wait_until(lambda: len(calls) >= 1, what="the failing period")
        wait_until(
            lambda: hub.state.store.repo(REPO) is not None and MANIFEST in hub.state.store.repo(REPO).files,
            what="a commit in a later period",
        )
        assert sync.status.commits >= 1 and sync.status.error is None
    finally:
        sync.stop()
        hub.stop()


def test_the_writer_lease_goes_on_after_its_callback_fails(redis_url):
    client = connect(redis_url)
    lease = Lease(client, "tablero:hilos:writer", ttl=0.3).start()
    assert lease.held
    changes = []

    def failing():
        changes.append(lease.held)
        raise RuntimeError("the services could not be rebuilt")

    lease.on_change = failing
    try:
        client.set(lease.key, "someone-else", px=600)  # another candidate holds it for a while
        wait_until(lambda: changes == [False], what="the lease lost")
        wait_until(lambda: lease.held, timeout=10, what="the lease taken back once the other's lapsed")
        assert changes == [False, True]
    finally:
        lease.stop()
        try:
            client.close()
        except redis.RedisError:
            pass
