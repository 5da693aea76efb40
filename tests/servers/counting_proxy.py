"""A reverse proxy on 127.0.0.1 that forwards to an upstream and counts requests by path.

Used to prove how often the dashboard reaches Argilla, whatever the number of viewers, and to
inject faults between the app and a real server: a delay, a status code, or an answer cut short
(`cut`): "reset", half the body then the connection reset (TCP RST), or "truncated", a whole HTTP
answer whose JSON stops halfway.
"""

from __future__ import annotations

import re
import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler

import httpx

from tests.servers.listening import Listening

SIGNATURE = re.compile(r"/api/v1/datasets/[^/]+/users/progress")  # one per dataset in every read
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


class CountingProxy:
    def __init__(self, upstream: str, port: int = 0):
        self.upstream = upstream.rstrip("/")
        self.counts: Counter[str] = Counter()
        self.log: list[tuple[float, str, str]] = []
        self.busy: list[tuple[float, float]] = []  # (start, seconds) of each forwarded request
        self.delay = 0.0
        self.status: int | None = None  # answer every request with this status instead
        self.fault_headers: dict[str, str] = {}  # ... with these headers (say, Retry-After)
        self.cut: str | None = None  # "reset" or "truncated": cut the answers to paths ending with `cut_paths`
        self.cut_paths = ""
        self.gate = threading.Event()  # cleared: every request waits until it is set again
        self.gate.set()
        self.held = ""  # requests whose path holds this text wait until `release` is set
        self.release = threading.Event()
        self.release.set()
        self.lock = threading.Lock()
        proxy = self
        client = httpx.Client(timeout=120)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else an answer's head and body wait out the client's delayed ACK

            def log_message(self, *args):
                pass

            def _forward(self):
                path = self.path.split("?")[0]
                with proxy.lock:
                    proxy.counts[f"{self.command} {path}"] += 1
                    proxy.log.append((time.monotonic(), self.command, path))
                proxy.gate.wait()
                if proxy.held and proxy.held in path:
                    proxy.release.wait()
                if proxy.delay:
                    time.sleep(proxy.delay)
                if proxy.status is not None:
                    body = b'{"detail":"injected fault"}'
                    self.send_response(proxy.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in proxy.fault_headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
                started = time.monotonic()
                try:
                    answer = client.request(self.command, proxy.upstream + self.path, content=body, headers=headers)
                    with proxy.lock:
                        proxy.busy.append((started, time.monotonic() - started))
                except httpx.HTTPError:
                    self.send_response(502)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                content, cut = answer.content, proxy.cut if path.endswith(proxy.cut_paths) else None
                shown = content[: len(content) // 2] if cut else content
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in HOP_HEADERS:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content if cut == "reset" else shown)))
                self.end_headers()
                self.wfile.write(shown)
                if cut == "reset":  # the rest never comes: the connection is reset mid-body
                    self.wfile.flush()
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        self.httpd = Listening(("127.0.0.1", port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def polls_since(self, since: float) -> int:
        """Dashboard reads of Argilla since `since`: each asks every dataset its change signature
        once (GET /api/v1/datasets/<id>/users/progress), so the polls are those requests over the
        datasets they name."""
        with self.lock:
            asked = [path for _, method, path in self.log if method == "GET" and SIGNATURE.fullmatch(path)]
            recent = sum(
                1 for at, method, path in self.log if at >= since and method == "GET" and SIGNATURE.fullmatch(path)
            )
        return recent // max(len(set(asked)), 1)

    def upstream_seconds(self, since: float, until: float | None = None) -> float:
        """Seconds the upstream spent answering requests that started in [since, until)."""
        with self.lock:
            return sum(s for at, s in self.busy if at >= since and (until is None or at < until))

    def requests_since(self, since: float, prefix: str = "") -> int:
        with self.lock:
            return sum(1 for at, method, path in self.log if at >= since and f"{method} {path}".startswith(prefix))

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
