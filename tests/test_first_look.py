"""A cold start's first look, against a real argilla-server: Argilla's own per-user counts are on
screen before the full read ends, equal to what that read ranks (and to argilla-server's own
`/users/progress`), marked as such and stored for the other processes."""

from __future__ import annotations

import datetime as dt
import random
import threading

import httpx
import pytest

from data.config import load_config, load_secrets
from data.feeds.campaign import normalise
from data.feeds.poller import Mode
from data.feeds.services import Services
from data.model import aggregate
from data.sources.argilla import ArgillaSource
from data.state.snapshots import SnapshotStore, load_campaign
from tests.app_env import write_config
from tests.campaign_builder import LIVE_USERS, DatasetSpec, build_campaign
from tests.oracle import argilla_rows
from tests.streamlit_process import StreamlitApp, wait_for_app
from tests.test_accessibility import serious_violations
from tests.test_argilla_source import configs
from tests.waiting import wait_until

SHARED = ["rank", "username", "validations", "discarded", "datasets", "eligible"]  # what Argilla's counts hold


def random_plan(rg_client, seed: int):
    rng = random.Random(seed)
    specs = [
        DatasetSpec(f"vistazo{seed}_{n}", "texto", rng.choice(["ref", None]), rng.randint(1, 3), rng.randint(5, 40))
        for n in range(rng.randint(1, 3))
    ]
    users = rng.sample(LIVE_USERS, k=rng.randint(3, len(LIVE_USERS)))
    return build_campaign(rg_client, f"vistazo{seed}", specs, users, seed=seed)


def ranking(campaign, minimum: int, exclude: tuple[str, ...]):
    table = aggregate.contributors(
        campaign.responses, min_validations=minimum, exclude_users=exclude, counted=campaign.counted
    )
    return table[SHARED].sort_values("username").reset_index(drop=True)  # (ties: by corrections, once known)


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_the_first_look_ranks_everyone_as_the_full_read_and_argilla_do(rg_client, argilla_server, seed):
    plan = random_plan(rg_client, seed)
    source = ArgillaSource(argilla_server.api_url, argilla_server.api_key, configs(plan.specs, plan.workspace))
    now = dt.datetime.now(dt.UTC)
    exclude = ("owner", plan.users[0])
    first = normalise(source.counts(), now, "t", exclude)
    full = normalise(source.fetch(), now, "t", exclude)
    assert first.responses.empty and first.records.empty  # nothing but Argilla's counts
    quick, complete = ranking(first, 3, exclude), ranking(full, 3, exclude)
    assert quick.equals(complete), (quick, complete)
    http = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    ids = [settings.id for settings in source.counts().settings.values()]
    truth = argilla_rows(http, ids, 3, exclude)
    assert {row.username: (row.validations, row.discarded, row.rank) for row in quick.itertuples()} == {
        name: (row.validations, row.discarded, row.rank) for name, row in truth.items()
    }


@pytest.fixture(scope="module")
def plan(rg_client):
    return random_plan(rg_client, 41)


def test_a_cold_start_shows_argillas_counts_while_the_full_read_is_held(argilla_server, proxy, plan, tmp_path):
    config = load_config(write_config(tmp_path / "c.toml", plan, minimum=2))
    secrets = load_secrets({"ARGILLA_API_URL": proxy.url, "ARGILLA_API_KEY": argilla_server.api_key})
    services = Services.build(config, secrets, tmp_path / "data")  # not started: read here
    feed = services.campaign
    proxy.held, proxy.release = "/records", threading.Event()  # every page of records waits
    reading = threading.Thread(target=feed.poller.refresh, daemon=True)
    reading.start()
    try:
        wait_until(lambda: feed.view().mode == Mode.EARLY, 60, "the first look")
        view = feed.view()
        early = feed.read_of(view.value).everyone()
        stored = load_campaign(SnapshotStore(tmp_path / "data"), feed.source)
        assert stored is not None and stored.provisional  # what the other processes load, marked
        assert view.value.provisional and not view.value.counted.empty
    finally:
        proxy.release.set()
    reading.join(120)
    assert feed.view().mode == Mode.LIVE and not feed.view().value.provisional
    full = feed.read_of(feed.view().value).everyone()
    assert (
        early[SHARED]
        .sort_values("username")
        .reset_index(drop=True)
        .equals(full[SHARED].sort_values("username").reset_index(drop=True))
    )
    assert full["corrections"].sum() > 0 and early["corrections"].sum() == 0  # which the page says is on its way
    assert not load_campaign(SnapshotStore(tmp_path / "data"), feed.source).provisional
    services.stop()


