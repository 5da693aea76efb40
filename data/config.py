"""Campaign configuration (a TOML file) and secrets (environment), validated at load.

Every error is a `ConfigError` whose message is one line naming the bad key, so the UI can
show it as it is.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "campaign.toml"


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
    hub: HubConfig = field(default_factory=HubConfig)


@dataclass(frozen=True)
class Secrets:
    """Credentials; never rendered, logged or put in an error message."""

    argilla_api_url: str | None = None
    argilla_api_key: str | None = field(default=None, repr=False)
    hf_token: str | None = field(default=None, repr=False)
    hf_endpoint: str = "https://huggingface.co"
    organizer_token: str | None = field(default=None, repr=False)
    hub_endpoint_set: bool = False

    @property
    def argilla_configured(self) -> bool:
        return bool(self.argilla_api_url and self.argilla_api_key)

    @property
    def hub_live(self) -> bool:
        """Read the Hub for real unless the whole app runs as the demo (nothing configured)."""
        return self.argilla_configured or self.hub_endpoint_set or bool(self.hf_token)


_CAMPAIGN_KEYS = {
    "title",
    "start",
    "end",
    "min_validations_for_prize",
    "exclude_users",
    "refresh_seconds",
    "reconcile_every",
    "timeout_seconds",
}
_DATASET_KEYS = {"name", "workspace", "title", "correction_question", "reference_field", "label_question"}
_HUB_KEYS = {
    "org",
    "since",
    "until",
    "tags",
    "exclude",
    "include_private",
    "include_disabled",
    "ttl_seconds",
    "timeout_seconds",
}


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}: unknown key (allowed: {', '.join(sorted(allowed))})")


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


def _str_list(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = _get(table, key, list, where, default=[])
    if not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{where}.{key}: expected a list of strings")
    return tuple(values)


def _positive(value: int | float, key: str) -> int | float:
    if value <= 0:
        raise ConfigError(f"{key}: must be greater than 0, got {value}")
    return value


def _parse_dataset(table: Any, index: int) -> DatasetConfig:
    where = f"datasets[{index}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    _check_keys(table, _DATASET_KEYS, where)
    name = _get(table, "name", str, where, required=True)
    return DatasetConfig(
        name=name,
        workspace=_get(table, "workspace", str, where),
        title=_get(table, "title", str, where, default=name),
        correction_question=_get(table, "correction_question", str, where, required=True),
        reference_field=_get(table, "reference_field", str, where),
        label_question=_get(table, "label_question", str, where),
    )


def _parse_hub(table: Any) -> HubConfig:
    if not isinstance(table, dict):
        raise ConfigError("hub: expected a table")
    _check_keys(table, _HUB_KEYS, "hub")
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


def parse_config(document: Mapping[str, Any]) -> CampaignConfig:
    """Validate a parsed TOML document into a `CampaignConfig`."""
    _check_keys(document, {"campaign", "datasets", "hub"}, "config")
    campaign = document.get("campaign", {})
    if not isinstance(campaign, dict):
        raise ConfigError("campaign: expected a table")
    _check_keys(campaign, _CAMPAIGN_KEYS, "campaign")
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
    return CampaignConfig(
        title=_get(campaign, "title", str, "campaign", default="#Somos600M"),
        datasets=parsed,
        start=start,
        end=end,
        min_validations_for_prize=minimum,
        exclude_users=_str_list(campaign, "exclude_users", "campaign"),
        refresh_seconds=_positive(
            _get(campaign, "refresh_seconds", int, "campaign", default=120), "campaign.refresh_seconds"
        ),
        reconcile_every=_positive(
            _get(campaign, "reconcile_every", int, "campaign", default=10), "campaign.reconcile_every"
        ),
        timeout_seconds=_positive(
            _get(campaign, "timeout_seconds", (int, float), "campaign", default=20.0), "campaign.timeout_seconds"
        ),
        hub=_parse_hub(document.get("hub", {})),
    )


def load_config(path: str | os.PathLike | None = None) -> CampaignConfig:
    """Read the TOML file at `path` (default: env CAMPAIGN_CONFIG, else campaign.toml).

    Every page rerun asks for the configuration: the file is parsed again only when it changed.
    """
    path = Path(path or os.environ.get("CAMPAIGN_CONFIG") or DEFAULT_CONFIG)
    try:
        modified = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ConfigError(f"CAMPAIGN_CONFIG: file not found: {path}") from None
    return _load_file(path, modified)


@functools.lru_cache(maxsize=8)
def _load_file(path: Path, modified_ns: int) -> CampaignConfig:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"CAMPAIGN_CONFIG: file not found: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path.name}: not valid TOML ({error})") from None
    return parse_config(document)


def load_secrets(env: Mapping[str, str]) -> Secrets:
    """Read credentials from a mapping (os.environ merged with Streamlit secrets by the app)."""
    url = (env.get("ARGILLA_API_URL") or "").strip() or None
    if url is not None:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError("ARGILLA_API_URL: must be a full URL starting with http:// or https://")
        url = url.rstrip("/")
    key = (env.get("ARGILLA_API_KEY") or "").strip() or None
    if bool(url) != bool(key):
        missing = "ARGILLA_API_KEY" if url else "ARGILLA_API_URL"
        raise ConfigError(f"{missing}: missing (set both ARGILLA_API_URL and ARGILLA_API_KEY, or neither for the demo)")
    endpoint = (env.get("HF_ENDPOINT") or "https://huggingface.co").strip().rstrip("/")
    if urlparse(endpoint).scheme not in ("http", "https"):
        raise ConfigError("HF_ENDPOINT: must be a full URL starting with http:// or https://")
    return Secrets(
        argilla_api_url=url,
        argilla_api_key=key,
        hf_token=(env.get("HF_TOKEN") or "").strip() or None,
        hf_endpoint=endpoint,
        organizer_token=(env.get("ORGANIZER_TOKEN") or "").strip() or None,
        hub_endpoint_set=bool((env.get("HF_ENDPOINT") or "").strip()),
    )
