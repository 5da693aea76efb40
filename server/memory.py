"""Who holds this process's memory, for a measurement (bench/load.py --trace-memory): when Python
traces allocations (PYTHONTRACEMALLOC set, never in production: it slows every allocation), a
SIGUSR2 writes the largest holders, by the line that allocated them, to DATA_DIR."""

from __future__ import annotations

import os
import signal
import tracemalloc
from pathlib import Path
from types import FrameType

TOP = 25


def install_dump(folder: Path) -> None:
    """On SIGUSR2, `folder`/tracemalloc-<pid>.txt: the TOP lines holding the most memory now."""
    if not tracemalloc.is_tracing():
        return

    def dump(_signal: int, _frame: FrameType | None) -> None:
        stats = tracemalloc.take_snapshot().statistics("lineno")
        lines = [f"{stat.size / 2**20:9.1f} MiB {stat.count:9d} blocks  {stat.traceback}" for stat in stats[:TOP]]
        total = sum(stat.size for stat in stats) / 2**20
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"tracemalloc-{os.getpid()}.txt").write_text(f"{total:.1f} MiB traced\n" + "\n".join(lines) + "\n")

    signal.signal(signal.SIGUSR2, dump)
