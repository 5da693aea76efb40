"""What a process runs for the configuration in force: the campaign and projects feeds, and the
durable copy of their state on the Hub when [storage] is configured.

One `Services` per process (see data.registry): the lifespan hook of the ASGI app starts it when
the server starts, so the first read is under way before the first visitor arrives; a session
that finds none (AppTest, a configuration just edited) starts it. A changed configuration stops
the old services before the new ones start. With storage, the pollers start once the state has
been restored from the Hub, or after `RESTORE_WAIT` seconds if the Hub is slow or down.

With several processes (scripts/serve) one is the writer, as a process alone is; the others
`follow` it (data/feeds/follower.py): they read no upstream, keep no state on the Hub, and serve
what the writer publishes in its data directory. Beyond one machine (`REDIS_URL`), a "candidate"
process in each replica is the writer while it holds the lease (data/state/shared.py) and follows
otherwise; everything is then published in Redis, and webhook deliveries that reach a follower
are handed to the writer. `version` answers, in any process, whether what a page shows changed.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from data.config import Board, CampaignConfig, ConfigError, Secrets
from data.feeds import registry
from data.feeds.appearance import AppearanceFeed
from data.feeds.campaign import CampaignFeed, campaign_source
from data.feeds.open_data import Publisher
from data.feeds.poller import FeedView, Mode
from data.feeds.projects import ProjectsFeed
from data.feeds.roster import RosterFeed
from data.feeds.sync import RESTORE_WAIT, PublishedSync, StateSync
from data.live.inbox import Inbox
from data.model import digests
from data.model.live import LiveMode
from data.sources.hub_client import install_timeout
from data.state.appearance import ChoiceStore, FileChoices, RedisChoices
from data.state.certificate_keys import PUBLISHED, CertificateKeys, Keyring
from data.state.hub_storage import HubStorage
from data.state.open_data import OpenDataRepo
from data.state.shared import Deliveries, Lease, Mirror, RedisTime, SharedStore, connect
from data.state.snapshots import SnapshotStore, Store

log = logging.getLogger(__name__)
ROLES = ("writer", "reader", "candidate")  # TABLERO_ROLE (scripts/serve sets it)
SERVICES = "services"  # their name in the registry


@dataclass(frozen=True)
class People:
    """Where a board of several campaigns keeps how people chose to appear: one machine's folder,
    and the Redis keys' prefix beyond one machine."""

    folder: Path
    prefix: str


