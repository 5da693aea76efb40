"""Wrong organizer passphrases, counted for every session of the board at once in a moving window
(`limits`): in Redis when REDIS_URL is set, so every process and replica counts against one limit;
else in this process, whose share of the limit is one of the processes serving this machine
(TABLERO_WORKERS, which scripts/serve sets), so that N workers allow no more tries than one would.
While Redis cannot be reached, the process's own share counts (never no limit at all)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)
KEY = "tablero-organizer-passphrase"


class FailedAttempts:
    def __init__(self, limit: int, window_seconds: int, storage: str = "memory://", processes: int = 1):
        share = RateLimitItemPerSecond(max(1, limit // max(1, processes)), window_seconds)
        self._local = (MovingWindowRateLimiter(storage_from_string("memory://")), share)
        shared = not storage.startswith("memory://")
        self._shared = (
            (MovingWindowRateLimiter(storage_from_string(storage)), RateLimitItemPerSecond(limit, window_seconds))
            if shared
            else None
        )

    def blocked(self) -> bool:
        """No more tries for anyone until the oldest failure leaves the window."""
        return not self._call(lambda limiter, rate: limiter.test(rate, KEY))

    def failed(self) -> None:
        self._call(lambda limiter, rate: limiter.hit(rate, KEY))

    def _call(self, action: Callable[[MovingWindowRateLimiter, RateLimitItem], bool]) -> bool:
        if self._shared is not None:
            try:
                result = action(*self._shared)
                action(*self._local)  # the local share too, for when Redis goes
                return bool(result)
            except Exception as error:  # Redis gone: this process's share decides meanwhile
                log.warning("passphrase attempts not shared (%s): counting in this process", type(error).__name__)
        return bool(action(*self._local))
