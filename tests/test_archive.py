"""An archived campaign outlives its Argilla server and any disk: `archived = true` writes its final
read and tables to the state repo (through a real HfApi against the Hub-shaped server) from the real
argilla-server's last word; then, with Argilla down and another, empty disk, its pages, CSV and the
verification of a certificate issued before still work, marked final."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest

from data.feeds import registry
from data.feeds.services import SERVICES
from data.model import credentials
from data.state import hub_storage
from tests import expected
from tests.app_env import environment, open_page, running, status_line, write_config
from tests.hub_fixtures import org_hub
from tests.waiting import wait_until

pytestmark = pytest.mark.long

ORG = "org-archivo"
REPO = "org-archivo/tablero-archivo"
TOKEN = "hf_writeTOKENarchive1234"


@pytest.fixture
def hub():
    server = org_hub(ORG, {TOKEN: "write"})
    yield server
    server.stop()


def environment_of(argilla_server, plan, hub, folder, argilla_up: bool) -> dict[str, str]:
    storage = f'[storage]\nrepo = "{REPO}"\nevery_minutes = 0.02\n'
    folder.mkdir(parents=True, exist_ok=True)
    config = write_config(folder / "campaign.toml", plan, sections=storage, timeout=2, campaign={"archived": True})
    return {
        "ARGILLA_API_URL": argilla_server.api_url if argilla_up else "http://127.0.0.1:9",
        "ARGILLA_API_KEY": argilla_server.api_key,
        "HF_ENDPOINT": hub.endpoint,
        "HF_TOKEN": TOKEN,
        "CAMPAIGN_CONFIG": str(config),
        "DATA_DIR": str(folder / "data"),
    }


def archived_files(hub) -> dict[str, bytes]:
    repo = hub.state.store.repo(REPO)
    return {path: data for path, data in (repo.files if repo is not None else {}).items() if path.startswith("final/")}


def plain(cell: str) -> str:
    """A CSV cell as the name it stands for (a formula's first character is neutralised with ')."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@") else cell


def truth(plan) -> dict:
    found = expected.per_user(plan, exclude=["owner"])
    return {user: s for user, s in found.items() if s["validations"] or s["discarded"]}


def test_an_archived_campaign_outlives_argilla_and_the_disk(argilla_server, live_campaign, hub, tmp_path):
    from components.contributor import certificate_mark
    from data.config import load_config

    plan, _ = live_campaign
    with environment(**environment_of(argilla_server, plan, hub, tmp_path / "last-day", argilla_up=True)):
        services = running()
        wait_until(lambda: services.campaign.view().value is not None, timeout=60, what="the archive written and read")
        wait_until(lambda: hub_storage.FINAL_MANIFEST in archived_files(hub), what="the archive committed")
        wait_until(lambda: hub_storage.KEYS in hub.state.store.repo(REPO).files, what="the keys committed")
        wait_until(lambda: services.keys.signing != services.keys.derived, what="the kept key in use")
        table = services.campaign.read_of(services.campaign.view().value).contributors()
        me = table.iloc[0]
        mark = certificate_mark(load_config())
        credential = credentials.Credential(
            me["username"], int(me["validations"]), int(me["corrections"]), dt.date.today(), mark.tags
        )
        issued = credentials.issue(credential, services.keys.signing)
        registry.drop(SERVICES)
    files = archived_files(hub)
    assert {f"final/{name}.parquet" for name in ("records", "responses", "datasets", "standings", "progress")} <= set(
        files
    )
    standings = pd.read_parquet(io.BytesIO(files["final/standings.parquet"]))
    assert dict(zip(standings["username"], standings["validations"])) == {
        u: s["validations"] for u, s in truth(plan).items()
    }

    # Argilla gone, the disk another (a rebuilt Space): everything from the archive
    with environment(**environment_of(argilla_server, plan, hub, tmp_path / "a-year-later", argilla_up=False)):
        services = running()
        wait_until(lambda: services.campaign.view().value is not None, timeout=60, what="the archive read")
        view = services.campaign.view()
        assert view.state.error is None, view.state.error
        at = open_page("views/export.py")
        assert "Resultados finales" in status_line(at)
        exported = services.campaign.read_of(view.value).ranking_csv()
        rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8"))))
        assert {plain(row["username"]): int(row["validations"]) for row in rows} == {
            u: s["validations"] for u, s in truth(plan).items()
        }
        verified = open_page("views/verify.py", id=issued)
        assert verified.success and "válido" in verified.success[0].value
        assert "demostración" not in " ".join(i.value for i in at.info)
        registry.drop(SERVICES)
