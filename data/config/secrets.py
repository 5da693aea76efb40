"""The credentials and deployment facts read from the environment, and the keys derived from them
(certificates, sign-in cookies). A credential is never rendered, logged or put in a message."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlparse

from data.config import legacy
from data.config.environment import SERVER_KEY, SERVER_URL, app_values, read, read_or_default, servers
from data.config.schema import ConfigError


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
    servers: tuple[tuple[str, str, str], ...] = field(default=(), repr=False)  # other Argilla servers: name, URL, key

    @property
    def argilla_configured(self) -> bool:
        """Is the campaign live? Without Argilla its pages run on the embedded demo, whatever the
        Hub's token or endpoint say (they configure no campaign)."""
        return bool(self.argilla_api_url and self.argilla_api_key)

    def on_server(self, name: str | None) -> Secrets:
        """These secrets for a campaign on the Argilla server `name` (None: ARGILLA_API_URL's)."""
        if name is None:
            return self
        found = next(((url, key) for server, url, key in self.servers if server == name), None)
        if found is None:
            raise ConfigError(
                f"{SERVER_URL}{name}, {SERVER_KEY}{name}: not set (a campaign's `argilla` names that server)"
            )
        return replace(self, argilla_api_url=found[0], argilla_api_key=found[1])

    @property
    def sign_in_configured(self) -> bool:
        return bool(self.oauth_client_id and self.oauth_client_secret and self.openid_provider_url)

    @property
    def certificate_key(self) -> bytes:
        """CERTIFICATE_SECRET's key, else the Argilla key's (`derived_key`): what signs the people's
        choices of appearance, and signed the certificates before data/state/certificate_keys.py."""
        return self.certificate_secret.encode() if self.certificate_secret else self.derived_key

    @property
    def derived_key(self) -> bytes:
        """A key derived from the Argilla key (stable across restarts and processes, changed by
        rotating that key); the demo's is public, as its data is invented."""
        base = self.argilla_api_key or "demo"
        return hmac.new(base.encode(), legacy.CERTIFICATE_KEY_LABEL, hashlib.sha256).digest()

    @property
    def cookie_secret(self) -> str | None:
        """AUTH_COOKIE_SECRET, else a key derived from the OAuth client secret (stable across restarts)."""
        if self.auth_cookie_secret:
            return self.auth_cookie_secret
        if self.oauth_client_secret:
            digest = hmac.new(self.oauth_client_secret.encode(), legacy.COOKIE_KEY_LABEL, hashlib.sha256)
            return digest.hexdigest()
        return None


def load_secrets(env: Mapping[str, str]) -> Secrets:
    """Read credentials from a mapping (`environment.app_values()`: the environment over secrets.toml)."""

    def value(name: str) -> str | None:
        return read(name, env)

    url, key = value("ARGILLA_API_URL"), value("ARGILLA_API_KEY")
    if bool(url) != bool(key):
        missing = "ARGILLA_API_KEY" if url else "ARGILLA_API_URL"
        raise ConfigError(f"{missing}: missing (set both ARGILLA_API_URL and ARGILLA_API_KEY, or neither for the demo)")
    space_host = value("SPACE_HOST")
    return Secrets(
        servers=_servers(env),
        argilla_api_url=url,
        argilla_api_key=key,
        hf_token=value("HF_TOKEN"),
        hf_endpoint=read_or_default("HF_ENDPOINT", env),
        organizer_token=value("ORGANIZER_TOKEN"),
        oauth_client_id=value("OAUTH_CLIENT_ID"),
        oauth_client_secret=value("OAUTH_CLIENT_SECRET"),
        oauth_scopes=read_or_default("OAUTH_SCOPES", env),
        openid_provider_url=value("OPENID_PROVIDER_URL"),
        auth_cookie_secret=value("AUTH_COOKIE_SECRET"),
        public_url=value("PUBLIC_URL") or (f"https://{space_host}" if space_host else None),
        space_id=value("SPACE_ID"),
        redis_url=value("REDIS_URL"),
        certificate_secret=value("CERTIFICATE_SECRET"),
    )


def configured_public_url() -> str | None:
    """PUBLIC_URL, else the Space's address: where the board is, whatever address a request names
    (its Host header is the visitor's to choose). None when neither is set or the environment is
    unreadable."""
    try:
        return load_secrets(app_values()).public_url
    except ConfigError:
        return None


def _servers(env: Mapping[str, str]) -> tuple[tuple[str, str, str], ...]:
    """The other Argilla servers: each with both its URL (checked) and its key, or a ConfigError."""
    found = []
    for name, (url, key) in sorted(servers(env).items()):
        if not url or not key:
            missing = f"{SERVER_KEY}{name}" if url else f"{SERVER_URL}{name}"
            raise ConfigError(f"{missing}: missing (another server needs both its URL and its key)")
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(f"{SERVER_URL}{name}: must be a full URL starting with http:// or https://")
        found.append((name, url, key))
    return tuple(found)
