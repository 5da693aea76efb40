"""Countries as people write them ("MX", "mex", "México", "Mexico", "EE. UU.") -> ISO 3166 codes.

The codes and English names come from the ISO 3166 tables (pycountry), the Spanish and English
everyday names from the Unicode CLDR (babel), so "Estados Unidos", "United States", "US" and "USA"
are one country; what matches nothing is reported, never guessed. Matching ignores case, accents
and punctuation.
"""

from __future__ import annotations

import functools
import gettext
import re

import pandas as pd
import pycountry
from babel import Locale

from data.text import folded

# everyday forms the ISO and CLDR tables do not carry
ALIASES = {
    "eeuu": "US",
    "ee uu": "US",
    "usa": "US",
    "estados unidos de america": "US",
    "uk": "GB",
    "inglaterra": "GB",
    "england": "GB",
    "escocia": "GB",
    "scotland": "GB",
    "holanda": "NL",
    "rusia": "RU",
    "corea": "KR",
    "korea": "KR",
    "bolivia": "BO",
    "venezuela": "VE",
    "republica dominicana": "DO",
    "rep dominicana": "DO",
    "guinea ecuatorial": "GQ",
}


def _key(text: str) -> str:
    """How a country's name is compared: folded, punctuation as spaces, spaces collapsed."""
    return " ".join(re.sub(r"[^\w]+", " ", folded(text)).split())


@functools.cache
def _index() -> dict[str, str]:
    """Every known way to write a country -> its alpha-2 code."""
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names = [country.alpha_2, country.alpha_3, country.name]
        names += [getattr(country, attr) for attr in ("common_name", "official_name") if hasattr(country, attr)]
        names += [spanish.gettext(name) for name in names[2:]]
        names += [Locale(lang).territories.get(code, "") for lang in ("es", "en")]
        for name in filter(None, names):
            index.setdefault(_key(name), code)
    index.update(ALIASES)
    return index


def normalise(values: pd.Series) -> pd.Series:
    """Each value's ISO 3166 alpha-2 code, or missing where it is blank or no country (each
    distinct value is looked up once)."""
    text = values.astype("string").str.strip()
    distinct = text.dropna().unique()
    codes = {value: _index().get(_key(value)) for value in distinct}
    return text.map(codes, na_action="ignore").astype("string")


@functools.cache
def alpha3(code: str) -> str | None:
    """ISO 3166 alpha-3 (what the map's shapes are keyed by) of an alpha-2 code."""
    country = pycountry.countries.get(alpha_2=code)
    return country.alpha_3 if country is not None else None


@functools.cache
def name(code: str, lang: str) -> str:
    """A country's everyday name in `lang` ("es" or "en"), with its flag."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    named = Locale(lang).territories.get(code) or getattr(country, "common_name", country.name)
    return f"{getattr(country, 'flag', '')} {named}".strip()
