"""The API's HTTP side: content negotiation (JSON, or CSV by `Accept: text/csv` or a `.csv` path),
validators (`ETag` from what the pages show, `304` on `If-None-Match` before anything is
computed), CORS open for GET, errors as `application/problem+json`, and a rate limit per client
(the `limits` library; in Redis, shared by every process, when REDIS_URL is set).

An ETag names the whole of an answer (what the pages show, the path, the query, the format), so
the answer made for it is kept (bounded, expiring), compressed once, and the next request with
the same question and the same read gets those bytes without computing or compressing anything
(BENCHMARKS.md, section 12).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import functools
import gzip
import ipaddress
import json
import math
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import cachetools
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request
from starlette.responses import Response

from data.config import environment
from data.feeds.services import Services, current_services, every_services
from data.model import digests, export
from server.api.answers import Answer, Params, Problem

FORMAT = "1"  # part of every ETag: a new answer format never matches an old validator
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
}
PREFLIGHT = {
    **CORS,
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, If-None-Match",
    "Access-Control-Max-Age": "86400",
}
JSON, CSV, PROBLEM = "application/json", "text/csv; charset=utf-8", "application/problem+json"
Compute = Callable[[Services, dict[str, str], Params], Answer]
ANSWERS: cachetools.TTLCache[str, Any] = cachetools.TTLCache(  # ETag -> Made, at most 64 MiB of bodies
    maxsize=64 * 2**20, ttl=600, getsizeof=lambda made: len(made[1]) + 512
)
_answers_lock = threading.Lock()


def endpoint(compute: Compute, feed_key: str = "c", csv: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """A route answering `compute(services, path params, query)`; `feed_key` names what its
    answers depend on (data.feeds.services `version`: "c" the campaign, "p" the projects);
    `csv`: this path is the CSV form."""

    async def route(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=PREFLIGHT)
        services = current_services()
        if services is None:
            return problem(Problem(503, "Starting", "the dashboard is starting", retry_after=5))
        slug = request.path_params.get("slug")
        if slug is not None:  # a campaign's: its own services, whichever of the board's it is
            services = current_services(slug)
            if services is None:
                slugs = ", ".join(str(each.config.slug) for each in every_services())
                return problem(Problem(404, "No such campaign", f"the campaigns are at /api/v1/campaigns ({slugs})"))
        limited = _limited(request, services)
        if limited is not None:
            return problem(limited)
        as_csv = csv or _wants_csv(request.headers.get("accept", ""))
        tag = _etag(services, feed_key, request, as_csv)
        headers = {**CORS, "Vary": "Accept", "Cache-Control": "no-cache", **({"ETag": tag} if tag else {})}
        if tag is not None and tag in _tags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=headers)
        with _answers_lock:
            made: Made | None = ANSWERS.get(tag) if tag is not None else None
        if made is None:
            params = {name: request.query_params.getlist(name) for name in request.query_params}
            try:
                made = await asyncio.to_thread(_made, compute, services, dict(request.path_params), params, as_csv)
            except Problem as error:
                return problem(error)
            if tag is not None:
                with _answers_lock, contextlib.suppress(ValueError):  # a body larger than the cache is not kept
                    ANSWERS[tag] = made
        media, body, extra, packed = made
        if packed is not None and "gzip" in request.headers.get("accept-encoding", ""):  # as GZipMiddleware reads it
            body, extra = packed, {**extra, "Content-Encoding": "gzip", "Vary": "Accept, Accept-Encoding"}
        return Response(body, media_type=media, headers={**headers, **extra})

    return route


Made = tuple[str, bytes, dict[str, str], bytes | None]  # media type, body, its own headers, gzipped
GZIP_FROM = 500  # bytes: smaller bodies go as they are (as the app's own GZip middleware does)


def _made(compute: Compute, services: Services, path: dict[str, str], params: Params, as_csv: bool) -> Made:
    """The answer's media type, body and headers of its own (Last-Modified). Raises `Problem`."""
    answer = compute(services, path, params)
    render: Callable[[], bytes]
    media, render = answer.only or ((CSV, answer.csv_bytes) if as_csv else (JSON, functools.partial(_json, answer)))
    modified = answer.modified
    extra = {"Last-Modified": email.utils.format_datetime(modified.astimezone(), usegmt=True)} if modified else {}
    body = render()
    return media, body, extra, gzip.compress(body, 6, mtime=0) if len(body) >= GZIP_FROM else None


def problem(error: Problem) -> Response:
    body = {"type": "about:blank", "title": error.title, "status": error.status, "detail": error.detail}
    headers = dict(CORS)
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return Response(json.dumps(body, ensure_ascii=False), status_code=error.status, media_type=PROBLEM, headers=headers)


def _json(answer: Answer) -> bytes:
    """The meta fields, then the rows (or the one row), written by pandas (no re-encoding)."""
    meta = json.dumps({**answer.meta, **answer.page}, ensure_ascii=False)
    rows = export.to_json_rows(answer.rows)
    if answer.single is not None:
        rows = rows[1:-1] or "null"
    return (meta[:-1] + f', "{answer.single or "rows"}": ' + rows + "}").encode("utf-8")


def _wants_csv(accept: str) -> bool:
    kinds = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return "text/csv" in kinds and (
        "application/json" not in kinds or kinds.index("text/csv") < kinds.index("application/json")
    )


def _etag(services: Services, feed_key: str, request: Request, as_csv: bool) -> str | None:
    """What the pages show of this feed (its fingerprint and state; of every campaign's, for their
    list), and the very question asked."""
    listing = "slug" not in request.path_params
    versions = [each.version(feed_key) for each in (every_services() if listing else [])] or [
        services.version(feed_key)
    ]
    if any(version is None for version in versions):
        return None
    query = sorted(request.query_params.multi_items())
    seen = [version[0] for version in versions if version is not None]
    return '"' + digests.content(FORMAT, *seen, request.url.path, query, as_csv)[:32] + '"'


def _tags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


# --- the rate limit ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _limiter(storage: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(storage))


@functools.lru_cache(maxsize=8)
def _rate(text: str) -> RateLimitItem:
    return parse(text)


def _limited(request: Request, services: Services) -> Problem | None:
    """A 429 for a client over `[api] rate_limit`, with when to come back; None to go on."""
    rate = _rate(services.config.api.rate_limit)
    limiter = _limiter(environment.read("REDIS_URL") or "memory://")
    client = client_of(request)
    try:
        if limiter.hit(rate, "tablero-api", client):
            return None
        reset = limiter.get_window_stats(rate, "tablero-api", client).reset_time
    except Exception:  # Redis gone: serve rather than refuse everyone
        return None
    wait = max(1, math.ceil(reset - time.time()))
    return Problem(429, "Too many requests", f"at most {rate} per client; try again in {wait} s", retry_after=wait)


def client_of(request: Request) -> str:
    """Who asks: the nearest public address in X-Forwarded-For when the request comes through a
    proxy on a private network (nginx, the Space's), else the peer itself. Addresses a client
    writes into that header itself sit left of its own and are never taken."""
    peer = request.client.host if request.client is not None else "unknown"
    if not _private(peer):
        return peer
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _private(hop):
            return hop
    return hops[0] if hops else peer


def _private(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_private
    except ValueError:
        return False


def routes_of(path: str, compute: Compute, feed_key: str = "c", csv: bool = True) -> list[tuple[str, Any]]:
    """`path` and, with `csv`, `path.csv`, each with its handler."""
    found = [(path, endpoint(compute, feed_key))]
    return found + ([(path + ".csv", endpoint(compute, feed_key, csv=True))] if csv else [])
