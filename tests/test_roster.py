"""The roster: messy and hostile CSVs, a local file and a file in a Hub dataset repo (through a real
HfApi against the Hub-shaped server), and what a bad read leaves in place."""

import datetime as dt

import pandas as pd
import pytest

from data.config import Secrets, parse_config
from data.errors import ErrorKind
from data.feeds.roster import RosterFeed
from data.model import countries, roster, teams
from data.model.export import to_csv
from data.model.roster import RosterError
from tests.app_env import environment
from tests.servers.hub_server import HubServer

AT = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)
REPO = "org-equipos/roster"
TOKEN = "hf_readTOKENsentinel5678"


def parse(text: str, encoding: str = "utf-8", team_limit: int | None = 5) -> roster.Roster:
    return roster.parse(text.encode(encoding), AT, "test", team_limit)


def test_a_messy_roster_from_a_spreadsheet():
    """A BOM, semicolons, header case and spaces, "@" names, countries in every form."""
    text = (
        "\ufeff Username ;TEAM; Country \n"
        "@Ana_G;Quetzal;méxico\n"
        "luis;Quetzal;MEX\n"
        "maria;Cóndor;Spain\n"
        "jose;;Perú\n"
        "pedro;Cóndor;EE. UU.\n"
        "li;Cóndor;  co \n"
        "  ;;\n"
    )
    people = parse(text, "utf-8").people.set_index("key")
    assert people.loc["ana_g", "username"] == "Ana_G"
    assert people["country"].to_dict() == {
        "ana_g": "MX",
        "luis": "MX",
        "maria": "ES",
        "jose": "PE",
        "pedro": "US",
        "li": "CO",
    }
    assert pd.isna(people.loc["jose", "team"])
    assert people.loc["maria", "team"] == "Cóndor"


@pytest.mark.parametrize(
    "written, code",
    [("Mexico", "MX"), ("MÉXICO", "MX"), ("mx", "MX"), ("Estados Unidos", "US"), ("USA", "US"), ("Brasil", "BR")]
    + [("Brazil", "BR"), ("Reino Unido", "GB"), ("República Dominicana", "DO"), ("Guinea Ecuatorial", "GQ")]
    + [("Côte d'Ivoire", "CI"), ("Países Bajos", "NL"), ("Bolivia", "BO"), ("Venezuela", "VE")],
)
def test_countries_as_people_write_them(written, code):
    assert countries.normalise(pd.Series([written])).tolist() == [code]
    assert countries.alpha3(code) is not None


def test_unknown_countries_and_duplicates_are_reported_and_the_later_row_wins():
    text = (
        "username,team,country\n"
        "ana,Quetzal,Narnia\n"
        "beto,Quetzal,Narnia\n"
        "carla,Cóndor,MX\n"
        "ANA,Cóndor,AR\n"
        "dani,,\n" + "".join(f"p{i},Grande,CL\n" for i in range(7))
    )
    parsed = parse(text)
    people = parsed.people.set_index("key")
    assert people.loc["ana", "team"] == "Cóndor" and people.loc["ana", "country"] == "AR"
    assert pd.isna(people.loc["beto", "country"])  # unknown: no country, never a guess
    problems = {(p.kind, p.value): p.rows for p in parsed.problems}
    assert problems[("unknown_country", "Narnia")] == 2
    assert problems[("duplicate", "ANA")] == 2
    assert problems[("no_team", "dani")] == 1
    assert problems[("big_team", "Grande")] == 7
    assert len(parsed.people) == 4 + 7
    assert {p.limit for p in parsed.problems if p.kind == "big_team"} == {5}
    assert not [p for p in parse(text, team_limit=7).problems if p.kind == "big_team"]  # [site] team_size_limit
    assert not [p for p in parse(text, team_limit=None).problems if p.kind == "big_team"]


@pytest.mark.parametrize(
    "text, reason",
    [
        ("username,country\nana,MX\n", "missing column team"),
        ("team,country\nQuetzal,MX\n", "missing column username"),
        ("", "not a CSV"),
    ],
)
def test_a_file_that_is_not_a_roster_is_refused_whole(text, reason):
    with pytest.raises(RosterError, match=reason):
        parse(text)


