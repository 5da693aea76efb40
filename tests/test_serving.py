"""The production setup, with its real parts: `scripts/serve` starts supervisord, nginx and two
Streamlit processes (the writer and a reader) against the real argilla-server and its webhook
worker; headless Chromium visits through nginx."""

import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import streamlit

from data.routes import WEBHOOKS as PATH
from scripts.serve import LIMITS, control_socket
from tests.app_env import ROOT, write_config
from tests.campaign_builder import DatasetSpec, Plan, build_campaign, ensure_users
from tests.hooked_app import Annotator
from tests.servers.counting_proxy import CountingProxy
from tests.streamlit_process import ServedApp, wait_for_app
from tests.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.long]
WORKSPACE = "servicio"
SPEC = DatasetSpec("servicio_a", "texto", "ref", min_submitted=1, records=60, suggestion_share=1.0)
ANNOTATOR = "serv_ana"


@pytest.fixture(scope="module")
def campaign(rg_client, argilla_server):
    build_campaign(rg_client, WORKSPACE, [SPEC], [], seed=8)
    ensure_users(rg_client, [ANNOTATOR], rg_client.workspaces(WORKSPACE))
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    user = next(u for u in rg_client.users if u.username == ANNOTATOR)
    key = owner.get(f"/api/v1/users/{user.id}").json()["api_key"]
    dataset = rg_client.datasets(name=SPEC.name, workspace=WORKSPACE)
    items = owner.get(f"/api/v1/datasets/{dataset.id}/records", params={"limit": 1000}).json()["items"]
    argilla_server.start_worker()
    yield key, [str(item["id"]) for item in items]
    argilla_server.stop_worker()


@pytest.fixture
def served(campaign, argilla_server, rg_client, tmp_path):
    """Two processes behind nginx, webhooks on (delivered through nginx to the writer)."""
    proxy = CountingProxy(argilla_server.api_url)
    app = ServedApp({}, tmp_path / "serve.log")
    hooks = f'[webhooks]\nenabled = true\npublic_url = "{app.url}"\nreconcile_minutes = 60\n'
    config = write_config(tmp_path / "campaign.toml", Plan(WORKSPACE, [SPEC]), minimum=1, refresh=5, sections=hooks)
    app.env.update(
        {
            "ARGILLA_API_URL": proxy.url,
            "ARGILLA_API_KEY": argilla_server.api_key,
            "CAMPAIGN_CONFIG": str(config),
            "DATA_DIR": str(tmp_path / "data"),
        }
    )
    app.start()
    hook = f"{app.url}{PATH}"
    wait_until(lambda: any(w.url == hook and w.enabled for w in rg_client.webhooks.list()), what="the subscription")
    yield app, proxy
    app.stop()
    proxy.stop()
    for webhook in rg_client.webhooks.list():
        if webhook.url == hook:
            webhook.delete()


def open_tab(browser, app, path: str):
    """A new browser (its own cookies) on `path`; the page, and the worker port that served it."""
    context = browser.new_context()
    page = context.new_page()
    answer = page.goto(f"{app.url}/{path}")
    wait_for_app(page, timeout=60_000)
    return page, int(answer.headers["x-tablero-worker"].rsplit(":", 1)[1])


def tab_on(browser, app, port: int, path: str):
    """A tab whose sessions live on the worker at `port` (new browsers until one lands there)."""
    for _ in range(40):
        page, served_by = open_tab(browser, app, path)
        if served_by == port:
            return page
        page.context.close()
    raise AssertionError(f"no browser landed on {port}")


def shown_validations(page) -> int:
    """The validations *Mi posición* shows for its person (0 while they are not ranked)."""
    if "Tus vecinos en el ranking" not in page.inner_text("body"):
        return 0
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Validaciones").first.inner_text()
    return int("".join(ch for ch in metric.split("Validaciones")[-1] if ch.isdigit()))


def test_a_tab_stays_on_its_worker_and_browsers_spread_over_both(browser, served):
    app, _ = served
    page, port = open_tab(browser, app, "clasificacion")
    for _ in range(3):
        page.get_by_label("Buscar usuario").fill("x")  # a rerun over the websocket
        page.keyboard.press("Enter")
        wait_for_app(page)
        assert int(page.reload().headers["x-tablero-worker"].rsplit(":", 1)[1]) == port  # and a reload
        wait_for_app(page)
    seen = {port}
    for _ in range(16):
        other, served_by = open_tab(browser, app, "")
        seen.add(served_by)
        other.context.close()
    assert seen == set(app.worker_ports)
    assert page.locator("[role=dialog]").count() == 0


