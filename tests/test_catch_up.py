"""While webhook deliveries trail a burst, the board counts what argilla-server counts: against the
real server, with every delivery but one withheld (as when its worker is a minute behind), the
prize CSV's validations, discards, ranks and eligibility equal argilla-server's own figures, the
page says it is catching up and by how much, and a dataset whose deliveries never come is read
again, after which corrections are exact too. The oracle: tests/oracle.py."""

import dataclasses
import datetime as dt
import random
import time

import httpx
import pytest

from components.status import freshness
from data.feeds.poller import FeedView
from data.live import updates
from data.state.snapshots import load_campaign
from tests.campaign_builder import DatasetSpec, build_campaign, ensure_users
from tests.dashboard import hooks, ours
from tests.hooked_app import Annotator, signed
from tests.oracle import Stream, argilla_corrections, argilla_rows, csv_rows, differences, references

pytestmark = [pytest.mark.long, pytest.mark.fault]

WORKSPACE = "alcance"
SPEC = DatasetSpec("alcance_a", "texto", "ref", min_submitted=1, records=40, suggestion_share=1.0)
CROWD = ["alc_ana", "alc_beto", "alc_ciro", "alc_王小明"]


@pytest.fixture(scope="module")
def plan(rg_client):
    plan = build_campaign(rg_client, WORKSPACE, [SPEC], [], seed=12)
    ensure_users(rg_client, CROWD, rg_client.workspaces(WORKSPACE))  # no answers yet: the stream makes them
    return plan


def test_a_burst_whose_deliveries_trail_is_counted_as_argilla_counts_it(
    dashboard, argilla_server, rg_client, monkeypatch
):
    services = dashboard.start(hooks("http://127.0.0.1:9/nadie"))  # nothing there: deliveries come by hand
    dashboard.read()
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    dataset = rg_client.datasets(name=SPEC.name, workspace=WORKSPACE)
    records = owner.get(f"/api/v1/datasets/{dataset.id}/records", params={"limit": 1000}).json()["items"]
    keys = {u.username: owner.get(f"/api/v1/users/{u.id}").json()["api_key"] for u in rg_client.users}
    ids, agreed = [str(r["id"]) for r in records], references(owner, str(dataset.id), SPEC.question, "ref")
    streams = [
        Stream({name: Annotator(argilla_server.api_url, keys[name])}, ids, rng, agreed)
        for name, rng in zip(CROWD, map(random.Random, range(len(CROWD))), strict=True)
    ]
    Stream.together(streams, 25)
    truth = argilla_rows(owner, [str(dataset.id)], minimum=3)

    def board():
        read = services.campaign.read_of(dashboard.read())
        return read, csv_rows(read.ranking_csv())

    assert differences(board()[1], truth) > 0  # nothing delivered: the frames are behind
    secret = ours(rg_client, dashboard.env["space"])[0].secret
    event = {"type": "record.updated", "version": 1, "timestamp": dt.datetime.now(dt.UTC).isoformat()}
    event["data"] = {"id": str(records[0]["id"]), "status": "pending", "dataset": {"id": str(dataset.id)}}
    assert services.campaign.updates.inbox.deliver(*signed(event, secret, "msg_one"))[0] == 202

    board()  # the delivery is applied and shown at once; the look at Argilla's counts comes after it
    time.sleep(updates.CATCH_UP)
    read, rows = board()  # one delivery of many: Argilla's own counts are taken
    assert differences(rows, truth) == 0
    assert read.behind() > 0
    view = FeedView.of(services.campaign.poller)
    text, _ = freshness(view, "es", services.campaign.live_mode(), 3600, read.behind())
    assert "Poniéndose al día" in text and str(read.behind()) in text and "en directo" not in text
    stored = load_campaign(services.campaign.store, services.campaign.source)  # what a follower shows
    assert stored is not None and stored.counted.equals(read.campaign.counted)

    monkeypatch.setattr(updates, "SILENCE", dt.timedelta(0))  # the rest never delivered: read again
    monkeypatch.setattr(updates, "CATCH_UP", 0)
    read, _ = board()
    corrections = argilla_corrections(owner, str(dataset.id), SPEC.question, SPEC.reference_field)
    truth = {name: dataclasses.replace(row, corrections=corrections.get(name, 0)) for name, row in truth.items()}
    assert read.behind() == 0 and read.campaign.counted.empty
    assert differences(csv_rows(read.ranking_csv(), with_corrections=True), truth) == 0


def response_event(kind: str, response: dict, record: dict, dataset_id: str, username: str) -> dict:
    """A response event as argilla-server's webhooks send it: the response, its author, its record."""
    data = {key: response[key] for key in ("id", "values", "status", "inserted_at", "updated_at")}
    data["user"] = {"id": str(response["user_id"]), "username": username}
    data["record"] = {key: record[key] for key in ("id", "status", "inserted_at", "updated_at")}
    data["record"]["dataset"] = {"id": dataset_id}
    return {"type": kind, "version": 1, "timestamp": dt.datetime.now(dt.UTC).isoformat(), "data": data}


