"""The Hub's repo API, as huggingface_hub 2.4 calls it to create a repo, commit files and read them.

Served by tests/servers/hub_server.py beside the listing API, for a real `HfApi`:
- `POST /api/repos/create` {name, organization, type, private|visibility}: 409 if it exists;
- `GET /api/{type}s/{id}[/revision/{rev}]`: id, sha, private, siblings;
- `POST /api/{type}s/{id}/preupload/{rev}`: per file "regular" or "lfs" (parquet, or over 10 MB) and
  the oid of the file already there (git sha1 for regular files, sha256 for LFS ones);
- `POST /{type}s/{id}.git/info/lfs/objects/batch` and `PUT /lfs-upload/{oid}`: the basic LFS transfer;
- `POST /api/{type}s/{id}/commit/{rev}` (NDJSON: header, file, lfsFile, deletedFile): atomic,
  412 if `parentCommit` is not the head;
- `GET /api/{type}s/{id}/tree/{rev}`: every file (recursive), with its oid, size and LFS pointer;
- `HEAD|GET /{type}s/{id}/resolve/{rev}/{path}`: the bytes with X-Repo-Commit, ETag, X-Linked-*;
- `POST /api/{type}s/{id}/super-squash/{rev}`: one commit left, unreferenced LFS objects dropped;
- Spaces: `sdk`, `secrets` and `variables` at creation; `POST|DELETE /api/spaces/{id}/secrets` and
  `GET|POST|DELETE .../variables` ({key, value}); `GET .../runtime`: after each commit the stage is
  BUILDING for `build_polls` reads, then RUNNING, or BUILD_ERROR with an errorMessage when
  `build_error` is set; `POST .../restart`;
- `POST /api/validate-yaml`: a README's front matter (YAML; a Space's `sdk`, a Docker one's `app_port`);
- `GET /api/whoami-v2`: the token's name and role (`auth.accessToken.role`).
A file goes to LFS when the Hub would put it there: parquet, over 10 MB, or a binary sample (a NUL
byte or not UTF-8 in the first 512 bytes the client sends), as the real Hub refuses binaries in git.
Tokens: `Authorization: Bearer <token>` known as "read" or "write"; an unknown one is 401; a
private repo is invisible (404 RepoNotFound) without a known token; writing needs "write" (403).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field

import yaml

LFS_THRESHOLD = 10 * 1024 * 1024
UPDATED = "2026-12-01T00:00:00.000Z"
URL_PREFIX = {"dataset": "datasets/", "space": "spaces/", "model": ""}


@dataclass
class Repo:
    kind: str
    repo_id: str
    private: bool
    files: dict[str, bytes] = field(default_factory=dict)
    lfs: set[str] = field(default_factory=set)
    commits: list[str] = field(default_factory=list)
    sdk: str | None = None
    secrets: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    runtime_reads: int = 0  # reads of the runtime since the last commit
    messages: list[str] = field(default_factory=list)  # commit summaries, oldest first

    @property
    def head(self) -> str:
        return self.commits[-1]


@dataclass
class Answer:
    status: int
    body: bytes | dict | list | None = None
    headers: dict[str, str] = field(default_factory=dict)


def git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


class RepoStore:
    def __init__(self):
        self.repos: dict[tuple[str, str], Repo] = {}
        self.lfs_objects: dict[str, bytes] = {}
        self.tokens: dict[str, str] = {}  # token -> "read" | "write"
        self.commit_delay = 0.0  # seconds a commit is held before it is applied (to kill a writer mid-commit)
        self.log: list[tuple[str, str, int]] = []  # (repo_id, commit sha, bytes committed)
        self.build_polls = 2  # runtime reads a Space spends BUILDING after a commit
        self.build_error: str | None = None  # set: every build fails with this message
        self.space_calls: list[str] = []  # "secret KEY", "variable KEY", "restart"
        self.lock = threading.RLock()

    # --- what tests look at -----------------------------------------------------------------
    def repo(self, repo_id: str, kind: str = "dataset") -> Repo | None:
        return self.repos.get((kind, repo_id))

    def put(self, repo_id: str, files: dict[str, bytes], kind: str = "dataset", private: bool = True) -> str:
        """Commit `files` directly (what another writer, or a person, would have left there)."""
        with self.lock:
            repo = self.repos.setdefault((kind, repo_id), Repo(kind, repo_id, private, commits=[_sha("init")]))
            for path, data in files.items():
                self._store(repo, path, data, lfs=path.endswith(".parquet"))
            repo.commits.append(_sha(f"{repo_id}{time.time_ns()}"))
            return repo.head

    # --- dispatch --------------------------------------------------------------------------
    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes, base: str) -> Answer | None:
        """The answer to a repo request, or None if `path` is not part of the repo API."""
        role = self._role(headers)
        if role == "invalid":
            return Answer(
                401,
                {"error": "Invalid credentials"},
                {"X-Error-Message": "Invalid credentials in Authorization header"},
            )
        parts = path.strip("/").split("/")
        if method == "GET" and path == "/api/whoami-v2":
            return self._whoami(role)
        if method == "POST" and path == "/api/validate-yaml":
            return _validate_card(json.loads(body or b"{}"))
        if method == "POST" and path == "/api/repos/create":
            return self._create(json.loads(body or b"{}"), role)
        if method == "PUT" and parts[0] == "lfs-upload" and len(parts) == 2:
            return self._lfs_put(parts[1], body)
        if parts[0] == "api" and len(parts) >= 4 and parts[1] in ("datasets", "spaces", "models"):
            kind, repo_id, rest = parts[1][:-1], "/".join(parts[2:4]), parts[4:]
            return self._api(method, kind, repo_id, rest, body, role, base)
        if len(parts) >= 4 and parts[0] in ("datasets", "spaces") and parts[2].endswith(".git"):
            repo_id = f"{parts[1]}/{parts[2][: -len('.git')]}"
            if "/".join(parts[3:]) == "info/lfs/objects/batch":
                return self._lfs_batch(parts[0][:-1], repo_id, json.loads(body or b"{}"), role, base)
        if len(parts) >= 6 and parts[0] in ("datasets", "spaces") and parts[3] == "resolve":
            repo_id, revision, file_path = f"{parts[1]}/{parts[2]}", parts[4], "/".join(parts[5:])
            return self._resolve(method, parts[0][:-1], repo_id, revision, file_path, role)
        return None

    def _api(self, method, kind, repo_id, rest, body, role, base) -> Answer:
        repo = self._visible(kind, repo_id, role)
        if repo is None:
            return _not_found()
        if kind == "space" and rest and rest[0] in ("secrets", "variables", "runtime", "restart"):
            return self._space(method, repo, rest[0], json.loads(body or b"{}"), role)
        if method == "GET" and (not rest or rest[0] == "revision"):
            return Answer(200, self._info(repo))
        if method == "GET" and rest[0] == "tree":
            return Answer(200, self._tree(repo))
        if method != "POST" or len(rest) < 2:
            return Answer(404, {"error": "Not Found"})
        if role != "write":
            return Answer(403, {"error": "You don't have the rights to write to this repo"})
        if rest[0] == "preupload":
            return self._preupload(repo, json.loads(body or b"{}"))
        if rest[0] == "commit":
            return self._commit(repo, body, base)
        if rest[0] == "super-squash":
            return self._squash(repo)
        return Answer(404, {"error": "Not Found"})

    # --- endpoints -------------------------------------------------------------------------
    def _create(self, payload: dict, role: str | None) -> Answer:
        if role != "write":
            return Answer(403 if role else 401, {"error": "You don't have the rights to create a repo"})
        kind = payload.get("type") or "model"
        repo_id = f"{payload['organization']}/{payload['name']}" if payload.get("organization") else payload["name"]
        private = bool(payload.get("private")) or payload.get("visibility") == "private"
        with self.lock:
            if (kind, repo_id) in self.repos:  # the Hub names the existing repo
                url = f"https://huggingface.co/{URL_PREFIX[kind]}{repo_id}"
                return Answer(409, {"error": f"You already created this {kind} repo", "url": url})
            repo = Repo(kind, repo_id, private, commits=[_sha(repo_id)], sdk=payload.get("sdk"))
            repo.secrets = {item["key"]: item["value"] for item in payload.get("secrets") or []}
            repo.variables = {item["key"]: item["value"] for item in payload.get("variables") or []}
            self.repos[(kind, repo_id)] = repo
        return Answer(200, {"url": f"https://huggingface.co/{URL_PREFIX[kind]}{repo_id}", "name": repo_id})

    def _info(self, repo: Repo) -> dict:
        return {
            "_id": _sha(repo.repo_id)[:24],
            "id": repo.repo_id,
            "author": repo.repo_id.split("/")[0],
            "sha": repo.head,
            "private": repo.private,
            "lastModified": "2026-11-23T00:00:00.000Z",
            "siblings": [{"rfilename": path} for path in sorted(repo.files)],
        }

    def _tree(self, repo: Repo) -> list[dict]:
        """Every file (as `?recursive=true` lists them), with its oid and, for LFS files, the pointer's."""
        entries = []
        for path, data in sorted(repo.files.items()):
            entry = {"type": "file", "oid": git_sha1(data), "size": len(data), "path": path}
            if path in repo.lfs:
                entry["lfs"] = {"oid": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": 134}
            entries.append(entry)
        return entries

    def _preupload(self, repo: Repo, payload: dict) -> Answer:
        files = []
        for item in payload.get("files", []):
            path = item["path"]
            sample = base64.b64decode(item.get("sample") or "")
            lfs = path.endswith(".parquet") or item.get("size", 0) > LFS_THRESHOLD or _binary(sample)
            existing = repo.files.get(path)
            oid = None
            if existing is not None:
                oid = hashlib.sha256(existing).hexdigest() if path in repo.lfs else git_sha1(existing)
            files.append({"path": path, "uploadMode": "lfs" if lfs else "regular", "shouldIgnore": False, "oid": oid})
        return Answer(200, {"files": files, "commitOid": repo.head})

    def _lfs_batch(self, kind: str, repo_id: str, payload: dict, role: str | None, base: str) -> Answer:
        repo = self._visible(kind, repo_id, role)
        if repo is None:
            return _not_found()
        if role != "write":
            return Answer(403, {"message": "You don't have the rights to write to this repo"})
        objects = []
        for item in payload.get("objects", []):
            entry = {"oid": item["oid"], "size": item["size"], "authenticated": True}
            if item["oid"] not in self.lfs_objects:
                entry["actions"] = {"upload": {"href": f"{base}/lfs-upload/{item['oid']}", "header": {}}}
            objects.append(entry)
        return Answer(200, {"transfer": "basic", "objects": objects}, {"Content-Type": "application/vnd.git-lfs+json"})

    def _lfs_put(self, oid: str, body: bytes) -> Answer:
        if hashlib.sha256(body).hexdigest() != oid:
            return Answer(400, {"error": "sha256 mismatch"})
        with self.lock:
            self.lfs_objects[oid] = body
        return Answer(200, b"")

    def _commit(self, repo: Repo, body: bytes, base: str) -> Answer:
        lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        header = next((line["value"] for line in lines if line["key"] == "header"), {})
        if self.commit_delay:
            time.sleep(self.commit_delay)
        with self.lock:
            parent = header.get("parentCommit")
            if parent is not None and parent != repo.head:
                return Answer(412, {"error": "A commit has happened since. Please refresh and try again."})
            written = 0
            for line in lines:
                value = line["value"]
                if line["key"] == "file":
                    data = base64.b64decode(value["content"])
                    self._store(repo, value["path"], data, lfs=False)
                    written += len(data)
                elif line["key"] == "lfsFile":
                    data = self.lfs_objects.get(value["oid"])
                    if data is None:
                        return Answer(400, {"error": f"LFS object {value['oid']} was not uploaded"})
                    self._store(repo, value["path"], data, lfs=True)
                    written += len(data)
                elif line["key"] == "deletedFile":
                    repo.files.pop(value["path"], None)
                    repo.lfs.discard(value["path"])
            sha = _sha(f"{repo.repo_id}{time.time_ns()}{written}")
            repo.commits.append(sha)
            repo.runtime_reads = 0  # a Space builds again
            repo.messages.append(header.get("summary", ""))
            self.log.append((repo.repo_id, sha, written))
        url = f"{base}/{URL_PREFIX[repo.kind]}{repo.repo_id}/commit/{sha}"
        return Answer(200, {"commitUrl": url, "commitOid": sha, "pullRequestUrl": None})

    def _squash(self, repo: Repo) -> Answer:
        with self.lock:
            repo.commits = [_sha(f"squash{repo.repo_id}{time.time_ns()}")]
            referenced = {hashlib.sha256(repo.files[path]).hexdigest() for path in repo.lfs}
            self.lfs_objects = {oid: data for oid, data in self.lfs_objects.items() if oid in referenced}
        return Answer(200, {"commitId": repo.head})

    def _resolve(self, method: str, kind: str, repo_id: str, revision: str, path: str, role: str | None) -> Answer:
        repo = self._visible(kind, repo_id, role)
        if repo is None:
            return _not_found()
        if revision not in ("main", *repo.commits):
            return Answer(404, {"error": "Revision Not Found"}, {"X-Error-Code": "RevisionNotFound"})
        data = repo.files.get(path)
        if data is None:
            return Answer(
                404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": repo.head}
            )
        digest = hashlib.sha256(data).hexdigest() if path in repo.lfs else git_sha1(data)
        headers = {"X-Repo-Commit": repo.head, "ETag": f'"{digest}"', "Content-Type": "application/octet-stream"}
        if path in repo.lfs:
            headers |= {"X-Linked-Etag": f'"{digest}"', "X-Linked-Size": str(len(data))}
        return Answer(200, data if method == "GET" else None, headers | {"Content-Length": str(len(data))})

    def _whoami(self, role: str | None) -> Answer:
        if role is None:
            return Answer(401, {"error": "Invalid username or password."})
        return Answer(200, {"type": "user", "name": "organizer", "auth": {"accessToken": {"role": role}}})

    def _space(self, method: str, repo: Repo, what: str, payload: dict, role: str | None) -> Answer:
        if what == "runtime" and method == "GET":
            with self.lock:
                repo.runtime_reads += 1
                building = repo.runtime_reads <= self.build_polls
            stage = "BUILDING" if building else ("BUILD_ERROR" if self.build_error else "RUNNING")
            body = {"stage": stage, "hardware": {"current": "cpu-basic", "requested": "cpu-basic"}}
            if stage == "BUILD_ERROR":
                body["errorMessage"] = self.build_error
            return Answer(200, body)
        if role != "write":
            return Answer(403, {"error": "You don't have the rights to change this Space"})
        if what == "restart" and method == "POST":
            self.space_calls.append("restart")
            repo.runtime_reads = 0
            return Answer(200, {"stage": "BUILDING"})
        if what not in ("secrets", "variables"):
            return Answer(404, {"error": "Not Found"})
        store = repo.secrets if what == "secrets" else repo.variables
        if method == "POST":
            store[payload["key"]] = payload["value"]
            self.space_calls.append(f"{what[:-1]} {payload['key']}")
        elif method == "DELETE":
            store.pop(payload["key"], None)
        elif not (method == "GET" and what == "variables"):  # secrets are never read back
            return Answer(405, {"error": "Method Not Allowed"})
        if what == "secrets":
            return Answer(200, {})
        return Answer(200, {key: {"value": value, "updatedAt": UPDATED} for key, value in store.items()})

    # --- helpers ---------------------------------------------------------------------------
    def _role(self, headers: dict[str, str]) -> str | None:
        value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if not value.startswith("Bearer "):
            return None
        return self.tokens.get(value[len("Bearer ") :], "invalid")

    def _visible(self, kind: str, repo_id: str, role: str | None) -> Repo | None:
        repo = self.repos.get((kind, repo_id))
        if repo is None or (repo.private and role is None):
            return None
        return repo

    def _store(self, repo: Repo, path: str, data: bytes, lfs: bool) -> None:
        repo.files[path] = data
        if lfs:
            repo.lfs.add(path)
            self.lfs_objects[hashlib.sha256(data).hexdigest()] = data
        else:
            repo.lfs.discard(path)


SDKS = ("gradio", "docker", "static", "streamlit")


def _validate_card(payload: dict) -> Answer:
    """A README's front matter, as the Hub checks it before a commit: YAML, and a Space's sdk."""
    text = payload.get("content", "")
    if not text.startswith("---\n") or "\n---" not in text[4:]:
        return Answer(200, {"errors": [], "warnings": [{"message": "empty or missing yaml metadata"}]})
    try:
        meta = yaml.safe_load(text[4 : text.index("\n---", 4)]) or {}
    except yaml.YAMLError:
        return Answer(400, {"errors": [{"message": "invalid YAML in the README's metadata"}]})
    if payload.get("repoType") == "space" and meta.get("sdk") not in SDKS:
        return Answer(400, {"errors": [{"message": f'"sdk" must be one of {", ".join(SDKS)}'}]})
    if meta.get("sdk") == "docker" and not isinstance(meta.get("app_port", 7860), int):
        return Answer(400, {"errors": [{"message": '"app_port" must be a number'}]})
    return Answer(200, {"errors": [], "warnings": []})


def _binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:  # a sample may end in the middle of a character
        return error.start < len(sample) - 3
    return False


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _not_found() -> Answer:
    return Answer(404, {"error": "Repository Not Found"}, {"X-Error-Code": "RepoNotFound"})
