"""Argilla webhooks: the deliveries the dashboard receives, and what they say has changed.

Argilla (>= 2.5) signs each delivery following the Standard Webhooks spec (headers
`webhook-id`, `webhook-timestamp`, `webhook-signature`; the `standardwebhooks` package, which
argilla-server itself signs with). `Inbox.deliver` answers at once: it verifies and queues, and
the campaign feed's poller thread (the only writer of the frames) applies a batch later.
A delivery that is unsigned, forged, replayed (outside the 5-minute tolerance), oversized or
malformed is refused with a 4xx and changes nothing; one log line says why, never the body. A good
delivery about a dataset the campaign does not follow (a shared server has many) is acknowledged
and dropped on arrival: it wakes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import cachetools
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from data.times import utc_now

log = logging.getLogger(__name__)
EVENTS = (  # not record.completed: argilla-server sends record.updated with the same record first
    "response.created",
    "response.updated",
    "response.deleted",
    "record.created",
    "record.updated",
    "record.deleted",
    "dataset.updated",
)
MAX_BODY = 512 * 1024  # a response event with its record and dataset is a few kB
TOLERANCE = dt.timedelta(minutes=5)  # the Standard Webhooks tolerance
Json = dict[str, Any]  # a JSON object, as a delivery carries it


@dataclass(frozen=True)
class Change:
    """What one delivery says changed: a record of a dataset (or a whole dataset), and, when the
    payload states them, the record's and the response's new state in the API's own shapes."""

    event: str
    dataset_id: str | None
    record_id: str | None
    response_id: str | None
    record: Json | None = None  # id, status, inserted_at, updated_at
    response: Json | None = None  # id, user_id, status, values, inserted_at, updated_at (created/updated)
    username: str | None = None  # the response's author


RECORD_KEYS = ("id", "status", "inserted_at", "updated_at")
RESPONSE_KEYS = ("id", "status", "values", "inserted_at", "updated_at")


def change_of(payload: Json) -> Change:
    """The change a delivery's payload describes. Raises ValueError if it describes none."""
    event, data = payload.get("type"), payload.get("data")
    if not isinstance(event, str) or not isinstance(data, dict):
        raise ValueError("no type or data")
    kind = event.split(".")[0]
    if kind == "response":
        record, user = _dict(data.get("record")), _dict(data.get("user"))
        ids = _id(_dict(record.get("dataset")).get("id")), _id(record.get("id")), _id(data.get("id"))
        if event == "response.deleted":
            return Change(event, *ids)
        return Change(event, *ids, _state(record, RECORD_KEYS), _response_state(data, user), _id(user.get("username")))
    if kind == "record":
        state = None if event == "record.deleted" else _state(data, RECORD_KEYS)
        return Change(event, _id(_dict(data.get("dataset")).get("id")), _id(data.get("id")), None, state)
    if kind == "dataset":
        return Change(event, _id(data.get("id")), None, None)
    raise ValueError(f"unknown event {event[:40]}")


def _dict(value: object) -> Json:
    return value if isinstance(value, dict) else {}


def _id(value: object) -> str | None:
    return str(value) if isinstance(value, str) and value else None


def _state(data: Json, keys: tuple[str, ...]) -> Json | None:
    """These keys of `data` if all are there (a payload missing one is re-read instead)."""
    state = {key: data.get(key) for key in keys}
    return state if all(isinstance(v, str) for k, v in state.items() if k != "values") else None


def _response_state(data: Json, user: Json) -> Json | None:
    state = _state(data, RESPONSE_KEYS)
    user_id = _id(user.get("id"))
    if state is None or user_id is None or not isinstance(state["values"], dict | None):
        return None
    return {**state, "user_id": user_id}


def signed_payload(secret: Webhook | None, body: bytes, headers: Mapping[str, str]) -> tuple[int, str, Any]:
    """(200, "signed", the payload) for a delivery signed with `secret`, sent within TOLERANCE;
    else the HTTP status and reason of its refusal, and None. Never raises."""
    headers = {k.lower(): v for k, v in headers.items()}
    if secret is None:
        return 404, "not subscribed", None
    if len(body) > MAX_BODY:
        return 413, "too large", None
    if not all(headers.get(name) for name in ("webhook-id", "webhook-timestamp", "webhook-signature")):
        return 400, "unsigned", None
    try:
        sent = dt.datetime.fromtimestamp(float(headers["webhook-timestamp"]), dt.UTC)
    except (ValueError, OverflowError, OSError):
        return 400, "bad timestamp", None
    if abs(utc_now() - sent) > TOLERANCE:
        return 401, "replayed or stale", None
    try:
        return 200, "signed", secret.verify(body, headers)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return 400, "not JSON", None
    except (WebhookVerificationError, ValueError, TypeError, LookupError):  # and garbled signature headers
        return 401, "bad signature", None


