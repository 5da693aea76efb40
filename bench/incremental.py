"""Full read vs incremental poll against a real argilla-server (20,000 records, 1% changed).

    .venv/bin/python -m bench.incremental [records]

Builds the dataset through the SDK (a few minutes), then times, side by side:
full read; incremental poll with nothing changed; incremental poll after 1% of the responses
changed in the dataset; and the same on a campaign split into three datasets.
"""

from __future__ import annotations

import random
import sys
import time

import argilla as rg
import httpx

from bench.common import machine, median_seconds
from data.config import DatasetConfig
from data.sources.argilla import ArgillaSource
from tests.servers.argilla_process import ArgillaTestServer

USERS = [f"bench_u{i}" for i in range(8)]


def build(
    client: rg.Argilla,
    name: str,
    size: int,
    accounts: dict,
    workspace_name: str = "bench",
    weights: list[float] | None = None,
    discarded: float = 0.0,
) -> None:
    """A dataset of `size` records, each answered by one of `accounts` (chosen by `weights`, else
    alike), a `discarded` share of the answers discards."""
    workspace = client.workspaces(workspace_name) or client.workspaces.add(
        rg.Workspace(name=workspace_name, client=client)
    )
    people = list(accounts)
    settings = rg.Settings(
        fields=[rg.TextField(name="en"), rg.TextField(name="es")],
        questions=[rg.TextQuestion(name="texto")],
        distribution=rg.TaskDistribution(min_submitted=1),
    )
    dataset = rg.Dataset(name=name, workspace=workspace, settings=settings, client=client).create()
    rng = random.Random(name)
    for start in range(0, size, 1000):
        batch = [
            rg.Record(
                id=f"{name}-{i}",
                fields={"en": f"text {i}", "es": f"texto {i}"},
                suggestions=[rg.Suggestion("texto", f"texto {i}")],
                responses=[
                    rg.Response(
                        "texto",
                        rng.choice([f"texto {i}", f"texto {i}!"]),
                        user_id=accounts[rng.choices(people, weights)[0] if weights else rng.choice(people)].id,
                        status="discarded" if discarded and rng.random() < discarded else "submitted",
                    )
                ],
            )
            for i in range(start, min(size, start + 1000))
        ]
        dataset.records.log(batch, batch_size=500)


def change(server: ArgillaTestServer, client: rg.Argilla, name: str, share: float, keys: dict) -> int:
    """Rewrite `share` of the dataset's responses through the annotators' own keys (the UI's path)."""
    dataset = client.datasets(name=name, workspace="bench")
    owner = httpx.Client(base_url=server.api_url, headers={"X-Argilla-Api-Key": server.api_key}, timeout=60)
    items, offset = [], 0
    while True:
        page = owner.get(
            f"/api/v1/datasets/{dataset.id}/records",
            params=[("include", "responses"), ("offset", offset), ("limit", 1000)],
        ).json()["items"]
        items += page
        offset += len(page)
        if len(page) < 1000:
            break
    responses = [r for item in items for r in item["responses"]]
    chosen = random.sample(responses, int(len(responses) * share))
    ids = {str(u.id): u.username for u in client.users}
    for response in chosen:
        annotator = httpx.Client(base_url=server.api_url, headers={"X-Argilla-Api-Key": keys[ids[response["user_id"]]]})
        annotator.put(
            f"/api/v1/responses/{response['id']}",
            json={"values": {"texto": {"value": f"cambio {time.time_ns()}"}}, "status": "submitted"},
        )
    return len(chosen)


def annotators(server: ArgillaTestServer) -> tuple[rg.Argilla, dict, dict[str, str]]:
    """The owner's client, and the bench's annotators in the "bench" workspace: their accounts and
    their own API keys (to answer as the UI does)."""
    client = rg.Argilla(api_url=server.api_url, api_key=server.api_key)
    workspace = client.workspaces.add(rg.Workspace(name="bench", client=client))
    owner = httpx.Client(base_url=server.api_url, headers={"X-Argilla-Api-Key": server.api_key})
    accounts, keys = {}, {}
    for name in USERS:
        user = client.users.add(rg.User(username=name, password="bench-pass-123", role="annotator", client=client))
        workspace.add_user(user)
        accounts[name] = user
        keys[name] = owner.get(f"/api/v1/users/{user.id}").json()["api_key"]
    return client, accounts, keys


def main(size: int) -> None:
    server = ArgillaTestServer().start()
    try:
        client, accounts, keys = annotators(server)
        started = time.perf_counter()
        build(client, "big", size, accounts)
        thirds = [f"third_{i}" for i in range(3)]
        for name in thirds:
            build(client, name, size // 3, accounts)
        print(f"machine: {machine()}")
        print(f"built {size:,} + 3 x {size // 3:,} records in {time.perf_counter() - started:.0f} s")

        big = ArgillaSource(
            server.api_url, server.api_key, (DatasetConfig("big", "texto", workspace="bench"),), timeout=120
        )
        full = median_seconds(big.fetch, repeat=3)
        previous = big.fetch()
        unchanged = median_seconds(lambda: big.fetch(previous), repeat=3)
        changed_times = []
        for _ in range(3):
            n = change(server, client, "big", 0.01, keys)
            started = time.perf_counter()
            result = big.fetch(previous)
            changed_times.append(time.perf_counter() - started)
            assert result.reread == {"big"}
            previous = result
        changed = sorted(changed_times)[1]
        print(
            f"one dataset of {size:,} records: full read {full:.2f} s; incremental, nothing changed "
            f"{unchanged:.3f} s ({unchanged / full:.1%} of full); incremental after {n} responses (1%) changed "
            f"{changed:.2f} s ({changed / full:.0%} of full)"
        )

        campaign = ArgillaSource(
            server.api_url,
            server.api_key,
            tuple(DatasetConfig(n, "texto", workspace="bench") for n in thirds),
            timeout=120,
        )
        full3 = median_seconds(campaign.fetch, repeat=3)
        previous = campaign.fetch()
        times3 = []
        for _ in range(3):
            change(server, client, thirds[0], 0.03, keys)
            started = time.perf_counter()
            previous = campaign.fetch(previous)
            times3.append(time.perf_counter() - started)
        part = sorted(times3)[1]
        print(
            f"three datasets of {size // 3:,} records, 1% of all responses changed in one: full read "
            f"{full3:.2f} s; incremental {part:.2f} s ({part / full3:.0%} of full)"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
