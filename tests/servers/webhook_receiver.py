"""A webhook endpoint on 127.0.0.1 that keeps each delivery as it arrived (body and headers),
to replay real argilla-server deliveries into the dashboard's inbox."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.deliveries: list[tuple[bytes, dict[str, str]]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.deliveries.append((body, dict(self.headers.items())))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/argilla"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def quiet(
        self, seconds: float = 3.0, timeout: float = 120.0, until: Callable[[list[bytes]], bool] | None = None
    ) -> list[tuple[bytes, dict[str, str]]]:
        """The deliveries once none has arrived for `seconds` (at least one has arrived) and, with
        `until`, once the bodies so far satisfy it (a busy worker may pause longer than `seconds`)."""
        started, seen, since = time.monotonic(), -1, time.monotonic()
        while time.monotonic() - started < timeout:
            with self.lock:
                count = len(self.deliveries)
                ready = until is None or until([body for body, _ in self.deliveries])
            if count != seen:
                seen, since = count, time.monotonic()
            elif count and ready and time.monotonic() - since >= seconds:
                with self.lock:
                    return list(self.deliveries)
            time.sleep(0.1)
        raise TimeoutError(f"deliveries never settled ({seen} so far)")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
