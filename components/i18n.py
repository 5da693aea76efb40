"""The UI's texts in the language asked for, from gettext catalogues, and locale-aware formatting.

Texts are written in Spanish, the source language, where they are used: `t(lang, "Validaciones")`,
`tn(lang, "{n} día", "{n} días", days, n=...)` for a count, `tc(lang, "equipos", "Personas")` where
one Spanish text has two translations, and `N_("…")` (data/model/texts.py) where a text is declared
and drawn later. `python -m scripts.i18n` extracts them into `locales/messages.pot` and updates
every `locales/<lang>/LC_MESSAGES/messages.po`; each catalogue is compiled in memory at start.
A language is one `.po` file: its header's `Language` names the locale its numbers and dates follow.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from pathlib import Path
from typing import Literal

import pandas as pd
from babel import Locale, negotiate_locale
from babel.dates import format_date, format_datetime, format_skeleton, format_timedelta, get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
SOURCE, SOURCE_LOCALE = "es", "es_ES"  # the language the texts are written in


def _compiled(path: Path) -> tuple[gettext.GNUTranslations, str]:
    """A .po file as gettext reads a .mo one (fuzzy entries left out), and its locale."""
    with path.open("rb") as file:
        catalog = read_po(file)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer), str(catalog.locale)


def _load() -> dict[str, tuple[gettext.NullTranslations, str]]:
    found: dict[str, tuple[gettext.NullTranslations, str]] = {SOURCE: (gettext.NullTranslations(), SOURCE_LOCALE)}
    for path in sorted(LOCALES_DIR.glob("*/LC_MESSAGES/messages.po")):
        found[path.parts[-3]] = _compiled(path)
    return found


CATALOGUES = _load()
LOCALES = {lang: locale for lang, (_, locale) in CATALOGUES.items()}
LANGUAGES = {
    lang: (Locale.parse(locale).get_language_name(lang) or lang).capitalize() for lang, locale in LOCALES.items()
}


def preferred(accept_language: str) -> str:
    """The language a browser asks for first among ours (an Accept-Language header, its q-values
    honoured: "ca-ES,ca;q=0.9,en;q=0.8"), else the source language."""
    asked = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, weight = part.strip().partition(";q=")
        try:
            quality = float(weight) if weight else 1.0
        except ValueError:
            continue
        if tag and tag != "*" and quality > 0:
            asked.append((-quality, position, tag.lower().replace("-", "_")))
    found = negotiate_locale([tag for *_, tag in sorted(asked)], list(CATALOGUES))
    return found if found in CATALOGUES else SOURCE


def _translations(lang: str) -> gettext.NullTranslations:
    return CATALOGUES.get(lang, CATALOGUES[SOURCE])[0]


def t(lang: str, message: str, **values: object) -> str:
    """`message` in `lang` (the Spanish text where it has no translation), `{name}` placeholders filled."""
    text = _translations(lang).gettext(message)
    return text.format(**values) if values else text


def tn(lang: str, singular: str, plural: str, count: int, **values: object) -> str:
    """The form of a text that `count` asks for in `lang` (gettext's plural forms)."""
    return _translations(lang).ngettext(singular, plural, count).format(**values)


def tc(lang: str, context: str, message: str, **values: object) -> str:
    """`message` as meant in `context`: a Spanish text with two translations."""
    text = _translations(lang).pgettext(context, message)
    return text.format(**values) if values else text


def number(value: float, lang: str, digits: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


@functools.cache
def _percent_pattern(lang: str) -> str:
    """The locale's own percent pattern with one decimal ("#,##0 %" in Spanish, "#,##0%" in English)."""
    return Locale.parse(LOCALES[lang]).percent_formats[None].pattern.replace("#,##0", "#,##0.0", 1)


def percent(value: float, lang: str) -> str:
    """The one percentage format of every page and table: "33,7 %" in Spanish, "33.7%" in English."""
    return format_percent(value, format=_percent_pattern(lang), locale=LOCALES[lang])


def percents(values: pd.Series, lang: str) -> pd.Series:
    """`percent` for a column (tables draw text as given: their own number formats follow the
    browser's locale, not the page's language); each distinct value is formatted once."""
    distinct = {value: percent(value, lang) for value in values.dropna().unique()}
    return values.map(distinct).astype("string").fillna("—")


def date(value: dt.date, lang: str) -> str:
    return format_date(value, format="medium", locale=LOCALES[lang])


def dates(values: pd.Series, lang: str, moments: bool = False) -> pd.Series:
    """`date` (or, with `moments`, `datetime`) for a column of timestamps, each distinct one formatted once."""
    shown = datetime if moments else (lambda value, lang: date(value.date(), lang))
    distinct = {value: shown(value.to_pydatetime(), lang) for value in values.dropna().unique()}
    return values.map(distinct).astype("string").fillna("—")


def day_and_month(value: dt.date, lang: str) -> str:
    """A day as a chart's axis shows it: "3 mar" in Spanish, "Mar 3" in English."""
    return format_skeleton("MMMd", value, locale=LOCALES[lang])


@functools.cache
def separators(lang: str) -> str:
    """The decimal and the thousands separators (",." in Spanish, ".," in English): plotly's `separators`."""
    return get_decimal_symbol(LOCALES[lang]) + get_group_symbol(LOCALES[lang])


def datetime(value: dt.datetime, lang: str) -> str:
    return format_datetime(value, format="medium", tzinfo=dt.UTC, locale=LOCALES[lang]) + " UTC"


def weekday_names(lang: str) -> list[str]:
    """Monday first, abbreviated: ["lun", "mar", ...] / ["Mon", "Tue", ...]."""
    names = get_day_names("abbreviated", locale=LOCALES[lang])
    return [names[day] for day in range(7)]


def age(delta: dt.timedelta, lang: str) -> str:
    """'hace 3 minutos' / '3 minutes ago'; in seconds under a minute (a read that just landed is not
    'a minute ago'); a negative delta is in the future ('in 12 seconds')."""
    if dt.timedelta(0) <= delta < dt.timedelta(seconds=1):
        delta = dt.timedelta(seconds=1)
    granularity: Literal["second", "minute"] = "second" if abs(delta) < dt.timedelta(minutes=1) else "minute"
    return format_timedelta(-delta, granularity=granularity, add_direction=True, threshold=1.1, locale=LOCALES[lang])


def duration(delta: dt.timedelta, lang: str) -> str:
    """'8 minutos' / '8 minutes': a length of time, without a direction."""
    return format_timedelta(abs(delta), threshold=1.1, locale=LOCALES[lang])
