"""Argilla webhooks end to end: the real argilla-server and its worker delivering to the running app
(`streamlit run app.py`); the inbox alone is tests/test_inbox.py."""

import dataclasses
import datetime as dt
import json
import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from data.live.inbox import MAX_BODY
from data.live.subscription import DESCRIPTION
from data.routes import WEBHOOKS as PATH
from tests.campaign_builder import build_campaign, ensure_users
from tests.hooked_app import ANNOTATORS, SPEC, WORKSPACE, Annotator, HookedApp, chunked, ours, raw_post, signed
from tests.oracle import Stream, argilla_corrections, argilla_rows, csv_rows, differences, references
from tests.streamlit_process import wait_for_app
from tests.waiting import wait_until

pytestmark = pytest.mark.long


@pytest.fixture(scope="module")
def worker(argilla_server):
    argilla_server.start_worker()
    yield argilla_server
    argilla_server.stop_worker()


@pytest.fixture(scope="module")
def hooked(rg_client, argilla_server):
    """A dataset of 600 records with no responses yet, and its annotators' own API keys."""
    build_campaign(rg_client, WORKSPACE, [SPEC], [], seed=3)
    ensure_users(rg_client, ANNOTATORS, rg_client.workspaces(WORKSPACE))
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    keys = {u.username: owner.get(f"/api/v1/users/{u.id}").json()["api_key"] for u in rg_client.users}
    dataset = rg_client.datasets(name=SPEC.name, workspace=WORKSPACE)
    items = owner.get(f"/api/v1/datasets/{dataset.id}/records", params={"limit": 1000}).json()["items"]
    return {name: keys[name] for name in ANNOTATORS}, [str(r["id"]) for r in items], dataset


@pytest.fixture
def hooked_app(worker, hooked, argilla_server, rg_client, tmp_path, request):
    """The app with webhooks; `@pytest.mark.parametrize("hooked_app", [seconds], indirect=True)`
    sets its refresh_seconds (3 by default: the interval of its checks, and of polling)."""
    app = HookedApp(argilla_server, tmp_path, refresh=getattr(request, "param", 3)).start()
    wait_until(lambda: bool(ours(rg_client, app.url)) and app.validations() is not None, what="the subscription")
    yield app
    app.process.stop()
    app.proxy.stop()
    for webhook in ours(rg_client, app.url):
        webhook.delete()


def test_a_submitted_response_reaches_the_ranking_and_the_csv(hooked_app, hooked, browser):
    keys, ids, _ = hooked
    ana = Annotator(hooked_app.env["ARGILLA_API_URL"], keys["hook_ana"])
    before = hooked_app.validations().get("hook_ana", 0)
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{hooked_app.process.url}/mi-posicion?user=hook_ana")
    wait_for_app(page)
    assert "webhooks" in page.inner_text("body")
    ana.submit(ids[0])
    validations = page.locator('[data-testid="stMetric"]').filter(has_text="Validaciones").first
    wait_until(lambda: validations.count() and str(before + 1) in validations.inner_text(), timeout=30)  # no reload
    page.goto(f"{hooked_app.process.url}/exportar")
    wait_for_app(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar CSV").click()
    row = next(line for line in download.value.path().read_text().splitlines() if ",hook_ana," in line)
    assert row.split(",")[2] == str(before + 1)


def test_edits_and_deletions_of_responses_and_records(hooked_app, hooked, rg_client):
    keys, ids, dataset = hooked
    beto = Annotator(hooked_app.env["ARGILLA_API_URL"], keys["hook_beto"])
    start = hooked_app.validations().get("hook_beto", 0)

    def beto_has(n):
        return lambda: hooked_app.has({"hook_beto": n})

    reads = hooked_app.record_reads()

    first, second = beto.submit(ids[10]), beto.submit(ids[11])
    wait_until(beto_has(start + 2), timeout=30)
    beto.edit(first, "draft")  # an edit that takes a validation back
    wait_until(beto_has(start + 1), timeout=30)
    beto.delete(second)  # a deleted response
    wait_until(beto_has(start), timeout=30)
    beto.submit(ids[12])
    wait_until(beto_has(start + 1), timeout=30)
    owner = rg_client.api.http_client
    owner.delete(f"/api/v1/datasets/{dataset.id}/records", params={"ids": ids[12]}).raise_for_status()
    wait_until(beto_has(start), timeout=30)  # a deleted record takes its responses with it
    assert hooked_app.record_reads() == reads  # each change was applied as its delivery stated it


def test_forged_unsigned_and_replayed_deliveries_change_nothing(hooked_app, hooked, rg_client):
    keys, ids, dataset = hooked
    real = ours(rg_client, hooked_app.url)[0].secret
    before = hooked_app.validations()
    intruder = {  # a submitted response on a record of ours: it would count if it were let in
        "type": "response.created",
        "version": 1,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
        "data": {
            "id": str(uuid.uuid4()),
            "status": "submitted",
            "values": {"texto": {"value": "intrusa"}},
            "inserted_at": "2026-11-23T10:00:00",
            "updated_at": "2026-11-23T10:00:00",
            "user": {"id": str(uuid.uuid4()), "username": "intrusa"},
            "record": {"id": ids[20], "dataset": {"id": str(dataset.id)}, "status": "completed"},
        },
    }
    forged = signed(intruder, secret="Zm9yZ2VkLXNlY3JldC1vZi1hbi1hdHRhY2tlcg==", msg_id="msg_forged")
    replayed = signed(intruder, secret=real, msg_id="msg_old", at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30))
    for (body, headers), status in [(forged, 401), ((forged[0], {}), 400), (replayed, 401)]:
        assert httpx.post(hooked_app.url, content=body, headers=headers).status_code == status
    assert httpx.post(hooked_app.url, content=b"x" * (MAX_BODY + 1), headers=forged[1]).status_code == 413
    ana = Annotator(hooked_app.env["ARGILLA_API_URL"], keys["hook_ana"])
    ana.submit(ids[21])  # a genuine change after them: once it shows, anything queued before has been applied
    wait_until(lambda: hooked_app.has({"hook_ana": before.get("hook_ana", 0) + 1}), timeout=30)
    assert "intrusa" not in hooked_app.validations()
    log = hooked_app.process.log.read_text(errors="replace")
    assert log.count("webhook delivery refused") >= 3 and ids[20] not in log and real not in log