def test_not_utf8_is_refused():
    with pytest.raises(RosterError, match="UTF-8"):
        roster.parse("username,team\nañoño,Quetzal\n".encode("utf-16"), AT)


def test_hostile_names_stay_text_and_csv_cells_are_neutralised():
    text = (
        "username,team,country\n"
        '"=HYPERLINK(""http://x"")",=cmd|calc,MX\n'
        "\u202eevil\u200b,+equipo,ES\n"
        "@@x," + "A" * 500 + ",ES\n"
    )
    people = parse(text).people
    assert people["team"].tolist()[0] == "=cmd|calc"
    assert "\u202e" not in people["username"].iloc[1] and "\u200b" not in people["username"].iloc[1]
    assert len(people["team"].iloc[2]) == roster.MAX_TEXT
    written = to_csv(people[["username", "team"]]).decode()
    assert "'=HYPERLINK" in written and "'=cmd|calc" in written and "'+equipo" in written


def test_a_long_name_is_matched_whole_and_clipped_only_where_shown():
    """argilla-server takes usernames of hundreds of characters: the roster must place such a
    contributor by their whole name (two names alike in their first 100 characters stay apart)."""
    long_a, long_b = "ñ" * 150 + "-a", "ñ" * 150 + "-b"
    members = parse(f"username,team,country\n{long_a},Quetzal,MX\n{long_b},Cóndor,AR\nana,Quetzal,MX\n")
    ranking = pd.DataFrame({"username": pd.array([long_a, long_b, "ana"], dtype="string"), "validations": [3, 2, 1]})
    placed = teams.placed(ranking, members)
    assert placed["team"].tolist() == ["Quetzal", "Cóndor", "Quetzal"]
    assert placed["country"].tolist() == ["MX", "AR", "MX"]
    assert members.people["username"].str.len().max() == roster.MAX_TEXT  # shown clipped


def test_repo_rows_give_repos_to_teams():
    text = "username,team,repo_id\nana,Quetzal,\n,Quetzal,org/quetzal-7b\n,Cóndor,org/condor-data\nbeto,Cóndor,org/x\n"
    parsed = parse(text)
    assert parsed.projects.set_index("repo_id")["team"].to_dict() == {
        "org/quetzal-7b": "Quetzal",
        "org/condor-data": "Cóndor",
        "org/x": "Cóndor",
    }
    assert sorted(parsed.people["username"]) == ["ana", "beto"]


def test_a_roster_of_team_projects_only():
    parsed = parse("team,repo_id\nQuetzal,org/quetzal-7b\nCóndor,org/condor-data\n")
    assert parsed.people.empty and parsed.problems == ()
    assert parsed.projects["repo_id"].tolist() == ["org/quetzal-7b", "org/condor-data"]


def _config(source: str):
    return parse_config(
        {
            "campaign": {"refresh_seconds": 3600},
            "datasets": [{"name": "d", "correction_question": "q"}],
            "teams": {"source": source},
        }
    )


def _feed(config, tmp_path, token=None, endpoint="https://huggingface.co"):
    secrets = Secrets(argilla_api_url="http://127.0.0.1:9", argilla_api_key="k", hf_token=token, hf_endpoint=endpoint)
    return RosterFeed(config, secrets, tmp_path / "data")


