"""The webhook over the dashboard's life, against the real argilla-server: a configuration that turns
webhooks off or moves the public URL leaves no webhook of ours sending to a dead address; a delivery
about another dataset moves nothing; a batch whose read fails is kept until it is applied."""

import datetime as dt
import json
import uuid

import argilla as rg
import pytest

from data.config import legacy
from data.live.subscription import DESCRIPTION
from tests.campaign_builder import DatasetSpec, build_campaign
from tests.dashboard import hooks, ours
from tests.hooked_app import signed

WORKSPACE = "ciclo"
SPEC = DatasetSpec("ciclo_a", "texto", "ref", min_submitted=1, records=12)


@pytest.fixture(scope="module")
def plan(rg_client):
    return build_campaign(rg_client, WORKSPACE, [SPEC], ["ciclo_ana"], seed=4)


def test_turning_webhooks_off_disables_ours(dashboard, rg_client):
    dashboard.start(hooks("http://127.0.0.1:9/a"))
    dashboard.read()
    assert [w.enabled for w in ours(rg_client, dashboard.env["space"])] == [True]
    dashboard.start(hooks(None))  # the configuration no longer wants webhooks
    dashboard.read()
    assert [w.enabled for w in ours(rg_client, dashboard.env["space"])] == [False]


def test_a_new_public_url_moves_our_one_webhook(dashboard, rg_client):
    dashboard.start(hooks("http://127.0.0.1:9/a"))
    dashboard.read()
    [before] = ours(rg_client, dashboard.env["space"])
    dashboard.start(hooks("http://127.0.0.1:9/b"))
    dashboard.read()
    [after] = ours(rg_client, dashboard.env["space"])
    assert after.id == before.id and after.enabled and after.url == "http://127.0.0.1:9/b/webhooks/argilla"
    assert not [w for w in rg_client.webhooks.list() if w.url.startswith("http://127.0.0.1:9/a/")]


def test_a_restart_with_webhooks_off_disables_what_a_killed_process_left(dashboard, rg_client):
    dashboard.start(hooks("http://127.0.0.1:9/a"))
    dashboard.read()
    dashboard.services = None  # killed: no shutdown ran, the webhook stays enabled
    dashboard.start(hooks(None))
    dashboard.read()
    assert [w.enabled for w in ours(rg_client, dashboard.env["space"])] == [False]


def made_elsewhere(rg_client, url: str, description: str) -> rg.Webhook:
    """A webhook made on the server by someone else than the running dashboard."""
    return rg_client.webhooks.add(
        rg.Webhook(url=url, events=["response.created"], description=description, _client=rg_client)
    )


def test_another_deployments_webhook_is_never_touched(dashboard, rg_client):
    other = made_elsewhere(
        rg_client, "http://127.0.0.1:9/otro/webhooks/argilla", f"{DESCRIPTION} [somosnlp/otro-tablero]"
    )
    try:
        dashboard.start(hooks(None))
        dashboard.read()
        assert next(w for w in rg_client.webhooks.list() if w.id == other.id).enabled
    finally:
        other.delete()


def test_a_webhook_described_the_former_way_is_ours_renamed_not_duplicated(dashboard, rg_client):
    """Webhooks made before [site] carry the first deployment's name in their description."""
    former = made_elsewhere(
        rg_client, "http://127.0.0.1:9/a/webhooks/argilla", f"{legacy.WEBHOOK_DESCRIPTION} [{dashboard.env['space']}]"
    )
    dashboard.start(hooks("http://127.0.0.1:9/a"))
    dashboard.read()
    [kept] = ours(rg_client, dashboard.env["space"])
    assert kept.id == former.id and kept.enabled and kept.description == f"{DESCRIPTION} [{dashboard.env['space']}]"
    assert not [w for w in rg_client.webhooks.list() if w.description.startswith(legacy.WEBHOOK_DESCRIPTION)]


def dataset_event(dataset_id: str) -> dict:
    return {
        "type": "dataset.updated",
        "version": 1,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
        "data": {"id": dataset_id, "name": "otro"},
    }


def test_a_delivery_about_another_dataset_moves_nothing(dashboard, rg_client):
    services = dashboard.start(hooks("http://127.0.0.1:9/a"))
    first = dashboard.read()
    updates = services.campaign.updates
    secret = ours(rg_client, dashboard.env["space"])[0].secret
    store = services.campaign.store.directory / "campaign.current"
    pointer = store.read_text()
    assert updates.inbox.deliver(*signed(dataset_event(str(uuid.uuid4())), secret, "msg_other")) == (
        200,
        "not followed",
    )
    assert updates.inbox.pending == 0
    again = dashboard.read()
    assert again is first and again.fetched_at == first.fetched_at  # the same value: no page reruns
    assert store.read_text() == pointer  # no snapshot written


def test_a_batch_whose_read_fails_is_kept_until_applied(dashboard, rg_client, proxy):
    services = dashboard.start(hooks("http://127.0.0.1:9/a"))
    dashboard.read()
    secret = ours(rg_client, dashboard.env["space"])[0].secret
    dataset = rg_client.datasets(name=SPEC.name, workspace=WORKSPACE)
    new_id = f"ciclo-nuevo-{uuid.uuid4().hex[:6]}"
    dataset.records.log([rg.Record(id=new_id, fields={"en": "new", "ref": "referencia"})])
    listed = rg_client.api.http_client.get(f"/api/v1/datasets/{dataset.id}/records", params={"limit": 1000}).json()
    server_id = next(item["id"] for item in listed["items"] if item["external_id"] == new_id)
    event = {
        "type": "record.created",
        "version": 1,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
        "data": {"id": server_id, "status": "pending", "dataset": {"id": str(dataset.id)}},
    }
    inbox = services.campaign.updates.inbox
    assert inbox.deliver(*signed(event, secret, "msg_new"))[0] == 202
    proxy.status = 503  # the read that would apply it fails
    state = services.campaign.poller.refresh()
    assert state.error is not None and inbox.pending == 1  # kept
    proxy.status = None
    value = dashboard.read()
    assert server_id in set(value.records["record_id"].astype(str)) and inbox.pending == 0


def test_refused_deliveries_say_why_without_the_body(caplog):
    from data.live.inbox import Inbox

    inbox = Inbox(on_change=lambda: None)
    inbox.accept("dGVzdC1zZWNyZXQtZm9yLXRoZS1pbmJveC0xMjM0NQ==")
    body = json.dumps(dataset_event("secreto-del-cuerpo")).encode()
    assert inbox.deliver(body, {"webhook-id": "x", "webhook-timestamp": "1e3", "webhook-signature": "v1,??"})[0] in (
        400,
        401,
    )
    assert "secreto-del-cuerpo" not in caplog.text
