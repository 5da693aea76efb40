"""Read configured Argilla 2.x datasets into raw frames, with the official SDK.

The SDK finds datasets, settings (data/sources/argilla_settings.py), users and progress. Records
are read page by page through the SDK's authenticated HTTP client (`client.api.http_client`,
data/sources/argilla_records.py) because the SDK's `Response` objects drop
`inserted_at`/`updated_at`, which the activity charts and time windows need.

Incremental reads: Argilla 2.x cannot filter records by when their *responses* changed (adding
or editing a response leaves the record's `updated_at` alone, and the search API filters
responses by status only). So each poll first reads a cheap change signature per dataset —
`last_activity_at` (touched by every response create/update/delete), the record and response
counts by status and per user — and re-reads the records of a dataset only when its signature
moved. A slower full reconciliation (the caller passes no `previous`) catches what the signature
cannot see: responses rewritten by an admin bulk upsert with unchanged statuses.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pandas as pd

from data.config import DatasetConfig
from data.errors import SourceError
from data.model.frames import RESPONSE_STATUSES, no_counts, typed_counts
from data.sources.argilla_errors import translated_errors
from data.sources.argilla_frames import (
    RECORD_STATE,
    DatasetSettings,
    records_frame,
    responses_frame,
    responses_of,
    updated,
    upserted,
    without,
)
from data.sources.argilla_records import record_pages, records_by_id
from data.sources.argilla_servers import FULL_READ_USERS_AGE, Server, server_of
from data.sources.argilla_settings import settings_of
from data.sources.at_once import each
from data.sources.progress import ReadProgress, Report

if TYPE_CHECKING:
    import argilla as rg


@dataclass
class Delivered:
    """What webhook deliveries stated about one dataset, in the API's own shapes: applied to the
    frames without reading anything (`ArgillaSource.patch`)."""

    records: list[dict[str, Any]] = field(default_factory=list)  # record states: id, status, inserted_at, updated_at
    # (record id, response as the API lists it)
    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    gone_records: set[str] = field(default_factory=set)
    gone_responses: set[str] = field(default_factory=set)


@dataclass
class RawCampaign:
    """What one read returns, before normalisation."""

    records: pd.DataFrame  # RECORD_COLUMNS + reference
    responses: pd.DataFrame  # RAW_RESPONSE_COLUMNS
    datasets: pd.DataFrame  # dataset, title, min_submitted
    users: dict[str, str]  # user id -> username
    signatures: dict[str, str] = field(default_factory=dict)  # dataset -> change signature
    reread: frozenset[str] = frozenset()  # datasets whose records were read
    settings: dict[str, DatasetSettings] = field(default_factory=dict)  # dataset -> its settings (ids)
    # dataset -> its signature, for datasets whose frames lag behind what Argilla counts in it
    counted: dict[str, str] = field(default_factory=dict)


class ArgillaSource:
    """One Argilla server and the datasets configured on it."""

    def __init__(self, api_url: str, api_key: str, datasets: tuple[DatasetConfig, ...], timeout: float = 20.0):
        self._api_url = api_url
        self._api_key = api_key
        self._datasets = datasets
        self._timeout = timeout

    @property
    def configs(self) -> tuple[DatasetConfig, ...]:
        return self._datasets

    @property
    def _server(self) -> Server:
        return server_of(self._api_url, self._api_key, self._timeout)

    def _connect(self) -> rg.Argilla:
        """The server's one SDK client in this process (its login is one request), made again after a failure."""
        server = self._server
        with server.lock:
            if server.client is None:
                import argilla as rg  # here, not with the module: only the process that reads Argilla loads the SDK

                server.client = rg.Argilla(
                    api_url=self._api_url, api_key=self._api_key, timeout=self._timeout, retries=0
                )
            return server.client

    @contextlib.contextmanager
    def session(self) -> Iterator[rg.Argilla]:
        """The SDK client, errors translated to `SourceError` (after which the next call logs in again)."""
        try:
            with translated_errors():
                yield self._connect()
        except SourceError:
            server = self._server
            with server.lock:  # a rotated key, a restarted server: log in and read the users again next time
                server.client, server.users = None, {}
            raise

    def fetch(self, previous: RawCampaign | None = None, report: Report | None = None) -> RawCampaign:
        """Read every configured dataset; with `previous`, re-read only datasets whose change
        signature moved. `report` hears of each page read. Raises `SourceError` on any failure."""
        report = report or (lambda progress: None)
        with self.session() as client:
            records, responses, signatures, reread, all_settings = [], [], {}, set(), {}
            read_so_far = 0
            states = _states(client, self._datasets, previous)  # before the records
            for step, config in enumerate(self._datasets, start=1):
                report(ReadProgress(step, len(self._datasets), config.title or config.name, read_so_far))
                settings, signatures[config.name] = states[config.name]
                all_settings[config.name] = settings
                if previous is not None and previous.signatures.get(config.name) == signatures[config.name]:
                    records.append(previous.records[previous.records["dataset"] == config.name])
                    responses.append(previous.responses[previous.responses["dataset"] == config.name])
                else:
                    pages = []
                    for page in record_pages(client.api.http_client, settings.id):
                        pages.append(page)
                        read_so_far += len(page)
                        report(ReadProgress(step, len(self._datasets), config.title or config.name, read_so_far))
                    records.append(records_frame(pages, config, settings))
                    responses.append(responses_frame(responses_of(pages), config, settings))
                    reread.add(config.name)
            all_responses = pd.concat(responses, ignore_index=True)
            named = set(all_responses["user_id"].dropna().astype(str))
            users = self._server.names(client, named, FULL_READ_USERS_AGE if previous is None else math.inf)
        return RawCampaign(
            records=pd.concat(records, ignore_index=True),
            responses=all_responses,
            datasets=self._datasets_frame(all_settings),
            users=users,
            signatures=signatures,
            reread=frozenset(reread),
            settings=all_settings,
        )

    def counts(self) -> RawCampaign:
        """A first look: every dataset's settings and Argilla's own counts (`counted`: one signature,
        three small requests, per dataset), no record read. What a cold start shows first."""
        with self.session() as client:
            users = self._server.names(client, set(), FULL_READ_USERS_AGE)
            states = _states(client, self._datasets, None)
        settings = {name: found for name, (found, _) in states.items()}
        return RawCampaign(
            records=pd.concat([records_frame([], c, settings[c.name]) for c in self._datasets], ignore_index=True),
            responses=pd.concat([responses_frame([], c, settings[c.name]) for c in self._datasets], ignore_index=True),
            datasets=self._datasets_frame(settings),
            users=users,
            settings=settings,
            counted={name: signature for name, (_, signature) in states.items()},
        )

    def _datasets_frame(self, settings: dict[str, DatasetSettings]) -> pd.DataFrame:
        """The configured datasets as a read states them: name, title, responses a record needs."""
        return pd.DataFrame(
            [
                {"dataset": c.name, "title": c.title, "min_submitted": settings[c.name].min_submitted}
                for c in self._datasets
            ]
        )

    def fetch_records(self, previous: RawCampaign, changed: dict[str, set[str]]) -> RawCampaign:
        """`previous` with only these records read again (dataset name -> record ids), with their
        responses and suggestions; a record that no longer exists leaves with its responses."""
        configs = {config.name: config for config in self._datasets}
        with self.session() as client:
            http = client.api.http_client
            pairs = {(name, record_id) for name, ids in changed.items() for record_id in ids}
            records, responses = [without(previous.records, pairs)], [without(previous.responses, pairs)]
            for name, ids in changed.items():
                found = list(records_by_id(http, previous.settings[name].id, sorted(ids)))
                records.append(records_frame(found, configs[name], previous.settings[name]))
                responses.append(responses_frame(responses_of(found), configs[name], previous.settings[name]))
            all_responses = pd.concat(responses, ignore_index=True)
            users = previous.users
            if not set(all_responses["user_id"]) <= set(users):  # someone new: one request for the names
                users = self._server.names(client, set(all_responses["user_id"].dropna().astype(str)))
        return dataclasses.replace(
            previous,
            records=pd.concat(records, ignore_index=True),
            responses=all_responses,
            users=users,
            reread=frozenset(),
        )

    def patch(self, previous: RawCampaign, delivered: dict[str, Delivered], users: dict[str, str]) -> RawCampaign:
        """`previous` with what deliveries stated applied (no request): a record's status and times
        (its reference is kept), responses added or replaced (the later `updated_at` wins, so a
        late redelivery cannot undo an edit), then deleted records and responses taken out."""
        configs = {config.name: config for config in self._datasets}
        records, responses = previous.records, previous.responses
        for name, news in delivered.items():
            states = pd.DataFrame(news.records, columns=["id", *RECORD_STATE]).rename(columns={"id": "record_id"})
            records = updated(records, states.assign(dataset=name))
            responses = upserted(responses, responses_frame(news.responses, configs[name], previous.settings[name]))
            records = records[~((records["dataset"] == name) & records["record_id"].isin(news.gone_records))]
            gone = responses["record_id"].isin(news.gone_records) | responses["response_id"].isin(news.gone_responses)
            responses = responses[~((responses["dataset"] == name) & gone)]
        return dataclasses.replace(
            previous,
            records=records.reset_index(drop=True),
            responses=responses.reset_index(drop=True),
            users={**previous.users, **users},
            reread=frozenset(),
        )

    @staticmethod
    def tallies_agree(raw: RawCampaign, name: str, signature: str) -> bool:
        """Do the frames count what Argilla counts in `signature` for this dataset: records by
        status, and responses by person, record status and response status? (The check that
        patched frames have not drifted from the server.)"""
        _, _, progress, _ = json.loads(signature)
        records = raw.records[raw.records["dataset"] == name]
        status = records["status"].value_counts()
        if [len(records), int(status.get("completed", 0))] != [progress.get("total"), progress.get("completed")]:
            return False
        responses = raw.responses[raw.responses["dataset"] == name]
        joined = responses.merge(records[["record_id", "status"]], on="record_id", suffixes=("", "_record"))
        ours = joined.groupby([joined["user_id"].map(raw.users), "status_record", "status"], dropna=False).size()
        return {key: int(count) for key, count in ours.items()} == _tallies(signature)

    def signatures(self, previous: RawCampaign, names: set[str] | None = None) -> dict[str, str]:
        """The change signature of each dataset now, or of these ones (three small requests each)."""
        chosen = {name: s for name, s in previous.settings.items() if names is None or name in names}
        with self.session() as client:
            return _signatures(client.api.http_client, chosen)

    def dataset_names(self, previous: RawCampaign) -> dict[str, str]:
        """Argilla dataset id -> configured name."""
        return {settings.id: name for name, settings in previous.settings.items()}


