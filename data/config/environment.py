"""The environment variables the dashboard reads, each declared once (name, default, help, secret
or not), and the one place that reads them. The README's table is generated from `VARIABLES`."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from data.config.schema import ConfigError

ROOT = Path(__file__).resolve().parent.parent.parent  # the repository


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
    url: bool = False  # a full http(s) URL (a trailing slash dropped)
    default: str | None = None
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
        "ARGILLA_API_URL_<NAME>",
        'another Argilla server, for the campaigns that say `argilla = "<NAME>"` (a board of several)',
        url=True,
    ),
    Variable("ARGILLA_API_KEY_<NAME>", "an owner or admin key of that server", secret=True),
    Variable(
        "HF_TOKEN",
        "the Hub token: raises its rate limit; a **write** token when `[storage]` is used (never the Argilla key)",
        secret=True,
    ),
    Variable("HF_ENDPOINT", "optional; another Hub endpoint", url=True, default="https://huggingface.co"),
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
    Variable(
        "OAUTH_SCOPES",
        "Sign in with Hugging Face (set by the Space with `hf_oauth: true`)",
        deployed=False,
        default="openid profile",
    ),
    Variable(
        "OPENID_PROVIDER_URL",
        "Sign in with Hugging Face (set by the Space with `hf_oauth: true`)",
        url=True,
        deployed=False,
    ),
    Variable(
        "CERTIFICATE_SECRET",
        "signs the certificates' IDs (`/certificado?id=`); without it, with [storage], a key made once and kept "
        "in the state repo, else one derived from `ARGILLA_API_KEY` (rotating that key then voids the IDs "
        "signed with it); setting it later voids none",
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
    Variable("CAMPAIGN_CONFIG", "another campaign file", app=False, default=str(ROOT / "campaign.toml")),
    Variable("DATA_DIR", "where snapshots live", app=False, deployed=False, default=str(ROOT / "data" / "cache")),
    Variable("WORKERS", "`scripts/serve`: how many Streamlit processes (default: the number of cores)", app=False),
    Variable("PORT", "`scripts/serve`: the public port", app=False, deployed=False, default="8501"),
    Variable(
        "REDIS_URL", "beyond one machine: the Redis every replica shares (writer lease, published state)", secret=True
    ),
    Variable(
        "TABLERO_ROLE",
        "set by `scripts/serve`: `writer`, `reader`, or `candidate` (with `REDIS_URL`); a process alone writes",
        app=False,
        deployed=False,
        default="writer",
    ),
    Variable(
        "TABLERO_WORKERS",
        "set by `scripts/serve`: how many processes serve this machine (each takes its share of the "
        "passphrase attempts without `REDIS_URL`)",
        app=False,
        deployed=False,
        default="1",
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


def _default(variable: Variable) -> str:
    if variable.default is None:
        return "—"
    path = Path(variable.default)
    return f"`{path.relative_to(ROOT) if path.is_absolute() and path.is_relative_to(ROOT) else variable.default}`"


def variables_table() -> str:
    """The README's table of environment variables, derived from `VARIABLES`."""
    rows = ["| variable | on a Space | default | what |", "|---|---|---|---|"]
    rows += [f"| `{v.name}` | {_on_a_space(v)} | {_default(v)} | {v.help} |" for v in VARIABLES]
    return "\n".join(rows) + "\n"


def read(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """The value of a declared variable in `env` (default: the process's environment): stripped,
    a URL checked, else its default."""
    variable = BY_VARIABLE[name]
    text = ((os.environ if env is None else env).get(name) or "").strip() or None
    if text is not None and variable.url:
        parsed = urlparse(text)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(f"{name}: must be a full URL starting with http:// or https://")
        text = text.rstrip("/")
    return text if text is not None else variable.default


def read_or_default(name: str, env: Mapping[str, str] | None = None) -> str:
    """`read` of a variable declared with a default, so never None."""
    value = read(name, env)
    if value is None:
        raise KeyError(f"{name} is declared without a default")
    return value


def app_values(secrets_file: Mapping[str, object] | None = None) -> dict[str, str]:
    """What the app reads: the environment (how HF Spaces passes secrets) over the values of
    .streamlit/secrets.toml, for the variables the app reads."""
    values = {name: str(value) for name, value in (secrets_file or {}).items() if _read_by_app(name)}
    values.update({name: value for name, value in os.environ.items() if _read_by_app(name)})
    return values


SERVER_URL, SERVER_KEY = "ARGILLA_API_URL_", "ARGILLA_API_KEY_"  # another server's: ..._<NAME>
SERVER_NAME = re.compile(r"[A-Z0-9][A-Z0-9_]{0,31}")


def _read_by_app(name: str) -> bool:
    return name in APP_VARIABLES or any(
        name.startswith(family) and SERVER_NAME.fullmatch(name[len(family) :]) for family in (SERVER_URL, SERVER_KEY)
    )


def servers(env: Mapping[str, str]) -> dict[str, tuple[str | None, str | None]]:
    """The other Argilla servers `env` names, by name: (URL, key), either possibly missing."""
    named: dict[str, tuple[str | None, str | None]] = {}
    for name, value in env.items():
        for index, family in enumerate((SERVER_URL, SERVER_KEY)):
            server = name[len(family) :]
            if name.startswith(family) and SERVER_NAME.fullmatch(server) and value.strip():
                pair = list(named.get(server, (None, None)))
                pair[index] = value.strip().rstrip("/") if index == 0 else value.strip()
                named[server] = (pair[0], pair[1])
    return named
