"""The campaign by team and country, projects as teams, and the standings as of the deadline."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data.config import ConfigError, parse_config
from data.model import aggregate, projects, roster, teams
from data.model.projects import HISTORY_COLUMNS
from data.state.demo import load_demo, load_demo_roster

AT = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)


def ranking(campaign):
    return aggregate.contributors(campaign.responses, min_validations=50, exclude_users=["owner"])


def random_roster(names: list[str], seed: int) -> roster.Roster:
    """Some of `names` (in other cases, with "@"), in random teams and countries, some unknown."""
    rng = np.random.default_rng(seed)
    chosen = rng.choice(names, size=len(names) * 2 // 3, replace=False)
    written = [("@" + n.upper()) if rng.random() < 0.2 else n for n in chosen]
    lines = ["username,team,country"] + [
        f"{name},{rng.choice(['A', 'B', 'C', 'D', ''])},{rng.choice(['MX', 'España', 'Narnia', '', 'co'])}"
        for name in written
    ]
    return roster.parse("\n".join(lines).encode(), AT)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("by", ["team", "country"])
def test_the_groups_sums_are_the_ranking_sums(by, seed):
    campaign = load_demo()
    table = ranking(campaign)
    names = table["username"].tolist()
    for members in (load_demo_roster(), random_roster(names, seed), roster.empty(AT)):
        standings = teams.standings(teams.placed(table, members), members, by)
        assert standings["validations"].sum() == table["validations"].sum()
        assert standings["corrections"].sum() == table["corrections"].sum()
        assert standings["people"].sum() == (table["validations"] > 0).sum()
        assert standings["rank"].isna().sum() <= 1  # the unplaced: one row, unranked, last
        assert standings[by].isna().equals(standings["rank"].isna())


def test_each_group_counts_its_people_as_the_roster_places_them():
    """Against a plain per-person join: who is in which team, case and "@" ignored."""
    campaign = load_demo()
    table = ranking(campaign)
    members = random_roster(table["username"].tolist(), 7)
    standings = teams.standings(teams.placed(table, members), members, "team").set_index("team")
    key = members.people.set_index("key")["team"]
    team_of = {name: key.get(name.casefold()) for name in table["username"]}
    for team in ["A", "B", "C", "D"]:
        people = table[[str(team_of[name]) == team for name in table["username"]]]
        if team not in standings.index:
            assert people.empty
            continue
        row = standings.loc[team]
        assert row["validations"] == people["validations"].sum()
        assert row["people"] == (people["validations"] > 0).sum()
        assert row["registered"] == (members.people["team"] == team).sum()
    ranked = standings[standings["rank"].notna()]
    expected = ranked["validations"].rank(method="min", ascending=False).astype(int)
    assert ranked["rank"].astype(int).tolist() == expected.tolist()
    assert ranked["validations"].is_monotonic_decreasing


def test_progress_by_country_adds_up_to_each_countrys_validations():
    campaign = load_demo()
    table = ranking(campaign)
    members = load_demo_roster()
    placed = teams.placed(table, members)
    daily = teams.daily_by_country(campaign.responses, placed)
    standings = teams.standings(placed, members, "country").dropna(subset=["country"]).set_index("country")
    totals = daily.groupby("country")["validations"].sum()
    assert totals.to_dict() == standings.loc[totals.index, "validations"].to_dict()
    last = daily.groupby("country")["total"].last()
    assert last.to_dict() == totals.to_dict()


def test_a_persons_team_rank():
    campaign = load_demo()
    table = ranking(campaign)
    members = load_demo_roster()
    standings = teams.standings(teams.placed(table, members), members, "team")
    first = standings["team"].iloc[0]
    assert teams.group_rank(standings, "team", first) == (1, int(standings["rank"].notna().sum()))
    assert teams.group_rank(standings, "team", None) is None


# --- projects as teams --------------------------------------------------------------------------
def board(likes: dict[str, int], kind: str = "model") -> pd.DataFrame:
    frame = pd.DataFrame({"kind": kind, "repo_id": list(likes), "likes": list(likes.values())})
    frame["url"] = "https://huggingface.co/" + frame["repo_id"]
    return frame


def test_a_teams_repos_are_one_project_and_the_rest_stay_repos():
    shown = board({"o/a-model": 10, "o/a-data": 7, "o/b": 12, "o/solo": 3})
    claims = pd.DataFrame({"repo_id": ["O/A-Model", "o/a-data", "o/elsewhere"], "team": ["Quetzal", "Quetzal", "X"]})
    grouped = projects.by_team(shown, claims)
    assert grouped[["rank", "project", "team", "likes"]].values.tolist() == [
        [1, "Quetzal", True, 17],
        [2, "o/b", False, 12],
        [3, "o/solo", False, 3],
    ]
    assert grouped["repos"].iloc[0] == "o/a-model, o/a-data"
    assert grouped["likes"].sum() == shown["likes"].sum()


# --- the deadline ---------------------------------------------------------------------------------
DEADLINE = dt.datetime(2024, 4, 10, 23, 59, 59, tzinfo=dt.UTC)
PERIOD = dt.timedelta(minutes=10)


def history(rows: list[tuple[dt.datetime, str, int]]) -> pd.DataFrame:
    frame = pd.DataFrame([(pd.Timestamp(t), r, "model", n) for t, r, n in rows], columns=HISTORY_COLUMNS)
    return frame


def test_the_standings_as_of_the_deadline_ignore_later_likes():
    before, after = DEADLINE - dt.timedelta(minutes=4), DEADLINE + dt.timedelta(minutes=6)
    recorded = history(
        [
            (DEADLINE - dt.timedelta(days=2), "o/a", 5),
            (DEADLINE - dt.timedelta(days=2), "o/b", 9),
            (DEADLINE - dt.timedelta(days=1), "o/a", 11),  # a's last change before the deadline
            (before, "o/b", 10),
            (before, "o/a", 11),  # every repo recorded at the last polls before the deadline
            (after, "o/a", 30),  # after the deadline: not counted
            (after, "o/c", 50),  # a repo first seen after the deadline: not in the standings
        ]
    )
    today = board({"o/a": 30, "o/b": 10, "o/c": 50})
    frozen = projects.as_of(recorded, today, DEADLINE, PERIOD)
    assert frozen.board[["rank", "repo_id", "likes", "likes_now"]].values.tolist() == [
        [1, "o/a", 11, 30],
        [2, "o/b", 10, 10],
    ]
    assert frozen.reading_at == pd.Timestamp(before) and not frozen.gap


def test_a_gap_at_the_deadline_is_said():
    """The app was down for the last hours before the deadline: the nearest reading is older than
    one refresh period; a repo gone since stays in the standings."""
    recorded = history(
        [
            (DEADLINE - dt.timedelta(hours=5), "o/a", 4),
            (DEADLINE - dt.timedelta(hours=5), "o/gone", 8),
            (DEADLINE + dt.timedelta(hours=2), "o/a", 9),
        ]
    )
    frozen = projects.as_of(recorded, board({"o/a": 9}), DEADLINE, PERIOD, exclude=())
    assert frozen.gap and frozen.reading_at == pd.Timestamp(DEADLINE - dt.timedelta(hours=5))
    assert frozen.board[["repo_id", "likes"]].values.tolist() == [["o/gone", 8], ["o/a", 4]]
    assert pd.isna(frozen.board["likes_now"].iloc[0])
    excluded = projects.as_of(recorded, board({"o/a": 9}), DEADLINE, PERIOD, exclude=("O/GONE",))
    assert excluded.board["repo_id"].tolist() == ["o/a"]


def test_no_reading_before_the_deadline():
    recorded = history([(DEADLINE + dt.timedelta(minutes=1), "o/a", 4)])
    frozen = projects.as_of(recorded, board({"o/a": 4}), DEADLINE, PERIOD)
    assert frozen.reading_at is None and frozen.gap and frozen.board.empty


def test_the_last_polls_before_the_deadline_record_every_repo():
    """Unchanged likes are normally not recorded; in the last two periods before the deadline they are,
    so the standings as of the deadline have a reading of their own."""
    today = board({"o/a": 3, "o/b": 5})
    recorded = projects.append_history(pd.DataFrame(columns=HISTORY_COLUMNS), today, DEADLINE - dt.timedelta(hours=1))
    for minutes in (50, 40, 30, 20, 15, 5):
        at = DEADLINE - dt.timedelta(minutes=minutes)
        everything = projects.records_everything(at, DEADLINE, PERIOD)
        recorded = projects.append_history(recorded, today, at, everything=everything)
    times = pd.to_datetime(recorded["time"], utc=True)
    assert sorted(times.unique()) == [
        pd.Timestamp(DEADLINE - dt.timedelta(hours=1)),
        pd.Timestamp(DEADLINE - dt.timedelta(minutes=20)),
        pd.Timestamp(DEADLINE - dt.timedelta(minutes=15)),
        pd.Timestamp(DEADLINE - dt.timedelta(minutes=5)),
    ]
    frozen = projects.as_of(recorded, today, DEADLINE, PERIOD)
    assert not frozen.gap and frozen.reading_at == pd.Timestamp(DEADLINE - dt.timedelta(minutes=5))
    assert not projects.records_everything(DEADLINE + dt.timedelta(seconds=1), DEADLINE, PERIOD)
    assert not projects.records_everything(DEADLINE, None, PERIOD)


# --- configuration --------------------------------------------------------------------------------
def hub_config(deadline):
    return parse_config({"datasets": [{"name": "d", "correction_question": "q"}], "hub": {"deadline": deadline}}).hub


@pytest.mark.parametrize(
    "written, moment",
    [
        (dt.datetime(2024, 4, 10, 23, 59, tzinfo=dt.UTC), dt.datetime(2024, 4, 10, 23, 59, tzinfo=dt.UTC)),
        (dt.datetime(2024, 4, 10, 18, 0), dt.datetime(2024, 4, 10, 18, 0, tzinfo=dt.UTC)),  # no offset: UTC
        (
            dt.datetime(2024, 4, 10, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=-6))),
            dt.datetime(2024, 4, 11, 0, 0, tzinfo=dt.UTC),
        ),
        (dt.date(2024, 4, 10), dt.datetime(2024, 4, 10, 23, 59, 59, tzinfo=dt.UTC)),  # a date: its end
        ("2024-04-10T23:59:00Z", dt.datetime(2024, 4, 10, 23, 59, tzinfo=dt.UTC)),
    ],
)
def test_the_deadline_is_a_utc_moment(written, moment):
    assert hub_config(written).deadline == moment


def test_a_bad_deadline_names_the_key():
    with pytest.raises(ConfigError, match="deadline: expected a UTC datetime"):
        hub_config("el 10 de abril")
