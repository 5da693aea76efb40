"""How the campaign's reads stay current, in words the reader (data/live) and the pages share:
by webhooks or by polling, and why polling when webhooks are enabled."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Live(StrEnum):
    """How reads stay current."""

    WEBHOOKS = "webhooks"
    POLLING = "polling"


class Reason(StrEnum):
    """Why polling although webhooks are enabled, or why webhooks are doubted (its words:
    components/status.py)."""

    STARTING = "starting"  # not subscribed yet
    NO_URL = "no_url"  # no public URL to be reached at
    FORBIDDEN = "forbidden"  # the key may not register webhooks
    UNSUPPORTED = "unsupported"  # argilla-server older than 2.5
    DELETED = "deleted"  # someone deleted the webhook on the server
    SILENT = "silent"  # the data moved and no delivery came
    FAILED = "failed"  # subscribing failed otherwise


@dataclass(frozen=True)
class LiveMode:
    kind: Live
    reason: Reason | None = None

    @classmethod
    def from_json(cls, document: dict[str, str | None]) -> LiveMode:
        """The mode as the writer published it (`dataclasses.asdict`, through JSON)."""
        reason = document.get("reason")
        return cls(Live(str(document["kind"])), Reason(reason) if reason else None)
