"""The dashboard's webhook subscription on the Argilla server, through the SDK's `client.webhooks`.

The dashboard owns exactly one webhook: the one whose URL is its own `/webhooks/argilla` and
whose description is `DESCRIPTION`. It creates it, re-enables and updates it, disables it at a
graceful shutdown, and never touches a webhook it did not create. Needs an owner or admin key
and argilla-server 2.5 or newer.
"""

from __future__ import annotations

import argilla as rg

from data.live.inbox import EVENTS

DESCRIPTION = "Tablero #Somos600M: keeps its ranking live (created and managed by the dashboard)"


def _ours(client: rg.Argilla, url: str) -> list[rg.Webhook]:
    return [
        webhook
        for webhook in client.webhooks.list()
        if webhook.url.rstrip("/") == url.rstrip("/") and webhook.description == DESCRIPTION
    ]


def subscribe(client: rg.Argilla, url: str) -> tuple[str, str]:
    """Our webhook for `url`, enabled, with our events: the one made before or a new one. (id, secret)."""
    ours = _ours(client, url)
    if ours:
        webhook = ours[0]
        for duplicate in ours[1:]:  # never more than one of ours
            duplicate.delete()
        if not webhook.enabled or sorted(webhook.events) != sorted(EVENTS):
            webhook.enabled = True
            webhook.events = list(EVENTS)
            webhook.update()
    else:
        webhook = client.webhooks.add(rg.Webhook(url=url, events=list(EVENTS), description=DESCRIPTION, _client=client))
    return str(webhook.id), webhook.secret


def subscribed(client: rg.Argilla, webhook_id: str) -> bool:
    """Is our webhook still there and enabled? (Someone may have deleted or disabled it.)"""
    return any(str(webhook.id) == webhook_id and webhook.enabled for webhook in client.webhooks.list())


def unsubscribe(client: rg.Argilla, webhook_id: str) -> None:
    """Disable our webhook (kept, so the next start re-enables it rather than making another)."""
    for webhook in client.webhooks.list():
        if str(webhook.id) == webhook_id and webhook.description == DESCRIPTION:
            webhook.enabled = False
            webhook.update()
