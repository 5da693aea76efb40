"""The oracle of the prize CSV: what argilla-server itself counts, and a random stream of changes of
every kind by many annotators to hold the board against it. Shared by the tests and bench/burst.py.

Validations and discards come from `GET /api/v1/datasets/{id}/users/progress` (argilla-server's
own per-user count); ranks and eligibility follow from them by the README's definitions;
corrections from the submitted responses themselves, compared with each record's reference."""

from __future__ import annotations

import csv
import io
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from tests.hooked_app import Annotator


@dataclass(frozen=True)
class Row:
    validations: int
    discarded: int
    rank: int
    eligible: bool
    corrections: int | None = None  # None: not compared


def argilla_rows(
    http: httpx.Client, dataset_ids: list[str], minimum: int, exclude: tuple[str, ...] = ("owner",)
) -> dict[str, Row]:
    """What argilla-server counts, as the CSV's rows: every person with a validation or a discard."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for dataset_id in dataset_ids:
        answer = http.get(f"/api/v1/datasets/{dataset_id}/users/progress")
        answer.raise_for_status()
        for person in answer.json()["users"]:
            for record_status in ("completed", "pending"):
                counts = person.get(record_status) or {}
                totals[person["username"]][0] += counts.get("submitted", 0)
                totals[person["username"]][1] += counts.get("discarded", 0)
    counted = {name: v for name, v in totals.items() if name not in exclude and sum(v) > 0}
    return {
        name: Row(v, d, 1 + sum(1 for other, _ in counted.values() if other > v), v >= minimum)
        for name, (v, d) in counted.items()
    }


def argilla_corrections(http: httpx.Client, dataset_id: str, question: str, reference: str) -> dict[str, int]:
    """Per username: submitted answers that differ from the record's reference (whitespace
    collapsed): the question's suggestion, else the reference field (the README's definition)."""
    names = {str(u["id"]): u["username"] for u in http.get("/api/v1/users").json()["items"]}
    counts: dict[str, int] = defaultdict(int)
    for record, wanted in _records(http, dataset_id, question, reference):
        for response in record.get("responses") or []:
            given = _normalised((response.get("values") or {}).get(question, {}).get("value"))
            if response["status"] == "submitted" and given != _normalised(wanted):
                counts[names[str(response["user_id"])]] += 1
    return dict(counts)


def references(http: httpx.Client, dataset_id: str, question: str, reference: str) -> dict[str, str]:
    """Record id -> its reference, for a stream that sometimes agrees with it."""
    return {str(record["id"]): wanted for record, wanted in _records(http, dataset_id, question, reference) if wanted}


def _records(http: httpx.Client, dataset_id: str, question: str, reference: str) -> Iterator[tuple[dict, str | None]]:
    """Every record with its responses, and its reference."""
    questions = http.get(f"/api/v1/datasets/{dataset_id}/questions").json()["items"]
    question_id = next(str(q["id"]) for q in questions if q["name"] == question)
    offset = 0
    while True:
        params = [("include", "responses"), ("include", "suggestions"), ("offset", offset), ("limit", 1000)]
        answer = http.get(f"/api/v1/datasets/{dataset_id}/records", params=params)
        answer.raise_for_status()
        items = answer.json()["items"]
        for record in items:
            suggested = [s["value"] for s in record.get("suggestions") or [] if str(s["question_id"]) == question_id]
            wanted = suggested[0] if suggested else record["fields"].get(reference)
            yield record, wanted if isinstance(wanted, str) else None
        if len(items) < 1000:
            return
        offset += 1000


def _normalised(text: object) -> str | None:
    return re.sub(r"\s+", " ", text).strip() if isinstance(text, str) else None


def csv_rows(body: bytes, with_corrections: bool = False) -> dict[str, Row]:
    """The prize CSV's rows by username."""
    rows = csv.DictReader(io.StringIO(body.decode("utf-8")))
    return {
        row["username"]: Row(
            int(row["validations"]),
            int(row["discarded"]),
            int(row["rank"]),
            row["eligible"] == "true",
            int(row["corrections"]) if with_corrections else None,
        )
        for row in rows
    }


def differences(board: dict[str, Row], truth: dict[str, Row]) -> int:
    """Cells of the board that differ from the truth (a missing or extra person: every cell)."""
    cells = 0
    for name in board.keys() | truth.keys():
        mine, theirs = board.get(name), truth.get(name)
        if mine is None or theirs is None:
            cells += 4
            continue
        cells += sum(a != b for a, b in zip(_cells(mine), _cells(theirs), strict=True))
    return cells


def _cells(row: Row) -> tuple[object, ...]:
    return (row.validations, row.discarded, row.rank, row.eligible) + (
        () if row.corrections is None else (row.corrections,)
    )


@dataclass
class Stream:
    """Random changes of every kind by several annotators over some records: creates (submitted,
    discarded, draft), edits that change a status or an answer, deletions, bulk submissions."""

    annotators: dict[str, Annotator]
    records: list[str]
    rng: random.Random
    reference: dict[str, str] = field(default_factory=dict)  # record id -> its reference (to agree with it)
    held: dict[tuple[str, str], str] = field(default_factory=dict)  # (annotator, record) -> response id
    done: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def run(self, changes: int) -> dict[str, int]:
        """Make this many changes (a bulk submission counts as one); what was done, by kind."""
        for _ in range(changes):
            self.step()
        return dict(self.done)

    def step(self) -> None:
        name = self.rng.choice(sorted(self.annotators))
        annotator, record = self.annotators[name], self.rng.choice(self.records)
        response = self.held.get((name, record))
        if response is None and self.rng.random() < 0.1:
            self._bulk(name)
        elif response is None:
            status = self.rng.choices(["submitted", "discarded", "draft"], [0.7, 0.15, 0.15])[0]
            self.held[(name, record)] = annotator.submit(record, self._text(record), status=status)
            self.done[f"create {status}"] += 1
        elif self.rng.random() < 0.3:
            annotator.delete(response)
            del self.held[(name, record)]
            self.done["delete"] += 1
        else:
            status = self.rng.choice(["submitted", "discarded", "draft"])
            annotator.edit(response, status, self._text(record))
            self.done[f"edit to {status}"] += 1

    def _bulk(self, name: str) -> None:
        free = [r for r in self.records if (name, r) not in self.held]
        chosen = self.rng.sample(free, min(len(free), self.rng.randint(2, 12)))
        if not chosen:
            return
        self.annotators[name].submit_many(chosen, self._text(chosen[0]))
        self.held.update({(name, r): self.annotators[name].response_of(r) for r in chosen})
        self.done["bulk submissions"] += len(chosen)

    def forget(self, records: set[str]) -> None:
        """These records are gone (deleted by the owner): no more changes to them."""
        self.records = [r for r in self.records if r not in records]
        self.held = {key: response for key, response in self.held.items() if key[1] not in records}

    @staticmethod
    def together(streams: list[Stream], changes: int) -> dict[str, int]:
        """Run these streams at once (one thread each: annotators working side by side), `changes`
        each; what was done, by kind."""
        with ThreadPoolExecutor(len(streams)) as pool:
            done = list(pool.map(lambda stream: stream.run(changes), streams))
        return dict(sum((Counter(d) for d in done), Counter()))

    def _text(self, record: str) -> str:
        """The reference itself half the time (a validation that is no correction), else a correction."""
        reference = self.reference.get(record)
        return reference if reference and self.rng.random() < 0.5 else f"corrección {self.rng.randint(0, 99)}"