def test_no_first_look_once_the_campaign_has_ended(argilla_server, proxy, plan, tmp_path):
    """Argilla's counts hold every day; an ended campaign counts only its own: the page waits."""
    ended = {"start": dt.date(2020, 1, 1), "end": dt.date(2020, 12, 31)}
    config = load_config(write_config(tmp_path / "c.toml", plan, minimum=2, campaign=ended))
    secrets = load_secrets({"ARGILLA_API_URL": proxy.url, "ARGILLA_API_KEY": argilla_server.api_key})
    services = Services.build(config, secrets, tmp_path / "data")
    proxy.held, proxy.release = "/records", threading.Event()
    reading = threading.Thread(target=services.campaign.poller.refresh, daemon=True)
    reading.start()
    try:
        wait_until(lambda: sum(n for k, n in proxy.counts.items() if "/records" in k) > 0, 60, "the full read")
        assert services.campaign.view().mode == Mode.FIRST_READ
    finally:
        proxy.release.set()
    reading.join(120)
    assert services.campaign.view().mode == Mode.LIVE
    services.stop()


def test_a_visitor_sees_the_first_look_then_the_page_completes_itself(argilla_server, proxy, plan, tmp_path, browser):
    path = write_config(tmp_path / "c.toml", plan, minimum=2)
    env = {
        "ARGILLA_API_URL": proxy.url,
        "ARGILLA_API_KEY": argilla_server.api_key,
        "CAMPAIGN_CONFIG": str(path),
        "DATA_DIR": str(tmp_path / "data"),
    }
    http = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    ours = {spec.name for spec in plan.specs}
    datasets = [d["id"] for d in http.get("/api/v1/me/datasets").json()["items"] if d["name"] in ours]
    truth = argilla_rows(http, datasets, 2)
    plain = sorted(name for name in truth if name.isalnum())
    proxy.held, proxy.release = "/records", threading.Event()
    app = StreamlitApp(env, tmp_path / "app.log").start()
    try:
        page = browser.new_context().new_page()
        page.goto(f"{app.url}/progreso")
        page.get_by_text("Mientras tanto, el").wait_for(timeout=60_000)  # the pages that need the full read wait
        wait_for_app(page)
        assert serious_violations(page) == []
        page.goto(f"{app.url}/clasificacion")
        wait_for_app(page)
        assert page.get_by_text("Primer vistazo:").first.is_visible()
        assert serious_violations(page) == []
        shown = page.content()
        assert all(name in shown for name in plain) and plain
        slug = load_config(path).slug
        api = httpx.get(f"{app.url}/api/v1/campaigns/{slug}/ranking", timeout=30)
        assert api.status_code == 503 and api.headers["retry-after"]  # no figure without its corrections
        proxy.release.set()
        page.get_by_text("Primer vistazo:").first.wait_for(state="detached", timeout=60_000)  # no reload needed
        wait_for_app(page)
        assert page.get_by_role("heading", name="Ranking de contribuciones").is_visible()
        assert page.get_by_placeholder("Buscar usuario").count() or page.get_by_label("Buscar usuario").count()
    finally:
        proxy.release.set()
        app.stop()


def _notice(records: int) -> None:
    from components.early import early_notice
    from data.feeds.poller import FeedView, Mode, PollState
    from data.sources.progress import ReadProgress

    progress = ReadProgress(step=1, steps=3, label="MMLU", records=records)
    early_notice(FeedView(None, Mode.EARLY, PollState(None, None, None, 0, progress)), "es")


@pytest.mark.parametrize("records", [0, 1200])
def test_the_first_looks_line_says_how_far_the_full_read_got_never_that_it_read_nothing(records):
    """The line is drawn once, with the page: a count of 0 (the first page of records asked for)
    would read as a read that is stuck, so it then names only what is being read."""
    from streamlit.testing.v1 import AppTest

    from components import i18n

    said = AppTest.from_function(_notice, kwargs={"records": records}).run().info[0].value
    assert said.startswith("Primer vistazo:")
    if records:
        assert f"Leyendo MMLU: {i18n.number(records, 'es')} registros." in said
    else:
        assert "Leyendo MMLU…" in said and "registros" not in said
