"""The faces a certificate embeds, cut small: fpdf2 parses every font a document embeds, for every
document, and the whole faces were most of a certificate's time (BENCHMARKS.md section 9).

- A page whose every character is Latin (the wording in every language, and every Hub username) is
  set in DejaVu Sans cut to the Latin alphabets of Western and Central Europe (`LATIN`), about 350
  glyphs instead of 6,000, and needs no shaping.
- Any other page is set in the same Latin cut, and each character it lacks is drawn by a *slice*:
  the face that draws it (components/fonts.py chooses, as for the whole faces) cut to the 256 code
  points around it, with its layout tables, so HarfBuzz shapes it as in the whole face. The alphabets'
  Unicode blocks (Arabic, Devanagari, Thai, Cyrillic...) each fall within one slice; a Chinese name
  takes a slice of a few hundred glyphs per character instead of Noto CJK's 65,000. This is how web
  fonts are served (a face split by `unicode-range`). What modifies the character before it (a skin
  tone, an emoji's style) is in every slice, and the page draws it in its base's (certificate_pdf).

Cuts are made with fontTools' subsetter once per machine, into the temporary directory, under names
that change with the source font and the cut. Where none can be written, the whole faces draw the
page, only slower.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

from components.fonts import DEJAVU, Face, codepoints, fallback_faces

UNSHAPED = ("GSUB", "GPOS", "GDEF", "kern")  # the Latin cut is drawn without shaping: no layout tables
# FontForge's dates, which fontTools cannot cut; and what only vertical or mathematical setting reads
# (a page is set horizontally, its widths in the PDF): fpdf2 would parse and write them in every document
DROPPED = ("FFTM", "BASE", "VORG", "vhea", "vmtx", "MATH")
# What the Latin cut draws: the Western European code page (cp1252: Basic Latin, Latin-1, the euro,
# typographic quotes and dashes, Œ Š Ž...), Latin Extended-A (Central European, Baltic, Turkish
# letters) and Romanian's Ș Ț, the spaces, hyphen and minus that dates and numbers are written with
# (CLDR's), and the replacement character. Every text of the catalogues is in it, and as a rule a name
# in Latin letters. fpdf2 parses and cuts the main faces again for every document: 348 glyphs instead
# of 768 (all of Extended-B, the combining marks, General Punctuation) take a Latin page 29 -> 27 ms.
# A character beyond it (Vietnamese ơ, a combining accent) is drawn by a slice of DejaVu, shaped.
LATIN = frozenset(ord(ch) for ch in bytes(range(0x20, 0x100)).decode("cp1252", errors="ignore")) - set(
    range(0x7F, 0xA0)
) | {*range(0x100, 0x180), 0x218, 0x219, 0x21A, 0x21B, 0x2009, 0x2011, 0x202F, 0x2212, 0xFFFD}
SLICE = 256  # code points per slice, aligned: most alphabets' blocks fall within one
# What modifies the character before it (a keycap, text or emoji style, skin tones, a flag's tags):
# in every slice, and drawn in the font of the character it follows.
JOINERS = frozenset([0x20E3, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)])
log = logging.getLogger(__name__)
FOLDER = Path(tempfile.gettempdir()) / f"tablero-fonts-{os.getuid()}"


@dataclass(frozen=True)
class Fallback:
    """A slice as fpdf2 takes it: a family (one per face and slice), a style ("" or "B"), a file."""

    family: str
    style: str
    path: Path


def drawn_by_latin(text: str) -> bool:
    """Whether the Latin faces draw every character of `text`."""
    faces = latin_faces()
    return faces is not None and _wanted(text) <= _drawn_by(faces)


@functools.cache
def latin_faces() -> tuple[Path, Path] | None:
    """DejaVu's two weights cut to `LATIN`, made once and kept in `FOLDER` (None if they cannot be
    written: the whole faces then draw every certificate, only slower)."""
    codes = sorted(LATIN)
    try:
        return (
            _cut(Face(DEJAVU[0]), "latin", codes, shaped=False),
            _cut(Face(DEJAVU[1]), "latin", codes, shaped=False),
        )
    except OSError:
        log.exception("certificates: the Latin faces could not be made in %s", FOLDER)
        return None


def fallbacks_for(text: str) -> tuple[Fallback, ...] | None:
    """The slices that draw what the Latin faces cannot of `text`, in the order fpdf2 is to try them:
    DejaVu's (both weights), then those of `fallback_faces` (the emoji font, Noto's faces); none
    for a page the Latin faces draw whole. None if the Latin faces or a slice cannot be written."""
    faces = latin_faces()
    if faces is None:
        return None
    wanted = _wanted(text) - _drawn_by(faces)
    regular, bold = (wanted & codepoints(path) for path in DEJAVU)
    try:
        found = [*_slices(Face(DEJAVU[0]), "DejaVu", "", regular), *_slices(Face(DEJAVU[1]), "DejaVu", "B", bold)]
        wanted -= regular & bold
        for face in fallback_faces(text):
            drawn = wanted & codepoints(face.path, face.index)
            found += _slices(face, face.family, "", drawn)
            wanted -= drawn
    except OSError:
        log.exception("certificates: a slice of a face could not be made in %s", FOLDER)
        return None
    return tuple(found)


def _slices(face: Face, family: str, style: str, codes: set[int]) -> list[Fallback]:
    """The slices of `face` that hold `codes`, as fpdf2's family `family`-<slice> in `style`."""
    pages = {code // SLICE for code in codes - JOINERS} or {code // SLICE for code in codes}
    return [Fallback(f"{family}-{page:x}", style, _slice(face, page)) for page in sorted(pages)]


def _wanted(text: str) -> set[int]:
    return {ord(ch) for ch in text if not unicodedata.category(ch).startswith("C")}


@functools.cache
def _drawn_by(faces: tuple[Path, Path]) -> frozenset[int]:
    return codepoints(faces[0]) & codepoints(faces[1])


@functools.lru_cache(maxsize=512)
def _slice(face: Face, page: int) -> Path:
    codes = sorted(code for code in codepoints(face.path, face.index) if code // SLICE == page or code in JOINERS)
    return _cut(face, f"{page:x}", codes, shaped=True)


def _cut(face: Face, name: str, codes: Iterable[int], shaped: bool) -> Path:
    """`face` cut to `codes`, with what its layout reaches from them and its layout tables if `shaped`."""
    codes = list(codes)
    font = TTFont(face.path, fontNumber=face.index, lazy=True)
    cff = "CFF " in font
    # A CFF face keeps its hints and its bounds: taking the hints out and measuring every outline
    # again ran each glyph's program twice (a slice of Noto CJK: 0.85 s made so, 0.48 s now). Its
    # subroutines are inlined: fpdf2 subsets every slice again for every document, and finding and
    # renumbering the subroutines its few glyphs use cost a Chinese name's page 3 ms of its 52.
    options = subset.Options(name_IDs=["*"], glyph_names=True, notdef_outline=True, hinting=cff, desubroutinize=cff)
    if shaped:  # every feature kept: HarfBuzz shapes a slice as it would the whole face
        options.layout_features = ["*"]
    options.drop_tables += DROPPED + (() if shaped else UNSHAPED)
    recipe = repr((_source_tag(face.path), face.index, codes, sorted(vars(options).items()), fontTools.version))
    target = FOLDER / f"{face.path.stem}-{face.index}-{name}-{hashlib.sha256(recipe.encode()).hexdigest()[:16]}"
    target = target.with_suffix(".otf" if cff else ".ttf")
    if target.exists():
        return target
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    font.recalcBBoxes = not cff
    FOLDER.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=FOLDER, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:  # written whole, then renamed: a worker never reads half
            font.save(out)
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)
    return target


@functools.cache
def _source_tag(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
