"""Waiting for a condition, never for a fixed time: the one helper every test and test server uses."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(
    check: Callable[[], object],
    timeout: float = 60,
    what: str = "the condition",
    every: float = 0.2,
    gave_up: Callable[[], str | None] | None = None,
) -> float:
    """Call `check` every `every` seconds until it returns something true; the seconds it took.

    Fails (AssertionError, saying `what`) after `timeout` seconds, or at once when `gave_up`
    returns a reason (say, the process being waited for has died, with the end of its log).
    """
    started = time.monotonic()
    while not check():
        reason = gave_up() if gave_up else None
        assert reason is None, f"{what}: {reason}"
        assert time.monotonic() - started < timeout, f"timed out after {timeout:g} s waiting for {what}"
        time.sleep(every)
    return time.monotonic() - started
