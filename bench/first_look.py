"""A cold start, as the first visitor after a Space's rebuild meets it: 25,000 records over three
datasets, 200 annotators, on a real argilla-server, a fresh process with an empty DATA_DIR started
with the README's command, a Chromium visitor opening the ranking the moment the server answers.

    .venv/bin/python -m bench.first_look [records] [runs]

With BENCH_ARGILLA_HOME=<folder>, argilla-server's data is built there once and reused by later runs.

Times, from the process's launch: the server answering; the ranking on screen from Argilla's own
counts (the first look), checked row by row against argilla-server's `/users/progress`; the page
complete (the full read landed: corrections, filters, every page); and, restarted with its snapshot
on disk, the real ranking again. The full read's time is what a cold start cost before the first
look (the naive way: wait for every record). Before them, the first look's reading and the full
read timed apart from the app, on loopback and with 40 ms added to each request (`LINK_DELAY`: the
board's Space reading another Space's Argilla).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import argilla as rg
import httpx
from playwright.sync_api import sync_playwright

from bench import incremental
from bench.common import machine
from tests.app_env import live_environment, write_config
from tests.campaign_builder import DatasetSpec, Plan, ensure_users
from tests.oracle import argilla_rows
from tests.servers.argilla_process import ArgillaTestServer
from tests.streamlit_process import CHROMIUM, CHROMIUM_ARGS, StreamlitApp, wait_for_app

WORKSPACE = "primer"
NAMES = ("primer_mmlu", "primer_arc", "primer_hellaswag")
USERS = [f"anotador_{i:03d}" for i in range(200)]
MINIMUM = 50


def build(client: rg.Argilla, size: int) -> Plan:
    """Three datasets sharing `size` records; each record answered by one of 200 people, a few of
    whom do most, as in a real campaign."""
    workspace = client.workspaces(WORKSPACE) or client.workspaces.add(rg.Workspace(name=WORKSPACE, client=client))
    accounts = ensure_users(client, USERS, workspace)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(USERS))]
    for n, name in enumerate(NAMES):
        share = size // len(NAMES) + (1 if n < size % len(NAMES) else 0)
        incremental.build(client, name, share, accounts, WORKSPACE, weights, discarded=0.05)
    return plan_of()


def plan_of() -> Plan:
    return Plan(WORKSPACE, [DatasetSpec(name, "texto", None, 1, 0) for name in NAMES], users=USERS)


def shown_rows(page) -> dict[str, int]:
    """Username -> validations in the first rows of the page's ranking (its accessible table), read
    in one step by the columns' names: the full read may land and redraw the page meanwhile (its
    table has more columns), and a table read cell by cell would then mix the two."""
    page.get_by_text("Los datos como tabla (accesible)").first.click()
    table = page.locator('[data-testid="stTable"] table').first
    table.wait_for()
    cells = table.evaluate("t => [...t.rows].map(r => [...r.cells].map(c => c.innerText.trim()))")
    header, rows = cells[0], cells[1:]
    name, count = header.index("Usuario"), header.index("Validaciones")
    return {row[name]: int(re.sub(r"[^0-9]", "", row[count])) for row in rows if len(row) == len(header)}


def visit(browser, app: StreamlitApp, started: float) -> tuple[float, float | None, float, dict[str, int]]:
    """(server up, first look on screen or None, page complete) in seconds from launch, and the
    first look's rows."""
    up = time.monotonic() - started
    page = browser.new_page()
    page.goto(f"{app.url}/clasificacion")
    early = page.get_by_text("Primer vistazo:").first
    complete = page.get_by_role("textbox", name="Buscar usuario")
    either = "() => document.body.innerText.includes('Primer vistazo:') || !!document.querySelector(SEARCH)"
    page.wait_for_function(either.replace("SEARCH", "'input[aria-label=\"Buscar usuario\"]'"), timeout=300_000)
    first, rows = None, {}
    if early.is_visible():
        page.locator('[data-testid="stDataFrame"]').first.wait_for()
        first = time.monotonic() - started
        wait_for_app(page)
        rows = shown_rows(page)
    complete.wait_for(timeout=300_000)
    done = time.monotonic() - started
    page.close()
    return up, first, done, rows


LINK_DELAY = 0.04  # s a request takes on the way between two Spaces, say, rather than on loopback


