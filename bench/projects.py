"""The projects' read: an org's models, datasets and Spaces listed on the Hub, with each answer
delayed as between a Space and the Hub.

    .venv/bin/python -m bench.projects [repos]

A local Hub-shaped server (tests/servers/hub_server.py) holds `repos` repos of the three kinds; each
of its answers waits `delay` seconds. Timed, median of 5 after a warm-up: `HubSource.fetch()` (the
three listings at once) and the naive way, the same three listings one after another.
"""

from __future__ import annotations

import sys
from typing import Any

from huggingface_hub import HfApi

from bench.common import machine, median_seconds
from data.config import HubConfig
from data.sources.hub import REPO_EXPAND, SPACE_EXPAND, HubSource
from tests.hub_fixtures import make_repos
from tests.servers.hub_server import HubServer

ORG = "bench-org"
DELAYS = (0.0, 0.1, 0.3)  # seconds an answer takes: loopback, a near Hub, a far one


def one_after_another(api: HfApi) -> int:
    """The naive way: each listing waits for the one before."""
    common: dict[str, Any] = {"author": ORG, "sort": "likes"}
    listed = [*api.list_models(expand=REPO_EXPAND, **common), *api.list_datasets(expand=REPO_EXPAND, **common)]
    return len(listed + list(api.list_spaces(expand=SPACE_EXPAND, **common)))


def main(repos: int) -> None:
    print(machine())
    server = HubServer().start()
    try:
        server.state.repos = make_repos(ORG, count=repos)
        source = HubSource(server.endpoint, None, HubConfig(org=ORG, timeout_seconds=10))
        print(f"{repos} repos of {ORG}, pages of {server.state.page_size}")
        for delay in DELAYS:
            server.state.delay = delay
            at_once = median_seconds(source.fetch)
            naive = median_seconds(lambda: one_after_another(source.api))
            print(
                f"{delay * 1000:.0f} ms an answer: the three listings at once {at_once:.3f} s, "
                f"one after another {naive:.3f} s ({naive / at_once:.1f}x)"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
