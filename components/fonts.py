"""The fonts a name is drawn in, on certificates and cards: DejaVu Sans (shipped in assets/fonts/),
then, for every other script, Debian's Noto sans faces (fonts-noto-core, fonts-noto-cjk: Chinese,
Japanese, Korean, Devanagari, Thai, Arabic...), and Noto Color Emoji for emoji. A character no font
here has is replaced by its compatibility form if that can be drawn (fullwidth Ｗ -> W), else by
U+FFFD, and `unprintable` says which ones were.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
DEJAVU = (FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf")
EMOJI_FONTS = (Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"),)
NOTO = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto"))
FIRST = ("NotoSans-Regular.ttf", "NotoSansCJK-Regular.ttc")  # Latin, Greek, Cyrillic; then CJK


@dataclass(frozen=True)
class Face:
    path: Path
    index: int = 0  # the face's number in a collection (.ttc)

    @property
    def family(self) -> str:
        """Its name in a PDF (fpdf2's font families)."""
        return f"{self.path.stem}-{self.index}"


@functools.cache
def codepoints(path: Path, index: int = 0) -> frozenset[int]:
    if path.suffix.lower() == ".ttc":
        return frozenset(TTCollection(path, lazy=True).fonts[index].getBestCmap())
    return frozenset(TTFont(path, lazy=True).getBestCmap())


@functools.cache
def emoji_font() -> Path | None:
    return next((path for path in EMOJI_FONTS if path.exists()), None)


@functools.cache
def text_codepoints() -> frozenset[int]:
    """What DejaVu Sans draws in both of its weights."""
    return codepoints(DEJAVU[0]) & codepoints(DEJAVU[1])


@functools.cache
def script_faces() -> tuple[Face, ...]:
    """Noto's sans faces installed here, regular weight: `FIRST`, then every other script by name."""
    found = {path.name: path for folder in NOTO if folder.is_dir() for path in folder.glob("NotoSans*-Regular.tt[fc]")}
    names = [name for name in FIRST if name in found]
    names += sorted(name for name in found if name not in FIRST and "Mono" not in name)
    return tuple(Face(found[name]) for name in names)


def drawable(ch: str) -> bool:
    """Marks, joiners and spaces never need a glyph of their own."""
    return not unicodedata.category(ch).startswith(("M", "C", "Z"))


@functools.cache
def _base() -> frozenset[int]:
    emoji = emoji_font()
    return text_codepoints() | (codepoints(emoji) if emoji else frozenset())


@functools.lru_cache(maxsize=1024)
def faces_for(text: str) -> tuple[Face, ...]:
    """The Noto faces that draw what DejaVu and the emoji font cannot of `text`: for each such
    character the first face (in `script_faces` order) that has it."""
    wanted = {ord(ch) for ch in text if drawable(ch)} - _base()
    chosen: list[Face] = []
    for face in script_faces():
        if not wanted:
            break
        found = wanted & codepoints(face.path, face.index)
        if found:
            chosen.append(face)
            wanted -= found
    return tuple(chosen)


def fallback_faces(text: str) -> tuple[Face, ...]:
    """The faces that draw what DejaVu cannot of `text`, in the order a page tries them: the emoji
    font (if it draws any of it), then `faces_for`'s Noto faces."""
    emoji, missing = emoji_font(), {ord(ch) for ch in text} - text_codepoints()
    first = (Face(emoji),) if emoji is not None and missing & codepoints(emoji) else ()
    return first + faces_for(text)


def _printer(text: str) -> Callable[[str], str]:
    """One character of `text` as it can be drawn (itself, its compatibility form, or U+FFFD)."""
    known = _base().union(*(codepoints(face.path, face.index) for face in faces_for(text)))

    def one(ch: str) -> str:
        if ord(ch) in known or not drawable(ch):
            return ch
        compatible = unicodedata.normalize("NFKC", ch)
        return compatible if all(ord(c) in known for c in compatible) else "\ufffd"

    return one


def printable(text: str) -> str:
    """`text` composed (NFC: an accent typed apart from its letter is drawn as the accented letter,
    which every face has, not as a mark set on it from another face), with each character no font
    here can draw replaced (see the module's docstring)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(map(_printer(text), text))


def unprintable(text: str) -> list[str]:
    """The characters of `text` (composed) no font here can draw, as code points ("U+1F9FF")."""
    text = unicodedata.normalize("NFC", text)
    one = _printer(text)
    return [f"U+{ord(ch):04X}" for ch in dict.fromkeys(text) if ch != "\ufffd" and one(ch) == "\ufffd"]
