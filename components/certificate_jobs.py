"""Certificates drawn off the page process. fpdf2 is pure Python: a ZIP of hundreds of PDFs drawn
where pages run would hold the GIL that every visitor of this process shares. Here a bounded pool
of worker processes draws them, each PDF is kept by content (the same facts in the same language
are the same bytes), and the organizers' ZIP is made by a job that counts what it has drawn, which
a page shows as a progress bar; no page run ever waits for one."""

from __future__ import annotations

import concurrent.futures as futures
import logging
import multiprocessing
import os
import threading
from collections.abc import Hashable
from dataclasses import dataclass

import cachetools

from components.certificate import CertificateFacts, zipped

log = logging.getLogger(__name__)
WORKERS = max(1, min(4, os.cpu_count() or 1))
_pool: futures.ProcessPoolExecutor | None = None
_lock = threading.Lock()
_drawn: cachetools.LRUCache[tuple[CertificateFacts, str], bytes] = cachetools.LRUCache(
    maxsize=64 * 2**20,
    getsizeof=len,  # 64 MB of PDFs, about 2,500 certificates
)
_jobs: cachetools.TTLCache[Hashable, ZipJob] = cachetools.TTLCache(maxsize=8, ttl=3600)


@dataclass
class ZipJob:
    """A ZIP being made: how many certificates of `total` are drawn, then its bytes (or why not)."""

    total: int
    done: int = 0
    data: bytes | None = None
    failed: str | None = None

    @property
    def running(self) -> bool:
        return self.data is None and self.failed is None


def certificate(facts: CertificateFacts, lang: str) -> bytes:
    """One certificate, drawn in a worker process unless it was drawn already."""
    found = _kept(facts, lang)
    return found if found is not None else _keep(facts, lang, _draw(facts, lang).result())


def zip_job(key: Hashable, all_facts: list[CertificateFacts], lang: str) -> ZipJob:
    """The job making the ZIP `key` names: the one under way or done, else a new one, started."""
    with _lock:
        job = _jobs.get(key)
        if job is None or job.failed is not None:
            job = _jobs[key] = ZipJob(len(all_facts))
            threading.Thread(target=_make, args=(job, all_facts, lang), name="certificates-zip", daemon=True).start()
        return job


def zip_job_of(key: Hashable) -> ZipJob | None:
    """The job `key` names, if one was started (and not forgotten: an hour)."""
    with _lock:
        return _jobs.get(key)


def _make(job: ZipJob, all_facts: list[CertificateFacts], lang: str) -> None:
    try:
        pdfs: list[bytes | None] = [_kept(facts, lang) for facts in all_facts]
        job.done = sum(pdf is not None for pdf in pdfs)
        pending = {_draw(facts, lang): i for i, facts in enumerate(all_facts) if pdfs[i] is None}
        for future in futures.as_completed(pending):
            i = pending[future]
            pdfs[i] = _keep(all_facts[i], lang, future.result())
            job.done += 1
        job.data = zipped(all_facts, [pdf for pdf in pdfs if pdf is not None])
    except Exception as error:  # a worker killed, a full disk: said on the page, made again on a new click
        log.exception("certificates: the ZIP could not be made")
        job.failed = type(error).__name__


def _draw(facts: CertificateFacts, lang: str) -> futures.Future[bytes]:
    """`facts` drawn by the pool (made again if a worker died and broke it)."""
    global _pool
    with _lock:
        for _ in range(2):
            if _pool is None:  # spawned, not forked: this process runs threads
                _pool = futures.ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn"))
            try:
                return _pool.submit(_in_worker, facts, lang)
            except futures.BrokenExecutor:
                _pool = None
        raise futures.BrokenExecutor("the certificates' pool cannot start")


def _in_worker(facts: CertificateFacts, lang: str) -> bytes:
    """A certificate drawn in a worker of the pool: fpdf2 is imported there, not in the page process."""
    from components.certificate_pdf import certificate_pdf

    return certificate_pdf(facts, lang)


def _kept(facts: CertificateFacts, lang: str) -> bytes | None:
    with _lock:
        return _drawn.get((facts, lang))


def _keep(facts: CertificateFacts, lang: str, pdf: bytes) -> bytes:
    with _lock:
        _drawn[(facts, lang)] = pdf
    return pdf
