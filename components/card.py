"""The picture a shared link shows: a 1200×630 PNG card (the size link previews use) for the
campaign, or for one person (rank, validations, corrections), with the campaign's progress.

Drawn with Pillow in the shipped DejaVu fonts through libraqm (HarfBuzz shaping and FriBiDi
ordering), so accents, Arabic and Hebrew come out as written; emoji are drawn from Noto Color
Emoji (a bitmap font, drawn at its one size and scaled) when the system has it. A name is drawn
without control and format characters and set smaller, then shortened, until it fits.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from dataclasses import dataclass, replace

import pandas as pd
from PIL import Image, ImageDraw, ImageFont

from components import i18n
from components.fonts import FONTS, Face, codepoints, emoji_font, faces_for, printable, text_codepoints
from components.i18n import t
from data.text import shown_name, visible

SIZE = (1200, 630)
MARGIN = 80
ACCENT = (191, 63, 26)  # the theme's primary colour (.streamlit/config.toml)
INK = (14, 11, 12)
MUTED = (88, 84, 85)
TRACK = (240, 226, 221)
EMOJI_SIZE = 109  # Noto Color Emoji's bitmaps exist at this size only


@dataclass(frozen=True)
class CardFacts:
    campaign: str
    done: float  # share of the campaign's records completed, 0..1
    people: int  # contributors ranked
    validations: int  # the campaign's, or the person's
    name: str | None = None  # a person's card when set
    rank: int | None = None
    corrections: int = 0
    community: str = ""  # whose campaign it is ([site] name), before its title in the header


def facts_for(
    title: str,
    me: pd.Series | None,
    everyone: pd.DataFrame,
    progress: pd.DataFrame,
    community: str = "",
) -> CardFacts:
    """The card's facts: the campaign's (its totals count `everyone`), or one person's, from their
    row of the public ranking (`me`; None, for a name not shown: the campaign's)."""
    total, completed = int(progress["total"].sum()), int(progress["completed"].sum())
    campaign = CardFacts(title, completed / total if total else 0.0, len(everyone), 0, community=community)
    if me is None:
        return replace(campaign, validations=int(everyone["validations"].sum()))
    return replace(
        campaign,
        validations=int(me["validations"]),
        corrections=int(me["corrections"]),
        name=str(me["username"]),
        rank=int(me["rank"]),
    )


@functools.lru_cache(maxsize=32)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    path = FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


@functools.cache
def _emoji() -> ImageFont.FreeTypeFont:
    """The emoji font (a text has emoji runs only where one is installed: `_runs`)."""
    path = emoji_font()
    if path is None:
        raise FileNotFoundError("no emoji font installed")
    return ImageFont.truetype(str(path), EMOJI_SIZE)


Source = Face | str  # what draws a run: "" DejaVu, "emoji" the emoji font, else a Noto face


@functools.lru_cache(maxsize=64)
def _face_font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(face.path), size, index=face.index, layout_engine=ImageFont.Layout.RAQM)


def _runs(text: str) -> list[tuple[Source, str]]:
    """`text` cut where it passes from one font to another: DejaVu, the emoji font, or the Noto face
    of a script DejaVu lacks (components/fonts.py); marks and joiners stay with what they follow."""
    known, emoji, faces = text_codepoints(), emoji_font(), faces_for(text)
    emoji_points = codepoints(emoji) if emoji else frozenset()

    def source(ch: str) -> Source:
        if ord(ch) in known:
            return ""
        if ord(ch) in emoji_points:
            return "emoji"
        return next((face for face in faces if ord(ch) in codepoints(face.path, face.index)), "")

    runs: list[tuple[Source, str]] = []
    for ch in text:
        follows = bool(runs) and unicodedata.category(ch) in ("Mn", "Mc", "Me", "Cf")
        kind = runs[-1][0] if follows else source(ch)
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1] + ch)
        else:
            runs.append((kind, ch))
    return runs


def _width(text: str, font: ImageFont.FreeTypeFont) -> float:
    total = 0.0
    for kind, run in _runs(text):
        if kind == "emoji":
            total += _emoji().getlength(run) * font.size / EMOJI_SIZE
        elif isinstance(kind, Face):
            total += _face_font(kind, int(font.size)).getlength(run)
        else:
            total += font.getlength(run)
    return total


def _draw(image: Image.Image, xy: tuple[float, float], text: str, font: ImageFont.FreeTypeFont, fill) -> None:
    """Draw `text` with its top-left at `xy`: each run in its font, emoji scaled to the text."""
    draw = ImageDraw.Draw(image)
    x, y = xy
    for kind, run in _runs(text):
        if kind != "emoji":
            drawn = _face_font(kind, int(font.size)) if isinstance(kind, Face) else font
            draw.text((x, y), run, font=drawn, fill=fill)
            x += drawn.getlength(run)
            continue
        source = _emoji()
        width = int(source.getlength(run)) or 1
        layer = Image.new("RGBA", (width, int(EMOJI_SIZE * 1.25)), (0, 0, 0, 0))
        ImageDraw.Draw(layer).text((0, 0), run, font=source, embedded_color=True)
        scale = font.size / EMOJI_SIZE
        layer = layer.resize((max(1, int(width * scale)), max(1, int(layer.height * scale))), Image.Resampling.LANCZOS)
        image.alpha_composite(layer, (int(x), int(y + font.size * 0.05)))
        x += layer.width


