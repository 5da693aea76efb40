import textwrap

import pytest

from data.config import ConfigError, load_config, load_secrets, parse_config

GOOD = {
    "campaign": {"title": "T", "min_validations_for_prize": 3, "exclude_users": ["owner"]},
    "datasets": [{"name": "d", "workspace": "w", "correction_question": "q"}],
}


def with_(path, value):
    doc = {"campaign": dict(GOOD["campaign"]), "datasets": [dict(GOOD["datasets"][0])]}
    table, key = path
    (doc[table] if table == "campaign" else doc["datasets"][0])[key] = value
    return doc


def test_good_config_parses_with_defaults():
    config = parse_config(GOOD)
    assert config.min_validations_for_prize == 3 and config.exclude_users == ("owner",)
    assert config.datasets[0].title == "d" and config.refresh_seconds == 120


@pytest.mark.parametrize(
    "doc, named",
    [
        (with_(("campaign", "min_validations_for_prize"), "fifty"), "campaign.min_validations_for_prize"),
        (with_(("campaign", "min_validations_for_prize"), True), "campaign.min_validations_for_prize"),
        (with_(("campaign", "exclude_users"), "owner"), "campaign.exclude_users"),
        (with_(("campaign", "start"), "4 de marzo"), "campaign.start"),
        (with_(("campaign", "colour"), "red"), "campaign.colour"),
        (with_(("datasets", "nmae"), "x"), "datasets[0].nmae"),
        (with_(("datasets", "correction_question"), 7), "datasets[0].correction_question"),
        ({"campaign": {}, "datasets": [{"name": "d"}]}, "datasets[0].correction_question"),
        ({"campaign": {}}, "datasets"),
        ({"campaign": {}, "datasets": GOOD["datasets"], "hub": {"org": 3}}, "hub.org"),
        ({"campaign": {}, "datasets": GOOD["datasets"], "hub": {"ttl_seconds": 0}}, "hub.ttl_seconds"),
    ],
)
def test_bad_config_names_the_key_in_one_line(doc, named):
    with pytest.raises(ConfigError) as error:
        parse_config(doc)
    assert named in str(error.value)
    assert "\n" not in str(error.value)


def test_end_before_start_is_rejected():
    doc = with_(("campaign", "start"), "2024-05-01")
    doc["campaign"]["end"] = "2024-04-01"
    with pytest.raises(ConfigError, match="campaign.end"):
        parse_config(doc)


@pytest.mark.parametrize(
    "hub, named",
    [
        ({"org": "x", "since": "2024-05-01", "until": "2024-04-01"}, "hub.until: is before hub.since"),
        ({"org": "x", "since": "2024-05-01", "deadline": "2024-04-30T12:00:00Z"}, "hub.deadline: is before hub.since"),
    ],
)
def test_impossible_hub_windows_are_refused(hub, named):
    doc = with_(("campaign", "title"), "Prueba")
    doc["hub"] = hub
    with pytest.raises(ConfigError, match=named):
        parse_config(doc)


def test_toml_file_and_env_override(tmp_path, monkeypatch):
    path = tmp_path / "c.toml"
    path.write_text(
        textwrap.dedent("""
        [campaign]
        start = 2024-03-04
        [[datasets]]
        name = "x"
        correction_question = "q"
    """)
    )
    monkeypatch.setenv("CAMPAIGN_CONFIG", str(path))
    config = load_config()
    assert config.start.isoformat() == "2024-03-04" and config.datasets[0].name == "x"


