"""A 20,000-record campaign on a real argilla-server: the first seconds of a fresh process, and the
live ranking by webhooks.

    .venv/bin/python -m bench.live [records] [responses_to_time] [cold,hooks]

Builds the dataset (several minutes), then measures:
1. cold start, empty DATA_DIR, `streamlit run app.py` (README command): process start -> server up,
   and a first visitor opening /exportar at once in Chromium -> the real page (its download button);
   the same after a restart with the snapshot on disk;
2. webhooks (argilla-server's own worker pool delivering to the app): latency from a submitted
   response to the app's ranking holding it, p50/p95; Argilla requests per validation;
3. 1% of the responses changed in one interval: Argilla work of the webhook path (upstream seconds,
   requests) against one full read.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import argilla as rg
import httpx
from playwright.sync_api import sync_playwright

from bench.common import machine
from bench.incremental import USERS, build, change
from data.config import DatasetConfig, load_config
from data.feeds.campaign import campaign_source, normalise
from data.model import aggregate
from data.sources.argilla import ArgillaSource
from data.state.snapshots import SnapshotStore, load_campaign
from data.times import utc_now
from tests.app_env import environment, live_environment, write_config
from tests.campaign_builder import DatasetSpec, Plan, ensure_users
from tests.servers.argilla_process import ArgillaTestServer, free_port
from tests.servers.counting_proxy import CountingProxy
from tests.streamlit_process import CHROMIUM, CHROMIUM_ARGS, StreamlitApp

NAME = "live_a"
CONFIGS = (DatasetConfig(NAME, "texto", workspace="bench"),)


def spec_plan() -> Plan:
    return Plan("bench", [DatasetSpec(NAME, "texto", None, min_submitted=1, records=0)])


def first_visit(browser, app: StreamlitApp, started: float) -> tuple[float, float]:
    """(seconds from process start to the server answering, to the real page), for a visitor at once."""
    up = time.monotonic() - started
    page = browser.new_page()
    page.goto(f"{app.url}/exportar")
    page.get_by_role("button", name="Descargar CSV").wait_for(timeout=300_000)
    real = time.monotonic() - started
    page.close()
    return up, real


def saved(env: dict):
    """The campaign the running app holds now, as it saved it (None before its first save)."""
    with environment(**env):
        config = load_config()
    campaign = load_campaign(SnapshotStore(env["DATA_DIR"]), campaign_source(config))
    return None if campaign is None or campaign.provisional else campaign  # a first look holds no response


def counts(env: dict) -> dict[str, int] | None:
    campaign = saved(env)
    if campaign is None:
        return None
    table = aggregate.contributors(campaign.responses, min_validations=1)
    return dict(zip(table["username"], table["validations"]))


def app_state(env: dict) -> set[tuple] | None:
    campaign = saved(env)
    return None if campaign is None else _state(campaign.responses)


def responses_state(raw) -> set[tuple]:
    return _state(normalise(raw, utc_now(), "bench").responses)


def _state(responses) -> set[tuple]:
    columns = ["record_id", "user", "status", "answer_hash"]
    return set(responses[columns].astype("string").itertuples(index=False, name=None))


def main(size: int, timed: int, parts: set[str]) -> None:
    print(machine())
    server = ArgillaTestServer().start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-live-"))
    try:
        client = rg.Argilla(api_url=server.api_url, api_key=server.api_key)
        workspace = client.workspaces("bench") or client.workspaces.add(rg.Workspace(name="bench", client=client))
        accounts = ensure_users(client, USERS, workspace)
        started = time.monotonic()
        build(client, NAME, size, accounts)
        print(f"built {size:,} records in {time.monotonic() - started:.0f} s")
        owner = httpx.Client(base_url=server.api_url, headers={"X-Argilla-Api-Key": server.api_key}, timeout=60)
        keys = {u.username: owner.get(f"/api/v1/users/{u.id}").json()["api_key"] for u in client.users}

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            if "cold" in parts:
                cold(browser, server, tmp)
            if "hooks" in parts:
                hooks(server, client, keys, tmp, timed)
            browser.close()
    finally:
        server.stop()


def cold(browser, server: ArgillaTestServer, tmp: Path) -> None:
    for wait in (10, 1):
        ups, reals, restarts = [], [], []
        for run in range(3):
            config = write_config(tmp / f"cold-{wait}-{run}.toml", spec_plan(), campaign={"first_wait_seconds": wait})
            env = live_environment(server, config, tmp / f"cold-{wait}-{run}")
            started = time.monotonic()
            app = StreamlitApp(env, tmp / f"cold-{wait}-{run}.log").start()
            up, real = first_visit(browser, app, started)
            app.stop()
            ups.append(up)
            reals.append(real)
            started = time.monotonic()
            app = StreamlitApp(env, tmp / f"restart-{wait}-{run}.log").start()  # the snapshot is on disk
            restarts.append(first_visit(browser, app, started)[1])
            app.stop()
        print(
            f"cold start (first_wait_seconds={wait}), median of 3: server up {statistics.median(ups):.1f} s; "
            f"real page for a visitor arriving then {statistics.median(reals):.1f} s after process start "
            f"(visitor waited {statistics.median(reals) - statistics.median(ups):.1f} s); "
            f"restart with a snapshot: real page {statistics.median(restarts):.1f} s"
        )


def hooks(server, client, keys, tmp: Path, timed: int) -> None:
    discard_recount(server)
    server.start_worker(simple=False)  # argilla-server's own worker pool, as deployed
    proxy = CountingProxy(server.api_url)
    port = free_port()
    sections = f'[webhooks]\nenabled = true\npublic_url = "http://127.0.0.1:{port}"\nreconcile_minutes = 60\n'
    config = write_config(tmp / "hooks.toml", spec_plan(), minimum=1, refresh=120, sections=sections)
    env = {
        "ARGILLA_API_URL": proxy.url,
        "ARGILLA_API_KEY": server.api_key,
        "CAMPAIGN_CONFIG": str(config),
        "DATA_DIR": str(tmp / "hooks"),
    }
    app = StreamlitApp(env, tmp / "hooks.log", port=port).start()
    try:
        while counts(env) is None:
            time.sleep(0.5)
        time.sleep(5)
        mark = time.monotonic()
        ArgillaSource(proxy.url, server.api_key, CONFIGS).fetch()
        full_seconds, full_requests = proxy.upstream_seconds(mark), proxy.requests_since(mark)
        dataset = client.datasets(name=NAME, workspace="bench")
        owner = httpx.Client(base_url=server.api_url, headers={"X-Argilla-Api-Key": server.api_key}, timeout=60)
        ids = [str(r["id"]) for r in _records(owner, str(dataset.id))]
        annotator = "bench_new"
        accounts = ensure_users(client, [annotator], client.workspaces("bench"))
        keys[annotator] = owner.get(f"/api/v1/users/{accounts[annotator].id}").json()["api_key"]
        http = httpx.Client(base_url=server.api_url, headers={"X-Argilla-Api-Key": keys[annotator]}, timeout=60)
        latencies, since = [], time.monotonic()
        for n, record_id in enumerate(random.Random(1).sample(ids, timed), start=1):
            http.post(
                f"/api/v1/records/{record_id}/responses",
                json={"values": {"texto": {"value": "validada"}}, "status": "submitted"},
            ).raise_for_status()
            sent = time.monotonic()
            while (counts(env) or {}).get(annotator, 0) < n:
                time.sleep(0.05)
            latencies.append(time.monotonic() - sent)
            time.sleep(1.0)
        requests = proxy.requests_since(since)
        latencies.sort()
        p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
        print(
            f"webhooks: {timed} responses submitted one at a time; submit -> ranking p50 "
            f"{statistics.median(latencies):.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s; "
            f"Argilla requests {requests} = {requests / timed:.2f} per validation "
            f"(refresh_seconds 120: signature and webhook checks included)"
        )
        before = time.monotonic()
        changed = change(server, client, NAME, 0.01, keys)
        sent = time.monotonic() - before
        want = responses_state(ArgillaSource(server.api_url, server.api_key, CONFIGS).fetch())
        while app_state(env) != want:  # every edit applied (its new text, not only the counts)
            time.sleep(0.5)
        applied = time.monotonic() - before
        while proxy.requests_since(before) == 0 and time.monotonic() - before < 400:
            time.sleep(1)  # the interval's signature and webhook check (every refresh_seconds) is counted
        quiet(proxy)
        work, reads = proxy.upstream_seconds(before), proxy.requests_since(before)
        print(
            f"1% of the responses ({changed}) changed (the edits took {sent:.1f} s to send): all applied "
            f"{applied:.1f} s after the first edit; "
            f"the webhook path spent {work:.2f} s of Argilla time in {reads} requests over the interval "
            f"(the signature check included); a full read {full_seconds:.2f} s in {full_requests} requests "
            f"= {100 * work / full_seconds:.1f}% of a full read"
        )
    finally:
        app.stop()
        proxy.stop()
        server.stop_worker()


def discard_recount(server: ArgillaTestServer) -> None:
    """Drop the record-status recount argilla-server queued when the dataset was built.

    Saving a dataset's settings queues `update_dataset_records_status_job`, which walks every record
    (over 6 minutes for 20,000 here) on the worker that also delivers webhooks: deliveries wait
    behind it. That is a one-off of the dataset's creation, not the steady state measured here
    (the statuses are already right: they are set as each response is written).
    """
    subprocess.run(["redis-cli", "-p", str(server.redis_port), "DEL", "rq:queue:default"], check=True)


def quiet(proxy: CountingProxy, seconds: float = 15, limit: float = 600) -> None:
    """Wait until the app has sent Argilla nothing for `seconds` (its batches are done)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proxy.requests_since(time.monotonic() - seconds) > 0:
        time.sleep(1)


def _records(owner: httpx.Client, dataset_id: str) -> list[dict]:
    items, offset = [], 0
    while True:
        page = owner.get(f"/api/v1/datasets/{dataset_id}/records", params={"offset": offset, "limit": 1000}).json()
        items += page["items"]
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return items


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 20_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 40,
        set((sys.argv[3] if len(sys.argv) > 3 else "cold,hooks").split(",")),
    )
