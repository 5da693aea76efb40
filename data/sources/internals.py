"""Private names of the upstream libraries that we rely on, each imported here and nowhere else.

`tests/test_internals.py` imports them and checks the behaviour we rely on, so an upgrade that
moves or changes one fails that test loudly instead of failing a deployed dashboard.
"""

# huggingface_hub's reading of a `Retry-After` header: its seconds, or None (also for an HTTP date).
from huggingface_hub.utils._http import _parse_retry_after as parse_retry_after

__all__ = ["argilla_credentials_error", "parse_retry_after"]


def argilla_credentials_error() -> type[Exception]:
    """What the argilla SDK raises (not an HTTP error) when the server rejects the API key. Asked
    for, not imported with this module: the SDK is loaded only by the process that reads Argilla
    (data.sources.argilla), and an exception of it can be raised nowhere else."""
    from argilla._exceptions import ArgillaCredentialsError

    error: type[Exception] = ArgillaCredentialsError
    return error
