"""Aggregates over the tidy frames: contributors, progress, activity. Vectorised pandas only.

Definitions (also in the README):
- a validation is a response with status `submitted`; drafts never count; discards are counted apart;
- a correction is a validation whose answer differs from the reference (see data.frames);
- rank is competition ranking on validations (1, 2, 2, 4); ties are listed by corrections
  (more first) then username;
- eligible means validations >= min_validations_for_prize.
A time window keeps responses whose `updated_at` falls within [start 00:00, end 24:00) of the
campaign's time zone (UTC unless configured).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.model import columns
from data.model.frames import RESPONSE_STATUSES
from data.times import in_days, naive_utc, utc_timestamp

PROGRESS_COLUMNS = ["dataset", "title", "total", "completed", "pending", "pct_done", "submitted", "min_submitted"]
ACTIVITY_COLUMNS = ["day", "dataset", "validations", "completed", "contributors"]


@dataclass(frozen=True)
class Filters:
    """Which slice of the campaign to aggregate; the default is everything."""

    datasets: tuple[str, ...] | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    zone: str = "UTC"  # the time zone whose calendar days `start` and `end` are

    def within(self, start: dt.date | None, end: dt.date | None, zone: str | None = None) -> Filters:
        """These filters clipped to a campaign window (and read in its time zone, when given)."""
        new_start = max(filter(None, [self.start, start]), default=None)
        new_end = min(filter(None, [self.end, end]), default=None)
        return Filters(self.datasets, new_start, new_end, zone or self.zone)


def select(responses: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Responses in the chosen datasets whose updated_at falls within the window."""
    mask = in_days(responses["updated_at"], filters.start, filters.end, filters.zone)
    if filters.datasets is not None:
        mask &= responses["dataset"].isin(filters.datasets).to_numpy()
    return responses if mask.all() else responses[mask]


def covers(filters: Filters, moment: dt.datetime) -> bool:
    """Does the filters' window hold this moment (the campaign's calendar days)?"""
    return bool(in_days(pd.Series([moment]), filters.start, filters.end, filters.zone)[0])


