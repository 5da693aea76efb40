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

import pandas as pd
import streamlit as st

from components import i18n
from components.i18n import LANGUAGES
from components.navigation import CAMPAIGN_PATH_KEY, FeedKind
from data.config import (
    APP_VARIABLES,
    Board,
    CampaignConfig,
    ConfigError,
    Secrets,
    load_board_or_last_good,
    load_secrets,
)
from data.config import environment as config_environment
from data.feeds.board import Across, campaigns_frame, person_across
from data.feeds.campaign import CampaignFeed
from data.feeds.campaign_read import CampaignRead
from data.feeds.feed import Feed
from data.feeds.poller import FeedView
from data.feeds.projects import ProjectsFeed
from data.feeds.roster import RosterFeed
from data.feeds.services import Services, running_board
from data.model.frames import Campaign
from data.routes import CAMPAIGN_HEADER, CAMPAIGNS

DEMO_CONFIG = CampaignConfig(title="Demo", datasets=())
DEMO_BOARD = Board((DEMO_CONFIG,))
CAMPAIGN_KEY = "campaign"  # the session's campaign: its slug (None: the board's home, or its only one)


@dataclass(frozen=True)
class Context:
    lang: str
    config: CampaignConfig  # the session's campaign (the board's default one on its home)
    secrets: Secrets
    services: Services | None
    config_error: str | None
    board: Board = DEMO_BOARD
    every: tuple[tuple[CampaignConfig, Services], ...] = ()  # every campaign's, in the board's order
    asked: str | None = None  # the campaign the address names (None: none named)

    @property
    def home(self) -> bool:
        """The home of a board of several campaigns: no campaign named."""
        return self.board.several and self.asked is None

    @property
    def unknown(self) -> str | None:
        """A campaign the address names that the board does not have."""
        return self.asked if self.asked is not None and self.board.find(self.asked) is None else None

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

    def campaigns(self) -> pd.DataFrame:
        """The board's campaigns side by side (data.feeds.board), for its home and its switcher."""
        return campaigns_frame(self.every)

    def across(self, username: str, own: bool) -> Across:
        """A person in every campaign of the board (data.feeds.board.person_across)."""
        return person_across(self.every, username, own)

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


def configured() -> tuple[Board | None, Secrets, dict[str, Services], dict[str, str], str | None]:
    """The board in force, the secrets, every campaign's running services by slug (started here
    if need be), what keeps any other from running, and the configuration's error."""
    board, error = load_board_or_last_good()
    try:
        secrets = load_secrets(environment())
    except ConfigError as problem:  # a source is configured, wrongly: say so, show no data
        return board, Secrets(), {}, {}, str(problem)
    if board is None and not secrets.argilla_configured:
        board = DEMO_BOARD  # nothing configured and a broken file: the demo, with the error shown
    role = config_environment.read_or_default("TABLERO_ROLE")  # scripts/serve says; a process alone is the writer
    running, problems = running_board(board, secrets, data_dir(), role) if board is not None else ({}, {})
    return board, secrets, running, problems, error


def asked_campaign() -> str | None:
    """The campaign this session's address names: `/c/<slug>/…` (server/campaign_paths.py tells it
    in a header of the session's websocket), else `?c=<slug>`; kept for the session's life."""
    if CAMPAIGN_KEY not in st.session_state:
        try:
            named = st.context.headers.get(CAMPAIGN_HEADER)
        except Exception:  # no request behind this run (a test harness)
            named = None
        st.session_state[CAMPAIGN_KEY] = named or st.query_params.get("c") or None
    return st.session_state[CAMPAIGN_KEY]


def context() -> Context:
    board, secrets, running, problems, error = configured()
    board = board or DEMO_BOARD
    asked = asked_campaign()
    config = board.find(asked) or board.default
    services = running.get(str(config.slug)) if asked is None or board.find(asked) else None
    st.session_state[CAMPAIGN_PATH_KEY] = f"{CAMPAIGNS}{config.slug}" if board.several and asked else ""
    every = tuple((c, running[str(c.slug)]) for c in board.campaigns if str(c.slug) in running)
    error = error or problems.get(str(config.slug))
    return Context(language(), config, secrets, services, error, board, every, asked)
