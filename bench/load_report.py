"""What the load bench (bench/load.py) measures of the server and how it prints it: a table of
values per variant, the server's CPU per open tab, its memory per tab and per process."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import tree_cpu, tree_rss


@dataclass
class Result:
    rows: dict = field(default_factory=dict)

    def add(self, variant: str, what: str, value: str) -> None:
        self.rows.setdefault(what, {})[variant] = value
        print(f"  {variant:<10} {what}: {value}", flush=True)


async def idle_server_cpu(root: int, seconds: float = 30) -> float:
    """The server's CPU (cores) with no tab open: its own work (reads, followers, supervision)."""
    cpu, started = tree_cpu(root), time.monotonic()
    await asyncio.sleep(seconds)
    return (tree_cpu(root) - cpu) / (time.monotonic() - started)


def per_tab(cores: float, alone: float, count: int) -> str:
    """CPU per open tab, in ms per second: all of it, and above what the server spends with none."""
    return f"{cores / count * 1000:.3f} ms/s ({max(cores - alone, 0) / count * 1000:.3f} above no tab)"


def memory(
    variant: str, label: str, root: int, before: dict[int, float], count: int, out: Result, traced: bool
) -> None:
    """The server's resident memory with the tabs open against before them: per tab, per process;
    and, when the app traces allocations (--trace-memory), each worker's largest holders."""
    after = tree_rss(root)
    grown = sum(after.values()) - sum(before.values())
    out.add(variant, f"{label}: server RSS", f"{sum(before.values()):.0f} -> {sum(after.values()):.0f} MiB")
    out.add(variant, f"{label}: RSS per open tab", f"{grown / count * 1024:.0f} KiB")
    largest = sorted(after.values(), reverse=True)[:3]
    out.add(variant, f"{label}: largest processes", ", ".join(f"{mib:.0f} MiB" for mib in largest))
    if not traced:
        return
    for pid in after:
        if b"streamlit" in Path(f"/proc/{pid}/cmdline").read_bytes():
            os.kill(pid, signal.SIGUSR2)
    time.sleep(20)  # a snapshot of a traced process takes a while
    for dump in sorted(Path(os.environ["BENCH_DATA_DIR"]).glob("tracemalloc-*.txt")):
        head = dump.read_text().splitlines()[:6]
        out.add(variant, f"{label}: largest holders ({dump.stem})", " | ".join(line.strip() for line in head))


def print_table(out: Result) -> None:
    """Every value, a row per measure and a column per variant (Markdown, for BENCHMARKS.md)."""
    variants = sorted({variant for row in out.rows.values() for variant in row})
    print("\n| what | " + " | ".join(variants) + " |")
    for what, row in out.rows.items():
        print(f"| {what} | " + " | ".join(row.get(variant, "—") for variant in variants) + " |")
