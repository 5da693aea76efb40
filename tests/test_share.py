"""Shared links: the preview tags a crawler reads, the picture card, and certificate IDs that
verify — fetched as crawlers fetch (plain HTTP, no JavaScript, their user agents) from the app
running as a process on the live campaign (real argilla-server, hostile usernames), and behind
the several-process setup."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageStat

from components import i18n
from components.card import CardFacts, card_png, card_preview
from data.model import credentials
from data.model.credentials import Credential
from data.text import shown_name
from tests.app_env import demo_ranking, environment, live_environment, open_page, refreshed_feed
from tests.streamlit_process import ServedApp, StreamlitApp

CRAWLERS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Twitterbot/1.0",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
]
KEY = b"k" * 32
MARK = credentials.CampaignMark("campana", ("a", "b"), own_slug=False, title="Campaña")
TAG = MARK.tags


class Head(HTMLParser):
    """The meta tags and the title of a page, as a crawler parses them."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.title, self._in_title, self.scripts = "", False, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.setdefault(attrs.get("property") or attrs["name"], []).append(attrs.get("content", ""))
        self._in_title = tag == "title"
        self.scripts += tag == "script"

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = False


def head(url: str, agent: str = CRAWLERS[0]) -> Head:
    answer = httpx.get(url, headers={"User-Agent": agent}, timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    parsed = Head()
    parsed.feed(answer.text)
    return parsed


# --- certificate IDs -------------------------------------------------------------------------------
def credential(name: str = "ana", validations: int = 47) -> Credential:
    return Credential(name, validations, 5, dt.date(2026, 12, 1), TAG)


@pytest.mark.parametrize("name", ["ana", "José Ñandú", "مرحبا 🦙 ñandú", "<script>alert(1)</script>", "x" * 100])
def test_an_issued_id_verifies_to_what_it_states(name):
    issued = credentials.issue(credential(name), KEY)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", issued)  # URL-safe, nothing to escape in a link
    assert credentials.verify(issued, (KEY,), MARK) == credential(name)


def test_forged_altered_or_foreign_ids_do_not_verify():
    issued = credentials.issue(credential(), KEY)
    raw = bytearray(credentials.base64.urlsafe_b64decode(issued + "=" * (-len(issued) % 4)))
    for index in range(len(raw)):  # any one byte changed: counts, date, name, campaign or the MAC
        altered = bytearray(raw)
        altered[index] ^= 0x01
        token = credentials.base64.urlsafe_b64encode(bytes(altered)).decode().rstrip("=")
        assert credentials.verify(token, (KEY,), MARK) is None, index
    assert credentials.verify(issued, (b"another key",), MARK) is None
    assert credentials.verify(issued, (KEY,), credentials.CampaignMark("otra", ("a",), own_slug=False)) is None
    forged = credentials.issue(credential(validations=9999), b"a guessed key")
    assert credentials.verify(forged, (KEY,), MARK) is None


@given(st.text(max_size=300))
def test_any_text_is_answered_not_raised(text):
    assert credentials.verify(text, (KEY,), MARK) is None


def campaign(title: str, datasets: tuple[str, ...], **keys: str):
    """A campaign's configuration as campaign.toml would give it."""
    from data.config.campaign import parse_config

    sets = [{"name": name, "correction_question": "q"} for name in datasets]
    return parse_config({"campaign": {"title": title, **keys}, "datasets": sets})


def issued_for(config) -> str:
    from components.contributor import certificate_mark

    return credentials.issue(Credential("ana", 47, 5, dt.date(2026, 12, 1), certificate_mark(config).tags), KEY)


def verifies(token: str, config) -> bool:
    from components.contributor import certificate_mark

    return credentials.verify(token, (KEY,), certificate_mark(config)) is not None


def test_an_id_outlives_a_title_rename_or_a_new_dataset_and_verifies_for_its_campaign_only():
    original = campaign("Validación #Somos600M", ("mmlu", "arc"))
    token = issued_for(original)
    assert verifies(token, original)
    assert verifies(token, campaign("Traducción de benchmarks #Somos600M", ("mmlu", "arc")))  # renamed
    assert verifies(token, campaign("Validación #Somos600M", ("mmlu", "arc", "hellaswag")))  # a dataset added
    assert not verifies(token, campaign("Próxima campaña", ("squad", "xnli")))  # another campaign
    # a slug of its own names the campaign whatever its title and datasets become; nothing else does
    named = campaign("Validación #Somos600M", ("mmlu", "arc"), slug="benchmarks")
    token = issued_for(named)
    assert verifies(token, campaign("Otro título", ("mmlu", "arc", "hellaswag"), slug="benchmarks"))
    assert not verifies(token, campaign("Validación #Somos600M", ("mmlu", "arc"), slug="hackathon-2027"))
    assert not verifies(token, original)  # same title and datasets, but that campaign has no slug


def test_ids_issued_before_slugs_keep_verifying_after_a_title_rename():
    """Real IDs of the version 1 code (tests/fixtures/certificates_v1.json, with the commit that
    issued them): the same environment verifies every one; after a title rename the tag they carry
    is no longer the campaign's, and they verify where the campaign's ranking bears out what they
    state, never where it does not (a foreign campaign's ID proves nothing here)."""
    import json
    from pathlib import Path

    import pandas as pd

    from components.verification import checked
    from data.config import load_secrets
    from data.feeds.services import certificate_keys

    recorded = json.loads((Path(__file__).parent / "fixtures" / "certificates_v1.json").read_text(encoding="utf-8"))
    datasets = tuple(recorded["datasets"])
    same, renamed = campaign(recorded["title"], datasets), campaign("Traducción de benchmarks", datasets)
    foreign = campaign("Otra campaña", ("squad",))
    for case in recorded["ids"]:
        keys = certificate_keys(load_secrets(case["environment"])).verifying
        stated = (case["username"], case["validations"], case["corrections"], dt.date.fromisoformat(case["issued"]))

        def ranking(validations: int, holder: str = case["username"]) -> pd.DataFrame:
            return pd.DataFrame({"username": [holder, "otra"], "validations": [validations, 999], "rank": [2, 1]})

        found = checked(case["id"], keys, same, None).credential
        assert found is not None and (found.username, found.validations, found.corrections, found.issued) == stated
        assert checked(case["id"], keys, renamed, None).credential is None  # nothing to bear it out
        assert checked(case["id"], keys, renamed, ranking(case["validations"])).credential == found
        assert checked(case["id"], keys, renamed, ranking(case["validations"] - 1)).credential is None
        assert checked(case["id"], keys, foreign, ranking(0)).credential is None
        assert checked(case["id"], (b"another key",), renamed, ranking(10**6)).credential is None
        if "CERTIFICATE_SECRET" not in case["environment"]:  # signed with the key derived from Argilla's
            # a CERTIFICATE_SECRET set afterwards signs what comes next and voids nothing issued before
            later = certificate_keys(
                load_secrets({**case["environment"], "CERTIFICATE_SECRET": "otra frase"})
            ).verifying
            assert later[0] not in keys and checked(case["id"], later, same, None).credential == found
            assert checked(case["id"], later[:1], same, None).credential is None  # (by the derived key)


# --- the card ---------------------------------------------------------------------------------------
def ocr(png: bytes, tmp_path) -> str:
    assert shutil.which("tesseract"), "tesseract-ocr is not installed: run scripts/test.sh"
    path = tmp_path / "card.png"
    path.write_bytes(png)
    return subprocess.run(["tesseract", str(path), "stdout"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_card_is_a_1200_by_630_png_that_reads_back_as_its_figures(lang, tmp_path):
    facts = CardFacts("Campaña de prueba", 0.337, 40, 1234, "Valentina", 2, 56)
    image = Image.open(io.BytesIO(card_png(facts, lang)))
    assert image.format == "PNG" and image.size == (1200, 630)
    text = " ".join(ocr(card_png(facts, lang), tmp_path).split())
    assert "Valentina" in text
    assert i18n.t(lang, "Puesto {rank} de {people}", rank="2", people="40") in text
    assert i18n.number(1234, lang) in text and "56" in text
    assert i18n.percent(0.337, lang).replace("\xa0", " ") in text


@pytest.mark.parametrize("width", [600, 500])
def test_the_preview_a_page_shows_is_the_card_at_its_width(width):
    """The preview is drawn and scaled, not decoded from the card's PNG: it is still the card, pixel
    for pixel but for the scaling's own rounding."""
    facts = CardFacts("Campaña de prueba", 0.337, 40, 1234, "Valentina", 2, 56)
    preview = Image.open(io.BytesIO(card_preview(facts, "es", width))).convert("L")
    height = round(630 * width / 1200)
    card = Image.open(io.BytesIO(card_png(facts, "es"))).convert("L").resize((width, height), Image.Resampling.LANCZOS)
    assert preview.size == (width, height)
    difference = ImageChops.difference(preview, card)
    assert ImageStat.Stat(difference).mean[0] < 2 and difference.point(lambda pixel: pixel > 96).getbbox() is None


@pytest.mark.parametrize("name", ["مرحبا 🦙 ñandú", "🦙" * 3, "x" * 10_000, "\u202egnp.exe", "ａｂｃ"])
def test_unicode_and_long_names_draw_within_the_card(name, tmp_path):
    png = card_png(CardFacts("Campaña", 0.5, 3, 7, name, 1, 0), "es")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1200, 630)
    right = image.crop((1125, 0, 1200, 630))  # the right margin stays empty: a long name was fitted
    assert right.getcolors(1) is not None, "something was drawn in the right margin"


@pytest.mark.parametrize("name", ["王小明", "김민수", "佐藤花子", "राम शर्मा", "สมชาย ใจดี"])
def test_names_in_every_script_are_drawn_in_a_font_that_has_them(name):
    """No box for a missing glyph: each run of the name is drawn by a font whose map has it."""
    from components import card
    from components.fonts import Face, codepoints, drawable, text_codepoints

    runs = card._runs(name)
    assert any(isinstance(source, Face) for source, _ in runs)  # a Noto face drew the script
    for source, run in runs:
        points = codepoints(source.path, source.index) if isinstance(source, Face) else text_codepoints()
        assert all(ord(ch) in points for ch in run if drawable(ch)), (source, run)
    image = Image.open(io.BytesIO(card_png(CardFacts("Campaña", 0.5, 3, 7, name, 1, 0), "es"))).convert("L")
    band = image.crop((60, 140, 1100, 250))  # where the name is drawn
    assert sum(1 for pixel in band.getdata() if pixel < 128) > 500


# --- from the running app -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def live_app(live_env_module, ranking, tmp_path_factory):
    """The app as a process on the live campaign, once its first read is in."""
    app = StreamlitApp(live_env_module, tmp_path_factory.mktemp("share") / "app.log").start()
    someone = plain_person(ranking)["username"]
    deadline = time.monotonic() + 90
    while "validaciones" not in head(f"{app.url}/mi-posicion?user={someone}").title:
        assert time.monotonic() < deadline, "the first read never came"
        time.sleep(0.5)
    yield app
    app.stop()


def plain_person(ranking):
    return ranking[ranking["username"].isin(["ana", "beto", "carla", "dani", "eva"])].iloc[0]


@pytest.fixture(scope="module")
def live_env_module(argilla_server, live_campaign, tmp_path_factory):
    return live_environment(argilla_server, live_campaign[1], tmp_path_factory.mktemp("share-data"))


@pytest.fixture(scope="module")
def ranking(live_env_module):
    """The ranking, from the aggregate in this process on the same server (what the pages show)."""
    with environment(**{**live_env_module, "DATA_DIR": live_env_module["DATA_DIR"] + "-test"}):
        feed = refreshed_feed()
        return feed.read_of(feed.view().value).contributors()


def preview_of(app: StreamlitApp, user: str, agent: str = CRAWLERS[0], lang: str = "es") -> Head:
    url = httpx.URL(f"{app.url}/mi-posicion", params={"user": user, **({"lang": lang} if lang != "es" else {})})
    return head(str(url), agent)


@pytest.mark.parametrize("agent", CRAWLERS)
def test_a_crawler_gets_the_persons_rank_and_validations(live_app, ranking, agent):
    me = plain_person(ranking)
    found = preview_of(live_app, me["username"], agent)
    expected = f"{me['username']} · puesto {me['rank']} · {i18n.number(me['validations'], 'es')} validaciones"
    assert found.title.startswith(expected)
    assert found.meta["og:title"] == [found.title] and found.meta["twitter:title"] == [found.title]
    assert found.meta["twitter:card"] == ["summary_large_image"] and found.meta["og:locale"] == ["es_ES"]
    image = found.meta["og:image"][0]
    assert parse_qs(urlparse(image).query)["user"] == [me["username"]]
    card = httpx.get(image.replace(urlparse(image).netloc, urlparse(live_app.url).netloc), timeout=30)
    assert card.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(card.content)).size == (1200, 630)
    assert urlparse(found.meta["og:url"][0]).path == "/mi-posicion"


def test_an_unknown_person_gets_the_campaigns_preview_in_english(live_app, ranking):
    found = preview_of(live_app, "nadie-con-este-nombre", lang="en")
    total = i18n.number(int(ranking["validations"].sum()), "en")
    assert "nadie" not in found.title and "nadie" not in " ".join(found.meta["og:description"])
    assert f"{total} validations by {len(ranking)} people" in found.meta["og:description"][0]
    assert found.meta["og:locale"] == ["en_US"]


def test_hostile_names_stay_inside_their_attribute(live_app, ranking):
    plain = head(f"{live_app.url}/clasificacion")
    hostile = [name for name in ranking["username"] if re.search(r"[<>\"'=]|^.{200,}$|[\u0600-\u06ff]", name)]
    assert len(hostile) >= 4
    for name in [*hostile, '"><script>alert(1)</script>', "' onmouseover='x", "\u202e" * 3]:
        found = preview_of(live_app, name)
        assert found.scripts == plain.scripts  # no element added
        assert set(found.meta) == set(plain.meta) and all(len(v) == 1 for v in found.meta.values())
        if name in set(ranking["username"]):
            shown = shown_name(name)
            assert found.title.startswith(shown[:50]) and len(found.title) < 200
        else:
            assert "script" not in found.title and "onmouseover" not in found.title


def test_the_verification_page_states_a_valid_id_and_refuses_a_forged_one(live_env_module, ranking):
    from components.contributor import certificate_mark
    from data.config import APP_VARIABLES, load_config, load_secrets

    with environment(**live_env_module):
        key = load_secrets({k: v for k, v in live_env_module.items() if k in APP_VARIABLES}).certificate_key
        me = ranking.iloc[0]
        issued = credentials.issue(
            Credential(
                me["username"],
                int(me["validations"]),
                int(me["corrections"]),
                dt.date.today(),
                certificate_mark(load_config()).tags,
            ),
            key,
        )
        at = open_page("views/verify.py", id=issued)
        assert at.success and "válido" in at.success[0].value
        shown = at.table[0].value.to_string()
        assert str(me["username"]) in shown and i18n.number(int(me["validations"]), "es") in shown
        forged = issued[:-3] + ("A" if issued[-3] != "A" else "B") + issued[-2:]
        at = open_page("views/verify.py", id=forged)
        assert at.error and not at.table and str(me["username"]) not in str(at.error[0].value)


def test_previews_and_cards_from_every_worker(tmp_path):
    """Behind scripts/serve: whichever process answers, the same preview and card (the demo here)."""
    someone, rank = demo_ranking()[["username", "rank"]].iloc[3]
    app = ServedApp({"DATA_DIR": str(tmp_path / "data")}, tmp_path / "serve.log", workers=2).start()
    try:
        seen = {}
        for index in range(12):  # new visitors: no cookie, spread over the processes
            url = httpx.URL(f"{app.url}/mi-posicion", params={"user": someone})
            answer = httpx.get(url, headers={"User-Agent": CRAWLERS[index % 6]})
            parsed = Head()
            parsed.feed(answer.text)
            seen[answer.headers["x-tablero-worker"]] = parsed.title
        assert len(seen) == 2 and len(set(seen.values())) == 1
        assert next(iter(seen.values())).startswith(f"{someone} · puesto {rank} · ")
        card = httpx.get(httpx.URL(f"{app.url}/_tablero/card.png", params={"user": someone}), timeout=30)
        assert Image.open(io.BytesIO(card.content)).size == (1200, 630)
    finally:
        app.stop()


def test_the_certificate_prints_its_id_and_a_qr_code_of_its_verification_url(tmp_path):
    from components.certificate import CertificateFacts
    from components.certificate_pdf import certificate_pdf

    issued = credentials.issue(credential("José Ñandú"), KEY)
    url = f"https://somosnlp-tablero.hf.space/certificado?id={issued}"
    facts = CertificateFacts(
        "José Ñandú",
        2,
        40,
        47,
        5,
        ("MMLU",),
        True,
        "Campaña",
        None,
        None,
        10,
        dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        dt.date(2026, 12, 1),
        url,
        issued,
    )
    (tmp_path / "c.pdf").write_bytes(certificate_pdf(facts, "es"))
    subprocess.run(["pdftotext", "-layout", str(tmp_path / "c.pdf"), str(tmp_path / "c.txt")], check=True)
    assert f"ID del certificado: {issued}" in (tmp_path / "c.txt").read_text()
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "c.pdf"), str(tmp_path / "c")], check=True
    )
    assert shutil.which("zbarimg"), "zbar-tools is not installed: run scripts/test.sh"
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "c.png")], capture_output=True, text=True)
    assert decoded.stdout.strip() == url
