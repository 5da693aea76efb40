"""The dashboard's webhook subscription on the Argilla server, through the SDK's `client.webhooks`.

The dashboard owns the webhooks whose description is `description(tag)`: the tag names this
deployment (the Space's id, else the campaign), so another dashboard's webhook on a shared server
is never touched. Whatever the configuration says at start, it is made true: with webhooks on,
exactly one of ours, enabled, for the current URL (an old one is reused: its URL updated); with
webhooks off, every one of ours disabled. At a graceful shutdown ours is disabled (kept, so the
next start re-enables it rather than making another). Webhook management in a process is serial
(`LOCK`): a feed stopped by a configuration change can never re-enable what its successor turned
off. Needs an owner or admin key and argilla-server 2.5 or newer.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from data.config import legacy
from data.live.inbox import EVENTS

if TYPE_CHECKING:
    import argilla as rg

DESCRIPTION = "Tablero: keeps its ranking live (created and managed by the dashboard)"
LOCK = threading.Lock()  # held by whoever creates, updates or disables our webhooks in this process


def description(tag: str) -> str:
    return f"{DESCRIPTION} [{tag}]"


def _ours(client: rg.Argilla, tag: str, url: str | None = None) -> list[rg.Webhook]:
    """Our webhooks: tagged for this deployment, or (made by an older version) described the former
    way, or untagged at our URL (`subscribe` gives the one it keeps today's description)."""
    tagged = {description(tag), f"{legacy.WEBHOOK_DESCRIPTION} [{tag}]"}
    untagged = {DESCRIPTION, legacy.WEBHOOK_DESCRIPTION}
    return [
        webhook
        for webhook in client.webhooks.list()
        if webhook.description in tagged
        or (url is not None and webhook.description in untagged and webhook.url.rstrip("/") == url.rstrip("/"))
    ]


def subscribe(client: rg.Argilla, url: str, tag: str) -> tuple[str, str]:
    """Our one webhook, enabled, with our events, for `url`: the one made before (its URL updated if
    the configuration moved it) or a new one. (id, secret)."""
    import argilla as rg  # loaded already: `client` is the SDK's

    ours = sorted(_ours(client, tag, url), key=lambda w: w.url.rstrip("/") != url.rstrip("/"))
    if ours:
        webhook = ours[0]
        for duplicate in ours[1:]:  # never more than one of ours
            duplicate.delete()
        wanted = (True, sorted(EVENTS), url.rstrip("/"), description(tag))
        if (webhook.enabled, sorted(webhook.events), webhook.url.rstrip("/"), webhook.description) != wanted:
            webhook.enabled, webhook.events, webhook.url, webhook.description = (
                True,
                list(EVENTS),
                url,
                description(tag),
            )
            webhook.update()
    else:
        webhook = client.webhooks.add(
            rg.Webhook(url=url, events=list(EVENTS), description=description(tag), _client=client)
        )
    return str(webhook.id), webhook.secret


def retire(client: rg.Argilla, tag: str) -> int:
    """Disable every webhook of ours (webhooks are off in the configuration); how many were enabled."""
    enabled = [webhook for webhook in _ours(client, tag) if webhook.enabled]
    for webhook in enabled:
        webhook.enabled = False
        webhook.update()
    return len(enabled)


def subscribed(client: rg.Argilla, webhook_id: str) -> bool:
    """Is our webhook still there and enabled? (Someone may have deleted or disabled it.)"""
    return any(str(webhook.id) == webhook_id and webhook.enabled for webhook in client.webhooks.list())


def unsubscribe(client: rg.Argilla, webhook_id: str) -> None:
    """Disable our webhook (kept, so the next start re-enables it rather than making another)."""
    for webhook in client.webhooks.list():
        if str(webhook.id) == webhook_id and webhook.enabled:
            webhook.enabled = False
            webhook.update()