@pytest.mark.parametrize("hooked_app", [3600], indirect=True)  # no check, no poll: only deliveries can do it
def test_a_burst_of_a_thousand_responses(hooked_app, hooked):
    keys, ids, _ = hooked
    before, reads = hooked_app.validations(), hooked_app.record_reads()

    def work(name: str) -> int:
        annotator = Annotator(hooked_app.env["ARGILLA_API_URL"], keys[name])
        return annotator.submit_many(ids[100:600], "ráfaga")  # records no other test answers

    with ThreadPoolExecutor(len(ANNOTATORS)) as pool:  # both annotators at once
        accepted = dict(zip(ANNOTATORS, pool.map(work, ANNOTATORS)))
    assert sum(accepted.values()) == 1000
    expected = {name: before.get(name, 0) + accepted[name] for name in ANNOTATORS}
    wait_until(lambda: hooked_app.has(expected), timeout=240)
    assert hooked_app.record_reads() == reads  # applied as the deliveries stated, nothing re-read


@pytest.mark.fault
def test_a_webhook_deleted_on_the_server_means_polling_said_in_the_banner_then_it_is_made_again(
    hooked_app, rg_client, browser, hooked
):
    keys, ids, _ = hooked
    for webhook in ours(rg_client, hooked_app.url):
        webhook.delete()
    page = browser.new_page()
    page.goto(f"{hooked_app.process.url}/")
    page.get_by_text("se borró o desactivó").wait_for(timeout=60_000)
    assert "se consulta Argilla cada 3 s" in page.inner_text("body")
    ana = Annotator(hooked_app.env["ARGILLA_API_URL"], keys["hook_ana"])
    before = hooked_app.validations().get("hook_ana", 0)
    ana.submit(ids[30])
    wait_until(lambda: hooked_app.has({"hook_ana": before + 1}), timeout=60)  # polling still works
    wait_until(  # and a minute later the board makes its webhook again, one of it
        lambda: len([w for w in ours(rg_client, hooked_app.url) if w.enabled]) == 1, timeout=150, every=2
    )
    page.goto(f"{hooked_app.process.url}/")
    page.get_by_text("en directo por webhooks").wait_for(timeout=60_000)
    assert len(ours(rg_client, hooked_app.url)) == 1


def test_a_restarted_app_re_enables_its_webhook_without_a_duplicate(hooked_app, rg_client):
    [webhook] = ours(rg_client, hooked_app.url)
    hooked_app.stop()
    assert [w.enabled for w in ours(rg_client, hooked_app.url)] == [False]  # disabled at a graceful stop
    hooked_app.start()
    wait_until(lambda: [w.enabled for w in ours(rg_client, hooked_app.url)] == [True], what="the re-enabling")
    [again] = ours(rg_client, hooked_app.url)
    assert again.id == webhook.id
    others = [w for w in rg_client.webhooks.list() if not w.description.startswith(DESCRIPTION)]
    assert all(w.url != hooked_app.url for w in others)


# --- the route under fuzz -------------------------------------------------------------------------


