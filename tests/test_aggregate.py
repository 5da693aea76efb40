"""Ranking and window edge cases, plus hypothesis invariants of the ranking."""

import datetime as dt
from collections import Counter

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from data.model import aggregate, columns
from data.model.aggregate import Filters
from data.model.frames import RESPONSE_STATUSES, typed_counts, typed_responses


def responses(rows):
    frame = pd.DataFrame(rows, columns=["dataset", "record_id", "user", "status", "updated_at", "is_correction"])
    frame["inserted_at"] = frame["updated_at"]
    frame["edit_size"] = frame["is_correction"].astype(int) * 3
    frame["answer_hash"] = None
    frame["label_hash"] = None
    return typed_responses(frame)


def day(d, h=12):
    return f"2024-03-{d:02d}T{h:02d}:00:00"


def test_competition_ranking_and_tie_order():
    r = responses(
        [
            ("d", "1", "zoe", "submitted", day(5), False),
            ("d", "2", "zoe", "submitted", day(5), False),
            ("d", "1", "ana", "submitted", day(5), True),
            ("d", "2", "ana", "submitted", day(5), False),
            ("d", "1", "bea", "submitted", day(5), False),
            ("d", "2", "bea", "submitted", day(5), False),
            ("d", "3", "max", "submitted", day(5), False),
            ("d", "4", "max", "submitted", day(5), False),
            ("d", "5", "max", "submitted", day(5), False),
            ("d", "1", "lea", "submitted", day(5), False),
        ]
    )
    table = aggregate.contributors(r, min_validations=2)
    assert table[["username", "rank"]].values.tolist() == [["max", 1], ["ana", 2], ["bea", 2], ["zoe", 2], ["lea", 5]]
    assert table["eligible"].tolist() == [True, True, True, True, False]


def test_drafts_never_count_and_discards_are_apart():
    r = responses(
        [
            ("d", "1", "ana", "draft", day(5), False),
            ("d", "2", "ana", "draft", day(5), False),
            ("d", "1", "bea", "discarded", day(5), False),
            ("d", "2", "bea", "submitted", day(6), True),
        ]
    )
    table = aggregate.contributors(r, min_validations=1).set_index("username")
    assert "ana" not in table.index
    assert table.loc["bea", ["validations", "corrections", "discarded", "datasets"]].tolist() == [1, 1, 1, 1]


def test_excluded_and_unknown_users_are_never_ranked():
    r = responses(
        [
            ("d", "1", "owner", "submitted", day(5), False),
            ("d", "1", None, "submitted", day(5), False),
            ("d", "1", "ana", "submitted", day(5), False),
        ]
    )
    table = aggregate.contributors(r, min_validations=1, exclude_users=["owner"])
    assert table["username"].tolist() == ["ana"]


def test_window_boundaries_are_inclusive_days_in_utc():
    r = responses(
        [
            ("d", "1", "ana", "submitted", "2024-03-03T23:59:59", False),
            ("d", "2", "ana", "submitted", "2024-03-04T00:00:00", False),
            ("d", "3", "ana", "submitted", "2024-03-10T23:59:59", False),
            ("d", "4", "ana", "submitted", "2024-03-11T00:00:00", False),
        ]
    )
    table = aggregate.contributors(
        r, min_validations=1, filters=Filters(start=dt.date(2024, 3, 4), end=dt.date(2024, 3, 10))
    )
    assert table["validations"].tolist() == [2]
    assert table["first_validation"].iloc[0] == pd.Timestamp("2024-03-04T00:00:00Z")


def test_dataset_filter_and_empty_campaign():
    r = responses([("a", "1", "ana", "submitted", day(5), False), ("b", "1", "bea", "submitted", day(5), False)])
    assert aggregate.contributors(r, min_validations=1, filters=Filters(datasets=("b",)))["username"].tolist() == [
        "bea"
    ]
    empty = aggregate.contributors(r.iloc[0:0], min_validations=1)
    assert empty.empty and list(empty.columns) == columns.NAMES


def test_progress_and_activity_of_a_dataset_with_zero_records():
    datasets = pd.DataFrame({"dataset": ["empty"], "title": ["E"], "min_submitted": [1]})
    records = pd.DataFrame(columns=["dataset", "record_id", "status"])
    r = responses([])
    table = aggregate.progress(records, r, datasets)
    assert table[["total", "completed", "pending", "pct_done"]].values.tolist() == [[0, 0, 0, 0.0]]
    assert aggregate.activity(records, r, datasets).empty


def test_completion_day_is_the_day_min_submitted_is_reached():
    datasets = pd.DataFrame({"dataset": ["d"], "title": ["D"], "min_submitted": [2]})
    records = pd.DataFrame({"dataset": ["d", "d"], "record_id": ["1", "2"], "status": ["completed", "pending"]})
    r = responses(
        [
            ("d", "1", "ana", "submitted", day(5), False),
            ("d", "1", "bea", "submitted", day(7), False),
            ("d", "1", "cai", "submitted", day(9), False),
            ("d", "2", "ana", "submitted", day(6), False),
        ]
    )
    table = aggregate.activity(records, r, datasets)
    done = table[table["completed"] > 0]
    assert done["day"].dt.day.tolist() == [7] and done["completed"].tolist() == [1]


def test_activity_with_submissions_but_no_completed_record():
    datasets = pd.DataFrame({"dataset": ["d"], "title": ["D"], "min_submitted": [3]})
    records = pd.DataFrame({"dataset": ["d"], "record_id": ["1"], "status": ["pending"]})
    r = responses([("d", "1", "ana", "submitted", day(5), False)])
    table = aggregate.activity(records, r, datasets)
    assert table["validations"].tolist() == [1] and table["completed"].tolist() == [0]


