"""The read-only API of a real `streamlit run app.py` on the demo: its answers against the export
page's CSV, its validators, errors, rate limit and CORS, and the whole of it against its own
OpenAPI document with schemathesis."""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import itertools
import json
from urllib.parse import quote
from xml.etree import ElementTree

import httpx
import pandas as pd
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from components import badges
from data.config import load_config
from data.model import aggregate, columns, export
from data.state.demo import load_demo
from server.api.openapi import document
from tests.app_env import ROOT, demo_ranking
from tests.streamlit_process import StreamlitApp
from tests.waiting import wait_until

RATE = "40 per 10 seconds"
SCHEMA = schemathesis.openapi.from_dict(document(load_config()))
ADDRESSES = (f"203.0.113.{n}" for n in itertools.count(10))  # TEST-NET-3: a client per test


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    folder = tmp_path_factory.mktemp("api")
    config = folder / "campaign.toml"
    config.write_text((ROOT / "campaign.toml").read_text() + f'\n[api]\nrate_limit = "{RATE}"\n')
    env = {"DATA_DIR": str(folder / "data"), "CAMPAIGN_CONFIG": str(config), "HF_ENDPOINT": "http://127.0.0.1:9"}
    app = StreamlitApp(env, folder / "streamlit.log").start()
    yield app
    app.stop()


def client() -> dict[str, str]:
    """A client of its own (the app trusts X-Forwarded-For from the loopback, as from its nginx)."""
    return {"X-Forwarded-For": next(ADDRESSES)}


def base(api) -> str:
    return f"{api.url}/api/v1/campaigns/{load_config().slug}"


