"""The per-read cache: a burst of callers computes a value once."""

import datetime as dt
import threading
import time
from types import SimpleNamespace

from data.feeds.read_cache import ReadCache


def test_concurrent_callers_compute_once_and_share_the_value():
    cache, read = ReadCache(), SimpleNamespace(fetched_at=dt.datetime(2024, 4, 1, tzinfo=dt.UTC))
    calls, results = [], []

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return object()

    threads = [threading.Thread(target=lambda: results.append(cache.get(read, ("k",), compute))) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len({id(value) for value in results}) == 1


def test_a_failed_computation_lets_the_waiting_callers_try_again():
    cache, read = ReadCache(), SimpleNamespace(fetched_at=dt.datetime(2024, 4, 1, tzinfo=dt.UTC))
    started, outcomes = threading.Event(), []

    def failing():
        started.set()
        time.sleep(0.2)
        raise RuntimeError("upstream shape")

    def first():
        try:
            cache.get(read, ("k",), failing)
        except RuntimeError:
            outcomes.append("failed")

    thread = threading.Thread(target=first)
    thread.start()
    started.wait()
    outcomes.append(cache.get(read, ("k",), lambda: "computed again"))
    thread.join()
    assert sorted(outcomes) == ["computed again", "failed"]
    assert cache.get(read, ("k",), lambda: "not called") == "computed again"


def test_thousands_of_names_and_dates_asked_for_never_evict_what_every_page_shows():
    """`?user=` and `?start=&end=` are anyone's to write: their answers live in a cache of their own."""
    import datetime as dt

    from data.config import load_config
    from data.feeds.campaign_read import CampaignRead
    from data.model.aggregate import Filters
    from data.state.demo import load_demo

    read = CampaignRead(load_demo(), load_config(), ReadCache(maxsize=16), adhoc=ReadCache(maxsize=16))
    whole, progress, week = read.contributors(), read.progress(), read.of_period("week")
    for n in range(300):
        read.absence(f"nadie-{n}")
        read.calendar(f"nadie-{n}")
        start = dt.date(2024, 3, 4) + dt.timedelta(days=n % 40)
        read.contributors(Filters(start=start, end=start + dt.timedelta(days=n % 7)))
    assert read.contributors() is whole and read.progress() is progress and read.of_period("week") is week
