"""Wrong organizer passphrases are counted for the whole board: with REDIS_URL every process and
replica counts against one limit (a real redis-server), without it each of a machine's N processes
takes 1/N of it, and while Redis is gone the process's own share still counts."""

import subprocess

import pytest

from data.state.attempts import FailedAttempts

pytestmark = pytest.mark.fault

LIMIT, WINDOW = 30, 900


def tries_until_blocked(*processes: FailedAttempts) -> int:
    """Wrong passphrases a guesser gets in, going from process to process."""
    tried = 0
    while not all(p.blocked() for p in processes):
        next(p for p in processes if not p.blocked()).failed()
        tried += 1
        assert tried <= LIMIT * len(processes)
    return tried


def test_two_workers_on_one_machine_allow_no_more_than_one_process_would():
    workers = [FailedAttempts(LIMIT, WINDOW, "memory://", processes=2) for _ in range(2)]
    assert tries_until_blocked(*workers) == LIMIT  # 15 each; before, 30 each
    assert tries_until_blocked(FailedAttempts(LIMIT, WINDOW)) == LIMIT  # one process alone: all of it


def test_with_redis_every_replica_counts_against_one_limit(redis_url):
    replicas = [FailedAttempts(LIMIT, WINDOW, redis_url, processes=2) for _ in range(3)]
    assert tries_until_blocked(*replicas) == LIMIT


def test_redis_gone_still_counts_in_each_process(redis_url, tmp_path):
    process = FailedAttempts(LIMIT, WINDOW, redis_url, processes=2)
    for _ in range(10):
        process.failed()
    port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], check=False, capture_output=True)
    assert tries_until_blocked(process) == LIMIT // 2 - 10  # its share, the tries before the outage counted
