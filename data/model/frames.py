"""The tidy frames every part of the dashboard shares, and how raw reads become them.

`records`: one row per (dataset, record): status ("completed" once it has `min_submitted`
submitted responses, else "pending"), inserted_at, updated_at.
`responses`: one row per (dataset, record, user): status (submitted | discarded | draft),
inserted_at, updated_at (UTC), is_correction, edit_size (Levenshtein distance between the
normalised reference and the normalised answer), answer_hash and label_hash.
`datasets`: one row per dataset: title, min_submitted.
`counted`: what Argilla itself counts, per (dataset, user), for datasets whose frames lag behind it
(webhook deliveries of a burst still on their way): responses submitted, discarded and draft, and
one row with no user per such dataset (a dataset where Argilla counts nobody lags too). Empty
when the frames are in step; see `data.model.aggregate.caught_up`.

What people wrote is not kept: the answer and the label become 64-bit fingerprints
(`fingerprint`), enough to tell equal answers apart (the quality signals' agreement), so the
frames, their snapshots and the copy kept on the Hub hold nothing the pages do not show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cpdist

from data.model.mismatches import no_mismatches

RECORD_COLUMNS = ["dataset", "record_id", "status", "inserted_at", "updated_at"]
RAW_RESPONSE_COLUMNS = [
    "dataset",
    "record_id",
    "user_id",
    "status",
    "inserted_at",
    "updated_at",
    "answer",
    "label",
    "response_id",
]
RESPONSE_COLUMNS = [
    "dataset",
    "record_id",
    "user",
    "status",
    "inserted_at",
    "updated_at",
    "is_correction",
    "edit_size",
    "answer_hash",
    "label_hash",
]
RESPONSE_STATUSES = ("submitted", "discarded", "draft")
COUNTED_COLUMNS = ["dataset", "user", *RESPONSE_STATUSES]


def no_counts() -> pd.DataFrame:
    """A `counted` frame for frames in step with Argilla."""
    return typed_counts(pd.DataFrame(columns=COUNTED_COLUMNS))


def typed_counts(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[COUNTED_COLUMNS].astype(
        {"dataset": "string", "user": "string", **dict.fromkeys(RESPONSE_STATUSES, "int64")}
    )


@dataclass
class Campaign:
    """The normalised state of a campaign at one moment: the unit we cache and snapshot."""

    records: pd.DataFrame
    responses: pd.DataFrame
    datasets: pd.DataFrame
    fetched_at: dt.datetime
    source: str = ""  # see data.snapshots.source_id; "demo" for the embedded demo
    counted: pd.DataFrame = field(default_factory=no_counts)  # Argilla's own counts where frames lag
    mismatches: pd.DataFrame = field(default_factory=no_mismatches)  # configuration Argilla contradicts
    # a first look (a cold start): Argilla's own counts in `counted`, the frames still empty
    provisional: bool = False


def normalise_text(values: pd.Series) -> pd.Series:
    """Trim and collapse whitespace; case and punctuation are kept (they are corrections)."""
    return values.astype("string").str.replace(r"\s+", " ", regex=True).str.strip()


def to_utc(values: pd.Series) -> pd.Series:
    """Argilla sends naive ISO timestamps in UTC; unparseable ones become NaT."""
    parsed = pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601")
    return parsed.dt.as_unit("us")


def typed_records(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[RECORD_COLUMNS].copy()
    out["dataset"] = out["dataset"].astype("string")
    out["record_id"] = out["record_id"].astype("string")
    out["status"] = out["status"].astype("string").where(out["status"].isin(["completed", "pending"]), "pending")
    out["inserted_at"] = to_utc(out["inserted_at"])
    out["updated_at"] = to_utc(out["updated_at"])
    return out.reset_index(drop=True)


def fingerprint(texts: pd.Series) -> pd.Series:
    """A stable 64-bit hash of each text (the same in every process and version); missing stays missing."""
    present = texts.notna().to_numpy()
    out = pd.Series(pd.NA, index=texts.index, dtype="UInt64")
    if present.any():
        out[present] = pd.util.hash_array(texts[present].astype("string").to_numpy(dtype=object))
    return out


def typed_responses(frame: pd.DataFrame) -> pd.DataFrame:
    """Responses with their dtypes: the repeated keys are categorical (fast to group, small)."""
    out = frame[RESPONSE_COLUMNS].copy()
    for column in ("answer_hash", "label_hash"):
        out[column] = out[column].astype("UInt64")
    for column in ("dataset", "record_id", "user"):
        out[column] = out[column].astype("string").astype("category")
    out["status"] = pd.Categorical(out["status"].astype("string"), categories=list(RESPONSE_STATUSES))
    out["inserted_at"] = to_utc(out["inserted_at"])
    out["updated_at"] = to_utc(out["updated_at"])
    out["is_correction"] = out["is_correction"].astype("bool")
    out["edit_size"] = out["edit_size"].astype("int64")
    return out.reset_index(drop=True)


def build_responses(raw: pd.DataFrame, records: pd.DataFrame, users: dict[str, str]) -> pd.DataFrame:
    """Join raw responses with each record's reference text and the user map.

    Responses with an unknown status or record are dropped (malformed); responses whose
    user id is not in `users` (a deleted user) keep a missing `user` and are never ranked.
    """
    raw = raw[raw["status"].isin(RESPONSE_STATUSES)]
    references = records[["dataset", "record_id", "reference"]]
    merged = raw.merge(references, on=["dataset", "record_id"], how="inner")
    answer = normalise_text(merged["answer"]).replace("", pd.NA)
    reference = normalise_text(merged["reference"]).fillna("")
    merged["user"] = merged["user_id"].map(users).astype("string")
    has_answer = answer.notna().to_numpy()
    merged["is_correction"] = has_answer & (answer.fillna("") != reference).to_numpy()
    merged["edit_size"] = _edit_sizes(reference, answer, merged["is_correction"].to_numpy())
    merged["answer_hash"] = fingerprint(answer)
    merged["label_hash"] = fingerprint(merged["label"])
    return typed_responses(merged)


def _edit_sizes(reference: pd.Series, answer: pd.Series, changed: pd.Series) -> pd.Series:
    sizes = pd.Series(0, index=reference.index, dtype="int64")
    if changed.any():
        left = reference[changed].tolist()
        right = answer[changed].fillna("").tolist()
        sizes[changed] = cpdist(left, right, scorer=Levenshtein.distance, workers=1).astype("int64")
    return sizes
