import threading
import time

import pytest

from data.errors import ErrorKind, SourceError
from data.poller import FeedView, Poller


class Value:
    def __init__(self, n):
        import datetime as dt

        self.n = n
        self.fetched_at = dt.datetime.now(dt.UTC)


def test_refresh_is_single_flight_under_concurrency():
    calls = []
    gate = threading.Event()

    def fetch():
        calls.append(1)
        gate.wait(2)
        return Value(len(calls))

    poller = Poller(fetch, interval=60)
    threads = [threading.Thread(target=poller.refresh) for _ in range(50)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    gate.set()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert poller.state.value.n == 1


def test_failure_keeps_the_last_good_value_and_recovers():
    answers = [Value(1), SourceError(ErrorKind.UNREACHABLE), RuntimeError("boom"), Value(2)]

    def fetch():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    poller = Poller(fetch, interval=60)
    assert poller.refresh().value.n == 1
    state = poller.refresh()
    assert state.value.n == 1 and state.error.kind is ErrorKind.UNREACHABLE
    assert FeedView.of(poller, lambda: None).mode == "snapshot"
    state = poller.refresh()
    assert state.value.n == 1 and state.error.kind is ErrorKind.BAD_DATA
    state = poller.refresh()
    assert state.value.n == 2 and state.error is None
    assert FeedView.of(poller, lambda: None).mode == "live"


def test_background_thread_polls_on_its_interval():
    count = []
    poller = Poller(lambda: count.append(1) or Value(len(count)), interval=0.1).start()
    time.sleep(0.55)
    poller.stop()
    assert 3 <= len(count) <= 8


def test_no_poller_means_demo():
    view = FeedView.of(None, lambda: Value(0))
    assert view.mode == "demo" and view.value.n == 0


@pytest.mark.parametrize("retry_after", [5.0])
def test_rate_limit_delays_the_next_attempt(retry_after):
    count = []

    def fetch():
        count.append(1)
        raise SourceError(ErrorKind.RATE_LIMITED, retry_after=retry_after)

    poller = Poller(fetch, interval=0.05).start()
    time.sleep(0.5)
    poller.stop()
    assert len(count) == 1


def test_derived_cache_is_bounded(tmp_path):
    import datetime as dt

    from data.aggregate import Filters
    from data.campaign import CampaignFeed
    from data.config import Secrets, load_config

    feed = CampaignFeed(load_config(), Secrets(), tmp_path)
    campaign = feed.view().value
    start = dt.date(2024, 3, 4)
    for days in range(300):
        feed.contributors(
            campaign,
            Filters(
                start=start, end=start + dt.timedelta(days=days % 40), datasets=(("mmlu_es",) if days % 2 else None)
            ),
        )
    assert len(feed.derived) <= feed.derived.maxsize
    first = feed.contributors(campaign)
    assert feed.contributors(campaign) is first  # memoised per read
