"""What components derive from a frame, kept per frame object (components/frame_memo.py)."""

from __future__ import annotations

import pandas as pd

from components.frame_memo import OVERHEAD, FrameMemo


def ranking(rows: int = 3) -> pd.DataFrame:
    return pd.DataFrame({"rank": range(1, rows + 1), "username": [f"persona_{i}" for i in range(rows)]})


def test_a_value_is_made_once_per_frame_object_and_what_is_asked():
    memo, made = FrameMemo(cells=1_000, ttl=60), []

    def text(frame: pd.DataFrame, lang: str) -> str:
        return memo.get(frame, ("text", lang), lambda: made.append(lang) or f"{lang}:{frame['username'].iloc[0]}")

    first, again = ranking(), ranking()
    assert [text(first, "es") for _ in range(3)] == ["es:persona_0"] * 3
    assert text(first, "en") == "en:persona_0"  # another language: made for it
    assert text(again, "es") == "es:persona_0"  # an equal frame, but another object: made again
    assert made == ["es", "en", "es"]


def test_a_new_read_is_never_answered_from_the_last_one():
    memo = FrameMemo(cells=1_000, ttl=60)
    old = ranking()
    assert memo.get(old, "top", lambda: old["username"].iloc[0]) == "persona_0"
    new = old.iloc[::-1].reset_index(drop=True)  # the next read's frame: another object
    assert memo.get(new, "top", lambda: new["username"].iloc[0]) == "persona_2"


def test_the_bound_is_in_cells_and_a_frame_beyond_it_is_not_kept():
    memo, made = FrameMemo(cells=5 * (OVERHEAD + 2), ttl=60), []
    large = ranking(rows=3 * OVERHEAD)
    for _ in range(2):
        memo.get(large, "n", lambda: made.append(1) or len(large))
    assert len(made) == 2  # made each time, nothing evicted for it
    small = [ranking(rows=1) for _ in range(6)]  # 2 cells each, and an entry's own weight: five fit
    for frame in small:
        memo.get(frame, "n", lambda: made.append(1) or 1)
    kept = [memo.get(frame, "n", lambda: None) == 1 for frame in reversed(small)]  # newest first
    assert kept == [True] * 5 + [False]  # the oldest went


def test_a_value_expires_after_its_time():
    clock = [1000.0]
    memo, made = FrameMemo(cells=100, ttl=60, timer=lambda: clock[0]), []
    frame = ranking()
    memo.get(frame, "n", lambda: made.append(1))
    clock[0] += 61
    memo.get(frame, "n", lambda: made.append(1))
    assert len(made) == 2
