"""A launch-day burst against the oracle: how long after a burst's last change the prize CSV equals
what argilla-server itself counts (RELIABILITY.md, "Freshness under a burst").

    .venv/bin/python -m bench.burst [runs] [annotators] [changes_each]

A real argilla-server with its own worker pool (`rq` forking a process per delivery, as deployed),
the app (`streamlit run app.py`, webhooks on, refresh_seconds 120) and, per run, a random stream
of changes by many annotators at once (creates of each status, edits, deletions, bulk submissions
through /api/v1/me/responses/bulk) ending with two record deletions by the owner. Then, every
0.5 s, the app's CSV (its API's, the export page's bytes) against the oracle (tests/oracle.py):
- "ranking exact": validations, discards, ranks and eligibility equal argilla-server's own count;
- "corrections exact": the corrections too (computed from the responses themselves);
- "deliveries landed": the app's frames alone give argilla-server's count, which is when the
  ranking was exact before the board took Argilla's own counts (the naive way, same run).
Argilla requests made by the app during the run, per change, come from a counting proxy.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import argilla as rg
import httpx

from bench.common import machine, percentile
from tests.campaign_builder import DatasetSpec, Plan, build_campaign, ensure_users
from tests.hooked_app import Annotator, HookedApp
from tests.oracle import Stream, argilla_corrections, argilla_rows, csv_rows, differences, references
from tests.servers.argilla_process import ArgillaTestServer

WORKSPACE = "rafaga"
SPEC = DatasetSpec("rafaga_a", "texto", "ref", min_submitted=1, records=600, suggestion_share=1.0)
POLL = 0.5
LIMIT = {"limit": 1000}


def main(runs: int, annotators: int, changes_each: int) -> None:
    print(machine())
    server = ArgillaTestServer().start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-burst-"))
    try:
        client = rg.Argilla(api_url=server.api_url, api_key=server.api_key)
        build_campaign(client, WORKSPACE, [SPEC], [], seed=5)
        crowd = ensure_users(client, [f"burst_{n:02d}" for n in range(annotators)], client.workspaces(WORKSPACE))
        owner = httpx.Client(base_url=server.api_url, headers={"X-Argilla-Api-Key": server.api_key}, timeout=60)
        keys = {name: owner.get(f"/api/v1/users/{user.id}").json()["api_key"] for name, user in crowd.items()}
        dataset_id = str(client.datasets(name=SPEC.name, workspace=WORKSPACE).id)
        server.start_worker(simple=False)  # argilla-server's own worker pool, as deployed
        app = HookedApp(server, tmp, refresh=120, plan=Plan(WORKSPACE, [SPEC])).start()
        try:
            while app.validations() is None:
                time.sleep(0.5)
            time.sleep(5)  # subscribed and settled
            records = [
                str(r["id"]) for r in owner.get(f"/api/v1/datasets/{dataset_id}/records", params=LIMIT).json()["items"]
            ]
            agreed, rng = references(owner, dataset_id, SPEC.question, "ref"), random.Random(1)
            streams = [  # kept from run to run: each annotator's own responses carry over
                Stream(
                    {name: Annotator(server.api_url, key)},  # straight to Argilla: the proxy counts the app
                    rng.sample(records, 80),
                    random.Random(name),
                    agreed,
                )
                for name, key in sorted(keys.items())
            ]
            rows = [one_run(n, app, owner, streams, records, dataset_id, changes_each) for n in range(1, runs + 1)]
        finally:
            app.process.stop()
            app.proxy.stop()
        report(rows, annotators, changes_each)
    finally:
        server.stop()


def one_run(
    n: int, app: HookedApp, owner: httpx.Client, streams: list[Stream], records: list[str], dataset_id: str, each: int
) -> dict:
    mark = started = time.monotonic()
    before = sum(sum(stream.done.values()) for stream in streams)  # the streams' counts carry over
    Stream.together(streams, each)
    gone = set(random.Random(n).sample(records, 2))
    owner.delete(f"/api/v1/datasets/{dataset_id}/records", params={"ids": ",".join(gone)})
    last = time.monotonic()
    for stream in streams:
        stream.forget(gone)
    records[:] = [r for r in records if r not in gone]
    changes = sum(sum(stream.done.values()) for stream in streams) - before + 2
    timings: dict[str, float] = {}
    while len(timings) < 3 and time.monotonic() - last < 600:
        truth = argilla_rows(owner, [dataset_id], minimum=1)
        if "ranking" not in timings and differences(csv_rows(app.csv()), truth) == 0:
            timings["ranking"] = time.monotonic() - last
        if "landed" not in timings and app.validations() == {k: v.validations for k, v in truth.items()}:
            timings["landed"] = time.monotonic() - last
        if "ranking" in timings and "corrections" not in timings:
            found = argilla_corrections(owner, dataset_id, SPEC.question, SPEC.reference_field)
            whole = {k: dataclasses.replace(v, corrections=found.get(k, 0)) for k, v in truth.items()}
            if differences(csv_rows(app.csv(), with_corrections=True), whole) == 0:
                timings["corrections"] = time.monotonic() - last
        time.sleep(POLL)
    requests = app.proxy.requests_since(mark)
    row = {"run": n, "changes": changes, "burst_s": last - started, **timings, "requests": requests}
    print(row, flush=True)
    return row


def report(rows: list[dict], annotators: int, each: int) -> None:
    def stat(key: str) -> str:
        values = [row[key] for row in rows if key in row]
        missed = len(rows) - len(values)
        text = f"{statistics.median(values):.1f} / {max(values):.1f}" if values else "-"
        return text + (f" ({missed} over 600 s)" if missed else "")

    print(f"\n{len(rows)} runs, {annotators} annotators at once, {each} changes each + 2 record deletions")
    head = ["run", "changes", "burst (s)", "ranking exact (s)", "corrections exact (s)", "deliveries landed (s)"]
    print("| " + " | ".join([*head, "app's Argilla requests"]) + " |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        cells = [f"{row.get(k, float('nan')):.1f}" for k in ("burst_s", "ranking", "corrections", "landed")]
        print(f"| {row['run']} | {row['changes']} | " + " | ".join(cells) + f" | {row['requests']} |")
    print(f"| median / max | | | {stat('ranking')} | {stat('corrections')} | {stat('landed')} | |")
    ranking = [row["ranking"] for row in rows if "ranking" in row]
    landed = [row["landed"] for row in rows if "landed" in row]
    if ranking and landed:
        print(
            f"p95 ranking exact {percentile(ranking, 0.95):.1f} s; deliveries landed / ranking exact (medians): "
            f"{statistics.median(landed) / max(statistics.median(ranking), 0.1):.0f}x"
        )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [5, 25, 12][len(args) :]))