def test_distance_to_next_rank_and_neighbours():
    table = pd.DataFrame({"username": ["a", "b", "c", "d"], "validations": [10, 7, 7, 1], "rank": [1, 2, 2, 4]})
    assert aggregate.distance_to_next_rank(table, "a") is None
    assert aggregate.distance_to_next_rank(table, "c") == 3
    assert aggregate.distance_to_next_rank(table, "d") == 6
    assert aggregate.neighbours(table, "d", around=1)["username"].tolist() == ["c", "d"]
    assert aggregate.distance_to_next_rank(table, "e") is None


def test_a_row_is_found_by_the_full_name_only():
    long = "ñandú-" + "数据" * 200
    table = pd.DataFrame({"username": pd.array([long, long[:-1], "b"], dtype="string"), "validations": [3, 2, 1]})
    assert aggregate.row_of(table, long)["validations"] == 3
    assert aggregate.row_of(table, long[:-1])["validations"] == 2
    assert aggregate.row_of(table, long[:10]) is None


names = st.text(min_size=1, max_size=6)
rows = st.lists(
    st.tuples(names, st.integers(0, 5), st.sampled_from(["submitted", "discarded", "draft"]), st.booleans()),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(rows)
def test_ranking_invariants(data):
    r = responses([("d", str(rec), user, status, day(5), corr) for user, rec, status, corr in data])
    table = aggregate.contributors(r, min_validations=2)
    # ordered by validations, ranks are competition ranks
    assert table["validations"].is_monotonic_decreasing
    for row in table.itertuples():
        assert row.rank == 1 + (table["validations"] > row.validations).sum()
        assert row.corrections <= row.validations
        assert row.eligible == (row.validations >= 2)
    # within a tie: more corrections first, then username
    for _, tie in table.groupby("rank"):
        keys = list(zip(-tie["corrections"], tie["username"]))
        assert keys == sorted(keys)
    # nobody lost or invented
    assert table["validations"].sum() == (r["status"] == "submitted").sum()
    assert table["discarded"].sum() == (r["status"] == "discarded").sum()


def argilla_counts(r: pd.DataFrame, lagging=("d", "e")) -> pd.DataFrame:
    """What argilla-server's /users/progress says of these responses: per dataset and user, by
    status, and a row with no user per lagging dataset."""
    counts = r.groupby(["dataset", "user", "status"]).size().unstack("status")
    counts = counts.reindex(columns=list(RESPONSE_STATUSES)).fillna(0).reset_index()
    marks = pd.DataFrame({"dataset": list(lagging), "user": None, **dict.fromkeys(RESPONSE_STATUSES, 0)})
    return typed_counts(pd.concat([counts, marks], ignore_index=True))


held_rows = st.lists(
    st.tuples(
        st.sampled_from(["d", "e"]),
        st.sampled_from(["ana", "bea", "ciro", "王小明", "x" * 300]),
        st.integers(0, 6),
        st.sampled_from(["submitted", "discarded", "draft"]),
        st.booleans(),
        st.sampled_from(["held", "undelivered", "deleted upstream"]),
    ),
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(held_rows, st.sampled_from([None, ("d",), ("e",)]))
def test_argilla_counts_make_a_lagging_ranking_exact_but_for_corrections(data, datasets):
    """Deliveries trail a burst: the frames miss some responses Argilla holds and hold some it has
    deleted. With Argilla's own counts the ranking's validations, discards, ranks and eligibility
    are those of what Argilla holds; corrections are the frames' (they follow the deliveries)."""
    unique = {(d, rec, user): (status, corr, fate) for d, user, rec, status, corr, fate in data}
    rows = [(d, str(rec), user, status, day(5), corr, fate) for (d, rec, user), (status, corr, fate) in unique.items()]
    truth = responses([row[:6] for row in rows if row[6] != "deleted upstream"])
    frames = responses([row[:6] for row in rows if row[6] != "undelivered"])
    window = Filters(datasets=datasets)
    expected = aggregate.contributors(truth, min_validations=2, exclude_users=["ciro"], filters=window)
    got = aggregate.contributors(
        frames, min_validations=2, exclude_users=["ciro"], filters=window, counted=argilla_counts(truth)
    )
    keys = ["username", "validations", "discarded", "rank", "eligible"]
    assert_frame_equal(
        got[keys].sort_values("username").reset_index(drop=True),
        expected[keys].sort_values("username").reset_index(drop=True),
    )
    behind = aggregate.changes_behind(frames, argilla_counts(truth))
    tally = lambda fate: Counter((row[2], row[3]) for row in rows if row[6] in ("held", fate))  # noqa: E731
    assert behind <= sum(1 for row in rows if row[6] != "held")  # a swap of two alike leaves counts alone
    assert (behind == 0) == (tally("undelivered") == tally("deleted upstream"))


def test_argilla_counts_only_where_the_window_reaches_the_moment_of_counting():
    at = pd.Timestamp("2024-03-05T12:00:00Z").to_pydatetime()
    assert aggregate.covers(Filters(), at) and aggregate.covers(Filters(end=dt.date(2024, 3, 5)), at)
    assert not aggregate.covers(Filters(end=dt.date(2024, 3, 4)), at)
    assert not aggregate.covers(Filters(start=dt.date(2024, 3, 6)), at)
    assert aggregate.covers(Filters(start=dt.date(2024, 3, 6), zone="Pacific/Kiritimati"), at)  # 02:00 there
