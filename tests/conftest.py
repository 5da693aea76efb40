import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "servers"))
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
for name in ("ARGILLA_API_URL", "ARGILLA_API_KEY", "HF_TOKEN", "HF_ENDPOINT", "ORGANIZER_TOKEN", "CAMPAIGN_CONFIG",
             "DATA_DIR"):
    os.environ.pop(name, None)

from argilla_process import ArgillaTestServer  # noqa: E402


@pytest.fixture(scope="session")
def argilla_server():
    """A real argilla-server (+ Redis) for the whole session; installed on first use."""
    server = ArgillaTestServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rg_client(argilla_server):
    import argilla as rg
    return rg.Argilla(api_url=argilla_server.api_url, api_key=argilla_server.api_key)


@pytest.fixture
def artifacts() -> Path:
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
