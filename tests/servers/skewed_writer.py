"""A writer on another machine whose clock is wrong: run under faketime (`faketime -f +10m python -m
tests.servers.skewed_writer REDIS_URL PREFIX DISK`), it takes the lease, tells the time as the board
does (Redis's clock, data.state.shared.RedisTime), publishes one read of a synthetic campaign in
the shared store, prints the moment it stamped it on its own clock, and hands the lease back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys

from data.feeds.follower import publish_status
from data.feeds.poller import PollState
from data.state.shared import Lease, Mirror, RedisTime, SharedStore, connect
from data.state.snapshots import CAMPAIGN, SnapshotStore, save_campaign
from data.synthetic import generate
from data.times import utc_now


def main(url: str, prefix: str, disk: str, source: str) -> None:
    client = connect(url)
    clock = RedisTime(client).start()
    lease = Lease(client, f"{prefix}:writer").start()
    store = Mirror(SnapshotStore(disk), SharedStore(client, prefix, lease))
    campaign = dataclasses.replace(generate(contributors=30, responses=300), fetched_at=utc_now(), source=source)
    save_campaign(store, campaign)
    publish_status(store, CAMPAIGN, PollState(campaign, None, campaign.fetched_at, 1), campaign.fetched_at)
    print(dt.datetime.now(dt.UTC).isoformat())  # this machine's own (wrong) time, for the test to see
    lease.stop()
    clock.stop()


if __name__ == "__main__":
    main(*sys.argv[1:5])
