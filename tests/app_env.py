"""Run the app (AppTest or `streamlit run`) against a given environment and campaign file."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from tests.campaign_builder import DatasetSpec, Plan

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def write_config(
    path: Path,
    plan: Plan,
    exclude=("owner",),
    minimum: int = 3,
    hub_org: str | None = None,
    extra_datasets: tuple[DatasetSpec, ...] = (),
    timeout: float = 20,
) -> Path:
    lines = [
        "[campaign]",
        'title = "Campaña de prueba"',
        f"min_validations_for_prize = {minimum}",
        f"exclude_users = {list(exclude)!r}".replace("'", '"'),
        "refresh_seconds = 3600",
        f"timeout_seconds = {timeout}",
        "",
    ]
    for spec in [*plan.specs, *extra_datasets]:
        lines += [
            "[[datasets]]",
            f'name = "{spec.name}"',
            f'workspace = "{plan.workspace}"',
            f'title = "{spec.name.upper()}"',
            f'correction_question = "{spec.question}"',
        ]
        if spec.reference_field:
            lines.append(f'reference_field = "{spec.reference_field}"')
        lines.append("")
    if hub_org:
        lines += ["[hub]", f'org = "{hub_org}"', "ttl_seconds = 3600", "timeout_seconds = 5"]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _set(values: dict[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@contextlib.contextmanager
def environment(**values: str | None):
    saved = {key: os.environ.get(key) for key in values}
    try:
        _set(values)
        yield
    finally:
        _set(saved)


def open_page(page: str = "pages/overview.py", **params: str):
    """Run the app in AppTest with these query parameters, switch to `page`, check no exception."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def refreshed_feed():
    """The process-wide feed the app will use under the current environment, read once now."""
    from data.campaign import shared_feed
    from data.config import load_config, load_secrets

    feed = shared_feed(load_config(), load_secrets(os.environ), Path(os.environ["DATA_DIR"]))
    if feed.poller is not None:
        feed.poller.refresh()
    return feed
