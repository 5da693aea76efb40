"""A realistic synthetic campaign for the embedded demo (and for benchmarks at any size).

Three datasets named after the #Somos600M benchmarks, a long tail of contributors (Zipf),
corrections, discards and drafts, six weeks of timestamps with a weekly rhythm and a final push.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data.frames import Campaign, typed_records, typed_responses

DATASETS = [("mmlu_es", "MMLU", 1400, 2), ("arc_c_es", "ARC-C", 700, 2), ("hellaswag_es", "HellaSwag", 900, 2)]
START = dt.datetime(2024, 3, 4, tzinfo=dt.timezone.utc)
DAYS = 42
SYLLABLES = ["ma", "ri", "so", "la", "nu", "pe", "dro", "an", "ge", "lu", "ca", "vi", "to", "xi", "ne", "ba"]


def usernames(count: int, rng: np.random.Generator) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        stem = "".join(rng.choice(SYLLABLES, size=rng.integers(2, 4)))
        suffix = rng.choice(["", "", "_nlp", "-es", str(rng.integers(1, 99)), "_ai"])
        names.add(f"{stem}{suffix}")
    return sorted(names)


def _times(count: int, rng: np.random.Generator) -> np.ndarray:
    """Activity grows over the weeks, dips at weekends and peaks in the last days."""
    days = np.arange(DAYS)
    weight = (1 + days / DAYS) * np.where(days % 7 >= 5, 0.6, 1.0) * np.where(days >= DAYS - 4, 2.0, 1.0)
    day = rng.choice(days, size=count, p=weight / weight.sum())
    seconds = rng.integers(8 * 3600, 24 * 3600, size=count)
    return (np.datetime64(START.replace(tzinfo=None), "s") + day.astype("timedelta64[D]")
            + seconds.astype("timedelta64[s]"))


def generate(contributors: int = 300, responses: int = 6500, seed: int = 600) -> Campaign:
    rng = np.random.default_rng(seed)
    users = np.array(list(rng.permutation(usernames(contributors, rng))) + ["owner"])
    weights = 1.0 / np.arange(1, contributors + 1) ** 1.1
    weights = np.append(weights, weights[0] * 0.3)  # the organiser validates too, unranked
    meta = pd.DataFrame([(name, title, mins) for name, title, _, mins in DATASETS],
                        columns=["dataset", "title", "min_submitted"])
    sizes = np.array([n for _, _, n, _ in DATASETS])
    records = pd.DataFrame({
        "dataset": np.repeat(meta["dataset"].to_numpy(), sizes),
        "record_id": [f"{name}-{i:05d}" for name, _, n, _ in DATASETS for i in range(n)],
    })
    records["reference"] = "traducción automática " + records["record_id"]
    pick = rng.choice(len(records), size=int(responses * 1.1), p=None)
    who = rng.choice(len(users), size=len(pick), p=weights / weights.sum())
    frame = pd.DataFrame({"row": pick, "user": users[who]}).drop_duplicates(["row", "user"]).head(responses)
    frame = frame.reset_index(drop=True)
    frame["dataset"] = records["dataset"].to_numpy()[frame["row"]]
    frame["record_id"] = records["record_id"].to_numpy()[frame["row"]]
    reference = records["reference"].to_numpy()[frame["row"]]
    frame["status"] = rng.choice(["submitted", "discarded", "draft"], size=len(frame), p=[0.86, 0.06, 0.08])
    corrected = (rng.random(len(frame)) < 0.3) & (frame["status"] == "submitted").to_numpy()
    edits = rng.integers(1, 25, size=len(frame))
    frame["answer"] = np.where(corrected, [f"{r} corregida{'!' * e}" for r, e in zip(reference, edits)], reference)
    frame["is_correction"] = corrected
    frame["edit_size"] = np.where(corrected, len(" corregida") + edits, 0)
    frame["label"] = np.where(frame["dataset"] == "hellaswag_es",
                              rng.choice(["buena", "mala"], size=len(frame), p=[0.8, 0.2]), None)
    frame["inserted_at"] = pd.to_datetime(_times(len(frame), rng), utc=True)
    frame["updated_at"] = frame["inserted_at"] + pd.to_timedelta(rng.integers(0, 600, len(frame)), unit="s")
    frame.loc[frame["status"] == "draft", "answer"] = None
    submitted = frame[frame["status"] == "submitted"].groupby(["dataset", "record_id"]).size()
    records = records.join(submitted.rename("n"), on=["dataset", "record_id"])
    needed = records["dataset"].map(meta.set_index("dataset")["min_submitted"])
    records["status"] = np.where(records["n"].fillna(0) >= needed, "completed", "pending")
    records["inserted_at"] = START - dt.timedelta(days=3)
    records["updated_at"] = records["inserted_at"]
    return Campaign(
        records=typed_records(records),
        responses=typed_responses(frame),
        datasets=meta,
        fetched_at=(frame["updated_at"].max() + pd.Timedelta(minutes=5)).to_pydatetime(),
        is_demo=True,
    )