def counted_frame(counted: dict[str, str]) -> pd.DataFrame:
    """What Argilla counts per (dataset, user) in these signatures: responses by status, whatever
    their record's status (COUNTED_COLUMNS)."""
    if not counted:
        return no_counts()
    rows = [
        {"dataset": name, "user": user, "status": status, "count": count}
        for name, signature in counted.items()
        for (user, _, status), count in _tallies(signature).items()
    ]
    frame = pd.DataFrame(rows, columns=["dataset", "user", "status", "count"])
    frame = frame.pivot_table(index=["dataset", "user"], columns="status", values="count", aggfunc="sum")
    frame = frame.reindex(columns=list(RESPONSE_STATUSES)).fillna(0).reset_index()
    lagging = pd.DataFrame({"dataset": list(counted), "user": None, **dict.fromkeys(RESPONSE_STATUSES, 0)})
    return typed_counts(pd.concat([frame, lagging], ignore_index=True))


def _tallies(signature: str) -> dict[tuple[str, str, str], int]:
    """(username, record status, response status) -> responses, as Argilla counts them."""
    _, _, _, users = json.loads(signature)
    return {
        (person["username"], record_status, response_status): count
        for person in users.get("users", [])
        for record_status in ("completed", "pending")
        for response_status, count in (person.get(record_status) or {}).items()
        if count
    }


