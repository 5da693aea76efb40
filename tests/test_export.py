import csv
import io

import pandas as pd
import pytest

from data.model.export import acknowledgements, neutralise, ranking_csv, to_markdown_table

HEADER = "rank,username,validations,corrections,discarded,datasets,first_validation,last_validation,eligible"


def table(names):
    n = len(names)
    return pd.DataFrame(
        {
            "rank": range(1, n + 1),
            "username": names,
            "validations": [5] * n,
            "corrections": [1] * n,
            "discarded": [0] * n,
            "datasets": [1] * n,
            "first_validation": pd.to_datetime(["2024-03-04T10:00:00+01:00"] * n, utc=True),
            "last_validation": pd.Series([pd.NaT] * n, dtype="datetime64[us, UTC]"),
            "eligible": [True, False] * (n // 2) + [True] * (n % 2),
            "correction_rate": [0.2] * n,
        }
    )


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


def test_csv_header_timestamps_booleans_and_injection():
    data = ranking_csv(table(["=cmd|' /C calc'!A0", "ana", "-2+3"]))
    text = data.decode("utf-8")
    assert text.splitlines()[0].startswith(HEADER)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["username"] == "'=cmd|' /C calc'!A0" and rows[2]["username"] == "'-2+3"
    assert rows[0]["first_validation"] == "2024-03-04T09:00:00Z" and rows[0]["last_validation"] == ""
    assert [r["eligible"] for r in rows] == ["true", "false", "true"]


def test_markdown_escapes_markup():
    md = to_markdown_table(pd.DataFrame({"username": ["<script>x</script>", "a|b"]}))
    assert "<script>" not in md and "a\\|b" in md


def test_acknowledgements_sorted_linked_and_escaped():
    responses = pd.DataFrame(
        {"dataset": ["d"] * 5, "user": ["bea", "ana", "ana", "<img src=x>", "owner"], "status": ["submitted"] * 5}
    )
    md = acknowledgements(responses, pd.DataFrame({"dataset": ["d"], "title": ["MMLU"]}), ["owner"], counts=True)
    lines = [line for line in md.splitlines() if line.startswith("- ")]
    assert lines[0] == "- [ana](https://huggingface.co/ana) (2)"
    assert lines[1] == "- \\<img src=x\\> (1)"
    assert "owner" not in md
