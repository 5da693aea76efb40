"""The campaign's configuration: every `campaign.toml` key declared once, its reading and checks.

Every key is a field of one of the dataclasses below, declared with `setting()` (data/config/schema.py):
its name (the field's), its type (the annotation), its default, its help and its checks. The
parser, the allowed keys, the one-line error messages and the README's reference table
(`settings_table`, kept in step by tests/test_docs.py) all derive from those declarations.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from data.config.environment import SERVER_NAME
from data.config.schema import (
    ConfigError,
    declared_fields,
    is_required,
    kind_name,
    not_negative,
    parse_table,
    positive,
    setting,
    table,
    toml_text,
)

HUB_ROLES = ("admin", "write", "contributor", "read")
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
LICENCE = re.compile(r"[a-z0-9][a-z0-9.+-]{1,40}")
RATE = re.compile(r"\s*[0-9]+\s*(?:/|per)\s*(?:[0-9]+\s*)?(?:second|minute|hour|day)s?\s*")


def repo_id(value: str) -> str | None:
    parts = value.split("/")
    return None if len(parts) == 2 and all(parts) else f"expected a repo id like org/name, got {value!r:.60}"


def roster_source(value: str) -> str | None:
    if value.startswith("hf://") and not re.fullmatch(r"hf://datasets/[^/]+/[^/]+/.+", value):
        return f"expected hf://datasets/OWNER/NAME/FILE.csv or a path, got {value!r:.60}"
    return None


def slug(value: str) -> str | None:
    return None if SLUG.fullmatch(value) else f"expected lowercase letters, digits and dashes, got {value!r:.60}"


def server_name(value: str) -> str | None:
    return (
        None if SERVER_NAME.fullmatch(value) else f'expected capitals, digits and _, like "EVENTOS", got {value!r:.40}'
    )


def rate(value: str) -> str | None:
    return (
        None
        if RATE.fullmatch(value)
        else f'expected a rate like "300/minute" or "50 per 10 seconds", got {value!r:.60}'
    )


def slug_of(title: str) -> str:
    """A URL's name for a title: "Traducción de benchmarks #2024" -> "traduccion-de-benchmarks-2024"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:64].strip("-") or "campaign"


def licence(value: str) -> str | None:
    return None if LICENCE.fullmatch(value) else f'expected a Hub licence id like "cc-by-4.0", got {value!r:.60}'


def time_zone(value: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f'expected a time zone like "Europe/Madrid" or "America/Bogota", got {value!r:.60}'
    return None


def hashtag(value: str) -> str | None:
    return None if re.fullmatch(r"#\w+", value) else f'expected one hashtag like "#NLP2024", got {value!r:.60}'


def urls(values: tuple[str, ...]) -> str | None:
    wrong = [value for value in values if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value)]
    return f"expected full URLs starting with https://, got {wrong[0]!r:.60}" if wrong else None


def hub_roles(values: tuple[str, ...]) -> str | None:
    unknown = [role for role in values if role not in HUB_ROLES]
    return f"unknown role {unknown[0]!r:.30} (Hub roles: {', '.join(HUB_ROLES)})" if unknown else None


