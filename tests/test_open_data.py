"""The standings as open data ([open_data]): published through a real HfApi to the Hub-shaped
server, from the real argilla-server's campaign; the Parquet is the export's CSV of the same
read, every column is documented in the card, the history accumulates by day, and a wiped disk,
a foreign repo or the Hub down lose nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from components.safe import md_text
from data.config import load_config
from data.errors import ErrorKind
from data.feeds.campaign_read import CampaignRead
from data.feeds.open_data import Publisher
from data.feeds.poller import Mode
from data.feeds.read_cache import ReadCache
from data.model import export
from data.state.open_data import INDEX, OpenDataRepo
from data.synthetic import generate
from tests.app_env import environment, open_page, running, write_config
from tests.hub_fixtures import org_hub
from tests.waiting import wait_until

ORG = "org-abierta"
REPO = "org-abierta/tablero-abierto"
WRITE = "hf_writeOPENdataSENTINEL4321"
ROSTER = "username,team,country\nana,Quetzal,MX\n@BETO,Quetzal,México\ncarla,Cóndor,AR\ndani,,Chile\n"


@pytest.fixture
def hub():
    server = org_hub(ORG, {WRITE: "write"})
    yield server
    server.stop()


def files_of(hub) -> dict[str, bytes]:
    repo = hub.state.store.repo(REPO)
    return dict(repo.files) if repo is not None else {}


def card_of(files: dict[str, bytes]) -> tuple[dict, dict[str, list[str]]]:
    """The card's YAML, and each table's documented columns (its section's rows), in order."""
    text = files["README.md"].decode("utf-8")
    assert text.startswith("---\n")
    meta = yaml.safe_load(text[4 : text.index("\n---", 4)])
    documented: dict[str, list[str]] = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        name = re.match(r"`([a-z_]+)`", section)
        if name:
            documented[name.group(1)] = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)
    return meta, documented


def parquet(files: dict[str, bytes], path: str) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(files[path]))


@pytest.mark.long
def test_the_published_parquet_is_the_export_csv_of_the_same_read_and_only_documented_columns(
    argilla_server, live_campaign, hub, tmp_path
):
    plan, _ = live_campaign
    (tmp_path / "equipos.csv").write_text(ROSTER, encoding="utf-8")
    sections = f'[teams]\nsource = "equipos.csv"\n\n[open_data]\nrepo = "{REPO}"\nlicence = "cc-by-sa-4.0"\n'
    config = write_config(tmp_path / "campaign.toml", plan, hub_org=ORG, sections=sections)
    env = {
        "ARGILLA_API_URL": argilla_server.api_url,
        "ARGILLA_API_KEY": argilla_server.api_key,
        "HF_ENDPOINT": hub.endpoint,
        "HF_TOKEN": WRITE,
        "CAMPAIGN_CONFIG": str(config),
        "DATA_DIR": str(tmp_path / "data"),
        "ORGANIZER_TOKEN": "frase-abierta",
    }
    with environment(**env):
        services = running()
        services.campaign.poller.wait_for_first(60)
        services.roster.poller.refresh()
        wait_until(lambda: services.projects.view().value is not None, what="the projects' first read")
        assert services.publisher.publish_if_due()
        assert not services.publisher.publish_if_due()  # once a day
        at = open_page("views/organizer.py")
        at.text_input(key="organizer.passphrase").input("frase-abierta").run()
        captions = " ".join(caption.value for caption in at.caption)
        assert f"Datos abiertos ({md_text(REPO, 100)}): publicado el día" in captions
        value = services.campaign.view().value
        read = services.campaign.read_of(value)
        roster = services.roster.current()
        projects = services.projects.view().value
        services.stop()

    files = files_of(hub)
    day = read.today.isoformat()
    ranking = parquet(files, f"ranking/date={day}/data.parquet")
    assert export.to_csv(ranking) == read.ranking_csv()  # the export page's CSV, byte for byte
    assert export.to_csv(parquet(files, f"teams/date={day}/data.parquet")) == read.standings_csv(roster, "team")
    progress = parquet(files, f"progress/date={day}/data.parquet")
    assert progress["total"].sum() == sum(spec.records for spec in plan.specs)

    meta, documented = card_of(files)
    board = services.projects.board(projects)[documented["projects"]]  # the leaderboard's public columns
    assert export.to_csv(parquet(files, f"projects/date={day}/data.parquet")) == export.to_csv(board)
    assert meta["license"] == "cc-by-sa-4.0"
    assert {c["config_name"]: c["data_files"] for c in meta["configs"]} == {
        name: f"{name}/date={day}/data.parquet" for name in ("ranking", "progress", "teams", "countries", "projects")
    }
    parquets = [path for path in files if path.endswith(".parquet")]
    assert len(parquets) == 5
    for path in parquets:
        assert list(parquet(files, path).columns) == documented[path.split("/")[0]], path
    everything = b"".join(files.values())
    assert argilla_server.api_key.encode() not in everything and WRITE.encode() not in everything
    assert hub.state.store.repo(REPO).private is False
    assert json.loads(files[INDEX])["days"][day]["final"] is False


