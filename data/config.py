"""The campaign's configuration (a TOML file) and the environment, each declared once.

Every `campaign.toml` key is a field of one of the dataclasses below, declared with `setting()`:
its name (the field's), its type (the annotation), its default, its help and its checks. The
parser, the allowed keys, the one-line error messages and the README's reference table
(`settings_table`, kept in step by tests/test_docs.py) all derive from those declarations, as
datasette derives its settings and their documentation from one `Setting` list. Environment
variables are declared once in `VARIABLES` (which are Space secrets, which plain variables).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import hmac
import os
import re
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "campaign.toml"
HUB_ROLES = ("admin", "write", "contributor", "read")


class ConfigError(ValueError):
    """A configuration problem, with a one-line message that names the key."""


# --- checks: each returns what is wrong with a value, or None ------------------------------------
def positive(value: float) -> str | None:
    return None if value > 0 else f"must be greater than 0, got {value}"


def not_negative(value: float) -> str | None:
    return None if value >= 0 else f"must be 0 or more, got {value}"


def repo_id(value: str) -> str | None:
    parts = value.split("/")
    return None if len(parts) == 2 and all(parts) else f"expected a repo id like org/name, got {value!r:.60}"


def roster_source(value: str) -> str | None:
    if value.startswith("hf://") and not re.fullmatch(r"hf://datasets/[^/]+/[^/]+/.+", value):
        return f"expected hf://datasets/OWNER/NAME/FILE.csv or a path, got {value!r:.60}"
    return None


def hub_roles(values: tuple[str, ...]) -> str | None:
    unknown = [role for role in values if role not in HUB_ROLES]
    return f"unknown role {unknown[0]!r:.30} (Hub roles: {', '.join(HUB_ROLES)})" if unknown else None


def setting(
    default: Any = MISSING,
    help: str = "",
    *,
    check: Callable[[Any], str | None] | None = None,
    url: bool = False,
    required: bool = False,
) -> Any:
    """Declare a `campaign.toml` key: a dataclass field with its help and checks.

    `url`: a full http(s) URL (a trailing slash dropped). A key without a default must always be
    given; `required`: must be given whenever its table is (the table itself being optional)."""
    return field(default=default, metadata={"help": help, "check": check, "url": url, "required": required})


def table(cls: type, help: str, *, many: bool = False) -> Any:
    """Declare a TOML table (`[name]`) or, with `many`, an array of tables (`[[name]]`)."""
    metadata = {"help": help, "table": cls, "many": many}
    return field(default=(), metadata=metadata) if many else field(default_factory=cls, metadata=metadata)


# --- the declarations --------------------------------------------------------------------------
@dataclass(frozen=True)
class DatasetConfig:
    name: str = setting(help="the Argilla dataset's name")
    correction_question: str = setting(help="the TextQuestion that holds the validated translation")
    workspace: str | None = setting(None, "its Argilla workspace (needed when two datasets share a name)")
    title: str | None = setting(None, "how pages name it (default: its name)")
    reference_field: str | None = setting(None, "the field compared when that question has no suggestion")
    label_question: str | None = setting(None, "a LabelQuestion for the agreement signals (default: the first)")

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
class WebhooksConfig:
    enabled: bool = setting(False, "keep the ranking live by Argilla webhooks (owner/admin key, Argilla >= 2.5)")
    public_url: str | None = setting(
        None, "the dashboard's public address (default: PUBLIC_URL, else the Space's)", url=True
    )
    reconcile_minutes: int = setting(30, "the full read while webhooks are live", check=positive)


@dataclass(frozen=True)
class OrganizersConfig:
    """Who may open the organizer page when people sign in with Hugging Face."""

    org: str | None = setting(None, "members of this Hub org open Organización (with sign-in)")
    roles: tuple[str, ...] = setting(("admin", "write"), "... with one of these roles", check=hub_roles)


@dataclass(frozen=True)
class CampaignConfig:
    """The [campaign] keys, and the other tables."""

    title: str = setting("#Somos600M", "the campaign's name on every page and certificate")
    start: dt.date | None = setting(None, "validations before this UTC day are not counted")
    end: dt.date | None = setting(None, "validations after this UTC day (inclusive) are not counted")
    min_validations_for_prize: int = setting(
        50, "validations that make a contributor prize-eligible", check=not_negative
    )
    exclude_users: tuple[str, ...] = setting((), "organizers, bots: never ranked")
    refresh_seconds: int = setting(120, "how often the one shared poller reads Argilla", check=positive)
    reconcile_every: int = setting(10, "while polling: every Nth poll is a full read", check=positive)
    timeout_seconds: float = setting(20.0, "per request to Argilla", check=positive)
    first_wait_seconds: float = setting(
        10.0, "a first visitor waits this long for the very first read", check=not_negative
    )
    annotation_url: str | None = setting(None, "the annotation Space: the «Comienza a validar» button", url=True)
    guide_url: str | None = setting(None, "the annotation guide", url=True)
    datasets: tuple[DatasetConfig, ...] = table(DatasetConfig, "one per Argilla dataset of the campaign", many=True)
    hub: HubConfig = table(HubConfig, "the hackathon projects on the Hub")
    teams: TeamsConfig = table(TeamsConfig, "optional: teams and countries from a roster CSV")
    organizers: OrganizersConfig = table(OrganizersConfig, "who opens Organización when people sign in")
    storage: StorageConfig = table(StorageConfig, "optional: the durable state in a dataset repo")
    webhooks: WebhooksConfig = table(WebhooksConfig, "optional: the live ranking by Argilla webhooks")


# --- the parser, derived from the declarations --------------------------------------------------
@functools.cache
def _fields(cls: type) -> tuple[tuple[dataclasses.Field, Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f, hints[f.name]) for f in dataclasses.fields(cls))


def _keys(cls: type) -> list[str]:
    return [f.name for f, _ in _fields(cls)]


def _required(f: dataclasses.Field, given: Mapping) -> bool:
    """Must this key be in this table? Always without a default; if `required`, once the table is given."""
    return f.default is MISSING and f.default_factory is MISSING or bool(given) and f.metadata.get("required")


def _parse(cls: type, data: Any, where: str) -> Any:
    """A dataclass from a TOML table, every key checked against its declaration."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a table")
    unknown = sorted(set(data) - set(_keys(cls)))
    if unknown:
        keys = sorted(f.name for f, _ in _fields(cls) if "table" not in f.metadata)
        raise ConfigError(f"{where}.{unknown[0]}: unknown key (allowed: {', '.join(keys)})")
    values = {}
    for f, kind in _fields(cls):
        nested = f.metadata.get("table")
        if nested is not None:
            values[f.name] = _parse_table(f, nested, data.get(f.name), f.name)
        elif f.name in data:
            values[f.name] = _value(f, kind, data[f.name], f"{where}.{f.name}")
        elif _required(f, data):
            raise ConfigError(f"{where}.{f.name}: missing required key")
    return cls(**values)


