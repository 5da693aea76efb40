"""Write the README's generated parts from their one declaration in the code.

    .venv/bin/python -m scripts.docs

Each part sits between `<!-- generated: NAME -->` and `<!-- /generated -->` in README.md;
tests/test_docs.py fails when the README and the code disagree.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

from data.config import settings_table, variables_table
from data.model.columns import csv_header

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SYSTEM_PACKAGES = ROOT / "scripts" / "system-packages.txt"


def system_packages() -> list[tuple[str, str]]:
    """(package, what for) of every system package the test suite needs, as scripts/test.sh reads them."""
    rows = []
    for line in SYSTEM_PACKAGES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            package, _, what = (cell.strip() for cell in line.split("|"))
            rows.append((package, what))
    return rows


def system_packages_list() -> str:
    return "".join(f"- `{package}`: {what}\n" for package, what in system_packages())


PARTS: dict[str, Callable[[], str]] = {
    "settings": settings_table,
    "variables": variables_table,
    "csv-header": lambda: f"```\n{csv_header()}\n```\n",
    "system-packages": system_packages_list,
}


def section(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- generated: {name} -->\n)(.*?)(<!-- /generated -->)", re.S)


def generated(text: str, name: str) -> str | None:
    """The README's current text of part `name` (None if its markers are missing)."""
    found = section(name).search(text)
    return found.group(2) if found else None


def _filled(content: str, match: re.Match[str]) -> str:
    return match.group(1) + content + match.group(3)


def main() -> None:
    text = README.read_text(encoding="utf-8")
    for name, build in PARTS.items():
        if generated(text, name) is None:
            raise SystemExit(f"README.md has no <!-- generated: {name} --> part")
        text = section(name).sub(functools.partial(_filled, build()), text)
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
