"""The API's clients for locust (bench/api.py): each asks for the ranking, as a bot or a notebook
would, with its own address (the app trusts X-Forwarded-For from the loopback, as from its nginx).

    BENCH_RATE=6 locust -f bench/api_users.py --headless --host URL -u 50 -r 50 -t 60s
"""

from __future__ import annotations

import itertools
import os

from locust import FastHttpUser, constant, constant_throughput, task

from data.config import load_config

SLUG = os.environ.get("BENCH_SLUG") or load_config().slug  # the campaign.toml in force
RATE = float(os.environ.get("BENCH_RATE") or 0)  # requests a second per client; 0: as fast as answers come
ADDRESSES = (f"198.51.{n // 250}.{n % 250 + 1}" for n in itertools.count())  # TEST-NET-2


class ApiClient(FastHttpUser):
    wait_time = constant_throughput(RATE) if RATE else constant(0)

    def on_start(self) -> None:
        self.headers = {"X-Forwarded-For": next(ADDRESSES)}
        self.etag: str | None = None

    @task(6)
    def ranking(self) -> None:
        self.client.get(f"/api/v1/campaigns/{SLUG}/ranking", headers=self.headers, name="ranking")

    @task(2)
    def ranking_week(self) -> None:
        self.client.get(f"/api/v1/campaigns/{SLUG}/ranking?period=week", headers=self.headers, name="ranking week")

    @task(2)
    def ranking_again(self) -> None:
        """A client that keeps what it got: If-None-Match, a 304 once the read has not changed."""
        headers = {**self.headers, **({"If-None-Match": self.etag} if self.etag else {})}
        with self.client.get(
            f"/api/v1/campaigns/{SLUG}/ranking", headers=headers, name="ranking (304)", catch_response=True
        ) as answer:
            if answer.status_code in (200, 304):
                self.etag = answer.headers.get("ETag", self.etag)
                answer.success()
