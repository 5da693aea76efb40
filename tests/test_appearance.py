"""Each person decides how they appear: by name, as an anonymous contributor (a stable alias), or
not at all. On the demo, with two people's choices recorded where every process reads them: no
public page (AppTest), API answer, badge, link preview (a real `streamlit run app.py`) or open
data file holds a hidden or aliased name; totals, teams' sums and the organizers' lists are
unchanged."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from urllib.parse import quote

import httpx
import pandas as pd
import pytest

from data.config import Secrets, load_config
from data.feeds import open_data
from data.feeds.campaign_read import CampaignRead
from data.feeds.read_cache import ReadCache
from data.model import appearance, export
from data.model.appearance import ALIAS, ALIAS_PREFIX, HIDDEN, NAME, Appearance, Choice
from data.state.appearance import FileChoices
from data.state.demo import load_demo, load_demo_roster
from tests.app_env import ROOT, demo_ranking, environment, open_page, running
from tests.streamlit_process import StreamlitApp

HIDDEN_USER, ALIAS_USER = "geluba_nlp", "vinu45"  # the demo's first and third, in teams
AT = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
CHOSEN = {HIDDEN_USER: Choice(HIDDEN, AT), ALIAS_USER: Choice(ALIAS, AT), "gelu": Choice(NAME, AT)}
PUBLIC_PAGES = ["views/overview.py", "views/ranking.py", "views/top.py", "views/teams.py", "views/export.py"]


# --- the model ----------------------------------------------------------------------------------
def test_the_public_table_leaves_out_the_hidden_keeps_ranks_and_shows_aliases():
    everyone = demo_ranking()
    shown = Appearance(CHOSEN, key=b"k")
    public = shown.public(everyone)
    assert len(public) == len(everyone) - 1 and HIDDEN_USER not in set(public["username"])
    assert public["rank"].tolist() == everyone["rank"].iloc[1:].tolist()  # a gap, nobody moved up
    alias = public.loc[everyone["username"].iloc[1:].eq(ALIAS_USER).to_numpy(), "username"].item()
    assert alias == ALIAS_PREFIX + hmac.new(b"k", b"alias\x00vinu45", hashlib.sha256).hexdigest()[:8]
    assert shown.real_name(alias) == ALIAS_USER and shown.real_name("gelu") == "gelu"
    assert Appearance(CHOSEN, key=b"other").alias(ALIAS_USER) != alias  # the key decides: not guessable
    assert shown.public(everyone, keep=HIDDEN_USER)["username"].iloc[0] == HIDDEN_USER  # oneself, by name
    assert Appearance({"gelu": Choice(NAME, AT)}).public(everyone) is everyone  # nothing to hide: no copy


def test_the_latest_choice_wins_and_junk_is_left_out(tmp_path):
    store = FileChoices(tmp_path)
    store.put({"ana": Choice(HIDDEN, AT)})
    store.put({"ana": Choice(NAME, AT - dt.timedelta(days=1))})  # an older one, from elsewhere
    store.put({"beto": Choice(ALIAS, AT)})
    assert {name: c.choice for name, c in store.read().items()} == {"ana": HIDDEN, "beto": ALIAS}
    assert appearance.parse({"people": {"x": {"choice": "everyone", "at": "2026"}, "y": "hidden", "z": {}}}) == {}


# --- the pages, on the demo ---------------------------------------------------------------------
@pytest.fixture
def chosen(tmp_path):
    FileChoices(tmp_path).put(CHOSEN)  # what a person's choice leaves in the data directory
    with environment(DATA_DIR=str(tmp_path), ARGILLA_API_URL=None, ARGILLA_API_KEY=None, ORGANIZER_TOKEN="frase"):
        yield running()


def everything_shown(at) -> str:
    """Every text and every frame cell the page holds (its tables as CSV)."""
    parts = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            value = getattr(child, "value", None)
            if isinstance(value, pd.DataFrame):
                parts.append(value.to_csv())
            elif value is not None and not callable(value):
                parts.append(str(value))
            for attribute in ("label", "help", "body"):
                parts.append(str(getattr(child, attribute, "") or ""))
            walk(child)

    walk(at.main)
    return "\n".join(parts)


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_no_public_page_holds_a_hidden_or_aliased_name(chosen, page):
    text = everything_shown(open_page(page))
    assert HIDDEN_USER not in text and ALIAS_USER not in text
    if page in ("views/ranking.py", "views/top.py", "views/overview.py"):
        assert chosen.appearance.current().alias(ALIAS_USER) in text


def test_the_totals_count_everyone_and_the_ranking_says_who_chose_not_to_appear(chosen):
    everyone = demo_ranking()
    at = open_page()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Validaciones"] == f"{everyone['validations'].sum():,}".replace(",", ".")
    assert metrics["Personas"] == str(len(everyone))
    ranking = open_page("views/ranking.py")
    assert any("Una persona eligió no aparecer aquí" in c.value for c in ranking.caption)


def test_teams_count_the_hidden_in_their_sums_without_naming_them(chosen):
    read = chosen.campaign.read_of(chosen.campaign.view().value)
    roster = load_demo_roster()
    team = read.standings(roster, "team").set_index("team").loc["Quetzal 3"]
    placed = read.placed_everyone(roster)
    assert team["validations"] == placed.loc[placed["team"].eq("Quetzal 3").fillna(False), "validations"].sum()
    assert HIDDEN_USER not in team["members"] and team["people"] >= 1


def test_others_do_not_find_a_hidden_name_and_the_organizers_lists_keep_everyone(chosen):
    def page_for(name: str) -> str:  # the page, the name typed replaced, before the close names
        text = everything_shown(open_page("views/my_rank.py", user=name)).split("¿Quizás")[0].strip()
        return text.replace(name.replace("_", "\\_"), "…").replace(name, "…")

    assert page_for(HIDDEN_USER) == page_for("zzqx_nadie")  # as if the name had never validated
    organizer = open_page("views/organizer.py")
    organizer.text_input(key="organizer.passphrase").input("frase").run()
    downloads = {button.proto.label: button for button in organizer.get("download_button")}
    assert "Descargar el ranking completo (CSV)" in downloads
    read = chosen.campaign.read_of(chosen.campaign.view().value)
    assert HIDDEN_USER.encode() in read.everyone_csv() and HIDDEN_USER.encode() not in read.ranking_csv()
    assert HIDDEN_USER in read.prize_list()["username"].tolist()
    assert HIDDEN_USER.encode() not in read.acknowledgements(counts=False).encode()


def test_the_open_data_holds_no_hidden_or_aliased_name():
    config = load_config()
    read = CampaignRead(load_demo(), config, ReadCache(), Appearance(CHOSEN, key=b"k"))
    edition = open_data.edition(read, load_demo_roster(), None, final=False)
    files = b"".join(export.to_csv(frame) for frame in edition.frames.values())
    assert HIDDEN_USER.encode() not in files and ALIAS_USER.encode() not in files
    assert export.to_csv(edition.frames["ranking"]) == read.ranking_csv()


# --- the API, badges and link previews of a real process ----------------------------------------
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("appearance")
    FileChoices(folder / "data").put(CHOSEN)
    env = {"DATA_DIR": str(folder / "data"), "HF_ENDPOINT": "http://127.0.0.1:9"}
    env["CAMPAIGN_CONFIG"] = str(ROOT / "campaign.toml")
    served = StreamlitApp(env, folder / "streamlit.log").start()
    yield served
    served.stop()


def test_no_api_answer_badge_or_preview_names_them(app):
    base = f"{app.url}/api/v1/campaigns/{load_config().slug}"
    answers = [
        httpx.get(f"{base}/ranking", params={"per_page": 1000}).text,
        httpx.get(f"{base}/ranking.csv").text,
        httpx.get(f"{base}/ranking", params={"period": "week", "per_page": 1000}).text,
        httpx.get(f"{base}/teams").text,
        httpx.get(f"{base}/teams", params={"by": "country"}).text,
        httpx.get(f"{app.url}/mi-posicion", params={"user": HIDDEN_USER}).text,  # the link preview's head
        httpx.get(f"{app.url}/top10").text,
    ]
    for text in answers:
        assert HIDDEN_USER not in text and ALIAS_USER not in text
    for name in (HIDDEN_USER, ALIAS_USER):
        assert httpx.get(f"{base}/contributors/{quote(name)}").status_code == 404
        assert httpx.get(f"{base}/contributors/{quote(name)}/badge.svg").status_code == 404
    rows = httpx.get(f"{base}/ranking", params={"per_page": 1000}).json()["rows"]
    alias = next(row["username"] for row in rows if row["username"].startswith(ALIAS_PREFIX))
    one = httpx.get(f"{base}/contributors/{quote(alias)}").json()
    assert one["contributor"]["rank"] == 3 and one["datasets"]  # the alias finds the person's numbers
    assert [row["rank"] for row in rows[:2]] == [2, 3]  # the first chose not to appear: a gap
    everyone = demo_ranking()
    assert one["people"] == len(everyone)
    assert httpx.get(f"{base}/ranking.csv").text == read_export_csv()


def read_export_csv() -> str:
    """The export page's CSV under the same choices (the API's must be it, byte for byte)."""
    shown = Appearance(CHOSEN, key=Secrets().certificate_key)  # the demo's key
    return CampaignRead(load_demo(), load_config(), ReadCache(), shown).ranking_csv().decode("utf-8")
