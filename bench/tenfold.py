"""Ten times the community, through the reader's own code path (issue 34, item 5).

    .venv/bin/python -m bench.tenfold

Today's community (1x: 25,000 records over three datasets, 5,000 contributors, 30,000 responses)
and ten times it (10x: 250,000 records, 50,000 contributors, 300,000 responses), synthetic
(data.synthetic, the demo's generator: a few people do most), in this process. Per size, what each
change costs every process that serves pages, and what a process holds:
- a change reaching a process: the writer saves the read (`save_campaign`), each follower loads it
  (`load_campaign`, typed frames) and computes the read's aggregates and fingerprints (the
  feed's `_warm`: ranking, progress, activity, daily contributors, lag behind Argilla, every
  person's fingerprint);
- one page's figures after that: the whole ranking recomputed (what a period's or a slice's page
  costs), the ranking's first page from the aggregate;
- memory: this process's RSS with the read and its aggregates held, against before;
- the snapshot's size on disk.
Then the page side by measured figures (sections 10 and 15) scaled to 10,000 tabs; what binds
first is written in BENCHMARKS.md section 16.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import itertools
import tempfile
from pathlib import Path

from bench.common import machine, median_seconds, rss_mib
from data.config import load_config
from data.feeds.campaign import CampaignFeed
from data.model.frames import Campaign
from data.state.snapshots import SnapshotStore, load_campaign, save_campaign
from data.synthetic import RECORDS, generate

SIZES = {"1x": (25_000, 5_000), "10x": (250_000, 50_000)}  # records, contributors
RESPONSES_PER_RECORD = 1.2
SKEW = 0.5  # flatter than the demo's 1.1: most of the contributors are drawn at least once


def community(records: int, contributors: int) -> Campaign:
    scale = round(records / sum(RECORDS))
    responses = int(records * RESPONSES_PER_RECORD)
    return generate(contributors=contributors, responses=responses, seed=10, scale=scale, skew=SKEW)


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def measure(records: int, contributors: int) -> dict[str, str]:
    gc.collect()
    before = rss_mib()
    campaign = community(records, contributors)
    data_dir = Path(tempfile.mkdtemp(prefix="tenfold-"))
    store = SnapshotStore(data_dir)
    feed = CampaignFeed(load_config(), _no_secrets(), data_dir, follow=True, store=store)
    changes = itertools.count(1)

    def changed(read: Campaign) -> Campaign:
        """The same frames as a new read (the aggregates are kept per read: none is reused)."""
        return dataclasses.replace(read, fetched_at=read.fetched_at + dt.timedelta(microseconds=next(changes)))

    save = median_seconds(lambda: save_campaign(store, campaign), repeat=3)
    loaded = load_campaign(store, campaign.source)
    assert loaded is not None
    load = median_seconds(lambda: load_campaign(store, campaign.source), repeat=3)
    warm = median_seconds(lambda: feed._warm(changed(loaded)), repeat=3)  # the follower's own step
    read = feed.read_of(loaded)
    feed._warm(loaded)
    held = rss_mib()
    table = read.contributors()
    ranking = median_seconds(lambda: feed.read_of(changed(loaded)).everyone().pipe(len), repeat=3)
    first_page = median_seconds(lambda: table.head(50).to_dict("records"), repeat=5)
    return {
        "records / contributors / responses": f"{len(loaded.records):,} / {len(table):,} / {len(loaded.responses):,}",
        "writer: save the read (snapshot)": f"{save:.2f} s",
        "follower: load the read": f"{load:.2f} s",
        "each process: aggregates and fingerprints": f"{warm:.2f} s",
        "a change: the writer's save + a follower's load and aggregates": f"{save + load + warm:.2f} s",
        "the whole ranking, recomputed (a period's, a slice's)": f"{ranking * 1000:.0f} ms",
        "the ranking's first 50 rows, from the aggregate": f"{first_page * 1000:.1f} ms",
        "RSS with the read and its aggregates": f"+{held - before:.0f} MiB (process {held:.0f} MiB)",
        "snapshot on disk": f"{folder_bytes(data_dir) / 2**20:.1f} MiB",
    }


def _no_secrets():
    from data.config.secrets import load_secrets

    return load_secrets({"ARGILLA_API_URL": "http://127.0.0.1:9", "ARGILLA_API_KEY": "bench"})


def main() -> None:
    print(f"machine: {machine()}")
    results = {label: measure(*size) for label, size in SIZES.items()}
    rows = list(next(iter(results.values())))
    print("| what | " + " | ".join(results) + " |\n|---|" + "---|" * len(results))
    for row in rows:
        print(f"| {row} | " + " | ".join(result[row] for result in results.values()) + " |")


if __name__ == "__main__":
    main()