@dataclass
class Services:
    config: CampaignConfig
    campaign: CampaignFeed
    projects: ProjectsFeed
    roster: RosterFeed
    state: StateSync | PublishedSync | None = None
    deliveries: Deliveries | None = None  # beyond one machine: where deliveries go to the writer
    publisher: Publisher | None = None  # the writer's: the standings as open data ([open_data])
    appearance: AppearanceFeed | None = None  # how people chose to appear in the public views
    keys: CertificateKeys = field(default_factory=lambda: CertificateKeys(None, b""), repr=False)  # certificates'
    clock: RedisTime | None = None  # beyond one machine: the time told by Redis's clock
    _relay: threading.Event | None = None

    @classmethod
    def build(
        cls,
        config: CampaignConfig,
        secrets: Secrets,
        data_dir: Path,
        follow: bool = False,
        lease: Lease | None = None,
        people: People | None = None,
    ) -> Services:
        """`people`: where the board keeps how people chose to appear, when it is not this campaign's
        own (a board of several: one choice of a person holds in all its campaigns)."""
        # a Hub token or endpoint alone configures no campaign; an archived one is read from its repo
        demo = not secrets.argilla_configured and not config.archived
        store: Store | None = None
        local: Store | None = None  # this machine's disk, where the shared store is Redis
        deliveries: Deliveries | None = None
        clock: RedisTime | None = None
        choices: ChoiceStore = FileChoices(people.folder if people else data_dir)  # one machine's processes share it
        if secrets.redis_url and not demo and (follow or lease is not None):
            client, prefix, local = connect(secrets.redis_url), shared_prefix(config), SnapshotStore(data_dir)
            shared = SharedStore(client, prefix, None if follow else lease)
            store = shared if follow else Mirror(local, shared)
            deliveries, clock = Deliveries(client, prefix), RedisTime(client)
            choices = RedisChoices(client, people.prefix if people else prefix)
        campaign = CampaignFeed(config, secrets, data_dir, demo, follow, store, local)
        services = cls(
            config=config,
            campaign=campaign,
            projects=ProjectsFeed(config.hub, secrets, data_dir, demo, follow, store, local),
            roster=RosterFeed(config, secrets, data_dir, demo=demo),
            deliveries=deliveries,
            clock=clock,
            keys=certificate_keys(secrets, campaign.store if follow and not demo else None),
            appearance=AppearanceFeed(choices, secrets.certificate_key),
        )
        services.campaign.appearance = services.appearance
        services.campaign.roster = services.roster
        if config.storage.repo and not demo and follow:
            services.state = PublishedSync(services.campaign.store, config.storage.repo)
        elif config.storage.repo and not demo:
            install_timeout(config.hub.timeout_seconds)
            storage = HubStorage(config.storage.repo, secrets.hf_endpoint, secrets.hf_token, data_dir / "hub-cache")
            store = services.campaign.store
            services.state = StateSync(storage, config.storage, campaign, services.projects, store, services.keys)
        if config.open_data.repo and not demo and not follow:
            repo = OpenDataRepo(
                config.open_data.repo,
                secrets.hf_endpoint,
                secrets.hf_token,
                config.open_data.licence,
                data_dir / "hub-cache",
            )
            services.publisher = Publisher(repo, services.campaign, services.projects, services.roster)
        return services

    def version(self, key: str) -> tuple[str, str | None] | None:
        """What a page following `key` shows, fingerprinted, and since when its data is known to be
        current: "c" (the campaign), "u…" (one person's *Mi posición*, led by their own figures'
        fingerprint: `digests.own`), "o" (Organización: the campaign and the storage), "p"
        (Proyectos). None for an unknown key."""
        if key == "p":
            projects = self.projects.view()
            content = self.projects.fingerprint(projects.value) if projects.value is not None else ""
            return self._stamped(projects, None, content)
        if key == "c" or key == "o" or key.startswith("u"):
            view = self.campaign.view()
            prints = self.campaign.read_of(view.value).fingerprints() if view.value is not None else {}
            own, _, content = (prints.get(key) or prints.get("c", "")).rpartition(digests.OWN)
            content += self.appearance.current().digest if self.appearance else ""
            if key == "o":
                content += digests.content(
                    repr(self.state and self.state.status), repr(self.publisher and self.publisher.status)
                )
            version, at = self._stamped(view, self.campaign.live_mode(), content)
            return (own + digests.OWN + version if own else version), at
        return None

    def _stamped(self, view: FeedView[Any], live: LiveMode | None, content: str) -> tuple[str, str | None]:
        content += self.roster.current().digest  # teams and countries show on every page
        at = view.checked_at.isoformat() if view.value is not None and view.mode != Mode.DEMO else None
        return _state_print(view, live) + content, at

    def carry_over(self, previous: Services | None) -> None:
        """Start from what this process's previous services held (a follower promoted to writer, or
        the reverse), where they read the same campaign and it is newer than what the stores hold:
        a writer promoted while Redis came back empty, on a machine whose disk has no read of its
        own, serves what it followed a moment ago (and publishes it again), never nothing."""
        if previous is None:
            return
        campaign, projects = previous.campaign.held(), previous.projects.held()
        if campaign is not None and previous.campaign.source == self.campaign.source:
            self.campaign.adopt(campaign)
        if projects is not None and previous.projects.source == self.projects.source:
            self.projects.adopt(projects)

    def start(self) -> Services:
        if self.clock is not None:  # first: every time stamped from here on is told by it
            self.clock.start()
        if self.deliveries is not None and self.campaign.updates is not None:
            self.campaign.updates.inbox.on_accept = self.deliveries.share_secret  # the others check signatures
            self._relay = threading.Event()
            args = (self._relay, self.deliveries, self.campaign.updates.inbox)
            threading.Thread(target=_relay_deliveries, args=args, name="delivery-relay", daemon=True).start()
        if isinstance(self.state, StateSync):
            self.state.start()
            threading.Thread(
                target=self._start_after_restore, args=(self.state,), name="services-start", daemon=True
            ).start()
        else:
            self._start_pollers()
        return self

    def _start_after_restore(self, state: StateSync) -> None:
        state.tried.wait(RESTORE_WAIT)
        if not state.stopped:
            self._start_pollers()

    def _start_pollers(self) -> None:
        self.campaign.start()
        self.projects.start()
        self.roster.start()
        if self.publisher is not None:
            self.publisher.start()

    def stop(self) -> None:
        if self.clock is not None:
            self.clock.stop()
        if self._relay is not None:
            self._relay.set()
        if self.state is not None:
            self.state.stop()
        if self.publisher is not None:
            self.publisher.stop()
        self.campaign.stop()
        self.projects.stop()
        self.roster.stop()


def certificate_keys(secrets: Secrets, published: Store | None = None) -> CertificateKeys:
    """The certificates' keys of this process: in one that follows the writer, with the keyring it
    published (data/state/certificate_keys.py)."""
    secret = secrets.certificate_secret.encode() if secrets.certificate_secret else None
    follow = (lambda: Keyring.from_json(published.read_status(PUBLISHED))) if published is not None else None
    return CertificateKeys(secret, secrets.derived_key, follow)


def _relay_deliveries(stop: threading.Event, deliveries: Deliveries, inbox: Inbox) -> None:
    """The writer's end of the deliveries other processes handed over: verified here, as its own."""
    while not stop.is_set():
        try:
            delivery = deliveries.take(timeout=1.0)
        except Exception as error:  # Redis gone for a while: deliveries wait there, checks catch up
            log.warning("handed-over deliveries unreachable (%s)", type(error).__name__)
            stop.wait(5)
            continue
        if delivery is not None:
            inbox.deliver(*delivery)


