"""What pages read: one feed per kind of data (the campaign, the projects).

A feed is live (a `Poller` reads its upstream), the embedded demo (its upstream is not
configured), or off (this upstream is not configured while another one is). The demo is never
mixed with a live source: a live feed with nothing read yet says so (`FeedView.mode ==
"first_read"`). A feed may have both, a poller and the demo (the projects of the demo campaign:
the Hub is read when an org is set): the demo then stands in until a first read lands, and the
view carries the poller's state (why nothing is read yet).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic

from data.feeds.follower import Follower
from data.feeds.poller import FeedView, Holder, Mode, Poller, T
from data.feeds.read_cache import ReadCache
from data.state.demo import DEMO_SOURCE
from data.state.snapshots import Store


class Feed(Generic[T]):
    def __init__(self, store: Store, derived: ReadCache, name: str, local: Store | None = None):
        """`name`: the feed's name in `store`, where the writer publishes it for its followers;
        `local`, where `store` is shared beyond this machine (Redis): this machine's disk, where a
        writer here kept its reads (what a follower starts from while the shared store is away)."""
        self.store = store
        self.local = local
        self.derived = derived
        self.name = name
        self.source = DEMO_SOURCE
        self.poller: Holder[T] | None = None
        self.demo: Callable[[], T] | None = None

    def show_demo(self, load: Callable[[], T]) -> None:
        """Stand in with the embedded demo: always when there is no reader, else until a first read."""
        self.demo = load

    def read(
        self, source: str, writer: Callable[[], Poller[T]], follow: Callable[[Store], T | None] | None = None
    ) -> None:
        """Read `source` live, the one choice every feed makes: in the writer process `writer()` (a
        `Poller` of the upstream); with `follow` (a process that serves what the writer
        publishes), a `Follower` of the store, loading each published value with `follow(store)`."""
        self.source = source
        if follow is None:
            self.poller = writer()
            return
        store, local = self.store, self.local
        fallback = (lambda: follow(local)) if local is not None else None
        self.poller = Follower(store, self.name, load=lambda: follow(store), fallback=fallback)

    def held(self) -> T | None:
        """The value this process holds now, read live or restored; never the demo (None without a
        reader or before a first read)."""
        return self.poller.state.value if self.poller is not None else None

    def view(self) -> FeedView[T]:
        if self.poller is None:
            return FeedView(self.demo(), Mode.DEMO, None) if self.demo is not None else FeedView(None, Mode.OFF, None)
        view = FeedView.of(self.poller)
        if self.demo is None or view.value is not None:
            return view
        return FeedView(self.demo(), Mode.DEMO, view.state)

    def wait_for_first(self, timeout: float, early: bool = False) -> None:
        """Give a first read in flight up to `timeout` s to land, or with `early` its first look (a
        no-op once there is data)."""
        if self.poller is not None and timeout > 0:
            self.poller.wait_for_first(timeout, early)

    def start(self) -> None:
        if self.poller is not None:
            self.poller.start()

    def stop(self) -> None:
        if self.poller is not None:
            self.poller.stop()
