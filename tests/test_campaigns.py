"""Many campaigns on one board: `[[campaigns]]` in campaign.toml, each at `/c/<slug>/` with its own
services, a home listing them, the old addresses sent to the default one; a file with one
`[campaign]` is the board it always was."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import replace

import httpx
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import i18n
from data.config import ConfigError, load_board, parse_board
from data.feeds.board import campaigns_frame, state_of
from data.model import aggregate
from data.model.aggregate import Filters
from data.state.demo import load_demo, load_demo_of
from server.campaign_paths import split
from server.changes import CAMPAIGN, OWN_ROW, tier_of
from tests.app_env import ROOT, environment, open_page
from tests.streamlit_process import StreamlitApp, wait_for_drawn
from tests.test_share import head

BOARD = """
[site]
name = "Colectivo Lenguas Vivas"
title = "Tablero Lenguas Vivas"
hashtag = "#LenguasVivas"

[hub]
org = "lenguas-vivas"

[[campaigns]]
slug = "refranes"
title = "Refranes del Caribe"
start = 2024-03-04
end = 2024-04-30
[[campaigns.datasets]]
name = "mmlu_es"
correction_question = "traduccion_corregida"

[[campaigns]]
slug = "glosario-2027"
title = "Glosario médico 2027"
start = 2024-03-20
[[campaigns.datasets]]
name = "arc_c_es"
correction_question = "traduccion_corregida"
[[campaigns.datasets]]
name = "mmlu_es"
correction_question = "traduccion_corregida"
[campaigns.hub]
org = "glosario-medico"
"""


def board_of(text: str):
    return parse_board(tomllib.loads(text))


# --- the configuration ------------------------------------------------------------------------------
def test_a_file_with_one_campaign_is_the_board_it_was():
    board = load_board(ROOT / "campaign.toml")
    assert not board.several and len(board.campaigns) == 1
    assert board.default.slug == re.sub(r"[^a-z0-9]+", "-", "validacion de benchmarks somos600m")


def test_campaigns_have_their_own_tables_and_share_the_boards():
    board = board_of(BOARD)
    first, second = board.campaigns
    assert board.several and board.default is first
    assert [c.slug for c in board.campaigns] == ["refranes", "glosario-2027"]
    assert [d.name for d in first.datasets] == ["mmlu_es"]
    assert [d.name for d in second.datasets] == ["arc_c_es", "mmlu_es"]
    assert (first.hub.org, second.hub.org) == ("lenguas-vivas", "glosario-medico")  # its own table wins
    assert first.site == second.site == board.site and board.site.hashtag == "#LenguasVivas"
    assert board.find("glosario-2027") is second and board.find("otra") is None


DATASET = '[[campaigns.datasets]]\nname = "d"\ncorrection_question = "q"\n'
TOP_DATASET = '[[datasets]]\nname = "d"\ncorrection_question = "q"\n'
WRONG_WINDOW = "start = 2024-05-01\nend = 2024-04-01\n"


@pytest.mark.parametrize(
    "text, says",
    [
        (f'[[campaigns]]\ntitle = "A"\n{DATASET}', "campaigns[0].slug: missing required key"),
        (f'[[campaigns]]\nslug = "a"\n{DATASET}[[campaigns]]\nslug = "a"\n{DATASET}', "'a' names two campaigns"),
        (f'[campaign]\ntitle = "A"\n[[campaigns]]\nslug = "a"\n{DATASET}', "campaign: a file has one [campaign]"),
        (
            f'[[datasets]]\nname = "d"\ncorrection_question = "q"\n[[campaigns]]\nslug = "a"\n{DATASET}',
            "datasets: with",
        ),
        (
            f'[storage]\nrepo = "o/s"\n[[campaigns]]\nslug = "a"\n{DATASET}[[campaigns]]\nslug = "b"\n{DATASET}',
            "storage: with several campaigns, each names its own repo",
        ),
        (
            f'[[campaigns]]\nslug = "a"\n{DATASET}[campaigns.storage]\nrepo = "o/s"\n'
            f'[[campaigns]]\nslug = "b"\n{DATASET}[campaigns.storage]\nrepo = "o/s"\n',
            "storage.repo: 'o/s' is named by two campaigns",
        ),
        (f'[[campaigns]]\nslug = "a"\n{DATASET}[campaigns.site]\nname = "X"\n', "campaigns[0].site: is the board's"),
        (
            f'[[campaigns]]\nslug = "a"\n{DATASET}[[campaigns]]\nslug = "b"\n{WRONG_WINDOW}{DATASET}',
            "campaigns[1] (b): campaign.end: is before campaign.start",
        ),
        (f'[[campaigns]]\nslug = "Con Mayúsculas"\n{DATASET}', "campaign.slug: expected lowercase letters"),
        (
            f'[[campaigns]]\nslug = "a"\narchived = true\n{DATASET}',
            "campaign.archived: an archive is kept in the state",
        ),
        (f'[[campaigns]]\nslug = "a"\nargilla = "otro"\n{DATASET}', "campaign.argilla: expected capitals"),
    ],
)
def test_a_wrong_board_is_refused_with_the_campaign_and_key_named(text, says):
    with pytest.raises(ConfigError, match=re.escape(says)):
        board_of(text)


# --- addresses ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path, parts",
    [
        ("/c/refranes/clasificacion", ("refranes", "/clasificacion")),
        ("/c/refranes", ("refranes", "/")),
        ("/c/refranes/_stcore/stream", ("refranes", "/_stcore/stream")),
        ("/clasificacion", (None, "/clasificacion")),
        ("/c/Refranes/x", (None, "/c/Refranes/x")),  # no slug has capitals: not a campaign's path
        ("/c/", (None, "/c/")),
    ],
)
def test_a_campaigns_path_names_it(path, parts):
    assert split(path) == parts


def test_a_person_key_under_a_campaign_keeps_its_tier():
    assert tier_of("refranes:uabc", "own1~v1", "own2~v2") == OWN_ROW
    assert tier_of("refranes:c", "v1", "v2") == CAMPAIGN


def test_campaign_states_follow_their_windows():
    first, second = board_of(BOARD).campaigns
    assert state_of(first, dt.date(2024, 3, 1)) == "upcoming"
    assert state_of(first, dt.date(2024, 4, 30)) == "active"
    assert state_of(first, dt.date(2024, 5, 1)) == "ended"
    assert state_of(second, dt.date(2030, 1, 1)) == "active"  # no end: active from its start on


# --- the pages (AppTest) -----------------------------------------------------------------------------
def board_environment(folder) -> dict[str, str]:
    """The demo board of two campaigns (nothing configured upstream), its data in `folder`."""
    path = folder / "campaign.toml"
    path.write_text(BOARD, encoding="utf-8")
    return {
        "CAMPAIGN_CONFIG": str(path),
        "DATA_DIR": str(folder / "data"),
        "ARGILLA_API_URL": "",
        "ARGILLA_API_KEY": "",
    }


@pytest.fixture()
def board_env(tmp_path):
    with environment(**board_environment(tmp_path)):
        yield tmp_path


def run_app(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def test_the_home_lists_every_campaign_active_first(board_env):
    at = run_app()
    assert not at.exception
    headings = [m.value for m in at.markdown if m.value.startswith("### ")]
    # the glossary has no end (active); the proverbs' window is over: it comes after
    assert [re.sub(r"<[^>]+>", "", h) for h in headings] == ["### Glosario médico 2027", "### Refranes del Caribe"]
    assert 'href="/c/glosario-2027/"' in headings[0] and 'target="_self"' in headings[0]
    states = " ".join(m.value for m in at.markdown)
    assert "En curso" in states and "Terminada" in states and "datos de demostración" in states
    assert len(at.get("progress")) == 2  # each with its figures
    assert (board_env / "data" / "campaigns" / "refranes").is_dir()  # each campaign keeps its own data


def test_a_campaign_session_shows_that_campaign_and_the_way_to_the_others(board_env):
    at = run_app(c="glosario-2027", lang="en")
    assert not at.exception
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert 'href="/?lang=en"' in sidebar and 'href="/c/refranes/?lang=en"' in sidebar
    assert "All campaigns" in sidebar and "**Glosario médico 2027**" in sidebar  # named, not linked
    assert 'href="/c/glosario-2027/' not in sidebar


def test_an_unknown_campaign_is_said_with_the_way_home(board_env):
    at = run_app(c="no-existe")
    assert not at.exception
    assert [w.value for w in at.warning] == ["Este tablero no tiene ninguna campaña «no-existe»."]


def test_my_rank_shows_the_person_in_every_campaign_each_record_once(board_env):
    responses = load_demo().responses
    first, second = board_of(BOARD).campaigns

    def window(c) -> Filters:  # each demo campaign shows the demo's datasets it names
        return Filters(datasets=tuple(d.name for d in c.datasets), start=c.start, end=c.end)

    rankings = {
        c.slug: aggregate.contributors(responses, min_validations=c.min_validations_for_prize, filters=window(c))
        for c in (first, second)
    }
    both = rankings["refranes"].merge(rankings["glosario-2027"], on="username", suffixes=("", "_g"))
    person = both[both["validations"] != both["validations_g"]].iloc[0]
    at = open_page("views/my_rank.py", c="glosario-2027", user=person["username"])
    text = " ".join(m.value for m in at.markdown)
    for slug in ("refranes", "glosario-2027"):
        me = rankings[slug].set_index("username").loc[person["username"]]
        figures = f"puesto {me['rank']} de {len(rankings[slug])} · {me['validations']} validaciones"
        assert figures in text, (slug, figures)
    # the oracle: their submitted responses in either window (the glossary's has no end), each once
    mine = responses[(responses["user"] == person["username"]) & (responses["status"] == "submitted")]
    counted = pd.concat([aggregate.select(mine, window(c)) for c in (first, second)]).drop_duplicates("record_id")
    total = f"En total, en 2 campañas: {i18n.number(len(counted), 'es')} validaciones"
    assert total in text
    assert len(counted) < person["validations"] + person["validations_g"]  # shared records counted once


def test_the_example_board_shows_each_demo_campaign_its_own_datasets(tmp_path):
    example = ROOT / "examples" / "two-campaigns.toml"
    board = load_board(example)
    assert [c.slug for c in board.campaigns] == ["examen-mmlu", "razonamiento"]
    with environment(CAMPAIGN_CONFIG=str(example), DATA_DIR=str(tmp_path), ARGILLA_API_URL="", ARGILLA_API_KEY=""):
        at = run_app()
    cards = [bar.proto.text for bar in at.get("progress")]
    demo = load_demo().responses
    submitted = demo[demo["status"] == "submitted"]
    for config in board.campaigns:
        names = [d.name for d in config.datasets]
        mine = aggregate.select(
            submitted[submitted["dataset"].isin(names)], Filters(start=config.start, end=config.end)
        )
        assert load_demo_of(tuple(names)).responses["dataset"].isin(names).all()
        assert any(i18n.number(len(mine), "es") + " validaciones de" in text for text in cards), (config.slug, cards)


def test_a_persons_choice_of_appearance_holds_in_every_campaign(board_env):
    from data.config import Secrets
    from data.feeds.services import running_board, stop_board
    from data.model.appearance import HIDDEN

    running, _ = running_board(load_board(), Secrets(), board_env / "data")
    try:
        person = load_demo().responses["user"].iloc[0]
        assert running["refranes"].appearance.choose(str(person), HIDDEN)  # chosen on one campaign's page
        assert running["glosario-2027"].appearance.current().of(str(person)) == HIDDEN
    finally:
        stop_board()


def test_a_certificate_verifies_in_its_own_campaign_and_is_sent_there_from_another(board_env):
    from components.contributor import certificate_mark
    from data.config import Secrets
    from data.model import credentials

    first = board_of(BOARD).default
    window = Filters(start=first.start, end=first.end)
    me = aggregate.contributors(load_demo().responses, min_validations=50, filters=window).iloc[0]
    mark = certificate_mark(first)
    claim = credentials.Credential(me["username"], int(me["validations"]), 0, dt.date(2024, 5, 2), mark.tags)
    key = Secrets().certificate_key  # the demo's (no secret, no Argilla key)
    issued = credentials.issue(claim, key)
    own = open_page("views/verify.py", c="refranes", id=issued)
    assert own.success and "Refranes del Caribe" in own.success[0].value
    other = open_page("views/verify.py", c="glosario-2027", id=issued)
    assert other.error and not other.success  # not this campaign's certificate
    sent = " ".join(m.value for m in other.markdown)
    assert f'href="/c/refranes/certificado?id={issued}"' in sent and "Refranes del Caribe" in sent


def test_an_archived_campaign_needs_no_server_and_never_shows_the_demo(tmp_path):
    from data.config import Secrets
    from data.feeds.services import running_board, stop_board

    text = BOARD.replace('slug = "refranes"', 'slug = "refranes"\nargilla = "IDO"\narchived = true', 1)
    text += '[campaigns.storage]\nrepo = "lenguas-vivas/glosario-estado"\n'  # (the glossary's)
    text = text.replace(
        '[[campaigns]]\nslug = "glosario-2027"',
        '[campaigns.storage]\nrepo = "lv/refranes-estado"\n\n[[campaigns]]\nslug = "glosario-2027"',
        1,
    )
    board = board_of(text)
    assert board.default.archived and board.default.argilla == "IDO"
    running, problems = running_board(board, Secrets(hf_endpoint="http://127.0.0.1:9"), tmp_path)
    try:
        assert "refranes" in running and "refranes" not in problems  # its server's variables are gone: no matter
        assert running["refranes"].campaign.view().mode.value != "demo"
    finally:
        stop_board()


def test_the_campaigns_share_one_webhook_the_one_a_board_of_one_campaign_made(tmp_path):
    from data.config import Secrets
    from data.feeds.campaign import campaign_source
    from data.feeds.services import running_board, stop_board

    board = board_of(BOARD)
    secrets = Secrets(argilla_api_url="http://127.0.0.1:9", argilla_api_key="k", public_url="https://tablero.example")
    for space, tag in (
        ("lenguas-vivas/tablero", "lenguas-vivas/tablero"),
        (None, f"campaign {campaign_source(board.default)}"),
    ):
        running, _ = running_board(board, replace(secrets, space_id=space), tmp_path)  # (nothing answers there)
        try:
            hooks = [running[slug].campaign.updates for slug in ("refranes", "glosario-2027")]
            assert {(hook.url, hook.tag) for hook in hooks} == {("https://tablero.example/webhooks/argilla", tag)}
        finally:
            stop_board()


def test_campaigns_frame_is_empty_of_figures_before_a_read():
    frame = campaigns_frame([])
    assert frame.empty and "done" in frame.columns


# --- served: addresses, previews, API, the browser ---------------------------------------------------
@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("board")
    app = StreamlitApp(board_environment(folder), folder / "app.log").start()
    yield app
    app.stop()


def test_old_addresses_go_to_the_default_campaign(served):
    moved = httpx.get(f"{served.url}/clasificacion?lang=en&q=ana", timeout=30)
    assert moved.status_code == 307 and moved.headers["location"] == "/c/refranes/clasificacion?lang=en&q=ana"
    assert httpx.get(f"{served.url}/", timeout=30).status_code == 200  # the home stays


def test_health_names_every_campaign(served):
    root = httpx.get(f"{served.url}/_tablero/health", timeout=30).json()
    assert set(root["campaigns"]) == {"glosario-2027"} and root["sources"]["campaign"]["mode"] == "demo"
    own = httpx.get(f"{served.url}/c/glosario-2027/_tablero/health", timeout=30).json()
    assert "campaigns" not in own and own["status"] == root["campaigns"]["glosario-2027"]


def test_a_campaigns_prefix_is_its_app_base(served):
    assert httpx.get(f"{served.url}/c/glosario-2027/_stcore/health", timeout=30).text == "ok"
    assert httpx.get(f"{served.url}/c/glosario-2027/clasificacion/_stcore/health", timeout=30).status_code == 404


def test_link_previews_name_the_campaign_of_the_address(served):
    found = head(f"{served.url}/c/glosario-2027/clasificacion")
    assert found.title == "Glosario médico 2027 · #LenguasVivas"
    assert found.meta["og:url"] == [f"{served.url}/c/glosario-2027/clasificacion"]
    assert found.meta["og:image"][0].startswith(f"{served.url}/c/glosario-2027/_tablero/card.png")
    forged = httpx.get(f"{served.url}/", headers={"x-tablero-campaign": "glosario-2027"}, timeout=30).text
    assert "Glosario" not in re.search(r"<title>(.*?)</title>", forged).group(1)  # a client's header is not believed


def test_the_homes_link_preview_is_the_boards(served):
    found = head(f"{served.url}/")
    assert found.title == "Tablero Lenguas Vivas · #LenguasVivas"
    assert found.meta["og:url"] == [f"{served.url}/"] and found.meta["og:site_name"] == ["Tablero Lenguas Vivas"]


def test_the_api_lists_and_serves_every_campaign(served):
    listed = httpx.get(f"{served.url}/api/v1/campaigns", timeout=30).json()["rows"]
    assert [row["slug"] for row in listed] == ["refranes", "glosario-2027"]
    for slug in ("refranes", "glosario-2027"):
        answer = httpx.get(f"{served.url}/api/v1/campaigns/{slug}/progress", timeout=30)
        assert answer.status_code == 200 and answer.json()["campaign"] == slug
    assert httpx.get(f"{served.url}/api/v1/campaigns/otra/ranking", timeout=30).status_code == 404


def test_in_the_browser_a_campaigns_pages_stay_under_its_address(served, browser):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{served.url}/")
    wait_for_drawn(page)
    page.get_by_role("link", name="Glosario médico 2027").click()
    page.wait_for_url(f"{served.url}/c/glosario-2027/")
    wait_for_drawn(page)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Ranking").click()
    page.wait_for_url(f"{served.url}/c/glosario-2027/clasificacion")
    wait_for_drawn(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "20 mar 2024" in main  # the filters' caption: the glossary's own window
    page.get_by_role("link", name="Refranes del Caribe").click()
    page.wait_for_url(f"{served.url}/c/refranes/")
