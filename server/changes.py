"""`GET /_tablero/changes?k=KEY&v=SEEN`: has what an open page shows changed since it was drawn?

The page's own script asks (components/live_status.py). The answer waits on the server — a parked
coroutine, no thread, no timer — until the fingerprint of `KEY` differs from `SEEN` or `HOLD`
seconds pass; an idle tab therefore costs one small request every `HOLD` seconds. When many pages
change at once (a validation moves the top of the ranking, and with it every open *Inicio*), their
answers are let go by a budget of `RATE` reruns a second per process: first the pages of the people
whose own figures moved (the author of a validation sees it first; their pages at a pace of their
own, `OWN_RATE`), then the other pages of one person, then the campaign-wide ones (those that have
waited `OVERDUE` seconds take every other turn: on a busy day the neighbours' pages may never run
out); the budget shrinks while pages are being drawn for people who asked for them (`busy`), and the
last two wait while a new state is being taken in (`data.in_progress.TAKING_IN`): readers who are
clicking keep their speed, the next state reaches the open pages sooner, and a page that waits only
gets the newest state (its reruns coalesce). Each client's pages take turns with everyone else's,
and a version no page was drawn with waits a second, gets no turn and is told no version (the page
reruns and is drawn with the current one): a client asking in a loop, or with made-up versions,
holds back nobody, and learns no real version to compete with real pages but by running them
(`Budget.turn`, `Shown`).
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import itertools
import random
import signal
import threading
import time
from collections import deque
from collections.abc import Callable

import cachetools
from starlette.requests import Request
from starlette.responses import JSONResponse

from components.live_status import HOLD
from data.in_progress import TAKING_IN, InProgress
from data.model import digests
from server.api.http import client_of

RATE = 8.0  # background reruns a second, per process, while nobody else is waiting for a page
OWN_RATE = 3 * RATE  # reruns of pages whose own figures moved: as fast as a process draws them
BURST = 4
AT_ONCE = 2  # background reruns under way at once, per process (an own figures' page: one more)
UNKNOWN_WAIT = 1.0  # seconds before a version no page of this process was drawn with is answered
NO_VERSION = ""  # the answer to such a version: no fingerprint, only that the page must run again
OVERDUE = 10.0  # seconds a campaign-wide page waits behind one person's pages before taking every other turn
CAMPAIGN_KEY = ":"  # on a board of several campaigns, a key is "<slug>:<key>" (no slug nor key has one)
OWN_ROW, PERSON, CAMPAIGN = 0, 1, 2  # the rerun tiers (`tier_of`), first to last


def tier_of(key: str, seen: str, current: str) -> int:
    """How soon a changed page reruns: one person's page whose own figures moved, one person's page,
    a campaign-wide page (data.model.digests: a person's version leads with their own figures')."""
    if not key.rpartition(CAMPAIGN_KEY)[2].startswith("u"):
        return CAMPAIGN
    return OWN_ROW if digests.own(seen) != digests.own(current) else PERSON


class Changes:
    """Wakes the parked questions of this process when any feed's state moves (from any thread)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self.waiting = 0
        self.closing = False

    def bind(self) -> None:
        """Called in the server's event loop (the app's lifespan). The server waits for requests in
        flight before it stops: on SIGTERM or SIGINT every parked question is answered at once."""
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        self.closing = False
        if threading.current_thread() is not threading.main_thread():
            return  # signals reach the main thread only (a server run in a thread of its own)
        for number in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(number)
            if callable(previous):
                signal.signal(number, functools.partial(self._on_signal, previous))

    def _on_signal(self, previous, number, frame) -> None:
        self.closing = True
        self.poke()
        previous(number, frame)

    def poke(self) -> None:
        """Something may have changed: wake every parked question to look (thread-safe)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._fire)

    def _fire(self) -> None:
        event, self._event = self._event, asyncio.Event()
        if event is not None:
            event.set()

    async def wait(self, timeout: float) -> None:
        event = self._event
        if event is None:  # not bound to the server's loop (no lifespan): nothing will wake it
            await asyncio.sleep(timeout)
            return
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass


class _Bucket:
    """Tokens that refill at `rate` a second up to `size`: one spent per page let go."""

    def __init__(self, rate: float, size: float):
        self.rate, self.size, self.tokens = rate, size, size

    def refill(self, seconds: float, slower: int) -> None:
        self.tokens = min(self.size, self.tokens + seconds * self.rate / slower)

    def wait(self, slower: int) -> float:
        """Seconds until the next token."""
        return (1 - self.tokens) * slower / self.rate


class Budget:
    """Token buckets of reruns: `RATE` a second (less while the process is busy), `BURST` at once;
    and but for the pages of people whose own figures moved, no more than `AT_ONCE` under way
    (`running`) and none started while a new state is being taken in (`taking_in`): a page's run
    holds the interpreter's lock while it draws, so more at once finish no sooner, each one more
    slows the one a person is looking at, and one started while the next state is computed draws the
    state it replaces, slowing the computation. The pages of people whose own figures moved (the
    author of a validation, who is looking for it) have a bucket of their own, `OWN_RATE`, and go one
    by one beside at most `AT_ONCE` under way, and not while a page someone asked for is drawn: an
    author with thirty tabs open has them drawn about as fast as the process draws pages (some
    50 ms each), not at the campaign-wide pages' pace (8 a second: 3.7 s for thirty, BENCHMARKS.md
    section 16), never as a crowd (a page released counts as under way only once its run starts:
    one at a time keeps that gap to one page), and never before a click.

    Waiting pages are released one token at a time by `tier` (`tier_of`): the pages of people whose
    own figures moved, then the other pages of one person (*Mi posición*: a neighbour's row moved), then
    the campaign-wide ones — a validation changes all three at once, and its author should not wait
    behind the whole ranking, nor behind the neighbourhood's pages —; within a tier each client's in
    turn with everyone else's, and each client's own in the order they asked (`turn`). But
    campaign-wide pages that have waited `overdue` seconds take every other turn from one person's
    pages, the longest waiting first: with many tabs per person and validations every few seconds
    the neighbours' pages alone can take the whole budget, and *Inicio* and the ranking would
    otherwise wait for as long as the validations keep coming (BENCHMARKS.md section 16)."""

    def __init__(
        self,
        rate: float = RATE,
        burst: int = BURST,
        own_rate: float = OWN_RATE,
        busy: Callable[[], int] = lambda: 0,
        running: Callable[[], int] = lambda: 0,
        taking_in: Callable[[], int] = lambda: 0,
        overdue: float = OVERDUE,
    ):
        self.busy, self.running, self.taking_in = busy, running, taking_in
        self.overdue = overdue
        self._shared, self._own = _Bucket(rate, burst), _Bucket(own_rate, 1)  # the author's: one by one
        self._stamp = time.monotonic()
        self._queue: list[tuple[int, int, float, int, asyncio.Future]] = []
        self._waiting: dict[tuple[str, int], int] = {}  # (client, tier) -> its pages waiting for a turn
        self._last: dict[tuple[str, int], int] = {}  # (client, tier) -> the slot of its last page waiting
        self._now: dict[int, int] = {}  # tier -> the slot of the last page it let go
        self._campaign_since: deque[tuple[float, asyncio.Future]] = deque()  # in the order they came
        self._overdue_turn = True  # whether an overdue campaign-wide page may take the next turn
        self._order = itertools.count()
        self._dispatcher: asyncio.Task | None = None

    async def turn(self, tier: int = CAMPAIGN, client: str = "") -> None:
        """Wait for a rerun token. Lower tiers go first; within each, a client's pages take turns
        with everyone else's (start-time fair queueing by address): a page takes the slot after its
        client's last one waiting, or after the tier's last let go if its client has none waiting, so
        one client asking a thousand times cannot hold back anyone else's page, and a client's own
        pages go in the order they asked (numbered by how many were waiting instead, a page that had
        just rerun and asked again drew lots with those still waiting, and could be overtaken again
        and again). Pages in the same slot go in random order (no herd)."""
        future = asyncio.get_running_loop().create_future()
        mine = (client, tier)
        slot = self._last[mine] = max(self._now.get(tier, 0), self._last.get(mine, 0)) + 1
        self._waiting[mine] = self._waiting.get(mine, 0) + 1
        heapq.heappush(self._queue, (tier, slot, random.random(), next(self._order), future))
        if tier == CAMPAIGN:
            self._campaign_since.append((time.monotonic(), future))
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch())
        try:
            await future
        finally:
            self._waiting[mine] -= 1
            if not self._waiting[mine]:
                del self._waiting[mine], self._last[mine]

    async def _dispatch(self) -> None:
        while self._queue:
            now, slower = time.monotonic(), 1 + self.busy()
            for bucket in (self._shared, self._own):
                bucket.refill(now - self._stamp, slower)
            self._stamp = now
            while self._queue:
                if self._queue[0][-1].done():  # went away while it waited, or let go as overdue: costs nothing
                    self._pop()
                    continue
                overdue = self._overdue(now) if self._overdue_turn else None
                future = overdue if overdue is not None else self._queue[0][-1]
                bucket = self._own if self._queue[0][0] == OWN_ROW else self._shared
                if bucket.tokens < 1 or not (self._may_start_own() if bucket is self._own else self._may_start()):
                    break
                if overdue is None:
                    self._pop()
                future.set_result(None)
                bucket.tokens -= 1
                if bucket is self._shared:
                    self._overdue_turn = overdue is None  # overdue pages: every other turn
            if self._queue:
                await asyncio.sleep(min(max(bucket.wait(slower), 0.01), 0.05))
        self._campaign_since.clear()  # every page it held has been let go

    def _pop(self) -> None:
        tier, slot, *_ = heapq.heappop(self._queue)
        self._now[tier] = max(self._now.get(tier, 0), slot)

    def _overdue(self, now: float) -> asyncio.Future | None:
        """The campaign-wide page that has waited longest, once that is `overdue` seconds, while one
        person's pages are first in the queue (the author's pages never wait for it)."""
        since = self._campaign_since
        while since and since[0][1].done():
            since.popleft()
        if since and self._queue[0][0] == PERSON and now - since[0][0] >= self.overdue:
            return since[0][1]
        return None

    def _may_start(self) -> bool:
        """May a page other than an own figures' rerun now? (The next goes when one under way ends,
        and once the new state is in.)"""
        return self.running() < AT_ONCE and not self.taking_in()

    def _may_start_own(self) -> bool:
        """May the page of someone whose own figures moved rerun now (with a token of its own)? Beside
        at most `AT_ONCE` under way (whatever the rest is doing, one goes, never a crowd that would
        slow one another), and not while a page someone asked for is being drawn: a click goes
        first. It does not wait for a new state being taken in: its author is looking, and a page
        drawn a moment early is drawn again (BENCHMARKS.md section 16)."""
        return self.running() <= AT_ONCE and not self.busy()


class Shown:
    """The fingerprints this process drew each view's pages with, lately: an open page asks with
    one of them. Any other version is no page of ours (a made-up one): it is answered, but only
    after `UNKNOWN_WAIT` s and without a rerun turn, so made-up questions neither spin the server
    nor hold back real pages."""

    def __init__(self, keys: int = 50_000, per_key: int = 16, ttl: float = 3600):
        self._versions: cachetools.TTLCache[str, deque[str]] = cachetools.TTLCache(maxsize=keys, ttl=ttl)
        self._per_key = per_key
        self._lock = threading.Lock()

    def note(self, key: str, version: str) -> None:
        with self._lock:
            versions = self._versions.get(key) or deque(maxlen=self._per_key)
            if version not in versions:
                versions.append(version)
            self._versions[key] = versions

    def __contains__(self, pair: tuple[str, str]) -> bool:
        key, version = pair
        with self._lock:
            return version in self._versions.get(key, ())


CHANGES = Changes()
SHOWN = Shown()
IN_PROGRESS = InProgress()  # page runs for a person who asked
REDRAWING = InProgress()  # page runs because what they show changed
BUDGET = Budget(busy=IN_PROGRESS, running=REDRAWING, taking_in=TAKING_IN)


def changes_route(versions: Callable[[str], tuple[str, str | None] | None]):
    """The route; `versions(key)` gives the key's current (fingerprint, checked-at), or None."""

    async def changes(request: Request) -> JSONResponse:
        key, seen = request.query_params.get("k", ""), request.query_params.get("v", "")
        deadline = time.monotonic() + HOLD
        CHANGES.waiting += 1
        try:
            while True:
                current = versions(key)
                if CHANGES.closing:
                    return JSONResponse({"v": seen}, status_code=503)  # stopping: ask again, elsewhere
                if current is None:
                    return JSONResponse({"v": seen}, status_code=404)
                if current[0] != seen and (key, seen) not in SHOWN:
                    await asyncio.sleep(UNKNOWN_WAIT)  # no page of ours: it reruns, and is drawn with the current
                    return JSONResponse({"v": NO_VERSION})  # never told the fingerprint without a page run
                if current[0] != seen:
                    await BUDGET.turn(tier_of(key, seen, current[0]), client=client_of(request))
                    current = versions(key) or current  # the newest, after the wait
                    return JSONResponse({"v": current[0], "at": current[1]})
                SHOWN.note(key, seen)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return JSONResponse({"v": seen, "at": current[1]})
                await CHANGES.wait(remaining)
        finally:
            CHANGES.waiting -= 1

    return changes
