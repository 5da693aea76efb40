"""Start `streamlit run app.py` on a free port for browser tests and load scripts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.servers.argilla_process import free_port
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # as the community's visitors: a browser that asks for Spanish (the board follows Accept-Language
    # on a first visit); a test of another language opens a context with its own `locale`
    "--accept-lang=es-ES,es",
]


README_COMMAND = ["streamlit", "run", "app.py"]  # the README's way to start the app


def dockerfile_command() -> list[str]:
    """The Dockerfile's CMD (the way the Space starts the app), to run as a plain process."""
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    return json.loads(line[len("CMD ") :])


class StreamlitApp:
    """The app as a process: started with `command` from the repository root, on a free port
    (given as Streamlit's environment variables, so the command itself is run unchanged)."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        command: list[str] = README_COMMAND,
        port: int | None = None,
        cwd: Path = ROOT,
    ):
        self.cwd = cwd
        self.port = port or free_port()
        self.env = {
            **os.environ,
            **env,
            "PYTHONUNBUFFERED": "1",
            "STREAMLIT_SERVER_PORT": str(self.port),
            "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
            "PORT": str(self.port),  # what scripts/serve (the Dockerfile's CMD) listens on
        }
        self.log = log
        self.command = command
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StreamlitApp:
        program, *args = self.command
        argv = [sys.executable, "-m", "streamlit", *args] if program == "streamlit" else self.command
        self.process = subprocess.Popen(
            argv,
            cwd=self.cwd,
            env=self.env,
            stdout=open(self.log, "wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(lambda: healthy(self.port), 60, "streamlit to start", gave_up=lambda: died(self.process, self.log))
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(10)


def healthy(port: int) -> bool:
    """Does the Streamlit server on this port answer its health check?"""
    try:
        return httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).text == "ok"
    except httpx.HTTPError:
        return False


def died(process: subprocess.Popen, log: Path) -> str | None:
    """The end of its log if the process has exited (for `wait_until(gave_up=...)`)."""
    return None if process.poll() is None else f"it exited: {log.read_text(errors='replace')[-3000:]}"


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until the script has finished running and the page content is in place.

    Streamlit draws lazily loaded elements (metrics, tables, charts, downloads) as skeletons
    until their code has arrived, so the page is in place only when no skeleton is left.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }",
        timeout=timeout,
    )
    page.wait_for_timeout(400)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0", timeout=timeout
    )


def wait_for_drawn(page, timeout: float = 30_000) -> None:
    """`wait_for_app`, then what a person looks at is drawn: the fonts loaded, every image decoded,
    every metric's value and every table's canvas in place. Screenshots and audits wait for this,
    never for the network to be idle (an open page keeps a long-poll open)."""
    wait_for_app(page, timeout)
    page.wait_for_function(
        """() => document.fonts.status === 'loaded'
          && Array.from(document.images).every(image => image.complete)
          && Array.from(document.querySelectorAll('[data-testid="stMetricValue"]'))
               .every(value => value.innerText.trim() !== '')
          && Array.from(document.querySelectorAll('[data-testid="stDataFrame"]'))
               .every(table => table.querySelector('canvas'))""",
        timeout=timeout,
    )


def grid_rows(page, grid) -> list[list[str]]:
    """The cells of an `st.dataframe` as a person copies them: click into the grid, select all, copy.

    The grid is drawn on a canvas, so its text is not in the DOM; the page's context needs the
    "clipboard-read" and "clipboard-write" permissions."""
    box = grid.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + min(60, box["height"] - 5))
    page.keyboard.press("Control+a")
    page.keyboard.press("Control+c")
    page.wait_for_function("() => navigator.clipboard.readText().then(text => text.length > 0)")
    return [line.split("\t") for line in page.evaluate("navigator.clipboard.readText()").splitlines()]


class ServedApp:
    """The production setup as a process tree: `scripts/serve` (supervisord, nginx, WORKERS
    Streamlit processes) on a free port, with `supervisorctl` to look at and restart them."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 2, port: int | None = None, root: Path = ROOT):
        self.root = root
        self.port = port or free_port()
        ports = [free_port() for _ in range(workers)] if workers > 1 else [self.port]  # one: on the port itself
        self.env = {
            **os.environ,
            **env,
            "PYTHONUNBUFFERED": "1",
            "WORKERS": str(workers),
            "PORT": str(self.port),
            "WORKER_PORTS": ",".join(map(str, ports)),
            "PYTHON": sys.executable,
        }
        self.worker_ports = ports
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def run_dir(self) -> Path:
        return Path(self.env["DATA_DIR"]) / f"run-{self.port}"  # where scripts/serve puts its files

    def start(self) -> ServedApp:
        self.process = subprocess.Popen(
            [str(self.root / "scripts" / "serve")],
            cwd=self.root,
            env=self.env,
            stdout=open(self.log, "wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(
            lambda: all(map(healthy, self.worker_ports)),
            90,
            "scripts/serve to start",
            gave_up=lambda: died(self.process, self.log),
        )
        return self

    healthy = staticmethod(healthy)

    def supervisorctl(self, *args: str) -> str:
        command = [str(Path(sys.executable).with_name("supervisorctl")), "-c", str(self.run_dir / "supervisord.conf")]
        return subprocess.run([*command, *args], capture_output=True, text=True, timeout=30).stdout

    def pid(self, program: str) -> int | None:
        answer = self.supervisorctl("pid", program).strip()
        return int(answer) if answer.isdigit() and answer != "0" else None

    def worker_of(self, port: int) -> str:
        """The supervisord program serving a worker port."""
        return "writer" if port == self.worker_ports[0] else f"reader-{self.worker_ports.index(port)}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # supervisord stops its programs, then itself
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """What the death of its container does: every process at once (SIGKILL). supervisord
        puts each program in a process group of its own, so they are killed group by group, or
        nginx and the workers would outlive it (and keep working through every later test)."""
        programs = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        os.killpg(self.process.pid, signal.SIGKILL)
        for pid in map(int, programs.split()):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(10)