# --- the schedule, with a campaign feed whose reads the test sets ------------------------------
class HeldReads:
    """The campaign feed as the publisher sees it: the fresh read the test sets, and its queries."""

    def __init__(self, config):
        self.config, self.memo, self.value = config, ReadCache(), None

    def view(self):
        return SimpleNamespace(mode=Mode.LIVE if self.value is not None else Mode.FIRST_READ, value=self.value)

    def read_of(self, campaign) -> CampaignRead:
        return CampaignRead(campaign, self.config, self.memo)


NOTHING = SimpleNamespace(view=lambda: SimpleNamespace(value=None), configured=False)


@pytest.fixture
def schedule(hub, tmp_path):
    config = dataclasses.replace(load_config(), time_zone="Europe/Madrid", end=dt.date(2024, 4, 11))
    campaign = generate(contributors=40, responses=900, seed=5)
    feed = HeldReads(config)

    def publisher() -> Publisher:  # a new process, on a wiped disk
        repo = OpenDataRepo(REPO, hub.endpoint, WRITE, "cc-by-4.0", tmp_path / f"cache{len(hub.state.requests)}")
        return Publisher(repo, feed, NOTHING, NOTHING)

    def read_at(text: str) -> None:
        feed.value = dataclasses.replace(campaign, fetched_at=dt.datetime.fromisoformat(text))

    return publisher, read_at


def test_one_edition_a_day_a_final_one_at_the_end_and_the_history_kept(schedule, hub, tmp_path):
    publisher, read_at = schedule
    first = publisher()
    assert not first.publish_if_due()  # no read yet: nothing (never an empty edition)
    read_at("2024-04-09T23:30:00+00:00")  # 01:30 on the 10th in Madrid: the campaign's day
    assert first.publish_if_due()
    day_one = files_of(hub)["ranking/date=2024-04-10/data.parquet"]
    read_at("2024-04-10T18:00:00+00:00")
    assert not first.publish_if_due()
    assert not publisher().publish_if_due()  # restarted on a wiped disk: the day is there already
    read_at("2024-04-11T09:00:00+00:00")
    second = publisher()
    assert second.publish_if_due() and second.status.day == dt.date(2024, 4, 11)
    read_at("2024-04-11T23:00:00+00:00")  # 01:00 on the 12th in Madrid: after the campaign's end
    assert second.publish_if_due()
    assert not publisher().publish_if_due()  # final once
    read_at("2024-04-13T09:00:00+00:00")
    assert publisher().publish_if_due()  # the days go on (the likes still move)

    files = files_of(hub)
    assert files["ranking/date=2024-04-10/data.parquet"] == day_one  # an earlier day is never rewritten
    index = json.loads(files[INDEX])["days"]
    assert list(index) == ["2024-04-10", "2024-04-11", "2024-04-12", "2024-04-13"]
    assert [day["final"] for day in index.values()] == [False, False, True, True]
    assert "**final**" in files["README.md"].decode("utf-8")
    meta, _ = card_of(files)
    assert {c["config_name"] for c in meta["configs"]} == {"ranking", "progress"}

    folder = tmp_path / "copy"  # the history, read as the card says (a `date` per partition)
    for path, data in files.items():
        if path.startswith("ranking/"):
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_bytes(data)
    history = pd.read_parquet(folder / "ranking")
    assert sorted(history["date"].astype(str).unique()) == list(index)
    assert len(history) == sum(len(parquet(files, f"ranking/date={day}/data.parquet")) for day in index)


def test_a_repo_of_someone_else_is_never_written(schedule, hub):
    publisher, read_at = schedule
    hub.state.store.put(REPO, {"README.md": b"---\nlicense: mit\n---\n# Not ours\n"}, private=False)
    read_at("2024-04-10T10:00:00+00:00")
    foreign = publisher()
    assert not foreign.publish_if_due()
    assert foreign.status.foreign
    assert files_of(hub) == {"README.md": b"---\nlicense: mit\n---\n# Not ours\n"}


def test_the_hub_down_costs_nothing_and_the_edition_comes_at_the_next_check(schedule, hub):
    publisher, read_at = schedule
    read_at("2024-04-10T10:00:00+00:00")
    writer = publisher()
    hub.state.faults = [(500, {})] * 6
    assert not writer.publish_if_due()
    assert writer.status.error is not None and writer.status.error.kind == ErrorKind.SERVER_ERROR
    assert INDEX not in files_of(hub)
    hub.state.faults = []
    assert writer.publish_if_due()
    assert writer.status.error is None and INDEX in files_of(hub)
