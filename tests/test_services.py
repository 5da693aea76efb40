"""The process's services: the demo only when nothing is configured, one live set per configuration."""

import datetime as dt
import threading
import time

from data.config import Secrets, load_config
from data.errors import ErrorKind
from data.feeds.campaign import CampaignFeed
from data.feeds.services import Services
from data.model.aggregate import Filters
from tests.app_env import environment, running, write_config
from tests.hub_fixtures import make_repos
from tests.servers.counting_proxy import CountingProxy
from tests.servers.hub_server import HubServer


def test_nothing_configured_is_the_demo(tmp_path):
    services = Services.build(load_config(), Secrets(), tmp_path)
    assert services.campaign.view().mode == "demo" and services.projects.view().mode == "demo"


def test_a_configured_argilla_is_never_the_demo(tmp_path):
    secrets = Secrets(argilla_api_url="http://127.0.0.1:9", argilla_api_key="k")
    services = Services.build(load_config(), secrets, tmp_path)
    assert services.campaign.view().mode == "first_read" and services.campaign.view().value is None
    assert services.projects.view().mode == "first_read"  # [hub] org is set and a source is configured


def test_a_hub_token_alone_configures_no_campaign(tmp_path):
    """A Hub token and endpoint (most Hub users export them): the demo campaign; the org's real
    projects are read, and the demo's stand in until they land, with the reason."""
    server = HubServer().start()
    try:
        server.state.faults = [(401, {})] * 3  # the token is refused
        services = Services.build(load_config(), Secrets(hf_token="hf_x", hf_endpoint=server.endpoint), tmp_path)
        assert services.campaign.view().mode == "demo" and services.roster.view().mode == "demo"
        projects = services.projects
        assert projects.view().mode == "demo" and projects.poller is not None
        projects.poller.refresh()
        view = projects.view()
        assert view.mode == "demo" and view.value is not None and view.state.error.kind is ErrorKind.AUTH
    finally:
        server.stop()


def test_the_demo_campaign_shows_the_orgs_real_projects_once_the_hub_answers(tmp_path):
    server = HubServer().start()
    try:
        server.state.repos = make_repos("somosnlp")
        services = Services.build(load_config(), Secrets(hf_endpoint=server.endpoint), tmp_path)
        services.projects.poller.refresh()
        view = services.projects.view()
        assert view.mode == "live" and services.campaign.view().mode == "demo"
        listed = {repo["id"] for kind in server.state.repos.values() for repo in kind}
        assert 0 < len(set(view.value.raw["repo_id"])) and set(view.value.raw["repo_id"]) <= listed
    finally:
        server.stop()


def test_derived_cache_is_bounded(tmp_path):
    feed = CampaignFeed(load_config(), Secrets(), tmp_path, demo=True)
    campaign = feed.view().value
    start = dt.date(2024, 3, 4)
    for days in range(300):
        window = Filters(start=start, end=start + dt.timedelta(days=days % 40))
        feed.read_of(campaign).contributors(Filters(("mmlu_es",), window.start, window.end) if days % 2 else window)
    assert len(feed.derived) <= feed.derived.maxsize
    first = feed.read_of(campaign).contributors()
    assert feed.read_of(campaign).contributors() is first  # memoised per read


def test_a_campaign_held_at_start_is_computed_before_anyone_asks(tmp_path):
    """A snapshot on disk, Argilla not answering: the reader computes the held campaign's aggregates
    before its read (which fails), so the first visitors after a restart do not wait for them; so
    does a campaign restored from the Hub as it is taken."""
    from data.feeds.campaign import campaign_source
    from data.state.snapshots import SnapshotStore, save_campaign
    from data.synthetic import generate

    config = load_config()
    campaign = generate(contributors=50, responses=2000, seed=3)
    campaign.source = campaign_source(config)
    save_campaign(SnapshotStore(tmp_path), campaign)
    feed = CampaignFeed(config, Secrets(argilla_api_url="http://127.0.0.1:9", argilla_api_key="x"), tmp_path)
    assert feed.view().value is not None and len(feed.derived) == 0
    feed.poller.refresh()  # the reader's first read, as its thread makes it
    assert feed.view().state.error is not None and len(feed.derived) > 0  # nobody asked for a page
    restored = CampaignFeed(config, Secrets(argilla_api_url="http://127.0.0.1:9", argilla_api_key="x"), tmp_path / "b")
    restored.adopt(campaign)  # what the state restored from the Hub holds
    assert restored.view().value is campaign and len(restored.derived) > 0


def pollers() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "argilla-poller"]


def test_ten_edits_of_the_configuration_leave_one_live_poller(argilla_server, live_campaign, tmp_path):
    """The registry stops what each edit replaces: the old pollers end on their own."""
    plan, _ = live_campaign
    proxy = CountingProxy(argilla_server.api_url)
    config = write_config(tmp_path / "campaign.toml", plan)
    base = config.read_text().replace("refresh_seconds = 3600", "refresh_seconds = 1")
    env = {
        "ARGILLA_API_URL": proxy.url,
        "ARGILLA_API_KEY": argilla_server.api_key,
        "CAMPAIGN_CONFIG": str(config),
        "DATA_DIR": str(tmp_path / "data"),
    }
    with environment(**env):
        try:
            before = set(pollers())
            for edit in range(10):
                config.write_text(base.replace("Campaña de prueba", f"Campaña de prueba {edit}"))
                services = running()
                assert services.config.title.endswith(str(edit))
            deadline = time.monotonic() + 60
            while len([thread for thread in pollers() if thread not in before]) != 1:
                assert time.monotonic() < deadline, "old pollers outlived their configuration"
                time.sleep(0.1)
            started = time.monotonic()
            while proxy.polls_since(started) < 4:  # four polls of the one live poller
                assert time.monotonic() - started < 60, "the live poller stopped polling"
                time.sleep(0.05)
            elapsed = time.monotonic() - started
            assert elapsed >= 2.5, elapsed  # one per 1-s interval: four polls take three intervals at least
            assert len([thread for thread in pollers() if thread not in before]) == 1
        finally:
            running().stop()
            proxy.stop()
