"""The load bench's validations (bench/load.py, scenario 3): an annotator submits, one every 3 s,
and each submission is timed on its way to the annotator's open page (stored by the writer, the
page told, the page drawn); then how far the open campaign-wide pages fell behind."""

from __future__ import annotations

import asyncio
import bisect
import statistics
import time
from pathlib import Path

from bench.common import percentile
from bench.tabs import Tab
from components import i18n
from tests.hooked_app import Annotator

CAMPAIGN_PAGES = {"Inicio": "", "Clasificación": "clasificacion", "Progreso": "progreso"}  # every validation moves them


async def validations(
    mine: Tab, annotator: Annotator, ids: list[str], pointer: Path
) -> tuple[dict[str, list[float]], list[float]]:
    """Submit each record, one every 3 s, and time its way to the annotator's open page: stored by
    the writer (its snapshot's pointer rewritten), the page told by its live-status loop, the page
    drawn with the new count. Seconds from the submission, per stage; and when each was submitted."""
    stages: dict[str, list[float]] = {"stored": [], "told": [], "shown": []}
    submitted: list[float] = []
    for record in ids:
        before = int(mine.metrics.get("Validaciones", ("0", 0))[0].replace(".", "") or 0)
        stamp, stored = _stamp(pointer), None
        sent = time.monotonic()
        submitted.append(sent)
        annotator.submit(record)
        shown = i18n.number(before + 1, "es")
        while mine.metrics.get("Validaciones", ("", 0))[0] != shown and time.monotonic() - sent < 60:
            if stored is None and _stamp(pointer) != stamp:
                stored = time.monotonic()
            await asyncio.sleep(0.02)
        drawn = mine.metrics.get("Validaciones", ("", sent))[1]
        told = next((at for at in reversed(mine.told) if sent < at <= drawn), drawn)
        stages["stored"].append((stored or told) - sent)
        stages["told"].append(told - sent)
        stages["shown"].append(drawn - sent)
        await asyncio.sleep(max(0.0, 3 - (time.monotonic() - sent)))
    return stages, submitted


def campaign_pages_behind(tabs: list[Tab], submitted: list[float], until: float) -> list[float]:
    """Seconds from each validation to the moment each open campaign-wide page (whose figures every
    validation moves) was told to rerun, or to `until` if it was not: how far behind they fell."""
    behind = []
    for tab in tabs:
        if tab.path in CAMPAIGN_PAGES.values():
            told = sorted(tab.told)
            for sent in submitted:
                after = bisect.bisect_right(told, sent)
                behind.append((told[after] if after < len(told) else until) - sent)
    return behind


async def loop_lag(lags: list[float], every: float = 0.1) -> None:
    """How late the clients' own event loop wakes (the tabs' answers wait as long to be seen): on
    two cores shared with a saturated server, at a lower priority, the bench measures itself too."""
    while True:
        asked = time.monotonic()
        await asyncio.sleep(every)
        lags.append(time.monotonic() - asked - every)


def _stamp(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def by_stage(stages: dict[str, list[float]]) -> str:
    return " | ".join(
        f"{name} {statistics.median(values):.2f} / {percentile(values, 0.95):.2f} s" for name, values in stages.items()
    )
