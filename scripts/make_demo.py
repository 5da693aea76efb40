"""Regenerate the embedded demo snapshot in data/demo/ (committed to the repository)."""

import shutil

from data.campaign import DEMO_DIR, save_campaign
from data.demo import generate, generate_projects
from data.hub_feed import Projects, save_projects
from data.snapshots import SnapshotStore

if __name__ == "__main__":
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    campaign = generate()
    save_campaign(SnapshotStore(DEMO_DIR), campaign)
    raw, history, at = generate_projects(at=campaign.fetched_at)
    save_projects(SnapshotStore(DEMO_DIR), Projects(raw, history, at, is_demo=True))
    print(f"demo: {len(campaign.responses)} responses, {campaign.responses['user'].nunique()} users -> {DEMO_DIR}")
