"""The API's records and responses as frames, and frames brought up to date with newer ones.

Pure pandas over the JSON shapes argilla-server lists (a record with its `responses` and
`suggestions`; a response with its `values`): `ArgillaSource` reads, this module shapes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from data.config import DatasetConfig
from data.model.frames import RAW_RESPONSE_COLUMNS, RECORD_COLUMNS
from data.model.mismatches import Mismatch

RECORD_STATE = ["status", "inserted_at", "updated_at"]  # what a delivery states of a record


@dataclass(frozen=True)
class DatasetSettings:
    id: str
    min_submitted: int
    correction_question_id: str
    label_question: str | None
    mismatches: tuple[Mismatch, ...] = ()  # its keys naming no field or question of it


def records_frame(pages: list[list[dict[str, Any]]], config: DatasetConfig, settings: DatasetSettings) -> pd.DataFrame:
    rows = [
        (
            str(r.get("id")),
            r.get("status"),
            r.get("inserted_at"),
            r.get("updated_at"),
            _reference(r, config, settings.correction_question_id),
        )
        for page in pages
        for r in page
    ]
    frame = pd.DataFrame(rows, columns=[c for c in RECORD_COLUMNS if c != "dataset"] + ["reference"])
    frame.insert(0, "dataset", config.name)
    return frame


def _reference(record: dict[str, Any], config: DatasetConfig, question_id: str) -> str | None:
    for suggestion in record.get("suggestions") or []:
        if str(suggestion.get("question_id")) == question_id and isinstance(suggestion.get("value"), str):
            return str(suggestion["value"])
    fields = record.get("fields") or {}
    value = fields.get(config.reference_field) if config.reference_field else None
    return value if isinstance(value, str) else None


def responses_frame(
    pairs: Iterable[tuple[str, dict[str, Any]]], config: DatasetConfig, settings: DatasetSettings
) -> pd.DataFrame:
    """Responses as (record id, response as the API lists it) pairs, one row each."""
    rows = [
        (
            record_id,
            str(resp.get("user_id")),
            resp.get("status"),
            resp.get("inserted_at"),
            resp.get("updated_at"),
            _value(resp, config.correction_question),
            _value(resp, settings.label_question),
            str(resp.get("id")),
        )
        for record_id, resp in pairs
    ]
    frame = pd.DataFrame(rows, columns=[c for c in RAW_RESPONSE_COLUMNS if c != "dataset"])
    frame.insert(0, "dataset", config.name)
    return frame


def responses_of(pages: list[list[dict[str, Any]]]) -> Iterator[tuple[str, dict[str, Any]]]:
    return ((str(r.get("id")), resp) for page in pages for r in page for resp in (r.get("responses") or []))


def _value(response: dict[str, Any], question: str | None) -> Any:
    if question is None:
        return None
    value = ((response.get("values") or {}).get(question) or {}).get("value")
    return value if isinstance(value, str) else None


def without(frame: pd.DataFrame, pairs: set[tuple[str, str]]) -> pd.DataFrame:
    """The rows of `frame` whose (dataset, record_id) is not in `pairs`."""
    keys = pd.MultiIndex.from_arrays([frame["dataset"].astype("string"), frame["record_id"].astype("string")])
    return frame[~keys.isin(list(pairs))]


def _newer(frame: pd.DataFrame, fresh: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """The rows of `fresh` (the latest per key), indexed by key, that are at least as new
    (`updated_at`) as the row of `frame` with the same key, if there is one."""
    fresh = fresh.assign(_when=_parsed(fresh["updated_at"]))
    fresh = fresh.sort_values("_when", kind="stable").drop_duplicates(key, keep="last").set_index(key)
    held_when = _parsed(frame.set_index(key)["updated_at"].reindex(fresh.index))
    return fresh[~(fresh["_when"] < held_when)]


def _parsed(times: pd.Series) -> pd.Series:
    return pd.to_datetime(times, errors="coerce", utc=True, format="ISO8601")


def updated(records: pd.DataFrame, states: pd.DataFrame) -> pd.DataFrame:
    """The records we hold with their newer states (status and times; the reference is kept)."""
    key = ["dataset", "record_id"]
    held = records.set_index(key)
    newer = _newer(records, states, key)
    newer = newer[newer.index.isin(held.index)]
    held.loc[newer.index, RECORD_STATE] = newer[RECORD_STATE]
    return held.reset_index()[records.columns]


def upserted(responses: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """The responses with fresh ones added, or replacing older versions of themselves."""
    key = ["dataset", "response_id"]
    held = responses.set_index(key)
    newer = _newer(responses, fresh, key)
    return pd.concat([held[~held.index.isin(newer.index)], newer[held.columns]]).reset_index()[responses.columns]
