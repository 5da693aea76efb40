"""Every record of some datasets, read page by page with a few pages in flight.

argilla-server takes about as long to prepare a page of 1,000 records as this process takes to
decode it (BENCHMARKS.md section 14): read one after the other, each side waits for the other.
With `READERS` pages asked at once, across the datasets of a read, the server prepares the next
pages while the last one is decoded. A page's answer says how many records the dataset holds, so
every page can be asked for as soon as the first answers; records added meanwhile are asked for
when a later answer counts more (the change signature, read before the records, catches the rest).
"""

from __future__ import annotations

import concurrent.futures as futures
from collections.abc import Callable
from typing import Any

import httpx

PAGE_SIZE = 1000
READERS = 3  # pages in flight: one being decoded here, the next ones being prepared by the server

Page = list[dict[str, Any]]


def record_page(http: httpx.Client, dataset_id: str, offset: int) -> tuple[Page, int]:
    """The records at `offset` with their responses and suggestions, and the dataset's record count."""
    answer = http.get(
        f"/api/v1/datasets/{dataset_id}/records",
        params=[("include", "responses"), ("include", "suggestions"), ("offset", offset), ("limit", PAGE_SIZE)],
    )
    answer.raise_for_status()
    body = answer.json()
    return body.get("items", []), int(body.get("total", 0))


def read_datasets(
    http: httpx.Client, datasets: dict[str, str], on_page: Callable[[str, int], None]
) -> dict[str, list[Page]]:
    """Name -> its pages in order, for these datasets (name -> Argilla id). `on_page(name, records)`
    is called here, in the caller's thread, as each page arrives. Raises what a request raised."""
    pages: dict[str, dict[int, Page]] = {name: {} for name in datasets}
    asked = dict.fromkeys(datasets, PAGE_SIZE)  # the next offset not asked for yet
    pool = futures.ThreadPoolExecutor(READERS, thread_name_prefix="argilla-pages")
    try:
        pending = {pool.submit(record_page, http, found, 0): (name, 0) for name, found in datasets.items()}
        while pending:
            done, _ = futures.wait(pending, return_when=futures.FIRST_COMPLETED)
            for future in done:
                name, offset = pending.pop(future)
                items, total = future.result()
                pages[name][offset] = items
                on_page(name, len(items))
                while asked[name] < total:
                    pending[pool.submit(record_page, http, datasets[name], asked[name])] = (name, asked[name])
                    asked[name] += PAGE_SIZE
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return {name: [page for _, page in sorted(by_offset.items()) if page] for name, by_offset in pages.items()}
