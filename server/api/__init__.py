"""The read-only API under /api/v1/, on the dashboard's own port: JSON (or CSV) answers from the
same shared read as the pages (answers.py), over HTTP as answers.py's docstring says (http.py),
described by an OpenAPI document (openapi.py)."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from data.feeds.services import current_services
from data.routes import API
from server.api import answers
from server.api.answers import Problem
from server.api.http import CORS, problem, routes_of
from server.api.openapi import document

METHODS = ["GET", "OPTIONS"]  # HEAD with GET


class Name(Convertor[str]):
    """A path segment holding a username: any characters, line breaks too (Starlette's `path`
    stops at one, and the request would fall through to a plain-text 404)."""

    regex = r"[\s\S]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("name", Name())


async def openapi_route(request: Request) -> Response:
    services = current_services()
    if services is None:
        return problem(Problem(503, "Starting", "the dashboard is starting", retry_after=5))
    return JSONResponse(document(services.config), headers={**CORS, "Cache-Control": "public, max-age=300"})


def api_routes() -> list[Route]:
    campaign = API + "/campaigns/{slug}"
    table = [
        *routes_of(API + "/campaigns", answers.campaigns, csv=False),
        *routes_of(campaign + "/ranking", answers.ranking),
        *routes_of(campaign + "/badge.svg", answers.campaign_badge, csv=False),
        *routes_of(campaign + "/contributors/{username:name}/badge.svg", answers.contributor_badge, csv=False),
        *routes_of(campaign + "/contributors/{username:name}", answers.contributor, csv=False),
        *routes_of(campaign + "/progress", answers.progress),
        *routes_of(campaign + "/teams", answers.teams),
        *routes_of(campaign + "/projects", answers.projects, feed_key="p"),
    ]
    return [Route(API + "/openapi.json", openapi_route, methods=["GET"])] + [
        Route(path, handler, methods=METHODS) for path, handler in table
    ]
