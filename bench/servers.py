"""Requests to one Argilla server: one campaign of five datasets vs five campaigns of one dataset
each, on one board (issue 31 item 3: no more than 1.1 times).

    .venv/bin/python -m bench.servers [records_per_dataset] [polls]

A real argilla-server with five datasets; the board's own services (data.feeds.services.running_board)
read it through a counting proxy, polled as their pollers poll (each poll of each campaign, the
same number of times), with a few responses changed between polls; the requests are counted by
path, for the first read and for the polls after it.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench.common import machine
from bench.incremental import annotators, build, change
from data.config import Secrets, parse_board
from data.feeds.services import running_board, stop_board
from tests.servers.argilla_process import ArgillaTestServer
from tests.servers.counting_proxy import CountingProxy
from tests.waiting import wait_until

DATASETS = [f"parte_{i}" for i in range(5)]


def board_of(groups: list[list[str]]) -> str:
    """A board with one campaign per group of datasets."""
    lines = []
    for index, names in enumerate(groups):
        lines += [
            "[[campaigns]]",
            f'slug = "c{index}"',
            f'title = "Campaña {index}"',
            "refresh_seconds = 3600",  # the bench polls, not the pollers' own clocks
        ]
        for name in names:
            lines += [
                "[[campaigns.datasets]]",
                f'name = "{name}"',
                'workspace = "bench"',
                'correction_question = "texto"',
            ]
    return "\n".join(lines) + "\n"


def requests_of(
    groups: list[list[str]], proxy: CountingProxy, key: str, polls: int, between
) -> tuple[int, int, Counter[str], Counter[str]]:
    """(requests of the first read, requests of `polls` polls, and each by path) of a board of these
    campaigns."""
    import tomllib

    board = parse_board(tomllib.loads(board_of(groups)))
    with tempfile.TemporaryDirectory() as folder:
        proxy.counts.clear()
        running, _ = running_board(board, Secrets(argilla_api_url=proxy.url, argilla_api_key=key), Path(folder))
        feeds = [services.campaign for services in running.values()]
        for feed in feeds:  # each poller's own first read (a first look, then the full read)
            wait_until(lambda feed=feed: _read(feed), timeout=300, what="a campaign's first full read")
        first_paths = Counter(proxy.counts)
        proxy.counts.clear()
        for _ in range(polls):
            between()
            for feed in feeds:
                feed.poller.refresh()
        later = Counter(proxy.counts)
        stop_board()
    return sum(first_paths.values()), sum(later.values()), first_paths, later


def _read(feed) -> bool:
    value = feed.view().value
    return value is not None and not value.provisional


def _by_kind(counts: Counter[str]) -> Counter[str]:
    """Requests by path with the ids folded ("GET /api/v1/datasets/<id>/records")."""
    import re

    folded: Counter[str] = Counter()
    for path, n in counts.items():
        folded[re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27,}", "<id>", path)] += n
    return folded


def main(size: int, polls: int) -> None:
    server = ArgillaTestServer().start()
    try:
        client, accounts, keys = annotators(server)
        for name in DATASETS:
            build(client, name, size, accounts)
        turn = iter(range(10**6))

        def between() -> None:  # one dataset changes a little between polls, in turn
            change(server, client, DATASETS[next(turn) % len(DATASETS)], 0.01, keys)

        # each board through a proxy of its own: another address, so nothing of the first board's
        # connection (its login, the users it read) serves the second
        one = requests_of([DATASETS], CountingProxy(server.api_url), server.api_key, polls, between)
        five = requests_of([[name] for name in DATASETS], CountingProxy(server.api_url), server.api_key, polls, between)
        print(f"machine: {machine()}")
        print(f"{len(DATASETS)} datasets of {size:,} records; {polls} polls, 1% of one dataset changed before each")
        for label, (first, later, first_paths, later_paths) in (
            ("one campaign of five datasets", one),
            ("five campaigns of one", five),
        ):
            print(f"{label}: first read {first} requests; {polls} polls {later} requests ({later / polls:.1f} a poll)")
            print(f"  first read by path: {dict(_by_kind(first_paths))}")
            print(f"  polls by path: {dict(_by_kind(later_paths))}")
        print(f"ratio five/one: first read {five[0] / one[0]:.2f}; polls {five[1] / one[1]:.2f}")
    finally:
        server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, int(sys.argv[2]) if len(sys.argv) > 2 else 10)
