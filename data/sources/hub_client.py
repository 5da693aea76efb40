"""huggingface_hub's shared HTTP client, made safe to share between threads.

huggingface_hub keeps one `httpx2.Client` per process and closes it (`close_session`) whenever any
request meets a connection error, to drop a possibly broken TLS state. Our pollers and the storage
sync run on their own threads, so one thread's failed connect (an unreachable upstream) would cut
the requests the others have in flight ("Bad file descriptor"). The client installed here retires
instead: it stops being the shared client at once (huggingface_hub makes a new one), and closes its
connections when its last request, streamed bodies included, has ended. The library's default has
no timeout either; this one has a finite one (`install_timeout`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx2
from huggingface_hub import get_session, set_client_factory
from huggingface_hub.utils._http import hf_request_event_hook  # offline mode, request ids: as the default client

_timeout_seconds = [30.0]


class RetiringClient(httpx2.Client):
    """An `httpx2.Client` whose `close()` waits for the requests in flight on it."""

    def __init__(self, timeout: float) -> None:
        super().__init__(event_hooks={"request": [hf_request_event_hook]}, follow_redirects=True, timeout=timeout)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._retired = False

    def send(self, request: httpx2.Request, **kwargs: Any) -> httpx2.Response:
        if not self._enter():  # a caller that took this client before it retired: use the current one
            return current_session().send(request, **kwargs)
        try:
            response = super().send(request, **kwargs)
        except BaseException:
            self._leave()
            raise
        if response.is_closed:
            self._leave()
        else:  # a streamed body: the request ends when the body is closed
            response.stream = _Releasing(response.stream, self._leave)
        return response

    def close(self) -> None:
        with self._lock:
            self._retired = True
            idle = self._in_flight == 0
        if idle:
            super().close()

    def _enter(self) -> bool:
        with self._lock:
            if self._retired and self._in_flight == 0:
                return False
            self._in_flight += 1
            return True

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1
            last = self._retired and self._in_flight == 0
        if last:
            super().close()


class _Releasing(httpx2.SyncByteStream):
    """A response body that tells its client, once, when it is closed."""

    def __init__(self, body: Any, release: Any) -> None:
        self._body = body
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        yield from self._body

    def close(self) -> None:
        release, self._release = self._release, None
        try:
            self._body.close()
        finally:
            if release is not None:
                release()


def _client() -> httpx2.Client:
    return RetiringClient(_timeout_seconds[0])


# Installed once, at import: `set_client_factory` itself closes the shared client.
set_client_factory(_client)


def install_timeout(seconds: float) -> None:
    """Give huggingface_hub's shared HTTP client a finite timeout (its default has none).

    Changes the live client in place, so a request in flight on another thread is never cut."""
    _timeout_seconds[0] = seconds
    current_session().timeout = httpx2.Timeout(seconds)


def current_session() -> httpx2.Client:
    """huggingface_hub's shared client, made again if another thread's `close_session` cleared it
    while `get_session` made it (that function reads its global again, outside its lock)."""
    while True:
        session: httpx2.Client | None = get_session()
        if session is not None:
            return session
