"""The project-likes leaderboard: window and exclusions, ranking, likes history and climbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.config import HubConfig
from data.times import in_days, utc_timestamp

HUB_PLACEHOLDER_CREATED = pd.Timestamp("2022-03-02T23:29:04Z")
PROJECT_COLUMNS = ["rank", "kind", "repo_id", "url", "likes", "author", "created_at", "sdk", "state"]
HISTORY_COLUMNS = ["time", "repo_id", "kind", "likes"]
CLIMBER_WINDOWS = {"24h": dt.timedelta(days=1), "7d": dt.timedelta(days=7)}
URL_PREFIX = {
    "model": "https://huggingface.co/",
    "dataset": "https://huggingface.co/datasets/",
    "space": "https://huggingface.co/spaces/",
}


@dataclass
class Projects:
    """The org's repos as one read listed them, and the likes history recorded so far."""

    raw: pd.DataFrame  # RAW_PROJECT_COLUMNS, as listed
    history: pd.DataFrame  # HISTORY_COLUMNS
    fetched_at: dt.datetime
    source: str = ""


def leaderboard(raw: pd.DataFrame, config: HubConfig) -> pd.DataFrame:
    """Public (unless configured), enabled, non-excluded repos in the creation window, by likes."""
    frame = raw.copy()
    frame["likes"] = pd.to_numeric(frame["likes"], errors="coerce")
    frame = frame[frame["repo_id"].notna() & frame["likes"].notna() & frame["kind"].isin(list(URL_PREFIX))]
    frame["likes"] = frame["likes"].astype("int64")
    created = pd.to_datetime(frame["created_at"], errors="coerce", utc=True)
    # the Hub gives every repo older than its creation-date tracking this placeholder: unknown
    frame["created_at"] = created.where(created != HUB_PLACEHOLDER_CREATED)
    keep = np.ones(len(frame), dtype=bool)
    if not config.include_private:
        keep &= ~frame["private"].fillna(False).astype(bool).to_numpy()
    if not config.include_disabled:
        keep &= ~frame["disabled"].fillna(False).astype(bool).to_numpy()
    excluded = {name.lower() for name in config.exclude}
    keep &= ~frame["repo_id"].str.lower().isin(excluded).to_numpy()
    if config.tags:
        tags = frame["tags"].fillna("").str.split(",")
        keep &= tags.map(lambda have: set(config.tags) <= set(have)).to_numpy(dtype=bool)
    keep &= in_days(frame["created_at"], config.since, config.until)
    frame = frame[keep].drop_duplicates(["kind", "repo_id"])
    frame["url"] = frame["kind"].map(URL_PREFIX) + frame["repo_id"]
    frame["rank"] = frame["likes"].rank(method="min", ascending=False).astype("int64")
    frame = frame.sort_values(["rank", "repo_id"], kind="mergesort")
    return frame[PROJECT_COLUMNS].reset_index(drop=True)


def append_history(
    history: pd.DataFrame,
    board: pd.DataFrame,
    at: dt.datetime,
    keep_every: dt.timedelta = dt.timedelta(hours=6),
    everything: bool = False,
) -> pd.DataFrame:
    """Add this poll's likes, keeping a row only if a repo's likes changed or its last row is old
    (every row with `everything`)."""
    now = board.assign(time=utc_timestamp(at))[HISTORY_COLUMNS]
    if history.empty or everything:
        return pd.concat([history, now], ignore_index=True) if len(history) else now.reset_index(drop=True)
    last = history.sort_values("time").groupby(["kind", "repo_id"]).tail(1)
    merged = now.merge(last, on=["kind", "repo_id"], how="left", suffixes=("", "_last"))
    fresh = (
        merged["likes_last"].isna()
        | (merged["likes"] != merged["likes_last"])
        | (merged["time"] - merged["time_last"] >= pd.Timedelta(keep_every))
    )
    return pd.concat([history, now[fresh.to_numpy()]], ignore_index=True)


def merge_history(*histories: pd.DataFrame | None) -> pd.DataFrame:
    """One likes history from several (ours, one restored from the Hub): every row once, by time."""
    present = [history for history in histories if history is not None and len(history)]
    if not present:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    merged = pd.concat([history[HISTORY_COLUMNS] for history in present], ignore_index=True)
    merged["time"] = pd.to_datetime(merged["time"], utc=True)
    merged = merged.drop_duplicates(["time", "kind", "repo_id"]).sort_values("time", kind="mergesort")
    return merged.reset_index(drop=True)


