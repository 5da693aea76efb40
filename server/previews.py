"""What a shared link shows before anyone opens it: link-preview tags and a picture card.

Crawlers (Discord, LinkedIn, X, WhatsApp, Telegram, Slack…) run no JavaScript: they read the first
HTML response. `LinkPreviews` (ASGI middleware on the app's own port) puts into the page HTML
Streamlit serves for the dashboard's pages a title, a description, an image and the address, as
Open Graph and Twitter Card tags: the campaign's, or for `/mi-posicion?user=X` that person's rank
and validations. Every value is text from the data (names are untrusted): invisible characters
dropped, clipped, HTML-escaped for an attribute, so nothing can end the tag or add one. An
unknown name gets the campaign's preview. The card (`GET /_tablero/card.png?user=&lang=`) is drawn
by components.card and kept by content; any worker answers both, from the state it serves.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

from starlette.requests import Request
from starlette.responses import Response

from components import i18n
from components.card import CardFacts, card_png, facts_for
from components.i18n import LANGUAGES, LOCALES, t
from components.navigation import MY_RANK, PAGES
from data.config import SiteConfig, configured_public_url, load_board_or_last_good
from data.feeds.services import current_services
from data.model.texts import N_
from data.routes import CAMPAIGNS, CARD
from data.text import shorten, shown_name
from server.campaign_paths import campaign_of

CARD_PATH = CARD
PAGE_PATHS = frozenset({"/", *(f"/{spec.url}" for spec in PAGES)})
LONGEST_NAME = 60


@dataclass(frozen=True)
class Preview:
    title: str
    description: str
    image: str  # the card's URL
    url: str
    lang: str
    site_name: str  # the board's ([site] title, else the campaign's)


PREVIEWS = {  # (title, description) of a shared link, by what it points at; [site] adds its hashtag
    "person": (
        N_("{name} · puesto {rank} · {validations} validaciones"),
        N_(
            "{name} ocupa el puesto {rank} de {people} en «{campaign}» con {validations} "
            "validaciones y {corrections} correcciones."
        ),
    ),
    "campaign": ("{campaign}", N_("{validations} validaciones de {people} personas; {percent} completado.")),
}
INVITATION = N_("¡Únete y contribuye con la comunidad!")  # without a [site] description


def _public_base(scope: dict) -> str:
    """PUBLIC_URL (or the Space's address) when set; else the address the request came to."""
    configured = configured_public_url()
    if configured:
        return configured
    headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope.get("headers", [])}
    scheme = headers.get("x-forwarded-proto", scope.get("scheme", "http")).split(",")[0].strip()
    host = headers.get("x-forwarded-host") or headers.get("host") or "localhost"
    return f"{scheme if scheme in ('http', 'https') else 'http'}://{host.split(',')[0].strip()}"


def _campaign_state(slug: str | None = None):
    """(services, config, read, version) of the campaign `slug` (None: the default one): what its
    pages show now; the read None before the first full one (a first look has no corrections yet:
    a preview would state 0)."""
    services = current_services(slug)
    if services is None:
        return None, None, None, ""
    feed, view = services.campaign, services.campaign.view()
    if view.value is None or view.value.provisional:
        return services, services.config, None, ""
    version = (services.version("c") or ("",))[0]
    return services, services.config, feed.read_of(view.value), version


def preview(
    path: str, query: dict[str, list[str]], base: str, accept_language: str = "", slug: str | None = None
) -> Preview:
    """The preview of a page: a person's on *Mi posición* with a ranked `user`, else the campaign's
    (`slug`'s, None: the default one), in the language of `?lang=`, else the one the client asks
    for (a crawler: Spanish), as the page."""
    lang = query.get("lang", [""])[0]
    lang = lang if lang in LANGUAGES else i18n.preferred(accept_language)
    board, _ = load_board_or_last_good()
    if board is not None and board.several and slug is None and path == "/":
        return _home(board.site, board.default.title, base, lang)
    _, config, read, version = _campaign_state(slug)
    base += f"{CAMPAIGNS}{slug}" if slug is not None else ""
    title = config.title if config is not None else t(lang, "Tablero")
    site = config.site if config is not None else SiteConfig()
    user = query.get("user", [""])[0] if path == f"/{MY_RANK.url}" else ""
    kept = {k: v[0] for k, v in query.items() if k in ("user", "lang")}
    url = base + path + (f"?{urlencode({k: v for k, v in kept.items() if k != 'user'})}" if "lang" in kept else "")
    card = {"lang": lang, "v": version[:12]}
    if read is None:
        named = _tagged(title, site)
        return Preview(named, named, f"{base}{CARD_PATH}?{urlencode(card)}", url, lang, site.board(title))
    me = read.row_of(None, user) if user else None
    facts = facts_for(title, me, read.everyone(), read.progress(), site.name or "")
    if facts.name is not None and facts.rank is not None:  # a person's page: its link names them
        url = base + path + f"?{urlencode(kept)}"
        card["user"] = facts.name
        numbers = {
            "name": shorten(shown_name(facts.name), LONGEST_NAME),
            "rank": i18n.number(facts.rank, lang),
            "people": i18n.number(facts.people, lang),
            "validations": i18n.number(facts.validations, lang),
            "corrections": i18n.number(facts.corrections, lang),
            "campaign": title,
        }
        kind = "person"
    else:
        numbers = {
            "campaign": title,
            "validations": i18n.number(facts.validations, lang),
            "people": i18n.number(facts.people, lang),
            "percent": i18n.percent(facts.done, lang),
        }
        kind = "campaign"
    image = f"{base}{CARD_PATH}?{urlencode(card)}"
    heading, text = PREVIEWS[kind]
    description = f"{t(lang, text, **numbers)} {site.description or t(lang, INVITATION)}"
    return Preview(_tagged(t(lang, heading, **numbers), site), description, image, url, lang, site.board(title))


