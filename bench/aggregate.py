"""Aggregate 1,000,000 synthetic responses into every frame, against a per-record Python loop.

    .venv/bin/python -m bench.aggregate [responses]

The naive way is how the anchor dashboards count: walk every record's responses (dicts, as the
API returns them) and bump per-user counters in Python.
"""

from __future__ import annotations

import sys
from collections import defaultdict

from bench.common import machine, median_seconds, rss_mib
from data.model import aggregate
from data.synthetic import generate


def naive(records: list[dict]) -> dict:
    """Per-record loop: validations, corrections, discards, datasets, first/last per user."""
    stats: dict = defaultdict(
        lambda: {"validations": 0, "corrections": 0, "discarded": 0, "datasets": set(), "first": None, "last": None}
    )
    for record in records:
        for response in record["responses"]:
            user = stats[response["user"]]
            if response["status"] == "submitted":
                user["validations"] += 1
                user["corrections"] += response["is_correction"]
                user["datasets"].add(record["dataset"])
                when = response["updated_at"]
                user["first"] = when if user["first"] is None or when < user["first"] else user["first"]
                user["last"] = when if user["last"] is None or when > user["last"] else user["last"]
            elif response["status"] == "discarded":
                user["discarded"] += 1
    return dict(sorted(stats.items(), key=lambda item: -item[1]["validations"]))


def as_api_records(responses) -> list[dict]:
    grouped: dict = defaultdict(list)
    for row in responses[["dataset", "record_id", "user", "status", "is_correction", "updated_at"]].itertuples():
        grouped[(row.dataset, row.record_id)].append(
            {"user": row.user, "status": row.status, "is_correction": row.is_correction, "updated_at": row.updated_at}
        )
    return [{"dataset": key[0], "responses": value} for key, value in grouped.items()]


def main(size: int) -> None:
    before = rss_mib()
    campaign = generate(contributors=10_000, responses=size, seed=1, scale=max(1, size // 20_000))
    loaded = rss_mib()
    r, rec, ds = campaign.responses, campaign.records, campaign.datasets

    def all_frames():
        aggregate.contributors(r, min_validations=50, exclude_users=["owner"])
        aggregate.progress(rec, r, ds)
        aggregate.activity(rec, r, ds)
        aggregate.daily_contributors(r)

    fast = median_seconds(all_frames, repeat=5)
    contributors_only = median_seconds(lambda: aggregate.contributors(r, min_validations=50), repeat=5)
    api_records = as_api_records(r)
    slow = median_seconds(lambda: naive(api_records), repeat=3)
    check = naive(api_records)
    table = aggregate.contributors(r, min_validations=50).set_index("username")
    assert all(table.loc[u, "validations"] == s["validations"] for u, s in check.items() if s["validations"])
    print(f"machine: {machine()}")
    print(f"responses: {len(r):,}; records: {len(rec):,}; contributors: {r['user'].nunique():,}")
    print(f"all frames (contributors+progress+activity+daily): median {fast:.3f} s")
    print(f"contributors only: median {contributors_only:.3f} s")
    print(f"naive per-record loop (contributors only): median {slow:.3f} s")
    print(
        f"ratio naive / vectorised contributors: {slow / contributors_only:.1f}x; "
        f"naive / all frames: {slow / fast:.1f}x"
    )
    print(f"memory: {before:.0f} MiB before, {loaded:.0f} MiB with the campaign loaded, {rss_mib():.0f} MiB at the end")
    print(f"responses frame in memory: {r.memory_usage(deep=True).sum() / 2**20:.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
