"""The documentation is kept honest by tests (datasette's way): the README's reference of every
campaign.toml key, of every environment variable and of the CSV contract is the one generated from
their declarations; every error kind, quality flag, column, live mode and page has its words,
translated in every language."""

import functools
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from components import signals_table, status
from components.navigation import PAGES
from data.errors import ErrorKind
from data.model.columns import CONTRIBUTORS
from data.model.quality import FLAGS
from scripts.docs import PARTS, generated
from scripts.i18n import TEMPLATE, language_files, read
from tests.app_env import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
LIVE_REASONS = ("starting", "no_url", "forbidden", "unsupported", "deleted", "silent", "failed")  # data/model/live.py


@pytest.mark.parametrize("part", PARTS)
def test_the_readme_reference_is_generated_from_the_declarations(part):
    """campaign.toml keys, environment variables, the CSV contract: `python -m scripts.docs` writes them."""
    assert generated(README, part) == PARTS[part](), f"README.md is out of step: run python -m scripts.docs ({part})"


def test_every_error_kind_quality_flag_and_live_reason_has_its_words():
    assert set(status.ERRORS) == set(ErrorKind)
    assert set(signals_table.FLAGS) == set(FLAGS)
    assert set(status.LIVE_REASONS) == set(LIVE_REASONS)


def shown_texts() -> list[str]:
    return [
        *status.ERRORS.values(),
        *status.STORAGE_ERRORS.values(),
        *signals_table.FLAGS.values(),
        *status.LIVE_REASONS.values(),
        *(column.label for column in CONTRIBUTORS),
        *(spec.title for spec in PAGES),
    ]


@functools.cache
def catalogue(path: Path) -> Catalog:
    return read(path)  # read once for all the cases below


@pytest.mark.parametrize("text", shown_texts(), ids=lambda text: text[:40])
@pytest.mark.parametrize("lang", ["es", *sorted(language_files())])
def test_every_kind_flag_column_and_page_is_translated(text, lang):
    if lang == "es":  # the code's own language: the text is the catalogue's message
        assert text.strip() and catalogue(TEMPLATE).get(text) is not None, text
    else:
        message = catalogue(language_files()[lang]).get(text)
        assert message is not None and message.string and not message.fuzzy, f"{lang}: {text!r}"


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.url)
def test_every_page_url_is_in_the_readme(spec):
    assert f"`/{spec.url}`" in README or spec.url == "inicio"