def reading_cost(server: ArgillaTestServer, config: Path, delay: float, full: bool, times: int) -> tuple[int, float]:
    """The first look's reading (`ArgillaSource.counts()`) or the full read (`fetch()`) apart from
    the app, after a fresh login as after a restart: requests to argilla-server (the login and the
    users' names included) and median seconds, through a proxy that holds each request `delay` s."""
    from data.config import load_config
    from data.sources import argilla_servers
    from data.sources.argilla import ArgillaSource
    from tests.servers.counting_proxy import CountingProxy

    proxy = CountingProxy(server.api_url)
    proxy.delay = delay
    source = ArgillaSource(proxy.url, server.api_key, load_config(config).datasets)
    requests, seconds = [], []
    try:
        for _ in range(times):
            argilla_servers._SERVERS.clear()
            started = time.monotonic()
            source.fetch() if full else source.counts()
            seconds.append(time.monotonic() - started)
            requests.append(proxy.requests_since(started))
    finally:
        proxy.stop()
    return max(requests), statistics.median(seconds)


def started_server(size: int, kept: str | None) -> tuple[ArgillaTestServer, Plan]:
    """argilla-server with the campaign built; with `kept` (a folder), built there once and
    started again from it by later runs (building 25,000 records takes minutes)."""
    built = Path(kept) / f"built-{size}" if kept else None
    if built is not None and built.exists():
        server = ArgillaTestServer(home=built.parent)
        server.start_redis()
        server.start_server()
        print(f"argilla-server started from {built.parent} ({size:,} records built before)")
        return server, plan_of()
    if built is not None:
        built.parent.mkdir(parents=True, exist_ok=True)
    server = ArgillaTestServer(home=built.parent) if built is not None else ArgillaTestServer()
    server.start()
    started = time.monotonic()
    plan = build(rg.Argilla(api_url=server.api_url, api_key=server.api_key), size)
    print(f"built {size:,} records in 3 datasets, {len(USERS)} annotators, in {time.monotonic() - started:.0f} s")
    if built is not None:
        built.touch()
    return server, plan


def main(size: int, runs: int) -> None:
    print(machine())
    kept = os.environ.get("BENCH_ARGILLA_HOME")
    server, plan = started_server(size, kept)
    tmp = Path(tempfile.mkdtemp(prefix="bench-first-look-"))
    try:
        owner = httpx.Client(base_url=server.api_url, headers={"X-Argilla-Api-Key": server.api_key}, timeout=60)
        ids = [d["id"] for d in owner.get("/api/v1/me/datasets").json()["items"] if d["name"] in NAMES]
        truth = argilla_rows(owner, ids, MINIMUM, exclude=())
        started = time.monotonic()
        owner.get(f"/api/v1/datasets/{ids[0]}/users/progress").raise_for_status()
        print(f"argilla-server answers /users/progress in {(time.monotonic() - started) * 1000:.0f} ms")
        cost = write_config(tmp / "cost.toml", plan, exclude=(), minimum=MINIMUM)
        for full, what, times in (
            (False, "the first look's reading, counts()", 5),
            (True, "the full read, fetch()", 3),
        ):
            for delay in (0, LINK_DELAY):
                requests, seconds = reading_cost(server, cost, delay, full, times)
                print(f"{what}, {delay * 1000:.0f} ms a request added: {requests} requests, {seconds:.2f} s")
        results: dict[str, list[float]] = {"up": [], "first": [], "done": [], "restart": []}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for run in range(runs):
                config = write_config(tmp / f"c{run}.toml", plan, exclude=(), minimum=MINIMUM, refresh=3600)
                env = live_environment(server, config, tmp / f"data{run}")
                started = time.monotonic()
                app = StreamlitApp(env, tmp / f"cold{run}.log").start()
                up, first, done, rows = visit(browser, app, started)
                app.stop()
                wrong = {name: n for name, n in rows.items() if truth[name].validations != n}
                print(
                    f"run {run + 1}: server up {up:.1f} s, first look {first and round(first, 1)} s "
                    f"({len(rows)} rows checked against argilla-server, {len(wrong)} differ), complete {done:.1f} s"
                )
                assert rows and not wrong, wrong
                started = time.monotonic()
                app = StreamlitApp(env, tmp / f"restart{run}.log").start()
                restart = visit(browser, app, started)
                app.stop()
                for key, value in zip(("up", "first", "done", "restart"), (up, first, done, restart[2]), strict=True):
                    results[key].append(value)
            browser.close()
        medians = {key: statistics.median(values) for key, values in results.items()}
        print(
            f"median of {runs}: server up {medians['up']:.1f} s; first look (real ranking) {medians['first']:.1f} s "
            f"after launch, {medians['first'] - medians['up']:.1f} s after the server is up; every page complete "
            f"{medians['done']:.1f} s (the naive way: the ranking only then, {medians['done'] / medians['first']:.1f}x "
            f"later); restart with a snapshot: real ranking {medians['restart']:.1f} s"
        )
    finally:
        if kept:  # for the next run
            server.stop_server()
            server.stop_redis()
        else:
            server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 25_000, int(sys.argv[2]) if len(sys.argv) > 2 else 3)
