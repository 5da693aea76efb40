"""The documentation is kept honest by tests (datasette's way): every campaign.toml key and every
environment variable the app reads appears in the README; every error kind, quality flag, shown
column, live mode and storage state has its text in both languages."""

import re

import pytest

from components.i18n import TEXTS
from components.navigation import PAGES
from data.config import ENVIRONMENT, TOML_KEYS
from data.errors import ErrorKind
from data.model.columns import CONTRIBUTORS
from data.model.quality import FLAGS
from tests.app_env import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
LIVE_REASONS = ("starting", "no_url", "forbidden", "unsupported", "deleted", "silent", "failed")


@pytest.mark.parametrize("section, key", [(s, k) for s, keys in TOML_KEYS.items() if s != "config" for k in keys])
def test_every_campaign_toml_key_is_documented(section, key):
    header = "[[datasets]]" if section == "datasets" else f"[{section}]"
    assert re.search(rf"^{re.escape(header)}", README, re.M), section
    assert re.search(rf"^(# )?{key} = ", README, re.M), f"[{section}] {key}"


@pytest.mark.parametrize("name", ENVIRONMENT)
def test_every_environment_variable_is_documented(name):
    assert f"`{name}`" in README


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