def test_a_page_on_a_reader_follows_a_webhook_delivery(browser, served, campaign):
    app, proxy = served
    key, ids = campaign
    page = tab_on(browser, app, app.worker_ports[1], f"mi-posicion?user={ANNOTATOR}")
    before = shown_validations(page)
    Annotator(proxy.url, key).submit(ids[0])
    wait_until(lambda: shown_validations(page) == before + 1, timeout=30)  # no reload: the page reran itself
    assert page.locator("[role=dialog]").count() == 0


def dataset_progress_reads(proxy, since: float) -> int:
    """Reads of a dataset's progress: one per dataset in every check (and in every full read)."""
    return sum(
        1
        for at, _, path in proxy.log
        if at >= since and path.endswith("/progress") and not path.endswith("/users/progress")
    )


def test_only_the_writer_reads_argilla(served):
    """With webhooks live, the writer's only reads are its check every 5 s; a reader that read
    Argilla too would double them (and a full read would list the users)."""
    app, proxy = served
    first = time.monotonic()
    while dataset_progress_reads(proxy, first) < 1:  # the writer's first read (after subscribing) is done
        assert time.monotonic() - first < 60, "the writer never read"
        time.sleep(0.2)
    started = time.monotonic()
    while dataset_progress_reads(proxy, started) < 3:
        assert time.monotonic() - started < 60, "the writer stopped checking"
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    assert dataset_progress_reads(proxy, started) <= elapsed / 5 + 1, elapsed
    assert proxy.requests_since(started, "GET /api/v1/users") == 0  # nobody made a full read meanwhile


def test_every_answer_has_security_headers_and_visitors_never_see_the_worker(served):
    """nosniff, a referrer policy, no framing but by the Space's own page, HSTS over HTTPS; which
    process answered only for someone on the machine itself (a Space's front end forwards the
    visitor's address: then it is never sent)."""
    app, _ = served
    visitor = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    with httpx.Client(base_url=app.url, timeout=10) as client:
        static = re.search(r'src="\./(static/[^"]+\.js)"', client.get("/clasificacion").text).group(1)
        answers = [client.get(path, headers=visitor) for path in ("/", "/clasificacion", f"/{static}", "/nada")]
        local = client.get("/clasificacion")
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff", answer.url
        assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'self' https://huggingface.co" in answer.headers["content-security-policy"]
        assert answer.headers["strict-transport-security"].startswith("max-age=")
        assert "x-tablero-worker" not in answer.headers
    assert local.headers["x-tablero-worker"].startswith("127.0.0.1:")
    assert "strict-transport-security" not in local.headers  # plain HTTP: no HSTS


@pytest.mark.fault
def test_a_flood_from_one_address_is_refused_by_nginx_and_no_one_else_is(served):
    """Requests per visitor's address are limited in nginx, before any Python: a flood of long-polls,
    of API calls or of webhook deliveries from one address gets 429s past its burst, while another
    visitor and the machine itself are answered as usual."""
    app, _ = served
    flooder, other = {"X-Forwarded-For": "203.0.113.66"}, {"X-Forwarded-For": "203.0.113.67"}
    paths = {
        "changes": ("GET", "/_tablero/changes?k=nada&v=x", LIMITS["changes"][1]),
        "api": ("GET", "/api/v1/nada", LIMITS["api"][1]),
        "webhooks": ("POST", PATH, LIMITS["webhooks"][1]),
    }
    with httpx.Client(base_url=app.url, timeout=30, limits=httpx.Limits(max_connections=64)) as client:
        for kind, (method, path, burst) in paths.items():

            def ask(headers, method=method, path=path):
                return client.request(method, path, headers=headers, content=b"{}").status_code

            started = time.monotonic()
            with ThreadPoolExecutor(32) as pool:
                flood = list(pool.map(lambda _: ask(flooder), range(burst + 600)))
            let_through = burst + LIMITS[kind][0] * (time.monotonic() - started) + 10
            assert 429 in flood and len(flood) - flood.count(429) <= let_through, (kind, flood.count(429))
            assert ask(other) != 429 and ask({}) != 429, kind  # another visitor; the machine itself


