"""Badges a contributor or a campaign README can show: flat, shields-style SVG (a grey label, a
coloured message), measured in the DejaVu Sans the card uses, with a `<title>` and an aria-label
saying the whole of it. Every text is the data's, so it is made visible (no control or format
characters), clipped for display, and XML-escaped: no markup of a name ever reaches the SVG."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from PIL import ImageFont

from components import i18n
from components.fonts import DEJAVU
from components.i18n import t, tn
from data.text import shorten, shown_name

HEIGHT, PAD, SIZE = 20, 6, 11
LABEL_COLOUR, MESSAGE_COLOUR = "#555", "#b5401c"  # the theme's orange, darkened: white text at 5.6:1
LONGEST = 32  # characters of a label or message shown


@dataclass(frozen=True)
class Badge:
    svg: bytes
    says: str  # the whole of it in words (its <title>; an <img>'s alt)


@functools.cache
def _font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(DEJAVU[0]), SIZE)


def _width(text: str) -> int:
    return int(round(_font().getlength(text))) + 2 * PAD


def badge(label: str, message: str, title: str) -> bytes:
    """An SVG badge reading `label | message`, described whole by `title`."""
    label, message = (shorten(shown_name(text), LONGEST) for text in (label, message))
    left, right = _width(label), _width(message)
    whole = left + right
    described = quoteattr(shown_name(title))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{whole}" height="{HEIGHT}" role="img" aria-label={described}>',
        f"<title>{escape(shown_name(title))}</title>",
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>',
        f'<clipPath id="r"><rect width="{whole}" height="{HEIGHT}" rx="3" fill="#fff"/></clipPath>',
        f'<g clip-path="url(#r)"><rect width="{left}" height="{HEIGHT}" fill="{LABEL_COLOUR}"/>',
        f'<rect x="{left}" width="{right}" height="{HEIGHT}" fill="{MESSAGE_COLOUR}"/>',
        f'<rect width="{whole}" height="{HEIGHT}" fill="url(#s)"/></g>',
        f'<g fill="#fff" text-anchor="middle" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="{SIZE}">',
        f'<text x="{left / 2:.1f}" y="14">{escape(label)}</text>',
        f'<text x="{left + right / 2:.1f}" y="14">{escape(message)}</text></g></svg>',
    ]
    svg = "\n".join(parts) + "\n"
    return svg.encode("utf-8")


def campaign_badge(title: str, done: float, lang: str) -> Badge:
    """The campaign's progress: its title, and the share of its records completed."""
    message = t(lang, "{percent} completado", percent=i18n.percent(done, lang))
    return Badge(badge(title, message, f"{title}: {message}"), shown_name(f"{title}: {message}"))


def contributor_badge(username: str, rank: int, people: int, validations: int, campaign: str, lang: str) -> Badge:
    """One person's rank and validations in a campaign."""
    shown = {"n": i18n.number(validations, lang), "rank": i18n.number(rank, lang), "people": i18n.number(people, lang)}
    message = tn(lang, "puesto {rank} · {n} validación", "puesto {rank} · {n} validaciones", validations, **shown)
    title = tn(
        lang,
        "{user}: puesto {rank} de {people} con {n} validación en {campaign}",
        "{user}: puesto {rank} de {people} con {n} validaciones en {campaign}",
        validations,
        user=username,
        campaign=campaign,
        **shown,
    )
    return Badge(badge(username, message, title), shown_name(title))
