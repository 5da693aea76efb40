"""Organizer quality signals on a hand-built campaign on the real server, and the flag rules."""

import datetime as dt

import argilla as rg
import httpx
import pandas as pd
import pytest

from data.config import DatasetConfig
from data.feeds.campaign import normalise
from data.model import aggregate, quality
from data.sources.argilla import ArgillaSource
from tests.campaign_builder import ensure_users

# record -> [(user, status, text or None for unchanged, label)]
PLAN = {
    "r0": [
        ("ana", "submitted", None, "buena"),
        ("beto", "submitted", None, "buena"),
        ("carla", "submitted", "X", "mala"),
    ],
    "r1": [("ana", "submitted", "Y", "mala"), ("beto", "submitted", "Y", "buena")],
    "r2": [("ana", "submitted", None, None), ("carla", "submitted", "Z", None)],
    "r3": [("beto", "submitted", None, None)],
    "r4": [("carla", "draft", "W", None), ("ana", "submitted", None, None)],
}
# worked out by hand from PLAN (see the README's definitions)
EXPECTED = {
    "ana": dict(
        validations=4, unchanged_share=0.75, agreement=1.0, agreement_records=2, label_agreement=1.0, sole_validator=1
    ),
    "beto": dict(
        validations=3, unchanged_share=2 / 3, agreement=1.0, agreement_records=2, label_agreement=1.0, sole_validator=1
    ),
    "carla": dict(
        validations=2, unchanged_share=0.0, agreement=0.0, agreement_records=1, label_agreement=0.0, sole_validator=0
    ),
}


@pytest.fixture(scope="module")
def campaign(argilla_server, rg_client):
    workspace = rg_client.workspaces.add(rg.Workspace(name="calidad", client=rg_client))
    users = ensure_users(rg_client, ["ana", "beto", "carla"], workspace)
    settings = rg.Settings(
        fields=[rg.TextField(name="en")],
        questions=[
            rg.TextQuestion(name="texto"),
            rg.LabelQuestion(name="nota", labels=["buena", "mala"], required=False),
        ],
        distribution=rg.TaskDistribution(min_submitted=1),
    )
    dataset = rg.Dataset(name="calidad_a", workspace=workspace, settings=settings, client=rg_client).create()
    records = []
    for record_id, answers in PLAN.items():
        suggestion = f"sugerencia {record_id}"
        responses = []
        for user, status, text, label in answers:
            responses.append(rg.Response("texto", text or suggestion, user_id=users[user].id, status=status))
            if label:
                responses.append(rg.Response("nota", label, user_id=users[user].id, status=status))
        records.append(
            rg.Record(
                id=record_id,
                fields={"en": record_id},
                responses=responses,
                suggestions=[rg.Suggestion("texto", suggestion)],
            )
        )
    dataset.records.log(records)
    source = ArgillaSource(
        argilla_server.api_url,
        argilla_server.api_key,
        (DatasetConfig("calidad_a", "texto", workspace="calidad", title="Calidad"),),
    )
    return normalise(source.fetch(), dt.datetime.now(dt.UTC), "test"), dataset


def test_signals_match_the_hand_computed_values(campaign, argilla_server):
    frames, dataset = campaign
    table = quality.signals(frames.responses, aggregate.contributors(frames.responses, min_validations=1))
    table = table.set_index("username")
    for user, want in EXPECTED.items():
        for column, value in want.items():
            assert table.loc[user, column] == pytest.approx(value), (user, column)
    # median gap, from the server's own timestamps read independently
    body = httpx.get(
        f"{argilla_server.api_url}/api/v1/datasets/{dataset.id}/records",
        params=[("include", "responses")],
        headers={"X-Argilla-Api-Key": argilla_server.api_key},
    ).json()
    ids = {
        u["id"]: u["username"]
        for u in httpx.get(
            f"{argilla_server.api_url}/api/v1/users", headers={"X-Argilla-Api-Key": argilla_server.api_key}
        ).json()["items"]
    }
    for user in EXPECTED:
        times = sorted(
            pd.Timestamp(r["updated_at"])
            for item in body["items"]
            for r in item["responses"]
            if ids[r["user_id"]] == user and r["status"] == "submitted"
        )
        gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
        assert table.loc[user, "median_gap_seconds"] == pytest.approx(pd.Series(gaps).median(), abs=1e-6)
    assert (table["flags"] == "").all()


def synthetic(user_rows):
    rows = []
    for user, n, gap, corrected in user_rows:
        for i in range(n):
            rows.append(
                (
                    "d",
                    f"{user}-{i}",
                    user,
                    "submitted",
                    pd.Timestamp("2024-03-05T10:00:00Z") + pd.Timedelta(seconds=gap * i),
                    corrected,
                    0,
                    "x" if corrected else None,
                    None,
                )
            )
    frame = pd.DataFrame(
        rows,
        columns=[
            "dataset",
            "record_id",
            "user",
            "status",
            "updated_at",
            "is_correction",
            "edit_size",
            "answer",
            "label",
        ],
    )
    frame["inserted_at"] = frame["updated_at"]
    from data.model.frames import fingerprint, typed_responses

    return typed_responses(
        frame.assign(answer_hash=fingerprint(frame["answer"]), label_hash=fingerprint(frame["label"]))
    )


def test_flags_name_their_reason():
    responses = synthetic(
        [("rafaga", 20, 2, True), ("nunca", 12, 300, False), ("normal", 12, 300, True), ("poco", 3, 1, False)]
    )
    table = quality.signals(responses, aggregate.contributors(responses, min_validations=1)).set_index("username")
    assert table.loc["rafaga", "flags"] == "burst"
    assert table.loc["nunca", "flags"] == "never_corrects"
    assert table.loc["normal", "flags"] == "" and table.loc["poco", "flags"] == ""
