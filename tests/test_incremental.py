"""Incremental polls equal full reads, on randomised change sets against the real server."""

import random
import uuid

import argilla as rg
import httpx
import pandas as pd
import pytest

from data.config import DatasetConfig
from data.sources.argilla import ArgillaSource
from tests.campaign_builder import DatasetSpec, build_campaign

SPECS = [
    DatasetSpec("inc_a", "texto", "ref", min_submitted=2, records=25),
    DatasetSpec("inc_b", "texto", None, min_submitted=1, records=25),
]
USERS = ["inc_u1", "inc_u2", "inc_u3"]


@pytest.fixture(scope="module")
def setup(argilla_server, rg_client):
    build_campaign(rg_client, "incremental", SPECS, USERS, seed=5)
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    keys = {}
    for user in rg_client.users:
        if user.username in USERS:
            keys[user.username] = owner.get(f"/api/v1/users/{user.id}").json()["api_key"]
    configs = tuple(DatasetConfig(s.name, "incremental", s.name, s.question, s.reference_field) for s in SPECS)
    return owner, keys, ArgillaSource(argilla_server.api_url, argilla_server.api_key, configs)


def records_of(owner, rg_client, name):
    dataset = rg_client.datasets(name=name, workspace="incremental")
    body = owner.get(
        f"/api/v1/datasets/{dataset.id}/records", params=[("include", "responses"), ("limit", 1000)]
    ).json()
    return dataset, body["items"]


def apply_random_changes(owner, keys, rg_client, name, rng, server_url):
    """Random creates, edits, status changes and deletions; each request must be accepted."""
    for _ in range(rng.randint(1, 6)):
        dataset, items = records_of(owner, rg_client, name)  # as the server has it now
        action = rng.choice(["create", "update", "status", "delete", "add_record", "delete_record"])
        user = rng.choice(USERS)
        client = httpx.Client(base_url=server_url, headers={"X-Argilla-Api-Key": keys[user]})
        record = rng.choice(items)
        mine = [r for r in record["responses"] if r["user_id"] == client.get("/api/v1/me").json()["id"]]
        status = rng.choice(["submitted", "discarded", "draft"])
        values = {"texto": {"value": rng.choice(["nuevo texto", "otra versión", "Traducción"])}}
        if action == "create" and not mine:
            answer = client.post(f"/api/v1/records/{record['id']}/responses", json={"values": values, "status": status})
            assert answer.status_code == 201, answer.text
        elif action in ("update", "status") and mine:
            answer = client.put(
                f"/api/v1/responses/{mine[0]['id']}",
                json={
                    "values": values if action == "update" else mine[0]["values"] or values,
                    "status": mine[0]["status"] if action == "update" else status,
                },
            )
            assert answer.status_code == 200, answer.text
        elif action == "delete" and mine:
            assert client.delete(f"/api/v1/responses/{mine[0]['id']}").status_code == 200
        elif action == "add_record":
            dataset.records.log(
                [
                    rg.Record(
                        id=f"{name}-new-{rng.randint(0, 10**9)}",
                        fields={"en": "new", **({"ref": "referencia"} if name == "inc_a" else {})},
                    )
                ]
            )
        elif action == "delete_record":
            answer = owner.delete(f"/api/v1/datasets/{dataset.id}/records", params={"ids": record["id"]})
            assert answer.status_code == 204, answer.text


def canonical(raw):
    records = raw.records.sort_values(["dataset", "record_id"]).reset_index(drop=True)
    responses = raw.responses.sort_values(["dataset", "record_id", "user_id"]).reset_index(drop=True)
    return records, responses


def test_incremental_equals_full_on_random_changes(setup, rg_client, argilla_server):
    owner, keys, source = setup
    rng = random.Random(42)
    previous = source.fetch()
    assert previous.reread == {"inc_a", "inc_b"}
    unchanged = source.fetch(previous)
    assert unchanged.reread == frozenset()
    moved = 0
    for round_ in range(6):
        name = rng.choice(["inc_a", "inc_b"])
        apply_random_changes(owner, keys, rg_client, name, rng, argilla_server.api_url)
        incremental = source.fetch(previous)
        full = source.fetch()
        for got, want in zip(canonical(incremental), canonical(full)):
            pd.testing.assert_frame_equal(got, want)
        assert incremental.reread <= {name}, round_
        moved += bool(incremental.reread)
        previous = incremental
    assert moved >= 3


def test_re_reading_the_named_records_equals_a_full_read(setup, rg_client, argilla_server):
    """What a webhook batch does: only the records it names are read again (in searches of at most
    250 ids), and a named record that no longer exists leaves with its responses."""
    owner, keys, source = setup
    previous = source.fetch()
    rng = random.Random(7)
    for _ in range(3):
        apply_random_changes(owner, keys, rg_client, "inc_a", rng, argilla_server.api_url)
    full = source.fetch()
    named = {
        record_id
        for raw in (previous, full)
        for record_id in raw.records.loc[raw.records["dataset"] == "inc_a", "record_id"]
    }
    missing = {str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(300)}  # more than one search's worth
    patched = source.fetch_records(previous, {"inc_a": named | missing})
    for got, want in zip(canonical(patched), canonical(full)):
        pd.testing.assert_frame_equal(got, want, check_dtype=False, check_categorical=False)