@pytest.mark.fault
def test_a_killed_reader_is_replaced_and_its_visitors_go_elsewhere(browser, served):
    app, _ = served
    reader = app.worker_of(app.worker_ports[1])
    pid = app.pid(reader)
    app.supervisorctl("signal", "KILL", reader)
    for _ in range(4):  # meanwhile every new visitor is served, by the writer
        page, port = open_tab(browser, app, "clasificacion")
        assert "Ranking de contribuciones" in page.inner_text("body")
        page.context.close()
    wait_until(lambda: app.pid(reader) not in (None, pid) and app.healthy(app.worker_ports[1]), what="the restart")


@pytest.mark.fault
def test_a_killed_writer_leaves_the_ranking_on_screen_and_comes_back(browser, served, campaign):
    app, proxy = served
    key, ids = campaign
    page = tab_on(browser, app, app.worker_ports[1], "clasificacion")
    pid = app.pid("writer")
    app.supervisorctl("signal", "KILL", "writer")
    wait_until(lambda: app.pid("writer") not in (None, pid), what="a new writer")
    wait_until(lambda: app.healthy(app.worker_ports[0]), timeout=90, what="the new writer serving")
    assert "Ranking de contribuciones" in page.inner_text("body")  # the reader kept its page
    assert page.locator("[role=dialog]").count() == 0
    mine = tab_on(browser, app, app.worker_ports[1], f"mi-posicion?user={ANNOTATOR}")
    before = shown_validations(mine)
    Annotator(proxy.url, key).submit(ids[5])  # the new writer takes deliveries again
    wait_until(lambda: shown_validations(mine) == before + 1, timeout=90, what="the validation, via the new writer")


def test_served_from_a_private_folder_every_static_file_answers(tmp_path):
    """A clone in a folder only its owner may enter (`mktemp -d`): nginx's workers read the
    project's files as that owner, so no script or stylesheet is refused (403 left the page blank)."""
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(private / "clone")], check=True)
    app = ServedApp({"DATA_DIR": str(private / "data")}, tmp_path / "serve.log", root=private / "clone").start()
    try:
        with httpx.Client(base_url=app.url, timeout=10) as client:
            page = client.get("/clasificacion").text
            named = re.findall(r'(?:src|href)="\./(static/[^"]+)"', page)
            static = Path(streamlit.__file__).parent / "static"
            every = [path.relative_to(static).as_posix() for path in static.rglob("*") if path.is_file()]
            answers = {path: client.get(f"/{path}").status_code for path in {*named, *every}}
    finally:
        app.stop()
    assert len(named) > 20
    assert {path: code for path, code in answers.items() if code != 200} == {}


def test_a_deep_data_dir_still_gets_a_control_socket(tmp_path):
    """A unix socket's address holds 108 bytes: a run folder deeper than that moves the socket."""
    deep = tmp_path / ("carpeta-" * 12) / "run-8501"
    socket = control_socket(deep)
    assert len(str(socket)) < 100 and socket != control_socket(deep.parent / "run-8502")
    assert control_socket(tmp_path / "run-8501") == tmp_path / "run-8501" / "supervisor.sock"


def test_a_board_of_several_campaigns_behind_nginx(browser, tmp_path):
    """The example board (two demo campaigns) behind nginx and two processes: a page address from
    before goes to the default campaign's, and a campaign's pages, static files and websocket work
    under /c/<slug>/ on either process, its page links staying there."""
    app = ServedApp({}, tmp_path / "serve.log")
    app.env.update(
        {
            "CAMPAIGN_CONFIG": str(ROOT / "examples" / "two-campaigns.toml"),
            "DATA_DIR": str(tmp_path / "data"),
            "ARGILLA_API_URL": "",
            "ARGILLA_API_KEY": "",
        }
    )
    app.start()
    try:
        moved = httpx.get(f"{app.url}/clasificacion?lang=en", timeout=30)
        assert moved.status_code == 307 and moved.headers["location"].endswith("/c/examen-mmlu/clasificacion?lang=en")
        for port in app.worker_ports:
            page = tab_on(browser, app, port, "c/razonamiento/clasificacion")
            assert "Razonamiento: ARC y HellaSwag" in page.locator('[data-testid="stSidebar"]').inner_text()
            page.locator('[data-testid="stSidebarNav"] a', has_text="Progreso").click()
            page.wait_for_url(f"{app.url}/c/razonamiento/progreso")
            wait_for_app(page)
            page.context.close()
    finally:
        app.stop()
