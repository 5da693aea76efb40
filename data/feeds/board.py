"""The board's campaigns side by side, as its home lists them: each one's window, state and
figures from the read its pages show (none before its first read, never invented)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from data.config import CampaignConfig
from data.feeds.poller import Mode
from data.feeds.services import Services
from data.model import aggregate
from data.model.appearance import NAME
from data.times import local_day, utc_now

STATES = ("active", "upcoming", "ended")  # the order the home lists them in
COLUMNS = ("slug", "title", "start", "end", "state", "validations", "contributors", "done", "as_of", "demo")


def state_of(config: CampaignConfig, today: dt.date) -> str:
    """Active within its window (an open end: active from its start on), upcoming before, ended after."""
    if config.start is not None and today < config.start:
        return "upcoming"
    if config.end is not None and today > config.end:
        return "ended"
    return "active"


def campaigns_frame(every: Sequence[tuple[CampaignConfig, Services]]) -> pd.DataFrame:
    """One row per campaign: active first, then upcoming, then ended; the latest start first within
    each. `validations`, `contributors`, `done` (a share) and `as_of` are missing before its
    first full read."""
    rows = [_row(config, services) for config, services in every]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    order = frame["state"].map({state: index for index, state in enumerate(STATES)})
    started = pd.to_datetime(frame["start"]).fillna(pd.Timestamp.min)
    ordered = frame.assign(_order=order, _start=started)
    ordered = ordered.sort_values(["_order", "_start"], ascending=[True, False], kind="stable")
    return ordered.drop(columns=["_order", "_start"]).reset_index(drop=True)


def _row(config: CampaignConfig, services: Services) -> dict[str, object]:
    view = services.campaign.view()
    row: dict[str, object] = {
        "slug": config.slug,
        "title": config.title,
        "start": config.start,
        "end": config.end,
        "state": state_of(config, local_day(utc_now(), config.time_zone)),
        "demo": view.mode == Mode.DEMO,
    }
    if view.value is None or view.value.provisional:
        return row
    read = services.campaign.read_of(view.value)
    progress, everyone = read.progress(), read.everyone()
    total = int(progress["total"].sum())
    return {
        **row,
        "validations": int(everyone["validations"].sum()),
        "contributors": len(everyone),
        "done": int(progress["completed"].sum()) / total if total else 0.0,
        "as_of": view.value.fetched_at,
    }


@dataclass(frozen=True)
class Across:
    """One person in every campaign of the board they took part in (in the board's order), and
    their whole contribution, each record once."""

    campaigns: pd.DataFrame  # slug, title, rank, people, validations, corrections
    validations: int
    corrections: int


def person_across(every: Sequence[tuple[CampaignConfig, Services]], username: str, own: bool) -> Across:
    """`username` (a real name) in each campaign's public ranking: only where they appear by name,
    unless it is `own` (the person signed in sees all of theirs)."""
    rows, counted = [], []
    for config, services in every:
        view = services.campaign.view()
        if view.value is None or view.value.provisional:
            continue
        read = services.campaign.read_of(view.value)
        if not own and read.appearance.of(username) != NAME:
            continue
        viewer = username if own else None
        me = read.row_of(viewer, username)
        if me is None:
            continue
        table = read.shown_to(viewer)
        rows.append(
            (config.slug, config.title, int(me["rank"]), len(table), int(me["validations"]), int(me["corrections"]))
        )
        responses = read.in_window()
        counted.append(responses[responses["user"] == username])
    frame = pd.DataFrame(rows, columns=["slug", "title", "rank", "people", "validations", "corrections"])
    validations, corrections = aggregate.distinct_contributions(counted)
    return Across(frame, validations, corrections)
