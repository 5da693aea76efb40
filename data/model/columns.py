"""Every table's columns, declared once: what each holds, how it is drawn, and how it is counted.

A `Column` says what it holds and where it goes; its kind decides how it is typed and drawn (a
count as a number, "bar" as a bar, "share" as a percentage in the page's language, "link" as a
link showing `link_text`...), its `help` says how it is counted (shown on the column's header). The
contributors' columns go to the ranking table, the sort picker, the prize CSV (in this order) and
the organizers' prize list: the CSV's "contract" columns decide prizes and never change (the
README shows them, generated from here); "extra" columns follow them. The other tables
(`PROGRESS`, `PROJECTS`, `STANDINGS`...) are drawn in the order declared here. Labels and help
texts are texts of the catalogues (locales/). A new ranking metric is one entry here, its
computation in data/model/aggregate.py, its translations and a test (CONTRIBUTING.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from data.model.texts import N_, NC_

KINDS = ("rank", "text", "bar", "count", "number", "decimal", "share", "progress", "time", "date", "flag", "link")
DTYPES = {"rank": "int64", "bar": "int64", "count": "int64", "share": "float64", "flag": "bool"}
HUB_REPO = r"https://huggingface\.co/(?:datasets/|spaces/)?(.*)"  # a repo's URL, shown as its id


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # the header shown, a text of the catalogue (marked with N_, or NC_ with `context`)
    kind: str  # one of KINDS: how the value is typed and drawn
    table: bool = True  # shown in the page's table
    csv: str | None = None  # in the prize CSV: "contract" (decides prizes, never changes) or "extra"
    prize: bool = False  # in the organizers' prize list
    sort: str | None = None  # "asc" or "desc" if the ranking can be sorted by it
    help: str | None = None  # how it is counted, a text of the catalogue
    context: str | None = None  # the label's gettext context, where the word alone is ambiguous
    width: str | int | None = None  # "small", "large" or pixels; else the table decides
    format: str | None = None  # printf-style, for numbers ("%d ❤️")
    link_text: str | None = None  # a "link": the text shown, a text of the catalogue
    link_pattern: str | None = None  # or a regular expression whose group (of the URL) is shown

    @property
    def dtype(self) -> str | None:
        return DTYPES.get(self.kind)


CONTRIBUTORS = (
    Column(
        "rank",
        N_("Puesto"),
        "rank",
        csv="contract",
        prize=True,
        sort="asc",
        help=N_("Por validaciones; quienes empatan comparten puesto (1, 2, 2, 4)."),
    ),
    Column(
        "username",
        N_("Usuario"),
        "text",
        csv="contract",
        prize=True,
        sort="asc",
        help=N_("Su nombre de usuario en Argilla, completo."),
    ),
    Column(
        "validations",
        N_("Validaciones"),
        "bar",
        csv="contract",
        prize=True,
        sort="desc",
        help=N_("Respuestas enviadas (no borradores ni descartes) en los datasets de la campaña."),
    ),
    Column(
        "corrections",
        N_("Correcciones"),
        "count",
        csv="contract",
        prize=True,
        sort="desc",
        help=N_("Validaciones cuya respuesta difiere de la traducción propuesta."),
    ),
    Column(
        "discarded",
        N_("Descartes"),
        "count",
        csv="contract",
        prize=True,
        sort="desc",
        help=N_("Registros descartados: no cuentan como validaciones."),
    ),
    Column(
        "datasets",
        N_("Datasets"),
        "count",
        csv="contract",
        prize=True,
        sort="desc",
        help=N_("Datasets con al menos una validación."),
    ),
    Column(
        "first_validation",
        N_("Primera validación"),
        "time",
        table=False,
        csv="contract",
        help=N_("Cuándo envió su primera validación que cuenta (hora UTC en el CSV)."),
    ),
    Column(
        "last_validation",
        N_("Última validación"),
        "time",
        csv="contract",
        sort="desc",
        help=N_("Cuándo envió su última validación que cuenta (hora UTC en el CSV)."),
    ),
    Column(
        "eligible",
        N_("Premio"),
        "flag",
        csv="contract",
        width="small",
        help=N_("Llega al mínimo de validaciones de la campaña para optar a premio."),
    ),
    Column(
        "correction_rate",
        N_("% corregidas"),
        "share",
        csv="extra",
        sort="desc",
        help=N_("Correcciones entre validaciones."),
    ),
    Column(
        "edit_chars",
        N_("Caracteres editados"),
        "count",
        table=False,
        help=N_("Caracteres que cambian entre la traducción propuesta y la validada, sumados."),
    ),
)
PROFILE = Column("profile", N_("Perfil"), "link", link_text=N_("perfil"))  # the person's Hub profile, drawn last
BY_NAME = {column.name: column for column in CONTRIBUTORS}
NAMES = [column.name for column in CONTRIBUTORS]
CSV_COLUMNS = tuple(column for column in CONTRIBUTORS if column.csv)  # the prize CSV's, and the API's rows
CSV_NAMES = [column.name for column in CSV_COLUMNS]
TABLE_NAMES = [column.name for column in CONTRIBUTORS if column.table]
PRIZE_NAMES = [column.name for column in CONTRIBUTORS if column.prize]
COLUMNS_TABLE = tuple(column for column in CONTRIBUTORS if column.table)  # the ranking table
COMPACT = (Column("place", N_("Puesto"), "text", width=56), BY_NAME["username"], BY_NAME["validations"])
SORTS = {column.name: column.sort == "asc" for column in CONTRIBUTORS if column.sort}  # name -> ascending


def csv_header() -> str:
    """The prize CSV's contractual header (extra columns follow it)."""
    return ",".join(column.name for column in CONTRIBUTORS if column.csv == "contract")


