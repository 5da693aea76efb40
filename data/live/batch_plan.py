"""What a batch of webhook deliveries does to the frames: what is applied as the payloads state it
(no request), and what must be read again (data/live/updates.py applies the plan)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import MutableMapping
from dataclasses import dataclass, field

from data.live.inbox import Change
from data.sources.argilla import Delivered, RawCampaign


@dataclass
class Plan:
    """What a batch of deliveries does to the frames."""

    delivered: dict[str, Delivered] = field(default_factory=lambda: defaultdict(Delivered))  # applied as stated
    users: dict[str, str] = field(default_factory=dict)  # user id -> username, from response payloads
    records: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # to re-read, by dataset
    datasets: set[str] = field(default_factory=set)  # to re-read whole
    touched: set[str] = field(default_factory=set)


def plan_batch(
    changes: list[Change], names: dict[str, str], previous: RawCampaign, deleted: MutableMapping[str, bool]
) -> Plan:
    """Sort a batch: a response's or a record's new state is applied as the payload states it (no
    request); a record we do not hold, or one created (its reference is a suggestion, which payloads
    do not carry), is re-read; a dataset event re-reads the dataset. `deleted` remembers deleted
    responses so that a late redelivery of their last edit cannot bring them back."""
    plan = Plan()
    held = previous.records.groupby("dataset")["record_id"].agg(set).to_dict()
    by_response = _records_by_response(previous) if any(c.record_id is None for c in changes) else {}
    for change in changes:
        known = by_response.get(change.response_id or "", (None, None))
        record, name = change.record_id or known[1], names.get(change.dataset_id or "") or known[0]
        if name is None:
            continue  # another dataset on the same server
        plan.touched.add(name)
        news, ours = plan.delivered[name], record in held.get(name, ())
        if record is None:
            plan.datasets.add(name)
        elif change.event == "record.deleted":
            news.gone_records.add(record)
        elif change.event == "response.deleted" and change.response_id:
            news.gone_responses.add(change.response_id)
            deleted[change.response_id] = True
        elif change.response_id in deleted:
            continue
        elif ours and change.response is not None:
            news.responses.append((record, change.response))
            news.records.extend([change.record] if change.record else [])
            plan.users.update({change.response["user_id"]: change.username} if change.username else {})
        elif ours and change.record is not None and change.event != "record.created":
            news.records.append(change.record)
        else:
            plan.records[name].add(record)
    for name, news in plan.delivered.items():
        plan.records[name] -= news.gone_records
    plan.records = {name: ids for name, ids in plan.records.items() if ids and name not in plan.datasets}
    return plan


def _records_by_response(raw: RawCampaign) -> dict[str, tuple[str, str]]:
    """response id -> (dataset, record id): for a deletion that names only the response."""
    responses = raw.responses
    return dict(
        zip(responses["response_id"].astype("string"), zip(responses["dataset"], responses["record_id"], strict=True))
    )