def test_a_retried_delivery_with_a_new_id_is_applied_once(dashboard, argilla_server, rg_client):
    """argilla-server makes a new webhook-id for each attempt (its job retries after 10, 60 and 180 s):
    the same event delivered again, and an older one after a newer, change nothing more."""
    services = dashboard.start(hooks("http://127.0.0.1:9/nadie"))
    dashboard.read()
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    dataset = rg_client.datasets(name=SPEC.name, workspace=WORKSPACE)
    records = owner.get(f"/api/v1/datasets/{dataset.id}/records", params={"limit": 1000}).json()["items"]
    users = {u.username: u for u in rg_client.users}
    key = owner.get(f"/api/v1/users/{users['alc_ciro'].id}").json()["api_key"]
    ciro = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": key})
    listed = owner.get(
        f"/api/v1/datasets/{dataset.id}/records", params=[("include", "responses"), ("limit", 1000)]
    ).json()["items"]
    mine = str(users["alc_ciro"].id)
    taken = {str(r["id"]) for r in listed for x in r.get("responses") or [] if str(x["user_id"]) == mine}
    free = [r for r in records if str(r["id"]) not in taken][:3]
    secret = ours(rg_client, dashboard.env["space"])[0].secret
    inbox = services.campaign.updates.inbox
    events = []
    for record in free:
        answer = ciro.post(
            f"/api/v1/records/{record['id']}/responses",
            json={"values": {"texto": {"value": "reintento"}}, "status": "submitted"},
        )
        answer.raise_for_status()
        events.append(response_event("response.created", answer.json(), record, str(dataset.id), "alc_ciro"))
    edited = ciro.put(
        f"/api/v1/responses/{events[0]['data']['id']}",
        json={"values": {"texto": {"value": "reintento"}}, "status": "discarded"},
    )
    edited.raise_for_status()
    events.append(response_event("response.updated", edited.json(), free[0], str(dataset.id), "alc_ciro"))
    for attempt in range(3):  # the first attempt and two retries, each with its own webhook-id
        for n, event in enumerate(events if attempt == 0 else events[:3]):  # retries: the older ones again
            assert inbox.deliver(*signed(event, secret, f"msg_{attempt}_{n}"))[0] == 202
        read = services.campaign.read_of(dashboard.read())
        held = read.campaign.responses
        ours_now = held[(held["user"] == "alc_ciro") & held["record_id"].isin([str(r["id"]) for r in free])]
        assert len(ours_now) == 3  # each response once
        assert (ours_now["status"] == "discarded").sum() == 1  # the edit stands against older redeliveries
    truth = argilla_rows(owner, [str(dataset.id)], minimum=3)
    assert differences(csv_rows(read.ranking_csv()), truth) == 0


def test_a_batch_applied_but_whose_look_at_argillas_counts_fails_is_kept(
    dashboard, argilla_server, rg_client, monkeypatch
):
    """A delivery that states everything is applied without a request, then the look at Argilla's
    counts in the same read (as in a burst) fails (Argilla answering 503): the batch is not lost,
    the next good read has it."""
    monkeypatch.setattr(updates, "CATCH_UP", 0)  # a burst: the look is due in the read that applies
    services = dashboard.start(hooks("http://127.0.0.1:9/nadie"))
    dashboard.read()
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    dataset = rg_client.datasets(name=SPEC.name, workspace=WORKSPACE)
    listed = owner.get(
        f"/api/v1/datasets/{dataset.id}/records", params=[("include", "responses"), ("limit", 1000)]
    ).json()["items"]
    user = next(u for u in rg_client.users if u.username == "alc_ana")
    record = next(r for r in listed if all(str(x["user_id"]) != str(user.id) for x in r.get("responses") or []))
    key = owner.get(f"/api/v1/users/{user.id}").json()["api_key"]
    answer = httpx.post(
        f"{argilla_server.api_url}/api/v1/records/{record['id']}/responses",
        headers={"X-Argilla-Api-Key": key},
        json={"values": {"texto": {"value": "guardada"}}, "status": "submitted"},
    )
    answer.raise_for_status()
    event = response_event("response.created", answer.json(), record, str(dataset.id), "alc_ana")
    secret = ours(rg_client, dashboard.env["space"])[0].secret
    inbox = services.campaign.updates.inbox
    assert inbox.deliver(*signed(event, secret, "msg_kept"))[0] == 202
    dashboard.env["proxy"].status = 503
    state = services.campaign.poller.refresh()
    assert state.error is not None and inbox.pending == 1  # kept
    dashboard.env["proxy"].status = None
    held = dashboard.read().responses
    assert ((held["user"] == "alc_ana") & (held["record_id"] == str(record["id"]))).any()
    truth = argilla_rows(owner, [str(dataset.id)], minimum=3)
    assert differences(csv_rows(services.campaign.read_of(dashboard.read()).ranking_csv()), truth) == 0
