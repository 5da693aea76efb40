"""What every page needs: the language, the configuration and the shared campaign feed.

Configuration problems never raise into a page: they become `Context.config_error` and the
dashboard falls back to the embedded demo.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from components.i18n import LANGUAGES
from data.campaign import CampaignFeed, shared_feed
from data.config import CampaignConfig, ConfigError, Secrets, load_config, load_secrets, parse_config
from data.poller import FeedView

SECRET_NAMES = ("ARGILLA_API_URL", "ARGILLA_API_KEY", "HF_TOKEN", "HF_ENDPOINT", "ORGANIZER_TOKEN")
FALLBACK_CONFIG = {
    "campaign": {"exclude_users": ["owner"]},
    "datasets": [
        {"name": name, "title": title, "correction_question": "traduccion_corregida"}
        for name, title in [("mmlu_es", "MMLU"), ("arc_c_es", "ARC-C"), ("hellaswag_es", "HellaSwag")]
    ],
}


@dataclass(frozen=True)
class Context:
    lang: str
    config: CampaignConfig
    secrets: Secrets
    feed: CampaignFeed
    config_error: str | None
    data_dir: Path

    def view(self) -> FeedView:
        return self.feed.view()


def _environment() -> dict[str, str]:
    """os.environ first (how HF Spaces passes secrets), then Streamlit secrets."""
    values: dict[str, str] = {}
    try:
        values.update({k: str(st.secrets[k]) for k in SECRET_NAMES if k in st.secrets})
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        pass
    values.update({k: v for k, v in os.environ.items() if k in SECRET_NAMES})
    return values


def _data_dir() -> Path:
    return Path(os.environ.get("DATA_DIR") or Path(__file__).resolve().parent.parent / "data" / "cache")


def language() -> str:
    """The session's language: ?lang= on first load, then the sidebar toggle."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", "es")
        st.session_state["lang"] = wanted if wanted in LANGUAGES else "es"
    return st.session_state["lang"]


def context() -> Context:
    error = None
    try:
        config = load_config()
    except ConfigError as problem:
        config, error = parse_config(FALLBACK_CONFIG), str(problem)
    try:
        secrets = load_secrets(_environment())
    except ConfigError as problem:
        secrets, error = Secrets(), error or str(problem)
    data_dir = _data_dir()
    return Context(language(), config, secrets, shared_feed(config, secrets, data_dir), error, data_dir)
