"""Small requests to one upstream sent at the same time.

Between two Spaces (the board and its Argilla, the board and the Hub) a small answer's time is the
network's round trip, not the upstream's work: a dozen settings, signatures or state files asked
one after another cost a dozen round trips, asked at once about one.

`each` asks for a few things at once; `Later` asks for one while the caller goes on (the next page
of records while this one is decoded). The threads are daemons, as the readers that call this are:
a `ThreadPoolExecutor`'s workers are joined when the interpreter exits, so a process asked to stop
would first wait out every request under way and its retries (the Hub's listings retry for a
minute while the Hub is unreachable).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

AT_ONCE = 8  # requests under way at a time (huggingface_hub's own snapshot_download uses 8 workers)

T = TypeVar("T")
R = TypeVar("R")


def each(function: Callable[[T], R], items: Iterable[T], name: str = "at-once") -> list[R]:
    """`function` of each item, in order, `AT_ONCE` at a time in daemon threads named `name`; the
    first error raised by one (in the items' order) is raised here, once the others have ended."""
    items = list(items)
    if len(items) < 2:
        return [function(item) for item in items]
    results: dict[int, R] = {}
    errors: dict[int, BaseException] = {}
    left = iter(range(len(items)))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                index = next(left, None)
            if index is None:
                return
            try:
                results[index] = function(items[index])
            except BaseException as error:  # raised in the caller's thread, below
                errors[index] = error

    for worker in [Later(work, name=f"{name}_{n}") for n in range(min(len(items), AT_ONCE))]:
        worker.result()  # `work` keeps each item's error: none is raised here
    if errors:
        raise errors[min(errors)]
    return [results[index] for index in range(len(items))]


class Later(Generic[R]):
    """`function(*args)` under way in a daemon thread named `name`; `result()` waits for its answer
    (or raises its error)."""

    def __init__(self, function: Callable[..., R], *args: object, name: str = "at-once"):
        self._answer: R | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(function, args), name=name, daemon=True)
        self._thread.start()

    def _run(self, function: Callable[..., R], args: tuple[object, ...]) -> None:
        try:
            self._answer = function(*args)
        except BaseException as error:  # raised in the caller's thread, by result()
            self._error = error

    def result(self) -> R:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._answer  # type: ignore[return-value]  # set when no error was
