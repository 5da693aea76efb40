"""Secrets never reach a page, a CSV, a log line or an error message; bad config names the key."""

import logging

import pytest
from streamlit.testing.v1 import AppTest

from components.navigation import HOME, PAGES
from data.model.export import ranking_csv
from tests.app_env import APP, environment, refreshed_feed, status_line, write_config
from tests.campaign_builder import DatasetSpec, Plan

ARGILLA_SENTINEL = "sentinel-argilla-key-5a1c0ffee"
HF_SENTINEL = "hf_sentinelTOKEN0123456789"
OAUTH_SENTINEL = "oauth-secret-sentinel-77d0c0ffee"
COOKIE_SENTINEL = "cookie-secret-sentinel-41aa0ffee"


def everything_rendered(at) -> str:
    return repr(at._tree) + " ".join(str(getattr(e, "value", "")) for e in at.main) + str(at.sidebar) + status_line(at)


def test_sentinel_secrets_appear_nowhere(argilla_server, live_campaign, tmp_path, caplog):
    plan, config = live_campaign
    caplog.set_level(logging.DEBUG)
    env = {
        "ARGILLA_API_URL": argilla_server.api_url,
        "ARGILLA_API_KEY": ARGILLA_SENTINEL,
        "HF_TOKEN": HF_SENTINEL,
        "HF_ENDPOINT": "http://127.0.0.1:9",
        "CAMPAIGN_CONFIG": str(config),
        "DATA_DIR": str(tmp_path / "data"),
        "ORGANIZER_TOKEN": "org-pass",
        "OAUTH_CLIENT_ID": "tablero",
        "OAUTH_CLIENT_SECRET": OAUTH_SENTINEL,
        "OPENID_PROVIDER_URL": "http://127.0.0.1:9",
        "AUTH_COOKIE_SECRET": COOKIE_SENTINEL,
        "PUBLIC_URL": "http://127.0.0.1:8501",
    }
    with environment(**{**env, "ARGILLA_API_KEY": argilla_server.api_key}):
        refreshed_feed()  # a good read first: its snapshot is what the pages show after the key fails
    with environment(**env):
        feed = refreshed_feed()
        assert feed.view().mode == "stale"
        error = feed.view().state.error
        assert error is not None and error.kind.value == "auth"
        assert ARGILLA_SENTINEL not in str(error) and ARGILLA_SENTINEL not in repr(error)
        seen = []
        for page in [spec.script for spec in PAGES]:
            at = AppTest.from_file(APP, default_timeout=60).run()
            if page != HOME.script:
                at.switch_page(page).run()
            assert not at.exception
            seen.append(everything_rendered(at))
        csv = ranking_csv(feed.read_of(feed.view().value).contributors()).decode()
    text = "\n".join(seen) + csv + caplog.text
    for sentinel in (ARGILLA_SENTINEL, HF_SENTINEL, OAUTH_SENTINEL, COOKIE_SENTINEL):
        assert sentinel not in text
    assert "clave de API no es válida" in text


@pytest.mark.parametrize(
    "config_text, named",
    [
        (
            '[campaign]\nmin_validations_for_prize = "cincuenta"\n[[datasets]]\nname = "a"\n'
            'correction_question = "q"\n',
            "campaign.min_validations_for_prize",
        ),
        ('[campaign]\ncolor = "rojo"\n[[datasets]]\nname = "a"\ncorrection_question = "q"\n', "campaign.color"),
        ('[campaign]\n[[datasets]]\nname = "a"\n', "datasets[0].correction_question"),
    ],
)
def test_bad_config_is_one_line_naming_the_key_and_the_demo_still_shows(tmp_path, config_text, named):
    path = tmp_path / "bad.toml"
    path.write_text(config_text)
    with environment(
        CAMPAIGN_CONFIG=str(path), DATA_DIR=str(tmp_path / "d"), ARGILLA_API_URL=None, ARGILLA_API_KEY=None
    ):
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        errors = [e.value.replace("\\", "") for e in at.error]  # the text is Markdown-escaped
        assert len(errors) == 1 and named in errors[0]
        assert any("demostración" in i.value for i in at.info)
        assert at.metric


def test_url_without_scheme_names_the_variable(tmp_path):
    with environment(
        ARGILLA_API_URL="argilla.example.org", ARGILLA_API_KEY=ARGILLA_SENTINEL, DATA_DIR=str(tmp_path / "d")
    ):
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        message = " ".join(e.value for e in at.error).replace("\\", "")
        assert "ARGILLA_API_URL" in message and ARGILLA_SENTINEL not in message


def test_non_existent_dataset_is_named_in_the_banner(argilla_server, live_campaign, tmp_path):
    plan, _ = live_campaign
    ghost = DatasetSpec("no_existe_este", "validada", None, min_submitted=1, records=0)
    config = write_config(tmp_path / "c.toml", Plan(plan.workspace, [*plan.specs, ghost]))
    with environment(
        ARGILLA_API_URL=argilla_server.api_url,
        ARGILLA_API_KEY=argilla_server.api_key,
        CAMPAIGN_CONFIG=str(config),
        DATA_DIR=str(tmp_path / "d"),
    ):
        refreshed_feed()
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        assert "no_existe_este" in " ".join(w.value for w in at.warning).replace("\\", "")  # the first read failed
