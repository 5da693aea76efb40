"""The standings as open data: which tables are published, with which columns, and the dataset
card that says what each column is and how it is counted (data/state/open_data.py publishes them).

Every published column is declared here, from the same registry as the pages' tables
(data/model/columns.py): a frame's column that is not declared is not published, so the files
hold only documented, public facts (counts, dates, public usernames, repo ids; never an e-mail, a
key or a text anyone wrote). The card is written in the catalogues' source language, as the
registry's help texts are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from data.model import columns
from data.model.columns import Column
from data.model.texts import N_

AS_OF = Column(
    "as_of",
    N_("Contado hasta"),
    "time",
    help=N_("Hasta cuándo se contaron las validaciones: el fin de la campaña, o la hora de la lectura si es antes."),
)
DATASET = Column("dataset", N_("Nombre en Argilla"), "text", help=N_("El nombre del dataset en Argilla."))
REPO_ID = Column("repo_id", N_("Repositorio"), "text", help=N_("El id del repositorio en el Hub (org/nombre)."))


@dataclass(frozen=True)
class Table:
    name: str  # its folder and its config on the Hub
    about: str  # what a row is, in a sentence
    columns: tuple[Column, ...]  # the columns published, in this order

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]


def _standings(by: str, label: str) -> tuple[Column, ...]:
    named = Column(by, label, "text")
    return (named, *(column for column in columns.STANDINGS if column.name != "name"))


RANKING = Table("ranking", "Una fila por persona que validó, en orden de puesto.", (*columns.CSV_COLUMNS, AS_OF))
PROGRESS = Table(
    "progress",
    "Una fila por dataset de la campaña.",
    (DATASET, *(column for column in columns.PROGRESS if column.name != "bar")),
)
TEAMS = Table(
    "teams",
    "Una fila por equipo del roster; quienes no tienen equipo, al final.",
    (*_standings("team", "Equipo"), AS_OF),
)
COUNTRIES = Table(
    "countries",
    "Una fila por país del roster; quienes no tienen país, al final.",
    (*_standings("country", "País"), AS_OF),
)
PROJECTS = Table(
    "projects",
    "Una fila por proyecto (modelo, dataset o Space) de la organización en el Hub, por «me gusta».",
    (columns.PROJECTS[0], columns.PROJECTS[1], REPO_ID, *columns.PROJECTS[2:]),
)
TABLES = (RANKING, PROGRESS, TEAMS, COUNTRIES, PROJECTS)
CONTENTS = (
    ("ranking", "la clasificación"),
    ("progress", "el avance por dataset"),
    ("teams", "los equipos"),
    ("countries", "los países"),
    ("projects", "los «me gusta» de los proyectos"),
)


def published(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's documented columns, in order (a column the frame lacks is left out)."""
    return frame[[name for name in table.names if name in frame.columns]].reset_index(drop=True)


@dataclass(frozen=True)
class Edition:
    """One day's publication: its tables and what the card says of them."""

    day: dt.date  # its partition: date=YYYY-MM-DD, a day of the campaign's calendar
    read_at: dt.datetime  # when the data was read
    final: bool  # read after the campaign's end: these standings no longer change
    frames: Mapping[str, pd.DataFrame]  # by table name, as published


def path_of(table: str, day: dt.date) -> str:
    return f"{table}/date={day.isoformat()}/data.parquet"


def card_body(title: str, repo: str, licence: str, edition: Edition, days: int) -> str:
    """The card's Markdown (after its YAML): what is published, each column, the history, the licence."""
    when = edition.read_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    state = " Es la clasificación **final**: la campaña terminó." if edition.final else ""
    lines = [
        f"# {title}: los números abiertos",
        "",
        f"{_contents(edition)} de la campaña «{title}», publicados una vez al día (y al terminar la "
        "campaña) por su tablero, de la misma lectura que muestran sus páginas y su CSV de premios.",
        "",
        f"Última publicación: **{edition.day.isoformat()}**, datos leídos el {when}.{state} "
        f"La historia tiene {days} {'día' if days == 1 else 'días'}.",
        "",
        "Solo hay datos públicos: recuentos por persona (su nombre de usuario, como aparece en el "
        "ranking público), por dataset, por equipo y por país, y los «me gusta» de los proyectos en el "
        "Hub. Ningún correo, ninguna clave, ningún texto escrito por nadie.",
        "",
    ]
    for table in TABLES:
        if table.name in edition.frames:
            lines += _table_section(table, edition.day)
    lines += [
        "## La historia",
        "",
        "Cada día queda en su partición `<tabla>/date=AAAA-MM-DD/data.parquet` (días del calendario "
        "de la campaña); la configuración por defecto de cada tabla es el último día. Toda la historia:",
        "",
        "```python",
        "import pandas as pd",
        f'pd.read_parquet("hf://datasets/{repo}/ranking")  # una columna `date` por partición',
        "```",
        "",
        "## Licencia",
        "",
        f"`{licence}`.",
        "",
    ]
    return "\n".join(lines)


def _contents(edition: Edition) -> str:
    """ "La clasificación, el avance por dataset y …": what this edition holds, in a phrase."""
    parts = [word for name, word in CONTENTS if name in edition.frames]
    phrase = ", ".join(parts[:-1]) + (" y " if len(parts) > 1 else "") + parts[-1]
    return phrase[0].upper() + phrase[1:]


def _table_section(table: Table, day: dt.date) -> list[str]:
    rows = [f"| `{column.name}` | {column.label} | {column.help or ''} |" for column in table.columns]
    return [
        f"## `{table.name}`",
        "",
        f"{table.about} Archivo del día: `{path_of(table.name, day)}`.",
        "",
        "| Columna | Qué es | Cómo se cuenta |",
        "| --- | --- | --- |",
        *rows,
        "",
    ]
