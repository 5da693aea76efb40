"""The documentation is kept honest by tests (datasette's way): the README's reference of every
campaign.toml key, of every environment variable and of the CSV contract is the one generated from
their declarations; every error kind, quality flag, shown column, live mode and storage state has
its text in both languages."""

import pytest

from components.i18n import TEXTS
from components.navigation import PAGES
from data.errors import ErrorKind
from data.model.columns import CONTRIBUTORS
from data.model.quality import FLAGS
from scripts.docs import PARTS, generated
from tests.app_env import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
LIVE_REASONS = ("starting", "no_url", "forbidden", "unsupported", "deleted", "silent", "failed")


@pytest.mark.parametrize("part", PARTS)
def test_the_readme_reference_is_generated_from_the_declarations(part):
    """campaign.toml keys, environment variables, the CSV contract: `python -m scripts.docs` writes them."""
    assert generated(README, part) == PARTS[part](), f"README.md is out of step: run python -m scripts.docs ({part})"


def text_keys() -> list[str]:
    return [
        *(f"error.{kind.value}" for kind in ErrorKind),
        *(f"flag.{flag}" for flag in FLAGS),
        *(column.label for column in CONTRIBUTORS if column.table or column.sort),
        *(f"live.{reason}" for reason in LIVE_REASONS),
        *(spec.title for spec in PAGES),
        "storage.auth",
        "storage.forbidden",
    ]


@pytest.mark.parametrize("key", text_keys())
@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_kind_flag_column_and_mode_has_its_text(key, lang):
    assert TEXTS[lang].get(key), key


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.url)
def test_every_page_url_is_in_the_readme(spec):
    assert f"`/{spec.url}`" in README or spec.url == "inicio"