def climbers(
    history: pd.DataFrame, board: pd.DataFrame, at: dt.datetime, window: dt.timedelta, top: int = 10
) -> pd.DataFrame:
    """Likes gained over `window`: now minus the last value seen at or before the window start
    (or the first value seen inside it, for repos first seen since)."""
    if history.empty or board.empty:
        return board.iloc[0:0].assign(gain=pd.Series(dtype="int64"))
    start = utc_timestamp(at) - pd.Timedelta(window)
    ordered = history.sort_values("time")
    before = ordered[ordered["time"] <= start].groupby(["kind", "repo_id"])["likes"].last()
    inside = ordered[ordered["time"] > start].groupby(["kind", "repo_id"])["likes"].first()
    baseline = before.combine_first(inside).rename("baseline")
    table = board.join(baseline, on=["kind", "repo_id"])
    table["gain"] = (table["likes"] - table["baseline"]).fillna(0).astype("int64")
    table = table[table["gain"] > 0].sort_values(["gain", "likes"], ascending=False, kind="mergesort")
    return table.drop(columns="baseline").head(top).reset_index(drop=True)


def by_team(board: pd.DataFrame, team_repos: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard with each team's repos as one project (likes summed, its repos listed, by
    likes); repos no team claims stay projects of their own. Columns: rank, project, team (true for
    a team's project), likes, repos, urls."""
    teams = team_repos.assign(match=team_repos["repo_id"].str.casefold()).drop_duplicates("match", keep="last")
    owner = board["repo_id"].str.casefold().map(teams.set_index("match")["team"])
    frame = board.assign(
        project=owner.fillna(board["repo_id"]).astype("string"),
        team=owner.notna().to_numpy(),
    )
    frame = frame.sort_values(["likes", "repo_id"], ascending=[False, True], kind="mergesort")
    grouped = frame.groupby(["project", "team"], sort=False)
    table = grouped.agg(likes=("likes", "sum"), repos=("repo_id", ", ".join), urls=("url", list)).reset_index()
    table["rank"] = table["likes"].rank(method="min", ascending=False).astype("int64")
    table = table.sort_values(["rank", "project"], kind="mergesort").reset_index(drop=True)
    return table[["rank", "project", "team", "likes", "repos", "urls"]]


@dataclass(frozen=True)
class Frozen:
    """The standings as of a deadline, from the likes history."""

    board: pd.DataFrame  # rank, kind, repo_id, url, likes (as of the deadline), likes_now
    deadline: dt.datetime
    reading_at: pd.Timestamp | None  # the last reading at or before the deadline
    gap: bool  # no reading within one refresh period before the deadline: the figures may be old


def as_of(
    history: pd.DataFrame, board: pd.DataFrame, deadline: dt.datetime, period: dt.timedelta, exclude: Iterable[str] = ()
) -> Frozen:
    """Each repo's likes at the deadline: its last reading at or before it (the history records a
    repo whenever its likes change, and every repo at the last polls before a deadline), ranked;
    today's likes beside them. Repos listed at the deadline stay even if they are gone since."""
    cutoff = utc_timestamp(deadline)
    before = history[pd.to_datetime(history["time"], utc=True) <= cutoff] if len(history) else history
    reading_at = pd.to_datetime(before["time"], utc=True).max() if len(before) else None
    gap = reading_at is None or cutoff - reading_at > pd.Timedelta(period)
    last = before.sort_values("time", kind="mergesort").groupby(["kind", "repo_id"]).tail(1)
    excluded = {name.lower() for name in exclude}
    last = last[~last["repo_id"].str.lower().isin(excluded)]
    now = board.set_index(["kind", "repo_id"])["likes"].rename("likes_now")
    frame = last[["kind", "repo_id", "likes"]].join(now, on=["kind", "repo_id"])
    frame["likes"] = frame["likes"].astype("int64")
    frame["likes_now"] = frame["likes_now"].astype("Int64")
    frame["url"] = frame["kind"].map(URL_PREFIX) + frame["repo_id"]
    frame["rank"] = frame["likes"].rank(method="min", ascending=False).astype("int64")
    frame = frame.sort_values(["rank", "repo_id"], kind="mergesort").reset_index(drop=True)
    columns = ["rank", "kind", "repo_id", "url", "likes", "likes_now"]
    return Frozen(frame[columns], deadline, None if reading_at is None or pd.isna(reading_at) else reading_at, gap)


def records_everything(at: dt.datetime, deadline: dt.datetime | None, period: dt.timedelta) -> bool:
    """Should this poll record every repo's likes (not only the changes)? Yes for the polls in
    the last two periods before a deadline: the standings as of it then have a reading of their own."""
    return deadline is not None and dt.timedelta(0) <= deadline - at <= 2 * period
