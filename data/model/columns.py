"""The contributor columns, declared once.

Each column says what it holds and where it goes: the ranking table (its kind decides how it is
drawn), the sort picker, the prize CSV (in this order), the organizers' prize list. The CSV's
"contract" columns decide prizes and never change (the README shows them, generated from here);
"extra" columns follow them. Its label is the text `col.<name>` in components/i18n.py. A new ranking
metric is one entry here, its computation in data/model/aggregate.py, its pair of texts and a test.
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
    csv: str | None = None  # in the prize CSV: "contract" (decides prizes, never changes) or "extra"
    prize: bool = False  # in the organizers' prize list
    sort: str | None = None  # "asc" or "desc" if the ranking can be sorted by it

    @property
    def label(self) -> str:
        return f"col.{self.name}"

    @property
    def dtype(self) -> str | None:
        return DTYPES.get(self.kind)


CONTRIBUTORS = (
    Column("rank", "rank", csv="contract", prize=True, sort="asc"),
    Column("username", "text", csv="contract", prize=True, sort="asc"),
    Column("validations", "bar", csv="contract", prize=True, sort="desc"),
    Column("corrections", "count", csv="contract", prize=True, sort="desc"),
    Column("discarded", "count", csv="contract", prize=True, sort="desc"),
    Column("datasets", "count", csv="contract", prize=True, sort="desc"),
    Column("first_validation", "time", table=False, csv="contract"),
    Column("last_validation", "time", csv="contract", sort="desc"),
    Column("eligible", "flag", csv="contract"),
    Column("correction_rate", "share", csv="extra", sort="desc"),
    Column("edit_chars", "count", table=False),
)
BY_NAME = {column.name: column for column in CONTRIBUTORS}
NAMES = [column.name for column in CONTRIBUTORS]
CSV_NAMES = [column.name for column in CONTRIBUTORS if column.csv]
TABLE_NAMES = [column.name for column in CONTRIBUTORS if column.table]
PRIZE_NAMES = [column.name for column in CONTRIBUTORS if column.prize]
SORTS = {column.name: column.sort == "asc" for column in CONTRIBUTORS if column.sort}  # name -> ascending


def csv_header() -> str:
    """The prize CSV's contractual header (extra columns follow it)."""
    return ",".join(column.name for column in CONTRIBUTORS if column.csv == "contract")