class Pairing(NamedTuple):
    """What the queue holds of submissions (`Inbox.pairing`)."""

    complete: bool  # whole submissions, and nothing of one still on its way
    awaiting: bool  # a delivery waits for the other half of its submission


class Inbox:
    """Verifies deliveries with the subscription's secret and queues what they say changed."""

    def __init__(self, on_change: Callable[[], None]):
        self._on_change = on_change
        self._secret: Webhook | None = None
        self.on_accept: Callable[[str | None], None] | None = None  # told the secret (Services: the other replicas)
        self._queue: list[Change] = []
        self._seen: cachetools.TTLCache[str, bool] = cachetools.TTLCache(
            maxsize=100_000, ttl=TOLERANCE.total_seconds() * 2
        )  # message ids
        self._lock = threading.Lock()
        self._followed: frozenset[str] | None = None  # the campaign's dataset ids, once known
        self.last_delivery: dt.datetime | None = None

    def accept(self, secret: str | None) -> None:
        """Start (with the subscription's secret, kept in memory only) or stop accepting deliveries."""
        with self._lock:
            self._secret = Webhook(secret) if secret else None
        if self.on_accept is not None:
            try:
                self.on_accept(secret)
            except Exception as error:  # Redis away: the others refuse deliveries until the next subscription
                log.warning("the webhook secret could not be shared (%s)", type(error).__name__)

    @property
    def accepting(self) -> bool:
        return self._secret is not None

    @property
    def depth(self) -> int:
        """Changes queued and not applied yet."""
        return len(self._queue)

    def follow(self, dataset_ids: set[str]) -> None:
        """The datasets whose deliveries are queued; any other's are dropped on arrival."""
        self._followed = frozenset(dataset_ids)

    def deliver(self, body: bytes, headers: Mapping[str, str]) -> tuple[int, str]:
        """Verify and queue one delivery: (HTTP status, a short reason). Never raises."""
        status, reason = self._verify(body, {k.lower(): v for k, v in headers.items()})
        if status >= 400:
            log.warning("webhook delivery refused (%s %s)", status, reason)
        return status, reason

    def _verify(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        status, reason, payload = signed_payload(self._secret, body, headers)
        if status >= 400:
            return status, reason
        try:
            change = change_of(payload)
        except (ValueError, AttributeError, TypeError):
            return 400, "malformed"
        followed = self._followed
        if followed is not None and change.dataset_id is not None and change.dataset_id not in followed:
            return 200, "not followed"  # acknowledged (no retries), and nothing moves
        with self._lock:
            if headers["webhook-id"] in self._seen:
                return 200, "already received"
            self._seen[headers["webhook-id"]] = True
            self._queue.append(change)
            self.last_delivery = utc_now()
        self._on_change()
        return 202, "queued"

    @property
    def pending(self) -> int:
        return len(self._queue)

    def pairing(self) -> Pairing:
        """How what is queued stands as submissions (one look at the queue): argilla-server sends a
        response's creation, edit or deletion as two deliveries, the record's `record.updated` (its
        status counted again) and the response's event — one after the other from one worker, in
        either order from several. Halves are counted per record."""
        with self._lock:
            queue = list(self._queue)
        updated = Counter(c.record_id for c in queue if c.event == "record.updated")
        answered = Counter(c.record_id for c in queue if c.event.startswith("response."))
        awaiting = any(updated[record] != answered[record] for record in updated | answered)
        return Pairing(complete=bool(answered) and not awaiting, awaiting=awaiting)

    def drain(self) -> list[Change]:
        with self._lock:
            changes, self._queue = self._queue, []
        return changes

    def requeue(self, changes: list[Change]) -> None:
        """Put back a drained batch that could not be applied, ahead of what arrived since."""
        with self._lock:
            self._queue = changes + self._queue
