"""The test suite. Importing it sets what huggingface_hub reads when it is first imported."""

import os

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")  # a developer's token is never sent
os.environ.setdefault("HF_HUB_DISABLE_XET", "1")  # as in the Dockerfile: LFS uploads (the Hub-shaped server's)
