"""Argilla webhooks: deliveries verified and queued (plain inbox), and end to end with the real
argilla-server and its worker delivering to the running app (`streamlit run app.py`)."""

import datetime as dt
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import argilla as rg
import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from data.config import load_config
from data.feeds.campaign import campaign_source
from data.live.inbox import MAX_BODY, PATH, Inbox
from data.live.subscription import DESCRIPTION
from data.model import aggregate
from data.state.snapshots import SnapshotStore, load_campaign
from tests.app_env import environment, write_config
from tests.campaign_builder import DatasetSpec, Plan, build_campaign, ensure_users
from tests.servers.argilla_process import free_port
from tests.servers.counting_proxy import CountingProxy
from tests.streamlit_process import StreamlitApp, wait_for_app

pytestmark = pytest.mark.long

SECRET = "dGVzdC1zZWNyZXQtZm9yLXRoZS1pbmJveC0xMjM0NQ=="
EVENT = {
    "type": "response.created",
    "version": 1,
    "timestamp": "2026-11-23T10:00:00.000000Z",
    "data": {"id": "resp-1", "status": "submitted", "record": {"id": "rec-1", "dataset": {"id": "ds-1"}}},
}


def signed(payload: dict | bytes, secret: str = SECRET, msg_id: str = "msg_1", at: dt.datetime | None = None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    at = at or dt.datetime.now(dt.UTC)
    signature = Webhook(secret).sign(msg_id, at, body.decode())
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signature}
    return body, headers


@pytest.fixture
def inbox():
    woken = []
    box = Inbox(on_change=lambda: woken.append(1))
    box.accept(SECRET)
    return box, woken


def test_a_signed_delivery_is_queued_and_wakes_the_reader(inbox):
    box, woken = inbox
    assert box.deliver(*signed(EVENT)) == (202, "queued")
    [change] = box.drain()
    assert (change.event, change.dataset_id, change.record_id, change.response_id) == (
        "response.created",
        "ds-1",
        "rec-1",
        "resp-1",
    )
    assert change.response is None  # no author or times stated: the record is read again instead
    assert woken == [1]


@pytest.mark.parametrize(
    "case, expected",
    [
        ("unsigned", 400),
        ("forged", 401),
        ("replayed", 401),
        ("oversized", 413),
        ("not json", 400),
        ("malformed", 400),
    ],
)
def test_bad_deliveries_are_refused_and_change_nothing(inbox, case, expected, caplog):
    box, woken = inbox
    body, headers = signed(EVENT)
    if case == "unsigned":
        headers = {"content-type": "application/json"}
    elif case == "forged":
        body, headers = signed(EVENT, secret="Zm9yZ2VkLXNlY3JldC1vZi1hbi1hdHRhY2tlcg==")
    elif case == "replayed":
        body, headers = signed(EVENT, at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))
    elif case == "oversized":
        body, headers = signed({**EVENT, "padding": "x" * MAX_BODY})
    elif case == "not json":
        body, headers = signed(b"this is not json at all")
    elif case == "malformed":
        body, headers = signed({"type": "response.created"})
    status, _ = box.deliver(body, headers)
    assert status == expected
    assert box.drain() == [] and woken == []
    assert "webhook delivery refused" in caplog.text and "resp-1" not in caplog.text  # one line, no body


def test_a_redelivered_message_is_applied_once_and_nothing_is_taken_before_subscribing(inbox):
    box, _ = inbox
    body, headers = signed(EVENT, msg_id="msg_same")
    assert box.deliver(body, headers)[0] == 202 and box.deliver(body, headers)[0] == 200
    assert len(box.drain()) == 1
    box.accept(None)
    assert box.deliver(*signed(EVENT, msg_id="msg_2"))[0] == 404


# --- end to end -------------------------------------------------------------------------------
WORKSPACE = "ganchos"
SPEC = DatasetSpec("ganchos_a", "texto", "ref", min_submitted=1, records=600, suggestion_share=1.0)
ANNOTATORS = ["hook_ana", "hook_beto"]


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


class Annotator:
    """An annotator working through the SDK's authenticated client, as the Argilla UI does."""

    def __init__(self, url: str, key: str):
        self.http = rg.Argilla(api_url=url, api_key=key).api.http_client

    def submit(self, record_id: str, text: str = "traducción validada") -> str:
        answer = self.http.post(
            f"/api/v1/records/{record_id}/responses",
            json={"values": {"texto": {"value": text}}, "status": "submitted"},
        )
        answer.raise_for_status()
        return answer.json()["id"]

    def submit_many(self, record_ids: list[str], text: str) -> int:
        """The bulk submission of the Argilla UI, 100 at a time; how many were accepted."""
        accepted = 0
        for start in range(0, len(record_ids), 100):
            items = [
                {"values": {"texto": {"value": text}}, "status": "submitted", "record_id": record_id}
                for record_id in record_ids[start : start + 100]
            ]
            answer = self.http.post("/api/v1/me/responses/bulk", json={"items": items})
            answer.raise_for_status()
            accepted += sum(1 for item in answer.json()["items"] if item.get("item") and not item.get("error"))
        return accepted

    def edit(self, response_id: str, status: str) -> None:
        answer = self.http.put(
            f"/api/v1/responses/{response_id}", json={"values": {"texto": {"value": "otra"}}, "status": status}
        )
        answer.raise_for_status()

    def delete(self, response_id: str) -> None:
        self.http.delete(f"/api/v1/responses/{response_id}").raise_for_status()


def ours(rg_client, url: str) -> list:
    return [w for w in rg_client.webhooks.list() if w.url.rstrip("/") == url and w.description.startswith(DESCRIPTION)]


