"""The Argilla source and the frames, against a real argilla-server."""

import datetime as dt

import pandas as pd
import pytest

from data.config import DatasetConfig
from data.errors import ErrorKind, SourceError
from data.feeds.campaign import normalise
from data.model import aggregate
from data.sources.argilla import ArgillaSource
from tests import expected
from tests.campaign_builder import DatasetSpec, build_campaign

SPECS = [
    DatasetSpec("mmlu_validar", "respuesta_final", "es_mt", min_submitted=2, records=60),
    DatasetSpec("arc_validar", "texto_corregido", None, min_submitted=1, records=40, label_question="calidad"),
]
USERS = ["ana", "beto", "carla", "dani", "eva", "owner", "solo_borradores"]


@pytest.fixture(scope="module")
def plan(rg_client):
    plan = build_campaign(rg_client, "fuente", SPECS, USERS, seed=11)
    # a user who only ever drafts, and one who never answers
    from tests.campaign_builder import ensure_users

    ensure_users(rg_client, ["sin_respuestas"], rg_client.workspaces("fuente"))
    return plan


def configs(specs=SPECS, workspace="fuente"):
    return tuple(
        DatasetConfig(
            name=s.name,
            workspace=workspace,
            title=s.name.upper(),
            correction_question=s.question,
            reference_field=s.reference_field,
        )
        for s in specs
    )


@pytest.fixture(scope="module")
def campaign(argilla_server, plan):
    source = ArgillaSource(argilla_server.api_url, argilla_server.api_key, configs())
    return normalise(source.fetch(), dt.datetime.now(dt.UTC), "test")


def test_one_response_row_per_record_and_user(campaign, plan):
    assert len(campaign.responses) == len(plan.responses)
    assert not campaign.responses.duplicated(["dataset", "record_id", "user"]).any()
    statuses = campaign.responses["status"].value_counts().to_dict()
    planned = pd.Series([r.status for r in plan.responses]).value_counts().to_dict()
    assert statuses == planned


def test_contributors_match_counts_computed_from_the_plan(campaign, plan):
    table = aggregate.contributors(campaign.responses, min_validations=5, exclude_users=["owner"])
    truth = expected.per_user(plan, exclude=["owner"])
    truth = {u: s for u, s in truth.items() if s["validations"] or s["discarded"]}
    assert set(table["username"]) == set(truth)
    ranks = expected.competition_ranks(truth)
    for row in table.itertuples():
        s = truth[row.username]
        assert (row.validations, row.corrections, row.discarded, row.datasets) == (
            s["validations"],
            s["corrections"],
            s["discarded"],
            s["datasets"],
        ), row.username
        assert row.rank == ranks[row.username]
        assert row.eligible == (s["validations"] >= 5)
    assert "owner" not in set(table["username"])
    assert "sin_respuestas" not in set(table["username"])


def test_only_drafts_user_is_not_ranked(campaign, plan):
    table = aggregate.contributors(campaign.responses, min_validations=5)
    drafts_only = {r.user for r in plan.responses} - {r.user for r in plan.responses if r.status != "draft"}
    assert drafts_only.isdisjoint(set(table["username"]))


def test_progress_matches_min_submitted(campaign, plan):
    table = aggregate.progress(campaign.records, campaign.responses, campaign.datasets).set_index("dataset")
    for name, truth in expected.per_dataset(plan).items():
        row = table.loc[name]
        assert (row.total, row.completed, row.pending, row.submitted) == (
            truth["total"],
            truth["completed"],
            truth["pending"],
            truth["submitted"],
        ), name


def test_response_timestamps_come_from_the_server(campaign):
    times = campaign.responses["updated_at"]
    assert times.notna().all()
    assert (times <= pd.Timestamp.now(tz="UTC")).all()
    assert (times > pd.Timestamp.now(tz="UTC") - pd.Timedelta(hours=1)).all()


def test_activity_counts_every_validation_and_completion(campaign, plan):
    table = aggregate.activity(campaign.records, campaign.responses, campaign.datasets)
    truth = expected.per_dataset(plan)
    by_dataset = table.groupby("dataset")[["validations", "completed"]].sum()
    for name, t in truth.items():
        assert by_dataset.loc[name, "validations"] == t["submitted"]
        assert by_dataset.loc[name, "completed"] == t["completed"]


