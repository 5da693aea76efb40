"""The records of a dataset as argilla-server lists them, with their responses and suggestions:
all of them page by page (a full read), or some of them by id (what deliveries name). Read through
the SDK's authenticated HTTP client (data/sources/argilla.py says why not through the SDK itself).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from itertools import islice
from typing import Any

import httpx

from data.sources.at_once import Later

PAGE_SIZE = 1000
IDS_PER_SEARCH = 250  # argilla-server takes at most 250 values in a terms filter
AHEAD = 2  # pages of records asked for at a time


def record_pages(http: httpx.Client, dataset_id: str) -> Iterator[list[dict[str, Any]]]:
    """A dataset's records with their responses and suggestions, `PAGE_SIZE` a page, `AHEAD` pages
    asked for at a time once the first has said how many there are: between two Spaces each page's
    round trip, and here the decoding of its JSON, overlap argilla-server's work on the next one
    rather than adding to it. Pages come in order; records added meanwhile (past the total a page
    stated) are read after them."""
    first = _record_page(http, dataset_id, 0)
    items, total = first.get("items", []), int(first.get("total", 0))
    if not items:
        return
    yield items
    starts = iter(range(len(items), total, PAGE_SIZE))
    asked = deque(Later(_record_page, http, dataset_id, start, name="argilla-page") for start in islice(starts, AHEAD))
    while asked:
        body = asked.popleft().result()
        if not body.get("items"):
            return
        yield body["items"]
        if not asked and int(body.get("total", 0)) > total:  # records added since the first page
            starts, total = iter(range(total, int(body["total"]), PAGE_SIZE)), int(body["total"])
        following = next(starts, None)
        if following is not None:
            asked.append(Later(_record_page, http, dataset_id, following, name="argilla-page"))


def _record_page(http: httpx.Client, dataset_id: str, offset: int) -> dict[str, Any]:
    answer = http.get(
        f"/api/v1/datasets/{dataset_id}/records",
        params=[("include", "responses"), ("include", "suggestions"), ("offset", offset), ("limit", PAGE_SIZE)],
    )
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


def records_by_id(http: httpx.Client, dataset_id: str, ids: list[str]) -> Iterator[list[dict[str, Any]]]:
    """These records with their responses and suggestions, `IDS_PER_SEARCH` per request (a terms
    filter on the record id); records that no longer exist are simply not returned."""
    for start in range(0, len(ids), IDS_PER_SEARCH):
        chunk = ids[start : start + IDS_PER_SEARCH]
        terms = {"type": "terms", "scope": {"entity": "record", "property": "id"}, "values": chunk}
        answer = http.post(
            f"/api/v1/datasets/{dataset_id}/records/search",
            params=[("include", "responses"), ("include", "suggestions"), ("offset", 0), ("limit", len(chunk))],
            json={"filters": {"and": [terms]}},
        )
        answer.raise_for_status()
        yield [item["record"] for item in answer.json().get("items", []) if item.get("record")]
