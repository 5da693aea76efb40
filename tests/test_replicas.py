"""Beyond one machine: two process groups standing for two containers (each `scripts/serve` with
its own disk, nginx and two Streamlit processes) share a Redis. One writer among all of them
(a lease), the other group follows what it publishes there; when the writer's whole group dies, a
candidate of the other takes over."""

import time
from pathlib import Path

import httpx
import pytest

from data.config import load_config
from tests.app_env import write_config
from tests.campaign_builder import DatasetSpec, Plan, annotator_ready
from tests.hooked_app import Annotator
from tests.oracle import argilla_rows, csv_rows, differences
from tests.servers.counting_proxy import CountingProxy
from tests.streamlit_process import ServedApp, wait_for_app
from tests.test_serving import shown_validations
from tests.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.long, pytest.mark.fault]
WORKSPACE = "replicas"
SPEC = DatasetSpec("replicas_a", "texto", "ref", min_submitted=1, records=40, suggestion_share=1.0)
ANNOTATOR = "rep_ana"
REFRESH = 2


@pytest.fixture(scope="module")
def campaign(rg_client, argilla_server):
    return annotator_ready(rg_client, argilla_server, WORKSPACE, SPEC, ANNOTATOR)


@pytest.fixture
def replicas(campaign, argilla_server, redis_url, tmp_path):
    proxy = CountingProxy(argilla_server.api_url)  # both replicas reach Argilla through it: their reads add up
    config = write_config(tmp_path / "campaign.toml", Plan(WORKSPACE, [SPEC]), minimum=1, refresh=REFRESH)
    groups = []
    for name in ("a", "b"):
        env = {
            "ARGILLA_API_URL": proxy.url,
            "ARGILLA_API_KEY": argilla_server.api_key,
            "CAMPAIGN_CONFIG": str(config),
            "DATA_DIR": str(tmp_path / f"disk-{name}"),  # each container its own disk
            "REDIS_URL": redis_url,
        }
        groups.append(ServedApp(env, tmp_path / f"serve-{name}.log").start())
    yield groups, proxy
    for group in groups:
        group.stop()
    proxy.stop()


def polls_per_interval(proxy, seconds: float) -> float:
    started = time.monotonic()
    time.sleep(seconds)
    return proxy.polls_since(started) / (seconds / REFRESH)


def open_my_rank(browser, group):
    page = browser.new_context().new_page()
    page.goto(f"{group.url}/mi-posicion?user={ANNOTATOR}")
    wait_for_app(page, timeout=60_000)
    return page


def lease_holder(groups, redis_url: str, config_path) -> tuple:
    """(the group whose writer process holds the lease, the other one)."""
    import redis

    from data.config import load_config
    from data.feeds.services import shared_prefix

    holder = redis.Redis.from_url(redis_url).get(f"{shared_prefix(load_config(config_path))}:writer")
    pid = int(holder.decode().split(":")[1]) if holder else None
    writers = [group for group in groups if group.pid("writer") == pid]
    return (writers[0], next(g for g in groups if g is not writers[0])) if writers else (None, None)


def test_one_writer_among_replicas_and_a_takeover_when_its_container_dies(browser, replicas, campaign, redis_url):
    groups, proxy = replicas
    key, ids = campaign
    annotator = Annotator(proxy.url, key)
    config = groups[0].env["CAMPAIGN_CONFIG"]
    wait_until(lambda: lease_holder(groups, redis_url, config)[0] is not None, what="a lease holder")
    wait_until(lambda: proxy.polls_since(time.monotonic() - REFRESH * 2) > 0, what="a writer's polls")
    assert polls_per_interval(proxy, REFRESH * 5) <= 1.3  # one writer among four processes
    first, second = lease_holder(groups, redis_url, config)
    # the API's rate limit (300 per minute by default) is one count in Redis, whichever replica
    # and worker answers: one client alternating between the two machines gets 300, then 429s
    client = {"X-Forwarded-For": "203.0.113.200"}
    answers = [httpx.get(f"{groups[n % 2].url}/api/v1/campaigns", headers=client).status_code for n in range(330)]
    assert answers.count(200) == 300 and set(answers[300:]) == {429}

    page = open_my_rank(browser, second)  # a follower's page, on the other "machine"
    before = shown_validations(page)
    annotator.submit(ids[0])
    wait_until(lambda: shown_validations(page) == before + 1, timeout=60, what="the validation, via Redis")

    first.kill()  # the first container dies: its writer with it
    annotator.submit(ids[1])
    wait_until(lambda: shown_validations(page) == before + 2, timeout=90, what="the validation, via a new writer")
    assert polls_per_interval(proxy, REFRESH * 5) <= 1.3  # and still one writer
    assert page.locator("[role=dialog]").count() == 0


def test_redis_stopped_longer_than_the_lease_and_restarted_empty(
    browser, replicas, campaign, redis_server, argilla_server, rg_client
):
    """Redis gone for 20 s (longer than the writer's lease) and back with nothing (no persistence):
    the open page keeps its figures and says why they stand still; afterwards a writer is chosen
    again and everything done meanwhile is on the page and in the CSV, as argilla-server counts it."""
    groups, proxy = replicas
    key, ids = campaign
    annotator = Annotator(proxy.url, key)
    config = groups[0].env["CAMPAIGN_CONFIG"]
    wait_until(lambda: lease_holder(groups, redis_server.url, config)[0] is not None, what="a lease holder")
    _, follower = lease_holder(groups, redis_server.url, config)
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    dataset_id = str(rg_client.datasets(name=SPEC.name, workspace=WORKSPACE).id)

    def counted() -> int:  # the annotator's validations as argilla-server counts them
        row = argilla_rows(owner, [dataset_id], minimum=1).get(ANNOTATOR)
        return row.validations if row is not None else 0

    page = open_my_rank(browser, follower)
    before = counted()  # the page has the figures it will keep before Redis goes (a cold follower has none)
    wait_until(lambda: shown_validations(page) == before, timeout=60, what="the follower's first figures")
    redis_server.stop()
    annotator.submit(ids[10])  # while Redis is away
    annotator.submit(ids[11])

    def says_why() -> bool:
        return "réplicas" in page.inner_text("body")

    wait_until(says_why, timeout=30, what="the page saying the shared state cannot be read")
    stopped = time.monotonic()
    while time.monotonic() - stopped < 15:  # longer than the lease: every writer has stepped down
        assert says_why() and shown_validations(page) == before, page.locator(".tablero-status").first.inner_text()
        time.sleep(1)
    redis_server.start()
    wait_until(lambda: shown_validations(page) == before + 2, timeout=120, what="the validations made meanwhile")
    assert counted() == before + 2
    # the CSV: each process of the replica follows Redis on its own, and the API's request may reach
    # the one that did not serve the page, which may load the new read a moment later
    slug = load_config(Path(config)).slug
    address = {"X-Forwarded-For": "203.0.113.201"}
    truth = argilla_rows(owner, [dataset_id], minimum=1)

    def board() -> dict:
        answer = httpx.get(f"{follower.url}/api/v1/campaigns/{slug}/ranking.csv", headers=address, timeout=10)
        return csv_rows(answer.content)

    wait_until(lambda: differences(board(), truth) == 0, timeout=30, what=f"the CSV to equal {truth}")
    assert page.locator("[role=dialog]").count() == 0 and "Traceback" not in page.inner_text("body")
