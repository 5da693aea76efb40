"""Hold N concurrent browser sessions on `streamlit run app.py` and count upstream fetches.

    .venv/bin/python bench/load.py [sessions] [seconds] [refresh_seconds]

A real argilla-server with a small campaign sits behind a counting proxy; the app polls it every
`refresh_seconds`. N headless Chromium sessions (one browser context each) open pages and keep
reloading them for `seconds`. Reports errors, p50/p95 page-ready time, peak memory of the
Streamlit process and the upstream polls per interval, which must not grow with N.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import machine

from app_env import write_config
from argilla_process import ArgillaTestServer
from campaign_builder import DatasetSpec, build_campaign
from counting_proxy import CountingProxy
from playwright.sync_api import sync_playwright
from streamlit_process import CHROMIUM, CHROMIUM_ARGS, StreamlitApp, wait_for_app

PATHS = ["", "clasificacion", "mi-posicion?user=ana", "progreso", "exportar"]


def peak_rss_mib(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(sessions: int, seconds: float, refresh: int) -> None:
    server = ArgillaTestServer().start()
    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    try:
        import argilla as rg
        client = rg.Argilla(api_url=server.api_url, api_key=server.api_key)
        plan = build_campaign(client, "load", [DatasetSpec("load_a", "texto", "ref", 2, 150),
                                                DatasetSpec("load_b", "texto", None, 1, 150)],
                              ["ana", "beto", "carla", "dani"], seed=3)
        config = write_config(workdir / "campaign.toml", plan)
        config.write_text(config.read_text().replace("refresh_seconds = 3600", f"refresh_seconds = {refresh}"))
        proxy = CountingProxy(server.api_url)
        app = StreamlitApp({"ARGILLA_API_URL": proxy.url, "ARGILLA_API_KEY": server.api_key,
                            "CAMPAIGN_CONFIG": str(config), "DATA_DIR": str(workdir / "data")},
                           workdir / "streamlit.log").start()
        ready_times, errors = [], []
        lock = threading.Lock()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                warm = browser.new_page()
                warm.goto(app.url)
                wait_for_app(warm, timeout=120_000)
                warm.close()
                pages = [browser.new_context().new_page() for _ in range(sessions)]
                started = time.monotonic()
                deadline = started + seconds
                round_ = 0
                while time.monotonic() < deadline:
                    for i, page in enumerate(pages):  # open every session's next page, then wait for all
                        page.goto(f"{app.url}/{PATHS[(i + round_) % len(PATHS)]}", wait_until="commit")
                    opened = time.monotonic()
                    for page in pages:
                        try:
                            wait_for_app(page, timeout=120_000)
                            ready_times.append(time.monotonic() - opened)
                            if page.locator('[data-testid="stException"]').count():
                                errors.append("exception on page")
                        except Exception as error:  # a timeout is an error of the run, not of the script
                            errors.append(type(error).__name__)
                    round_ += 1
                elapsed = time.monotonic() - started
                polls = proxy.polls_since(started)
                browser.close()
        finally:
            peak = peak_rss_mib(app.process.pid)
            app.stop()
            proxy.stop()
        ready_times.sort()
        print(f"machine: {machine()}")
        print(f"{sessions} sessions for {elapsed:.0f} s ({round_} rounds, {len(ready_times)} page loads), "
              f"refresh every {refresh} s")
        print(f"errors: {len(errors)} {sorted(set(errors))}")
        print(f"page-ready: p50 {statistics.median(ready_times):.2f} s, "
              f"p95 {ready_times[int(len(ready_times) * 0.95) - 1]:.2f} s (all {sessions} loading at once)")
        print(f"upstream polls: {polls} in {elapsed:.0f} s = {polls / (elapsed / refresh):.2f} per interval")
        reads = sum(n for key, n in proxy.counts.items() if key.endswith("/records"))
        print(f"record-page reads (GET .../records): {reads}; all upstream requests: {sum(proxy.counts.values())}")
        print(f"peak RSS of the streamlit process: {peak:.0f} MiB")
    finally:
        server.stop()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [50, 60, 10][len(args):]))