def _parse_table(f: dataclasses.Field, cls: type, data: Any, where: str) -> Any:
    if f.metadata["many"]:
        if not isinstance(data, list) or not data:
            raise ConfigError(f"{where}: expected at least one [[{where}]] table")
        return tuple(_parse(cls, item, f"{where}[{index}]") for index, item in enumerate(data))
    return cls() if not data else _parse(cls, data, where)


def _value(f: dataclasses.Field, kind: Any, value: Any, where: str) -> Any:
    """One value, typed as its annotation says (`X | None` means X) and checked."""
    base = _base(kind)
    if base is dt.datetime:
        value = _datetime(value, where)
    elif base is dt.date:
        value = _date(value, where)
    elif typing.get_origin(base) is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings")
        value = tuple(value)
    else:
        accepted = (int, float) if base is float else base
        if isinstance(value, bool) and base is not bool or not isinstance(value, accepted):
            raise ConfigError(f"{where}: expected {base.__name__}, got {type(value).__name__} {value!r:.60}")
        value = float(value) if base is float else value
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ConfigError(f"{where}: must not be empty")
        if f.metadata.get("url"):
            value = _url(value, where)
    problem = f.metadata.get("check") and f.metadata["check"](value)
    if problem:
        raise ConfigError(f"{where}: {problem}")
    return value


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: expected a date like 2024-03-04, got {value!r:.60}") from None


