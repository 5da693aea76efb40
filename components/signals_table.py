"""The organizer's table of quality signals, with the flag reasons spelled out."""

from __future__ import annotations

import pandas as pd

from components.i18n import t
from components.tables import draw
from data.model.columns import SIGNALS
from data.model.texts import N_

FLAGS = {
    "burst": N_("ráfaga (validaciones muy seguidas)"),
    "never_corrects": N_("nunca corrige"),
    "low_agreement": N_("poco acuerdo con la mayoría"),
}  # the reasons of data/model/quality.py, in words


def flag_reasons(flags: pd.Series, lang: str) -> pd.Series:
    """ "burst,never_corrects" -> the reasons in words, in the chosen language."""
    return flags.fillna("").str.split(",").map(lambda codes: "; ".join(t(lang, FLAGS[c]) for c in codes if c))


def signals_table(table: pd.DataFrame, lang: str) -> None:
    draw(SIGNALS, table.assign(flags=flag_reasons(table["flags"], lang)), lang, "organizer.signals")
