"""DejaVu Sans cut down to the Latin alphabets, for certificates whose every character is Latin.

fpdf2 parses every font a document embeds, for every document: DejaVu's 6,000 glyphs were about
half of a certificate's time (BENCHMARKS.md section 9). The Latin cut (about 750 glyphs) is made
once per machine with fontTools' subsetter into the temporary directory, under a name that changes
with the source font and the ranges; fpdf2 parses and embeds it about five times faster. A page with any other character
uses the whole faces and the fallbacks (components/fonts.py), as before.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
import unicodedata
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

from components.fonts import DEJAVU, codepoints

DROPPED = ("GSUB", "GPOS", "GDEF", "kern", "FFTM")  # drawn without shaping: no layout; FontForge's dates
LATIN = (  # Basic Latin, Latin-1, Extended-A and -B, combining marks, general punctuation, the euro
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x0300, 0x036F),
    (0x2000, 0x206F),
    (0x20AC, 0x20AC),
    (0xFFFD, 0xFFFD),
)
log = logging.getLogger(__name__)
FOLDER = Path(tempfile.gettempdir()) / f"tablero-fonts-{os.getuid()}"


def latin_faces_for(text: str) -> tuple[Path, Path] | None:
    """The Latin faces (regular, bold) when they draw every character of `text`, else None."""
    wanted = {ord(ch) for ch in text if not unicodedata.category(ch).startswith("C")}
    faces = latin_faces()
    return faces if faces is not None and wanted <= _drawn_by(faces) else None


@functools.cache
def latin_faces() -> tuple[Path, Path] | None:
    """DejaVu's two weights cut to `LATIN`, made once and kept in `FOLDER` (None if they cannot be
    written: the whole faces then draw every certificate, only slower)."""
    try:
        return (_cut(DEJAVU[0]), _cut(DEJAVU[1]))
    except OSError:
        log.exception("certificates: the Latin faces could not be made in %s", FOLDER)
        return None


@functools.cache
def _drawn_by(faces: tuple[Path, Path]) -> frozenset[int]:
    return codepoints(faces[0]) & codepoints(faces[1])


def _cut(source: Path) -> Path:
    data = source.read_bytes()
    tag = hashlib.sha256(data + repr((LATIN, DROPPED, fontTools.version)).encode()).hexdigest()[:16]
    target = FOLDER / f"{source.stem}-latin-{tag}.ttf"
    if target.exists():
        return target
    font = TTFont(source)
    options = subset.Options(name_IDs=["*"], glyph_names=True, notdef_outline=True, hinting=False)
    options.drop_tables += DROPPED
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for first, last in LATIN for code in range(first, last + 1)])
    subsetter.subset(font)
    FOLDER.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=FOLDER, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:  # written whole, then renamed: a worker never reads half
            font.save(out)
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)
    return target
