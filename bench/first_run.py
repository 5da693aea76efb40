"""A fresh process's first page runs: what the first visitors after a restart wait for on the server.

    .venv/bin/python -m bench.first_run [contributors] [runs]

A synthetic campaign (`contributors`, 125 responses each) is saved as the snapshot of the configured
campaign; `streamlit run app.py` starts with it (Argilla's URL a closed port: no read competes) and,
`WAIT` s after the server answers (a browser loading Streamlit's scripts takes longer), a tab opens
*Clasificación*, then *Mi posición* of a contributor, then *Progreso*, then *Clasificación* again:
each one's page run (the tab's request -> `script_finished`, bench/tabs.py). Medians of `runs`
fresh processes.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import machine
from bench.render import UNREACHABLE, synthetic_snapshot
from bench.tabs import Stats, Tab
from data.state.snapshots import SnapshotStore, save_campaign
from tests.streamlit_process import StreamlitApp

WAIT = 1.0  # seconds between the server answering and the first visit
VISITS = (("clasificacion", ""), ("mi-posicion", "user={user}"), ("progreso", ""), ("clasificacion", ""))


async def visits(url: str, user: str) -> list[float]:
    """Each visit's first page run, in seconds, one tab after another."""
    runs = []
    for path, query in VISITS:
        stats = Stats()
        tab = Tab(url, path, query.format(user=user), stats)
        await tab.arrive(fetch_assets=False)
        runs.append(stats.first_pages[0])
        await tab.close()
    return runs


def main(contributors: int, runs: int) -> None:
    print(machine())
    folder = Path(tempfile.mkdtemp(prefix="first-run-"))
    campaign = synthetic_snapshot(contributors, contributors * 125, seed=5)
    user = str(campaign.responses["user"].value_counts().index[3])
    print(f"{campaign.responses['user'].nunique():,} contributors, {len(campaign.responses):,} responses")
    timings: list[list[float]] = []
    for run in range(runs):
        data = folder / f"data{run}"
        save_campaign(SnapshotStore(data), campaign)
        app = StreamlitApp({**UNREACHABLE, "DATA_DIR": str(data)}, folder / f"app{run}.log").start()
        try:
            time.sleep(WAIT)
            timings.append(asyncio.run(visits(app.url, user)))
        finally:
            app.stop()
        print(f"run {run + 1}: " + ", ".join(f"{s * 1000:.0f} ms" for s in timings[-1]))
    medians = [statistics.median(column) * 1000 for column in zip(*timings, strict=True)]
    names = ["first Clasificación", "first Mi posición", "first Progreso", "Clasificación again"]
    print(f"medians of {runs}: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in zip(names, medians, strict=True)))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, int(sys.argv[2]) if len(sys.argv) > 2 else 5)