class HookedApp:
    """The app with webhooks on, behind a counting proxy to Argilla, on a port kept across restarts."""

    def __init__(self, argilla_server, tmp_path, refresh: int = 3):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}{PATH}"
        self.proxy = CountingProxy(argilla_server.api_url)
        plan = Plan(WORKSPACE, [SPEC])
        hooks = f'[webhooks]\nenabled = true\npublic_url = "http://127.0.0.1:{self.port}"\nreconcile_minutes = 60\n'
        config = write_config(tmp_path / "campaign.toml", plan, minimum=1, refresh=refresh, sections=hooks)
        self.env = {
            "ARGILLA_API_URL": self.proxy.url,
            "ARGILLA_API_KEY": argilla_server.api_key,
            "CAMPAIGN_CONFIG": str(config),
            "DATA_DIR": str(tmp_path / "data"),
        }
        self.tmp_path = tmp_path
        self.process: StreamlitApp | None = None

    def start(self) -> "HookedApp":
        self.process = StreamlitApp(self.env, self.tmp_path / f"streamlit-{time.time_ns()}.log", port=self.port)
        self.process.start()
        return self

    def stop(self) -> None:
        """A graceful stop (SIGTERM): the lifespan disables the webhook."""
        self.process.stop()

    def validations(self) -> dict[str, int] | None:
        """What the running app holds now: its latest read, as it saved it (None while it is
        replacing its snapshot: the reader lost the race to the writer's clean-up)."""
        with environment(**self.env):
            config = load_config()
        campaign = load_campaign(SnapshotStore(self.env["DATA_DIR"]), campaign_source(config))
        if campaign is None:
            return None
        table = aggregate.contributors(campaign.responses, min_validations=1)
        return dict(zip(table["username"], table["validations"]))

    def has(self, counts: dict[str, int]) -> bool:
        """Does the app's latest read give these people these validations?"""
        now = self.validations()
        return now is not None and all(now.get(name, 0) == n for name, n in counts.items())

    def record_reads(self) -> int:
        """Requests that read records: listings of a dataset's records and searches of them."""
        with self.proxy.lock:
            return sum(n for key, n in self.proxy.counts.items() if key.endswith(("/records", "/records/search")))


@pytest.fixture
def hooked_app(worker, hooked, argilla_server, rg_client, tmp_path, request):
    """The app with webhooks; `@pytest.mark.parametrize("hooked_app", [seconds], indirect=True)`
    sets its refresh_seconds (3 by default: the interval of its checks, and of polling)."""
    app = HookedApp(argilla_server, tmp_path, refresh=getattr(request, "param", 3)).start()
    eventually(lambda: bool(ours(rg_client, app.url)) and app.validations() is not None, what="the subscription")
    yield app
    app.process.stop()
    app.proxy.stop()
    for webhook in ours(rg_client, app.url):
        webhook.delete()


def eventually(check, timeout: float = 60, what: str = "the change") -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, f"{what} never reached the app"
        time.sleep(0.2)
    return time.monotonic() - started


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
    eventually(lambda: validations.count() and str(before + 1) in validations.inner_text(), timeout=30)  # no reload
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
    eventually(beto_has(start + 2), timeout=30)
    beto.edit(first, "draft")  # an edit that takes a validation back
    eventually(beto_has(start + 1), timeout=30)
    beto.delete(second)  # a deleted response
    eventually(beto_has(start), timeout=30)
    beto.submit(ids[12])
    eventually(beto_has(start + 1), timeout=30)
    owner = rg_client.api.http_client
    owner.delete(f"/api/v1/datasets/{dataset.id}/records", params={"ids": ids[12]}).raise_for_status()
    eventually(beto_has(start), timeout=30)  # a deleted record takes its responses with it
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
    eventually(lambda: hooked_app.has({"hook_ana": before.get("hook_ana", 0) + 1}), timeout=30)
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
    eventually(lambda: hooked_app.has(expected), timeout=240)
    assert hooked_app.record_reads() == reads  # applied as the deliveries stated, nothing re-read


def test_a_webhook_deleted_on_the_server_means_polling_said_in_the_banner(hooked_app, rg_client, browser, hooked):
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
    eventually(lambda: hooked_app.has({"hook_ana": before + 1}), timeout=60)  # polling still works


def test_a_restarted_app_re_enables_its_webhook_without_a_duplicate(hooked_app, rg_client):
    [webhook] = ours(rg_client, hooked_app.url)
    hooked_app.stop()
    assert [w.enabled for w in ours(rg_client, hooked_app.url)] == [False]  # disabled at a graceful stop
    hooked_app.start()
    eventually(lambda: [w.enabled for w in ours(rg_client, hooked_app.url)] == [True], what="the re-enabling")
    [again] = ours(rg_client, hooked_app.url)
    assert again.id == webhook.id
    others = [w for w in rg_client.webhooks.list() if not w.description.startswith(DESCRIPTION)]
    assert all(w.url != hooked_app.url for w in others)


# --- the route under fuzz -------------------------------------------------------------------------
def raw_post(port: int, path: str, headers: list[tuple[str, str]], body: bytes, timeout: float = 5.0) -> int | None:
    """Send a request byte for byte (the headers as given, however wrong) and return the status
    code, or None if the server closed the connection without one."""
    import socket

    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1") + body)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except TimeoutError:
            pass
    if not answer.startswith(b"HTTP/1."):
        return None
    return int(answer.split(b" ", 2)[1])


def chunked(body: bytes, size: int) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), max(size, 1))]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


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
    eventually(lambda: hooked_app.record_reads() >= reads, what="a settled app")
    assert hooked_app.validations() == before and "intrusa" not in hooked_app.validations()
    assert hooked_app.record_reads() == reads  # nothing unverified was queued, so nothing was read
