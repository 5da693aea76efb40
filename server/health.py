"""`GET /_tablero/health`: is the dashboard up, and is what it shows current? For the Space's
health check and an uptime monitor: 200 when every configured source has data (`ready`), 503
while the campaign's first read is under way; `?live` answers 200 as long as the process serves.
Per source, its mode (live, stale, demo, first_read), the age of its data and the kind of its last
error; whether this process is the writer, and the webhook deliveries queued; on a board of several
campaigns, `/c/<slug>/_tablero/health` is that campaign's, and the root's names every other
campaign's status too. No secret and no username is ever in it.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from data.feeds.feed import Feed
from data.feeds.poller import Mode, Poller
from data.feeds.services import Services, current_services, every_services
from data.times import utc_now
from server.campaign_paths import campaign_of

NO_STORE = {"Cache-Control": "no-store"}


async def health_route(request: Request) -> JSONResponse:
    if "live" in request.query_params:
        return JSONResponse({"status": "alive"}, headers=NO_STORE)
    slug = campaign_of(request.scope.get("headers", []))
    services = current_services(slug)
    if services is None:
        return JSONResponse({"status": "starting"}, status_code=503, headers=NO_STORE)
    report = health(services)
    others = [each for each in every_services() if each is not services] if slug is None else []
    if others:  # the board's root: every campaign's status too, and degraded when one is
        report["campaigns"] = {str(each.config.slug): health(each)["status"] for each in others}
        if report["status"] == "ok" and any(status != "ok" for status in report["campaigns"].values()):
            report["status"] = "degraded"
    return JSONResponse(report, status_code=200 if report["status"] != "starting" else 503, headers=NO_STORE)


def health(services: Services) -> dict[str, Any]:
    sources = {"campaign": _source(services.campaign), "projects": _source(services.projects)}
    if services.roster.configured:
        sources["roster"] = _source(services.roster)
    waiting = [name for name, source in sources.items() if source["mode"] == Mode.FIRST_READ]
    failing = [name for name, source in sources.items() if source["error"] is not None]
    updates = services.campaign.updates
    return {
        "status": "starting" if "campaign" in waiting else "degraded" if waiting or failing else "ok",
        "sources": sources,
        "writer": isinstance(services.campaign.poller, Poller) or services.campaign.poller is None,
        "inbox": updates.inbox.depth if updates is not None else None,
    }


def _source(feed: Feed[Any]) -> dict[str, Any]:
    view = feed.view()
    state = view.state
    error = state.error if state is not None else None
    age = (utc_now() - view.checked_at).total_seconds() if view.value is not None else None
    return {
        "mode": view.mode.value,
        "age_seconds": round(age, 1) if age is not None else None,
        "error": error.kind.value if error is not None else None,
    }