def _home(site: SiteConfig, default: str, base: str, lang: str) -> Preview:
    """The preview of a board of several campaigns' home: the board and its invitation (the card
    is its default campaign's)."""
    board = site.board(default)
    image = f"{base}{CARD_PATH}?{urlencode({'lang': lang})}"
    return Preview(_tagged(board, site), site.description or t(lang, INVITATION), image, base + "/", lang, board)


def _tagged(title: str, site: SiteConfig) -> str:
    """A preview's title, ending with the community's hashtag when it has one."""
    return f"{title} · {site.hashtag}" if site.hashtag else title


def tags(found: Preview) -> str:
    """The head's tags, every value escaped for a double-quoted attribute (or element text)."""

    def attr(value: str) -> str:
        return html.escape(shorten(" ".join(value.split()), 300), quote=True)

    pairs = [
        ("property", "og:type", "website"),
        ("property", "og:site_name", found.site_name),
        ("property", "og:title", found.title),
        ("property", "og:description", found.description),
        ("property", "og:image", found.image),
        ("property", "og:image:width", "1200"),
        ("property", "og:image:height", "630"),
        ("property", "og:url", found.url),
        ("property", "og:locale", LOCALES[found.lang]),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", found.title),
        ("name", "twitter:description", found.description),
        ("name", "twitter:image", found.image),
        ("name", "description", found.description),
    ]
    lines = [f'<meta {kind}="{key}" content="{attr(value)}" />' for kind, key, value in pairs]
    return f"<title>{attr(found.title)}</title>\n    " + "\n    ".join(lines)


class LinkPreviews:
    """ASGI middleware: the page HTML of the dashboard's pages, with the preview's tags in its head."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in PAGE_PATHS:
            return await self.app(scope, receive, send)
        # The HTML is changed here, so it must come uncompressed (nginx or a CDN may still compress it).
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
        inner = {**scope, "headers": headers}
        started: dict = {}
        chunks: list[bytes] = []

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
                return
            if message["type"] != "http.response.body":
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = started.get("headers", [])
            kind = dict(headers).get(b"content-type", b"")
            if started.get("status") == 200 and kind.startswith(b"text/html") and b"<title>" in body:
                body = await asyncio.to_thread(_with_tags, body, scope)
                # this page's own HTML now: no validator of Streamlit's file may stand for it
                headers = [(k, v) for k, v in headers if k.lower() not in (b"etag", b"last-modified")]
                headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                headers.append((b"cache-control", b"no-cache"))
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**started, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(inner, receive, capture)


def _with_tags(body: bytes, scope: dict) -> bytes:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=False)
    asked = next((value for name, value in scope.get("headers", []) if name == b"accept-language"), b"")
    slug = campaign_of(scope.get("headers", []))
    found = preview(scope["path"], query, _public_base(scope), asked.decode("latin-1"), slug)
    text = body.decode("utf-8")
    start, end = text.index("<title>"), text.index("</title>") + len("</title>")
    text = text[:start] + tags(found) + text[end:]
    return text.replace('<html lang="en">', f'<html lang="{found.lang}">', 1).encode("utf-8")


async def card_route(request: Request) -> Response:
    """The PNG card of the campaign, or of `?user=` when that person is ranked; `?lang=es|en`."""
    lang = request.query_params.get("lang", "es")
    lang = lang if lang in LANGUAGES else "es"
    user = request.query_params.get("user", "")[:200]
    png = await asyncio.to_thread(_card, user, lang, campaign_of(request.scope.get("headers", [])))
    return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=300"})


def _card(user: str, lang: str, slug: str | None = None) -> bytes:
    _, config, read, _ = _campaign_state(slug)
    title = config.title if config is not None else t(lang, "Tablero")
    community = config.site.name or "" if config is not None else ""
    if read is None:  # nothing read yet: the campaign's name only, no invented numbers
        return card_png(CardFacts(title, 0.0, 0, 0, community=community), lang)
    facts = facts_for(title, read.row_of(None, user) if user else None, read.everyone(), read.progress(), community)
    return card_png(facts, lang)