def _datetime(value: Any, where: str) -> dt.datetime:
    """A moment in UTC: a TOML datetime (without an offset: UTC), an ISO 8601 text, or a date
    (its last second, as `end` counts its whole day)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ConfigError(
                f"{where}: expected a UTC datetime like 2024-04-10T23:59:00Z, got {value!r:.60}"
            ) from None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(23, 59, 59), tzinfo=dt.UTC)
    raise ConfigError(f"{where}: expected a UTC datetime like 2024-04-10T23:59:00Z, got {value!r:.60}")


def _url(value: str, where: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{where}: expected a full URL starting with https://, got {value!r:.60}")
    return value.rstrip("/")


def parse_config(document: Mapping[str, Any]) -> CampaignConfig:
    """Validate a parsed TOML document into a `CampaignConfig` (the [campaign] keys sit in their table)."""
    document = dict(document)
    tables = {f.name for f, _ in _fields(CampaignConfig) if "table" in f.metadata}
    unknown = sorted(set(document) - tables - {"campaign"})
    if unknown:
        raise ConfigError(f"config.{unknown[0]}: unknown key (allowed: {', '.join(sorted(tables | {'campaign'}))})")
    campaign = document.pop("campaign", {})
    if not isinstance(campaign, dict):
        raise ConfigError("campaign: expected a table")
    clash = sorted(set(campaign) & tables)
    if clash:
        raise ConfigError(f"campaign.{clash[0]}: unknown key (it is a table of its own: [{clash[0]}])")
    config = _parse(CampaignConfig, {**campaign, **document}, "campaign")
    pairs = [(d.workspace, d.name) for d in config.datasets]
    if len(set(pairs)) != len(pairs):
        raise ConfigError("datasets: the same name and workspace appear twice")
    if config.start and config.end and config.end < config.start:
        raise ConfigError("campaign.end: is before campaign.start")
    return config


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


def settings_table() -> str:
    """Every campaign.toml key as a Markdown table: the README's reference, derived from here."""
    rows = ["| key | type | default | what |", "|---|---|---|---|"]

    def walk(cls: type, prefix: str) -> None:
        for f, kind in _fields(cls):
            nested = f.metadata.get("table")
            if nested is not None:
                walk(nested, f"[[{f.name}]]" if f.metadata["many"] else f"[{f.name}]")
                continue
            default = "required" if _required(f, {"any": 1}) else _toml(f.default)
            rows.append(f"| `{prefix} {f.name}` | {_kind_name(f, kind)} | {default} | {f.metadata['help']} |")

    walk(CampaignConfig, "[campaign]")
    return "\n".join(rows) + "\n"


