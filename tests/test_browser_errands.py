"""A contributor's and an organizer's errands in headless Chromium (`streamlit run app.py`, the
demo campaign with an annotation link and an organizer's passphrase): a certificate and its
verification link, the organizers' ZIP of every certificate, the top ten in an iframe."""

import re
import subprocess
import zipfile

import pytest

from components.contributor import certificate_mark
from data.config import load_config, load_secrets
from data.model import credentials
from tests.app_env import campaign_with, demo_ranking
from tests.streamlit_process import ROOT, StreamlitApp, grid_rows, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.long]

ANNOTATION_URL = "https://somosnlp-anotacion.hf.space"


@pytest.fixture
def journey_app(tmp_path):
    config = campaign_with(tmp_path, annotation_url=ANNOTATION_URL)
    env = {"DATA_DIR": str(tmp_path / "data"), "ORGANIZER_TOKEN": "frase-secreta", "CAMPAIGN_CONFIG": config}
    app = StreamlitApp(env, tmp_path / "streamlit.log").start()
    yield app
    app.stop()


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "download.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_a_contributor_downloads_their_certificate_and_finds_the_way_to_validate(browser, journey_app, tmp_path):
    me = demo_ranking().iloc[5]
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{journey_app.url}/mi-posicion?user={me['username']}")
    wait_for_app(page)
    link = page.get_by_role("link", name="Comienza a validar")
    assert link.get_attribute("href").rstrip("/") == ANNOTATION_URL
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Descargar certificado (PDF)").click()
    text = pdf_text(download.value.path().read_bytes(), tmp_path)
    assert me["username"] in text and f"{me['validations']} validaciones" in text
    found = re.search(r"ID del certificado: (\S+)", text)
    assert found and f"/certificado?id={found.group(1)}" in "".join(text.split()), "no ID or verification link"
    key, mark = load_secrets({}).certificate_key, certificate_mark(load_config())
    assert credentials.verify(found.group(1), (key,), mark).username == me["username"]  # the link proves it


def test_organizers_download_every_eligible_certificate_as_a_zip(browser, journey_app, tmp_path):
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{journey_app.url}/organizacion")
    wait_for_app(page)
    page.get_by_label("Frase de acceso").fill("frase-secreta")
    page.keyboard.press("Enter")
    wait_for_app(page)
    eligible = demo_ranking().query("eligible")
    page.get_by_role("button", name="Preparar certificados (ZIP)").click()
    bar = page.locator('[data-testid="stProgress"]')
    bar.wait_for(timeout=60_000)  # the page is back at once, with a count
    assert f"de {len(eligible)} certificados" in bar.inner_text()
    other = browser.new_page()  # meanwhile another visitor's page runs as ever (the PDFs are drawn elsewhere)
    other.goto(f"{journey_app.url}/clasificacion")
    wait_for_app(other)
    other.close()
    with page.expect_download(timeout=240_000) as download:
        page.get_by_role("button", name="Descargar certificados (ZIP)").click(timeout=240_000)
    with zipfile.ZipFile(download.value.path()) as archive:
        assert len(archive.namelist()) == len(eligible)
        first = sorted(archive.namelist())[0]
        assert eligible["username"].iloc[0] in pdf_text(archive.read(first), tmp_path)


def test_the_top_ten_fits_an_iframe_of_400_px(browser, journey_app):
    context = browser.new_context(
        viewport={"width": 400, "height": 700}, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.goto(f"{journey_app.url}/top10?embed=true")
    wait_for_app(page)
    assert page.locator('[data-testid="stSidebar"][aria-expanded="true"]').count() == 0  # collapsed
    assert page.evaluate("document.documentElement.scrollWidth") <= 401
    top = demo_ranking().head(10)
    rows = grid_rows(page, page.locator('[data-testid="stDataFrame"]'))
    assert [(name, int(n)) for _, name, n in rows] == list(zip(top["username"], top["validations"]))
    page.screenshot(path=str(ROOT / "test-artifacts" / "screenshots" / "top10-embed.png"), full_page=True)
    page = browser.new_page()
    page.goto(f"{journey_app.url}/")
    wait_for_app(page)
    assert "Top 10" not in page.locator('[data-testid="stSidebarNav"]').inner_text()  # reachable, not listed
