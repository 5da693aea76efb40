"""The shared poller: single flight, last good value, progress, the first wait, and its lifetime."""

import datetime as dt
import threading
import time

from data.errors import ErrorKind, SourceError
from data.feeds.poller import FeedView, Poller
from data.sources.progress import ReadProgress
from data.times import utc_now
from tests.clock import ManualClock
from tests.waiting import wait_until


class Value:
    def __init__(self, n, fetched_at=None):
        self.n = n
        self.fetched_at = fetched_at or utc_now()


def calls_until(poller_calls: list, count: int, timeout: float = 10) -> None:
    wait_until(lambda: len(poller_calls) >= count, timeout, f"{count} calls (only {len(poller_calls)})", every=0.01)


def test_refresh_is_single_flight_under_concurrency():
    calls = []
    gate = threading.Event()

    def read(report):
        calls.append(1)
        gate.wait(2)
        return Value(len(calls))

    poller = Poller(read, interval=60)
    threads = [threading.Thread(target=poller.refresh) for _ in range(50)]
    for thread in threads:
        thread.start()
    calls_until(calls, 1)
    gate.set()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert poller.state.value.n == 1


def test_failure_keeps_the_last_good_value_and_recovers():
    answers = [Value(1), SourceError(ErrorKind.UNREACHABLE), RuntimeError("boom"), Value(2)]

    def read(report):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    poller = Poller(read, interval=60)
    assert FeedView.of(poller).mode == "first_read"
    assert poller.refresh().value.n == 1
    state = poller.refresh()
    assert state.value.n == 1 and state.error.kind is ErrorKind.UNREACHABLE
    assert FeedView.of(poller).mode == "stale"
    state = poller.refresh()
    assert state.value.n == 1 and state.error.kind is ErrorKind.BAD_DATA
    state = poller.refresh()
    assert state.value.n == 2 and state.error is None
    assert FeedView.of(poller).mode == "live"


def test_a_failed_first_read_is_a_first_read_with_its_reason():
    def read(report):
        raise SourceError(ErrorKind.AUTH)

    poller = Poller(read, interval=60)
    poller.refresh()
    view = FeedView.of(poller)
    assert view.mode == "first_read" and view.value is None and view.state.error.kind is ErrorKind.AUTH


def test_background_thread_waits_its_interval_between_polls():
    clock, times = ManualClock(), []
    poller = Poller(lambda report: times.append(clock.now()) or Value(len(times)), interval=0.2, clock=clock).start()
    try:
        for polls in (1, 2, 3):
            wait_until(lambda polls=polls: len(clock.pauses) == polls, what=f"pause {polls}")
            assert len(times) == polls  # no read before the interval is over
            clock.advance()
        calls_until(times, 4)
    finally:
        poller.stop()
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert clock.pauses[:3] == [0.2] * 3 and all(gap >= dt.timedelta(seconds=0.18) for gap in gaps), gaps


def test_wake_runs_the_next_poll_at_once():
    times = []
    poller = Poller(lambda report: times.append(time.monotonic()) or Value(len(times)), interval=3600).start()
    try:
        calls_until(times, 1)
        poller.wake()
        calls_until(times, 2)
    finally:
        poller.stop()
    assert times[1] - times[0] < 5


def test_rate_limit_delays_the_next_attempt():
    calls = []

    def read(report):
        calls.append(1)
        raise SourceError(ErrorKind.RATE_LIMITED, retry_after=30.0)

    clock = ManualClock()
    poller = Poller(read, interval=0.01, clock=clock).start()
    try:
        wait_until(lambda: clock.pauses, what="the pause after the refused read")
        assert clock.pauses == [30.0] and len(calls) == 1  # the server's Retry-After, not the interval
        assert poller.state.next_at == clock.now() + dt.timedelta(seconds=30)
        poller.wake()  # a webhook delivery arrives meanwhile: it does not cut the wait short
        time.sleep(0.3)
        assert len(calls) == 1 and clock.pauses == [30.0]
        clock.advance()
        wait_until(lambda: len(calls) == 2, what="the read once the wait is over")
    finally:
        poller.stop()


def test_progress_is_visible_while_the_read_runs_and_cleared_after():
    seen = threading.Event()
    release = threading.Event()

    def read(report):
        report(ReadProgress(2, 3, "ARC-C", 1500))
        seen.set()
        release.wait(5)
        return Value(1)

    poller = Poller(read, interval=60)
    worker = threading.Thread(target=poller.refresh)
    worker.start()
    assert seen.wait(5)
    assert poller.state.progress == ReadProgress(2, 3, "ARC-C", 1500)
    release.set()
    worker.join()
    assert poller.state.progress is None and poller.state.value.n == 1


def test_wait_for_first_returns_when_the_read_lands_or_at_the_bound():
    release = threading.Event()
    poller = Poller(lambda report: release.wait(5) and Value(1), interval=60).start()
    try:
        started = time.monotonic()
        assert poller.wait_for_first(0.3).value is None
        assert 0.25 <= time.monotonic() - started < 3
        release.set()
        assert poller.wait_for_first(5).value.n == 1
    finally:
        poller.stop()


def test_a_first_look_ends_only_an_early_wait_and_the_read_or_a_seed_replace_it():
    release = threading.Event()
    poller = Poller(lambda report: release.wait(5) and Value(2), interval=60).start()
    look = Value(1)
    look.provisional = True
    try:
        assert poller.offer(look) and not poller.offer(Value(9))  # taken only while there is none
        assert FeedView.of(poller).mode == "early"
        assert poller.wait_for_first(5, early=True).value is look
        assert poller.wait_for_first(0.3).value is look and poller.state.fetches == 0  # the full read: not yet
        release.set()
        assert poller.wait_for_first(5).value.n == 2 and FeedView.of(poller).mode == "live"
    finally:
        poller.stop()
    seeded = Poller(lambda report: Value(3), interval=60)
    seeded.offer(look)
    assert seeded.seed(Value(0, fetched_at=utc_now() - dt.timedelta(days=1)))  # any full value beats a first look


def test_seed_adopts_only_older_or_missing_values():
    poller = Poller(lambda report: Value(9), interval=60)
    old = Value(1, utc_now() - dt.timedelta(days=2))
    assert poller.seed(old) and poller.state.value is old
    assert FeedView.of(poller).mode == "stale"  # restored, not read: not live
    poller.refresh()
    assert not poller.seed(old) and poller.state.value.n == 9


def test_stop_ends_the_thread():
    poller = Poller(lambda report: Value(1), interval=3600).start()
    poller.stop(wait=5)
    assert not poller.running


def test_a_snapshot_that_cannot_be_stored_loses_neither_the_read_nor_the_poller():
    def store(value):
        raise ValueError("a frame the snapshot cannot write")  # not an OSError

    poller = Poller(lambda report: Value(1), interval=60, on_success=store)
    state = poller.refresh()
    assert state.value.n == 1 and state.error is None  # the read is shown all the same


def test_the_poll_loop_outlives_a_failure_around_its_read():
    clock, reads, published = ManualClock(), [], []

    def publish(state):  # the status that followers read: unpublishable at first
        published.append(state)
        if len(published) <= 2:
            raise RuntimeError("the status could not be published")

    poller = Poller(lambda report: reads.append(1) or Value(len(reads)), interval=5, on_state=publish, clock=clock)
    poller.start()
    try:
        for polls in range(1, 6):  # two failed polls, then three that read
            wait_until(lambda polls=polls: len(clock.pauses) == polls, what=f"pause {polls}")
            clock.advance()
        calls_until(reads, 3)
    finally:
        poller.stop()
    assert poller.state.value.n >= 3
