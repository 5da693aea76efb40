"""Certificates of participation: one PDF, and the organizers' ZIP of every eligible contributor.

    .venv/bin/python -m bench.certificates [eligible]

Times `certificate_pdf` for plain, accented, right-to-left and emoji-bearing names (the last two
take the shaping and fallback-font paths), and `certificates_zip` for `eligible` contributors: in
place (the naive way, in the page process) and by components/certificate_jobs.py (the pool of
worker processes the app uses), with how much of the calling process's CPU each takes (what the
other visitors of that process lose), and a certificate asked for again (kept by content).
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

NAMES = {
    "plain": "maria_garcia",
    "accents": "José Ñúñez Peña",
    "right-to-left": "محمد الأحمد",
    "emoji": "🦙 llama_fan 🚀",
}


def facts(name: str, rank: int = 1) -> CertificateFacts:
    return CertificateFacts(
        name=name,
        rank=rank,
        contributors=1200,
        validations=640,
        corrections=120,
        datasets=("MMLU", "ARC-C", "HellaSwag"),
        eligible=True,
        campaign="Campaña de prueba",
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 4, 30),
        minimum=100,
        data_at=dt.datetime(2026, 4, 30, 12, tzinfo=dt.UTC),
        issued=dt.date(2026, 5, 1),
        verify_url=f"https://tablero.example/mi-posicion?user={name}",
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
        f"ZIP of {eligible} certificates (a quarter of each kind), in place: median of 3 "
        f"{statistics.median(times):.1f} s, {statistics.median(cpu):.1f} s of the page process's CPU, "
        f"{len(archive) / 1e6:.1f} MB"
    )
    certificate_jobs.certificate(facts("warm-up"), "es")  # the pool's processes started
    pooled, pooled_cpu = [], []
    for run in range(3):
        batch = [replace(one, issued=dt.date(2026, 5, 2 + run)) for one in people]  # nothing kept yet
        started, used = time.perf_counter(), time.process_time()
        job = certificate_jobs.zip_job(("bench", run), batch, "es")
        while job.running:
            time.sleep(0.05)
        pooled.append(time.perf_counter() - started)
        pooled_cpu.append(time.process_time() - used)
        assert job.data is not None and job.done == eligible
    print(
        f"ZIP of {eligible} by the pool ({certificate_jobs.WORKERS} worker processes): median of 3 "
        f"{statistics.median(pooled):.1f} s ({statistics.median(times) / statistics.median(pooled):.1f}x), "
        f"{statistics.median(pooled_cpu):.1f} s of the page process's CPU"
    )
    seconds = median_seconds(lambda: certificate_jobs.certificate(people[0], "es"), repeat=15)
    print(f"one certificate asked for again (kept by content): median {seconds * 1000:.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
