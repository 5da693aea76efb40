"""How the campaign feed stays current: Argilla webhooks when enabled and they can be had, polling
otherwise.

With webhooks ([webhooks] enabled), the feed's poller thread wakes when a delivery is queued and
applies what the deliveries of a batch state — a response's new values and status, a record's
status — without reading anything; only what a payload cannot state is read: a record new to the
dashboard (its reference is a suggestion), a whole dataset for a dataset event. Every
`refresh_seconds` it checks that its webhook is still there and that the patched frames count
what Argilla counts (each dataset's change signature); every `reconcile_minutes` it reads
everything. Polling, as without webhooks, takes over while webhooks cannot be had
(`LiveMode.reason`): no public URL, no permission, a server older than 2.5, the webhook deleted on
the server, or silence while a signature moves.

Deliveries trail a burst: argilla-server's worker drains them at a few a second, a minute behind
300 changes. So after each batch the datasets it named are compared with what Argilla counts
(`_catch_up`); where the frames lag, the read carries Argilla's own per-user counts
(`RawCampaign.counted`), which the ranking takes for validations and discards until the
deliveries have landed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

import cachetools

from data.config import CampaignConfig
from data.errors import ErrorKind, SourceError
from data.in_progress import TAKING_IN
from data.live.batch_plan import plan_batch
from data.live.inbox import TOLERANCE, Change, Inbox
from data.live.subscription import LOCK, retire, subscribe, subscribed, unsubscribe
from data.model.live import Live, LiveMode, Reason
from data.routes import WEBHOOKS
from data.sources.argilla import ArgillaSource, RawCampaign
from data.sources.progress import Report
from data.times import utc_now

log = logging.getLogger(__name__)
SILENCE = dt.timedelta(seconds=30)  # a moved signature with no delivery for this long: webhooks are silent
BATCH_WAIT = 0.3  # seconds without a new delivery that close a batch
PAIR_WAIT = 1.0  # ... while half of a submission's two deliveries is still on its way
BATCH_MAX = 3.0  # seconds a burst may keep a batch open (the latency bound under load)
BURST = 2.0  # seconds: a batch that begins this soon after the last one closed is part of a burst
TICK = 0.05  # seconds between two looks at the queue while a batch gathers
CATCH_UP = 2.0  # seconds between two looks at Argilla's own counts while deliveries trail them
RESUBSCRIBE = dt.timedelta(seconds=60)  # a webhook deleted on the server is made again this much later


class LiveUpdates:
    """Reads the campaign for its feed: by webhooks when enabled and possible, else by polling."""

    def __init__(
        self, argilla: ArgillaSource, config: CampaignConfig, public_url: str | None, wake: Callable[[], None], tag: str
    ):
        self.argilla = argilla
        self.config = config
        self.tag = tag  # names this deployment's webhook (data.live.subscription)
        self.url = f"{public_url.rstrip('/')}{WEBHOOKS}" if public_url else None
        self.inbox = Inbox(on_change=wake)
        if not config.webhooks.enabled:
            self.mode = LiveMode(Live.POLLING)
        else:
            self.mode = LiveMode(Live.POLLING, Reason.NO_URL if self.url is None else Reason.STARTING)
        self._closed = False
        self._settled = False  # the server's webhooks were made to match the configuration once
        self._webhook_id: str | None = None
        self._full_at: dt.datetime | None = None
        self._checked_at: dt.datetime | None = None
        self._moved: dict[str, dt.datetime] = {}  # dataset -> since when its signature has moved unexplained
        self._touched: set[str] = set()  # datasets named by deliveries since their signature last settled
        # deleted response ids, for as long as a redelivery of an older event could be accepted
        self._deleted: cachetools.TTLCache[str, bool] = cachetools.TTLCache(
            maxsize=100_000, ttl=2 * TOLERANCE.total_seconds()
        )
        self._polls = 0
        self._wake = wake
        self._due_since: float | None = None  # since when a look at Argilla's counts is due (monotonic)
        self._named: set[str] = set()  # datasets named by deliveries since then
        self._named_at: dict[str, dt.datetime] = {}  # dataset -> when a delivery last named it
        self._timer: threading.Timer | None = None
        self._deleted_at: dt.datetime | None = None  # when our webhook was found deleted on the server
        self._resumed = False  # the first read continues a read of this process's (see `resume`)
        self._gathered_at = -BURST  # when the last batch closed (monotonic)

    def resume(self) -> None:
        """The first read's `previous` is this process's own last read, which the store still holds
        (the writer lease lost and taken back): it asks only what moved since (each dataset's
        signature), not everything again. The next reconciliation reads everything."""
        self._resumed = True

    def read(self, previous: RawCampaign | None, report: Report) -> RawCampaign:
        """The next read; `previous` itself when nothing changed (a batch of nothing, say)."""
        now = utc_now()
        if not self.config.webhooks.enabled and not self._settled:
            self._retire()
        if self._webhook_id is None and self._may_subscribe(now):
            self._subscribe()
        if self.mode.kind != Live.WEBHOOKS:
            return self._poll(previous, report)
        reconcile = dt.timedelta(minutes=self.config.webhooks.reconcile_minutes)
        if previous is None or self._full_at is None or now - self._full_at >= reconcile:
            self.inbox.drain()  # the full read covers what they named
            raw = self._full(report, now, previous)
            self.inbox.follow(set(self.argilla.dataset_names(raw)))
            return raw
        self._gather()
        changes = self.inbox.drain()
        try:
            raw = self.apply(previous, changes)
            if self._named or raw.counted:
                raw = self._catch_up(raw, now, applied=bool(changes))
            if self._checked_at is None or now - self._checked_at >= dt.timedelta(seconds=self.config.refresh_seconds):
                raw = self._check(raw, now)
        except Exception:
            # kept until a read succeeds: the next one applies them again to the same previous read
            # (applying is idempotent), whether applying them or a look at Argilla's counts failed
            self.inbox.requeue(changes)
            raise
        return raw

    def close(self) -> None:
        """This feed is stopped (a new configuration, or shutdown): take no more deliveries, and never
        subscribe again from here."""
        with LOCK:
            self._closed = True
        self.inbox.accept(None)
        if self._timer is not None:
            self._timer.cancel()

    def stop(self) -> None:
        """Disable our webhook (best effort: at a graceful shutdown)."""
        self.close()
        if self._webhook_id is None:
            return
        try:
            with LOCK, self.argilla.session() as client:
                unsubscribe(client, self._webhook_id)
        except SourceError as error:
            log.warning("could not disable the webhook (%s)", error.kind.value)

    # --- modes --------------------------------------------------------------------------------
    def _retire(self) -> None:
        """Webhooks are off: disable ours if an earlier configuration left one enabled (it would
        keep sending every event to an address that no longer takes them). Best effort, once."""
        try:
            with LOCK:
                if self._closed:
                    return
                with self.argilla.session() as client:
                    disabled = retire(client, self.tag)
        except SourceError as error:
            if error.kind is ErrorKind.SERVER_ERROR and error.detail in ("HTTP 404", "HTTP 405"):
                self._settled = True  # a server without webhooks: nothing to retire
            log.info("webhooks of an earlier configuration not checked (%s)", error.kind.value)
            return
        self._settled = True
        if disabled:
            log.warning("webhooks are off: disabled %d webhook(s) an earlier configuration left enabled", disabled)

    def _may_subscribe(self, now: dt.datetime) -> bool:
        """Subscribe now? While starting or after a failure, at each read; a webhook deleted on the
        server is made again RESUBSCRIBE later (polling meanwhile, and the page says why)."""
        if self.mode.reason in (Reason.STARTING, Reason.FORBIDDEN, Reason.FAILED):
            return True
        return self.mode.reason == Reason.DELETED and now - (self._deleted_at or now) >= RESUBSCRIBE

    def _subscribe(self) -> None:
        if self.url is None:  # nowhere to be called (the mode says so: NO_URL)
            return
        try:
            with LOCK:
                if self._closed:
                    return
                with self.argilla.session() as client:
                    self._webhook_id, secret = subscribe(client, self.url, self.tag)
        except SourceError as error:
            reason = {ErrorKind.AUTH: Reason.FORBIDDEN, ErrorKind.FORBIDDEN: Reason.FORBIDDEN}.get(
                error.kind, Reason.FAILED
            )
            if error.kind is ErrorKind.SERVER_ERROR and error.detail in ("HTTP 404", "HTTP 405"):
                reason = Reason.UNSUPPORTED  # no /api/v1/webhooks: argilla-server older than 2.5
            log.warning("webhooks unavailable (%s); polling", reason)
            self.mode = LiveMode(Live.POLLING, reason)
            return
        self.inbox.accept(secret)
        self.mode = LiveMode(Live.WEBHOOKS)
        self._full_at = None  # read everything once now: deliveries from here on are applied

    def _poll(self, previous: RawCampaign | None, report: Report) -> RawCampaign:
        """Incremental reads (a dataset is re-read when its signature moved), a full one every
        `reconcile_every` polls."""
        full = previous is None or (self._polls % self.config.reconcile_every == 0 and not self._resumed)
        self._polls, self._resumed = self._polls + 1, False
        return self.argilla.fetch(None if full else previous, report)

    def _full(self, report: Report, now: dt.datetime, previous: RawCampaign | None) -> RawCampaign:
        """Everything, or, resuming, what moved since `previous`."""
        raw = self.argilla.fetch(previous if self._resumed else None, report)
        self._resumed = False
        self._full_at = self._checked_at = now
        self._moved.clear()
        self._touched.clear()
        return raw

    # --- webhook mode --------------------------------------------------------------------------
    def _gather(self) -> None:
        """Let a burst of deliveries join one batch: wait while they keep coming (BATCH_WAIT without
        one closes it), at most BATCH_MAX, so that 200 edits cost a few searches, not 200. A lone
        submission closes its batch as the second of its two deliveries arrives
        (`Inbox.pairing`), and half of one waits up to PAIR_WAIT for the other; within
        a burst (the last batch closed less than BURST ago) the next pair is already on its way, so
        the batch keeps gathering."""
        started = time.monotonic()
        alone = started - self._gathered_at >= BURST
        seen, quiet_since = self.inbox.pending, started
        while (now := time.monotonic()) - started < BATCH_MAX:
            pairing = self.inbox.pairing()
            if alone and pairing.complete:
                break
            if now - quiet_since >= (PAIR_WAIT if pairing.awaiting else BATCH_WAIT):
                break
            time.sleep(TICK)
            if self.inbox.pending != seen:
                seen, quiet_since = self.inbox.pending, time.monotonic()
        self._gathered_at = time.monotonic()

    def apply(self, previous: RawCampaign, changes: list[Change]) -> RawCampaign:
        """Apply what the deliveries state; read only what they cannot state (see `plan_batch`)."""
        if not changes:
            return previous
        plan = plan_batch(changes, self.argilla.dataset_names(previous), previous, self._deleted)
        self._touched |= plan.touched
        self._named |= plan.touched
        self._named_at.update(dict.fromkeys(plan.touched, utc_now()))
        if not (plan.delivered or plan.records or plan.datasets):
            return previous  # nothing of ours (other datasets, deleted responses' late edits)
        with TAKING_IN:  # no request: what the deliveries state
            raw = self.argilla.patch(previous, plan.delivered, plan.users)
        if plan.records:
            raw = self.argilla.fetch_records(raw, plan.records)
        if plan.datasets:
            raw = self._refetch(raw, plan.datasets)
        return raw

    def _refetch(self, raw: RawCampaign, datasets: set[str]) -> RawCampaign:
        """`raw` with just these datasets read again (what Argilla counts in the others is kept)."""
        fresh = self.argilla.fetch(_forget(raw, datasets))
        return dataclasses.replace(fresh, counted={n: s for n, s in raw.counted.items() if n not in datasets})

    def _catch_up(self, raw: RawCampaign, now: dt.datetime, applied: bool) -> RawCampaign:
        """Compare the datasets deliveries named, and those that lag, with what Argilla counts (one
        signature each): the read carries Argilla's counts where the frames lag, and drops them once
        the deliveries have landed. Never in the read that applies a quiet delivery (its validation
        is shown first, unslowed): CATCH_UP s after the look became due, by a read of its own or one
        that applies a burst's later deliveries; every CATCH_UP s while any lags. A dataset that
        lags with no delivery naming it for SILENCE is re-read."""
        due = self._due_since = self._due_since or time.monotonic()
        if applied and time.monotonic() - due < CATCH_UP:
            self._later()
            return raw
        self._due_since = None
        names, self._named = self._named | set(raw.counted), set()
        current = self.argilla.signatures(raw, names)
        counted, signatures = {n: s for n, s in raw.counted.items() if n not in current}, dict(raw.signatures)
        for name, signature in current.items():
            if self.argilla.tallies_agree(raw, name, signature):
                signatures[name] = signature
            else:
                counted[name] = signature
        stale = {name for name in counted if now - self._named_at.get(name, self._full_at or now) >= SILENCE}
        raw = dataclasses.replace(raw, signatures=signatures, counted=counted)
        if stale:
            raw = self._reread(raw, stale)
        if raw.counted:  # still lagging: look again soon
            self._due_since = time.monotonic()
            self._later()
        return raw

    def _later(self) -> None:
        """Wake the reader in CATCH_UP s (one timer at a time), to look at Argilla's counts again."""
        if self._timer is None or not self._timer.is_alive():
            self._timer = threading.Timer(CATCH_UP, self._wake)
            self._timer.daemon = True
            self._timer.start()

    def _check(self, raw: RawCampaign, now: dt.datetime) -> RawCampaign:
        """Is our webhook still there, and did any dataset change without a delivery saying so?"""
        self._checked_at = now
        with self.argilla.session() as client:
            alive = self._webhook_id is not None and subscribed(client, self._webhook_id)
        if not alive:
            log.warning("our webhook was deleted or disabled on the server; polling")
            self.inbox.accept(None)
            self._webhook_id, self.mode = None, LiveMode(Live.POLLING, Reason.DELETED)
            self._deleted_at = now
            return raw
        current = self.argilla.signatures(raw)
        stale = set()
        for name, signature in current.items():
            if signature == raw.signatures.get(name) or self._explained(raw, name, signature):
                self._moved.pop(name, None)
                self._touched.discard(name)
                continue
            first = self._moved.setdefault(name, now)
            if now - first >= SILENCE:
                stale.add(name)
        if stale:
            return self._reread(raw, stale)
        if self.inbox.last_delivery is not None and self.mode.reason == Reason.SILENT:
            self.mode = LiveMode(Live.WEBHOOKS)
        signatures = {**raw.signatures, **{name: sig for name, sig in current.items() if name not in self._moved}}
        return raw if signatures == raw.signatures else _with_signatures(raw, signatures)

    def _explained(self, raw: RawCampaign, name: str, signature: str) -> bool:
        """A moved signature is explained when deliveries named the dataset since it last settled
        and the patched frames count what Argilla counts."""
        return name in self._touched and self.argilla.tallies_agree(raw, name, signature)

    def _reread(self, raw: RawCampaign, stale: set[str]) -> RawCampaign:
        """Re-read datasets whose signature moved for SILENCE unexplained: silent webhooks when no
        delivery named them, else frames out of step (say, responses rewritten in bulk by an admin)."""
        silent = stale - self._touched
        if silent:
            log.warning("webhooks silent while %s changed; re-reading it", ", ".join(sorted(silent)))
            self.mode = LiveMode(Live.WEBHOOKS, Reason.SILENT)
        if stale - silent:
            log.warning("%s out of step with Argilla's counts; re-reading it", ", ".join(sorted(stale - silent)))
        for name in stale:
            self._moved.pop(name, None)
            self._touched.discard(name)
        return self._refetch(raw, stale)


def _forget(raw: RawCampaign, datasets: set[str]) -> RawCampaign:
    """`raw` with these datasets' signatures forgotten, so an incremental fetch re-reads them."""
    return _with_signatures(raw, {n: s for n, s in raw.signatures.items() if n not in datasets})


def _with_signatures(raw: RawCampaign, signatures: dict[str, str]) -> RawCampaign:
    return dataclasses.replace(raw, signatures=signatures)
