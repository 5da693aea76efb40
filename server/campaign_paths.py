"""Every path of a campaign under `/c/<slug>/`: its pages, and everything they ask of the server.

A request for `/c/<slug>/<rest>` is served as `/<rest>`, told the campaign by the `CAMPAIGN_HEADER`
header (never the client's: one it sends is dropped). Streamlit's browser side then takes
`/c/<slug>` for the app's base path (it probes each parent of the page's path for
`_stcore/health`, and only that one answers), so the page's websocket, its static files, its
page links and the app's own routes (the changes of an open page, the cards, the webhooks) all
stay under the campaign's prefix, and the session's script reads the slug from its websocket's
headers (`st.context.headers`). A request without the prefix is the default campaign's; on a board
of several, a page's address from before (`/clasificacion`) is redirected to the default
campaign's (`/c/<slug>/clasificacion`), and the root is the board's home.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from components.navigation import PAGES
from data.config import load_board_or_last_good
from data.routes import CAMPAIGN_HEADER, CAMPAIGNS

PREFIXED = re.compile(re.escape(CAMPAIGNS) + r"([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)(/.*)?", re.DOTALL)
HEADER = CAMPAIGN_HEADER.encode("latin-1")
ROOT_PAGES = frozenset(f"/{spec.url}" for spec in PAGES)


def split(path: str) -> tuple[str | None, str]:
    """The campaign a path names, if any, and the path the app serves for it."""
    found = PREFIXED.fullmatch(path)
    if found is None:
        return None, path
    return found.group(1), found.group(2) or "/"


class CampaignPaths:
    """ASGI middleware: strips a campaign's prefix and names the campaign in a header."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != HEADER]
        slug, path = split(scope["path"])
        moved = _moved(scope) if slug is None else None
        if moved is not None:
            return await _redirect(moved, send)
        if slug is not None:
            headers.append((HEADER, slug.encode("latin-1")))
            scope = {**scope, "path": path, "raw_path": path.encode("utf-8")}
        return await self.app({**scope, "headers": headers}, receive, send)


def campaign_of(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The campaign a request (as the middleware passed it on) is for; None: the default one."""
    return next((v.decode("latin-1") for k, v in headers if k.lower() == HEADER), None)


def _moved(scope) -> str | None:
    """Where a page's root address went, on a board of several campaigns (None: nowhere)."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"] not in ROOT_PAGES:
        return None
    board, _ = load_board_or_last_good()
    if board is None or not board.several:
        return None
    query = scope.get("query_string", b"").decode("latin-1")
    return f"{CAMPAIGNS}{board.default.slug}{scope['path']}" + (f"?{query}" if query else "")


async def _redirect(location: str, send) -> None:
    headers = [(b"location", location.encode("latin-1")), (b"content-length", b"0"), (b"cache-control", b"no-cache")]
    await send({"type": "http.response.start", "status": 307, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
