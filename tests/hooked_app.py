"""The webhooks' end-to-end setup, shared by the tests and the load bench: annotators working through
the SDK, the app with webhooks on behind a counting proxy, and deliveries signed or sent byte for byte."""

import datetime as dt
import json
import random
import socket
import time

import argilla as rg
import httpx
from standardwebhooks.webhooks import Webhook

from data.config import load_config
from data.feeds.campaign import campaign_source
from data.live.subscription import DESCRIPTION
from data.model import aggregate
from data.routes import WEBHOOKS as PATH
from data.state.snapshots import SnapshotStore, load_campaign
from tests.app_env import environment, write_config
from tests.campaign_builder import DatasetSpec, Plan
from tests.servers.argilla_process import free_port
from tests.servers.counting_proxy import CountingProxy
from tests.streamlit_process import StreamlitApp

SECRET = "dGVzdC1zZWNyZXQtZm9yLXRoZS1pbmJveC0xMjM0NQ=="


def signed(payload: dict | bytes, secret: str = SECRET, msg_id: str = "msg_1", at: dt.datetime | None = None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    at = at or dt.datetime.now(dt.UTC)
    signature = Webhook(secret).sign(msg_id, at, body.decode())
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signature}
    return body, headers


WORKSPACE = "ganchos"


SPEC = DatasetSpec("ganchos_a", "texto", "ref", min_submitted=1, records=600, suggestion_share=1.0)


ANNOTATORS = ["hook_ana", "hook_beto"]


class Annotator:
    """An annotator working through the SDK's authenticated client, as the Argilla UI does."""

    def __init__(self, url: str, key: str):
        self.http = rg.Argilla(api_url=url, api_key=key).api.http_client
        self.bulk_ids: dict[str, str] = {}  # record id -> the response a bulk submission made there

    def submit(self, record_id: str, text: str = "traducción validada", status: str = "submitted") -> str:
        answer = self.http.post(
            f"/api/v1/records/{record_id}/responses",
            json={"values": {"texto": {"value": text}}, "status": status},
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
            made = [item["item"] for item in answer.json()["items"] if item.get("item") and not item.get("error")]
            self.bulk_ids.update({str(item["record_id"]): str(item["id"]) for item in made})
            accepted += len(made)
        return accepted

    def response_of(self, record_id: str) -> str:
        return self.bulk_ids[record_id]

    def edit(self, response_id: str, status: str, text: str = "otra") -> None:
        answer = self.http.put(
            f"/api/v1/responses/{response_id}", json={"values": {"texto": {"value": text}}, "status": status}
        )
        answer.raise_for_status()

    def delete(self, response_id: str) -> None:
        self.http.delete(f"/api/v1/responses/{response_id}").raise_for_status()


def ours(rg_client, url: str) -> list:
    return [w for w in rg_client.webhooks.list() if w.url.rstrip("/") == url and w.description.startswith(DESCRIPTION)]


class HookedApp:
    """The app with webhooks on, behind a counting proxy to Argilla, on a port kept across restarts."""

    def __init__(self, argilla_server, tmp_path, refresh: int = 3, plan: Plan | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}{PATH}"
        self.proxy = CountingProxy(argilla_server.api_url)
        plan = plan or Plan(WORKSPACE, [SPEC])
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
        self.rng = random.Random()

    def start(self) -> "HookedApp":
        self.process = StreamlitApp(self.env, self.tmp_path / f"streamlit-{time.time_ns()}.log", port=self.port)
        self.process.start()
        return self

    def stop(self) -> None:
        """A graceful stop (SIGTERM): the lifespan disables the webhook."""
        self.process.stop()

    def validations(self) -> dict[str, int] | None:
        """What the running app holds now: its latest read, as it saved it (None while it is
        replacing its snapshot: the reader lost the race to the writer's clean-up; and before its
        first full read: a cold start's first look holds Argilla's counts, no response)."""
        with environment(**self.env):
            config = load_config()
        campaign = load_campaign(SnapshotStore(self.env["DATA_DIR"]), campaign_source(config))
        if campaign is None or campaign.provisional:
            return None
        table = aggregate.contributors(campaign.responses, min_validations=1)
        return dict(zip(table["username"], table["validations"]))

    def has(self, counts: dict[str, int]) -> bool:
        """Does the app's latest read give these people these validations?"""
        now = self.validations()
        return now is not None and all(now.get(name, 0) == n for name, n in counts.items())

    def csv(self) -> bytes:
        """The prize CSV as the running app serves it (its API's, the export page's very bytes)."""
        with environment(**self.env):
            slug = load_config().slug
        client = {"X-Forwarded-For": f"10.9.{self.rng.randrange(256)}.{self.rng.randrange(256)}"}  # past the limit
        answer = httpx.get(f"{self.process.url}/api/v1/campaigns/{slug}/ranking.csv", headers=client, timeout=10)
        answer.raise_for_status()
        return answer.content

    def record_reads(self) -> int:
        """Requests that read records: listings of a dataset's records and searches of them."""
        with self.proxy.lock:
            return sum(n for key, n in self.proxy.counts.items() if key.endswith(("/records", "/records/search")))


def raw_post(port: int, path: str, headers: list[tuple[str, str]], body: bytes, timeout: float = 5.0) -> int | None:
    """Send a request byte for byte (the headers as given, however wrong) and return the status
    code, or None if the server closed the connection without one (or gave none in `timeout`). The
    write side stays open while the answer is awaited, as an HTTP client's does: a half-closed
    connection is a client that left, for uvicorn and nginx alike (nginx's 499)."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1") + body)
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