# --- the declarations --------------------------------------------------------------------------
@dataclass(frozen=True)
class DatasetConfig:
    name: str = setting(help="the Argilla dataset's name")
    correction_question: str = setting(help="the TextQuestion that holds the validated translation")
    workspace: str | None = setting(None, "its Argilla workspace (needed when two datasets share a name)")
    title: str | None = setting(None, "how pages name it (default: its name)")
    reference_field: str | None = setting(
        None, "the field compared when that question has no suggestion (one it lacks: said on Organización)"
    )
    label_question: str | None = setting(
        None, "a LabelQuestion for the agreement signals (default: the first; one it lacks: said on Organización)"
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", self.title or self.name)


@dataclass(frozen=True)
class HubConfig:
    org: str | None = setting(None, "the Hub organisation whose models, datasets and Spaces are ranked")
    since: dt.date | None = setting(None, "only repos created on or after this day")
    until: dt.date | None = setting(None, "only repos created on or before this day")
    tags: tuple[str, ...] = setting((), "only repos with all these tags")
    exclude: tuple[str, ...] = setting((), "repo ids never listed")
    include_private: bool = setting(False, "list private repos too (the token must see them)")
    include_disabled: bool = setting(False, "list disabled repos too")
    ttl_seconds: int = setting(600, "how often the Hub is read", check=positive)
    timeout_seconds: float = setting(15.0, "per request to the Hub", check=positive)
    deadline: dt.datetime | None = setting(
        None, "the hackathon's deadline (UTC; a bare date: its end): Proyectos then shows the standings as of it"
    )


@dataclass(frozen=True)
class TeamsConfig:
    """Who is in which team and country: a roster CSV, read with the other reads."""

    source: str | None = setting(
        None,
        "the roster CSV: a path (relative to campaign.toml) or hf://datasets/OWNER/NAME/FILE.csv",
        check=roster_source,
    )


@dataclass(frozen=True)
class StorageConfig:
    """Where the durable state (snapshots, likes history) is kept on the Hub: a dataset repo."""

    repo: str | None = setting(
        None, "the dataset repo that keeps the state (HF_TOKEN must write)", required=True, check=repo_id
    )
    every_minutes: float = setting(10.0, "at most one commit per period", check=positive)
    writer: bool = setting(True, "false: read the state at start, never write")


@dataclass(frozen=True)
class OpenDataConfig:
    """The standings published once a day as a public dataset on the Hub (data/feeds/open_data.py)."""

    repo: str | None = setting(
        None, "the public dataset repo the standings go to (HF_TOKEN must write)", required=True, check=repo_id
    )
    licence: str = setting("cc-by-4.0", "the licence its dataset card declares (a Hub licence id)", check=licence)


@dataclass(frozen=True)
class WebhooksConfig:
    enabled: bool = setting(False, "keep the ranking live by Argilla webhooks (owner/admin key, Argilla >= 2.5)")
    public_url: str | None = setting(
        None, "the dashboard's public address (default: PUBLIC_URL, else the Space's)", url=True
    )
    reconcile_minutes: int = setting(30, "the full read while webhooks are live", check=positive)


@dataclass(frozen=True)
class ApiConfig:
    """The read-only API under /api/v1/ (server/api/)."""

    rate_limit: str = setting(
        "300 per minute", "requests per client before 429 (as the `limits` library reads it)", check=rate
    )


@dataclass(frozen=True)
class OrganizersConfig:
    """Who may open the organizer page when people sign in with Hugging Face."""

    org: str | None = setting(None, "members of this Hub org open Organización (with sign-in)")
    org_id: str | None = setting(
        None, "the org's id on the Hub (never changes): another org that takes its name later is not it"
    )
    roles: tuple[str, ...] = setting(("admin", "write"), "... with one of these roles", check=hub_roles)
    recheck_seconds: int = setting(
        300, "how often the org's members are read again (a removed one loses access)", check=positive
    )


@dataclass(frozen=True)
class SiteConfig:
    """Whose board this is: the community's name and the board's, as every page, certificate, card,
    link preview and the API show them. Nothing of it is written in code: without this table the
    board names only the campaign."""

    name: str | None = setting(
        None, "the community or organisation: issues the certificates, heads the cards, LinkedIn's organisation"
    )
    title: str | None = setting(
        None, "the board's name: the browser tab, link previews' site, the API (default: the campaign's title)"
    )
    hashtag: str | None = setting(None, "ends the share texts and the link previews' titles", check=hashtag)
    description: str | None = setting(
        None, "the invitation in the campaign's link preview (default: a general one, in the visitor's language)"
    )
    icon: str = setting("📊", "the browser tab's icon: an emoji")
    logo: str | None = setting(None, "an image at the top of the sidebar: its URL", url=True)
    url: str | None = setting(None, "the community's site: the logo links to it", url=True)
    links: tuple[str, ...] = setting(
        (), "more of the community's places (site, chat), at the foot of the sidebar", check=urls
    )
    team_size_limit: int = setting(
        5, "the most people a team may have (a larger one is named on Equipos' roster check)", check=positive
    )

    def board(self, campaign: str) -> str:
        """The board's name, the campaign's title without one of its own."""
        return self.title or campaign

    @property
    def header(self) -> str:
        """The community and its hashtag, as a certificate's or a card's first line ("" for neither)."""
        return " · ".join(part for part in (self.name, self.hashtag) if part)


@dataclass(frozen=True)
class CampaignConfig:
    """The [campaign] keys, and the other tables."""

    title: str = setting("Campaña", "the campaign's name on every page and certificate")
    slug: str | None = setting(None, "its name in the API's URLs (default: made from the title)", check=slug)
    time_zone: str = setting(
        "UTC", "the campaign's calendar: its days, weeks (from Monday) and months", check=time_zone
    )
    start: dt.date | None = setting(None, "validations before this day are not counted")
    end: dt.date | None = setting(None, "validations after this day (inclusive) are not counted")
    windowed_rankings: bool = setting(True, "false: no rankings of this week, this month or the last 7 days")
    weekly_goal: int | None = setting(None, "validations the campaign aims at each week", check=positive)
    weekly_goal_per_person: int | None = setting(
        None, "validations a week that a contributor can aim at", check=positive
    )
    min_validations_for_prize: int = setting(
        50, "validations that make a contributor prize-eligible", check=not_negative
    )
    exclude_users: tuple[str, ...] = setting(
        (), "organizers, bots: never ranked (a name no Argilla user has: said on Organización)"
    )
    refresh_seconds: int = setting(120, "how often the one shared poller reads Argilla", check=positive)
    reconcile_every: int = setting(10, "while polling: every Nth poll is a full read", check=positive)
    timeout_seconds: float = setting(20.0, "per request to Argilla", check=positive)
    first_wait_seconds: float = setting(
        10.0, "a first visitor waits this long for the very first read", check=not_negative
    )
    argilla: str | None = setting(
        None,
        "another Argilla server: its address and key in ARGILLA_API_URL_<NAME> and ARGILLA_API_KEY_<NAME>",
        check=server_name,
    )
    archived: bool = setting(
        False, "over: served from its archive in the state repo ([storage]) as final, Argilla no longer read"
    )
    annotation_url: str | None = setting(None, "the annotation Space: the «Comienza a validar» button", url=True)
    guide_url: str | None = setting(None, "the annotation guide", url=True)
    datasets: tuple[DatasetConfig, ...] = table(DatasetConfig, "one per Argilla dataset of the campaign", many=True)
    hub: HubConfig = table(HubConfig, "the hackathon projects on the Hub")
    teams: TeamsConfig = table(TeamsConfig, "optional: teams and countries from a roster CSV")
    organizers: OrganizersConfig = table(OrganizersConfig, "who opens Organización when people sign in")
    storage: StorageConfig = table(StorageConfig, "optional: the durable state in a dataset repo")
    open_data: OpenDataConfig = table(OpenDataConfig, "optional: the standings as a public dataset, once a day")
    webhooks: WebhooksConfig = table(WebhooksConfig, "optional: the live ranking by Argilla webhooks")
    api: ApiConfig = table(ApiConfig, "the read-only API")
    site: SiteConfig = table(SiteConfig, "whose board it is: the community's name, the board's, hashtag, logo")

    def __post_init__(self) -> None:
        object.__setattr__(self, "slug", self.slug or slug_of(self.title))


def parse_config(document: Mapping[str, Any]) -> CampaignConfig:
    """Validate a parsed TOML document into a `CampaignConfig` (the [campaign] keys sit in their table)."""
    document = dict(document)
    tables = {f.name for f, _ in declared_fields(CampaignConfig) if "table" in f.metadata}
    unknown = sorted(set(document) - tables - {"campaign"})
    if unknown:
        raise ConfigError(f"config.{unknown[0]}: unknown key (allowed: {', '.join(sorted(tables | {'campaign'}))})")
    campaign = document.pop("campaign", {})
    if not isinstance(campaign, dict):
        raise ConfigError("campaign: expected a table")
    clash = sorted(set(campaign) & tables)
    if clash:
        raise ConfigError(f"campaign.{clash[0]}: unknown key (it is a table of its own: [{clash[0]}])")
    config: CampaignConfig = parse_table(CampaignConfig, {**campaign, **document}, "campaign")
    pairs = [(d.workspace, d.name) for d in config.datasets]
    if len(set(pairs)) != len(pairs):
        raise ConfigError("datasets: the same name and workspace appear twice")
    _check_windows(config)
    if config.archived and not config.storage.repo:
        raise ConfigError("campaign.archived: an archive is kept in the state repo: name it in [storage] repo")
    if config.open_data.repo and config.open_data.repo == config.storage.repo:
        raise ConfigError("open_data.repo: is the state repo, which is private (name its public sibling)")
    return config


def _check_windows(config: CampaignConfig) -> None:
    """Dates that cannot all hold: the key named, in one line."""
    if config.start and config.end and config.end < config.start:
        raise ConfigError("campaign.end: is before campaign.start")
    hub = config.hub
    if hub.since and hub.until and hub.until < hub.since:
        raise ConfigError("hub.until: is before hub.since")
    if hub.deadline and hub.since and hub.deadline.date() < hub.since:
        raise ConfigError("hub.deadline: is before hub.since (no project could be in the standings)")


def settings_table() -> str:
    """Every campaign.toml key as a Markdown table: the README's reference, derived from here."""
    rows = ["| key | type | default | what |", "|---|---|---|---|"]

    def walk(cls: type, prefix: str) -> None:
        for f, kind in declared_fields(cls):
            nested = f.metadata.get("table")
            if nested is not None:
                walk(nested, f"[[{f.name}]]" if f.metadata["many"] else f"[{f.name}]")
                continue
            default = "required" if is_required(f, {"any": 1}) else toml_text(f.default)
            rows.append(f"| `{prefix} {f.name}` | {kind_name(f, kind)} | {default} | {f.metadata['help']} |")

    walk(CampaignConfig, "[campaign]")
    return "\n".join(rows) + "\n"
