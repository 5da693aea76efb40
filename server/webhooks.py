"""`POST /webhooks/argilla`: Argilla's deliveries, verified and queued at once, or refused.

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

from data.feeds.services import current_services
from data.live.inbox import MAX_BODY, signed_payload
from data.state.shared import Deliveries
from server.campaign_paths import campaign_of

_LENGTH = re.compile(r"[0-9]{1,12}")


async def argilla_webhook(request: Request) -> PlainTextResponse:
    services = current_services(campaign_of(request.scope.get("headers", [])))
    updates = services.campaign.updates if services is not None else None
    handover = services.deliveries if services is not None and updates is None else None
    if handover is None and (updates is None or not updates.inbox.accepting):
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
    if handover is not None:  # not the writer (beyond one machine): checked here, applied there
        return await asyncio.to_thread(_hand_over, handover, bytes(body), dict(request.headers))
    if updates is None:  # neither the writer nor handing over (checked above)
        return PlainTextResponse("not subscribed", status_code=404)
    # verifying, parsing (up to MAX_BODY of JSON) and queueing in a thread: never on the event loop
    # that every open page's long-poll and websocket share
    status, reason = await asyncio.to_thread(updates.inbox.deliver, bytes(body), dict(request.headers))
    return PlainTextResponse(reason, status_code=status)


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