PROGRESS = (  # per dataset (data/model/aggregate.py `progress`); "bar" is its pct_done drawn
    Column("title", N_("Dataset"), "text", help=N_("Cómo lo nombra el tablero.")),
    Column("bar", N_("Avance"), "progress"),
    Column("pct_done", N_("% hecho"), "share", help=N_("Completados entre el total de registros.")),
    Column(
        "completed",
        N_("Completados"),
        "count",
        help=N_("Registros que ya tienen las respuestas que pide el dataset (estado «completed» en Argilla)."),
    ),
    Column("pending", N_("Pendientes"), "count", help=N_("Registros a los que aún les faltan respuestas.")),
    Column("total", N_("Total"), "count", help=N_("Registros del dataset en Argilla.")),
    Column(
        "submitted",
        N_("Respuestas enviadas"),
        "count",
        help=N_("Respuestas enviadas por cualquiera (un registro puede pedir varias)."),
    ),
)
PROJECTS = (  # the likes leaderboard (data/model/projects.py `leaderboard`)
    Column("rank", N_("Puesto"), "rank"),
    Column("kind", N_("Tipo"), "text"),
    Column("url", N_("Proyecto"), "link", link_pattern=HUB_REPO),
    Column("likes", N_("Me gusta"), "count", format="%d ❤️", help=N_("«Me gusta» en el Hub en la última lectura.")),
    Column("author", N_("Autor"), "text"),
    Column("created_at", N_("Creado"), "date"),
    Column("sdk", N_("SDK"), "text", width="small"),
    Column("state", N_("Estado"), "text", width="small"),
)
CLIMBS = (Column("gain", N_("Subida"), "count", format="+%d", help=N_("«Me gusta» ganados en el periodo.")),)
TEAM_PROJECTS = (  # a team's repos as one project (data/model/projects.py `by_team`)
    Column("rank", N_("Puesto"), "rank"),
    Column("project", N_("Proyecto"), "text"),
    Column("likes", N_("Me gusta"), "count", format="%d ❤️", help=N_("La suma de los «me gusta» de sus repositorios.")),
    Column("repos", N_("Repositorios"), "text", width="large"),
)
AT_DEADLINE = (  # the standings as of the deadline, today's likes beside them
    Column("rank", N_("Puesto"), "rank"),
    Column("url", N_("Proyecto"), "link", link_pattern=HUB_REPO),
    Column(
        "likes",
        N_("Likes al cierre"),
        "count",
        format="%d ❤️",
        help=N_("La última lectura de cada repositorio hasta la hora del cierre."),
    ),
    Column("likes_now", N_("Likes hoy"), "count", format="%d", help=N_("«Me gusta» en la última lectura.")),
)
STANDINGS = (  # teams or countries (data/model/teams.py); "name" is labelled by the grouping
    Column("rank", N_("Puesto"), "rank"),
    Column("name", N_("Nombre"), "text"),
    Column("validations", N_("Validaciones"), "bar", help=N_("La suma de las validaciones de sus personas.")),
    Column("corrections", N_("Correcciones"), "count", help=N_("La suma de las correcciones de sus personas.")),
    Column(
        "people",
        NC_("equipos", "Personas"),
        "count",
        context="equipos",
        help=N_("Personas con al menos una validación."),
    ),
    Column(
        "per_person", N_("Validaciones por persona"), "decimal", help=N_("Validaciones entre personas que validaron.")
    ),
    Column("registered", N_("En el roster"), "count", help=N_("Personas inscritas en el roster, hayan validado o no.")),
    Column(
        "members",
        N_("Quiénes más validan"),
        "text",
        width="large",
        help=N_("Sus personas con más validaciones, y cuántas más hay."),
    ),
)
SIGNALS = (  # the organizers' quality signals (data/model/quality.py)
    Column("rank", N_("Puesto"), "rank"),
    Column("username", N_("Usuario"), "text"),
    Column("validations", N_("Validaciones"), "count"),
    Column("corrections", N_("Correcciones"), "count"),
    Column("unchanged_share", N_("% sin cambios"), "share"),
    Column("agreement", N_("Acuerdo"), "share"),
    Column("agreement_records", N_("Registros compartidos"), "count"),
    Column("label_agreement", N_("Acuerdo etiqueta"), "share"),
    Column("median_gap_seconds", N_("Mediana entre validaciones (s)"), "number", format="%.0f"),
    Column("sole_validator", N_("Único validador"), "count"),
    Column("flags", N_("Revisar"), "text"),
)
