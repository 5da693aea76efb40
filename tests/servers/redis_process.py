"""A redis-server of its own on 127.0.0.1 that a test can stop and start again on the same port
(a Redis outage, a restart that lost everything: no persistence, as a fresh container)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import redis

from tests.servers.argilla_process import free_port
from tests.waiting import wait_until


class RedisServer:
    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=self.folder)
        wait_until(self.answers, timeout=20, what="redis")
        return self

    def stop(self) -> None:
        """Gone at once, with everything it held (SIGKILL: no goodbye to its clients)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def used_memory(self) -> int:
        """Bytes Redis holds for its data, at its peak since it started."""
        return int(redis.Redis(port=self.port).info("memory")["used_memory_peak"])
