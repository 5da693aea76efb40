"""What every page needs: the language, the configuration and the process's running services.

Configuration problems never raise into a page: they become `Context.config_error`. After a bad
edit of campaign.toml the services of the last good configuration keep running; with nothing
configured (no Argilla) the dashboard shows the embedded demo; with Argilla and no good configuration
yet, or a malformed secret, there is nothing to show but the error (`services` is None), never
the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from components import i18n
from components.i18n import LANGUAGES
from components.navigation import FeedKind
from data.config import (
    APP_VARIABLES,
    CampaignConfig,
    ConfigError,
    Secrets,
    load_config_or_last_good,
    load_secrets,
)
from data.config import environment as config_environment
from data.feeds.campaign import CampaignFeed
from data.feeds.campaign_read import CampaignRead
from data.feeds.feed import Feed
from data.feeds.poller import FeedView
from data.feeds.projects import ProjectsFeed
from data.feeds.roster import RosterFeed
from data.feeds.services import Services, running_services
from data.model.frames import Campaign

DEMO_CONFIG = CampaignConfig(title="Demo", datasets=())


@dataclass(frozen=True)
class Context:
    lang: str
    config: CampaignConfig
    secrets: Secrets
    services: Services | None
    config_error: str | None

    @property
    def running(self) -> Services:
        """The services, which a page has (app.py's frame shows only the error without them)."""
        if self.services is None:
            raise RuntimeError(f"no services: {self.config_error}")
        return self.services

    @property
    def feed(self) -> CampaignFeed:
        return self.running.campaign

    @property
    def projects(self) -> ProjectsFeed:
        return self.running.projects

    @property
    def roster(self) -> RosterFeed:
        return self.running.roster

    def feed_for(self, kind: FeedKind) -> Feed[Any]:
        return self.projects if kind == FeedKind.PROJECTS else self.feed

    def view(self) -> FeedView[Campaign]:
        return self.feed.view()

    def read(self, view: FeedView[Campaign]) -> CampaignRead:
        """The campaign's read that `view` shows, with its queries (a page runs only once there is one)."""
        assert view.value is not None, "a campaign page runs only with a read (app.py's frame)"
        return self.feed.read_of(view.value)


def environment() -> dict[str, str]:
    """The environment over .streamlit/secrets.toml (which may be absent or unreadable)."""
    try:
        secrets_file = {name: st.secrets[name] for name in APP_VARIABLES if name in st.secrets}
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        secrets_file = {}
    return config_environment.app_values(secrets_file)


def data_dir() -> Path:
    return Path(config_environment.read_or_default("DATA_DIR"))


def language() -> str:
    """The session's language: ?lang= on first load, else the browser's (Accept-Language), then the
    sidebar's choice."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang") or browser_language()
        st.session_state["lang"] = wanted if wanted in LANGUAGES else i18n.SOURCE
    return st.session_state["lang"]


def browser_language() -> str:
    """The language this visitor's browser asks for first, among the board's."""
    try:
        header = st.context.headers.get("Accept-Language") or ""
    except Exception:  # no request behind this run (a test harness): no preference
        header = ""
    return i18n.preferred(header)


def configured() -> tuple[CampaignConfig | None, Secrets, Services | None, str | None]:
    """The configuration in force, the secrets and the running services (started here if need be)."""
    config, error = load_config_or_last_good()
    try:
        secrets = load_secrets(environment())
    except ConfigError as problem:  # a source is configured, wrongly: say so, show no data
        return config, Secrets(), None, str(problem)
    if config is None and not secrets.argilla_configured:
        config = DEMO_CONFIG  # nothing configured and a broken file: the demo, with the error shown
    role = config_environment.read_or_default("TABLERO_ROLE")  # scripts/serve says; a process alone is the writer
    services = running_services(config, secrets, data_dir(), role) if config is not None else None
    return config, secrets, services, error


def context() -> Context:
    config, secrets, services, error = configured()
    return Context(language(), config or DEMO_CONFIG, secrets, services, error)
