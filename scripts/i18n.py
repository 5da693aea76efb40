"""The translation catalogues: the UI's texts extracted from the code and merged into every language.

    python -m scripts.i18n            # writes locales/messages.pot, updates every messages.po
    python -m scripts.i18n --check    # exits 1 if a catalogue is out of step with the code
    python -m scripts.i18n --new ca_ES  # starts locales/ca/LC_MESSAGES/messages.po

A text is found by the call that shows or declares it (KEYWORDS, Babel's own extractor). After an
update, a text that is new or changed is untranslated (or fuzzy, Babel's guess) in every language
until someone translates it; a text the code no longer has leaves the catalogues. Any gettext tool
(Poedit, Weblate, Pontoon, Crowdin) edits the .po files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
TEMPLATE = LOCALES / "messages.pot"
SOURCES = ("app.py", "components", "views", "server", "data")
# the call -> which of its arguments are the text (1-based; "c" marks a context), as in pybabel -k
KEYWORDS = {"t": (2,), "tn": (2, 3), "tc": ((2, "c"), 3), "N_": None, "NC_": ((1, "c"), 2)}
PROJECT, HOLDER = "Tablero", "the board's authors"
WIDTH = 100


def source_files() -> list[Path]:
    files: list[Path] = []
    for name in SOURCES:
        path = ROOT / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def extracted() -> Catalog:
    """Every text of the code, each with the files that use it (the template, in memory)."""
    catalog = Catalog(project=PROJECT, copyright_holder=HOLDER, locale=None, fuzzy=False)
    for path in source_files():
        where = path.relative_to(ROOT).as_posix()
        for lineno, message, comments, context in extract_from_file("python", path, keywords=KEYWORDS):
            catalog.add(message, locations=[(where, lineno)], auto_comments=comments, context=context)
    return catalog


def language_files() -> dict[str, Path]:
    return {path.parts[-3]: path for path in sorted(LOCALES.glob("*/LC_MESSAGES/messages.po"))}


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=WIDTH, include_lineno=False, ignore_obsolete=True, sort_output=True)


def keys(catalog: Catalog) -> set[tuple[str | None, object]]:
    return {(message.context, message.id) for message in catalog if message.id}


def update() -> None:
    template = extracted()
    if TEMPLATE.exists() and keys(old := read(TEMPLATE)) == keys(template):
        template.creation_date = old.creation_date  # unchanged texts, unchanged files
    write(TEMPLATE, template)
    for path in language_files().values():
        catalog = read(path)
        catalog.update(template)
        write(path, catalog)


def new_language(locale: str) -> Path:
    """`ca` or `ca_ES`: the folder is the language, the header's `Language` the locale."""
    path = LOCALES / locale.split("_")[0] / "LC_MESSAGES" / "messages.po"
    if path.exists():
        raise SystemExit(f"{path.relative_to(ROOT)} exists")
    catalog = Catalog(project=PROJECT, copyright_holder=HOLDER, locale=locale, fuzzy=False)
    catalog.update(extracted())
    write(path, catalog)
    return path


def problems() -> list[str]:
    """What is out of step: the template against the code, each language against the template."""
    code = keys(extracted())
    found = []
    if not TEMPLATE.exists() or keys(read(TEMPLATE)) != code:
        found.append(f"{TEMPLATE.relative_to(ROOT)} is out of step with the code")
    for lang, path in language_files().items():
        catalog = read(path)
        missing = len(code - keys(catalog))
        untranslated = sum(
            1
            for m in catalog
            if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))
        )
        if missing or untranslated:
            found.append(f"{lang}: {missing} texts missing, {untranslated} untranslated or fuzzy")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say what is out of step")
    parser.add_argument("--new", metavar="LOCALE", help="start the catalogue of a new language (ca_ES)")
    args = parser.parse_args(argv)
    if args.new:
        print(f"wrote {new_language(args.new).relative_to(ROOT)}: translate it, then run this again")
        return 0
    if not args.check:
        update()
    found = problems()
    print("\n".join(found) or "catalogues in step with the code, every text translated")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