def _base(kind: Any) -> Any:
    """`X | None` -> X; any other annotation as it is."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        return next(k for k in typing.get_args(kind) if k is not type(None))
    return kind


def _kind_name(f: dataclasses.Field, kind: Any) -> str:
    base = _base(kind)
    if typing.get_origin(base) is tuple:
        return "list of text"
    if f.metadata.get("url"):
        return "URL"
    return {
        str: "text",
        int: "integer",
        float: "number",
        bool: "true/false",
        dt.date: "date",
        dt.datetime: "UTC datetime",
    }[base]


def _toml(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return "`[" + ", ".join(f'"{v}"' for v in value) + "]`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


# --- the environment -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Variable:
    """An environment variable the dashboard reads.

    `secret`: a credential (a Space *secret*: never shown, logged, uploaded or put in a message);
    otherwise a Space *variable*. `app`: read by the app from the environment or, locally, from
    .streamlit/secrets.toml; otherwise read from the environment only (where things are).
    `deployed`: `scripts/deploy_space` sets it on the Space when it is given; the others are set
    by the Space itself (`hf_oauth`, `SPACE_ID`) or by the image (`PORT`, `DATA_DIR`)."""

    name: str
    help: str
    secret: bool = False
    app: bool = True
    url: bool = False
    deployed: bool = True


VARIABLES = (
    Variable("ARGILLA_API_URL", "the Argilla server", url=True),
    Variable(
        "ARGILLA_API_KEY",
        "an **owner or admin** key of that server (an annotator key cannot list other users' responses, "
        "nor register webhooks: the banner says so)",
        secret=True,
    ),
    Variable(
        "HF_TOKEN",
        "the Hub token: raises its rate limit; a **write** token when `[storage]` is used (never the Argilla key)",
        secret=True,
    ),
    Variable("HF_ENDPOINT", "optional; another Hub endpoint", url=True),
    Variable(
        "ORGANIZER_TOKEN", "the passphrase of *Organización* when sign-in does not decide (see below)", secret=True
    ),
    Variable(
        "OAUTH_CLIENT_ID",
        "Sign in with Hugging Face; a Space with `hf_oauth: true` (front matter above) sets it itself",
        deployed=False,
    ),
    Variable(
        "OAUTH_CLIENT_SECRET",
        "Sign in with Hugging Face (set by the Space with `hf_oauth: true`)",
        secret=True,
        deployed=False,
    ),
    Variable("OAUTH_SCOPES", "Sign in with Hugging Face (set by the Space with `hf_oauth: true`)", deployed=False),
    Variable(
        "OPENID_PROVIDER_URL",
        "Sign in with Hugging Face (set by the Space with `hf_oauth: true`)",
        url=True,
        deployed=False,
    ),
    Variable(
        "CERTIFICATE_SECRET",
        "signs the certificates' IDs (`/certificado?id=`); without it a key is derived from `ARGILLA_API_KEY`, "
        "and rotating that key voids the IDs issued before",
        secret=True,
    ),
    Variable(
        "AUTH_COOKIE_SECRET",
        "signs the sign-in cookies; without it a key is derived from `OAUTH_CLIENT_SECRET`",
        secret=True,
    ),
    Variable(
        "SPACE_HOST", "set by Spaces: the public address, for the sign-in callback and the webhook URL", deployed=False
    ),
    Variable(
        "SPACE_ID", "set by Spaces: the Space's id (`owner/name`); names this dashboard's own webhook", deployed=False
    ),
    Variable(
        "PUBLIC_URL", "the dashboard's public base URL when it is not a Space (e.g. `http://localhost:8501`)", url=True
    ),
    Variable("CAMPAIGN_CONFIG", "another campaign file", app=False),
    Variable("DATA_DIR", "where snapshots live (default `data/cache/`)", app=False, deployed=False),
    Variable("WORKERS", "`scripts/serve`: how many Streamlit processes (default: the number of cores)", app=False),
    Variable("PORT", "`scripts/serve`: the public port (default 8501)", app=False, deployed=False),
    Variable(
        "REDIS_URL", "beyond one machine: the Redis every replica shares (writer lease, published state)", secret=True
    ),
    Variable(
        "TABLERO_ROLE",
        "set by `scripts/serve`: `writer`, `reader`, or `candidate` (with `REDIS_URL`)",
        app=False,
        deployed=False,
    ),
)
BY_VARIABLE = {variable.name: variable for variable in VARIABLES}
APP_VARIABLES = tuple(v.name for v in VARIABLES if v.app)  # from the environment, else secrets.toml
ENVIRONMENT = tuple(v.name for v in VARIABLES)
DEPLOYED = tuple(v for v in VARIABLES if v.deployed)  # what scripts/deploy_space sets on a Space


def _on_a_space(variable: Variable) -> str:
    if not variable.deployed:
        return "set for you"
    return "secret" if variable.secret else "variable"


def variables_table() -> str:
    """The README's table of environment variables, derived from `VARIABLES`."""
    rows = ["| variable | on a Space | what |", "|---|---|---|"]
    rows += [f"| `{v.name}` | {_on_a_space(v)} | {v.help} |" for v in VARIABLES]
    return "\n".join(rows) + "\n"


