"""The contributor columns, declared once.

Each column says what it holds and where it goes: the ranking table (its kind decides how it is
drawn), the sort picker, the prize CSV (in this order), the organizers' prize list. The CSV's
"contract" columns decide prizes and never change (the README shows them, generated from here);
"extra" columns follow them. Its label is a text of the catalogues (locales/). A new ranking metric is
one entry here, its computation in data/model/aggregate.py, its translations and a test.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.model.texts import N_

KINDS = ("rank", "text", "bar", "count", "share", "time", "flag")
DTYPES = {"rank": "int64", "bar": "int64", "count": "int64", "share": "float64", "flag": "bool"}


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # the header shown, a text of the catalogue (marked with N_)
    kind: str  # one of KINDS: how the value is typed and drawn ("bar": a count drawn as a bar)
    table: bool = True  # shown in the ranking tables
    csv: str | None = None  # in the prize CSV: "contract" (decides prizes, never changes) or "extra"
    prize: bool = False  # in the organizers' prize list
    sort: str | None = None  # "asc" or "desc" if the ranking can be sorted by it

    @property
    def dtype(self) -> str | None:
        return DTYPES.get(self.kind)


CONTRIBUTORS = (
    Column("rank", N_("Puesto"), "rank", csv="contract", prize=True, sort="asc"),
    Column("username", N_("Usuario"), "text", csv="contract", prize=True, sort="asc"),
    Column("validations", N_("Validaciones"), "bar", csv="contract", prize=True, sort="desc"),
    Column("corrections", N_("Correcciones"), "count", csv="contract", prize=True, sort="desc"),
    Column("discarded", N_("Descartes"), "count", csv="contract", prize=True, sort="desc"),
    Column("datasets", N_("Datasets"), "count", csv="contract", prize=True, sort="desc"),
    Column("first_validation", N_("Primera validación"), "time", table=False, csv="contract"),
    Column("last_validation", N_("Última validación"), "time", csv="contract", sort="desc"),
    Column("eligible", N_("Premio"), "flag", csv="contract"),
    Column("correction_rate", N_("% corregidas"), "share", csv="extra", sort="desc"),
    Column("edit_chars", N_("Caracteres editados"), "count", table=False),
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
