"""Certificates of participation: one PDF, and the organizers' ZIP of every eligible contributor.

    .venv/bin/python -m bench.certificates [eligible]

Times `certificate_pdf` for plain, accented, right-to-left and emoji-bearing names (the last two
take the shaping and fallback-font paths), and `certificates_zip` for `eligible` contributors.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time

from bench.common import machine, median_seconds
from components.certificate import CertificateFacts, certificate_pdf, certificates_zip

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
    times = []
    for _ in range(3):
        started = time.perf_counter()
        archive = certificates_zip(people, "es")
        times.append(time.perf_counter() - started)
    print(
        f"ZIP of {eligible} certificates (a quarter of each kind): median of 3 {statistics.median(times):.1f} s, "
        f"{len(archive) / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
