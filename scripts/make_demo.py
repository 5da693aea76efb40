"""Regenerate the embedded demo snapshot in data/demo/ (committed): `python -m scripts.make_demo`."""

import shutil

from data.model.projects import Projects
from data.state.demo import DEMO_DIR
from data.state.snapshots import SnapshotStore, save_campaign, save_projects
from data.synthetic import DEMO_SOURCE, generate, generate_projects, generate_roster

if __name__ == "__main__":
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    campaign = generate()
    save_campaign(SnapshotStore(DEMO_DIR), campaign)
    raw, history, at = generate_projects(at=campaign.fetched_at)
    save_projects(SnapshotStore(DEMO_DIR), Projects(raw, history, at, source=DEMO_SOURCE))
    (DEMO_DIR / "roster.csv").write_text(generate_roster(campaign, raw), encoding="utf-8")
    print(f"demo: {len(campaign.responses)} responses, {campaign.responses['user'].nunique()} users -> {DEMO_DIR}")
