"""Warm render time of each page with 10,000 contributors (server-side script time, AppTest).

    .venv/bin/python -m bench.render [contributors]

The campaign is served from a snapshot (the app's start-up path); the Argilla URL points at a
closed port so the poller fails fast and the pages show the snapshot with its banner.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from bench.common import ROOT, machine
from components.navigation import PAGES as NAVIGATION
from data.config import load_config
from data.feeds.campaign import campaign_source
from data.model.frames import Campaign
from data.state.snapshots import SnapshotStore, save_campaign
from data.synthetic import generate

PAGES = [spec.script for spec in NAVIGATION if spec.url != "organizacion"]  # the public pages


UNREACHABLE = {"ARGILLA_API_URL": "http://127.0.0.1:9", "ARGILLA_API_KEY": "bench"}  # a live source, never read


def synthetic_snapshot(contributors: int, responses: int, seed: int) -> Campaign:
    """A synthetic campaign as the configured campaign's snapshot would hold it (its source named)."""
    campaign = generate(contributors=contributors, responses=responses, seed=seed, scale=20)
    campaign.source = campaign_source(load_config())
    return campaign


def main(contributors: int) -> None:
    data_dir = tempfile.mkdtemp(prefix="render-bench-")
    campaign = synthetic_snapshot(contributors, contributors * 25, seed=2)
    save_campaign(SnapshotStore(data_dir), campaign)
    os.environ.update(DATA_DIR=data_dir, **UNREACHABLE)
    from streamlit.testing.v1 import AppTest

    user = campaign.responses["user"].value_counts().index[100]
    print(f"machine: {machine()}")
    print(f"{campaign.responses['user'].nunique():,} contributors, {len(campaign.responses):,} responses")
    print("| page | cold (s) | warm median (ms) | warm p95 (ms) |\n|---|---|---|---|")
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        if page == "views/my_rank.py":
            at.query_params["user"] = user
        started = time.perf_counter()
        at.run()
        if page != "views/overview.py":
            at.switch_page(page).run()
        cold = time.perf_counter() - started
        times = []
        for _ in range(15):
            started = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - started) * 1000)
        assert not at.exception, at.exception
        times.sort()
        print(f"| {page} | {cold:.2f} | {times[len(times) // 2]:.0f} | {times[int(len(times) * 0.95) - 1]:.0f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
