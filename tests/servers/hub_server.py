"""A local HTTP server that speaks the Hub's API shape, for tests through a real HfApi.

Listing: GET /api/models|datasets|spaces with author, filter (repeated), search, sort, direction,
limit (page size) and repeated expand keys; items carry `_id`, `id` and the requested fields;
pagination by an absolute `Link: <...>; rel="next"` header. Repos (create, commit, LFS upload,
download, squash): see tests/servers/hub_repos.py. An org's members: GET
/api/organizations/{org}/members (`state.members`, with ids from `state.ids`), paged the same way,
and its overview. Faults can be queued; a
delay slows every answer.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlparse

from tests.servers.hub_repos import RepoStore
from tests.servers.listening import Listening

KINDS = {"models": "model", "datasets": "dataset", "spaces": "space"}
LISTED = {"author", "createdAt", "lastModified", "likes", "trendingScore", "tags", "private", "disabled", "sha"}
EXPANDABLE = {  # what `expand` accepts per kind (anything else gets a 400, as on the Hub)
    "model": LISTED | {"downloads", "gated", "cardData", "pipeline_tag", "library_name"},
    "dataset": LISTED | {"downloads", "gated", "cardData"},
    "space": LISTED | {"sdk", "runtime"},
}


@dataclass
class HubState:
    repos: dict[str, list[dict]] = field(default_factory=lambda: {"model": [], "dataset": [], "space": []})
    page_size: int = 1000
    faults: list[tuple[int, dict]] = field(default_factory=list)  # (status, headers) for the next requests
    requests: list[str] = field(default_factory=list)
    delay: float = 0.0  # seconds added to every answer (a slow Hub)
    gate: threading.Event = field(default_factory=lambda: _open())  # cleared: every answer waits for it
    arrived: list[str] = field(default_factory=list)  # requests as they come, before the gate
    lock: threading.Lock = field(default_factory=threading.Lock)
    store: RepoStore = field(default_factory=RepoStore)
    members: dict[str, list[str]] = field(default_factory=dict)  # org -> its members' usernames
    ids: dict[str, str] = field(default_factory=dict)  # a user's or an org's id, where not "id-" + its name


def _open() -> threading.Event:
    event = threading.Event()
    event.set()
    return event


def _sort_key(value):
    """Numbers by value; anything else (a malformed item) last."""
    return (1, value) if isinstance(value, (int, float)) and not isinstance(value, bool) else (0, 0)


class HubServer:
    def __init__(self):
        self.state = HubState()
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _any(self):
                with state.lock:
                    state.arrived.append(f"{self.command} {self.path}")
                state.gate.wait()
                if state.delay:
                    time.sleep(state.delay)
                url = urlparse(self.path)
                with state.lock:
                    state.requests.append(f"{self.command} {self.path}")
                    fault = state.faults.pop(0) if state.faults else None
                if fault is not None:
                    return self._send(fault[0], {"error": "fault"}, fault[1])
                host, port = self.server.server_address[:2]
                answer = state.store.handle(
                    self.command, url.path, dict(self.headers), self._body(), f"http://{host}:{port}"
                )
                if answer is not None:
                    return self._answer(answer)
                if self.command != "GET":
                    return self._send(404, {"error": "Not Found"})
                parts = url.path.strip("/").split("/")
                if len(parts) == 4 and parts[:2] == ["api", "organizations"] and parts[3] == "members":
                    return self._members(parts[2], parse_qs(url.query), url.path)
                if len(parts) == 4 and parts[:2] == ["api", "organizations"] and parts[3] == "overview":
                    return self._overview(parts[2])
                if len(parts) != 2 or parts[0] != "api" or parts[1] not in KINDS:
                    return self._send(404, {"error": "Not Found"})
                self._list(KINDS[parts[1]], parse_qs(url.query, keep_blank_values=True), url.path)

            def _overview(self, org):
                """GET /api/organizations/{org}/overview: the org's id and name (what the board reads)."""
                if org not in state.members:
                    return self._send(404, {"error": "Organization not found"})
                body = {"_id": state.ids.get(org, f"id-{org}"), "name": org, "fullname": org.title(), "avatarUrl": ""}
                self._send(200, {**body, "numUsers": len(state.members[org]), "isVerified": False})

            def _members(self, org, query, path):
                """GET /api/organizations/{org}/members, as the Hub pages it (a Link to the next)."""
                if org not in state.members:
                    return self._send(404, {"error": "Organization not found"})
                names, page = state.members[org], int(query.get("p", ["0"])[0])
                chunk = names[page * state.page_size : (page + 1) * state.page_size]
                body = [
                    {
                        "_id": state.ids.get(n, f"id-{n}"),
                        "user": n,
                        "fullname": n.title(),
                        "avatarUrl": "",
                        "type": "user",
                        "isPro": False,
                    }
                    for n in chunk
                ]
                headers = {}
                if (page + 1) * state.page_size < len(names):
                    host, port = self.server.server_address[:2]
                    headers["Link"] = f'<http://{host}:{port}{path}?p={page + 1}>; rel="next"'
                self._send(200, body, headers)

            def _list(self, kind, query, path):
                expand = query.get("expand", [])
                unknown = [e for e in expand if e not in EXPANDABLE[kind]]
                if unknown:
                    return self._send(400, {"error": f"Invalid expand value: {unknown[0]}"})
                items = list(state.repos[kind])
                if "author" in query:
                    items = [i for i in items if i["id"].split("/")[0] == query["author"][0]]
                for tag in query.get("filter", []):
                    items = [i for i in items if tag in (i.get("tags") or [])]
                if "search" in query:
                    items = [i for i in items if query["search"][0].lower() in i["id"].lower()]
                sort = query.get("sort", [None])[0]
                if sort:
                    items.sort(key=lambda i: _sort_key(i.get(sort)), reverse=True)
                size = int(query.get("limit", [state.page_size])[0])
                size = min(size, state.page_size)
                page = int(query.get("p", ["0"])[0])
                chunk = items[page * size : (page + 1) * size]
                body = [
                    {"_id": i.get("_id", i["id"]), "id": i["id"], **{e: i[e] for e in expand if e in i}} for i in chunk
                ]
                headers = {}
                if (page + 1) * size < len(items):
                    pairs = [(k, v) for k, vs in query.items() for v in vs if k != "p"] + [("p", str(page + 1))]
                    host, port = self.server.server_address[:2]
                    headers["Link"] = f'<http://{host}:{port}{path}?{urlencode(pairs)}>; rel="next"'
                self._send(200, body, headers)

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _any

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().strip().split(b";")[0], 16)
                        if size == 0:
                            self.rfile.readline()
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _answer(self, answer):
                if isinstance(answer.body, (dict, list)):
                    data = json.dumps(answer.body).encode()
                    headers = {"Content-Type": "application/json", **answer.headers}
                else:
                    data, headers = answer.body or b"", answer.headers
                self.send_response(answer.status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def _send(self, status, body, headers=None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        self.httpd = Listening(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HubServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def list_requests(self) -> list[str]:
        """The listing calls made (paths with their query strings)."""
        paths = [r.split(" ", 1)[1] for r in self.state.requests if r.startswith("GET /api/")]
        return [p for p in paths if len(p.split("?")[0].split("/")) == 3 and p.split("?")[0].split("/")[2] in KINDS]
