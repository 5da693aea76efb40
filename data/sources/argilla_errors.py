"""Argilla's and HTTP's exceptions as `SourceError`s, whose kind the pages explain and whose
text is safe to show (no URL, no key, no server's message)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import httpx

from data.errors import ErrorKind, SourceError
from data.sources.internals import argilla_credentials_error, parse_retry_after

log = logging.getLogger(__name__)


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """Turn SDK/HTTP exceptions into `SourceError`s whose text is safe to show."""
    try:
        yield
    except SourceError:
        raise
    except Exception as error:
        log.warning("Argilla read failed: %s", type(error).__name__)
        raise _classify(error) from None


def _classify(error: BaseException) -> SourceError:
    status = _status_code(error)
    if isinstance(error, argilla_credentials_error()) or status == 401:
        return SourceError(ErrorKind.AUTH)
    if status == 403:
        return SourceError(ErrorKind.FORBIDDEN)
    if status == 429:  # a server (or its proxy) asking to slow down: not before Retry-After, else a minute
        return SourceError(ErrorKind.RATE_LIMITED, "HTTP 429", retry_after=float(_retry_after(error) or 60))
    if status is not None and status >= 500:
        return SourceError(ErrorKind.SERVER_ERROR, f"HTTP {status}")
    if _caused_by(error, httpx.TimeoutException):
        return SourceError(ErrorKind.TIMEOUT)
    if _caused_by(error, httpx.TransportError):
        return SourceError(ErrorKind.UNREACHABLE)
    if status is not None:
        return SourceError(ErrorKind.SERVER_ERROR, f"HTTP {status}")
    return SourceError(ErrorKind.BAD_DATA, type(error).__name__)


def _status_code(error: BaseException) -> int | None:
    for candidate in _chain(error):
        if isinstance(candidate, httpx.HTTPStatusError):
            return candidate.response.status_code
        status = getattr(candidate, "status_code", None)
        if isinstance(status, int):
            return status
    return None


def _retry_after(error: BaseException) -> int | None:
    for candidate in _chain(error):
        response = getattr(candidate, "response", None)
        headers = getattr(response, "headers", None)
        if headers is not None:
            return parse_retry_after(headers)
    return None


def _caused_by(error: BaseException, kind: type) -> bool:
    return any(isinstance(candidate, kind) for candidate in _chain(error))


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__
