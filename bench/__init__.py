"""Benchmark scripts (`python -m bench.<name>`); they drive the same local servers as the tests."""

import tests  # noqa: F401  (sets the environment huggingface_hub reads at import, as for the tests)
