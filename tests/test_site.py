"""Whose board it is comes from `[site]`, never from the code: another community's board names that
community in the browser, the link previews, the card, the certificate and the API, and nothing of
the first deployment's; the code names no community but in data/config/legacy.py."""

from __future__ import annotations

import io
import re
import subprocess
import tomllib

import httpx
import pandas as pd
import pytest

from components.certificate_pdf import certificate_pdf
from components.contributor import certificate_facts
from components.navigation import MY_RANK, PAGES
from data.config import ConfigError, load_config, parse_config
from data.model import aggregate
from data.state.demo import load_demo
from tests.app_env import ROOT, environment
from tests.streamlit_process import StreamlitApp, wait_for_drawn
from tests.test_share import head, ocr

FIRST = re.compile(rb"somos\s*600\s*m|somos\s*nlp", re.IGNORECASE)  # the first deployment's names
ALLOWED = {"data/config/legacy.py"}  # labels it wrote into keys, the state repo and its webhooks
NOT_CODE = ("tests/", "docs/", "campaign.toml", ".md")  # its own configuration, its documentation
OTHER = """
[campaign]
title = "Corpus de refranes 2027"
slug = "refranes-2027"

[[datasets]]
name = "mmlu_es"
workspace = "validacion"
correction_question = "traduccion_corregida"

[site]
name = "Red Andina de PLN"
title = "Tablero Andino"
hashtag = "#AndesPLN"
description = "Traduce refranes con la Red Andina."
icon = "🦜"
url = "https://andes.example.org"
links = ["https://chat.andes.example.org"]
team_size_limit = 3
"""


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [name for name in listed.splitlines() if not name.startswith(NOT_CODE) and not name.endswith(NOT_CODE)]


def names_the_first_deployment(path: str) -> bool:
    data = (ROOT / path).read_bytes()
    if path.endswith(".parquet"):  # compressed: read as the app reads it
        data = pd.read_parquet(io.BytesIO(data)).to_csv().encode()
    return FIRST.search(data) is not None


def test_the_code_names_no_community():
    files = tracked_files()
    assert "app.py" in files and "data/demo/roster.csv" in files and "locales/messages.pot" in files
    assert [path for path in files if path not in ALLOWED and names_the_first_deployment(path)] == []
    assert names_the_first_deployment("data/config/legacy.py")  # (the check does find them)


def test_the_first_deployments_identity_is_its_configuration():
    site = load_config(ROOT / "campaign.toml").site
    assert (site.name, site.hashtag, site.team_size_limit) == ("SomosNLP", "#Somos600M", 5)
    assert site.header == "SomosNLP · #Somos600M"


@pytest.mark.parametrize(
    "key, value, says",
    [
        ("hashtag", '"Somos 600M"', "site.hashtag: expected one hashtag"),
        ("links", '["chat.example.org"]', "site.links: expected full URLs"),
        ("team_size_limit", "0", "site.team_size_limit: must be greater than 0"),
        ("colour", '"red"', "site.colour: unknown key"),
    ],
)
def test_a_wrong_site_key_is_named(key, value, says):
    document = tomllib.loads(f'[[datasets]]\nname = "d"\ncorrection_question = "q"\n[site]\n{key} = {value}\n')
    with pytest.raises(ConfigError, match=re.escape(says)):
        parse_config(document)


def test_without_a_site_the_board_names_only_the_campaign():
    dataset = {"name": "d", "correction_question": "q"}
    config = parse_config({"campaign": {"title": "Mi campaña"}, "datasets": [dataset]})
    assert config.site.board(config.title) == "Mi campaña" and config.site.header == ""


# --- another community's board, served --------------------------------------------------------------
@pytest.fixture(scope="module")
def other(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other-community")
    path = folder / "campaign.toml"
    path.write_text(OTHER, encoding="utf-8")
    env = {"CAMPAIGN_CONFIG": str(path), "DATA_DIR": str(folder / "data"), "ARGILLA_API_URL": "", "ARGILLA_API_KEY": ""}
    app = StreamlitApp(env, folder / "app.log").start()
    yield app, path
    app.stop()


def someone(config) -> pd.Series:
    """A person of the demo's ranking under that configuration, with corrections."""
    ranking = aggregate.contributors(load_demo().responses, min_validations=config.min_validations_for_prize)
    return ranking[ranking["corrections"] > 0].iloc[3]


def assert_names_the_other_community(text: str) -> None:
    assert FIRST.search(text.encode()) is None, FIRST.search(text.encode())


def test_link_previews_and_the_api_name_the_other_community(other):
    app, path = other
    person = someone(load_config(path))["username"]
    for url in (f"{app.url}/", f"{app.url}/{MY_RANK.url}?user={person}", f"{app.url}/clasificacion?lang=en"):
        found = head(url)
        assert found.meta["og:site_name"] == ["Tablero Andino"]
        assert found.title.endswith("· #AndesPLN")
        assert_names_the_other_community(httpx.get(url, timeout=30).text)
    campaign = head(f"{app.url}/")
    assert campaign.meta["og:description"][0].endswith("Traduce refranes con la Red Andina.")
    api = httpx.get(f"{app.url}/api/v1/openapi.json", timeout=30).json()
    assert api["info"]["title"] == "Tablero Andino API"


def test_the_card_is_headed_by_the_other_community(other, tmp_path):
    app, path = other
    person = someone(load_config(path))["username"]
    png = httpx.get(f"{app.url}/_tablero/card.png", params={"user": person}, timeout=60).content
    text = " ".join(ocr(png, tmp_path).split())
    assert "Red Andina de PLN" in text and "Corpus de refranes" in text
    assert_names_the_other_community(text)


def test_the_certificate_is_issued_by_the_other_community(other, tmp_path):
    _, path = other
    config = load_config(path)
    me = someone(config)
    ranking = aggregate.contributors(load_demo().responses, min_validations=config.min_validations_for_prize)
    with environment(PUBLIC_URL="https://andes.example.org/tablero"):
        facts = certificate_facts(me, ranking, ("MMLU",), config, load_demo().fetched_at, b"k" * 32)
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(certificate_pdf(facts, "es"))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(pdf)], capture_output=True, text=True).stdout
    assert "Red Andina de PLN · #AndesPLN" in text and "Corpus de refranes 2027" in text
    assert re.search(r"Author:\s+Red Andina de PLN", info) and re.search(r"Creator:\s+Tablero Andino", info)
    assert_names_the_other_community(text + info)


def test_every_page_in_the_browser_names_the_other_community(other, browser):
    app, path = other
    person = someone(load_config(path))["username"]
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    for spec in PAGES:
        query = f"?user={person}" if spec == MY_RANK else ""
        page.goto(f"{app.url}/{spec.url}{query}")
        wait_for_drawn(page)
        assert page.title() == "Tablero Andino", spec.url
        assert_names_the_other_community(page.content())
    links = page.locator('[data-testid="stSidebar"] a[href^="https://"]')
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} >= {
        "https://andes.example.org",
        "https://chat.andes.example.org",
    }
