"""Requests at once (data/sources/at_once.py): answers in the items' order, the first error in that
order, one asked while the caller goes on, and a process that stops while requests are under way
stops (no thread holds it)."""

import subprocess
import sys
import threading

import pytest

from data.sources.at_once import AT_ONCE, Later, each
from tests.app_env import ROOT


def test_answers_come_in_the_items_order_whatever_ends_first():
    release = [threading.Event() for _ in range(5)]

    def answer(n: int) -> int:
        if n + 1 < len(release):
            release[n + 1].wait(10)  # each waits for the next to end first: the last ends first
        release[n].set()
        return n * n

    assert each(answer, range(5)) == [0, 1, 4, 9, 16]


def test_the_first_error_in_the_items_order_is_raised_once_every_item_ran():
    ran = []

    def answer(n: int) -> int:
        ran.append(n)
        if n in (3, 6):
            raise ValueError(n)
        return n

    with pytest.raises(ValueError) as error:
        each(answer, range(2 * AT_ONCE))
    assert error.value.args == (3,) and sorted(ran) == list(range(2 * AT_ONCE))


def test_one_asked_while_the_caller_goes_on_answers_or_raises_its_error():
    go_on = threading.Event()
    later = Later(lambda n: go_on.wait(10) and n + 1, 41)
    go_on.set()  # the caller went on meanwhile
    assert later.result() == 42
    failing = Later(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failing.result()


def test_a_process_stops_while_its_requests_are_under_way():
    """A reader asking at once from its daemon thread, the main thread ending: the interpreter exits
    (with a ThreadPoolExecutor it waits for every request under way, here forever)."""
    script = (
        "import threading\n"
        "from data.sources.at_once import Later, each\n"
        "never = threading.Event()\n"
        "started = threading.Barrier(4)\n"
        "def ask(n):\n"
        "    started.wait()\n"
        "    never.wait()\n"
        "reader = threading.Thread(target=lambda: each(ask, range(2)), daemon=True)\n"
        "reader.start()\n"
        "later = Later(ask, 3)\n"
        "started.wait()\n"
        "print('under way', flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "under way\n", done.stderr
