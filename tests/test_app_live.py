"""The pages against the real argilla-server: live data, an empty campaign, hostile usernames."""

import csv
import io

from data.model.export import ranking_csv
from data.state.snapshots import load_campaign
from tests import expected
from tests.app_env import environment, frame_of, refreshed_feed, status_line
from tests.app_env import open_page as run
from tests.campaign_builder import HOSTILE_USERS


def test_pages_show_live_numbers(live_env, live_campaign):
    plan, _ = live_campaign
    with environment(**live_env):
        refreshed_feed()
        at = run("views/overview.py")
        assert not any("demostración" in i.value for i in at.info)
        assert "en vivo" in status_line(at)
        truth = expected.per_user(plan, exclude=["owner"])
        ranked = {u for u, s in truth.items() if s["validations"] or s["discarded"]}
        assert {m.label: m.value for m in at.metric}["Personas"] == str(len(ranked))
        for page in ["views/ranking.py", "views/my_rank.py", "views/progress.py", "views/export.py"]:
            run(page)


def test_ranking_renders_hostile_usernames_as_plain_cells(live_env, live_campaign):
    with environment(**live_env):
        refreshed_feed()
        at = run("views/ranking.py")
        names = set(frame_of(at, "ranking.table")["username"])
        assert {"<script>alert('xss')</script>", "<img src=x onerror=alert(1)>"} <= names
        markdown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
        assert "<script>" not in markdown and "<img" not in markdown


def test_my_rank_with_hostile_name_escapes_markdown(live_env):
    with environment(**live_env):
        refreshed_feed()
        name = "**negrita** [clic](javascript:alert(1))"
        at = run("views/my_rank.py", user=name)
        header = at.subheader[0].value
        assert "\\*\\*negrita\\*\\*" in header and "\\[clic\\]" in header
        long = run("views/my_rank.py", user="x" * 10_000)
        assert len(long.subheader[0].value) < 200


def test_csv_matches_the_plan_and_neutralises_formulas(live_env, live_campaign):
    plan, _ = live_campaign
    with environment(**live_env):
        feed = refreshed_feed()
        table = feed.read_of(feed.view().value).contributors()
    rows = list(csv.DictReader(io.StringIO(ranking_csv(table).decode("utf-8"))))
    truth = expected.per_user(plan, exclude=["owner"])
    truth = {u: s for u, s in truth.items() if s["validations"] or s["discarded"]}
    ranks = expected.competition_ranks(truth)
    by_name = {}
    for row in rows:
        name = row["username"]
        assert not name.startswith(("=", "+", "-", "@", "\t", "\r")), f"formula not neutralised: {name}"
        original = name[1:] if name.startswith("'") and name[1:].startswith(("=", "+", "-", "@")) else name
        by_name[original] = row
    assert set(by_name) == set(truth)
    for name, s in truth.items():
        row = by_name[name]
        assert (int(row["validations"]), int(row["corrections"]), int(row["discarded"]), int(row["datasets"])) == (
            s["validations"],
            s["corrections"],
            s["discarded"],
            s["datasets"],
        )
        assert int(row["rank"]) == ranks[name]
        assert row["eligible"] == ("true" if s["validations"] >= 3 else "false")
    for hostile in HOSTILE_USERS:
        if hostile.startswith(("=", "+", "-", "@")) and hostile in truth:
            assert by_name[hostile]["username"] == "'" + hostile


def test_empty_campaign_renders_every_page(argilla_server, live_campaign, tmp_path):
    from tests.app_env import write_config
    from tests.campaign_builder import DatasetSpec, Plan

    empty = DatasetSpec("vacio_prueba", "validada", None, min_submitted=1, records=0)
    config = write_config(tmp_path / "empty.toml", Plan("tablero", [empty]))
    with environment(
        ARGILLA_API_URL=argilla_server.api_url,
        ARGILLA_API_KEY=argilla_server.api_key,
        CAMPAIGN_CONFIG=str(config),
        DATA_DIR=str(tmp_path / "d"),
    ):
        feed = refreshed_feed()
        assert feed.view().mode == "live" and feed.view().value.records.empty
        at = run("views/overview.py")
        assert any("aún no tiene registros" in i.value for i in at.info)
        for page in ["views/ranking.py", "views/my_rank.py", "views/progress.py", "views/export.py"]:
            run(page)


def test_organizer_page_names_each_key_argilla_contradicts(argilla_server, live_campaign, tmp_path):
    """campaign.toml keys that name nothing in Argilla (a field, a question, a user) are accepted at
    load; the first read finds them, and Organización names each one with the dataset and the key,
    in every process (they travel with the snapshot a follower loads)."""
    import dataclasses

    from tests.app_env import write_config
    from tests.campaign_builder import Plan

    plan, _ = live_campaign
    hellaswag, arc = plan.specs
    typos = Plan(plan.workspace, [dataclasses.replace(hellaswag, reference_field="frase_ES"), arc])
    config = write_config(tmp_path / "typos.toml", typos, exclude=("owner", "Ana", "organizadora_que_no_existe"))
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'correction_question = "correccion"', 'correction_question = "correccion"\nlabel_question = "notas"'
        ),
        encoding="utf-8",
    )
    with environment(
        ARGILLA_API_URL=argilla_server.api_url,
        ARGILLA_API_KEY=argilla_server.api_key,
        CAMPAIGN_CONFIG=str(config),
        DATA_DIR=str(tmp_path / "d"),
        ORGANIZER_TOKEN="frase-de-prueba",
    ):
        feed = refreshed_feed()
        at = run("views/organizer.py")
        at.text_input(key="organizer.passphrase").input("frase-de-prueba").run()
        lines = [w.value for w in at.warning if w.value.startswith("Configuración:")]
        key_hangs_on_argilla = any("CERTIFICATE_SECRET" in w.value for w in at.warning)
        stored = load_campaign(feed.store, feed.source)
    assert len(lines) == 4, lines
    field, question, *users = sorted(lines, key=lambda line: ("campo" not in line, "pregunta" not in line, line))
    assert "hellaswag\\_prueba" in field and "«frase\\_ES»" in field
    assert "Sus campos: en, frase\\_es" in field  # what the dataset has instead
    assert "arc\\_prueba" in question and "«notas»" in question and "correccion, nota" in question
    assert "«Ana»" in users[0] and "¿Quizá «ana»?" in users[0]  # usernames are case-sensitive
    assert "«organizadora\\_que\\_no\\_existe»" in users[1] and "Quizá" not in users[1]
    assert stored is not None and stored.mismatches.equals(feed.view().value.mismatches)
    assert key_hangs_on_argilla  # no CERTIFICATE_SECRET here: the page says what rotating the key would cost