def test_fuzzed_deliveries_get_a_2xx_or_4xx_and_change_nothing(hooked_app, hooked, rg_client):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    _, ids, dataset = hooked
    secret = ours(rg_client, hooked_app.url)[0].secret
    port = int(hooked_app.url.split(":")[2].split("/")[0])
    before, reads = hooked_app.validations(), hooked_app.record_reads()
    text = st.text(st.characters(min_codepoint=32, max_codepoint=255, blacklist_characters="\r\n:"), max_size=40)
    ours_payload = {  # a real response on a real record: it must never count unless properly signed
        "type": "response.created",
        "version": 1,
        "timestamp": "2026-11-23T10:00:00Z",
        "data": {
            "id": str(uuid.uuid4()),
            "status": "submitted",
            "values": {"texto": {"value": "x"}},
            "inserted_at": "2026-11-23T10:00:00",
            "updated_at": "2026-11-23T10:00:00",
            "user": {"id": str(uuid.uuid4()), "username": "intrusa"},
            "record": {"id": ids[40], "dataset": {"id": str(dataset.id)}, "status": "completed"},
        },
    }
    statuses = []

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(
        body=st.one_of(st.binary(max_size=300), st.just(json.dumps(ours_payload).encode())),
        signature=st.sampled_from(["none", "forged", "stale", "garbled", "unsplit", "future"]),
        length=st.sampled_from(["exact", "missing", "bigger", "smaller", "garbage", "negative", "huge", "twice"]),
        chunk=st.one_of(st.none(), st.integers(1, 64)),
        noise=st.lists(st.tuples(st.sampled_from(["x-a", "content-type", "webhook-id"]), text), max_size=3),
    )
    def deliver(body, signature, length, chunk, noise):
        at = dt.datetime.now(dt.UTC) - (dt.timedelta(minutes=20) if signature == "stale" else dt.timedelta())
        at += dt.timedelta(minutes=20) if signature == "future" else dt.timedelta()
        key = {"forged": "Zm9yZ2VkLXNlY3JldC1vZi1hbi1hdHRhY2tlcg=="}.get(signature, secret)
        text = body.decode("utf-8", errors="replace").encode()  # what can be signed; not always what is sent
        _, headers = signed(text, secret=key, msg_id=f"msg_{uuid.uuid4().hex}", at=at)
        if signature in ("garbled", "unsplit"):  # a current timestamp, a signature that does not parse
            headers = {**headers, "webhook-signature": "v1,%%%" if signature == "garbled" else "v1,a,b v1"}
        pairs = [] if signature == "none" else list(headers.items())
        payload = chunked(body, chunk) if chunk else body
        declared = {
            "exact": str(len(payload)),
            "bigger": str(len(payload) + 10),
            "smaller": str(max(len(payload) - 3, 0)),
            "garbage": "12abc",
            "negative": "-5",
            "huge": str(10**15),
            "twice": None,
        }.get(length)
        if chunk:
            pairs.append(("Transfer-Encoding", "chunked"))
        elif length == "twice":
            pairs += [("Content-Length", str(len(payload))), ("Content-Length", str(len(payload) + 1))]
        elif declared is not None:
            pairs.append(("Content-Length", declared))
        status = raw_post(port, PATH, pairs + noise, payload, timeout=3 if length == "bigger" else 5)
        statuses.append(status)
        assert status is None or 200 <= status < 500, (status, signature, length, chunk)
        if status is None:
            assert length == "bigger" and not chunk  # only a body shorter than it claims goes unanswered

    deliver()
    assert any(s and 400 <= s < 500 for s in statuses) and any(s is None or s < 500 for s in statuses)
    wait_until(lambda: hooked_app.record_reads() >= reads, what="a settled app")
    assert hooked_app.validations() == before and "intrusa" not in hooked_app.validations()
    assert hooked_app.record_reads() == reads  # nothing unverified was queued, so nothing was read


