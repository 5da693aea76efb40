"""`POST /webhooks/argilla`: Argilla's deliveries, verified and queued at once, or refused. On a
board of several campaigns, the campaigns of one Argilla server share its one webhook: a delivery
goes to every campaign's inbox, and each keeps what concerns its own datasets.

Whatever arrives — a missing, malformed or lying `Content-Length`, a chunked body, a client that
goes away — the answer is a 2xx or a 4xx, never a 500, and only a verified body reaches the inbox.
Only reading the body happens on the event loop; checking it and queueing it, in a thread.
A process that is not the writer (beyond one machine) checks the signature with the secret the
writer shares, then hands the delivery over, as it came, to the writer (which verifies it again):
an unsigned or forged body never reaches Redis.
"""

from __future__ import annotations

import asyncio
import re

from standardwebhooks.webhooks import Webhook
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse

from data.feeds.services import Services, current_services, every_services
from data.live.inbox import MAX_BODY, Inbox, signed_payload
from data.state.shared import Deliveries
from server.campaign_paths import campaign_of

_LENGTH = re.compile(r"[0-9]{1,12}")


async def argilla_webhook(request: Request) -> PlainTextResponse:
    targets = _targets(campaign_of(request.scope.get("headers", [])))
    if not targets:
        return PlainTextResponse("not subscribed", status_code=404)
    declared = request.headers.get("content-length")
    if declared is not None:
        if not _LENGTH.fullmatch(declared.strip()):
            return PlainTextResponse("bad content-length", status_code=400)
        if int(declared) > MAX_BODY:
            return PlainTextResponse("too large", status_code=413)
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return PlainTextResponse("too large", status_code=413)
    except ClientDisconnect:
        return PlainTextResponse("incomplete", status_code=400)
    # verifying, parsing (up to MAX_BODY of JSON) and queueing in a thread: never on the event loop
    # that every open page's long-poll and websocket share
    return await asyncio.to_thread(_deliver, targets, bytes(body), dict(request.headers))


def _targets(slug: str | None) -> list[Services]:
    """The campaigns a delivery may be for: the one its path names, else every campaign of the
    board (the campaigns of one server share its one webhook, data.feeds.services) that takes
    deliveries here, as the writer or by handing them over to it."""
    found = [current_services(slug)] if slug is not None else every_services()
    return [s for s in found if s is not None and (_inbox(s) is not None or _handover(s) is not None)]


def _inbox(services: Services) -> Inbox | None:
    updates = services.campaign.updates
    return updates.inbox if updates is not None and updates.inbox.accepting else None


def _handover(services: Services) -> Deliveries | None:
    return services.deliveries if services.campaign.updates is None else None


def _deliver(targets: list[Services], body: bytes, headers: dict[str, str]) -> PlainTextResponse:
    """Every campaign's answer to one delivery, as one: queued by any (each inbox keeps only its own
    datasets' changes, and checks the signature of its own server's webhook), else the first refusal."""
    answers = []
    for services in targets:
        inbox, handover = _inbox(services), _handover(services)
        if handover is not None:  # not the writer (beyond one machine): checked here, applied there
            answers.append(_hand_over(handover, body, headers))
        elif inbox is not None:
            status, reason = inbox.deliver(body, headers)
            answers.append(PlainTextResponse(reason, status_code=status))
    if not answers:  # (their subscriptions closed meanwhile: a new configuration)
        return PlainTextResponse("not subscribed", status_code=404)
    accepted = sorted((a for a in answers if a.status_code < 300), key=lambda a: -a.status_code)
    return accepted[0] if accepted else answers[0]


def _hand_over(handover: Deliveries, body: bytes, headers: dict[str, str]) -> PlainTextResponse:
    """Only a delivery signed with the writer's subscription secret goes to the writer."""
    try:
        secret = handover.secret()
    except Exception:  # Redis away: Argilla retries the delivery later, and the reconcile reads
        return PlainTextResponse("writer unreachable", status_code=503)
    status, reason, _ = signed_payload(Webhook(secret) if secret else None, body, headers)
    if status >= 400:
        return PlainTextResponse(reason, status_code=status)
    try:
        handover.hand_over(body, headers)
    except Exception:
        return PlainTextResponse("writer unreachable", status_code=503)
    return PlainTextResponse("handed over", status_code=202)
