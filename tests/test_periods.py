"""Rankings by calendar window: weeks from Monday and months, as days of the campaign's time zone,
against a plain-Python oracle (each response's local day by zoneinfo), and their configuration."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from data.config import ConfigError, parse_config
from data.model import aggregate
from data.model.frames import RESPONSE_COLUMNS
from data.model.ranking import Goal, api_periods, period_filters, periods, standing

DATASETS = [{"name": "mmlu", "correction_question": "translation"}]
NAMES = ["ana", "李明", "अनु", "สมชาย", "x" * 300]


@pytest.mark.parametrize(
    "today, week, month",
    [
        (
            dt.date(2026, 12, 4),
            (dt.date(2026, 11, 30), dt.date(2026, 12, 6)),
            (dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        ),
        (
            dt.date(2024, 2, 26),
            (dt.date(2024, 2, 26), dt.date(2024, 3, 3)),
            (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ),
        (
            dt.date(2023, 1, 1),
            (dt.date(2022, 12, 26), dt.date(2023, 1, 1)),
            (dt.date(2023, 1, 1), dt.date(2023, 1, 31)),
        ),
    ],
)
def test_a_week_starts_on_monday_and_a_month_is_the_calendar_month(today, week, month):
    for period, (start, end) in (("week", week), ("month", month)):
        filters = period_filters(period, today)
        assert (filters.start, filters.end) == (start, end)
        assert filters.start <= today <= filters.end
    assert period_filters("week", today).start.weekday() == 0


def responses(n: int, seed: int) -> pd.DataFrame:
    """Responses spread over a few weeks, many of them within an hour of some midnight."""
    rng = random.Random(seed)
    base = dt.datetime(2026, 10, 20, tzinfo=dt.UTC)  # across the end of summer time in Europe (25 Oct)
    times = [
        base + dt.timedelta(days=rng.randrange(40), hours=rng.choice([0, 1, 11, 22, 23]), minutes=rng.randrange(60))
        for _ in range(n)
    ]
    return pd.DataFrame(
        {
            "dataset": rng.choices(["mmlu", "arc"], k=n),
            "record_id": [f"r{i}" for i in range(n)],
            "user": rng.choices(NAMES, k=n),
            "status": rng.choices(["submitted", "submitted", "draft", "discarded"], k=n),
            "inserted_at": pd.to_datetime(times, utc=True),
            "updated_at": pd.to_datetime(times, utc=True),
            "is_correction": rng.choices([True, False], k=n),
            "edit_size": [rng.randrange(40) for _ in range(n)],
            "answer_hash": [f"a{i}" for i in range(n)],
            "label_hash": [f"l{i % 4}" for i in range(n)],
        },
        columns=RESPONSE_COLUMNS,
    )


@pytest.mark.parametrize("zone", ["UTC", "Europe/Madrid", "America/Bogota", "Asia/Kolkata", "Pacific/Kiritimati"])
@pytest.mark.parametrize("period", ["week", "month", "7d"])
def test_a_window_counts_the_validations_of_its_local_days(zone, period):
    table = responses(3000, seed=len(zone))
    today = dt.date(2026, 11, 2)
    filters = period_filters(period, today)
    ranked = aggregate.contributors(table, min_validations=1, filters=filters.within(None, None, zone))
    counted = {name: 0 for name in NAMES}
    for row in table.itertuples():  # the oracle: each validation's day where the campaign lives
        local = row.updated_at.to_pydatetime().astimezone(ZoneInfo(zone)).date()
        if row.status == "submitted" and filters.start <= local <= filters.end:
            counted[row.user] += 1
    assert dict(zip(ranked["username"], ranked["validations"])) == {k: v for k, v in counted.items() if v}


def test_a_persons_place_in_a_window_and_the_weekly_goal():
    table = responses(500, seed=7)
    week = aggregate.contributors(table, min_validations=1, filters=period_filters("week", dt.date(2026, 11, 2)))
    first = week.iloc[0]
    assert standing(week, first["username"], "week").rank == 1
    assert standing(week, "x" * 299, "week").rank is None  # matched on the full name, not a prefix
    goal = Goal(target=int(first["validations"]) + 6, done=int(first["validations"]))
    assert goal.left == 6 and 0 < goal.share < 1
    assert Goal(target=5, done=9).left == 0 and Goal(target=5, done=9).share == 1


def test_windowed_rankings_can_be_switched_off():
    assert periods(True) == ("all", "week", "month", "7d", "custom")
    assert periods(False) == ("all", "custom") and api_periods(False) == ("all",)


@pytest.mark.parametrize(
    "campaign, key",
    [
        ({"time_zone": "Mars/Olympus"}, "campaign.time_zone"),
        ({"time_zone": "../../etc/passwd"}, "campaign.time_zone"),
        ({"weekly_goal": 0}, "campaign.weekly_goal"),
        ({"weekly_goal_per_person": -3}, "campaign.weekly_goal_per_person"),
        ({"windowed_rankings": "no"}, "campaign.windowed_rankings"),
    ],
)
def test_a_bad_calendar_setting_is_refused_by_name(campaign, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse_config({"campaign": {"title": "t", **campaign}, "datasets": DATASETS})


def test_the_calendar_settings_are_read():
    settings = {"time_zone": "America/Lima", "weekly_goal": 2000, "windowed_rankings": False}
    config = parse_config({"campaign": settings, "datasets": DATASETS})
    assert (config.time_zone, config.weekly_goal, config.weekly_goal_per_person) == ("America/Lima", 2000, None)
    assert config.windowed_rankings is False
