"""Private names of the upstream libraries that we rely on, each imported here and nowhere else.

`tests/test_internals.py` imports them and checks the behaviour we rely on, so an upgrade that
moves or changes one fails that test loudly instead of failing a deployed dashboard.
"""

# The argilla SDK raises this (not an HTTP error) when the server rejects the API key.
from argilla._exceptions import ArgillaCredentialsError

# huggingface_hub's reading of a `Retry-After` header: its seconds, or None (also for an HTTP date).
from huggingface_hub.utils._http import _parse_retry_after as parse_retry_after

__all__ = ["ArgillaCredentialsError", "parse_retry_after"]
