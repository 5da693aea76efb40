"""How the reader gathers webhook deliveries into a batch (`LiveUpdates._gather`), on a clock of
its own: deliveries arrive at set moments, and the batch's close is read off that clock."""

from __future__ import annotations

import pytest

from data.config import CampaignConfig, DatasetConfig
from data.live import updates
from data.live.updates import BATCH_WAIT, BURST, PAIR_WAIT, TICK, LiveUpdates
from tests.hooked_app import SECRET
from tests.test_inbox import event

pytestmark = pytest.mark.fault


class Clock:
    """`time` for the updates module: `sleep` moves it on and hands over what arrives meanwhile."""

    def __init__(self, live: LiveUpdates, arrivals: list[tuple[float, str, str]]):
        self.now, self.live, self.arrivals, self.sent = 1000.0, live, sorted(arrivals), 0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        while self.arrivals and self.arrivals[0][0] <= self.now - 1000.0:
            _, kind, record = self.arrivals.pop(0)
            self.sent += 1
            assert self.live.inbox.deliver(*event(kind, record, self.sent))[0] == 202


def gathered(monkeypatch, arrivals: list[tuple[float, str, str]], last_batch_ago: float | None = None) -> float:
    """When (seconds after the first delivery) a batch closes, deliveries arriving at `arrivals`."""
    live = LiveUpdates(None, CampaignConfig(title="t", datasets=(DatasetConfig("d", "q"),)), None, lambda: None, "t")
    live.inbox.accept(SECRET)
    clock = Clock(live, arrivals)
    monkeypatch.setattr(updates, "time", clock)
    clock.sleep(0)  # the first delivery, which wakes the reader
    if last_batch_ago is not None:
        live._gathered_at = clock.now - last_batch_ago
    live._gather()
    return clock.now - 1000.0


def test_a_lone_submission_closes_its_batch_as_its_second_delivery_arrives(monkeypatch):
    closed = gathered(monkeypatch, [(0, "record.updated", "r1"), (0.3, "response.created", "r1")])
    assert 0.3 <= closed <= 0.3 + 2 * TICK  # not BATCH_WAIT of quiet after it


def test_the_halves_in_the_other_order_close_it_too(monkeypatch):
    closed = gathered(monkeypatch, [(0, "response.updated", "r1"), (0.05, "record.updated", "r1")])
    assert 0.05 <= closed <= 0.05 + 2 * TICK


def test_half_a_submission_waits_for_the_other_half_longer_than_a_quiet_batch(monkeypatch):
    """argilla-server's worker forks a process per delivery: the second half may come 0.5 s later."""
    closed = gathered(monkeypatch, [(0, "record.updated", "r1"), (0.6, "response.created", "r1")])
    assert 0.6 <= closed <= 0.6 + 2 * TICK
    assert PAIR_WAIT <= gathered(monkeypatch, [(0, "record.updated", "r2")]) <= PAIR_WAIT + 2 * TICK


def test_within_a_burst_a_whole_submission_does_not_close_the_batch(monkeypatch):
    """The last batch closed a moment ago: more pairs are on their way, and they join this batch."""
    arrivals = [(0, "record.updated", "r1"), (0.2, "response.created", "r1")]
    arrivals += [(0.4, "record.updated", "r2"), (0.6, "response.created", "r2")]
    closed = gathered(monkeypatch, arrivals, last_batch_ago=BURST / 4)
    assert 0.6 + BATCH_WAIT <= closed <= 0.6 + BATCH_WAIT + 2 * TICK  # the queue is looked at every TICK
