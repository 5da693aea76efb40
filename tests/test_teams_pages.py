"""Equipos y países, Mi posición's team and country, Proyectos at the deadline and Organización's
roster warnings: on the demo, and against the real argilla-server with a roster file."""

import csv
import datetime as dt
import io

import pandas as pd
import pytest

from data.config import DEFAULT_CONFIG
from data.model import countries, teams
from data.state.demo import load_demo_projects, load_demo_roster
from tests import expected
from tests.app_env import demo_ranking, environment, frame_of, open_page, refreshed_feed, running

ORGANIZER = "frase-de-prueba"


@pytest.fixture
def demo_env(tmp_path):
    with environment(DATA_DIR=str(tmp_path), ARGILLA_API_URL=None, ARGILLA_API_KEY=None, CAMPAIGN_CONFIG=None):
        yield


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_teams_page_on_the_demo(demo_env):
    members = load_demo_roster()
    placed = teams.placed(demo_ranking(), members)
    by_team = teams.standings(placed, members, "team")
    at = open_page("views/teams.py")
    shown = metrics(at)
    assert shown["Equipos"] == str(by_team["rank"].notna().sum())
    assert shown["Sin equipo"] == str(by_team.loc[by_team["rank"].isna(), "people"].sum())
    team_table, country_table = frame_of(at, "teams.team"), frame_of(at, "teams.country")
    assert team_table["name"].tolist() == by_team["team"].dropna().tolist()
    assert team_table["validations"].tolist() == by_team["validations"].iloc[: len(team_table)].tolist()
    assert "🇲🇽 México" in country_table["name"].tolist()
    assert len(at.get("plotly_chart")) == 2  # the map and the progress by country
    unplaced = [c.value for c in at.caption if c.value.startswith("Sin equipo (aparte)")]
    assert unplaced and str(by_team.loc[by_team["rank"].isna(), "validations"].sum()) in unplaced[0].replace(".", "")
    english = open_page("views/teams.py", lang="en")
    assert (
        english.title[0].value == "Teams and countries"
        and "🇲🇽 Mexico" in frame_of(english, "teams.country")["name"].tolist()
    )


def test_my_rank_shows_the_persons_team_and_country(demo_env):
    members = load_demo_roster()
    row = members.people[members.people["team"].notna() & members.people["country"].notna()].iloc[0]
    placed = teams.placed(demo_ranking(), members)
    standing = teams.standings(placed, members, "team")
    rank = int(standing.loc[standing["team"] == row["team"], "rank"].iloc[0])
    at = open_page("views/my_rank.py", user=row["username"])
    team = next(m for m in at.metric if m.label == "Equipo")
    teams_ranked = int(standing["rank"].notna().sum())
    assert team.value == row["team"] and team.proto.delta == f"Puesto {rank} de {teams_ranked}"
    assert metrics(at)["País"] == countries.name(row["country"], "es")  # by its name, with its flag
    outsider = demo_ranking().loc[~demo_ranking()["username"].isin(members.people["username"]), "username"].iloc[0]
    assert metrics(open_page("views/my_rank.py", user=outsider))["Equipo"] == "Sin equipo"


def with_deadline(tmp_path, deadline: dt.datetime) -> str:
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    text = text.replace("[hub]\n", f"[hub]\ndeadline = {deadline:%Y-%m-%dT%H:%M:%SZ}\n", 1)
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def demo_readings() -> list[pd.Timestamp]:
    return sorted(pd.to_datetime(load_demo_projects().history["time"], utc=True).unique())


def test_projects_after_the_deadline_show_the_standings_then_and_today_apart(demo_env, tmp_path):
    """The demo's likes history is read every 6 hours: a deadline a minute after a reading has one."""
    reading = demo_readings()[-10]
    deadline = reading.to_pydatetime() + dt.timedelta(minutes=1)
    history = load_demo_projects().history
    at_deadline = history[pd.to_datetime(history["time"], utc=True) <= reading]
    last = at_deadline.sort_values("time").groupby("repo_id")["likes"].last()
    with environment(CAMPAIGN_CONFIG=with_deadline(tmp_path, deadline), ORGANIZER_TOKEN=ORGANIZER):
        at = open_page("views/projects.py")
        titles = [s.value for s in at.subheader]
        assert titles[0].startswith("Clasificación al cierre") and "Likes de hoy" in titles
        final = frame_of(at, "projects.final_teams")  # grouped by team (the demo's roster claims repos)
        claims = load_demo_roster().projects.set_index("repo_id")["team"]
        owner = last.index.map(lambda repo: claims.get(repo, repo))
        truth = last.groupby(owner).sum().sort_values(ascending=False)
        assert final["likes"].tolist() == truth.tolist()
        honour = [s.value for s in at.success]
        assert honour and final["project"].iloc[0].removeprefix("👥 ") in honour[0]
        assert not at.warning and any("antes del cierre" in c.value for c in at.caption)
        organizer = open_page("views/organizer.py")
        organizer.text_input(key="organizer.passphrase").input(ORGANIZER).run()
        labels = [b.proto.label for b in organizer.get("download_button")]
        assert "Descargar la clasificación al cierre (CSV)" in labels


def test_a_deadline_with_no_reading_within_a_period_is_said(demo_env, tmp_path):
    deadline = demo_readings()[-10].to_pydatetime() + dt.timedelta(hours=3)
    with environment(CAMPAIGN_CONFIG=with_deadline(tmp_path, deadline)):
        at = open_page("views/projects.py", lang="en")
        assert any("none falls within the last refresh period" in w.value for w in at.warning)


