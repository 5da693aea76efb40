"""A realistic synthetic campaign: the embedded demo's (data/demo/, loaded by data/state/demo.py), and
benchmarks' at any size.

The datasets of the shipped campaign.toml, a long tail of contributors (Zipf), corrections,
discards and drafts, six weeks of timestamps with a weekly rhythm and a final push; projects with a
likes history, and a roster of teams and countries. `python -m scripts.make_demo` writes the demo's
snapshot from here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data.config import DEFAULT_CONFIG, HubConfig, load_config
from data.model.frames import Campaign, fingerprint, typed_records, typed_responses
from data.model.projects import HISTORY_COLUMNS, append_history, leaderboard

DEMO_SOURCE = "demo"
DEMO_ORG = "comunidad-ejemplo"  # the invented community whose projects the demo ranks
RECORDS = (1400, 700, 900)  # records per dataset, in the order of campaign.toml (repeated if more)
MIN_SUBMITTED = 2
START = dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
DAYS = 39  # Monday 4 March to Thursday 11 April 2024: the demo is read in mid-week, so "this week" has days
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
    start = np.datetime64(START.replace(tzinfo=None), "s")
    moments: np.ndarray = start + day.astype("timedelta64[D]") + seconds.astype("timedelta64[s]")
    return moments


def generate(
    contributors: int = 300, responses: int = 6500, seed: int = 600, scale: int = 1, skew: float = 1.1
) -> Campaign:
    """`scale` multiplies the number of records (for benchmarks with many responses); `skew` is how
    much the few do more than the many (the nth contributor's share goes as 1 / n ** skew)."""
    rng = np.random.default_rng(seed)
    users = rng.permutation(usernames(contributors, rng))
    weights = 1.0 / np.arange(1, contributors + 1) ** skew
    datasets = load_config(DEFAULT_CONFIG).datasets
    meta = pd.DataFrame(
        [(d.name, d.title, MIN_SUBMITTED) for d in datasets], columns=["dataset", "title", "min_submitted"]
    )
    sizes = np.array([RECORDS[i % len(RECORDS)] * scale for i in range(len(datasets))])
    records = pd.DataFrame(
        {
            "dataset": np.repeat(meta["dataset"].to_numpy(), sizes),
            "record_id": [f"{d.name}-{i:07d}" for d, n in zip(datasets, sizes) for i in range(n)],
        }
    )
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
    frame["label"] = np.where(  # the last dataset has a label question too
        frame["dataset"] == datasets[-1].name,
        rng.choice(["buena", "mala"], size=len(frame), p=[0.8, 0.2]),
        np.array(None),
    )
    frame["inserted_at"] = pd.to_datetime(_times(len(frame), rng), utc=True)
    frame["updated_at"] = frame["inserted_at"] + pd.to_timedelta(rng.integers(0, 600, len(frame)), unit="s")
    frame.loc[frame["status"] == "draft", "answer"] = None
    frame["answer_hash"] = fingerprint(frame["answer"])
    frame["label_hash"] = fingerprint(frame["label"])
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
        source=DEMO_SOURCE,
    )


PROJECT_WORDS = [
    "llama",
    "sabia",
    "traductor",
    "aclaracion",
    "refranes",
    "poesia",
    "salud",
    "leyes",
    "recetas",
    "clima",
    "quechua",
    "guarani",
    "mayas",
    "noticias",
    "cuentos",
    "tutor",
]


