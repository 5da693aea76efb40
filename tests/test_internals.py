"""The upstream libraries' private names we rely on (data/sources/internals.py) still do what we rely on.

If an upgrade of argilla or huggingface_hub moves or changes one, this fails here, loudly.
"""

import email.utils
import time

import argilla as rg
import pytest

from data.sources.internals import argilla_credentials_error, parse_retry_after


def test_retry_after_reads_seconds_and_nothing_else():
    assert parse_retry_after({"retry-after": "7"}) == 7
    soon = email.utils.formatdate(time.time() + 120, usegmt=True)
    assert parse_retry_after({"Retry-After": soon}) is None  # an HTTP date: data/sources/hub.py waits 300 s
    assert parse_retry_after({}) is None


def test_the_sdk_raises_credentials_error_for_a_rejected_key(argilla_server):
    with pytest.raises(argilla_credentials_error()):
        rg.Argilla(api_url=argilla_server.api_url, api_key="not-a-valid-key-123", retries=0)
