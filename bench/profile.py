"""Where a server's time goes during one scenario: py-spy attached to each of its Streamlit
processes (the pids under a root), sampling while the scenario runs, then the functions that hold
most samples, inclusive, by process. py-spy reads the processes from outside: nothing in the app
changes, and the cost is py-spy's own (a few % of a core each at 100 samples a second).

    with Profiled(root, folder) as profile:
        ... the scenario ...
    print(profile.summary())
"""

from __future__ import annotations

import collections
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from bench.common import tree_pids

RATE = 100  # samples a second
OURS = ("app.py", "components/", "views/", "data/", "server/")


def streamlit_pids(root: int) -> list[int]:
    """The Streamlit processes at or below `root` (not nginx, not supervisord)."""
    found = []
    for pid in tree_pids(root):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in command and b"run" in command:
            found.append(pid)
    return sorted(found)


class Profiled:
    """py-spy recording every Streamlit process under `root` from enter to exit (raw stacks)."""

    def __init__(self, root: int, folder: Path):
        self.root, self.folder = root, folder
        self.runs: dict[int, tuple[subprocess.Popen, Path]] = {}

    def __enter__(self) -> Profiled:
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        self.folder.mkdir(parents=True, exist_ok=True)
        for pid in streamlit_pids(self.root):
            out = self.folder / f"py-spy-{pid}.txt"
            command = [spy, "record", "--pid", str(pid), "--rate", str(RATE), "--format", "raw", "-o", str(out)]
            process = subprocess.Popen([*command, "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            self.runs[pid] = (process, out)
        return self

    def __exit__(self, *exc) -> None:
        for process, _ in self.runs.values():
            process.send_signal(signal.SIGINT)
        for process, _ in self.runs.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()

    def summary(self, top: int = 8) -> list[str]:
        """One line per process: its samples, and the functions of ours holding most of them."""
        lines = []
        for pid, (process, out) in self.runs.items():
            if not out.exists():
                error = (process.stderr.read() if process.stderr else b"").decode(errors="replace").strip()
                lines.append(f"pid {pid}: no profile ({error[-160:] or 'py-spy wrote nothing'})")
                continue
            total, held = inclusive(out.read_text(errors="replace"))
            best = ", ".join(f"{name} {count / total:.0%}" for name, count in held.most_common(top)) if total else ""
            lines.append(f"pid {pid}: {total} samples ({total / RATE:.0f} active thread-seconds) | {best}")
        return lines


def inclusive(raw: str) -> tuple[int, collections.Counter[str]]:
    """From py-spy's raw (collapsed) stacks: the samples in all, and per function of ours the
    samples in which it is on the stack (each counted once per sample)."""
    total, held = 0, collections.Counter[str]()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        names = {_name(frame) for frame in stack.split(";")}
        for name in names - {""}:
            held[name] += samples
    return total, held


def _name(frame: str) -> str:
    """`function (path/file.py:line)` -> "file.function" for our own code, "" for the rest."""
    function, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    if not any(part in path for part in OURS) or "site-packages" in path:
        return ""
    return f"{Path(path).stem}.{function.strip()}"
