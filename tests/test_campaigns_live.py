"""Several campaigns on two Argilla servers (the real argilla-server under two addresses): each
campaign reads its own datasets from its own server and its ranking equals the plan's truth; a
campaign whose server is not set shows what is missing, never the demo."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from data.config import app_values, load_board, load_secrets
from data.feeds.services import running_board, stop_board
from tests import expected
from tests.app_env import environment, open_page


def campaign_text(slug: str, spec, workspace: str | None = None, argilla: str | None = None) -> str:
    """One [[campaigns]] table of one dataset; one that reads (a `workspace`) is polled by hand."""
    lines = ["[[campaigns]]", f'slug = "{slug}"', f'title = "Campaña {slug}"']
    lines += [f'argilla = "{argilla}"'] if argilla else []
    if workspace:
        lines += ['exclude_users = ["owner"]', "min_validations_for_prize = 3", "refresh_seconds = 3600"]
    lines += ["[[campaigns.datasets]]", f'name = "{spec.name}"', f'correction_question = "{spec.question}"']
    lines += [f'workspace = "{workspace}"'] if workspace else []
    lines += [f'reference_field = "{spec.reference_field}"'] if spec.reference_field else []
    return "\n".join(lines) + "\n"


def board_text(plan) -> str:
    first, second = plan.specs
    return "\n".join(
        [
            '[site]\nname = "Colectivo de prueba"\n',
            campaign_text("uno", first, plan.workspace),
            campaign_text("dos", second, plan.workspace, argilla="OTRO"),
            campaign_text("tres", second, argilla="FALTA"),
        ]
    )


@pytest.fixture()
def board_env(argilla_server, live_campaign, tmp_path):
    plan, _ = live_campaign
    path = tmp_path / "campaign.toml"
    path.write_text(board_text(plan), encoding="utf-8")
    other = argilla_server.api_url.replace("127.0.0.1", "localhost")  # the same process, another server's address
    env = {
        "ARGILLA_API_URL": argilla_server.api_url,
        "ARGILLA_API_KEY": argilla_server.api_key,
        "ARGILLA_API_URL_OTRO": other,
        "ARGILLA_API_KEY_OTRO": argilla_server.api_key,
        "CAMPAIGN_CONFIG": str(path),
        "DATA_DIR": str(tmp_path / "data"),
    }
    with environment(**env):
        yield plan, other
    stop_board()


def truth_of(plan, dataset: str) -> dict:
    only = SimpleNamespace(responses=[r for r in plan.responses if r.dataset == dataset])
    found = expected.per_user(only, exclude=["owner"])
    return {user: s for user, s in found.items() if s["validations"] or s["discarded"]}


def test_each_campaign_reads_its_own_server_and_datasets(board_env):
    plan, other = board_env
    board, secrets = load_board(), load_secrets(app_values())
    running, problems = running_board(board, secrets, Path(os.environ["DATA_DIR"]))
    assert set(running) == {"uno", "dos"} and "ARGILLA_API_URL_FALTA" in problems["tres"]
    assert running["dos"].campaign.poller is not None
    for slug, spec in zip(("uno", "dos"), plan.specs, strict=True):
        feed = running[slug].campaign
        feed.poller.refresh()
        view = feed.view()
        assert view.mode.value == "live", (slug, view.state)
        table = feed.read_of(view.value).contributors()
        truth = truth_of(plan, spec.name)
        assert dict(zip(table["username"], table["validations"])) == {u: s["validations"] for u, s in truth.items()}
        assert dict(zip(table["username"], table["corrections"])) == {u: s["corrections"] for u, s in truth.items()}
    assert (Path(os.environ["DATA_DIR"]) / "campaigns" / "dos").is_dir()


def test_a_campaign_whose_server_is_not_set_says_so_and_shows_no_demo(board_env):
    at = open_page(c="tres")
    shown = " ".join(e.value for e in [*at.error, *at.warning, *at.info, *at.markdown]).replace("\\", "")
    assert "ARGILLA_API_URL_FALTA" in shown and "demostración" not in shown