def test_edit_size_is_zero_for_unchanged_and_positive_for_corrections(campaign):
    r = campaign.responses
    assert (r.loc[r["is_correction"], "edit_size"] > 0).all()
    assert (r.loc[~r["is_correction"], "edit_size"] == 0).all()


def test_missing_dataset_is_named(argilla_server, plan):
    wrong = configs() + (DatasetConfig("no_existe", "q", workspace="fuente", title="X"),)
    with pytest.raises(SourceError) as error:
        ArgillaSource(argilla_server.api_url, argilla_server.api_key, wrong).fetch()
    assert error.value.kind is ErrorKind.MISSING_DATASET and error.value.detail == "no_existe"


def test_settings_are_what_the_sdk_finds(argilla_server, rg_client, plan):
    """The settings a read takes from two listings and each dataset's questions and fields are
    what the SDK's own lookup by name gives: id, responses a record needs, the correction
    question, the first label question (single or multi)."""
    import argilla as rg

    found = ArgillaSource(argilla_server.api_url, argilla_server.api_key, configs()).counts().settings
    for spec in SPECS:
        dataset = rg_client.datasets(name=spec.name, workspace="fuente")
        questions = {question.name: question for question in dataset.settings.questions}
        label = next((name for name, q in questions.items() if isinstance(q, rg.LabelQuestion)), None)
        settings = found[spec.name]
        assert settings.id == str(dataset.id)
        assert settings.min_submitted == dataset.settings.distribution.min_submitted == spec.min_submitted
        assert settings.correction_question_id == str(questions[spec.question].id)
        assert settings.label_question == label


def test_a_workspace_that_does_not_exist_is_named_as_its_dataset_missing(argilla_server, plan):
    with pytest.raises(SourceError) as error:
        ArgillaSource(argilla_server.api_url, argilla_server.api_key, configs(workspace="no_existe")).counts()
    assert error.value.kind is ErrorKind.MISSING_DATASET and error.value.detail == SPECS[0].name


def test_missing_question_is_named(argilla_server, plan):
    wrong = (DatasetConfig("mmlu_validar", "pregunta_mal", workspace="fuente", title="X"),)
    with pytest.raises(SourceError) as error:
        ArgillaSource(argilla_server.api_url, argilla_server.api_key, wrong).fetch()
    assert error.value.kind is ErrorKind.MISSING_QUESTION and "pregunta_mal" in error.value.detail


def test_keys_naming_what_argilla_does_not_have_are_named_with_what_it_has(argilla_server, plan):
    """A typo in reference_field, label_question or exclude_users is a row of the read's
    `mismatches`, with the dataset, the key and Argilla's own names; the read itself goes on."""
    typos = (
        DatasetConfig("mmlu_validar", "respuesta_final", workspace="fuente", reference_field="es_MT"),
        DatasetConfig("arc_validar", "texto_corregido", workspace="fuente", label_question="calidád"),
    )
    source = ArgillaSource(argilla_server.api_url, argilla_server.api_key, typos)
    read = normalise(source.fetch(), dt.datetime.now(dt.UTC), "test", ["owner", "Ana", "nadie", "Ana"])
    assert set(read.mismatches.fillna("").itertuples(index=False, name=None)) == {
        ("mmlu_validar", "reference_field", "es_MT", "en, es_mt"),  # the dataset's fields
        ("arc_validar", "label_question", "calidád", "texto_corregido, calidad"),  # its questions
        ("", "exclude_users", "Ana", "ana"),  # who it may mean: the same name but for case
        ("", "exclude_users", "nadie", ""),
    }
    assert len(read.responses) == len(plan.responses)  # the read is whole


def test_a_configuration_argilla_agrees_with_has_no_mismatches(campaign):
    assert campaign.mismatches.empty


def test_wrong_key_is_an_auth_error(argilla_server, plan):
    with pytest.raises(SourceError) as error:
        ArgillaSource(argilla_server.api_url, "not-the-key", configs()).fetch()
    assert error.value.kind is ErrorKind.AUTH


