"""The embedded demo: the synthetic campaign, projects and roster committed in data/demo/ (made by
`python -m scripts.make_demo` from data/synthetic.py), each read once per process. Shown only when
nothing at all is configured."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from data.model import roster
from data.model.frames import Campaign
from data.model.projects import Projects
from data.model.roster import Roster
from data.state.snapshots import SnapshotStore, load_campaign, load_projects
from data.synthetic import DEMO_SOURCE

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"  # data/demo/: the committed snapshot
__all__ = ["DEMO_DIR", "DEMO_SOURCE", "load_demo", "load_demo_of", "load_demo_projects", "load_demo_roster"]


@functools.cache
def load_demo_roster(team_limit: int | None = None) -> Roster:
    """The embedded demo's roster (read once per process and limit), as of the demo's read."""
    return roster.parse((DEMO_DIR / "roster.csv").read_bytes(), load_demo().fetched_at, DEMO_SOURCE, team_limit)


@functools.cache
def load_demo() -> Campaign:
    """The embedded demo campaign (read once per process)."""
    campaign = load_campaign(SnapshotStore(DEMO_DIR), DEMO_SOURCE)
    if campaign is None:
        raise RuntimeError(f"the embedded demo snapshot is missing from {DEMO_DIR}")
    return campaign


@functools.lru_cache(maxsize=16)
def load_demo_of(datasets: tuple[str, ...]) -> Campaign:
    """The embedded demo as a campaign of these datasets sees it: those of the demo it names (a
    board of several demo campaigns then shows each its own part), all of it when it names none."""
    demo = load_demo()
    kept = [name for name in datasets if name in set(demo.datasets["dataset"])]
    if not kept or set(kept) == set(demo.datasets["dataset"]):
        return demo
    return dataclasses.replace(
        demo,
        records=demo.records[demo.records["dataset"].isin(kept)].reset_index(drop=True),
        responses=demo.responses[demo.responses["dataset"].isin(kept)].reset_index(drop=True),
        datasets=demo.datasets[demo.datasets["dataset"].isin(kept)].reset_index(drop=True),
        counted=demo.counted[demo.counted["dataset"].isin(kept)].reset_index(drop=True),
    )


@functools.cache
def load_demo_projects() -> Projects:
    """The embedded demo projects (read once per process)."""
    demo = load_projects(SnapshotStore(DEMO_DIR), DEMO_SOURCE)
    if demo is None:
        raise RuntimeError(f"the embedded demo projects are missing from {DEMO_DIR}")
    return demo
