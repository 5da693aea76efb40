"""Argilla's webhook deliveries verified and queued by the inbox (Standard Webhooks signatures), with
no server: what is refused, what is applied once."""

import datetime as dt

import pytest

from data.live.inbox import MAX_BODY, Inbox
from tests.hooked_app import SECRET, signed

pytestmark = pytest.mark.fault

EVENT = {
    "type": "response.created",
    "version": 1,
    "timestamp": "2026-11-23T10:00:00.000000Z",
    "data": {"id": "resp-1", "status": "submitted", "record": {"id": "rec-1", "dataset": {"id": "ds-1"}}},
}


@pytest.fixture
def inbox():
    woken = []
    box = Inbox(on_change=lambda: woken.append(1))
    box.accept(SECRET)
    return box, woken


def test_a_signed_delivery_is_queued_and_wakes_the_reader(inbox):
    box, woken = inbox
    assert box.deliver(*signed(EVENT)) == (202, "queued")
    [change] = box.drain()
    assert (change.event, change.dataset_id, change.record_id, change.response_id) == (
        "response.created",
        "ds-1",
        "rec-1",
        "resp-1",
    )
    assert change.response is None  # no author or times stated: the record is read again instead
    assert woken == [1]


@pytest.mark.parametrize(
    "case, expected",
    [
        ("unsigned", 400),
        ("forged", 401),
        ("replayed", 401),
        ("oversized", 413),
        ("not json", 400),
        ("malformed", 400),
    ],
)
def test_bad_deliveries_are_refused_and_change_nothing(inbox, case, expected, caplog):
    box, woken = inbox
    body, headers = signed(EVENT)
    if case == "unsigned":
        headers = {"content-type": "application/json"}
    elif case == "forged":
        body, headers = signed(EVENT, secret="Zm9yZ2VkLXNlY3JldC1vZi1hbi1hdHRhY2tlcg==")
    elif case == "replayed":
        body, headers = signed(EVENT, at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))
    elif case == "oversized":
        body, headers = signed({**EVENT, "padding": "x" * MAX_BODY})
    elif case == "not json":
        body, headers = signed(b"this is not json at all")
    elif case == "malformed":
        body, headers = signed({"type": "response.created"})
    status, _ = box.deliver(body, headers)
    assert status == expected
    assert box.drain() == [] and woken == []
    assert "webhook delivery refused" in caplog.text and "resp-1" not in caplog.text  # one line, no body


def test_a_redelivered_message_is_applied_once_and_nothing_is_taken_before_subscribing(inbox):
    box, _ = inbox
    body, headers = signed(EVENT, msg_id="msg_same")
    assert box.deliver(body, headers)[0] == 202 and box.deliver(body, headers)[0] == 200
    assert len(box.drain()) == 1
    box.accept(None)
    assert box.deliver(*signed(EVENT, msg_id="msg_2"))[0] == 404


def event(kind: str, record: str, n: int) -> tuple[bytes, dict[str, str]]:
    """A signed delivery of `kind` about `record` (message id `n`)."""
    data = {"id": record, "dataset": {"id": "ds-1"}}
    if kind.startswith("response."):
        data = {"id": f"resp-{record}", "status": "submitted", "record": data}
    return signed({**EVENT, "type": kind, "data": data}, msg_id=f"msg_{n}")


def test_a_submission_is_complete_once_both_of_its_deliveries_are_queued_in_either_order(inbox):
    """argilla-server sends a response's creation, edit or deletion as the record's update and the
    response's event: one worker sends them in that order, several in either."""
    box, _ = inbox
    steps = [
        (("record.updated", "rec-1"), False, True),
        (("response.created", "rec-1"), True, False),
        (("response.updated", "rec-2"), False, True),  # the other order
        (("record.updated", "rec-2"), True, False),
        (("record.updated", "rec-3"), False, True),
        (("response.deleted", "rec-3"), True, False),
        (("record.created", "rec-4"), True, False),  # a delivery of its own: nothing to wait for
    ]
    for n, ((kind, record), complete, awaiting) in enumerate(steps):
        assert box.deliver(*event(kind, record, n))[0] == 202
        assert box.pairing() == (complete, awaiting), (kind, record)
    box.drain()
    assert box.deliver(*event("record.updated", "rec-5", 99))[0] == 202  # an organizer's edit of a record
    assert box.pairing() == (False, True)