def test_missing_and_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[campaign\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def test_shipped_campaign_toml_is_valid():
    assert len(load_config().datasets) == 3


KEY_SENTINEL = "sentinel-key-7f3a9c0ffee"
HOST_SENTINEL = "sentinel-host-41d2.example.org"


@pytest.mark.parametrize(
    "env, named",
    [
        ({"ARGILLA_API_URL": HOST_SENTINEL, "ARGILLA_API_KEY": KEY_SENTINEL}, "ARGILLA_API_URL"),
        ({"ARGILLA_API_URL": f"https://{HOST_SENTINEL}"}, "ARGILLA_API_KEY"),
        ({"ARGILLA_API_KEY": KEY_SENTINEL}, "ARGILLA_API_URL"),
        ({"HF_ENDPOINT": HOST_SENTINEL, "HF_TOKEN": KEY_SENTINEL}, "HF_ENDPOINT"),
        ({"OPENID_PROVIDER_URL": HOST_SENTINEL, "OAUTH_CLIENT_SECRET": KEY_SENTINEL}, "OPENID_PROVIDER_URL"),
    ],
)
def test_bad_secrets_name_the_variable_but_never_the_value(env, named):
    with pytest.raises(ConfigError) as error:
        load_secrets(env)
    assert named in str(error.value)
    assert KEY_SENTINEL not in str(error.value) and HOST_SENTINEL not in str(error.value)


def test_secrets_do_not_show_in_repr():
    secrets = load_secrets(
        {"ARGILLA_API_URL": "https://x.hf.space/", "ARGILLA_API_KEY": "sentinel-key", "HF_TOKEN": "hf_sentinel"}
    )
    assert secrets.argilla_api_url == "https://x.hf.space" and secrets.argilla_configured
    assert "sentinel" not in repr(secrets)


def declared() -> list[tuple[str, str, object]]:
    """(table, key, annotation) of every declared campaign.toml key."""
    from data.config import CampaignConfig
    from data.config.schema import declared_fields

    found = []

    def walk(cls, where):
        for f, kind in declared_fields(cls):
            nested = f.metadata.get("table")
            if nested is not None:
                walk(nested, f.name)
            else:
                found.append((where, f.name, kind))

    walk(CampaignConfig, "campaign")
    return found


def document_with(where: str, key: str, value) -> dict:
    doc = {"campaign": {}, "datasets": [{"name": "d", "correction_question": "q"}]}
    if where == "datasets":
        doc["datasets"][0][key] = value
    elif where in ("storage", "open_data"):  # their repo is required
        doc[where] = {"repo": f"org/{where}", key: value}
    else:
        doc.setdefault(where, {})[key] = value
    return doc


@pytest.mark.parametrize("where, key, kind", declared(), ids=lambda v: str(v))
def test_every_declared_key_refuses_a_value_of_another_type_naming_itself(where, key, kind):
    """The parser is derived from the declarations: each key's type check comes from its annotation."""
    wrong = {"str": 7, "bool": "sí", "int": "siete", "float": "siete"}.get(
        getattr(kind, "__name__", ""), {"nested": True}
    )
    with pytest.raises(ConfigError) as error:
        parse_config(document_with(where, key, wrong))
    named = f"{where}[0].{key}" if where == "datasets" else f"{where}.{key}"
    assert str(error.value).startswith(named + ":"), str(error.value)


@pytest.mark.parametrize("where", sorted({where for where, _, _ in declared()}))
def test_an_unknown_key_in_any_table_lists_the_declared_ones(where):
    with pytest.raises(ConfigError) as error:
        parse_config(document_with(where, "colour", "rojo"))
    keys = sorted(key for table, key, _ in declared() if table == where)
    assert f"colour: unknown key (allowed: {', '.join(keys)})" in str(error.value)


@pytest.mark.parametrize(
    "doc, message",
    [
        (document_with("storage", "repo", "sin-barra"), "storage.repo: expected a repo id"),
        (document_with("organizers", "roles", ["jefa"]), "organizers.roles: unknown role 'jefa'"),
        (document_with("webhooks", "public_url", "tablero.example.org"), "webhooks.public_url: expected a full URL"),
        (document_with("campaign", "first_wait_seconds", -1), "campaign.first_wait_seconds: must be 0 or more"),
        (document_with("campaign", "title", "   "), "campaign.title: must not be empty"),
        (document_with("open_data", "licence", "CC BY <b>"), "open_data.licence: expected a Hub licence id"),
        (
            {**document_with("storage", "writer", True), "open_data": {"repo": "org/storage"}},
            "open_data.repo: is the state repo, which is private",
        ),
    ],
)
def test_declared_checks_are_applied(doc, message):
    with pytest.raises(ConfigError, match=message):
        parse_config(doc)
