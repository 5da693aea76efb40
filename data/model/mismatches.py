"""Configuration that Argilla contradicts: keys of campaign.toml that name what the server does not
have (a dataset's field or question, a user).

Such a key is accepted at load (only Argilla can say it is wrong) and used to cost silently: a
`reference_field` typo gave zero corrections, an `exclude_users` typo ranked an organizer. Each one
found is a row of the read's `mismatches` frame, kept with the read and its snapshot so that every
process's Organización says it, naming the dataset and the key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

MISMATCH_COLUMNS = ["dataset", "key", "value", "known"]
KNOWN_SHOWN = 12  # what Argilla has instead, at most, in a line (a dataset may have many fields)


@dataclass(frozen=True)
class Mismatch:
    key: str  # the campaign.toml key: reference_field, label_question or exclude_users
    value: str  # what it says
    known: tuple[str, ...] = ()  # what Argilla has instead: the dataset's fields or questions, a likely user
    dataset: str | None = None  # the dataset it is about; None for the campaign's own keys


def no_mismatches() -> pd.DataFrame:
    return typed_mismatches(pd.DataFrame(columns=MISMATCH_COLUMNS))


def typed_mismatches(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[MISMATCH_COLUMNS].astype("string").reset_index(drop=True)


def mismatch_frame(found: Iterable[Mismatch]) -> pd.DataFrame:
    """One row per mismatch; `known` as one text ("a, b, c", the first KNOWN_SHOWN)."""
    rows = [(m.dataset, m.key, m.value, ", ".join(m.known[:KNOWN_SHOWN])) for m in found]
    return typed_mismatches(pd.DataFrame(rows, columns=MISMATCH_COLUMNS))


def dataset_mismatches(
    dataset: str, reference_field: str | None, label_question: str | None, fields: list[str], questions: list[str]
) -> list[Mismatch]:
    """The dataset's keys that name no field or question of its settings in Argilla."""
    found = []
    if reference_field and reference_field not in fields:
        found.append(Mismatch("reference_field", reference_field, tuple(fields), dataset))
    if label_question and label_question not in questions:
        found.append(Mismatch("label_question", label_question, tuple(questions), dataset))
    return found


def unmatched_users(excluded: Iterable[str], usernames: Iterable[str]) -> list[Mismatch]:
    """`exclude_users` entries that are nobody on the server (Argilla's usernames are
    case-sensitive); `known`: who they may have meant, the usernames equal to it but for case."""
    names = pd.Series(list(usernames), dtype="string")
    folded = names.str.casefold()
    return [
        Mismatch("exclude_users", entry, tuple(names[folded == entry.casefold()]))
        for entry in dict.fromkeys(excluded)
        if not (names == entry).any()
    ]
