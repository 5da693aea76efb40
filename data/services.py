"""What a process runs for the configuration in force: the campaign and projects feeds.

One `Services` per process (see data.registry): the lifespan hook of the ASGI app starts it when
the server starts, so the first read is under way before the first visitor arrives; a session
that finds none (AppTest, a configuration just edited) starts it. A changed configuration stops
the old services before the new ones start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from data import registry
from data.campaign import CampaignFeed
from data.config import CampaignConfig, Secrets
from data.hub_feed import ProjectsFeed


@dataclass
class Services:
    config: CampaignConfig
    campaign: CampaignFeed
    projects: ProjectsFeed

    @classmethod
    def build(cls, config: CampaignConfig, secrets: Secrets, data_dir: Path) -> Services:
        demo = not secrets.any_source
        return cls(
            config=config,
            campaign=CampaignFeed(config, secrets, data_dir, demo=demo),
            projects=ProjectsFeed(config.hub, secrets, data_dir, demo=demo),
        )

    def start(self) -> Services:
        self.campaign.start()
        self.projects.start()
        return self

    def stop(self) -> None:
        self.campaign.stop()
        self.projects.stop()


def running_services(config: CampaignConfig, secrets: Secrets, data_dir: Path) -> Services:
    """The process's services for this configuration, started on first use."""
    return registry.current(
        "services", (config, secrets, str(data_dir)), lambda: Services.build(config, secrets, data_dir).start()
    )
