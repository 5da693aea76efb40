"""The fault suite at full length, against the app as deployed (`scripts/serve`: nginx, two Streamlit
processes per replica, two replicas sharing a real redis-server) and a real argilla-server with its
own worker pool delivering webhooks. What a visitor saw, how long until the prize CSV equals
argilla-server's own count again (tests/oracle.py), and what was lost: RELIABILITY.md.

    .venv/bin/python -m bench.chaos [redis,deliveries,longpolls]

- redis: Redis stopped for 30 s (it restarts empty, as a container without persistence), while an
  annotator validates; a tab open on the replica that does not hold the lease.
- deliveries: 10,000 unsigned webhook deliveries of 1 MB each, then 1,000 forged ones, from many
  addresses, at the replica that does not hold the lease: Redis's peak memory, what reached it.
- longpolls: 500 hostile long-polls from 500 addresses (made-up versions, campaign-wide and one
  person's, each asked again at once with whatever the answer names, as a client fishing for the
  real fingerprint would) while a real validation travels to an open Chromium tab: its delay with
  and without them, p50/p95 of 20 validations each.
The short forms of these, and every other fault, are tests: `bash scripts/faults.sh`.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import argilla as rg
import httpx
import redis as redis_client
from playwright.sync_api import sync_playwright

from bench.common import machine, percentile
from data.config import load_config
from data.feeds.services import shared_prefix
from data.routes import CHANGES, WEBHOOKS
from tests.app_env import write_config
from tests.campaign_builder import DatasetSpec, Plan, annotator_ready
from tests.hooked_app import Annotator, signed
from tests.oracle import argilla_rows, csv_rows, differences
from tests.servers.argilla_process import ArgillaTestServer
from tests.servers.counting_proxy import CountingProxy
from tests.servers.redis_process import RedisServer
from tests.streamlit_process import CHROMIUM, CHROMIUM_ARGS, ServedApp, wait_for_app
from tests.test_serving import shown_validations

WORKSPACE = "caos"
SPEC = DatasetSpec("caos_a", "texto", "ref", min_submitted=1, records=300, suggestion_share=1.0)
ANNOTATOR = "caos_ana"
OUTAGE = 30.0


class Replicas:
    """Two replicas (each `scripts/serve` with its own disk) sharing a Redis, webhooks on."""

    def __init__(self, server: ArgillaTestServer, redis: RedisServer, folder: Path):
        self.proxy = CountingProxy(server.api_url)
        self.redis, self.groups = redis, []
        for name in ("a", "b"):
            group = ServedApp({}, folder / f"serve-{name}.log")
            hooks = f'[webhooks]\nenabled = true\npublic_url = "{group.url}"\nreconcile_minutes = 60\n'
            config = write_config(
                folder / f"campaign-{name}.toml", Plan(WORKSPACE, [SPEC]), minimum=1, refresh=10, sections=hooks
            )
            group.env.update(
                {
                    "ARGILLA_API_URL": self.proxy.url,
                    "ARGILLA_API_KEY": server.api_key,
                    "CAMPAIGN_CONFIG": str(config),
                    "DATA_DIR": str(folder / f"disk-{name}"),
                    "REDIS_URL": redis.url,
                    "SPACE_ID": "caos/tablero",  # one deployment: one webhook, whichever replica writes
                }
            )
            self.groups.append(group.start())
        self.key = f"{shared_prefix(load_config(Path(self.groups[0].env['CAMPAIGN_CONFIG'])))}:writer"

    def follower(self) -> ServedApp:
        """The replica whose writer process does not hold the lease (waits for a holder)."""
        while True:
            with contextlib.suppress(redis_client.RedisError):
                holder = redis_client.Redis.from_url(self.redis.url).get(self.key)
                if holder:
                    pid = int(holder.decode().split(":")[1])
                    return next(group for group in self.groups if group.pid("writer") != pid)
            time.sleep(0.5)

    def csv(self, group: ServedApp) -> bytes | None:
        """The prize CSV as the replica serves it (its API's), None while it cannot (503: no read yet)."""
        client = {"X-Forwarded-For": f"10.7.{random.randrange(256)}.{random.randrange(256)}"}
        answer = httpx.get(f"{group.url}/api/v1/campaigns/{load_slug(group)}/ranking.csv", headers=client, timeout=10)
        return answer.content if answer.status_code == 200 else None

    def stop(self) -> None:
        for group in self.groups:
            group.stop()
        self.proxy.stop()


def load_slug(group: ServedApp) -> str:
    return load_config(Path(group.env["CAMPAIGN_CONFIG"])).slug


def status_of(page) -> str:
    found = page.locator(".tablero-status")
    return found.first.inner_text() if found.count() else ""


def redis_outage(
    replicas: Replicas, owner: httpx.Client, dataset_id: str, annotator: Annotator, ids: list[str]
) -> None:
    """Redis stopped for OUTAGE s while an annotator validates; a tab open on the follower replica."""
    group = replicas.follower()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{group.url}/mi-posicion?user={ANNOTATOR}")
        wait_for_app(page, timeout=120_000)
        annotator.submit(ids[0])
        while shown_validations(page) < 1:
            time.sleep(0.5)
        replicas.redis.stop()
        stopped = time.monotonic()
        seen, shown = Counter(), []
        for n in range(1, 6):  # validations while Redis is away
            annotator.submit(ids[n])
        while time.monotonic() - stopped < OUTAGE:
            text = status_of(page)
            seen["data on screen" if shown_validations(page) >= 1 else "no data"] += 1
            seen["says why" if "Redis" in text or "réplicas" in text else "no reason"] += 1
            seen["CSV served" if replicas.csv(group) is not None else "no CSV"] += 1
            shown.append(text)
            time.sleep(2)
        replicas.redis.start()
        back = time.monotonic()
        truth = argilla_rows(owner, [dataset_id], minimum=1)
        exact = shown_at = None
        while time.monotonic() - back < 300 and (exact is None or shown_at is None):
            board = replicas.csv(group)
            if exact is None and board is not None and differences(csv_rows(board), truth) == 0:
                exact = time.monotonic() - back
            if shown_at is None and shown_validations(page) == truth[ANNOTATOR].validations:
                shown_at = time.monotonic() - back
            time.sleep(0.5)
        browser.close()
    print(f"\nRedis stopped {OUTAGE:.0f} s, 5 validations meanwhile; a tab on the follower replica")
    print(f"- while down (every 2 s): {dict(seen)}; the status line said e.g. {shown[-1][:160]!r}")
    print(f"- after Redis came back (empty): the follower's CSV exact in {exact} s, the open tab in {shown_at} s")
    print(f"- lost: {'nothing' if exact is not None else 'the CSV never became exact'}")


def delivery_flood(replicas: Replicas, unsigned: int = 10_000, forged: int = 1_000) -> None:
    """Unsigned 1 MB deliveries, then forged ones, from many addresses, at the follower replica."""
    group = replicas.follower()
    watch = redis_client.Redis.from_url(replicas.redis.url)
    watch.config_resetstat()
    before = int(watch.info("memory")["used_memory"])
    prefix = replicas.key.rsplit(":", 1)[0]
    body = b'{"type": "response.created", "data": "' + b"x" * 999_960 + b'"}'
    small, _ = signed({"type": "response.created", "data": {"id": "r"}})
    forged_headers = signed(small, secret="d3Jvbmctc2VjcmV0LWZvci10aGUtZm9yZ2VyLTEyMzQ1Ng==")[1]
    answers: Counter = Counter()
    peak = before
    started = time.monotonic()

    async def flood(count: int, content: bytes, headers: dict) -> None:
        nonlocal peak
        limits = httpx.Limits(max_connections=32)
        async with httpx.AsyncClient(base_url=group.url, timeout=60, limits=limits) as client:
            queue = iter(range(count))

            async def one_sender() -> None:
                nonlocal peak
                for n in queue:
                    address = {"X-Forwarded-For": f"10.{n % 200}.{n // 200 % 250}.{n % 251}"}
                    answer = await client.post(WEBHOOKS, content=content, headers={**headers, **address})
                    answers[answer.status_code] += 1
                    if n % 200 == 0:
                        peak = max(peak, int(watch.info("memory")["used_memory"]))

            await asyncio.gather(*(one_sender() for _ in range(32)))

    asyncio.run(flood(unsigned, body, {"Content-Type": "application/json"}))
    asyncio.run(flood(forged, small, forged_headers))
    seconds = time.monotonic() - started
    peak = max(peak, int(watch.info("memory")["used_memory_peak"]))
    print(
        f"\n{unsigned:,} unsigned deliveries of 1 MB, then {forged:,} forged, from many addresses, in {seconds:.0f} s"
    )
    print(f"- answers: {dict(sorted(answers.items()))}")
    print(f"- Redis memory: {before / 2**20:.1f} MB before, peak {peak / 2**20:.1f} MB")
    print(f"- deliveries waiting for the writer in Redis: {watch.llen(f'{prefix}:deliveries')}")


def hostile_longpolls(replicas: Replicas, annotator: Annotator, ids: list[str], hostile: int = 500) -> None:
    """A validation reaching an open tab, with and without `hostile` long-polls from as many addresses."""
    group = replicas.groups[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{group.url}/mi-posicion?user={ANNOTATOR}")
        wait_for_app(page, timeout=120_000)
        quiet = delays(page, annotator, ids[10:30])
        stop = asyncio.Event()
        loop_thread, asked = start_hostile(group.url, hostile, stop)
        try:
            busy = delays(page, annotator, ids[30:50])
        finally:
            loop_thread[0].call_soon_threadsafe(stop.set)
            loop_thread[1].join()
        browser.close()

    def line(values: list[float]) -> str:
        return f"p50 {statistics.median(values):.2f} s, p95 {percentile(values, 0.95):.2f} s"

    print(f"\nA validation -> an open Chromium tab of Mi posición (20 each), {hostile} hostile long-polls")
    print(f"- alone: {line(quiet)}")
    print(f"- with them ({asked['n']:,} hostile questions asked meanwhile): {line(busy)}")
    print(f"- p95 delay added: {percentile(busy, 0.95) - percentile(quiet, 0.95):+.2f} s")


def delays(page, annotator: Annotator, records: list[str]) -> list[float]:
    found = []
    for record in records:
        before = shown_validations(page)
        sent = time.monotonic()
        annotator.submit(record)
        while shown_validations(page) <= before and time.monotonic() - sent < 60:
            time.sleep(0.02)
        found.append(time.monotonic() - sent)
        time.sleep(max(0.0, 3 - (time.monotonic() - sent)))
    return found


def start_hostile(url: str, count: int, stop: asyncio.Event):
    """`count` clients, each from its own address, long-polling in a loop in a thread of their own:
    a third with made-up versions, a third asking again at once with whatever version the answer
    names, a third the same with someone else's Mi posición (an urgent key)."""
    import threading

    asked = {"n": 0}
    holder: list = []

    async def client(n: int, http: httpx.AsyncClient) -> None:
        address = {"X-Forwarded-For": f"10.{100 + n % 100}.{n // 100}.{n % 250 + 1}"}
        key = ("c", "c", f"u{ANNOTATOR}x")[n % 3]
        version = f"made-up-{n}"
        while not stop.is_set():
            with contextlib.suppress(httpx.HTTPError):
                answer = await http.get(CHANGES, params={"k": key, "v": version}, headers=address)
                asked["n"] += 1
                if n % 3 and answer.status_code == 200:
                    version = answer.json().get("v", version)  # the real one, asked again at once

    async def main() -> None:
        limits = httpx.Limits(max_connections=count + 10)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
            await asyncio.gather(*(client(n, http) for n in range(count)))

    def run() -> None:
        loop = asyncio.new_event_loop()
        holder.append(loop)
        loop.run_until_complete(main())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    while not holder:
        time.sleep(0.05)
    time.sleep(5)  # all of them parked
    return (holder[0], thread), asked


def main(chosen: set[str]) -> None:
    print(machine())
    folder = Path(tempfile.mkdtemp(prefix="bench-chaos-"))
    server = ArgillaTestServer().start()
    redis = RedisServer(folder).start()
    try:
        client = rg.Argilla(api_url=server.api_url, api_key=server.api_key)
        key, ids = annotator_ready(client, server, WORKSPACE, SPEC, ANNOTATOR)
        owner = httpx.Client(base_url=server.api_url, headers={"X-Argilla-Api-Key": server.api_key}, timeout=60)
        dataset_id = str(client.datasets(name=SPEC.name, workspace=WORKSPACE).id)
        server.start_worker(simple=False)  # argilla-server's own worker pool, as deployed
        replicas = Replicas(server, redis, folder)
        annotator = Annotator(server.api_url, key)
        try:
            if "redis" in chosen:
                redis_outage(replicas, owner, dataset_id, annotator, ids)
            if "deliveries" in chosen:
                delivery_flood(replicas)
            if "longpolls" in chosen:
                hostile_longpolls(replicas, annotator, ids)
        finally:
            replicas.stop()
    finally:
        redis.stop()
        server.stop()


if __name__ == "__main__":
    main(set((sys.argv[1] if len(sys.argv) > 1 else "redis,deliveries,longpolls").split(",")))