def _state_print(view: FeedView[Any], live: LiveMode | None) -> str:
    """The part of every fingerprint that says how the data stands (what the freshness line says)."""
    state = view.state
    error = state.error if state is not None else None
    progress = state.progress if state is not None and view.mode == Mode.FIRST_READ else None
    return digests.content(view.mode, error and (error.kind.value, error.detail), live, progress)[:8]


def shared_prefix(config: CampaignConfig) -> str:
    """The keys of this campaign's shared state: another campaign on the same Redis is not ours."""
    return f"tablero:{config_fingerprint(config)}"


def config_fingerprint(config: CampaignConfig) -> str:
    return digests.content(repr([(d.workspace, d.name) for d in config.datasets]), config.hub.org or "")


def running_services(
    config: CampaignConfig,
    secrets: Secrets,
    data_dir: Path,
    role: str = "writer",
    name: str = SERVICES,
    people: People | None = None,
) -> Services:
    """The process's services for this configuration, started on first use, kept in the registry
    under `name` (one per campaign of the board). `role` (ROLES): a "writer" reads the upstreams;
    a "reader" follows what the writer publishes; a "candidate" (REDIS_URL) is the writer while it
    holds the lease, and follows otherwise."""
    lease = None
    redis_url = secrets.redis_url
    if role == "candidate" and redis_url:
        key = f"{shared_prefix(config)}:writer"
        lease_name = "lease" + name.removeprefix(SERVICES)
        lease = registry.current(lease_name, (redis_url, key), lambda: Lease(connect(redis_url), key).start())
        lease.on_change = lambda: running_services(config, secrets, data_dir, role, name, people)  # at once
        follow = not lease.held
    else:
        follow = role == "reader"

    made_for = (config, secrets, str(data_dir), people)

    def build() -> Services:
        services = Services.build(config, secrets, data_dir, follow, lease, people)
        if registry.key_of(name) == (made_for, not follow):  # only the lease moved: what was held stays true
            previous = registry.peek(name)
            services.carry_over(previous if isinstance(previous, Services) else None)
        return services.start()

    return registry.current(name, (made_for, follow), build)


_others: frozenset[str] = frozenset()  # the registry names of the campaigns but the default one


def running_board(
    board: Board, secrets: Secrets, data_dir: Path, role: str = "writer"
) -> tuple[dict[str, Services], dict[str, str]]:
    """Every campaign's services, by slug: the default campaign's as `SERVICES` (with its data at
    `data_dir`, or under `campaigns/<slug>/` like the others when the board declares several);
    a campaign gone from the board has its services stopped. Beside them, what keeps a campaign
    from running, by slug (its server's secrets missing): it runs nothing, never the demo."""
    running, problems = {}, {}
    for index, config in enumerate(board.campaigns):
        name, slug = (SERVICES if index == 0 else f"{SERVICES}/{config.slug}"), str(config.slug)
        try:
            its_secrets = secrets.on_server(config.argilla)
        except ConfigError as problem:
            if not config.archived:
                problems[slug] = str(problem)
                registry.drop(name)
                continue
            its_secrets = replace(secrets, argilla_api_url=None, argilla_api_key=None)  # its server gone: its archive
        if board.several:
            its_secrets = _one_webhook(its_secrets, board.default)
            people = People(data_dir, f"tablero:people:{digests.content(repr(board.site))}")
            running[slug] = running_services(config, its_secrets, data_dir / "campaigns" / slug, role, name, people)
        else:
            running[slug] = running_services(config, its_secrets, data_dir, role, name)
    global _others
    wanted = frozenset(f"{SERVICES}/{c.slug}" for c in board.campaigns[1:])
    gone, _others = _others - wanted, wanted
    for name in gone:
        registry.drop(name)
        registry.drop("lease" + name.removeprefix(SERVICES))
    return running, problems


def _one_webhook(secrets: Secrets, default: CampaignConfig) -> Secrets:
    """A campaign's secrets on a board of several: every campaign names its webhook with the
    deployment's own tag (SPACE_ID, else the tag of the default campaign's, as a board of one
    campaign made it), so the campaigns of one Argilla server share one webhook, at the board's one
    address: `subscribe` finds the one the first made (the one a board of one campaign made, too)
    and the route hands each delivery to every campaign's inbox, which keeps its own datasets'."""
    return replace(secrets, space_id=secrets.space_id or f"campaign {campaign_source(default)}")


def current_services(slug: str | None = None) -> Services | None:
    """The running services of the campaign `slug` (None: the default one), if any (for code
    outside a session, e.g. an HTTP route)."""
    found = registry.peek(SERVICES)
    if isinstance(found, Services) and (slug is None or found.config.slug == slug):
        return found
    other = registry.peek(f"{SERVICES}/{slug}") if slug is not None else None
    return other if isinstance(other, Services) else None


def every_services() -> list[Services]:
    """Every campaign's running services, the default first."""
    found = [registry.peek(SERVICES), *(registry.peek(name) for name in sorted(_others))]
    return [services for services in found if isinstance(services, Services)]


def stop_board() -> None:
    """Stop every campaign's services (at shutdown)."""
    global _others
    names, _others = [SERVICES, *_others], frozenset()
    for name in names:
        registry.drop(name)
