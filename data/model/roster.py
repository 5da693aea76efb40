"""The roster: who is in which team and country, and which repos are which team's project.

A CSV (comma, semicolon or tab separated; UTF-8, with or without a BOM) whose header names
`team` and at least one of `username` and `repo_id`; `country` is optional. A row with a
username places a person; a row with a repo id gives that Hub repo to the row's team.
Names are matched without case or a leading "@". What cannot be used is reported (`problems`),
never guessed: an unknown country leaves the person without one; a username given twice keeps its
later row. A file that is not such a CSV is refused whole (`RosterError`): the last good roster stays.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd

from data.model import countries, digests
from data.text import shown_name

PEOPLE_COLUMNS = ["username", "key", "team", "country"]
PROJECT_COLUMNS = ["repo_id", "team"]
MAX_BYTES = 5_000_000
MAX_TEXT = 100  # a team's or a person's name, clipped


class RosterError(ValueError):
    """The file is not a roster: a one-line reason that is safe to show."""


@dataclass(frozen=True)
class Problem:
    """Something in the roster the organizers should fix: its kind (a text key), what, how many rows."""

    kind: str  # "unknown_country", "duplicate", "big_team", "no_team"
    value: str
    rows: int
    limit: int = 0  # a big team's: the most people a team may have


@dataclass
class Roster:
    people: pd.DataFrame  # PEOPLE_COLUMNS: one row per person (key: the name as matched)
    projects: pd.DataFrame  # PROJECT_COLUMNS: one row per repo
    problems: tuple[Problem, ...]
    fetched_at: dt.datetime
    source: str = ""
    digest: str = ""  # the content, fingerprinted: pages showing it rerun when it changes


def person_key(names: pd.Series) -> pd.Series:
    """How a name is matched: trimmed, without a leading "@", case-folded."""
    return names.astype("string").str.strip().str.lstrip("@").str.casefold()


def parse(data: bytes, fetched_at: dt.datetime, source: str = "", team_limit: int | None = None) -> Roster:
    """A roster from the CSV's bytes, a team of more than `team_limit` people named among its problems.
    Raises `RosterError` for a file that is not one."""
    table = _read_csv(data)
    if "username" not in table:  # a roster of team projects only
        table = table.assign(username=pd.Series(pd.NA, index=table.index, dtype="string"))
    people, problems = _people(table[table["username"].notna()], team_limit)
    projects = _projects(table)
    digest = digests.content(people, projects)
    return Roster(people, projects, tuple(problems), fetched_at, source, digest)


def _read_csv(data: bytes) -> pd.DataFrame:
    if len(data) > MAX_BYTES:
        raise RosterError(f"larger than {MAX_BYTES // 1_000_000} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError("not UTF-8 text") from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        table = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype="string", keep_default_na=False, quoting=csv.QUOTE_MINIMAL
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as error:
        raise RosterError(f"not a CSV ({type(error).__name__})") from None
    table.columns = [str(column).strip().casefold() for column in table.columns]
    if "team" not in table:
        raise RosterError("missing column team")
    if "username" not in table and "repo_id" not in table:
        raise RosterError("missing column username (or repo_id)")
    table = table.loc[:, ~table.columns.duplicated()]
    for column in table.columns:  # a person's name is matched whole: clipped only where shown (`_people`)
        clean = _clean if column != "username" else str.strip
        table[column] = table[column].map(clean, na_action="ignore").replace("", pd.NA).astype("string")
    return table


def _clean(value: str) -> str:
    """A cell as text to show: visible characters only, clipped."""
    return shown_name(value)[:MAX_TEXT] if value.strip() else ""


def _people(rows: pd.DataFrame, team_limit: int | None) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    frame = pd.DataFrame(
        {
            "username": rows["username"].str.lstrip("@").map(_clean).replace("", pd.NA).astype("string"),
            "key": person_key(rows["username"]),
            "team": rows["team"],
            "country": rows["country"] if "country" in rows else pd.Series(pd.NA, index=rows.index, dtype="string"),
        }
    )
    codes = countries.normalise(frame["country"])
    unknown = frame["country"][frame["country"].notna() & codes.isna()]
    problems += [Problem("unknown_country", value, int(n)) for value, n in unknown.value_counts().items()]
    frame["country"] = codes
    repeated = frame["key"].value_counts()
    problems += [
        Problem("duplicate", str(frame.loc[frame["key"] == key, "username"].iloc[-1]), int(n))
        for key, n in repeated[repeated > 1].items()
    ]
    frame = frame.drop_duplicates("key", keep="last")
    problems += [
        Problem("no_team", name, 1) for name in frame.loc[frame["team"].isna() & frame["country"].isna(), "username"]
    ]
    if team_limit is not None:
        sizes = frame["team"].value_counts()
        big = sizes[sizes > team_limit]
        problems += [Problem("big_team", str(team), int(n), team_limit) for team, n in big.items()]
    return frame[PEOPLE_COLUMNS].reset_index(drop=True), problems


def _projects(rows: pd.DataFrame) -> pd.DataFrame:
    if "repo_id" not in rows:
        return pd.DataFrame({column: pd.Series(dtype="string") for column in PROJECT_COLUMNS})
    frame = rows[["repo_id", "team"]].dropna()
    frame = frame.assign(repo_id=frame["repo_id"].str.strip())
    return frame.drop_duplicates("repo_id", keep="last")[PROJECT_COLUMNS].reset_index(drop=True)


def empty(fetched_at: dt.datetime, source: str = "") -> Roster:
    """No roster: everyone is "without a team" and "without a country"."""
    people = pd.DataFrame({column: pd.Series(dtype="string") for column in PEOPLE_COLUMNS})
    return Roster(people, _projects(people), (), fetched_at, source, "")
