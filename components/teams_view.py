"""The campaign by team and by country: standings tables, the map, a person's team and country,
and what is wrong with the roster (for organizers)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts, i18n
from components.downloads import download
from components.frame_memo import DERIVED
from components.i18n import t
from components.safe import md_text
from components.status import problem_text
from components.tables import draw
from data.feeds.poller import FeedView, Mode
from data.model import countries
from data.model.columns import STANDINGS
from data.model.roster import Roster
from data.model.texts import N_

TOP_COUNTRIES = 8  # lines on the progress chart


def named(table: pd.DataFrame, by: str, lang: str) -> pd.Series:
    """A group's name to show: a team as written, a country by its name in `lang`."""
    if by == "country":
        return table[by].map(lambda code: countries.name(code, lang), na_action="ignore").astype("string")
    return table[by]


FILE_NAMES = {"team": "teams.csv", "country": "countries.csv"}
GROUP = {"team": N_("Equipo"), "country": N_("País")}
NO_GROUP = {"team": N_("Sin equipo"), "country": N_("Sin país")}
DOWNLOAD = {"team": N_("Descargar equipos (CSV)"), "country": N_("Descargar países (CSV)")}
UNPLACED = {
    "team": N_("Sin equipo (aparte): {people} personas, {validations} validaciones."),
    "country": N_("Sin país (aparte): {people} personas, {validations} validaciones."),
}
ROSTER_AGE = {Mode.LIVE: N_("Roster leído {age}."), Mode.STALE: N_("Roster de {age}: la última lectura falló.")}
PROBLEMS = {
    "unknown_country": N_("país desconocido «{value}» ({rows} filas): esas personas cuentan sin país"),
    "duplicate": N_("«{value}» aparece {rows} veces: cuenta la última fila"),
    "big_team": N_("el equipo «{value}» tiene {rows} personas (más de {limit})"),
    "no_team": N_("«{value}» no tiene ni equipo ni país"),
}


def standings_section(table: pd.DataFrame, by: str, csv: bytes, lang: str) -> None:
    """The ranked groups, the unplaced apart, and the table as CSV."""
    standings_table(table, by, lang, key=f"teams.{by}")
    unplaced_note(table, by, lang)
    download(t(lang, DOWNLOAD[by]), csv, FILE_NAMES[by], key=f"teams.{by}_csv")


def standings_table(table: pd.DataFrame, by: str, lang: str, key: str) -> None:
    """The ranked groups (the unplaced are left to `unplaced_note`), made once per frame object
    (components/frame_memo.py)."""
    shown = DERIVED.get(table, ("ranked", by, lang), lambda: _ranked(table, by, lang))
    draw(STANDINGS, shown, lang, key, medals=True, labels={"name": GROUP[by]})


def _ranked(table: pd.DataFrame, by: str, lang: str) -> pd.DataFrame:
    ranked = table[table["rank"].notna()]
    return ranked.assign(name=named(ranked, by, lang))


def unplaced_note(table: pd.DataFrame, by: str, lang: str) -> None:
    """The people counted in no group, apart: how many and what they validated."""
    rest = table[table["rank"].isna()]
    people = int(rest["people"].sum())
    if people:
        validations = i18n.number(int(rest["validations"].sum()), lang)
        st.caption(t(lang, UNPLACED[by], people=i18n.number(people, lang), validations=validations))


def country_map(table: pd.DataFrame, lang: str, key: str) -> None:
    frame = DERIVED.get(table, ("map", lang), lambda: _on_the_map(table, lang))
    if frame.empty:
        st.info(t(lang, "Todavía no hay validaciones de personas con país."))
        return
    charts.country_map(frame, lang, key=key)


def _on_the_map(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    ranked = table[table["rank"].notna() & (table["validations"] > 0)]
    frame = pd.DataFrame(
        {
            "iso3": ranked["country"].map(countries.alpha3),
            "name": named(ranked, "country", lang),
            "validations": ranked["validations"],
        }
    )
    return frame.dropna(subset=["iso3"])


def country_progress(daily: pd.DataFrame, table: pd.DataFrame, lang: str, key: str) -> None:
    """The running validations of the first countries of `table`."""
    first = tuple(table[table["rank"].notna()]["country"].head(TOP_COUNTRIES))
    lines = DERIVED.get(daily, ("countries", first, lang), lambda: _country_lines(daily, first, lang))
    if lines.empty:
        return
    charts.country_progress(lines, lang, key=key)


def _country_lines(daily: pd.DataFrame, countries_shown: tuple[str, ...], lang: str) -> pd.DataFrame:
    lines = daily[daily["country"].isin(countries_shown)]
    return lines.assign(name=named(lines, "country", lang))


Place = tuple[int, int] | None  # a group's rank and how many groups are ranked (None: unplaced)


def membership(team: tuple[str | None, Place], country: tuple[str | None, Place], lang: str) -> None:
    """A person's team and country, each with its place (Mi posición)."""
    cells = st.columns(2)
    for cell, by, (value, place) in ((cells[0], "team", team), (cells[1], "country", country)):
        if value is None:
            cell.metric(t(lang, GROUP[by]), t(lang, NO_GROUP[by]))
            continue
        name = value if by == "team" else countries.name(value, lang)
        standing = t(lang, "Puesto {rank} de {n}", rank=place[0], n=place[1]) if place else None
        cell.metric(t(lang, GROUP[by]), name, delta=standing, delta_color="off", delta_arrow="off")


def roster_status(view: FeedView[Roster], lang: str) -> None:
    """For organizers: where the roster comes from, what could not be used, and read failures."""
    roster, error = view.value, view.state.error if view.state is not None else None
    error_text = problem_text(error, lang) if error is not None else None
    age = i18n.age(view.age, lang) if roster is not None and view.mode != Mode.DEMO else "—"
    if roster is None and error_text is None:
        return
    if error_text:
        st.warning(
            t(
                lang,
                "No se pudo leer el roster: {problem} Se sigue usando el último bueno ({age}).",
                problem=error_text,
                age=age,
            ),
            icon="👥",
        )
    if roster is None:
        return
    source = md_text(roster.source, 100)
    counts = dict(people=i18n.number(len(roster.people), lang), repos=i18n.number(len(roster.projects), lang))
    st.caption(
        "👥 "
        + t(
            lang,
            "Roster: {source}, leído {age}: {people} personas, {repos} repositorios de equipos.",
            source=source,
            age=age,
            **counts,
        )
    )
    if roster.problems:
        lines = [
            "- "
            + t(lang, PROBLEMS[problem.kind], value=md_text(problem.value, 60), rows=problem.rows, limit=problem.limit)
            for problem in roster.problems[:30]
        ]
        more = len(roster.problems) - 30
        st.warning(
            "\n".join([t(lang, "Filas del roster que conviene revisar:"), *lines])
            + (f"\n- … (+{more})" if more > 0 else ""),
            icon="⚠️",
        )