def test_before_the_deadline_projects_say_when_it_closes(demo_env, tmp_path):
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    with environment(CAMPAIGN_CONFIG=with_deadline(tmp_path, deadline)):
        at = open_page("views/projects.py")
        assert any("cierra el" in i.value for i in at.info)
        assert not any(s.value.startswith("Clasificación al cierre") for s in at.subheader)


# --- live: the real argilla-server, a roster file beside campaign.toml ---------------------------
ROSTER = (
    "username,team,country\n"
    "ana,Quetzal,MX\n"
    "@BETO,Quetzal,México\n"
    "carla,Cóndor,Narnia\n"
    "dani,Cóndor,AR\n"
    "dani,Quetzal,Argentina\n"
    "\"<script>alert('xss')</script>\",=cmd|calc,ES\n"
)


@pytest.fixture
def live_roster_env(live_env, live_campaign, tmp_path):
    _, config = live_campaign
    text = config.read_text(encoding="utf-8") + '\n[teams]\nsource = "equipos.csv"\n'
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "campaign.toml").write_text(text, encoding="utf-8")
    (folder / "equipos.csv").write_text(ROSTER, encoding="utf-8")
    with environment(**{**live_env, "CAMPAIGN_CONFIG": str(folder / "campaign.toml"), "ORGANIZER_TOKEN": ORGANIZER}):
        refreshed_feed()
        running().roster.poller.refresh()
        yield


def test_live_teams_match_the_campaign_plan(live_roster_env, live_campaign):
    plan, _ = live_campaign
    truth = expected.per_user(plan, exclude=["owner"])
    team_of = {"ana": "Quetzal", "beto": "Quetzal", "carla": "Cóndor", "dani": "Quetzal"}
    team_of["<script>alert('xss')</script>"] = "=cmd|calc"
    at = open_page("views/teams.py")
    shown = frame_of(at, "teams.team").set_index("name")
    for team in set(team_of.values()):
        validations = sum(s["validations"] for user, s in truth.items() if team_of.get(user) == team)
        if validations:
            assert shown.loc[team, "validations"] == validations, team
    countries = frame_of(at, "teams.country").set_index("name")
    assert countries.loc["🇲🇽 México", "registered"] == 2  # "MX" and "México" are one country
    outside = sum(s["validations"] for user, s in truth.items() if user not in team_of)
    note = next(c.value for c in at.caption if c.value.startswith("Sin equipo (aparte)"))
    assert f"{outside} validaciones" in note.replace(".", "")
    download = next(b for b in at.get("download_button") if "equipos" in b.proto.label)
    assert download is not None


def test_live_team_csv_is_neutralised(live_roster_env):
    services = running()
    campaign = services.campaign.view().value
    data = services.campaign.read_of(campaign).standings_csv(services.roster.current(), "team").decode()
    rows = list(csv.DictReader(io.StringIO(data)))
    assert "'=cmd|calc" in [row["team"] for row in rows]
    assert all(row["as_of"].endswith("Z") for row in rows)


def test_organizers_see_what_is_wrong_with_the_roster(live_roster_env):
    at = open_page("views/organizer.py")
    at.text_input(key="organizer.passphrase").input(ORGANIZER).run()
    warning = " ".join(w.value for w in at.warning)
    assert "Narnia" in warning and "dani" in warning and "la última fila" in warning


def test_without_a_roster_the_page_leaves_the_menu_and_says_why(live_env):
    with environment(**live_env):
        refreshed_feed()
        at = open_page("views/teams.py")
        assert any("No hay un roster" in i.value for i in at.info)
        assert not at.dataframe
        me = open_page("views/my_rank.py", user="ana")
        assert "Equipo" not in metrics(me)


# --- in Chromium, with no network beyond the app ------------------------------------------------
@pytest.mark.browser
def test_the_map_draws_in_chromium_without_reaching_a_cdn(browser, tmp_path):
    from tests.streamlit_process import StreamlitApp, wait_for_app

    app = StreamlitApp({"DATA_DIR": str(tmp_path / "data")}, tmp_path / "streamlit.log").start()
    outside: list[str] = []

    def only_the_app(route):
        if route.request.url.startswith(app.url):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", only_the_app)
        served = []
        page.on("response", lambda response: served.append((response.url, response.status)))
        page.goto(f"{app.url}/equipos")
        wait_for_app(page)
        shapes = page.locator("path.choroplethlocation")
        shapes.first.wait_for(state="attached", timeout=30_000)
        countries_shown = (
            teams.standings(teams.placed(demo_ranking(), load_demo_roster()), load_demo_roster(), "country")["rank"]
            .notna()
            .sum()
        )
        assert shapes.count() == countries_shown  # one shape per country with validations
        borders = page.locator(".layer.countries path").first.get_attribute("d")
        assert len(borders) > 10_000  # the world's borders, drawn from the shapes the app served
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not [url for url in outside if "plot.ly" in url or "topojson" in url], outside
        assert (f"{app.url}/_tablero/maps/world_110m.json", 200) in served
    finally:
        app.stop()


def test_a_roster_that_cannot_be_read_puts_nobody_in_sin_equipo(live_env, live_campaign, tmp_path):
    """Configured but missing: the page says why and shows no table; nobody is "without a team"."""
    _, config = live_campaign
    path = tmp_path / "campaign.toml"
    path.write_text(config.read_text(encoding="utf-8") + '\n[teams]\nsource = "no-existe.csv"\n', encoding="utf-8")
    with environment(**{**live_env, "CAMPAIGN_CONFIG": str(path)}):
        refreshed_feed()
        running().roster.poller.refresh()
        at = open_page("views/teams.py")
        assert any("existe" in w.value and "roster" in w.value for w in at.warning) and not at.dataframe
        assert "Equipo" not in metrics(open_page("views/my_rank.py", user="ana"))
