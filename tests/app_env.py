"""Run the app (AppTest or `streamlit run`) against a given environment and campaign file."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from components.navigation import HOME
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
    refresh: int = 3600,
    hub_ttl: int = 3600,
    campaign: dict[str, object] | None = None,
    sections: str = "",
) -> Path:
    """A campaign.toml for `plan`; `campaign` adds [campaign] keys, `sections` appends TOML tables."""
    lines = [
        "[campaign]",
        'title = "Campaña de prueba"',
        f"min_validations_for_prize = {minimum}",
        f"exclude_users = {list(exclude)!r}".replace("'", '"'),
        f"refresh_seconds = {refresh}",
        f"timeout_seconds = {timeout}",
        *(f"{key} = {_toml(value)}" for key, value in (campaign or {}).items()),
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
        lines += ["[hub]", f'org = "{hub_org}"', f"ttl_seconds = {hub_ttl}", "timeout_seconds = 5"]
    path.write_text("\n".join(lines) + "\n" + sections, encoding="utf-8")
    return path


def live_environment(server, config: Path, data_dir: Path) -> dict[str, str]:
    """Environment variables that point the app at a campaign on the real argilla-server `server`."""
    return {
        "ARGILLA_API_URL": server.api_url,
        "ARGILLA_API_KEY": server.api_key,
        "CAMPAIGN_CONFIG": str(config),
        "DATA_DIR": str(data_dir),
    }


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


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


def open_page(page: str = HOME.script, **params: str):
    """Open `page` in AppTest with these query parameters (as a link to it would), check no exception."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    if page != HOME.script:  # AppTest runs the home page first; a link's address is the sub-page's
        at.run()
        at.query_params.clear()
        at.query_params.update(params)
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_of(at, key: str):
    """The page's table named `key` (components.tables.table_slot): found by name, so a table that
    moves on the page does not change what a test reads."""

    def blocks(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from blocks(child)

    [container] = [node for node in blocks(at.main) if getattr(node, "key", None) == key]
    [table] = [node for node in blocks(container) if getattr(node, "type", None) == "dataframe"]
    return table


def frame_of(at, key: str):
    """The frame of the page's table named `key`."""
    return table_of(at, key).value


def columns_of(at, key: str) -> dict:
    """How the page's table named `key` draws its columns, as Streamlit sends it to the browser:
    column -> {"label", "help", "width", "type_config"}."""
    return json.loads(table_of(at, key).proto.columns)


def running():
    """The process-wide services the app will use under the current environment."""
    from data.config import APP_VARIABLES, load_config, load_secrets
    from data.feeds.services import running_services

    secrets = load_secrets({k: v for k, v in os.environ.items() if k in APP_VARIABLES})
    return running_services(load_config(), secrets, Path(os.environ["DATA_DIR"]))


def refreshed_feed():
    """The process-wide campaign feed the app will use under the current environment, read once now."""
    feed = running().campaign
    if feed.poller is not None:
        feed.poller.refresh()
    return feed


def demo_ranking():
    """The demo's ranking, computed straight from the aggregate (what every demo page shows)."""
    from data.config import load_config
    from data.model import aggregate
    from data.state.demo import load_demo

    config = load_config()
    return aggregate.contributors(
        load_demo().responses,
        min_validations=config.min_validations_for_prize,
        exclude_users=config.exclude_users,
        filters=aggregate.Filters().within(config.start, config.end),
    )


def campaign_with(tmp_path, **keys) -> str:
    """The shipped campaign.toml with these [campaign] keys added (string values)."""
    from data.config import DEFAULT_CONFIG

    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    extra = "".join(f'{key} = "{value}"\n' for key, value in keys.items())
    path = tmp_path / "campaign.toml"
    path.write_text(text.replace("[campaign]\n", "[campaign]\n" + extra, 1), encoding="utf-8")
    return str(path)


def status_line(at) -> str:
    """The freshness line above the page as it is first drawn (the live-status component's data;
    the page's script then keeps its age true)."""
    import json

    for element in at.get("bidi_component"):
        if element.proto.component_name == "tablero.live_status":
            data = json.loads(element.proto.json)
            return data["text"].replace("{age}", data["age"])
    return ""
