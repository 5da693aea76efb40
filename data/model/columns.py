"""The contributor columns, declared once.

Each column says what it holds and where it goes: the ranking table (its kind decides how it is
drawn), the sort picker, the prize CSV (in this order: the CSV contract), the organizers' prize
list. Its label is the text `col.<name>` in components/i18n.py. A new ranking metric is one entry
here, its computation in data/model/aggregate.py, its pair of texts and a test.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("rank", "text", "bar", "count", "share", "time", "flag")
DTYPES = {"rank": "int64", "bar": "int64", "count": "int64", "share": "float64", "flag": "bool"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # one of KINDS: how the value is typed and drawn ("bar": a count drawn as a bar)
    table: bool = True  # shown in the ranking tables
    csv: bool = False  # in the prize CSV
    prize: bool = False  # in the organizers' prize list
    sort: str | None = None  # "asc" or "desc" if the ranking can be sorted by it

    @property
    def label(self) -> str:
        return f"col.{self.name}"

    @property
    def dtype(self) -> str | None:
        return DTYPES.get(self.kind)


CONTRIBUTORS = (
    Column("rank", "rank", csv=True, prize=True, sort="asc"),
    Column("username", "text", csv=True, prize=True, sort="asc"),
    Column("validations", "bar", csv=True, prize=True, sort="desc"),
    Column("corrections", "count", csv=True, prize=True, sort="desc"),
    Column("discarded", "count", csv=True, prize=True, sort="desc"),
    Column("datasets", "count", csv=True, prize=True, sort="desc"),
    Column("first_validation", "time", table=False, csv=True),
    Column("last_validation", "time", csv=True, sort="desc"),
    Column("eligible", "flag", csv=True),
    Column("correction_rate", "share", csv=True, sort="desc"),
    Column("edit_chars", "count", table=False),
)
BY_NAME = {column.name: column for column in CONTRIBUTORS}
NAMES = [column.name for column in CONTRIBUTORS]
CSV_NAMES = [column.name for column in CONTRIBUTORS if column.csv]
TABLE_NAMES = [column.name for column in CONTRIBUTORS if column.table]
PRIZE_NAMES = [column.name for column in CONTRIBUTORS if column.prize]
SORTS = {column.name: column.sort == "asc" for column in CONTRIBUTORS if column.sort}  # name -> ascending