@dataclass(frozen=True)
class Secrets:
    """Credentials and deployment facts; the credentials are never rendered, logged or put in a message."""

    argilla_api_url: str | None = None
    argilla_api_key: str | None = field(default=None, repr=False)
    hf_token: str | None = field(default=None, repr=False)
    hf_endpoint: str = "https://huggingface.co"
    organizer_token: str | None = field(default=None, repr=False)
    oauth_client_id: str | None = None
    oauth_client_secret: str | None = field(default=None, repr=False)
    oauth_scopes: str = "openid profile"
    openid_provider_url: str | None = None
    auth_cookie_secret: str | None = field(default=None, repr=False)
    public_url: str | None = None  # PUBLIC_URL, else https://$SPACE_HOST
    space_id: str | None = None  # SPACE_ID: owner/name of the Space
    redis_url: str | None = field(default=None, repr=False)  # REDIS_URL: may hold a password
    certificate_secret: str | None = field(default=None, repr=False)

    @property
    def argilla_configured(self) -> bool:
        """Is the campaign live? Without Argilla its pages run on the embedded demo, whatever the
        Hub's token or endpoint say (they configure no campaign)."""
        return bool(self.argilla_api_url and self.argilla_api_key)

    @property
    def sign_in_configured(self) -> bool:
        return bool(self.oauth_client_id and self.oauth_client_secret and self.openid_provider_url)

    @property
    def certificate_key(self) -> bytes:
        """The key of the certificates' IDs: CERTIFICATE_SECRET, else one derived from the Argilla key
        (stable across restarts and processes); the demo's is public, as its data is invented."""
        if self.certificate_secret:
            return self.certificate_secret.encode()
        base = self.argilla_api_key or "demo"
        return hmac.new(base.encode(), b"tablero-somos600m certificates", hashlib.sha256).digest()

    @property
    def cookie_secret(self) -> str | None:
        """AUTH_COOKIE_SECRET, else a key derived from the OAuth client secret (stable across restarts)."""
        if self.auth_cookie_secret:
            return self.auth_cookie_secret
        if self.oauth_client_secret:
            digest = hmac.new(self.oauth_client_secret.encode(), b"tablero-somos600m cookies", hashlib.sha256)
            return digest.hexdigest()
        return None


def load_secrets(env: Mapping[str, str]) -> Secrets:
    """Read credentials from a mapping (os.environ merged with Streamlit secrets by the app)."""

    def value(name: str) -> str | None:
        text = (env.get(name) or "").strip() or None
        if text is not None and BY_VARIABLE[name].url:
            parsed = urlparse(text)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ConfigError(f"{name}: must be a full URL starting with http:// or https://")
            text = text.rstrip("/")
        return text

    url, key = value("ARGILLA_API_URL"), value("ARGILLA_API_KEY")
    if bool(url) != bool(key):
        missing = "ARGILLA_API_KEY" if url else "ARGILLA_API_URL"
        raise ConfigError(f"{missing}: missing (set both ARGILLA_API_URL and ARGILLA_API_KEY, or neither for the demo)")
    space_host = value("SPACE_HOST")
    return Secrets(
        argilla_api_url=url,
        argilla_api_key=key,
        hf_token=value("HF_TOKEN"),
        hf_endpoint=value("HF_ENDPOINT") or "https://huggingface.co",
        organizer_token=value("ORGANIZER_TOKEN"),
        oauth_client_id=value("OAUTH_CLIENT_ID"),
        oauth_client_secret=value("OAUTH_CLIENT_SECRET"),
        oauth_scopes=value("OAUTH_SCOPES") or "openid profile",
        openid_provider_url=value("OPENID_PROVIDER_URL"),
        auth_cookie_secret=value("AUTH_COOKIE_SECRET"),
        public_url=value("PUBLIC_URL") or (f"https://{space_host}" if space_host else None),
        space_id=value("SPACE_ID"),
        redis_url=value("REDIS_URL"),
        certificate_secret=value("CERTIFICATE_SECRET"),
    )
