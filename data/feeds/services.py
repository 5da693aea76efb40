"""What a process runs for the configuration in force: the campaign and projects feeds, and the
durable copy of their state on the Hub when [storage] is configured.

One `Services` per process (see data.registry): the lifespan hook of the ASGI app starts it when
the server starts, so the first read is under way before the first visitor arrives; a session
that finds none (AppTest, a configuration just edited) starts it. A changed configuration stops
the old services before the new ones start. With storage, the pollers start once the state has
been restored from the Hub, or after `RESTORE_WAIT` seconds if the Hub is slow or down.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from data.config import CampaignConfig, Secrets
from data.feeds import registry
from data.feeds.campaign import CampaignFeed
from data.feeds.projects import ProjectsFeed
from data.feeds.sync import RESTORE_WAIT, StateSync
from data.sources.hub import install_timeout
from data.state.hub_storage import HubStorage


@dataclass
class Services:
    config: CampaignConfig
    campaign: CampaignFeed
    projects: ProjectsFeed
    state: StateSync | None = None

    @classmethod
    def build(cls, config: CampaignConfig, secrets: Secrets, data_dir: Path) -> Services:
        demo = not secrets.any_source
        services = cls(
            config=config,
            campaign=CampaignFeed(config, secrets, data_dir, demo=demo),
            projects=ProjectsFeed(config.hub, secrets, data_dir, demo=demo),
        )
        if config.storage.repo and not demo:
            install_timeout(config.hub.timeout_seconds)
            storage = HubStorage(config.storage.repo, secrets.hf_endpoint, secrets.hf_token, data_dir / "hub-cache")
            services.state = StateSync(storage, config.storage, services.campaign, services.projects)
        return services

    def start(self) -> Services:
        if self.state is None:
            self._start_pollers()
        else:
            self.state.start()
            threading.Thread(target=self._start_after_restore, name="services-start", daemon=True).start()
        return self

    def _start_after_restore(self) -> None:
        self.state.tried.wait(RESTORE_WAIT)
        if not self.state.stopped:
            self._start_pollers()

    def _start_pollers(self) -> None:
        self.campaign.start()
        self.projects.start()

    def stop(self) -> None:
        if self.state is not None:
            self.state.stop()
        self.campaign.stop()
        self.projects.stop()


def running_services(config: CampaignConfig, secrets: Secrets, data_dir: Path) -> Services:
    """The process's services for this configuration, started on first use."""
    return registry.current(
        "services", (config, secrets, str(data_dir)), lambda: Services.build(config, secrets, data_dir).start()
    )
