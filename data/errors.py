"""Errors a source can raise: a kind the UI translates, and a detail that is safe to show.

Messages never carry a secret: they are built from the kind and a detail that we choose
(a dataset name, an HTTP status), never from an upstream exception's text.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    AUTH = "auth"
    FORBIDDEN = "forbidden"
    MISSING_DATASET = "missing_dataset"
    MISSING_QUESTION = "missing_question"
    MISSING_FILE = "missing_file"
    BAD_FILE = "bad_file"
    SERVER_ERROR = "server_error"
    RATE_LIMITED = "rate_limited"
    BAD_DATA = "bad_data"
    SHARED_STATE = "shared_state"  # a follower cannot read what the writer publishes (Redis away)


class SourceError(Exception):
    def __init__(self, kind: ErrorKind, detail: str = "", retry_after: float | None = None):
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
