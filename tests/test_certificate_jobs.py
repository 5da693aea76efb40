"""The organizers' ZIP made off the page process: the same certificates as drawn in place, a
progress bar a page draws without waiting, a page run that never waits for it, and a worker's
death said and mended by the next click."""

from __future__ import annotations

import io
import os
import signal
import zipfile

import pytest

from components import certificate_jobs
from components.certificate_pdf import certificate_pdf, certificates_zip
from tests.app_env import environment, open_page
from tests.test_certificate import facts
from tests.waiting import wait_until

NAMES = ["Ana Núñez", "محمد الأحمد", "🦙 llama_fan 🚀", "Ana Núñez", "李小龍", "../../etc/passwd"]


def contents(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_pool_draws_the_same_certificates_as_in_place():
    people = [facts(name) for name in NAMES]
    job = certificate_jobs.zip_job(("test", "same"), people, "es")
    wait_until(lambda: not job.running, 120, "the ZIP")
    assert job.failed is None and job.done == job.total == len(people)
    assert contents(job.data) == contents(certificates_zip(people, "es"))
    assert certificate_jobs.certificate(people[1], "es") == certificate_pdf(people[1], "es")
    assert certificate_jobs.zip_job(("test", "same"), people, "es") is job  # one job per ZIP


def test_a_dead_worker_fails_the_job_and_the_next_one_is_made():
    people = [facts(f"persona {i}") for i in range(8)]
    certificate_jobs.certificate(facts("calentar"), "en")  # the pool is up
    for process in list(certificate_jobs._pool._processes.values()):
        os.kill(process.pid, signal.SIGKILL)
    job = certificate_jobs.zip_job(("test", "killed"), people, "en")
    wait_until(lambda: not job.running, 120, "the ZIP to end")
    again = certificate_jobs.zip_job(("test", "killed"), people, "en")  # a new click
    wait_until(lambda: not again.running, 120, "the ZIP made again")
    assert again.data is not None and len(contents(again.data)) == len(people)
    assert job.failed is not None or job.data is not None  # it ended, one way or the other


@pytest.fixture
def organizer(tmp_path):
    with environment(DATA_DIR=str(tmp_path), ARGILLA_API_URL=None, ARGILLA_API_KEY=None, ORGANIZER_TOKEN="frase"):
        at = open_page("views/organizer.py")
        at.text_input(key="organizer.passphrase").input("frase").run()
        yield at


def test_the_page_shows_progress_then_the_download(organizer):
    at = organizer
    at.button(key="organizer.certificates").click().run()  # the run ends with the job under way
    assert not at.exception
    bars = [bar for bar in at.get("progress")]
    labels = [button.proto.label for button in at.get("download_button")]
    assert bars or "Descargar certificados (ZIP)" in labels  # (a fast machine may be done already)
    if bars:
        assert " de " in bars[0].proto.text and "certificados" in bars[0].proto.text

    def made() -> bool:
        at.run()
        return "Descargar certificados (ZIP)" in [button.proto.label for button in at.get("download_button")]

    wait_until(made, 300, "the ZIP's download button")
    assert not at.get("progress")
