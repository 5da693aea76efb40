"""What a page process loads: neither the Argilla SDK (only the process that reads Argilla needs
it: data/sources/argilla.py imports it when it connects) nor fpdf2 (certificates are drawn in the
certificates' worker processes: components/certificate_pdf.py). Each weighs tens of MiB in every
process that serves pages (BENCHMARKS.md, section 10's memory)."""

import subprocess
import sys

from tests.app_env import APP, ROOT

EVERY_PAGE = """
import os, sys
os.environ.update(DATA_DIR=sys.argv[1])
for name in ("ARGILLA_API_URL", "ARGILLA_API_KEY"):
    os.environ.pop(name, None)
from streamlit.testing.v1 import AppTest
from components.navigation import MY_RANK, PAGES
from data.state.demo import load_demo

top = load_demo().responses["user"].value_counts().index[0]  # someone with a certificate to download
for page, params in [*((spec.script, {}) for spec in PAGES), (MY_RANK.script, {"user": top})]:
    at = AppTest.from_file(sys.argv[2], default_timeout=120)
    at.run()
    at.query_params.update(params)
    at.switch_page(page).run()
    assert not at.exception, at.exception
import data.feeds.services, data.feeds.follower  # what a follower process runs besides
print(sorted(name for name in ("argilla", "fpdf") if name in sys.modules))
"""


def test_every_page_runs_without_loading_the_argilla_sdk_or_fpdf(tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", EVERY_PAGE, str(tmp_path), APP], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "[]"


WARMED = """
import sys
import app  # as `streamlit run app.py` imports it
from server.warm_up import page_imports, warm_up
before = set(sys.modules)
warm_up()
loaded = set(sys.modules) - before
print(sorted(name for name in ("streamlit.emojis", "components.charts", "argilla", "fpdf") if name in sys.modules))
print(all(name in sys.modules for name in page_imports()), len(loaded) > 0)
"""


def test_the_warm_up_loads_what_the_pages_load_and_leaves_the_rest_out(tmp_path):
    """Started with the server (server/warm_up.py): the pages' modules and the emoji table the tab's
    icon is checked against are loaded before a first visitor; the SDK and fpdf2 still are not."""
    run = subprocess.run([sys.executable, "-c", WARMED], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-2:] == ["['components.charts', 'streamlit.emojis']", "True True"]
