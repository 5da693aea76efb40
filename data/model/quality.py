"""Quality signals per contributor, for organizers to review by hand (never automatic penalties).

- unchanged_share: share of validations submitted without changing the suggested text;
- agreement: on records with >= 2 submitted responses and a strict most-common answer
  (by fingerprint of the normalised text; an empty answer counts as the reference), the share of the user's
  answers equal to it; `label_agreement` likewise for the dataset's label question;
- median_gap_seconds: median time between the user's consecutive validations;
- sole_validator: records where the user's is the only submitted response.
Flags: `burst` (median gap under BURST_SECONDS over at least MIN_FOR_FLAGS validations),
`never_corrects` (no correction in at least MIN_FOR_FLAGS validations), `low_agreement`
(agreement under LOW_AGREEMENT on at least MIN_FOR_FLAGS shared records).
"""

from __future__ import annotations

import pandas as pd

from data.model import columns

BURST_SECONDS = 10.0
LOW_AGREEMENT = 0.5
MIN_FOR_FLAGS = 10
UNCHANGED = 0  # the answer fingerprint that stands for "the reference, unchanged"
FLAGS = ("burst", "never_corrects", "low_agreement")  # each has its text "flag.<name>" in both languages
SIGNAL_COLUMNS = [
    "unchanged_share",
    "agreement",
    "agreement_records",
    "label_agreement",
    "median_gap_seconds",
    "sole_validator",
    "flags",
]


def _majority_agreement(submitted: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per user: agreed and counted records against each record's strict most-common value."""
    rows = submitted[submitted[column].notna()]
    keys = ["dataset", "record_id"]
    shared = rows[rows.groupby(keys)["user"].transform("size") >= 2]
    counts = shared.groupby(keys + [column]).size().rename("votes").reset_index()
    counts = counts.sort_values(keys + ["votes"], ascending=[True, True, False], kind="mergesort")
    top = counts.groupby(keys).head(2).copy()
    top["rank"] = top.groupby(keys).cumcount()
    first = top[top["rank"] == 0].set_index(keys)
    second = top[top["rank"] == 1].set_index(keys)["votes"]
    strict = first[first["votes"] > second.reindex(first.index).fillna(0)][column].rename("majority")
    judged = shared.join(strict, on=keys, how="inner")
    judged = judged.assign(agreed=judged[column] == judged["majority"])
    return judged.groupby("user").agg(agreed=("agreed", "sum"), counted=("agreed", "size"))


def signals(responses: pd.DataFrame, contributors: pd.DataFrame) -> pd.DataFrame:
    """`contributors` with the signal columns added (same rows, same order)."""
    submitted = responses[(responses["status"] == "submitted") & responses["user"].isin(contributors["username"])]
    # an unchanged answer agrees with every other unchanged one: they all stand for the reference
    submitted = submitted.assign(text=submitted["answer_hash"].where(submitted["is_correction"], UNCHANGED))
    text = _majority_agreement(submitted, "text")
    labels = _majority_agreement(submitted, "label_hash")
    gaps = submitted.sort_values("updated_at").groupby("user")["updated_at"].diff().dt.total_seconds()
    median_gap = gaps.groupby(submitted.loc[gaps.index, "user"]).median()
    per_record = submitted.groupby(["dataset", "record_id"])["user"].transform("size")
    sole = submitted[per_record == 1].groupby("user").size()

    table = contributors.set_index("username")
    table["unchanged_share"] = (1 - table["correction_rate"]).where(table["validations"] > 0)
    table["agreement"] = (text["agreed"] / text["counted"]).reindex(table.index)
    table["agreement_records"] = text["counted"].reindex(table.index).fillna(0).astype("int64")
    table["label_agreement"] = (labels["agreed"] / labels["counted"]).reindex(table.index)
    table["median_gap_seconds"] = median_gap.reindex(table.index)
    table["sole_validator"] = sole.reindex(table.index).fillna(0).astype("int64")
    table["flags"] = _flags(table)
    return table.reset_index()


def prize_list(signals_table: pd.DataFrame) -> pd.DataFrame:
    """The eligible rows of a signals table: the prize columns of data/model/columns.py, then the signals."""
    return signals_table[signals_table["eligible"]][[*columns.PRIZE_NAMES, *SIGNAL_COLUMNS]].reset_index(drop=True)


def _flags(table: pd.DataFrame) -> pd.Series:
    enough = table["validations"] >= MIN_FOR_FLAGS
    burst = enough & (table["median_gap_seconds"] < BURST_SECONDS)
    never = enough & (table["corrections"] == 0)
    low = (table["agreement_records"] >= MIN_FOR_FLAGS) & (table["agreement"] < LOW_AGREEMENT)
    text = pd.Series("", index=table.index, dtype="string")
    for name, on in zip(FLAGS, (burst, never, low)):
        text = text + on.fillna(False).map({True: name + ",", False: ""}).astype("string")
    return text.str.rstrip(",")
