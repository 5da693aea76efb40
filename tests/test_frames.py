"""Normalisation edge cases: corrections, missing references, unknown users, malformed rows."""

import pandas as pd

from data.model.frames import build_responses, normalise_text


def raw(rows):
    return pd.DataFrame(
        rows, columns=["dataset", "record_id", "user_id", "status", "inserted_at", "updated_at", "answer", "label"]
    )


RECORDS = pd.DataFrame(
    {"dataset": ["d"] * 3, "record_id": ["r1", "r2", "r3"], "reference": ["Hola  mundo", None, "Adiós"]}
)
T = "2024-03-05T10:00:00.123456"


def test_whitespace_is_not_a_correction_but_case_and_punctuation_are():
    out = build_responses(
        raw(
            [
                ("d", "r1", "u1", "submitted", T, T, " Hola mundo\n", None),
                ("d", "r1", "u2", "submitted", T, T, "hola mundo", None),
                ("d", "r1", "u3", "submitted", T, T, "Hola mundo.", None),
            ]
        ),
        RECORDS,
        {"u1": "a", "u2": "b", "u3": "c"},
    ).set_index("user")
    assert not out.loc["a", "is_correction"] and out.loc["a", "edit_size"] == 0
    assert out.loc["b", "is_correction"] and out.loc["b", "edit_size"] == 1
    assert out.loc["c", "is_correction"] and out.loc["c", "edit_size"] == 1


def test_empty_answer_is_not_a_correction_and_missing_reference_makes_any_text_one():
    out = build_responses(
        raw(
            [
                ("d", "r3", "u1", "submitted", T, T, "   ", None),
                ("d", "r3", "u2", "submitted", T, T, None, None),
                ("d", "r2", "u3", "submitted", T, T, "algo", None),
            ]
        ),
        RECORDS,
        {"u1": "a", "u2": "b", "u3": "c"},
    ).set_index("user")
    assert not out.loc["a", "is_correction"] and not out.loc["b", "is_correction"]
    assert out.loc["c", "is_correction"] and out.loc["c", "edit_size"] == 4


def test_unknown_user_is_kept_without_a_name_and_bad_rows_are_dropped():
    out = build_responses(
        raw(
            [
                ("d", "r1", "ghost", "submitted", T, T, "x", None),
                ("d", "r1", "u1", "weird-status", T, T, "x", None),
                ("d", "missing-record", "u1", "submitted", T, T, "x", None),
                ("d", "r1", "u1", "submitted", "not a date", "not a date", "x", None),
            ]
        ),
        RECORDS,
        {"u1": "a"},
    )
    assert len(out) == 2
    assert out["user"].isna().sum() == 1
    assert out["updated_at"].isna().sum() == 1
    assert str(out["updated_at"].dtype) == "datetime64[us, UTC]"


def test_normalise_text_collapses_all_whitespace():
    assert normalise_text(pd.Series(["\ta \n b  "])).iloc[0] == "a b"
