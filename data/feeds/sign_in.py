"""Sign in with Hugging Face (OIDC): the settings Streamlit's `st.login` needs, who organizes, and
whether the provider answers.

On a Space, `hf_oauth: true` gives OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_SCOPES and
OPENID_PROVIDER_URL; `auth_settings` turns them into the `[auth]` section (`st.App(secrets=...)`).
Elsewhere `.streamlit/secrets.toml` may hold that section itself. The Hub's ID token carries the
person's organisations in its `orgs` claim (each with its id, `sub`, its handle,
`preferred_username`, and `roleInOrg`, from the `openid profile` scopes), which is what
`is_organizer` reads. The claims are those of the sign-in, kept in a cookie for 30 days:
`Membership` asks the Hub who is in the org now, so that a member removed from it loses
Organización within `[organizers] recheck_seconds`. Handles change (a rename) and a freed handle
can be taken by someone else; ids never change: the org and its members are matched by id wherever
one is known (`[organizers] org_id`, else the id the Hub gives the configured handle).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from data.config import OrganizersConfig, Secrets
from data.errors import ErrorKind, SourceError
from data.feeds.poller import Poller
from data.sources.hub import organization_members
from data.sources.progress import Report
from data.times import utc_now

DISCOVERY = "/.well-known/openid-configuration"
CALLBACK = "/oauth2callback"  # Streamlit's own callback route


def auth_settings(secrets: Secrets) -> dict[str, object] | None:
    """The `[auth]` secrets section for Hugging Face as the OIDC provider, from the environment;
    None when the environment does not configure sign-in (it may still come from secrets.toml)."""
    if not secrets.sign_in_configured or not secrets.public_url:
        return None
    return {
        "redirect_uri": secrets.public_url + CALLBACK,
        "cookie_secret": secrets.cookie_secret,
        "client_id": secrets.oauth_client_id,
        "client_secret": secrets.oauth_client_secret,
        "server_metadata_url": f"{secrets.openid_provider_url}{DISCOVERY}",
        "client_kwargs": {"scope": secrets.oauth_scopes},
    }


def is_organizer(claims: Mapping[str, object], organizers: OrganizersConfig, org_id: str | None = None) -> bool:
    """Is the signed-in person a member of the organizing org, with one of the admitted roles? The
    org is the one with id `[organizers] org_id` (else `org_id`, the Hub's for the handle) where
    one is known and the claim has one, else the one with the configured handle."""
    if not organizers.org:
        return False
    orgs = claims.get("orgs")
    if not isinstance(orgs, list):
        return False
    wanted_id, wanted = organizers.org_id or org_id, organizers.org.casefold()

    def ours(org: Mapping[str, object]) -> bool:
        if wanted_id and org.get("sub"):
            return str(org["sub"]) == wanted_id
        return str(org.get("preferred_username") or org.get("name") or "").casefold() == wanted

    return any(isinstance(org, Mapping) and ours(org) and org.get("roleInOrg") in organizers.roles for org in orgs)


@dataclass(frozen=True)
class ProviderAnswer:
    fetched_at: dt.datetime


@dataclass(frozen=True)
class Members:
    """The org a handle names on the Hub now (its id) and its members: their ids, and their handles
    as the Hub compares them (case aside)."""

    org_id: str | None
    ids: frozenset[str]
    handles: frozenset[str]
    fetched_at: dt.datetime

    @classmethod
    def of(cls, org_id: str | None, people: Mapping[str, str | None], fetched_at: dt.datetime) -> Members:
        """From the Hub's answer: username -> user id."""
        ids = frozenset(found for found in people.values() if found)
        return cls(org_id, ids, frozenset(name.casefold() for name in people), fetched_at)

    def admits(self, username: str, user_id: str | None = None) -> bool:
        """Is this person a member: by id when the Hub and the sign-in both give one (a renamed
        member is still one), else by handle?"""
        if user_id and self.ids:
            return user_id in self.ids
        return username.casefold() in self.handles


class Membership:
    """Who is in the organizers' org now, as the Hub says: read again every `recheck` seconds in the
    background, so a render never waits on it (but for a first read, bounded). While the Hub fails
    the last list it gave stands; before any, nobody is let in."""

    def __init__(self, endpoint: str, token: str | None, org: str, recheck: float):
        def read(report: Report) -> Members:
            return Members.of(*organization_members(endpoint, token, org), utc_now())

        self.poller = Poller(read, interval=recheck, name="org-members")

    def current(self, wait: float = 0) -> Members | None:
        """The org and its members as the Hub last gave them; None while it has not answered yet."""
        return (self.poller.wait_for_first(wait) if wait else self.poller.state).value

    def start(self) -> Membership:
        self.poller.start()
        return self

    def stop(self) -> None:
        self.poller.stop()


class ProviderCheck:
    """Whether the OIDC provider answers (its discovery document), checked in the background so a
    render never waits on it; sign-in is offered only while it does."""

    def __init__(self, metadata_url: str, interval: float = 30, timeout: float = 3):
        self.metadata_url = metadata_url
        self._timeout = timeout
        self.poller = Poller(self._read, interval=interval, name="sign-in-check")

    def _read(self, report: Report) -> ProviderAnswer:
        try:
            answer = httpx.get(self.metadata_url, timeout=self._timeout)
        except httpx.TimeoutException:
            raise SourceError(ErrorKind.TIMEOUT) from None
        except httpx.HTTPError:
            raise SourceError(ErrorKind.UNREACHABLE) from None
        if answer.status_code != 200 or "authorization_endpoint" not in answer.text:
            raise SourceError(ErrorKind.SERVER_ERROR, f"HTTP {answer.status_code}")
        return ProviderAnswer(utc_now())

    def available(self, wait: float = 0) -> bool:
        state = self.poller.wait_for_first(wait) if wait else self.poller.state
        return state.value is not None and state.error is None

    def start(self) -> ProviderCheck:
        self.poller.start()
        return self

    def stop(self) -> None:
        self.poller.stop()
