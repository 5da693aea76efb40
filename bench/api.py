"""The API under load: 50 locust clients asking for the ranking of 5,000 contributors from
`scripts/serve` with WORKERS=2, alone and while 300 open page tabs (10 of them reading) are served.

    .venv/bin/python -m bench.api [--window 60] [--tabs 300]

The campaign is served from a snapshot (the start-up path; Argilla's address is a closed port, so
no read replaces it during the run and no upstream request is made). The rate limit is raised for
the run: 50 clients asking as fast as answers come exceed the default 300 a minute each.
Reported: the API's p50/p95 and requests per second (locust's own figures), the share of 304s and
their latency, the readers' page-ready p95 without and with the API's load, and the naive way
(aggregating the ranking for every request, in-process) for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import functools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import ROOT, machine, median_seconds, percentile, tree_cpu
from bench.load import OTHER_PAGES, idle_tabs, read_pages
from bench.tabs import Stats, Tab, arrive_all
from data.config import load_config
from data.feeds.campaign import campaign_source
from data.model import aggregate, columns, export
from data.state.snapshots import SnapshotStore, save_campaign
from data.synthetic import generate
from tests.servers.argilla_process import free_port
from tests.streamlit_process import ServedApp

CLIENTS = 50
OFFERED = 6  # requests a second per client: 300 a second in all, the target


def locust(url: str, seconds: float, folder: Path, slug: str, rate: float) -> tuple[dict[str, dict[str, str]], float]:
    """Run the locust clients for `seconds`, each asking `rate` times a second (0: as fast as
    answers come); their stats by request name, and their CPU (cores)."""
    prefix = folder / f"locust-{time.monotonic_ns()}"
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "api_users.py"), "--headless"]
    command += ["--host", url, "-u", str(CLIENTS), "-r", str(CLIENTS), "-t", f"{int(seconds)}s", "--csv", str(prefix)]
    started, before = time.monotonic(), os.times()
    done = subprocess.run(
        command, env={**os.environ, "BENCH_SLUG": slug, "BENCH_RATE": str(rate)}, capture_output=True, text=True
    )
    if done.returncode not in (0, 1):  # 1: some requests failed (reported below)
        raise RuntimeError(done.stderr[-2000:])
    after = os.times()
    used = after.children_user + after.children_system - before.children_user - before.children_system
    cpu = used / (time.monotonic() - started)
    with open(f"{prefix}_stats.csv", newline="") as file:
        return {row["Name"]: row for row in csv.DictReader(file)}, cpu


async def readers_p95(url: str, ranked: list[str], seconds: float) -> tuple[float, float]:
    """10 active readers moving between pages for `seconds`: page-ready p50 and p95 (ms)."""
    readers = Stats()
    active = [Tab(url, *random.choice(OTHER_PAGES), readers) for _ in range(10)]
    await arrive_all(active, 5, fetch_assets=False)
    readers.page_runs.clear()
    await read_pages(active, ranked, seconds)
    await asyncio.gather(*(tab.close() for tab in active))
    runs = readers.page_runs
    return statistics.median(runs) * 1000, percentile(runs, 0.95) * 1000


def naive_ms(campaign, config) -> float:
    """The naive way: aggregate the ranking and write its JSON for every request."""

    def answer() -> None:
        table = aggregate.contributors(
            campaign.responses, min_validations=config.min_validations_for_prize, exclude_users=config.exclude_users
        )
        export.to_json_rows(table[columns.CSV_NAMES].head(100))

    return median_seconds(answer, repeat=9) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--tabs", type=int, default=300)
    parser.add_argument("--contributors", type=int, default=5000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="api-bench-"))
    config_text = (ROOT / "campaign.toml").read_text(encoding="utf-8") + '\n[api]\nrate_limit = "100000 per minute"\n'
    (folder / "campaign.toml").write_text(config_text, encoding="utf-8")
    config = load_config(folder / "campaign.toml")
    slug = config.slug or ""
    campaign = generate(contributors=args.contributors, responses=args.contributors * 25, seed=2, scale=20)
    campaign.source = campaign_source(config)
    save_campaign(SnapshotStore(folder / "data"), campaign)
    ranked = campaign.responses["user"].dropna().astype(str).unique().tolist()
    print(f"machine: {machine()}")
    print(f"{campaign.responses['user'].nunique():,} contributors, {len(campaign.responses):,} responses")
    print(f"naive (aggregate per request, in-process): {naive_ms(campaign, config):.1f} ms")

    port = free_port()
    env = {
        "DATA_DIR": str(folder / "data"),
        "CAMPAIGN_CONFIG": str(folder / "campaign.toml"),
        "ARGILLA_API_URL": "http://127.0.0.1:9",
        "ARGILLA_API_KEY": "bench",
        "HF_ENDPOINT": "http://127.0.0.1:9",
    }
    app = ServedApp(env, folder / "served.log", 2, port).start()
    url = app.url
    try:
        ranking = f"{url}/api/v1/campaigns/{slug}/ranking"
        for _ in range(120):
            if httpx.get(ranking, timeout=10).status_code == 200:
                break
            time.sleep(1)
        for label, rate in (
            (f"API alone, {CLIENTS * OFFERED} requests/s offered", OFFERED),
            ("API alone, saturated", 0),
        ):
            cpu, started = tree_cpu(app.process.pid), time.monotonic()
            stats, clients = locust(url, args.window, folder, slug, rate)
            report(label, stats, (tree_cpu(app.process.pid) - cpu) / (time.monotonic() - started), clients)

        async def with_tabs() -> None:
            stats_tabs = Stats()
            tabs = idle_tabs(url, args.tabs, ranked, stats_tabs)
            await arrive_all(tabs, 60, fetch_assets=False)
            await asyncio.sleep(10)
            p50, p95 = await readers_p95(url, ranked, args.window)
            label = f"{args.tabs} open tabs + 10 readers"
            print(f"| {label}, no API load | page-ready p50 / p95 | {p50:.0f} / {p95:.0f} ms |")
            api = functools.partial(locust, url, args.window + 10, folder, slug, OFFERED)
            loaded = asyncio.get_running_loop().run_in_executor(None, api)
            await asyncio.sleep(5)
            q50, q95 = await readers_p95(url, ranked, args.window)
            api_stats, api_clients = await loaded
            print(f"| {label}, with the API's load | page-ready p50 / p95 | {q50:.0f} / {q95:.0f} ms |")
            print(f"| | degradation of the readers' p95 | {q95 / p95 - 1:+.0%} |")
            report(
                f"API with {args.tabs} open tabs, {CLIENTS * OFFERED} requests/s offered", api_stats, None, api_clients
            )
            print(f"| | tab errors | {len(stats_tabs.errors)} |")
            await asyncio.gather(*(tab.close() for tab in tabs))

        asyncio.run(with_tabs())
    finally:
        app.stop()


def report(label: str, stats: dict[str, dict[str, str]], server: float | None, clients: float) -> None:
    total = stats["Aggregated"]
    print(f"| {label} | requests/s (all) | {float(total['Requests/s']):.0f} |")
    for name in ("ranking", "ranking week", "ranking (304)"):
        row = stats.get(name)
        if row:
            print(f"| {label} | {name}: p50 / p95 | {row['50%']} / {row['95%']} ms ({row['Request Count']} requests) |")
    print(f"| {label} | failures | {total['Failure Count']} of {total['Request Count']} |")
    if server is not None:
        print(f"| {label} | server CPU | {server:.2f} cores |")
    print(f"| {label} | the locust clients' CPU | {clients:.2f} cores |")


if __name__ == "__main__":
    main()
