"""The campaign by team and by country: the per-person ranking, grouped by the roster.

Every ranked person counts exactly once in each grouping: people the roster does not place (or
places without a team, or without a known country) form the group with no name (`pd.NA`), shown
apart as "sin equipo" / "sin país", so the groups' sums are the ranking's sums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.model.roster import Roster, person_key

GROUPS = ("team", "country")
STANDING_COLUMNS = ["rank", "validations", "corrections", "people", "per_person", "registered", "members"]
TOP_MEMBERS = 5  # names listed per group


def placed(contributors: pd.DataFrame, roster: Roster) -> pd.DataFrame:
    """The ranking with each person's team and country (missing where the roster has none)."""
    people = roster.people.set_index("key")[["team", "country"]]
    keys = person_key(contributors["username"])
    found = people.reindex(keys.to_numpy())
    return contributors.assign(team=found["team"].to_numpy(), country=found["country"].to_numpy()).astype(
        {"team": "string", "country": "string"}
    )


def standings(placed_table: pd.DataFrame, roster: Roster, by: str) -> pd.DataFrame:
    """Per team or country (`by`): validations, corrections, people who validated, validations per
    person, people registered in the roster and the first members by validations; ranked by
    validations (1, 2, 2, 4). The unplaced are the last row, with no name and no rank."""
    if by not in GROUPS:
        raise ValueError(f"group by one of {GROUPS}, not {by!r}")
    key = placed_table[by].fillna("\x00")  # the unplaced as one group of their own
    active = placed_table["validations"] > 0
    ordered = placed_table.assign(_key=key, _active=active)
    grouped = ordered.groupby("_key", sort=False)
    table = pd.DataFrame(
        {
            "validations": grouped["validations"].sum(),
            "corrections": grouped["corrections"].sum(),
            "people": grouped["_active"].sum(),
            "members": ordered[active].groupby("_key", sort=False)["username"].agg(lambda names: _first(names)),
        }
    )
    registered = roster.people[by].value_counts()
    everyone = table.index.union(registered.index)
    table = table.reindex(everyone)
    table[["validations", "corrections", "people"]] = table[["validations", "corrections", "people"]].fillna(0)
    table = table.astype({"validations": "int64", "corrections": "int64", "people": "int64"})
    table["registered"] = registered.reindex(table.index).fillna(0).astype("int64")
    table["members"] = table["members"].fillna("").astype("string")
    with np.errstate(divide="ignore", invalid="ignore"):
        table["per_person"] = (table["validations"] / table["people"]).where(table["people"] > 0, 0.0)
    table.index = table.index.rename(by)
    table = table.reset_index()
    unplaced = table[by] == "\x00"
    ranked = table[~unplaced].copy()
    ranked["rank"] = ranked["validations"].rank(method="min", ascending=False).astype("int64")
    ranked = ranked.sort_values(["rank", "people", by], ascending=[True, False, True], kind="mergesort")
    rest = table[unplaced].assign(**{by: pd.NA, "rank": pd.NA})
    out = pd.concat([ranked, rest], ignore_index=True)
    out[by] = out[by].astype("string")
    out["rank"] = out["rank"].astype("Int64")
    return out[[by, *STANDING_COLUMNS]]


def _first(names: pd.Series) -> str:
    """The first members (the table is in ranking order), and how many more; a missing name
    (someone who chose not to appear) is counted, not named."""
    named = names.dropna().head(TOP_MEMBERS)
    more = len(names) - len(named)
    shown = ", ".join(named)
    return f"{shown} (+{more})" if more > 0 and shown else (f"+{more}" if more > 0 else shown)


def group_rank(standings_table: pd.DataFrame, by: str, name: str | None) -> tuple[int, int] | None:
    """A group's rank and how many groups are ranked; None for the unplaced."""
    ranked = standings_table[standings_table["rank"].notna()]
    row = ranked[ranked[by] == name] if name is not None else ranked.iloc[0:0]
    return (int(row["rank"].iloc[0]), len(ranked)) if len(row) else None


def daily_by_country(in_window: pd.DataFrame, placed_table: pd.DataFrame) -> pd.DataFrame:
    """Validations per UTC day and country (the ranked people's, in the campaign window), with the
    running total per country: the progress of each country over time."""
    submitted = in_window[(in_window["status"] == "submitted").to_numpy() & in_window["updated_at"].notna().to_numpy()]
    users = submitted["user"].astype("category")
    # each user's country (missing for the unranked and the unplaced), looked up once per distinct name
    of_user = placed_table.set_index("username")["country"].reindex(users.cat.categories.astype("string"))
    country = np.append(of_user.to_numpy(), pd.NA)[users.cat.codes.to_numpy()]
    frame = pd.DataFrame(
        {"day": submitted["updated_at"].dt.floor("D").to_numpy(), "country": pd.array(country, dtype="string")}
    )
    daily = frame.dropna().groupby(["country", "day"]).size().rename("validations").reset_index()
    daily["total"] = daily.groupby("country")["validations"].cumsum()
    return daily.sort_values(["day", "country"], kind="mergesort").reset_index(drop=True)
