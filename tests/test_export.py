import csv
import io

import pandas as pd
import pytest

from data.model import aggregate, columns
from data.model.export import acknowledgements, neutralise, ranking_csv, to_csv, to_markdown_table
from tests.test_aggregate import responses


def ranking(names: list[str]):
    """A ranking computed the way the app computes it: `names[i]` has i + 1 validations from 09:00
    UTC on (its first a correction), and "solo_descartes" has only a discard."""
    rows = [
        ("d", f"r{n}", name, "submitted", f"2024-03-04T{9 + n:02d}:00:00", n == 0)
        for i, name in enumerate(names)
        for n in range(i + 1)
    ]
    rows.append(("d", "r0", "solo_descartes", "discarded", "2024-03-04T09:30:00", False))
    return aggregate.contributors(responses(rows), min_validations=2)


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://x")',
        "+1",
        "-1",
        "@SUM(A1)",
        "\tx",
        "\rx",
        " =1+1",
        "\n=cmd|' /C calc'!A0",
        "\t @x",
        "  -2",
        "\u00a0+1",
        "\r\n\t=A1",
        '＝HYPERLINK("http://x")',
        "＋1",
        "\u3000＠SUM(A1)",
    ],
)
def test_formula_cells_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["ana", " ana", "a=b", "1-2", "", "José"])
def test_plain_cells_are_left_alone(cell):
    assert neutralise(cell) == cell


def test_text_in_a_column_of_categories_is_neutralised_too():
    frame = pd.DataFrame({"team": pd.Categorical(["=cmd|calc", "Quetzal"]), "n": [-1, 2]})
    assert to_csv(frame).decode().splitlines()[1:] == ["'=cmd|calc,-1", "Quetzal,2"]


def test_csv_header_timestamps_booleans_and_injection():
    table = ranking(["=cmd|' /C calc'!A0", "ana", "-2+3"])
    text = ranking_csv(table).decode("utf-8")
    assert text.splitlines()[0] == ",".join(columns.CSV_NAMES)
    assert text.splitlines()[0].startswith(columns.csv_header() + ",")  # the contract first, extras after
    rows = {row["username"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {"'=cmd|' /C calc'!A0", "ana", "'-2+3", "solo_descartes"}
    assert rows["'=cmd|' /C calc'!A0"]["first_validation"] == "2024-03-04T09:00:00Z"
    assert rows["solo_descartes"]["first_validation"] == rows["solo_descartes"]["last_validation"] == ""
    assert [rows[name]["eligible"] for name in ("'=cmd|' /C calc'!A0", "ana", "'-2+3")] == ["false", "true", "true"]
    assert [rows[name]["rank"] for name in ("'-2+3", "ana", "'=cmd|' /C calc'!A0")] == ["1", "2", "3"]


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


def test_the_prize_csv_says_until_when_it_counted():
    """A last column, after the contract's: the end of the campaign's last day, or the data's time."""
    import datetime as dt

    table = ranking(["ana", "beto"])
    moment = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    rows = list(csv.DictReader(io.StringIO(ranking_csv(table, moment).decode("utf-8"))))
    assert list(rows[0])[-1] == "as_of" and {row["as_of"] for row in rows} == {"2024-05-01T00:00:00Z"}
    assert ",".join(list(rows[0])[: len(columns.CSV_NAMES)]) == ",".join(columns.CSV_NAMES)