@pytest.mark.parametrize("hooked_app", [3600], indirect=True)  # no periodic check: deliveries and Argilla's counts
@pytest.mark.fault
def test_a_random_burst_is_counted_as_argilla_counts_it_long_before_its_deliveries_land(
    hooked_app, hooked, argilla_server, rg_client
):
    """Deliveries trail a burst by a minute (argilla-server's worker drains a few a second); the CSV's
    validations, discards, ranks and eligibility are argilla-server's own within seconds of the last
    change, and its corrections too once the deliveries have landed. The oracle: tests/oracle.py."""
    keys, ids, dataset = hooked
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    crowd = ensure_users(rg_client, [f"rafaga_{n}" for n in range(8)], rg_client.workspaces(WORKSPACE))
    url, agreed = hooked_app.env["ARGILLA_API_URL"], references(owner, str(dataset.id), SPEC.question, "ref")
    keys = {user.username: owner.get(f"/api/v1/users/{user.id}").json()["api_key"] for user in crowd.values()}
    streams = [
        Stream({name: Annotator(url, key)}, ids[45:100], random.Random(seed), agreed)
        for seed, (name, key) in enumerate(sorted(keys.items()))
    ]
    done = Stream.together(streams, 40)  # eight annotators at once: faster than deliveries are drained
    last_change = time.monotonic()
    assert len(done) >= 5, done  # creates of each status, edits, deletions, bulk submissions

    def exact(corrections: bool = False) -> bool:
        truth = argilla_rows(owner, [str(dataset.id)], minimum=1)
        if corrections:
            found = argilla_corrections(owner, str(dataset.id), SPEC.question, SPEC.reference_field)
            truth = {name: dataclasses.replace(row, corrections=found.get(name, 0)) for name, row in truth.items()}
        return differences(csv_rows(hooked_app.csv(), with_corrections=corrections), truth) == 0

    wait_until(exact, timeout=30, what="the CSV to equal argilla-server's counts", every=1)
    caught_up = time.monotonic() - last_change
    wait_until(lambda: exact(corrections=True), timeout=300, what="its corrections too", every=3)
    print(f"exact {caught_up:.1f} s after the last of {sum(done.values())} changes ({done})")


def test_the_campaigns_of_a_board_on_one_server_share_one_webhook(worker, hooked, argilla_server, rg_client, tmp_path):
    """A board of two campaigns on one server: one webhook, at the board's address; a response in
    one campaign's dataset reaches that campaign's ranking by the delivery, and the other's figures
    stay (its inbox keeps only its own datasets' changes)."""
    from tests.campaign_builder import DatasetSpec
    from tests.servers.argilla_process import free_port
    from tests.streamlit_process import StreamlitApp

    keys, _, _ = hooked
    other = DatasetSpec("ganchos_b", "texto", "ref", min_submitted=1, records=20, suggestion_share=1.0)
    build_campaign(rg_client, WORKSPACE, [other], [], seed=5)
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    dataset = rg_client.datasets(name=other.name, workspace=WORKSPACE)
    items = owner.get(f"/api/v1/datasets/{dataset.id}/records", params={"limit": 100}).json()["items"]
    ids = [str(item["id"]) for item in items]
    port = free_port()
    campaigns = ""
    for slug, spec in (("uno", SPEC), ("dos", other)):
        campaigns += f'[[campaigns]]\nslug = "{slug}"\nmin_validations_for_prize = 1\nrefresh_seconds = 3\n'
        campaigns += f'[[campaigns.datasets]]\nname = "{spec.name}"\nworkspace = "{WORKSPACE}"\n'
        campaigns += f'correction_question = "{spec.question}"\nreference_field = "{spec.reference_field}"\n'
    hooks = f'[webhooks]\nenabled = true\npublic_url = "http://127.0.0.1:{port}"\nreconcile_minutes = 60\n'
    (tmp_path / "campaign.toml").write_text(hooks + campaigns, encoding="utf-8")
    env = {
        "ARGILLA_API_URL": argilla_server.api_url,
        "ARGILLA_API_KEY": argilla_server.api_key,
        "CAMPAIGN_CONFIG": str(tmp_path / "campaign.toml"),
        "DATA_DIR": str(tmp_path / "data"),
    }
    app = StreamlitApp(env, tmp_path / "streamlit.log", port=port).start()
    url = f"http://127.0.0.1:{port}{PATH}"

    def validations(slug: str) -> int | None:
        answer = httpx.get(f"{app.url}/api/v1/campaigns/{slug}/contributors/hook_ana", timeout=10)
        return answer.json()["contributor"]["validations"] if answer.status_code == 200 else None

    def live(slug: str) -> bool:  # its full read made (a first look's figures are not served)
        return httpx.get(f"{app.url}/api/v1/campaigns/{slug}/progress", timeout=10).status_code == 200

    try:
        wait_until(lambda: len(ours(rg_client, url)) == 1 and live("uno") and live("dos"), what="the one webhook")
        before, first = validations("dos") or 0, validations("uno")
        Annotator(argilla_server.api_url, keys["hook_ana"]).submit(ids[0])
        wait_until(lambda: validations("dos") == before + 1, timeout=30, what="the delivery in campaign dos")
        assert validations("uno") == first and len(ours(rg_client, url)) == 1
        assert not [w for w in rg_client.webhooks.list() if f"127.0.0.1:{port}/c/" in w.url]  # none of its own
    finally:
        app.stop()
        for webhook in ours(rg_client, url):
            webhook.delete()