def contributors(
    responses: pd.DataFrame,
    *,
    min_validations: int,
    exclude_users: Iterable[str] = (),
    filters: Filters = Filters(),
    counted: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per user with at least one validation or discard, ranked; with `counted`
    (data.model.frames), validations and discards as Argilla counts them where the frames lag.

    Counting uses the categorical codes of `user` with `np.bincount`: grouping 1M rows by
    string keys is several times slower.
    """
    chosen = select(responses, filters)
    users = chosen["user"].astype("category")
    statuses = chosen["status"].astype("category")
    status = statuses.cat.codes.to_numpy()
    submitted_code, discarded_code = statuses.cat.categories.get_indexer(["submitted", "discarded"])
    keep = (users.notna() & ~users.isin(list(exclude_users))).to_numpy() & (
        (status == submitted_code) | (status == discarded_code)
    )
    codes = users.cat.codes.to_numpy()[keep]
    names = users.cat.categories
    n = len(names)
    submitted = (status == submitted_code)[keep]
    correction = submitted & chosen["is_correction"].to_numpy()[keep]
    datasets = chosen["dataset"].astype("category")
    touched = np.zeros((n, max(len(datasets.cat.categories), 1)), dtype=bool)
    touched[codes[submitted], datasets.cat.codes.to_numpy()[keep][submitted]] = True
    times = naive_utc(chosen["updated_at"])[keep][submitted]
    span = pd.Series(times).groupby(codes[submitted]).agg(["min", "max"]).reindex(range(n))
    table = pd.DataFrame(
        {
            "username": pd.array(names, dtype="string"),
            "validations": np.bincount(codes, weights=submitted, minlength=n).astype("int64"),
            "corrections": np.bincount(codes, weights=correction, minlength=n).astype("int64"),
            "discarded": np.bincount(codes, weights=~submitted, minlength=n).astype("int64"),
            "datasets": touched.sum(axis=1).astype("int64"),
            "first_validation": pd.to_datetime(span["min"], utc=True).to_numpy(),
            "last_validation": pd.to_datetime(span["max"], utc=True).to_numpy(),
            "edit_chars": np.bincount(
                codes, weights=np.where(correction, chosen["edit_size"].to_numpy()[keep], 0), minlength=n
            ).astype("int64"),
        }
    )
    if counted is not None and not counted.empty:
        table = caught_up(table, responses, counted, filters, exclude_users)
    table = table[(table["validations"] + table["discarded"]) > 0]
    table["first_validation"] = pd.to_datetime(table["first_validation"], utc=True)
    table["last_validation"] = pd.to_datetime(table["last_validation"], utc=True)
    return rank(table, min_validations)


def caught_up(
    table: pd.DataFrame, responses: pd.DataFrame, counted: pd.DataFrame, filters: Filters, exclude_users: Iterable[str]
) -> pd.DataFrame:
    """`table` with each person's validations and discards moved by what Argilla counts and the
    frames do not hold yet, in the datasets where the frames lag (`counted`). The difference is
    taken over all time: the changes still on their way are the latest ones, so a window that
    reaches the moment of counting holds them (the caller passes `counted` only then)."""
    if filters.datasets is not None:
        counted = counted[counted["dataset"].isin(filters.datasets)]
    delta = _unheld(responses, counted)
    delta = delta[~delta.index.isin(list(exclude_users))]
    if delta.empty:
        return table
    missing = delta.index.difference(pd.Index(table["username"].dropna()))
    if len(missing):
        touched = counted[counted["submitted"] > 0].groupby("user")["dataset"].nunique()
        blank = pd.DataFrame({"username": pd.array(missing, dtype="string")})
        blank = blank.assign(validations=0, corrections=0, discarded=0, edit_chars=0)
        blank["datasets"] = touched.reindex(missing).fillna(0).astype("int64").to_numpy()
        table = pd.concat([table, blank], ignore_index=True)
    moved = delta.reindex(table["username"]).fillna(0).astype("int64")
    table["validations"] = (table["validations"] + moved["submitted"].to_numpy()).clip(lower=0)
    table["discarded"] = (table["discarded"] + moved["discarded"].to_numpy()).clip(lower=0)
    return table


def changes_behind(responses: pd.DataFrame, counted: pd.DataFrame) -> int:
    """How many responses (by person and status) Argilla counts that the frames do not hold yet, or
    hold and Argilla no longer does: the changes still on their way."""
    return int(_unheld(responses, counted, RESPONSE_STATUSES).abs().to_numpy().sum()) if not counted.empty else 0


def _unheld(
    responses: pd.DataFrame, counted: pd.DataFrame, statuses: tuple[str, ...] = ("submitted", "discarded")
) -> pd.DataFrame:
    """Per user of the lagging datasets: Argilla's count minus the frames', by response status."""
    held = responses[responses["dataset"].isin(counted["dataset"].unique())]
    ours = held.groupby(["dataset", "user", "status"]).size().unstack("status")
    ours = ours.reindex(columns=list(statuses)).fillna(0)
    theirs = counted.set_index(["dataset", "user"])[list(statuses)]
    delta = theirs.sub(ours, fill_value=0).groupby(level="user").sum()
    return delta[(delta != 0).any(axis=1)].astype("int64")


def rank(table: pd.DataFrame, min_validations: int) -> pd.DataFrame:
    """Competition ranking on validations; order ties by corrections then username."""
    table = table.copy()
    table["rank"] = table["validations"].rank(method="min", ascending=False).fillna(0).astype("int64")
    table["eligible"] = table["validations"] >= min_validations
    with np.errstate(divide="ignore", invalid="ignore"):
        table["correction_rate"] = (table["corrections"] / table["validations"]).where(table["validations"] > 0, 0.0)
    table = table.sort_values(["rank", "corrections", "username"], ascending=[True, False, True], kind="mergesort")
    dtypes = {column.name: column.dtype for column in columns.CONTRIBUTORS if column.dtype}
    return table[columns.NAMES].reset_index(drop=True).astype(dtypes)


def progress(records: pd.DataFrame, responses: pd.DataFrame, datasets: pd.DataFrame) -> pd.DataFrame:
    """Per dataset: records total / completed (reached min_submitted) / pending, submitted responses."""
    counts = (
        records.assign(done=records["status"] == "completed")
        .groupby("dataset")
        .agg(total=("record_id", "size"), completed=("done", "sum"))
    )
    submitted = responses[responses["status"] == "submitted"].groupby("dataset").size().rename("submitted")
    table = datasets[["dataset", "title", "min_submitted"]].set_index("dataset").join(counts).join(submitted)
    table = table.fillna({"total": 0, "completed": 0, "submitted": 0})
    table[["total", "completed", "submitted"]] = table[["total", "completed", "submitted"]].astype("int64")
    table["pending"] = table["total"] - table["completed"]
    table["pct_done"] = (table["completed"] / table["total"].where(table["total"] > 0)).fillna(0.0)
    return table.reset_index()[PROGRESS_COLUMNS]


def _codes_in(values: pd.Series, universe: pd.Index) -> np.ndarray:
    """Position of each value in `universe` (-1 if absent), hashing each distinct value once."""
    category = values.astype("category")
    lookup = universe.get_indexer(category.cat.categories.astype("string"))
    return np.asarray(np.append(lookup, -1)[category.cat.codes.to_numpy()])


def completions(records: pd.DataFrame, responses: pd.DataFrame, datasets: pd.DataFrame) -> pd.DataFrame:
    """When each completed record completed: the time of its `min_submitted`-th submitted response."""
    submitted = responses[["dataset", "record_id", "updated_at"]][(responses["status"] == "submitted").to_numpy()]
    done = records[(records["status"] == "completed").to_numpy()]
    names = pd.Index(datasets["dataset"].astype("string"))
    done_datasets = _codes_in(done["dataset"], names)
    response_datasets = _codes_in(submitted["dataset"], names)
    done_ids = pd.Index(done["record_id"].astype("string"))
    if not done_ids.is_unique:  # the same record id in two datasets: key on the pair instead
        done_ids = pd.Index(done_datasets.astype("string") + "\x00" + done["record_id"].astype("string"))
        submitted_ids = response_datasets.astype("string") + "\x00" + submitted["record_id"].astype("string")
        record = done_ids.get_indexer(submitted_ids)
    else:
        record = _codes_in(submitted["record_id"], done_ids)
    wanted = (record >= 0) & (np.append(done_datasets, -2)[record] == response_datasets)
    codes = record[wanted]
    times = naive_utc(submitted["updated_at"])[wanted]
    order = np.lexsort((times, codes))
    codes, times = codes[order], times[order]
    starts = np.r_[0, np.flatnonzero(np.diff(codes)) + 1]
    position = np.arange(len(codes)) - np.repeat(starts, np.diff(np.r_[starts, len(codes)]))
    reached = position + 1 == datasets["min_submitted"].to_numpy()[done_datasets[codes]]
    rows = submitted.iloc[np.flatnonzero(wanted)[order][reached]]
    completed_at = pd.DatetimeIndex(times[reached]).tz_localize("UTC").as_unit("us")
    return rows[["dataset", "record_id"]].assign(completed_at=completed_at.array).reset_index(drop=True)


def activity(records: pd.DataFrame, responses: pd.DataFrame, datasets: pd.DataFrame) -> pd.DataFrame:
    """Per UTC day and dataset: validations, newly completed records, distinct validators."""
    columns = responses[["dataset", "record_id", "user", "updated_at"]]
    submitted = columns[((responses["status"] == "submitted") & responses["updated_at"].notna()).to_numpy()]
    daily = (
        submitted.assign(day=submitted["updated_at"].dt.floor("D"))
        .groupby(["day", "dataset"])
        .agg(validations=("record_id", "size"), contributors=("user", "nunique"))
    )
    done = completions(records, responses, datasets)
    finished = done.assign(day=done["completed_at"].dt.floor("D")).groupby(["day", "dataset"]).size()
    table = daily.join(finished.rename("completed"), how="outer").fillna(0)
    table = table.astype({"validations": "int64", "completed": "int64", "contributors": "int64"})
    return table.reset_index()[ACTIVITY_COLUMNS].sort_values(["day", "dataset"]).reset_index(drop=True)


def user_activity(responses: pd.DataFrame, username: str, filters: Filters = Filters()) -> pd.DataFrame:
    """One user's validations per UTC day and dataset."""
    chosen = select(responses, filters)
    mine = chosen[((chosen["user"] == username) & (chosen["status"] == "submitted")).to_numpy()]
    daily = mine.assign(day=mine["updated_at"].dt.floor("D")).groupby(["day", "dataset"], observed=True).size()
    return daily.rename("validations").reset_index()


def daily_contributors(responses: pd.DataFrame) -> pd.DataFrame:
    """Distinct validators per UTC day across all datasets."""
    columns = responses[["user", "updated_at"]]
    submitted = columns[((responses["status"] == "submitted") & responses["updated_at"].notna()).to_numpy()]
    table = submitted.assign(day=submitted["updated_at"].dt.floor("D")).groupby("day")["user"].nunique()
    return table.rename("contributors").reset_index()


@dataclass(frozen=True)
class Velocity:
    """Completed records per day over the last `days` days, and the ETA it implies."""

    records_per_day: float
    pending: int
    eta: dt.date | None


def velocity(activity_table: pd.DataFrame, progress_table: pd.DataFrame, as_of: dt.datetime, days: int = 7) -> Velocity:
    end = utc_timestamp(as_of)
    recent = activity_table[activity_table["day"] > end.floor("D") - pd.Timedelta(days=days)]
    per_day = recent["completed"].sum() / days
    pending = int(progress_table["pending"].sum())
    eta = None
    if pending == 0:
        eta = end.date()
    elif per_day > 0:
        eta = (end + pd.Timedelta(days=float(np.ceil(pending / per_day)))).date()
    return Velocity(float(per_day), pending, eta)


def neighbours(table: pd.DataFrame, username: str, around: int = 2) -> pd.DataFrame:
    """The user's row with `around` rows above and below, in ranking order."""
    at = _position(table, username)
    if at is None:
        return table.iloc[0:0]
    return table.iloc[max(0, at - around) : at + around + 1]


def row_of(table: pd.DataFrame, username: str) -> pd.Series | None:
    """`username`'s row of `table`, matched on the full name; None when they are not in it."""
    at = _position(table, username)
    return None if at is None else table.iloc[at]


def _position(table: pd.DataFrame, username: str) -> int | None:
    matches = np.flatnonzero(table["username"].to_numpy() == username)
    return int(matches[0]) if len(matches) else None


def distance_to_next_rank(table: pd.DataFrame, username: str) -> int | None:
    """Validations needed to tie the nearest contributor ranked above; None for rank 1."""
    row = row_of(table, username)
    if row is None:
        return None
    validations = table["validations"].to_numpy()
    above = validations[validations > int(row["validations"])]
    return int(above.min() - int(row["validations"])) if len(above) else None


@dataclass(frozen=True)
class Absence:
    """What the campaign's responses say about a name that is not in the ranking."""

    excluded: bool  # an excluded account (organizers, bots): never ranked
    drafts: int  # responses still in draft: they never count
    outside_window: int  # validations submitted outside the campaign window


def absence(responses: pd.DataFrame, username: str, window: Filters, exclude_users: Iterable[str] = ()) -> Absence:
    mine = responses[(responses["user"] == username).fillna(False).to_numpy()]
    inside = in_days(mine["updated_at"], window.start, window.end, window.zone)
    submitted = (mine["status"] == "submitted").to_numpy()
    return Absence(
        excluded=username in set(exclude_users),
        drafts=int(((mine["status"] == "draft").to_numpy() & inside).sum()),
        outside_window=int((submitted & ~inside).sum()),
    )


def calendar(daily: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Validations per UTC day from `first` to `last` (zeros included), with the week (Monday)
    and weekday of each day: the grid of an activity calendar."""
    days = pd.date_range(first, max(first, last), freq="D", tz="UTC")
    counts = daily.groupby(daily["day"].dt.floor("D"))["validations"].sum() if len(daily) else pd.Series(dtype="int64")
    grid = pd.DataFrame({"day": days, "validations": counts.reindex(days, fill_value=0).astype("int64").to_numpy()})
    grid["weekday"] = grid["day"].dt.weekday
    grid["week"] = grid["day"] - pd.to_timedelta(grid["weekday"], unit="D")
    return grid


def streak(grid: pd.DataFrame, today: dt.date) -> int:
    """Consecutive active days up to `today`; a day with nothing yet today does not break it."""
    active = set(grid.loc[grid["validations"] > 0, "day"].dt.date)
    day = today if today in active else today - dt.timedelta(days=1)
    count = 0
    while day in active:
        count += 1
        day -= dt.timedelta(days=1)
    return count


def distinct_contributions(responses: Sequence[pd.DataFrame]) -> tuple[int, int]:
    """One person's counted responses in several campaigns, each record once however many campaigns
    count it (two campaigns may share a dataset): (validations, corrections)."""
    submitted = [
        frame[frame["status"] == "submitted"][["dataset", "record_id", "is_correction"]] for frame in responses
    ]
    if not submitted:
        return 0, 0
    both = pd.concat([frame.astype({"dataset": "string", "record_id": "string"}) for frame in submitted])
    once = both.drop_duplicates(["dataset", "record_id"])
    return len(once), int(once["is_correction"].sum())
