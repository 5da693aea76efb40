"""Where people's choices of how they appear are kept, so that any process can record one and
every process sees it: a JSON file in the data directory (the processes of one machine share it;
a lock orders their writes), or a Redis hash beyond one machine (one field per person: two
people choosing at once never overwrite each other). The writer copies them into the state repo
on the Hub ([storage]), which is what survives a wiped disk (data/feeds/sync.py)."""

from __future__ import annotations

import fcntl
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import redis

from data.model import appearance
from data.model.appearance import Choice
from data.state.snapshots import atomic_write

FILE = "appearance.json"


class ChoiceStore(Protocol):
    def read(self) -> dict[str, Choice]: ...

    def put(self, choices: Mapping[str, Choice]) -> None:
        """Record these people's choices (each replaces that person's, if newer)."""

    def stamp(self) -> object:
        """Changes whenever a choice is recorded (cheap)."""


class FileChoices:
    def __init__(self, directory: Path):
        self.path = directory / FILE

    def read(self) -> dict[str, Choice]:
        try:
            return appearance.parse(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    def put(self, choices: Mapping[str, Choice]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # read, merge and write as one step among processes
            current = appearance.merged(self.read(), choices)
            atomic_write(self.path, json.dumps(appearance.document(current), ensure_ascii=False))

    def stamp(self) -> object:
        try:
            info = self.path.stat()
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size, info.st_ino


class RedisChoices:
    """One hash field per person; a counter beside it says when any changed."""

    def __init__(self, client: redis.Redis, prefix: str):
        self.client, self.key, self.counter = client, f"{prefix}:appearance", f"{prefix}:appearance:stamp"

    def read(self) -> dict[str, Choice]:
        fields = self.client.hgetall(self.key)
        people = {_text(name): json.loads(value) for name, value in fields.items()}
        return appearance.parse({"people": people})

    def put(self, choices: Mapping[str, Choice]) -> None:
        current = self.read()
        newer = {name: c for name, c in choices.items() if name not in current or c.at > current[name].at}
        if newer:
            entries = appearance.document(newer)["people"]
            pipe = self.client.pipeline()
            pipe.hset(self.key, mapping={name: json.dumps(entry) for name, entry in entries.items()})
            pipe.incr(self.counter)
            pipe.execute()

    def stamp(self) -> object:
        return self.client.get(self.counter)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
