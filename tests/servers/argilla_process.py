"""Install (once) and run a real argilla-server 2.8.0 with Redis on 127.0.0.1.

Used by the pytest session fixture and by the benchmarks. The server lives in its own
virtualenv (it pins typer/click versions that clash with huggingface_hub 2.x).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.waiting import wait_until

SERVER_VERSION = "2.8.0"
OWNER_USERNAME = "owner"
OWNER_API_KEY = "owner.apikey.for.tests"
OWNER_PASSWORD = "owner-password-1234"
HERE = Path(__file__).resolve().parent


def server_venv() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return Path(os.environ.get("ARGILLA_SERVER_VENV", cache / "tablero-somos600m" / f"argilla-server-{SERVER_VERSION}"))


def ensure_server_installed() -> Path:
    """Create the server's virtualenv on first use; later runs reuse it."""
    venv = server_venv()
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    if marker.exists():
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", f"argilla-server=={SERVER_VERSION}", "click<8.2"],
        check=True,
    )
    marker.write_text(SERVER_VERSION)
    return python


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ArgillaTestServer:
    """A running argilla-server + Redis pair. `start()` returns once `/api/v1/me` answers."""

    home: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="argilla-test-")))
    port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    _server: subprocess.Popen | None = None
    _worker: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_key(self) -> str:
        return OWNER_API_KEY

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "ARGILLA_HOME_PATH": str(self.home),
            "ARGILLA_DATABASE_URL": f"sqlite+aiosqlite:///{self.home}/argilla.db",
            "ARGILLA_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "ARGILLA_SEARCH_ENGINE": "sqldb",
            "ARGILLA_AUTH_SECRET_KEY": "tablero-test-secret-key",
            "ARGILLA_ENABLE_TELEMETRY": "0",
            "HF_HUB_DISABLE_TELEMETRY": "1",
        }

    def start(self) -> ArgillaTestServer:
        python = ensure_server_installed()
        self.start_redis()
        env = self._env()
        subprocess.run(
            [str(python), "-m", "argilla_server", "database", "migrate"], env=env, check=True, capture_output=True
        )
        subprocess.run(
            [
                str(python),
                "-m",
                "argilla_server",
                "database",
                "users",
                "create",
                "--username",
                OWNER_USERNAME,
                "--password",
                OWNER_PASSWORD,
                "--role",
                "owner",
                "--api-key",
                OWNER_API_KEY,
                "--first-name",
                "Owner",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        self.start_server()
        return self

    def start_redis(self) -> None:
        redis = shutil.which("redis-server")
        if redis is None:
            raise RuntimeError("redis-server is not installed: run scripts/test.sh, which installs it")
        subprocess.run(
            [
                redis,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.home / "redis.pid"),
                "--dir",
                str(self.home),
            ],
            check=True,
            capture_output=True,
        )

    def stop_redis(self) -> None:
        _kill_pidfile(self.home / "redis.pid")

    def start_server(self) -> None:
        """Start (or restart, after `stop_server`) the HTTP server on the same port and database."""
        python = ensure_server_installed()
        log = open(self.home / "server.log", "ab")
        self._server = subprocess.Popen(
            [str(python), str(HERE / "argilla_launcher.py"), str(self.port)],
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self._ready, 60, "argilla-server to answer")

    def _ready(self) -> bool:
        if self._server is not None and self._server.poll() is not None:
            raise RuntimeError(f"argilla-server exited: {(self.home / 'server.log').read_text()[-2000:]}")
        try:
            answer = httpx.get(f"{self.api_url}/api/v1/me", headers={"X-Argilla-Api-Key": OWNER_API_KEY}, timeout=2)
        except httpx.HTTPError:
            return False
        return answer.status_code == 200

    def stop_server(self) -> None:
        if self._server is not None and self._server.poll() is None:
            os.killpg(self._server.pid, signal.SIGKILL)
            self._server.wait()
        self._server = None

    def start_worker(self, simple: bool = True) -> None:
        """The background worker that delivers webhooks (idempotent); see argilla_worker.py."""
        if self._worker is not None and self._worker.poll() is None:
            return
        log = open(self.home / "worker.log", "ab")
        self._worker = subprocess.Popen(
            [str(ensure_server_installed()), str(HERE / "argilla_worker.py"), *(["--simple"] if simple else [])],
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop_worker(self) -> None:
        if self._worker is not None and self._worker.poll() is None:
            os.killpg(self._worker.pid, signal.SIGTERM)
            try:
                self._worker.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self._worker.pid, signal.SIGKILL)
        self._worker = None

    def stop(self) -> None:
        self.stop_worker()
        self.stop_server()
        self.stop_redis()
        shutil.rmtree(self.home, ignore_errors=True)


def _kill_pidfile(pidfile: Path) -> None:
    try:
        os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        pass
