"""One process's services for a configuration, read on demand (what a Space runs), with webhooks
pointed where the test says: the tests of the webhook's life and of catching up with Argilla.
The `proxy` and `dashboard` fixtures are in tests/conftest.py (each module defines its `plan`)."""

import uuid

from data.feeds.services import Services
from data.live.subscription import DESCRIPTION
from tests.app_env import write_config


def ours(rg_client, tag: str) -> list:
    return [w for w in rg_client.webhooks.list() if w.description == f"{DESCRIPTION} [{tag}]"]


class Dashboard:
    """One process's services for a configuration (what a Space runs), read on demand."""

    def __init__(self, argilla_server, proxy, plan, tmp_path, space_id: str):
        self.env = {"argilla": argilla_server, "proxy": proxy, "plan": plan, "tmp": tmp_path, "space": space_id}
        self.services: Services | None = None

    def start(self, webhooks: str) -> Services:
        """Stop the running services (as a configuration change does) and start these."""
        from data.config import load_config, load_secrets

        if self.services is not None:
            self.services.stop()
        e = self.env
        path = write_config(e["tmp"] / f"c{uuid.uuid4().hex[:6]}.toml", e["plan"], minimum=1, sections=webhooks)
        secrets = load_secrets(
            {"ARGILLA_API_URL": e["proxy"].url, "ARGILLA_API_KEY": e["argilla"].api_key, "SPACE_ID": e["space"]}
        )
        self.services = Services.build(load_config(path), secrets, e["tmp"] / "data")  # not started: read on demand
        return self.services

    def read(self):
        state = self.services.campaign.poller.refresh()
        assert state.error is None, state.error
        return state.value


def hooks(url: str | None) -> str:
    return "" if url is None else f'[webhooks]\nenabled = true\npublic_url = "{url}"\n'
