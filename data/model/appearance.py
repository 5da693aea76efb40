"""How each person chose to appear in the public views: by name (the default), as an anonymous
contributor with a stable alias, or not at all.

A choice changes what the public sees, never what is counted: the campaign's totals, the teams'
sums and the organizers' prize list include everyone; the public ranking keeps everyone's ranks
(a hidden person leaves a gap rather than moving the others up, so a public rank is the rank
that decides prizes). An alias is an HMAC of the username under the board's secret, so it is the
same on every page, every day and in every campaign, and cannot be turned back into the name.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from data.model import digests
from data.model.texts import N_

NAME, ALIAS, HIDDEN = "name", "alias", "hidden"
CHOICES = {  # each choice, as the person reads it
    NAME: N_("Con mi nombre"),
    ALIAS: N_("Como contribuidor anónimo"),
    HIDDEN: N_("No aparecer"),
}
ALIAS_PREFIX = "anon·"  # "·" is in no Hub username: an alias is never taken for a profile


@dataclass(frozen=True)
class Choice:
    choice: str
    at: dt.datetime  # when it was made: the latest choice of a person wins wherever it is kept


@dataclass(frozen=True)
class Appearance:
    """Everyone's choices (username -> Choice) and the key their aliases are made with."""

    choices: Mapping[str, Choice] = field(default_factory=dict)
    key: bytes = field(default=b"", repr=False)

    @functools.cached_property
    def digest(self) -> str:
        """Changes when what the public sees changes (a page showing names reruns)."""
        return digests.content(sorted((name, c.choice) for name, c in self.choices.items() if c.choice != NAME))

    def of(self, username: str) -> str:
        found = self.choices.get(username)
        return found.choice if found is not None else NAME

    def alias(self, username: str) -> str:
        mac = hmac.new(self.key, b"alias\x00" + username.encode("utf-8"), hashlib.sha256).hexdigest()
        return ALIAS_PREFIX + mac[:8]

    @functools.cached_property
    def hidden(self) -> frozenset[str]:
        return frozenset(name for name, c in self.choices.items() if c.choice == HIDDEN)

    @functools.cached_property
    def not_by_name(self) -> frozenset[str]:
        return frozenset(name for name, c in self.choices.items() if c.choice != NAME)

    def real_name(self, shown: str) -> str:
        """The username behind a name as shown (an alias, or the name itself)."""
        if shown.startswith(ALIAS_PREFIX):
            for name, c in self.choices.items():
                if c.choice == ALIAS and self.alias(name) == shown:
                    return name
        return shown

    def public_names(self, names: pd.Series) -> pd.Series:
        """Each name as the public sees it: an alias, or missing for the hidden."""
        chosen = {name: c.choice for name, c in self.choices.items() if c.choice != NAME}
        if not chosen:
            return names
        choice = names.map(chosen)
        aliases = names[choice.eq(ALIAS).fillna(False).to_numpy()].map(self.alias)
        shown = names.astype("string").copy()
        shown[aliases.index] = aliases.astype("string")
        return shown.mask(choice.eq(HIDDEN).fillna(False).to_numpy())

    def public(self, table: pd.DataFrame, keep: str | None = None, column: str = "username") -> pd.DataFrame:
        """The rows the public sees: the hidden left out, aliases for names (`keep`: a person who
        sees their own row, by name, whatever they chose)."""
        if not self.not_by_name:
            return table
        names = table[column]
        shown = self.public_names(names)
        if keep is not None:
            shown = shown.mask(names.eq(keep).fillna(False).to_numpy(), keep)
        visible = shown.notna().to_numpy()
        return table[visible].assign(**{column: shown[visible].astype(names.dtype)})


EVERYONE = Appearance()  # nobody chose anything: every name is shown


def parse(document: Mapping[str, Any] | None) -> dict[str, Choice]:
    """The choices of a stored document ({"people": {name: {"choice", "at"}}}); what cannot be read is left out."""
    people = document.get("people") if isinstance(document, Mapping) else None
    found: dict[str, Choice] = {}
    for name, entry in (people or {}).items() if isinstance(people, Mapping) else ():
        if not isinstance(entry, Mapping) or entry.get("choice") not in CHOICES:
            continue
        try:
            at = dt.datetime.fromisoformat(str(entry.get("at")))
        except ValueError:
            continue
        found[str(name)] = Choice(str(entry["choice"]), at if at.tzinfo else at.replace(tzinfo=dt.UTC))
    return found


def document(choices: Mapping[str, Choice]) -> dict[str, Any]:
    people = {name: {"choice": c.choice, "at": c.at.isoformat()} for name, c in sorted(choices.items())}
    return {"format": 1, "people": people}


def merged(mine: Mapping[str, Choice], theirs: Mapping[str, Choice]) -> dict[str, Choice]:
    """Both sets of choices, each person's latest winning."""
    out = dict(mine)
    for name, choice in theirs.items():
        if name not in out or choice.at > out[name].at:
            out[name] = choice
    return out
