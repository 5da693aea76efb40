"""The best day's load, with clients that do what a browser does (bench/tabs.py): hundreds of tabs
left open, a few active readers, a validation reaching an open page, a launch spike, and the page
runs two processes give against one. This version and the landed one ("today"), in one run.

    .venv/bin/python -m bench.load [--tabs 300,1000] [--baseline REV] [--skip-baseline]

Set-up: a real argilla-server with its webhook worker (argilla-server's own worker pool), the test
campaign's shape (three datasets), annotators with their own keys, Argilla behind a counting proxy;
webhooks on (the public URL is the app's own port), refresh_seconds 120.
- today: `streamlit run app.py` of REV (default: the commit this work started from), in a git
  worktree, one process.
- now: `scripts/serve` with WORKERS=2 (and WORKERS=1 for the throughput comparison).

Per variant and number of tabs:
1. idle: the tabs arrive over 60 s (80% *Mi posición* of someone ranked, the rest the other public
   pages); then 60 s with nobody doing anything: the server's CPU (every process of it, from
   /proc) per open tab per second, and the page runs per second the open tabs cause;
2. active: 10 more readers arrive and change page every 5-15 s for 60 s: their page-ready p50/p95
   (request sent -> the run's `script_finished`), CPU as before;
3. validation: an annotator whose *Mi posición* is one of the open tabs submits 20 validations, one
   every 3 s: submit -> that tab shows the new count, p50/p95 (with `--readers-meanwhile`, the 10
   readers go on reading meanwhile: their page-ready p50/p95 while the validations' reruns go on);
   and, 30 s after the last, how far every open *Inicio*, *Clasificación* and *Progreso* (which
   every validation moves) fell behind: each validation -> each such tab told to rerun, p50/p95/max.
Then, on a fresh start of each variant:
4. arrivals: 1,000 visitors arriving over 60 s (page, its scripts and styles, websocket, first run):
   first page p50/p95;
5. throughput: 24 clients asking for page after page with no pause for 45 s: page runs per second
   (WORKERS 1 and 2), and Argilla requests per refresh interval meanwhile.
The clients run at a lower priority (nice 10) on the same two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.common import ROOT, lowered, machine, percentile, tree_cpu, tree_rss
from bench.live import discard_recount
from bench.load_live import CAMPAIGN_PAGES, by_stage, campaign_pages_behind, loop_lag, validations
from bench.load_report import Result, idle_server_cpu, memory, per_tab, print_table
from bench.profile import Profiled
from bench.tabs import Stats, Tab, arrive_all
from tests.app_env import write_config
from tests.campaign_builder import DatasetSpec, Plan, build_campaign
from tests.hooked_app import Annotator
from tests.servers.argilla_process import ArgillaTestServer, free_port
from tests.servers.counting_proxy import CountingProxy
from tests.streamlit_process import ServedApp, StreamlitApp

BASELINE = "3135c27"  # main before this work: fragments rerun every open page every 2 s
SPECS = [
    DatasetSpec("carga_mmlu", "texto", "ref", min_submitted=2, records=300),
    DatasetSpec("carga_arc", "texto", None, min_submitted=1, records=300),
    DatasetSpec("carga_hellaswag", "texto", "ref", min_submitted=2, records=300),
]
PEOPLE = [f"persona{i:02d}" for i in range(40)]
ANNOTATOR = "persona00"
OTHER_PAGES = [("", ""), ("clasificacion", ""), ("progreso", ""), ("proyectos", ""), ("top10", "embed=true")]
SETTLE = 30.0  # seconds after the last validation before counting how far the campaign-wide pages fell behind
WORKSPACE = "carga"


def idle_tabs(url: str, count: int, ranked: list[str], stats: Stats) -> list[Tab]:
    rng = random.Random(count)
    tabs = [Tab(url, "mi-posicion", f"user={ANNOTATOR}", stats)]  # the annotator's own page
    for index in range(1, count):
        if index % 5:
            tabs.append(Tab(url, "mi-posicion", f"user={rng.choice(ranked)}", stats))
        else:
            tabs.append(Tab(url, *rng.choice(OTHER_PAGES), stats))
    return tabs


WINDOW = 60.0  # seconds of each measured window (--window)
TRACED = False  # the app traces allocations, to name its largest holders (--trace-memory)
PROFILED = False  # py-spy samples the server's processes during the validations (--profile)
VALIDATIONS = 20  # submitted during the open-tabs scenario, one every 3 s (--validations)
READ_MEANWHILE = False  # the 10 readers go on reading during the validations (--readers-meanwhile)


async def open_tabs_scenario(
    variant: str,
    url: str,
    root: int,
    count: int,
    ranked: list[str],
    annotator: Annotator,
    ids: list[str],
    data_dir: Path,
    out: Result,
) -> None:
    stats = Stats()
    alone, before = await idle_server_cpu(root), tree_rss(root)
    tabs = idle_tabs(url, count, ranked, stats)
    await arrive_all(tabs, WINDOW, fetch_assets=False)
    await asyncio.sleep(10)
    runs, cpu, started = dict(stats.runs), tree_cpu(root), time.monotonic()
    await asyncio.sleep(WINDOW)
    seconds = time.monotonic() - started
    idle_cpu = (tree_cpu(root) - cpu) / seconds
    background = sum(stats.runs[k] - runs.get(k, 0) for k in ("auto_rerun", "changed")) / seconds
    label = f"{count} open tabs"
    out.add(variant, f"{label}: server CPU per open tab, idle", per_tab(idle_cpu, alone, count))
    out.add(variant, f"{label}: page runs caused by open tabs, idle", f"{background:.2f}/s")
    memory(variant, label, root, before, count, out, TRACED)

    readers = Stats()
    active = [Tab(url, *random.choice(OTHER_PAGES), readers) for _ in range(10)]
    await arrive_all(active, 5, fetch_assets=False)
    runs, cpu, started, clients = dict(stats.runs), tree_cpu(root), time.monotonic(), time.process_time()
    readers.page_runs.clear()
    await read_pages(active, ranked, WINDOW)
    seconds = time.monotonic() - started
    out.add(
        variant,
        f"{label} + 10 active readers: page-ready p50 / p95",
        f"{statistics.median(readers.page_runs) * 1000:.0f} / {percentile(readers.page_runs, 0.95) * 1000:.0f} ms",
    )
    out.add(variant, f"{label} + 10 active readers: server CPU", f"{(tree_cpu(root) - cpu) / seconds:.2f} cores")
    out.add(
        variant,
        f"{label} + 10 active readers: the bench clients' CPU",
        f"{(time.process_time() - clients) / seconds:.2f} cores",
    )

    lags: list[float] = []
    probe = asyncio.create_task(loop_lag(lags))
    readers.page_runs.clear()
    reading = asyncio.create_task(read_pages(active, ranked, 3600)) if READ_MEANWHILE else None
    with Profiled(root, data_dir / "profile") if PROFILED else contextlib.nullcontext() as profile:
        stages, sent = await validations(tabs[0], annotator, ids, data_dir / "campaign.current")
    probe.cancel()
    if reading is not None:
        reading.cancel()
        out.add(
            variant,
            f"{label} + 10 active readers, during the validations: page-ready p50 / p95",
            f"{statistics.median(readers.page_runs) * 1000:.0f} / {percentile(readers.page_runs, 0.95) * 1000:.0f} ms",
        )
    delays = stages["shown"]
    out.add(
        variant,
        f"{label}: validation -> open Mi posición p50 / p95",
        f"{statistics.median(delays):.2f} / {percentile(delays, 0.95):.2f} s",
    )
    out.add(variant, f"{label}: validation, by stage p50 / p95", by_stage(stages))
    await asyncio.sleep(SETTLE)  # the pages still waiting for a turn get it once validations pause
    behind = campaign_pages_behind(tabs, sent, time.monotonic())
    out.add(
        variant,
        f"{label}: validation -> every open {' / '.join(CAMPAIGN_PAGES)} told, p50 / p95 / max",
        f"{statistics.median(behind):.2f} / {percentile(behind, 0.95):.2f} / {max(behind):.2f} s",
    )
    out.add(
        variant,
        f"{label}: during the validations, the bench clients' own lag p50 / p95 / max",
        f"{statistics.median(lags):.2f} / {percentile(lags, 0.95):.2f} / {max(lags):.2f} s",
    )
    for line in profile.summary() if profile is not None else ():
        out.add(variant, f"{label}: during the validations, py-spy {line.split(':', 1)[0]}", line.split(":", 1)[1])
    out.add(variant, f"{label}: errors", f"{len(stats.errors) + len(readers.errors)} {sorted(set(stats.errors))[:3]}")
    await asyncio.gather(*(tab.close() for tab in [*tabs, *active]))


async def read_pages(active: list[Tab], ranked: list[str], seconds: float) -> None:
    """Each tab moves to another page every 5-15 s for `seconds`, as a reader does."""
    started = time.monotonic()

    async def read(tab: Tab, rng: random.Random) -> None:
        while time.monotonic() - started < seconds:
            await asyncio.sleep(rng.uniform(5, 15))
            page, query = rng.choice([*OTHER_PAGES, ("mi-posicion", f"user={rng.choice(ranked)}")])
            await tab.navigate(page, query)

    await asyncio.gather(*(read(tab, random.Random(i)) for i, tab in enumerate(active)))


async def chromium_scenario(variant: str, url: str, root: int, count: int, ranked: list[str], out: Result) -> None:
    """The same idle cost, with real Chromium tabs (each its own browser context: its own cookies)."""
    from playwright.async_api import async_playwright

    from tests.streamlit_process import CHROMIUM, CHROMIUM_ARGS

    alone = await idle_server_cpu(root)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        rng = random.Random(3)
        pages = []
        for index in range(count):
            page = await (await browser.new_context()).new_page()
            path, query = ("mi-posicion", f"user={rng.choice(ranked)}") if index % 5 else rng.choice(OTHER_PAGES)
            await page.goto(f"{url}/{path}" + (f"?{query}" if query else ""))
            pages.append(page)
        for page in pages:
            await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
        await asyncio.sleep(10)
        cpu, started = tree_cpu(root), time.monotonic()
        await asyncio.sleep(WINDOW)
        used = (tree_cpu(root) - cpu) / (time.monotonic() - started)
        out.add(variant, f"{count} Chromium tabs: server CPU per open tab, idle", per_tab(used, alone, count))
        await browser.close()


async def arrivals_scenario(variant: str, url: str, count: int, out: Result) -> None:
    stats = Stats()
    rng = random.Random(7)
    visitors = [Tab(url, *rng.choice([*OTHER_PAGES, ("mi-posicion", "user=persona03")]), stats) for _ in range(count)]
    await arrive_all(visitors, WINDOW, fetch_assets=True)
    out.add(
        variant,
        f"{count} visitors arriving over {WINDOW:.0f} s: first page p50 / p95",
        f"{statistics.median(stats.first_pages):.2f} / {percentile(stats.first_pages, 0.95):.2f} s"
        f" ({len(stats.errors)} errors)",
    )
    await asyncio.gather(*(tab.close() for tab in visitors))


async def throughput_scenario(url: str, clients: int, seconds: float) -> float:
    stats = Stats()
    tabs = [Tab(url, *OTHER_PAGES[i % len(OTHER_PAGES)], stats) for i in range(clients)]
    await arrive_all(tabs, 3, fetch_assets=False)
    stats.page_runs.clear()
    started = time.monotonic()

    async def hammer(tab: Tab, index: int) -> None:
        while time.monotonic() - started < seconds:
            await tab.navigate(*OTHER_PAGES[index % len(OTHER_PAGES)])
            index += 1

    await asyncio.gather(*(hammer(tab, i) for i, tab in enumerate(tabs)))
    rate = len(stats.page_runs) / (time.monotonic() - started)
    await asyncio.gather(*(tab.close() for tab in tabs))
    return rate


def throughput_runs(served, proxy: CountingProxy, out: Result) -> None:
    """Scenario 5 with WORKERS 1 and 2, each on a fresh start: page runs per second, the clients'
    own CPU, and Argilla requests per refresh interval meanwhile."""
    for workers in (1, 2):
        port = free_port()
        app = served(workers, port)
        try:
            time.sleep(15)
            started, clients = time.monotonic(), time.process_time()
            with lowered():
                rate = asyncio.run(throughput_scenario(app.url, 24, WINDOW * 0.75))
            clients = (time.process_time() - clients) / (time.monotonic() - started)
            checks = proxy.requests_since(started, "GET /api/v1/datasets/") / ((time.monotonic() - started) / 120)
            out.add(f"WORKERS={workers}", "throughput: page runs per second", f"{rate:.1f}/s")
            out.add(f"WORKERS={workers}", "throughput: the bench clients' CPU", f"{clients:.2f} cores")
            out.add(f"WORKERS={workers}", "Argilla requests per refresh interval", f"{checks:.1f}")
        finally:
            app.stop()


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tabs", default="300,1000")
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--window", type=float, default=WINDOW, help="seconds of each measured window")
    parser.add_argument("--arrivals", type=int, default=1000)
    parser.add_argument("--scenarios", default="open,chromium,arrivals,throughput", help="which to run")
    parser.add_argument("--trace-memory", action="store_true", help="name memory's largest holders (slow)")
    parser.add_argument("--profile", action="store_true", help="py-spy on the server during the validations")
    parser.add_argument("--validations", type=int, default=VALIDATIONS, help="how many, one every 3 s")
    parser.add_argument("--readers-meanwhile", action="store_true", help="the readers read during the validations")
    return parser.parse_args()


def load_campaign(server: ArgillaTestServer) -> tuple[Annotator, Iterator[str], list[str]]:
    """The campaign built on `server` (its webhook worker started after): the annotator who
    validates, the records they have not answered yet (in one dataset), and everyone ranked."""
    import argilla as rg

    client = rg.Argilla(api_url=server.api_url, api_key=server.api_key)
    plan = build_campaign(client, WORKSPACE, SPECS, PEOPLE, seed=11)
    discard_recount(server)  # a one-off of the datasets' creation that delays deliveries (bench/live.py)
    server.start_worker(simple=False)
    owner = httpx.Client(base_url=server.api_url, headers={"X-Argilla-Api-Key": server.api_key})
    user = next(u for u in client.users if u.username == ANNOTATOR)
    annotator = Annotator(server.api_url, owner.get(f"/api/v1/users/{user.id}").json()["api_key"])
    answered = {r.record for r in plan.responses if r.user == ANNOTATOR and r.dataset == SPECS[1].name}
    dataset = client.datasets(name=SPECS[1].name, workspace=WORKSPACE)
    listed = owner.get(f"/api/v1/datasets/{dataset.id}/records", params={"limit": 1000}).json()["items"]
    unanswered = iter([str(r["id"]) for r in listed if r["external_id"] not in answered])
    return annotator, unanswered, sorted({r.user for r in plan.responses if r.status == "submitted"})


def main() -> None:
    global WINDOW, TRACED, PROFILED, VALIDATIONS, READ_MEANWHILE
    args = options()
    WINDOW, TRACED, PROFILED, VALIDATIONS = args.window, args.trace_memory, args.profile, args.validations
    READ_MEANWHILE = args.readers_meanwhile
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    counts = [int(n) for n in args.tabs.split(",")]
    server = ArgillaTestServer().start()
    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    out = Result()
    try:
        annotator, unanswered, ranked = load_campaign(server)
        variants = [] if args.skip_baseline else [("today", lambda port: baseline(args.baseline, port, workdir))]
        variants += [("now", lambda port: served(2, port))]

        def baseline(rev: str, port: int, folder: Path):
            tree = folder / "baseline"
            if not tree.exists():
                subprocess.run(["git", "worktree", "add", "--detach", str(tree), rev], cwd=ROOT, check=True)
            return StreamlitApp(environment(port), folder / f"today-{port}.log", port=port, cwd=tree).start()

        def served(workers: int, port: int):
            return ServedApp(environment(port), workdir / f"now-{workers}-{port}.log", workers, port).start()

        proxy = CountingProxy(server.api_url)

        def environment(port: int) -> dict[str, str]:
            hooks = f'[webhooks]\nenabled = true\npublic_url = "http://127.0.0.1:{port}"\nreconcile_minutes = 60\n'
            config = write_config(
                workdir / f"campaign-{port}.toml", Plan(WORKSPACE, SPECS), minimum=10, refresh=120, sections=hooks
            )
            os.environ["BENCH_DATA_DIR"] = str(workdir / f"data-{port}")  # where tracemalloc's dumps go
            return {
                "ARGILLA_API_URL": proxy.url,
                "ARGILLA_API_KEY": server.api_key,
                "CAMPAIGN_CONFIG": str(config),
                "DATA_DIR": str(workdir / f"data-{port}"),
                **({"PYTHONTRACEMALLOC": "1"} if TRACED else {}),
            }

        print(f"machine: {machine()}", flush=True)
        scenarios = set(args.scenarios.split(","))
        for name, start in variants:
            for count in counts if "open" in scenarios else ():
                port = free_port()
                app = start(port)
                try:
                    time.sleep(15)  # the first read, the subscription
                    print(f"{name}: {count} open tabs", flush=True)
                    with lowered():
                        records = [next(unanswered) for _ in range(VALIDATIONS)]  # each run its own: no answer twice
                        pid, data = app.process.pid, workdir / f"data-{port}"
                        scenario = open_tabs_scenario(name, app.url, pid, count, ranked, annotator, records, data, out)
                        asyncio.run(scenario)
                finally:
                    app.stop()
            for scenario in ("chromium", "arrivals"):
                if scenario not in scenarios:
                    continue
                port = free_port()
                app = start(port)  # a fresh start each: arrivals meet a cold process, as after a wake-up
                try:
                    time.sleep(15)
                    with lowered():
                        if scenario == "chromium":
                            asyncio.run(chromium_scenario(name, app.url, app.process.pid, 30, ranked, out))
                        else:
                            asyncio.run(arrivals_scenario(name, app.url, args.arrivals, out))
                finally:
                    app.stop()
        if "throughput" in scenarios:
            throughput_runs(served, proxy, out)
        proxy.stop()
    finally:
        server.stop()
        if (workdir / "baseline").exists():
            subprocess.run(["git", "worktree", "remove", "--force", str(workdir / "baseline")], cwd=ROOT)
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(out)


if __name__ == "__main__":
    main()