def test_a_local_roster_relative_to_the_campaign_file_and_a_bad_edit_keeps_the_last_good(tmp_path):
    (tmp_path / "campaign.toml").write_text("")
    (tmp_path / "equipos.csv").write_text("username,team,country\nana,Quetzal,MX\n", encoding="utf-8")
    with environment(CAMPAIGN_CONFIG=str(tmp_path / "campaign.toml")):
        feed = _feed(_config("equipos.csv"), tmp_path)
        state = feed.poller.refresh()
        assert state.error is None and feed.current().people["team"].tolist() == ["Quetzal"]
        first = feed.current().digest
        (tmp_path / "equipos.csv").write_text("username,country\nana,MX\n", encoding="utf-8")  # no team column
        state = feed.poller.refresh()
        assert state.error.kind == ErrorKind.BAD_FILE and "team" in state.error.detail
        assert feed.current().digest == first and feed.view().mode == "stale"
        (tmp_path / "equipos.csv").unlink()
        assert feed.poller.refresh().error.kind == ErrorKind.MISSING_FILE
        (tmp_path / "equipos.csv").write_text("username,team\nana,Cóndor\n", encoding="utf-8")
        assert feed.poller.refresh().error is None and feed.current().people["team"].tolist() == ["Cóndor"]


@pytest.fixture
def hub():
    server = HubServer().start()
    server.state.store.tokens = {TOKEN: "read"}
    yield server
    server.stop()


def test_a_roster_in_a_private_hub_dataset_repo(hub, tmp_path):
    hub.state.store.put(REPO, {"equipos/roster.csv": b"username,team,country\nana,Quetzal,Chile\n"})
    config = _config(f"hf://datasets/{REPO}/equipos/roster.csv")
    without = _feed(config, tmp_path / "a", endpoint=hub.endpoint)
    state = without.poller.refresh()
    assert state.error.kind == ErrorKind.MISSING_FILE and TOKEN not in str(state.error)
    assert without.current().people.empty  # nobody placed: everyone "sin equipo"
    feed = _feed(config, tmp_path / "b", token=TOKEN, endpoint=hub.endpoint)
    assert feed.poller.refresh().error is None
    assert feed.current().people[["username", "team", "country"]].values.tolist() == [["ana", "Quetzal", "CL"]]
    hub.state.store.put(
        REPO, {"equipos/roster.csv": "username,team,country\nana,Cóndor,Chile\nbeto,Cóndor,AR\n".encode()}
    )
    assert feed.poller.refresh().error is None
    assert feed.current().people["team"].tolist() == ["Cóndor", "Cóndor"]
    hub.stop()  # the Hub goes away: the last good roster stays (huggingface_hub serves its cached copy)
    feed.poller.refresh()
    assert feed.current().people["team"].tolist() == ["Cóndor", "Cóndor"]


def test_a_roster_too_large_is_refused_before_it_is_downloaded(hub, tmp_path):
    """Its size is asked first (a HEAD): 6 MB of roster is never fetched, locally not even read."""
    big = b"username,team\n" + b"ana,Quetzal\n" * 520_000
    hub.state.store.put(REPO, {"roster.csv": big}, private=False)
    feed = _feed(_config(f"hf://datasets/{REPO}/roster.csv"), tmp_path / "a", endpoint=hub.endpoint)
    error = feed.poller.refresh().error
    assert error.kind == ErrorKind.BAD_FILE and "larger than 5 MB" in error.detail
    assert not [r for r in hub.state.requests if r.startswith("GET") and "/resolve/" in r]  # no body asked for
    (tmp_path / "campaign.toml").write_text("")
    (tmp_path / "equipos.csv").write_bytes(big)
    with environment(CAMPAIGN_CONFIG=str(tmp_path / "campaign.toml")):
        local = _feed(_config("equipos.csv"), tmp_path / "b").poller.refresh().error
    assert local.kind == ErrorKind.BAD_FILE and "larger than 5 MB" in local.detail


def test_a_missing_file_in_the_repo(hub, tmp_path):
    hub.state.store.put(REPO, {"otro.csv": b"username,team\n"}, private=False)
    feed = _feed(_config(f"hf://datasets/{REPO}/roster.csv"), tmp_path, endpoint=hub.endpoint)
    error = feed.poller.refresh().error
    assert error.kind == ErrorKind.MISSING_FILE and error.detail.endswith("roster.csv")


@pytest.mark.parametrize("source", ["hf://datasets/solo-owner", "hf://models/a/b/c.csv"])
def test_a_malformed_hub_address_is_a_configuration_error(source):
    from data.config import ConfigError

    with pytest.raises(ConfigError, match="teams.source"):
        _config(source)