def generate_projects(
    org: str = DEMO_ORG, at: dt.datetime | None = None, seed: int = 600
) -> tuple[pd.DataFrame, pd.DataFrame, dt.datetime]:
    """A demo likes leaderboard with two weeks of likes history, ending at `at`."""
    rng = np.random.default_rng(seed)
    at = at or dt.datetime(2024, 4, 15, tzinfo=dt.UTC)
    kinds = rng.choice(["model", "dataset", "space"], size=36, p=[0.4, 0.3, 0.3])
    names = [
        f"{org}/{rng.choice(PROJECT_WORDS)}-{rng.choice(['es', 'latam', '7b', 'v2', 'bot', 'qa'])}-{i}"
        for i in range(len(kinds))
    ]
    final = np.maximum(0, (60 / np.arange(1, len(kinds) + 1) ** 0.8 + rng.integers(0, 4, len(kinds)))).astype(int)
    created = at - pd.to_timedelta(rng.integers(10, 40, len(kinds)), unit="D")
    raw = pd.DataFrame(
        {
            "kind": kinds,
            "repo_id": names,
            "author": org,
            "likes": final,
            "created_at": created,
            "last_modified": at,
            "private": False,
            "disabled": False,
            "tags": "hackathon",
            "sdk": np.where(
                kinds == "space", rng.choice(["gradio", "streamlit", "docker"], len(kinds)), np.array(None)
            ),
            "state": np.where(
                kinds == "space", rng.choice(["RUNNING", "RUNNING", "SLEEPING"], len(kinds)), np.array(None)
            ),
        }
    )
    config = HubConfig(org=org)
    history = pd.DataFrame(columns=HISTORY_COLUMNS)
    for step in range(14 * 4, -1, -1):  # every 6 hours for 14 days: likes grow towards today's value
        moment = at - dt.timedelta(hours=6 * step)
        share = 1 - step / (14 * 4)
        snapshot = raw.assign(likes=np.floor(final * share**1.5).astype(int))
        history = append_history(history, leaderboard(snapshot, config), moment)
    return raw, history, at


TEAM_WORDS = ["Quetzal", "Cóndor", "Jaguar", "Colibrí", "Ceiba", "Alpaca", "Tucán", "Ombú", "Lince", "Olivo"]
# how people write their country in a form: codes, and names in Spanish and English
COUNTRIES = {
    "MX": ["MX", "México", "Mexico"],
    "ES": ["ES", "España", "Spain"],
    "CO": ["CO", "Colombia"],
    "AR": ["AR", "Argentina"],
    "PE": ["PE", "Perú", "Peru"],
    "CL": ["CL", "Chile"],
    "VE": ["VE", "Venezuela"],
    "EC": ["EC", "Ecuador"],
    "US": ["US", "Estados Unidos", "USA"],
    "UY": ["UY", "Uruguay"],
    "CU": ["CU", "Cuba"],
    "GQ": ["GQ", "Guinea Ecuatorial"],
}
COUNTRY_WEIGHTS = [22, 20, 14, 12, 8, 6, 5, 4, 3, 3, 2, 1]


def generate_roster(campaign: Campaign, repos: pd.DataFrame, seed: int = 600) -> str:
    """A demo roster CSV: most validators in teams of 1 to 5 from a dozen countries (written as
    people write them), a few with a country and no team, some not in the roster at all; and
    two thirds of the repos claimed by teams."""
    rng = np.random.default_rng(seed)
    people = rng.permutation(campaign.responses["user"].dropna().astype(str).unique())
    listed = people[: int(len(people) * 0.85)]
    sizes = rng.integers(1, 6, size=len(listed))
    team_of = np.repeat(np.arange(len(sizes)), sizes)[: len(listed)]
    names = [f"{TEAM_WORDS[i % len(TEAM_WORDS)]} {i // len(TEAM_WORDS) + 1}" for i in range(team_of.max() + 1)]
    team = np.array(names, dtype=object)[team_of]
    team[rng.random(len(listed)) < 0.12] = ""  # a country, no team
    codes = list(COUNTRIES)
    home = rng.choice(len(codes), size=len(names), p=np.array(COUNTRY_WEIGHTS) / sum(COUNTRY_WEIGHTS))[team_of]
    written = [rng.choice(COUNTRIES[codes[i]]) for i in home]
    rows = pd.DataFrame({"username": listed, "team": team, "country": written, "repo_id": ""})
    claimed = repos.sample(frac=2 / 3, random_state=seed)
    owners = rng.choice(names[:12], size=len(claimed))
    rows = pd.concat(
        [rows, pd.DataFrame({"username": "", "team": owners, "country": "", "repo_id": claimed["repo_id"].to_numpy()})]
    )
    return str(rows.to_csv(index=False, lineterminator="\n"))
