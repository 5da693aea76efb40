"""Campaign configuration (a TOML file) and secrets (environment), validated at load.

Every error is a `ConfigError` whose message is one line naming the bad key, so the UI can
show it as it is. `TOML_KEYS` and `ENVIRONMENT` list every key and variable the app reads
(tests/test_docs.py checks that the README documents each).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "campaign.toml"

# Read from the environment (a Space's variables and secrets), or from .streamlit/secrets.toml.
SECRET_VARIABLES = (
    "ARGILLA_API_URL",
    "ARGILLA_API_KEY",
    "HF_TOKEN",
    "HF_ENDPOINT",
    "ORGANIZER_TOKEN",
    "OAUTH_CLIENT_ID",
    "OAUTH_CLIENT_SECRET",
    "OAUTH_SCOPES",
    "OPENID_PROVIDER_URL",
    "AUTH_COOKIE_SECRET",
    "SPACE_HOST",
    "PUBLIC_URL",
)
# Read from the environment only: where things are.
SETTING_VARIABLES = ("CAMPAIGN_CONFIG", "DATA_DIR")
ENVIRONMENT = SECRET_VARIABLES + SETTING_VARIABLES


class ConfigError(ValueError):
    """A configuration problem, with a one-line message that names the key."""


@dataclass(frozen=True)
class DatasetConfig:
    name: str
    workspace: str | None
    title: str
    correction_question: str
    reference_field: str | None = None
    label_question: str | None = None


@dataclass(frozen=True)
class HubConfig:
    org: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    tags: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include_private: bool = False
    include_disabled: bool = False
    ttl_seconds: int = 600
    timeout_seconds: float = 15.0


@dataclass(frozen=True)
class StorageConfig:
    """Where the durable state (snapshots, likes history) is kept on the Hub: a dataset repo."""

    repo: str | None = None
    every_minutes: float = 10
    writer: bool = True


@dataclass(frozen=True)
class WebhooksConfig:
    enabled: bool = False
    public_url: str | None = None  # default: PUBLIC_URL, else https://$SPACE_HOST
    reconcile_minutes: int = 30


@dataclass(frozen=True)
class OrganizersConfig:
    """Who may open the organizer page when people sign in with Hugging Face."""

    org: str | None = None
    roles: tuple[str, ...] = ("admin", "write")


@dataclass(frozen=True)
class CampaignConfig:
    title: str
    datasets: tuple[DatasetConfig, ...]
    start: dt.date | None = None
    end: dt.date | None = None
    min_validations_for_prize: int = 50
    exclude_users: tuple[str, ...] = ()
    refresh_seconds: int = 120
    reconcile_every: int = 10
    timeout_seconds: float = 20.0
    first_wait_seconds: float = 10.0
    annotation_url: str | None = None
    guide_url: str | None = None
    hub: HubConfig = field(default_factory=HubConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    webhooks: WebhooksConfig = field(default_factory=WebhooksConfig)
    organizers: OrganizersConfig = field(default_factory=OrganizersConfig)


@dataclass(frozen=True)
class Secrets:
    """Credentials and deployment facts; the credentials are never rendered, logged or put in a message."""

    argilla_api_url: str | None = None
    argilla_api_key: str | None = field(default=None, repr=False)
    hf_token: str | None = field(default=None, repr=False)
    hf_endpoint: str = "https://huggingface.co"
    hub_endpoint_set: bool = False
    organizer_token: str | None = field(default=None, repr=False)
    oauth_client_id: str | None = None
    oauth_client_secret: str | None = field(default=None, repr=False)
    oauth_scopes: str = "openid profile"
    openid_provider_url: str | None = None
    auth_cookie_secret: str | None = field(default=None, repr=False)
    public_url: str | None = None  # PUBLIC_URL, else https://$SPACE_HOST

    @property
    def argilla_configured(self) -> bool:
        return bool(self.argilla_api_url and self.argilla_api_key)

    @property
    def any_source(self) -> bool:
        """Is any upstream configured? If none is, the whole app runs on the embedded demo."""
        return self.argilla_configured or self.hub_endpoint_set or bool(self.hf_token)

    @property
    def sign_in_configured(self) -> bool:
        return bool(self.oauth_client_id and self.oauth_client_secret and self.openid_provider_url)

    @property
    def cookie_secret(self) -> str | None:
        """AUTH_COOKIE_SECRET, else a key derived from the OAuth client secret (stable across restarts)."""
        if self.auth_cookie_secret:
            return self.auth_cookie_secret
        if self.oauth_client_secret:
            digest = hmac.new(self.oauth_client_secret.encode(), b"tablero-somos600m cookies", hashlib.sha256)
            return digest.hexdigest()
        return None


TOML_KEYS: dict[str, set[str]] = {
    "config": {"campaign", "datasets", "hub", "storage", "webhooks", "organizers"},
    "campaign": {
        "title",
        "start",
        "end",
        "min_validations_for_prize",
        "exclude_users",
        "refresh_seconds",
        "reconcile_every",
        "timeout_seconds",
        "first_wait_seconds",
        "annotation_url",
        "guide_url",
    },
    "datasets": {"name", "workspace", "title", "correction_question", "reference_field", "label_question"},
    "hub": {
        "org",
        "since",
        "until",
        "tags",
        "exclude",
        "include_private",
        "include_disabled",
        "ttl_seconds",
        "timeout_seconds",
    },
    "storage": {"repo", "every_minutes", "writer"},
    "webhooks": {"enabled", "public_url", "reconcile_minutes"},
    "organizers": {"org", "roles"},
}
HUB_ROLES = ("admin", "write", "contributor", "read")


def _check_keys(table: Mapping[str, Any], section: str, where: str | None = None) -> None:
    allowed = TOML_KEYS[section]
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(f"{where or section}.{unknown[0]}: unknown key (allowed: {', '.join(sorted(allowed))})")


def _get(
    table: Mapping[str, Any], key: str, kind: type | tuple, where: str, default: Any = None, required: bool = False
) -> Any:
    if key not in table:
        if required:
            raise ConfigError(f"{where}.{key}: missing required key")
        return default
    value = table[key]
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}.{key}: expected {names}, got {type(value).__name__} {value!r:.60}")
    if isinstance(value, str) and required and not value.strip():
        raise ConfigError(f"{where}.{key}: must not be empty")
    return value


def _date(table: Mapping[str, Any], key: str, where: str) -> dt.date | None:
    value = _get(table, key, (dt.date, str), where)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"{where}.{key}: expected a date like 2024-03-04, got {value!r:.60}") from None
    if isinstance(value, dt.datetime):
        value = value.date()
    return value


def _url(table: Mapping[str, Any], key: str, where: str) -> str | None:
    value = _get(table, key, str, where)
    if value is None:
        return None
    parsed = urlparse(value.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{where}.{key}: expected a full URL starting with https://, got {value!r:.60}")
    return value.strip().rstrip("/")


def _str_list(table: Mapping[str, Any], key: str, where: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    values = _get(table, key, list, where, default=list(default))
    if not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{where}.{key}: expected a list of strings")
    return tuple(values)


def _positive(value: int | float, key: str) -> int | float:
    if value <= 0:
        raise ConfigError(f"{key}: must be greater than 0, got {value}")
    return value


def _table(document: Mapping[str, Any], section: str) -> Mapping[str, Any]:
    table = document.get(section, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{section}: expected a table")
    _check_keys(table, section)
    return table


def _parse_dataset(table: Any, index: int) -> DatasetConfig:
    where = f"datasets[{index}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    _check_keys(table, "datasets", where)
    name = _get(table, "name", str, where, required=True)
    return DatasetConfig(
        name=name,
        workspace=_get(table, "workspace", str, where),
        title=_get(table, "title", str, where, default=name),
        correction_question=_get(table, "correction_question", str, where, required=True),
        reference_field=_get(table, "reference_field", str, where),
        label_question=_get(table, "label_question", str, where),
    )


def _parse_hub(table: Mapping[str, Any]) -> HubConfig:
    return HubConfig(
        org=_get(table, "org", str, "hub"),
        since=_date(table, "since", "hub"),
        until=_date(table, "until", "hub"),
        tags=_str_list(table, "tags", "hub"),
        exclude=_str_list(table, "exclude", "hub"),
        include_private=_get(table, "include_private", bool, "hub", default=False),
        include_disabled=_get(table, "include_disabled", bool, "hub", default=False),
        ttl_seconds=_positive(_get(table, "ttl_seconds", int, "hub", default=600), "hub.ttl_seconds"),
        timeout_seconds=_positive(
            _get(table, "timeout_seconds", (int, float), "hub", default=15.0), "hub.timeout_seconds"
        ),
    )


def _parse_storage(table: Mapping[str, Any]) -> StorageConfig:
    if not table:
        return StorageConfig()
    repo = _get(table, "repo", str, "storage", required=True).strip()
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise ConfigError(f"storage.repo: expected a dataset repo id like org/name, got {repo!r:.60}")
    return StorageConfig(
        repo=repo,
        every_minutes=_positive(
            _get(table, "every_minutes", (int, float), "storage", default=10), "storage.every_minutes"
        ),
        writer=_get(table, "writer", bool, "storage", default=True),
    )


def _parse_webhooks(table: Mapping[str, Any]) -> WebhooksConfig:
    return WebhooksConfig(
        enabled=_get(table, "enabled", bool, "webhooks", default=False),
        public_url=_url(table, "public_url", "webhooks"),
        reconcile_minutes=_positive(
            _get(table, "reconcile_minutes", int, "webhooks", default=30), "webhooks.reconcile_minutes"
        ),
    )


def _parse_organizers(table: Mapping[str, Any]) -> OrganizersConfig:
    roles = _str_list(table, "roles", "organizers", default=OrganizersConfig.roles)
    unknown = [role for role in roles if role not in HUB_ROLES]
    if unknown:
        raise ConfigError(f"organizers.roles: unknown role {unknown[0]!r:.30} (Hub roles: {', '.join(HUB_ROLES)})")
    return OrganizersConfig(org=_get(table, "org", str, "organizers"), roles=roles)


def parse_config(document: Mapping[str, Any]) -> CampaignConfig:
    """Validate a parsed TOML document into a `CampaignConfig`."""
    _check_keys(document, "config", "config")
    campaign = _table(document, "campaign")
    datasets = document.get("datasets")
    if not isinstance(datasets, list) or not datasets:
        raise ConfigError("datasets: expected at least one [[datasets]] table")
    parsed = tuple(_parse_dataset(table, i) for i, table in enumerate(datasets))
    seen = [(d.workspace, d.name) for d in parsed]
    if len(set(seen)) != len(seen):
        raise ConfigError("datasets: the same name and workspace appear twice")
    start, end = _date(campaign, "start", "campaign"), _date(campaign, "end", "campaign")
    if start and end and end < start:
        raise ConfigError("campaign.end: is before campaign.start")
    minimum = _get(campaign, "min_validations_for_prize", int, "campaign", default=50)
    if minimum < 0:
        raise ConfigError("campaign.min_validations_for_prize: must be 0 or more")
    first_wait = _get(campaign, "first_wait_seconds", (int, float), "campaign", default=10.0)
    if first_wait < 0:
        raise ConfigError("campaign.first_wait_seconds: must be 0 or more")

    def positive(key: str, kind: type | tuple, default: int | float) -> int | float:
        return _positive(_get(campaign, key, kind, "campaign", default=default), f"campaign.{key}")

    return CampaignConfig(
        title=_get(campaign, "title", str, "campaign", default="#Somos600M"),
        datasets=parsed,
        start=start,
        end=end,
        min_validations_for_prize=minimum,
        exclude_users=_str_list(campaign, "exclude_users", "campaign"),
        refresh_seconds=positive("refresh_seconds", int, 120),
        reconcile_every=positive("reconcile_every", int, 10),
        timeout_seconds=positive("timeout_seconds", (int, float), 20.0),
        first_wait_seconds=float(first_wait),
        annotation_url=_url(campaign, "annotation_url", "campaign"),
        guide_url=_url(campaign, "guide_url", "campaign"),
        hub=_parse_hub(_table(document, "hub")),
        storage=_parse_storage(_table(document, "storage")),
        webhooks=_parse_webhooks(_table(document, "webhooks")),
        organizers=_parse_organizers(_table(document, "organizers")),
    )


def config_path() -> Path:
    return Path(os.environ.get("CAMPAIGN_CONFIG") or DEFAULT_CONFIG)


def load_config(path: str | os.PathLike | None = None) -> CampaignConfig:
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


@functools.lru_cache(maxsize=8)
def _parse_text(text: str, name: str) -> CampaignConfig:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{name}: not valid TOML ({error})") from None
    return parse_config(document)


_last_good: dict[Path, CampaignConfig] = {}


def load_config_or_last_good() -> tuple[CampaignConfig | None, str | None]:
    """The configuration, or after a bad edit the last good one this process read, with the error.

    A mistake in campaign.toml then costs nothing that was running: the dashboard keeps its data
    and says what is wrong. At a cold start with a bad file there is no last good one (None).
    """
    path = config_path()
    try:
        config = load_config(path)
    except ConfigError as problem:
        return _last_good.get(path), str(problem)
    _last_good[path] = config
    return config, None


def _url_variable(env: Mapping[str, str], name: str) -> str | None:
    value = (env.get(name) or "").strip()
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{name}: must be a full URL starting with http:// or https://")
    return value.rstrip("/")


def load_secrets(env: Mapping[str, str]) -> Secrets:
    """Read credentials from a mapping (os.environ merged with Streamlit secrets by the app)."""

    def text(name: str) -> str | None:
        return (env.get(name) or "").strip() or None

    url = _url_variable(env, "ARGILLA_API_URL")
    key = text("ARGILLA_API_KEY")
    if bool(url) != bool(key):
        missing = "ARGILLA_API_KEY" if url else "ARGILLA_API_URL"
        raise ConfigError(f"{missing}: missing (set both ARGILLA_API_URL and ARGILLA_API_KEY, or neither for the demo)")
    space_host = text("SPACE_HOST")
    return Secrets(
        argilla_api_url=url,
        argilla_api_key=key,
        hf_token=text("HF_TOKEN"),
        hf_endpoint=_url_variable(env, "HF_ENDPOINT") or "https://huggingface.co",
        hub_endpoint_set=bool(text("HF_ENDPOINT")),
        organizer_token=text("ORGANIZER_TOKEN"),
        oauth_client_id=text("OAUTH_CLIENT_ID"),
        oauth_client_secret=text("OAUTH_CLIENT_SECRET"),
        oauth_scopes=text("OAUTH_SCOPES") or "openid profile",
        openid_provider_url=_url_variable(env, "OPENID_PROVIDER_URL"),
        auth_cookie_secret=text("AUTH_COOKIE_SECRET"),
        public_url=_url_variable(env, "PUBLIC_URL") or (f"https://{space_host}" if space_host else None),
    )