def test_wrong_url_is_unreachable(plan):
    with pytest.raises(SourceError) as error:
        ArgillaSource("http://127.0.0.1:9", "key", configs(), timeout=2).fetch()
    assert error.value.kind is ErrorKind.UNREACHABLE


def test_annotator_key_is_forbidden(argilla_server, rg_client, plan):
    import httpx

    ana = next(u for u in rg_client.users if u.username == "ana")
    key = httpx.get(
        f"{argilla_server.api_url}/api/v1/users/{ana.id}", headers={"X-Argilla-Api-Key": argilla_server.api_key}
    ).json()["api_key"]
    with pytest.raises(SourceError) as error:
        ArgillaSource(argilla_server.api_url, key, configs()).fetch()
    assert error.value.kind is ErrorKind.FORBIDDEN


def test_the_readers_of_one_server_share_its_login_and_names_and_a_newcomer_is_named(
    argilla_server, plan, proxy, rg_client
):
    """Two campaigns' readers on one server (issue 31, item 3): the second logs in and reads the
    users through the first one's; a poll of an unchanged dataset asks its signature only; someone
    who answers for the first time has the users read again, so their answer has their name."""
    import argilla as rg
    import httpx

    from tests.campaign_builder import ensure_users

    newcomer = DatasetSpec("recien_validar", "texto", None, min_submitted=1, records=3)
    build_campaign(rg_client, "fuente", [newcomer], [], seed=12)
    mine = ArgillaSource(proxy.url, argilla_server.api_key, configs(SPECS[:1]))
    theirs = ArgillaSource(proxy.url, argilla_server.api_key, configs([newcomer]))
    mine.fetch()
    proxy.counts.clear()
    previous = theirs.fetch()
    assert proxy.counts["GET /api/v1/me"] == 0 and proxy.counts["GET /api/v1/users"] == 0
    proxy.counts.clear()
    theirs.fetch(previous)
    asked = {path.rsplit("/", 1)[-1] if path.count("/") > 4 else "dataset" for path in proxy.counts}
    assert asked == {"dataset", "progress"} and sum(proxy.counts.values()) == 3  # info, progress, users/progress
    ensure_users(rg_client, ["recien_llegada"], rg_client.workspaces("fuente"))  # an account made since
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    user = next(u for u in rg_client.users if u.username == "recien_llegada")
    key = owner.get(f"/api/v1/users/{user.id}").json()["api_key"]
    ids = [
        record["id"]
        for record in owner.get(f"/api/v1/datasets/{previous.settings[newcomer.name].id}/records").json()["items"]
    ]
    annotator = rg.Argilla(api_url=argilla_server.api_url, api_key=key).api.http_client
    answer = annotator.post(
        f"/api/v1/records/{ids[0]}/responses", json={"values": {"texto": {"value": "hola"}}, "status": "submitted"}
    )
    answer.raise_for_status()
    proxy.counts.clear()
    raw = theirs.fetch(previous)
    assert proxy.counts["GET /api/v1/users"] == 1 and "recien_llegada" in raw.users.values()
    campaign = normalise(raw, dt.datetime.now(dt.UTC), "test")
    assert list(campaign.responses["user"]) == ["recien_llegada"]


def test_a_read_of_many_pages_holds_every_record_once_in_order(argilla_server, plan, monkeypatch):
    """Read in pages of 7 records, asked `argilla_records.AHEAD` at a time, the campaign is the one
    read in one page per dataset, row for row."""
    from data.sources import argilla_records

    whole = ArgillaSource(argilla_server.api_url, argilla_server.api_key, configs()).fetch()
    monkeypatch.setattr(argilla_records, "PAGE_SIZE", 7)
    paged = ArgillaSource(argilla_server.api_url, argilla_server.api_key, configs()).fetch()
    pd.testing.assert_frame_equal(paged.records, whole.records)
    pd.testing.assert_frame_equal(paged.responses, whole.responses)
    assert len(whole.records) == sum(spec.records for spec in SPECS)
