"""What a fresh process's first page runs would load, loaded as the server starts.

A Space starts cold after every rebuild and wake-up, and its first visitor's page then loaded what
the pages need (the components, Streamlit's emoji table for the tab's icon, the fonts' tables)
before drawing anything: a fresh process's first *Clasificación* run took 0.35 s on the server, its
first *Mi posición* 0.28 s, against some 30 ms warm; 0.2 s each with this (BENCHMARKS.md section
21). Loaded in a thread beside the first read, it is ready before a browser has loaded Streamlit's
scripts. Only what the page scripts import: what they leave to other processes (the certificates'
PDF library) stays out.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import logging
from pathlib import Path

from components import fonts

VIEWS = Path(__file__).resolve().parent.parent / "views"
log = logging.getLogger(__name__)


def page_imports() -> list[str]:
    """Every module a page script imports, by name."""
    names: set[str] = set()
    for script in VIEWS.glob("*.py"):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                package = node.module
                names.add(package)
                names.update(f"{package}.{alias.name}" for alias in node.names if _is_module(package, alias.name))
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
    return sorted(names)


def _is_module(package: str, name: str) -> bool:
    """Is `from package import name` a submodule (`from components import charts`)?"""
    found = importlib.util.find_spec(package)
    return (
        found is not None
        and found.submodule_search_locations is not None
        and (importlib.util.find_spec(f"{package}.{name}") is not None)
    )


def warm_up() -> None:
    """Import what the pages import and Streamlit's emoji table (`st.set_page_config` checks an
    emoji icon against it); read the fonts' character tables the share cards measure names with."""
    try:
        for name in [*page_imports(), "streamlit.emojis"]:
            importlib.import_module(name)
        fonts.text_codepoints()
        fonts.script_faces()
    except Exception:  # the first page run loads whatever is missing, and says what failed
        log.warning("warming up the pages' modules failed", exc_info=True)
