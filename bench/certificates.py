"""Certificates of participation: one PDF, and the organizers' ZIP of every eligible contributor.

    .venv/bin/python -m bench.certificates [eligible]

Times `certificate_pdf` for plain, accented, right-to-left, emoji-bearing, Chinese, Devanagari and
Thai names (all but the first two take the shaping and fallback-font paths), each the median of 15
after one drawn to warm up (it makes the faces' cuts, once per machine), and `certificates_zip`
for `eligible` contributors (each kind in turn): in place (the naive way, in the page process) and
by components/certificate_jobs.py (the pool of worker processes the app uses), with how much of the
calling process's CPU each takes (what the other visitors of that process lose), and a certificate
asked for again (kept by content).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from dataclasses import replace

from bench.common import machine, median_seconds
from components import certificate_jobs
from components.certificate import CertificateFacts
from components.certificate_pdf import certificate_pdf, certificates_zip
from data.model import credentials

DATASETS = ("MMLU", "ARC-C", "HellaSwag")
NAMES = {
    "plain": "maria_garcia",
    "accents": "José Ñúñez Peña",
    "right-to-left": "محمد الأحمد",
    "emoji": "🦙 llama_fan 🚀",
    "Chinese": "王小明",
    "Devanagari": "राम शर्मा",
    "Thai": "สมชาย ใจดี",
}


def facts(name: str, rank: int = 1) -> CertificateFacts:
    """A certificate as the app issues one: with its signed ID, printed and in a QR code."""
    issued = dt.date(2026, 5, 1)
    mark = credentials.Credential(name, 640, 120, issued, credentials.campaign_tag("Campaña de prueba", DATASETS))
    credential_id = credentials.issue(mark, b"k" * 32)
    return CertificateFacts(
        name=name,
        rank=rank,
        contributors=1200,
        validations=640,
        corrections=120,
        datasets=DATASETS,
        eligible=True,
        campaign="Campaña de prueba",
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 4, 30),
        minimum=100,
        data_at=dt.datetime(2026, 4, 30, 12, tzinfo=dt.UTC),
        issued=issued,
        verify_url=f"https://tablero.example/certificado?id={credential_id}",
        credential_id=credential_id,
    )


def main(eligible: int) -> None:
    print(machine())
    for kind, name in NAMES.items():
        seconds = median_seconds(lambda name=name: certificate_pdf(facts(name), "es"), repeat=15)
        print(f"one certificate, {kind} name: median {seconds * 1000:.0f} ms")
    people = [facts(f"{list(NAMES.values())[i % len(NAMES)]}_{i}", rank=i + 1) for i in range(eligible)]
    times, cpu = [], []
    for _ in range(3):
        started, used = time.perf_counter(), time.process_time()
        archive = certificates_zip(people, "es")
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    print(
        f"ZIP of {eligible} certificates (each kind in turn), in place: median of 3 "
        f"{statistics.median(times):.1f} s, {statistics.median(cpu):.1f} s of the page process's CPU, "
        f"{len(archive) / 1e6:.1f} MB"
    )
    certificate_jobs.certificate(facts("warm-up"), "es")  # the pool's processes started
    pooled, pooled_cpu = by_the_pool(people, "mixed")
    print(
        f"ZIP of {eligible} by the pool ({certificate_jobs.WORKERS} worker processes): median of 3 "
        f"{pooled:.1f} s ({statistics.median(times) / pooled:.1f}x), {pooled_cpu:.1f} s of the page process's CPU"
    )
    latin = [facts(f"{('maria_garcia', 'José Ñúñez Peña')[i % 2]}_{i}", rank=i + 1) for i in range(eligible)]
    pooled, _ = by_the_pool(latin, "latin")
    print(
        f"ZIP of {eligible} by the pool, every name in Latin letters (as Hub usernames are): median of 3 {pooled:.1f} s"
    )
    seconds = median_seconds(lambda: certificate_jobs.certificate(people[0], "es"), repeat=15)
    print(f"one certificate asked for again (kept by content): median {seconds * 1000:.2f} ms")


def by_the_pool(people: list[CertificateFacts], kind: str) -> tuple[float, float]:
    """The median of three ZIPs of `people` made by the app's pool: seconds, and this process's CPU."""
    times, cpu = [], []
    for run in range(3):
        batch = [replace(one, issued=dt.date(2026, 5, 2 + run)) for one in people]  # nothing kept yet
        started, used = time.perf_counter(), time.process_time()
        job = certificate_jobs.zip_job(("bench", kind, run), batch, "es")
        while job.running:
            time.sleep(0.05)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        assert job.data is not None and job.done == len(people)
    return statistics.median(times), statistics.median(cpu)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