def _signature(http: httpx.Client, dataset_id: str) -> str:
    """A string that changes whenever a response or record of the dataset changes (see above)."""
    parts = []
    for path in ("", "/progress", "/users/progress"):
        answer = http.get(f"/api/v1/datasets/{dataset_id}{path}")
        answer.raise_for_status()
        parts.append(answer.json())
    info, progress, users = parts
    return json.dumps(
        [info.get("last_activity_at"), info.get("updated_at"), progress, users], sort_keys=True, default=str
    )


def _states(
    client: rg.Argilla, configs: tuple[DatasetConfig, ...], previous: RawCampaign | None
) -> dict[str, tuple[DatasetSettings, str]]:
    """Each dataset's settings and change signature, all asked before any record is read (a change
    made during the read then moves a signature, and the next poll reads that dataset again), the
    datasets' requests at the same time. Where the previous read's signature still holds, its
    settings are taken as they were (three requests, not seven); a dataset that moved, or is new to
    the read, has its settings looked up again and checked (data.model.mismatches)."""
    http = client.api.http_client
    known = {c.name: previous.settings[c.name] for c in configs if previous is not None and c.name in previous.settings}
    now = dict(zip(known, each(lambda settings: _signature_unless_gone(http, settings.id), known.values())))
    states = {
        name: (known[name], signature)
        for name, signature in now.items()
        if previous is not None and signature is not None and signature == previous.signatures.get(name)
    }
    moved = tuple(config for config in configs if config.name not in states)  # (or made again: a new id)
    if moved:
        found = settings_of(client, moved)
        signatures = _signatures(http, found)
        states |= {name: (settings, signatures[name]) for name, settings in found.items()}
    return states


def _signatures(http: httpx.Client, settings: dict[str, DatasetSettings]) -> dict[str, str]:
    """Each of these datasets' change signature, the datasets asked at once."""
    return dict(zip(settings, each(lambda found: _signature(http, found.id), settings.values()), strict=True))


def _signature_unless_gone(http: httpx.Client, dataset_id: str) -> str | None:
    """The dataset's change signature, or None if no dataset has this id any more."""
    try:
        return _signature(http, dataset_id)
    except httpx.HTTPStatusError as error:
        if error.response.status_code != 404:
            raise
        return None
