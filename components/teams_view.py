"""The campaign by team and by country: standings tables, the map, a person's team and country,
and what is wrong with the roster (for organizers)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts, i18n
from components.i18n import t
from components.safe import md_text
from components.tables import place_columns, with_medals
from data.model import countries
from data.model.roster import Roster
from data.model.teams import group_rank

TOP_COUNTRIES = 8  # lines on the progress chart


def named(table: pd.DataFrame, by: str, lang: str) -> pd.Series:
    """A group's name to show: a team as written, a country by its name in `lang`."""
    if by == "country":
        return table[by].map(lambda code: countries.name(code, lang), na_action="ignore").astype("string")
    return table[by]


FILE_NAMES = {"team": "teams.csv", "country": "countries.csv"}


def standings_section(table: pd.DataFrame, by: str, csv: bytes, lang: str) -> None:
    """The ranked groups, the unplaced apart, and the table as CSV."""
    standings_table(table, by, lang, key=f"teams.{by}")
    unplaced_note(table, by, lang)
    st.download_button(
        t(lang, f"teams.download_{by}"),
        csv,
        file_name=FILE_NAMES[by],
        mime="text/csv",
        icon="⬇️",
        key=f"teams.{by}_csv",
    )


def standings_table(table: pd.DataFrame, by: str, lang: str, key: str) -> None:
    """The ranked groups (the unplaced are left to `unplaced_note`)."""
    ranked = table[table["rank"].notna()]
    shown = with_medals(ranked).assign(
        name=named(ranked, by, lang),
        per_person=ranked["per_person"].map(lambda value: i18n.number(value, lang, digits=1)),
    )
    top = max(int(ranked["validations"].max()), 1) if len(ranked) else 1
    st.dataframe(
        shown[["rank", "medal", "name", "validations", "corrections", "people", "per_person", "registered", "members"]],
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            **place_columns(lang),
            "name": st.column_config.TextColumn(t(lang, f"teams.col.{by}")),
            "validations": st.column_config.ProgressColumn(
                t(lang, "col.validations"), min_value=0, max_value=top, format="%d"
            ),
            "corrections": st.column_config.NumberColumn(t(lang, "col.corrections")),
            "people": st.column_config.NumberColumn(t(lang, "teams.col.people"), help=t(lang, "teams.col.people_help")),
            "per_person": st.column_config.TextColumn(t(lang, "teams.col.per_person")),
            "registered": st.column_config.NumberColumn(
                t(lang, "teams.col.registered"), help=t(lang, "teams.col.registered_help")
            ),
            "members": st.column_config.TextColumn(t(lang, "teams.col.members"), width="large"),
        },
    )


def unplaced_note(table: pd.DataFrame, by: str, lang: str) -> None:
    """The people counted in no group, apart: how many and what they validated."""
    rest = table[table["rank"].isna()]
    people = int(rest["people"].sum())
    if people:
        validations = i18n.number(int(rest["validations"].sum()), lang)
        st.caption(t(lang, f"teams.unplaced.{by}", people=i18n.number(people, lang), validations=validations))


def country_map(table: pd.DataFrame, lang: str, key: str) -> None:
    ranked = table[table["rank"].notna() & (table["validations"] > 0)]
    frame = pd.DataFrame(
        {
            "iso3": ranked["country"].map(countries.alpha3),
            "name": named(ranked, "country", lang),
            "validations": ranked["validations"],
        }
    ).dropna(subset=["iso3"])
    if frame.empty:
        st.info(t(lang, "teams.no_countries"))
        return
    charts.country_map(frame, lang, key=key)


def country_progress(daily: pd.DataFrame, table: pd.DataFrame, lang: str, key: str) -> None:
    """The running validations of the first countries of `table`."""
    first = table[table["rank"].notna()]["country"].head(TOP_COUNTRIES)
    lines = daily[daily["country"].isin(first)]
    if lines.empty:
        return
    charts.country_progress(lines.assign(name=named(lines, "country", lang)), lang, key=key)


def membership(team: str | None, country: str | None, teams: pd.DataFrame, places: pd.DataFrame, lang: str) -> None:
    """A person's team and country, and the rank of each (Mi posición)."""
    cells = st.columns(2)
    for cell, by, value, table in ((cells[0], "team", team, teams), (cells[1], "country", country, places)):
        if value is None or pd.isna(value):
            cell.metric(t(lang, f"teams.col.{by}"), t(lang, f"teams.none.{by}"))
            continue
        name = value if by == "team" else countries.name(value, lang)
        place = group_rank(table, by, value)
        standing = t(lang, "teams.rank_of", rank=place[0], n=place[1]) if place else None
        cell.metric(t(lang, f"teams.col.{by}"), name, delta=standing, delta_color="off", delta_arrow="off")


def roster_status(roster: Roster | None, error_text: str | None, age: str, lang: str) -> None:
    """For organizers: where the roster comes from, what could not be used, and read failures."""
    if roster is None and error_text is None:
        return
    if error_text:
        st.warning(t(lang, "roster.failed", problem=error_text, age=age), icon="👥")
    if roster is None:
        return
    source = md_text(roster.source, 100)
    counts = dict(people=i18n.number(len(roster.people), lang), repos=i18n.number(len(roster.projects), lang))
    st.caption("👥 " + t(lang, "roster.ok", source=source, age=age, **counts))
    if roster.problems:
        lines = [
            "- " + t(lang, f"roster.problem.{problem.kind}", value=md_text(problem.value, 60), rows=problem.rows)
            for problem in roster.problems[:30]
        ]
        more = len(roster.problems) - 30
        st.warning("\n".join([t(lang, "roster.problems"), *lines]) + (f"\n- … (+{more})" if more > 0 else ""), icon="⚠️")
