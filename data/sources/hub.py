"""List an organisation's models, datasets and Spaces on the Hub: exactly three list calls, at once.

`HfApi(endpoint=..., token=...)` with the endpoint and token injected, over the shared HTTP client
of `data.sources.hub_client` (a finite timeout, safe to share between threads). The library itself
retries 429/5xx (waiting out `RateLimit`/`Retry-After`); what still fails becomes a `SourceError`
carrying the reset time, which the poller honours before its next attempt.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpx2
import pandas as pd
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import parse_ratelimit_headers

from data.config import HubConfig
from data.errors import ErrorKind, SourceError
from data.sources.at_once import each
from data.sources.hub_client import install_timeout
from data.sources.internals import parse_retry_after

log = logging.getLogger(__name__)
RAW_PROJECT_COLUMNS = [
    "kind",
    "repo_id",
    "author",
    "likes",
    "created_at",
    "last_modified",
    "private",
    "disabled",
    "tags",
    "sdk",
    "state",
]
REPO_EXPAND: list[Any] = ["author", "likes", "createdAt", "lastModified", "tags", "private", "disabled"]
SPACE_EXPAND = REPO_EXPAND + ["sdk", "runtime"]


class HubSource:
    def __init__(self, endpoint: str, token: str | None, config: HubConfig):
        if not config.org:
            raise ValueError("HubSource needs [hub] org")
        install_timeout(config.timeout_seconds)
        self.api = HfApi(endpoint=endpoint, token=token or False)
        self.config = config

    def fetch(self, progress: Callable[[int, str, int], None] | None = None) -> pd.DataFrame:
        """All repos of the org, one row each (RAW_PROJECT_COLUMNS): models, then datasets, then
        Spaces. Raises `SourceError`.

        The three listings are asked at the same time (data/sources/at_once.py): from a Space each is
        a round trip to the Hub, and one after another a first visitor of *Proyectos* waited for the
        three. `progress(done, kind, rows_so_far)` is called as each one ends, in the order they end.
        """
        common: dict[str, Any] = {"author": self.config.org, "sort": "likes"}
        if self.config.tags:
            common["filter"] = list(self.config.tags)
        calls: dict[str, Callable[[], Iterable[Any]]] = {
            "model": lambda: self.api.list_models(expand=REPO_EXPAND, **common),
            "dataset": lambda: self.api.list_datasets(expand=REPO_EXPAND, **common),
            "space": lambda: self.api.list_spaces(expand=SPACE_EXPAND, **common),
        }
        done: list[int] = []  # rows of each listing ended so far
        lock = threading.Lock()

        def listed(kind: str) -> list[tuple[Any, ...]]:
            rows = _rows(kind, calls[kind]())
            with lock:
                done.append(len(rows))
                if progress is not None:
                    progress(len(done), kind, sum(done))
            return rows

        with hub_errors():
            listings = each(listed, calls, name="hub-list")
        return pd.DataFrame([row for rows in listings for row in rows], columns=RAW_PROJECT_COLUMNS)


def organization_members(
    endpoint: str, token: str | None, org: str, timeout: float = 10
) -> tuple[str | None, dict[str, str | None]]:
    """The id of the org `org` names on the Hub now, and its members: username -> user id (private
    memberships only when `token` may see them). Ids never change; names may. Raises `SourceError`."""
    install_timeout(timeout)
    api = HfApi(endpoint=endpoint, token=token or False)
    with hub_errors():
        overview = api.get_organization_overview(org)
        members = {member.username: _hub_id(member) for member in api.list_organization_members(org)}
    return _hub_id(overview), members


def _hub_id(item: object) -> str | None:
    """The Hub's `_id` of a user or an org (huggingface_hub keeps the keys it does not name)."""
    found = getattr(item, "_id", None)
    return found if isinstance(found, str) and found else None


def _rows(kind: str, infos: Iterable[Any]) -> list[tuple[Any, ...]]:
    return [
        (
            kind,
            info.id,
            info.author,
            info.likes,
            info.created_at,
            info.last_modified,
            info.private,
            info.disabled,
            ",".join(t for t in (info.tags or []) if isinstance(t, str)),
            getattr(info, "sdk", None),
            _stage(getattr(info, "runtime", None)),
        )
        for info in infos
    ]


def _stage(runtime: Any) -> str | None:
    stage = getattr(runtime, "stage", None)
    if stage is None and isinstance(runtime, dict):
        stage = runtime.get("stage")
    return str(getattr(stage, "value", stage)) if stage else None


@contextlib.contextmanager
def hub_errors() -> Iterator[None]:
    """Turn huggingface_hub and HTTP exceptions into `SourceError`s whose text is safe to show."""
    try:
        yield
    except HfHubHTTPError as error:
        raise _classify(error) from None
    except httpx2.TimeoutException as error:
        raise SourceError(ErrorKind.TIMEOUT) from error
    except httpx2.TransportError as error:
        raise SourceError(ErrorKind.UNREACHABLE) from error
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        log.warning("Hub answered something unparseable: %s", type(error).__name__)
        raise SourceError(ErrorKind.BAD_DATA, type(error).__name__) from None


def _classify(error: HfHubHTTPError) -> SourceError:
    response = error.response
    status = response.status_code if response is not None else None
    if status == 429:
        info = parse_ratelimit_headers(response.headers)
        wait = info.reset_in_seconds if info is not None else parse_retry_after(response.headers)
        return SourceError(ErrorKind.RATE_LIMITED, "HTTP 429", retry_after=float(wait) if wait else 300.0)
    if status == 401:
        return SourceError(ErrorKind.AUTH)
    if status == 403:
        return SourceError(ErrorKind.FORBIDDEN)
    return SourceError(ErrorKind.SERVER_ERROR, f"HTTP {status}")