def _fitted(text: str, bold: bool, sizes: range, width: float) -> tuple[str, ImageFont.FreeTypeFont]:
    """The largest size at which `text` fits `width`; at the smallest, shortened with an ellipsis."""
    estimate = sizes[0] * width / max(_width(text, _font(bold, sizes[0])), 1.0)  # width grows with size
    for size in [s for s in sizes if s <= estimate + 1] or [sizes[-1]]:
        font = _font(bold, size)
        if _width(text, font) <= width:
            return text, font
    font = _font(bold, sizes[-1])
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        if _width(text[:middle].rstrip() + "…", font) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…", font


@functools.lru_cache(maxsize=256)
def card_png(facts: CardFacts, lang: str) -> bytes:
    """The card stating `facts`, in `lang`, as PNG bytes (kept by content: a new number, a new card)."""
    return _png(_card(facts, lang))


@functools.lru_cache(maxsize=256)
def card_preview(facts: CardFacts, lang: str, width: int) -> bytes:
    """The card at `width` pixels, as a page shows it: scaled once here, not by `st.image` for every
    viewer (Streamlit resizes and re-encodes an image wider than it is shown, on each run). Drawn
    and scaled, never decoded from the full card's PNG: most of a page's cost when a campaign's
    progress changes every open person's card (half the width: each 2×2 block averaged, 1 ms)."""
    image, height = _card(facts, lang), round(SIZE[1] * width / SIZE[0])
    factor = SIZE[0] // width
    exact = SIZE[0] == factor * width and SIZE[1] // factor == height
    return _png(image.reduce(factor) if exact else image.resize((width, height), Image.Resampling.LANCZOS), level=1)


def _png(image: Image.Image, level: int = 6) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=level)
    return buffer.getvalue()


def _card(facts: CardFacts, lang: str) -> Image.Image:
    image = Image.new("RGBA", SIZE, (255, 255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 24, SIZE[1]), fill=ACCENT)
    inner = SIZE[0] - 2 * MARGIN
    campaign = printable(visible(facts.campaign))
    header = " · ".join(part for part in (printable(visible(facts.community)), campaign) if part)
    header, font = _fitted(header, True, range(34, 21, -2), inner)
    _draw(image, (MARGIN, 60), header, font, ACCENT)
    if facts.name is not None:
        name = printable(shown_name(facts.name))[:150]  # no line of 1040 px holds more at 40 px
        name, font = _fitted(name, True, range(96, 39, -4), inner)
        _draw(image, (MARGIN, 150), name, font, INK)
        rank = t(
            lang,
            "Puesto {rank} de {people}",
            rank=i18n.number(facts.rank or 0, lang),
            people=i18n.number(facts.people, lang),
        )
        _draw(image, (MARGIN, 290), rank, _font(True, 48), INK)
        counts = t(
            lang,
            "{validations} validaciones · {corrections} correcciones",
            validations=i18n.number(facts.validations, lang),
            corrections=i18n.number(facts.corrections, lang),
        )
        _draw(image, (MARGIN, 360), counts, _font(False, 40), MUTED)
    else:
        title, font = _fitted(campaign, True, range(88, 39, -4), inner)
        _draw(image, (MARGIN, 150), title, font, INK)
        if facts.people:  # none yet (nothing read): no numbers rather than zeros
            totals = t(
                lang,
                "{validations} validaciones de {people} personas",
                validations=i18n.number(facts.validations, lang),
                people=i18n.number(facts.people, lang),
            )
            _draw(image, (MARGIN, 300), totals, _font(False, 44), MUTED)
    if facts.people:
        _progress(image, facts.done, inner, lang)
    return image.convert("RGB")


def _progress(image: Image.Image, done: float, inner: int, lang: str) -> None:
    draw = ImageDraw.Draw(image)
    done = min(max(done, 0.0), 1.0)
    draw.rounded_rectangle((MARGIN, 470, MARGIN + inner, 500), radius=15, fill=TRACK)
    if done > 0:
        draw.rounded_rectangle((MARGIN, 470, MARGIN + max(30, int(inner * done)), 500), radius=15, fill=ACCENT)
    _draw(
        image,
        (MARGIN, 520),
        t(lang, "Campaña: {percent} completado", percent=i18n.percent(done, lang)),
        _font(False, 34),
        INK,
    )