def all_rows(api, path: str, **params) -> list[dict]:
    """Every row of a paged JSON answer, page after page."""
    rows, page = [], 1
    headers = client()
    while True:
        answer = httpx.get(f"{base(api)}{path}", params={**params, "page": page, "per_page": 100}, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        rows += body["rows"]
        if page >= body["pages"]:
            return rows
        page += 1


def days_of(period: str) -> tuple[dt.date, dt.date]:
    """The days of a period around the demo's read (the shipped campaign's calendar is UTC's)."""
    day = load_demo().fetched_at.date()
    if period == "7d":
        return day - dt.timedelta(days=6), day
    if period == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    first = day.replace(day=1)
    return first, (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)


def ranking_of(period: str) -> pd.DataFrame:
    demo, config = load_demo(), load_config()
    start, end = days_of(period) if period != "all" else (None, None)
    window = aggregate.Filters(None, start, end).within(config.start, config.end)
    return aggregate.contributors(
        demo.responses,
        min_validations=config.min_validations_for_prize,
        exclude_users=config.exclude_users,
        filters=window,
    )


@pytest.mark.parametrize("period", ["all", "week", "month", "7d"])
def test_the_ranking_equals_the_export_csv_row_for_row(api, period):
    """The export page's CSV is `export.ranking_csv` of the ranking; the API's CSV is those very
    bytes, and its JSON, page after page, holds the same rows."""
    expected = export.ranking_csv(ranking_of(period), load_demo().fetched_at)
    csv = httpx.get(f"{base(api)}/ranking.csv", params={"period": period}, headers=client())
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.content == expected
    table = pd.read_csv(io.BytesIO(expected), keep_default_na=False, dtype=str)
    rows = all_rows(api, "/ranking", period=period)
    assert len(rows) == len(table) > 0
    for row, line in zip(rows, table.to_dict("records")):
        for name in columns.CSV_NAMES:
            value = row[name]
            text = "" if value is None else ("true" if value is True else "false" if value is False else str(value))
            if isinstance(value, float):
                assert value == pytest.approx(float(line[name]), rel=1e-12), (row["username"], name)
            else:
                assert text == line[name], (row["username"], name)


def test_every_answer_says_the_read_it_comes_from(api):
    fetched = load_demo().fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    for path in ("/ranking", "/progress", "/teams", f"/contributors/{quote(demo_ranking()['username'].iloc[0])}"):
        answer = httpx.get(base(api) + path, headers=client())
        assert answer.status_code == 200 and answer.json()["as_of"] == fetched, path
        assert answer.headers["last-modified"] == email.utils.format_datetime(load_demo().fetched_at, usegmt=True)


def test_a_person_is_found_by_their_full_name(api):
    ranking = demo_ranking()
    person = ranking.iloc[7]
    answer = httpx.get(f"{base(api)}/contributors/{quote(person['username'])}", headers=client()).json()
    assert answer["contributor"]["username"] == person["username"]
    assert (
        answer["contributor"]["rank"] == person["rank"]
        and answer["contributor"]["validations"] == person["validations"]
    )
    assert answer["people"] == len(ranking)


def test_a_filtered_ranking_is_the_ranking_filtered(api):
    ranking = demo_ranking()
    query = ranking["username"].iloc[3][:4]
    rows = all_rows(api, "/ranking", q=query.upper())
    names = [row["username"] for row in rows]
    assert names and all(query.lower() in name.lower() for name in names)
    assert names == [name for name in ranking["username"] if query.lower() in name.lower()]
    one = httpx.get(f"{base(api)}/ranking", params={"dataset": "arc_c_es"}, headers=client()).json()
    assert one["filters"]["datasets"] == ["arc_c_es"] and one["total"] < len(ranking)


def test_an_unchanged_answer_is_a_304_and_a_different_question_another_tag(api):
    headers = client()
    first = httpx.get(f"{base(api)}/ranking", headers=headers)
    tag = first.headers["etag"]
    again = httpx.get(f"{base(api)}/ranking", headers={**headers, "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    other = httpx.get(f"{base(api)}/ranking", params={"period": "7d"}, headers=headers)
    assert other.headers["etag"] != tag
    as_csv = httpx.get(f"{base(api)}/ranking", headers={**headers, "Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv") and as_csv.headers["etag"] != tag


def test_cors_is_open_for_reading(api):
    preflight = httpx.options(f"{base(api)}/ranking", headers={"Origin": "https://example.org", **client()})
    assert preflight.status_code == 204 and "GET" in preflight.headers["access-control-allow-methods"]
    answer = httpx.get(f"{base(api)}/progress", headers={"Origin": "https://example.org", **client()})
    assert answer.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    "path, params, status",
    [
        ("/ranking", {"page": "0"}, 400),
        ("/ranking", {"per_page": "abc"}, 400),
        ("/ranking", {"dataset": "<script>alert(1)</script>"}, 400),
        ("/ranking", {"period": "siempre"}, 400),
        ("/ranking", {"start": "2024-02-30"}, 400),
        ("/teams", {"by": "ciudad"}, 400),
        ("/contributors/" + quote("<b>" + "ñ" * 300 + "</b>"), {}, 404),
        ("/projects", {"at": "deadline"}, 404),
    ],
)
def test_bad_questions_get_a_problem_document(api, path, params, status):
    answer = httpx.get(base(api) + path, params=params, headers=client())
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in answer.text and "<script>" not in body["detail"]


def test_an_unknown_campaign_is_a_404(api):
    answer = httpx.get(f"{api.url}/api/v1/campaigns/otra/ranking", headers=client())
    assert answer.status_code == 404 and load_config().slug in answer.json()["detail"]
    listed = httpx.get(f"{api.url}/api/v1/campaigns", headers=client()).json()["rows"]
    assert [c["slug"] for c in listed] == [load_config().slug]


def test_a_client_over_the_rate_limit_waits_and_others_do_not(api):
    greedy, other = client(), client()
    statuses = [httpx.get(f"{base(api)}/progress", headers=greedy) for _ in range(60)]
    refused = [answer for answer in statuses if answer.status_code == 429]
    assert 0 < len(refused) <= 60 - 40 and all(a.status_code == 200 for a in statuses[:40])
    assert int(refused[0].headers["retry-after"]) >= 1
    assert refused[0].headers["content-type"] == "application/problem+json"
    assert httpx.get(f"{base(api)}/progress", headers=other).status_code == 200


def test_the_openapi_document_is_served(api):
    answer = httpx.get(f"{api.url}/api/v1/openapi.json")
    assert answer.status_code == 200 and answer.json() == json.loads(json.dumps(document(load_config())))
    ranking = answer.json()["paths"]["/api/v1/campaigns/{slug}/ranking"]["get"]["responses"]["200"]
    row = ranking["content"]["application/json"]["schema"]["properties"]["rows"]["items"]
    assert set(columns.CSV_NAMES) <= set(row["properties"])  # a registry column is in the API's schema


OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
TAKES = {path: bool(item["get"]["parameters"]) for path, item in document(load_config())["paths"].items()}
CASES = [
    pytest.param(operation, mode, id=f"{operation.label} {mode}")
    for operation in OPERATIONS
    for mode in GenerationMode
    if mode == GenerationMode.POSITIVE or TAKES[operation.path]  # nothing to break without parameters
]


@pytest.mark.parametrize("operation, mode", CASES)
def test_the_api_keeps_its_openapi_document(api, operation, mode):
    """No 500, and every answer (status, content type, body) as the document says, for requests
    that follow it (positive) and requests that break it (negative: they must be refused).
    (One pytest test per operation and mode, each with its own name: schemathesis' own
    parametrize gives every operation the same node id, which pytest-xdist cannot tell apart.)"""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=30, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(base_url=api.url, headers=client())

    check()


def test_health_says_what_is_current_and_nothing_secret(api):
    answer = httpx.get(f"{api.url}/_tablero/health")
    report = answer.json()
    assert answer.status_code == 200 and report["status"] in ("ok", "degraded")
    assert report["sources"]["campaign"] == {
        "mode": "demo",
        "age_seconds": report["sources"]["campaign"]["age_seconds"],
        "error": None,
    }
    assert report["writer"] is True and report["inbox"] is None
    names = set(demo_ranking()["username"])
    assert not any(name in answer.text for name in names)
    assert httpx.get(f"{api.url}/_tablero/health?live").json() == {"status": "alive"}


def test_health_is_a_503_while_the_first_read_cannot_land(tmp_path):
    env = {
        "DATA_DIR": str(tmp_path / "data"),
        "HF_ENDPOINT": "http://127.0.0.1:9",
        "ARGILLA_API_URL": "http://127.0.0.1:9",
        "ARGILLA_API_KEY": "argilla.apikey.secret",
    }
    app = StreamlitApp(env, tmp_path / "streamlit.log").start()
    try:
        wait_until(
            lambda: httpx.get(f"{app.url}/_tablero/health").json()["sources"]["campaign"]["error"], 60, "a failed read"
        )
        answer = httpx.get(f"{app.url}/_tablero/health")
        assert answer.status_code == 503 and answer.json()["status"] == "starting"
        assert answer.json()["sources"]["campaign"] == {
            "mode": "first_read",
            "age_seconds": None,
            "error": "unreachable",
        }
        assert "secret" not in answer.text and "127.0.0.1" not in answer.text
        ranking = httpx.get(f"{app.url}/api/v1/campaigns/{load_config().slug}/ranking")
        assert ranking.status_code == 503 and int(ranking.headers["retry-after"]) > 0
    finally:
        app.stop()


def test_badges_say_the_figures_as_valid_svg(api):
    person = demo_ranking().iloc[2]
    answer = httpx.get(f"{base(api)}/contributors/{quote(person['username'])}/badge.svg", headers=client())
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    svg = ElementTree.fromstring(answer.content)
    title = svg.find("{http://www.w3.org/2000/svg}title").text
    assert title == svg.get("aria-label") and person["username"] in title
    assert f"puesto {person['rank']} de {len(demo_ranking())}" in title
    texts = [node.text for node in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0] == person["username"] and f"puesto {person['rank']}" in texts[1]
    english = httpx.get(f"{base(api)}/badge.svg", params={"lang": "en"}, headers=client())
    assert "done" in ElementTree.fromstring(english.content).find("{http://www.w3.org/2000/svg}title").text
    tag = answer.headers["etag"]
    again = httpx.get(answer.url, headers={**client(), "If-None-Match": tag})
    assert again.status_code == 304


@pytest.mark.parametrize("name", ["<script>alert(1)</script>" + "x" * 300, "a\"b'<&>", "\u202eevil"])
def test_a_badge_is_safe_for_any_name(name):
    svg_bytes = badges.badge(name, "puesto 1 · 3 validaciones", f"{name}: puesto 1")
    svg = ElementTree.fromstring(svg_bytes)  # well-formed: nothing of the name became markup
    assert [node.tag.split("}")[1] for node in svg.iter()].count("script") == 0
    assert b"<script" not in svg_bytes and "\u202e" not in svg_bytes.decode()
    label = next(svg.iter("{http://www.w3.org/2000/svg}text")).text
    assert len(label) <= badges.LONGEST


def test_an_answer_is_made_once_and_sent_compressed_only_to_who_accepts_it(api):
    url = f"{base(api)}/ranking.csv"
    plain = httpx.get(url, headers={**client(), "Accept-Encoding": "identity"})
    packed = httpx.get(url, headers={**client(), "Accept-Encoding": "gzip, br;q=0.5"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip" and "Accept-Encoding" in packed.headers["vary"]
    assert packed.content == plain.content  # httpx undoes the gzip
    assert packed.headers["etag"] == plain.headers["etag"] and int(packed.headers["content-length"]) < len(
        plain.content
    )
