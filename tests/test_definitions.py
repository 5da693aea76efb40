"""Cómo se cuenta, through AppTest on the demo: every definition the registry holds for the tables
this board shows, in the page's language; the campaign's own rules; when each source was read;
and the sections under the tables lead to it."""

from __future__ import annotations

import os

import pytest

from components import i18n
from components.i18n import t, tc
from components.navigation import DEFINITIONS
from data.config import load_config
from data.model import columns
from data.state.demo import load_demo, load_demo_projects, load_demo_roster
from tests.app_env import environment, open_page

PAGE = "views/definitions.py"


@pytest.fixture(autouse=True)
def demo_env(tmp_path):
    with environment(DATA_DIR=str(tmp_path), ARGILLA_API_URL=None, ARGILLA_API_KEY=None):
        yield


def text_of(at) -> str:
    return "\n".join(element.value for element in at.markdown)


def defined(*tables: tuple[columns.Column, ...]) -> list[columns.Column]:
    return [column for table in tables for column in table if column.help]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_definition_of_the_registry_is_on_the_page_in_its_language(lang):
    text = text_of(open_page(PAGE, lang=lang))
    shown = defined(columns.CONTRIBUTORS, columns.PROGRESS, columns.STANDINGS, columns.PROJECTS, columns.CLIMBS)
    assert len(shown) > 20
    for column in shown:
        label = tc(lang, column.context, column.label) if column.context else t(lang, column.label)
        assert f"**{label}**: {t(lang, column.help)}" in text, column.name
    if lang == "en":
        assert "Validaciones" not in text and "Correcciones" not in text


def test_it_says_when_each_source_was_read_and_the_campaigns_own_rules():
    text = text_of(open_page(PAGE))
    for moment in (load_demo().fetched_at, load_demo_projects().fetched_at, load_demo_roster().fetched_at):
        assert i18n.datetime(moment, "es") in text
    config = load_config()
    assert t("es", "Optan a **premio** quienes llegan a {n} validaciones.", n=config.min_validations_for_prize) in text
    assert f"zona horaria {config.time_zone}" in text
    assert "**Esta semana** va de lunes a domingo" in text
    assert f"/api/v1/campaigns/{config.slug}/ranking" in text


def test_a_campaign_without_windows_or_projects_explains_only_what_it_shows(tmp_path):
    (tmp_path / "campaign.toml").write_text(
        '[campaign]\ntitle = "Otra"\nwindowed_rankings = false\nend = 2024-04-30\n'
        "min_validations_for_prize = 7\n"
        '[[datasets]]\nname = "d"\ncorrection_question = "q"\n'
        '[open_data]\nrepo = "org_x/abierto"\n',
        encoding="utf-8",
    )
    with environment(CAMPAIGN_CONFIG=str(tmp_path / "campaign.toml")):
        text = text_of(open_page(PAGE))
    assert "Esta semana" not in text and t("es", columns.CLIMBS[0].help) not in text
    assert "Cuentan las validaciones hasta el 30 abr 2024, incluido." in text
    assert "llegan a 7 validaciones" in text
    assert f"[org\\_x/abierto](<{os.environ['HF_ENDPOINT']}/datasets/org_x/abierto>)" in text  # the Hub in use


@pytest.mark.parametrize("page", ["views/ranking.py", "views/progress.py", "views/projects.py", "views/teams.py"])
def test_each_how_it_is_counted_section_leads_to_every_definition(page):
    at = open_page(page)
    links = [link for link in at.get("page_link") if link.proto.page == DEFINITIONS.url]
    assert links and links[0].proto.label == "Todas las definiciones"
