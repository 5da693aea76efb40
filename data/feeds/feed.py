"""What pages read: one feed per kind of data (the campaign, the projects).

A feed is live (a `Poller` reads its upstream), the embedded demo (nothing at all is configured),
or off (this upstream is not configured while another one is). The demo is never mixed with a
live source: a live feed with nothing read yet says so (`FeedView.mode == "first_read"`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic

from data.feeds.poller import FeedView, Poller, T
from data.feeds.read_cache import ReadCache
from data.state.snapshots import SnapshotStore


class Feed(Generic[T]):
    def __init__(self, store: SnapshotStore, derived: ReadCache):
        self.store = store
        self.derived = derived
        self.poller: Poller[T] | None = None
        self.demo: Callable[[], T] | None = None

    def view(self) -> FeedView[T]:
        if self.demo is not None:
            return FeedView(self.demo(), "demo", None)
        if self.poller is None:
            return FeedView(None, "off", None)
        return FeedView.of(self.poller)

    def wait_for_first(self, timeout: float) -> None:
        """Give a first read in flight up to `timeout` s to land (a no-op once there is data)."""
        if self.poller is not None and timeout > 0:
            self.poller.wait_for_first(timeout)

    def start(self) -> None:
        if self.poller is not None:
            self.poller.start()

    def stop(self) -> None:
        if self.poller is not None:
            self.poller.stop()
