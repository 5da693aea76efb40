"""Beyond one machine, a process that is not the writer hands webhook deliveries to it through
Redis; here a real follower's route (Starlette, as the app mounts it) and a real redis-server:
only a delivery signed with the writer's subscription secret is put in Redis, so a flood of
unsigned or forged bodies costs Redis nothing."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from data.config import load_config, load_secrets
from data.feeds import registry
from data.feeds.services import SERVICES, current_services, running_services, shared_prefix
from data.routes import HEALTH, WEBHOOKS
from data.state.shared import Deliveries, connect
from server.health import health_route
from server.webhooks import argilla_webhook
from tests.app_env import ROOT
from tests.hooked_app import SECRET, signed
from tests.waiting import wait_until

pytestmark = pytest.mark.fault


@pytest.fixture
def follower(redis_url, tmp_path: Path):
    secrets = load_secrets({"ARGILLA_API_URL": "http://127.0.0.1:9", "ARGILLA_API_KEY": "k", "REDIS_URL": redis_url})
    config = load_config()
    services = running_services(config, secrets, tmp_path, role="reader")
    assert current_services() is services and services.deliveries is not None
    client = TestClient(Starlette(routes=[Route(WEBHOOKS, argilla_webhook, methods=["POST"])]))
    yield client, Deliveries(connect(redis_url), shared_prefix(config)), connect(redis_url)
    registry.drop(SERVICES)  # before its Redis goes: nothing of it goes on polling a dead server


def test_only_signed_deliveries_reach_redis(follower):
    client, writer_side, redis = follower
    body, headers = signed({"type": "response.created", "data": {}})
    assert client.post(WEBHOOKS, content=body, headers=headers).status_code == 404  # no secret shared yet
    writer_side.share_secret(SECRET)  # what the writer does when it subscribes
    before = redis.info("memory")["used_memory"]
    flood = b'{"type": "response.created", "data": "' + b"x" * 500_000 + b'"}'
    forged = signed(flood, secret="d3Jvbmctc2VjcmV0LWZvci10aGUtZm9yZ2VyLTEyMzQ1Ng==")[1]
    stale = signed(body, at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))[1]
    for headers_sent in ({}, forged, stale, {**forged, "webhook-signature": "v1,garbage"}):
        for _ in range(5):
            answer = client.post(WEBHOOKS, content=flood if headers_sent is forged else body, headers=headers_sent)
            assert 400 <= answer.status_code < 500
    huge = b'{"type": "response.created", "data": "' + b"x" * 999_960 + b'"}'
    for _ in range(50):  # 50 MB of unsigned megabyte deliveries (bench.chaos sends 10,000)
        assert client.post(WEBHOOKS, content=huge, headers={}).status_code == 413
    assert redis.llen(writer_side.key) == 0
    assert redis.info("memory")["used_memory"] - before < 1_000_000  # none of the 52.5 MB of bodies
    answer = client.post(WEBHOOKS, content=body, headers=headers)
    assert answer.status_code == 202 and answer.text == "handed over"
    taken_body, taken_headers = writer_side.take(timeout=1)
    assert taken_body == body and headers.items() <= taken_headers.items()  # as it came, for the writer to verify


def test_the_writer_shares_its_subscription_secret_and_withdraws_it(redis_url, tmp_path: Path):
    path = tmp_path / "campaign.toml"
    text = (ROOT / "campaign.toml").read_text(encoding="utf-8")
    path.write_text(text + '\n[webhooks]\nenabled = true\npublic_url = "http://127.0.0.1:9"\n', encoding="utf-8")
    config = load_config(path)
    secrets = load_secrets({"ARGILLA_API_URL": "http://127.0.0.1:9", "ARGILLA_API_KEY": "k", "REDIS_URL": redis_url})
    services = running_services(config, secrets, tmp_path / "data", role="candidate")
    try:
        assert services.campaign.updates is not None and services.deliveries is not None  # the writer
        services.campaign.updates.inbox.accept(SECRET)  # what a subscription does
        assert Deliveries(connect(redis_url), shared_prefix(config)).secret() == SECRET
        services.campaign.updates.inbox.accept(None)  # unsubscribed
        assert Deliveries(connect(redis_url), shared_prefix(config)).secret() is None
    finally:
        registry.drop("lease")  # first, or losing Redis would make it build a follower of a dead server
        registry.drop(SERVICES)


def test_a_delivery_being_handled_holds_no_other_request(redis_url, tmp_path: Path):
    """The writer checks and queues a delivery in a thread: while one is held up (its inbox busy),
    every other request of the process (a page's long-poll, the health check) is answered."""
    path = tmp_path / "campaign.toml"
    text = (ROOT / "campaign.toml").read_text(encoding="utf-8")
    path.write_text(text + '\n[webhooks]\nenabled = true\npublic_url = "http://127.0.0.1:9"\n', encoding="utf-8")
    secrets = load_secrets({"ARGILLA_API_URL": "http://127.0.0.1:9", "ARGILLA_API_KEY": "k"})
    services = running_services(load_config(path), secrets, tmp_path / "data")
    inbox = services.campaign.updates.inbox
    inbox.accept(SECRET)  # what a subscription does
    app = Starlette(routes=[Route(WEBHOOKS, argilla_webhook, methods=["POST"]), Route(HEALTH, health_route)])
    body, headers = signed({"type": "dataset.updated", "data": {"id": "ds-1"}})
    try:
        with TestClient(app) as client, ThreadPoolExecutor(1) as pool:
            with inbox._lock:  # the inbox is busy: this delivery waits for it
                delivery = pool.submit(client.post, WEBHOOKS, content=body, headers=headers)
                wait_until(lambda: inbox._lock.locked() and not delivery.done(), what="the delivery waiting")
                health = pool_free_get(client, HEALTH)
                assert health.status_code in (200, 503) and not delivery.done()
            assert delivery.result(timeout=10).status_code == 202
    finally:
        registry.drop(SERVICES)


def pool_free_get(client: TestClient, path: str):
    """A GET from a thread of its own, given 5 s: a request the event loop never gets to fails."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(client.get, path).result(timeout=5)
