"""The board: the campaigns one `campaign.toml` declares (one `[campaign]`, or any number of
`[[campaigns]]`), and the reading of that file. Each campaign's keys are declared in campaign.py."""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.config import environment
from data.config.campaign import CampaignConfig, SiteConfig, parse_config
from data.config.schema import ConfigError, declared_fields

DEFAULT_CONFIG = environment.ROOT / "campaign.toml"


@dataclass(frozen=True)
class Board:
    """The campaigns this board serves, the first the default (what the site's root shows).

    `several`: declared as `[[campaigns]]`, each then at `/c/<slug>/` with a home listing them; a
    file with one `[campaign]` table is a board of that campaign alone, served at the root as ever.
    """

    campaigns: tuple[CampaignConfig, ...]
    several: bool = False

    @property
    def default(self) -> CampaignConfig:
        return self.campaigns[0]

    @property
    def site(self) -> SiteConfig:
        return self.default.site

    def find(self, slug: str | None) -> CampaignConfig | None:
        """The campaign of this slug (None: no such campaign)."""
        return next((c for c in self.campaigns if c.slug == slug), None)


BOARD_ONLY = ("site", "api")  # one identity, one API: never a campaign's own
ONE_REPO_EACH = ("storage", "open_data")  # a repo holds one campaign's state or standings


def parse_board(document: Mapping[str, Any]) -> Board:
    """A parsed TOML document as the board: one `[campaign]` table, or any number of `[[campaigns]]`,
    each with its own tables (datasets, hub, teams, storage, ...); a table at the top (but
    datasets) is what every campaign without its own has."""
    if "campaigns" not in document:
        return Board((parse_config(document),))
    shared = {key: value for key, value in document.items() if key != "campaigns"}
    entries = document["campaigns"]
    if "campaign" in shared:
        raise ConfigError("campaign: a file has one [campaign] or several [[campaigns]], not both")
    if "datasets" in shared:
        raise ConfigError("datasets: with [[campaigns]], each campaign lists its own [[campaigns.datasets]]")
    for key in ONE_REPO_EACH:
        if key in shared and len(entries) > 1:
            raise ConfigError(f"{key}: with several campaigns, each names its own repo in [campaigns.{key}]")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise ConfigError("campaigns: expected one or more [[campaigns]] tables")
    campaigns = tuple(_campaign_of(entry, shared, index) for index, entry in enumerate(entries))
    _check_distinct(campaigns)
    return Board(campaigns, several=True)


def _campaign_of(entry: dict[str, Any], shared: dict[str, Any], index: int) -> CampaignConfig:
    where = f"campaigns[{index}]"
    tables = {f.name for f, _ in declared_fields(CampaignConfig) if "table" in f.metadata}
    own = sorted(set(entry) & set(BOARD_ONLY))
    if own:
        raise ConfigError(f"{where}.{own[0]}: is the board's, not a campaign's: write it as [{own[0]}] at the top")
    if "slug" not in entry:
        raise ConfigError(f"{where}.slug: missing required key (a campaign's stable name in its URLs)")
    document = {**shared, **{key: value for key, value in entry.items() if key in tables}}
    document["campaign"] = {key: value for key, value in entry.items() if key not in tables}
    try:
        return parse_config(document)
    except ConfigError as problem:
        raise ConfigError(f"{where} ({entry['slug']!s:.40}): {problem}") from None


def _check_distinct(campaigns: tuple[CampaignConfig, ...]) -> None:
    slugs = [c.slug for c in campaigns]
    twice = next((s for s in slugs if slugs.count(s) > 1), None)
    if twice:
        raise ConfigError(f"campaigns.slug: {twice!r:.60} names two campaigns")
    for key in ONE_REPO_EACH:
        repos = [getattr(c, key).repo for c in campaigns if getattr(c, key).repo]
        shared = next((r for r in repos if repos.count(r) > 1), None)
        if shared:
            raise ConfigError(f"{key}.repo: {shared!r:.60} is named by two campaigns (one repo each)")


def config_path() -> Path:
    return Path(environment.read("CAMPAIGN_CONFIG") or DEFAULT_CONFIG)


def load_board(path: str | os.PathLike[str] | None = None) -> Board:
    """Read the TOML file at `path` (default: env CAMPAIGN_CONFIG, else campaign.toml).

    Every page rerun asks for the configuration: reading the small file is cheap, and it is
    parsed again only when its text changed.
    """
    path = Path(path) if path else config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"CAMPAIGN_CONFIG: file not found: {path}") from None
    return _parse_text(text, path.name)


def load_config(path: str | os.PathLike[str] | None = None) -> CampaignConfig:
    """The board's default campaign (its only one, in a file with a [campaign] table)."""
    return load_board(path).default


@functools.lru_cache(maxsize=8)
def _parse_text(text: str, name: str) -> Board:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{name}: not valid TOML ({error})") from None
    return parse_board(document)


_last_good: dict[Path, Board] = {}


def load_board_or_last_good() -> tuple[Board | None, str | None]:
    """The board, or after a bad edit the last good one this process read, with the error.

    A mistake in campaign.toml then costs nothing that was running: the dashboard keeps its data
    and says what is wrong. At a cold start with a bad file there is no last good one (None).
    """
    path = config_path()
    try:
        board = load_board(path)
    except ConfigError as problem:
        return _last_good.get(path), str(problem)
    _last_good[path] = board
    return board, None
