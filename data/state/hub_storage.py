"""The dashboard's durable state in a dataset repo on the Hub, for a Space whose disk is wiped.

Layout (format 1), all written by `huggingface_hub` commits:
- `manifest.json`: the format, the app, when it was written, and per part (campaign, projects)
  its fetch time, its source (data.snapshots.source_id) and its files with their sha256;
- `campaign/{records,responses,datasets}.parquet`: the latest campaign frames (what the pages
  show: counts, times, fingerprints of answers; no text anyone wrote, no key, no email);
- `projects/raw.parquet`: the latest listing of the org's repos;
- `likes/YYYY-MM-DD.parquet`: the likes history, one file per UTC day, so a commit rewrites only
  the days that changed (normally today);
- `people/appearance.json`: how each person chose to appear in the public views (a username, a
  choice and when it was made: data/model/appearance.py), kept here so a wiped disk forgets none.
- `final/`: an archived campaign's final read (`final/{records,responses,datasets}.parquet`, what its
  pages are computed from once Argilla is gone), the tables other tools read (`final/standings.parquet`:
  everyone's figures and rank; `final/progress.parquet`: per dataset; with a roster,
  `final/teams.parquet` and `final/countries.parquet`) and `final/manifest.json` (when, which
  campaign, each file's sha256). Written once, read from then on (data/feeds/archive.py).
- `certificates/keys.json`: the key that signs the certificates' IDs where no CERTIFICATE_SECRET is
  set, made once, and the keys that signed IDs before it (data/state/certificate_keys.py): the one
  secret this private repo holds, so that a wiped disk or a rotated Argilla key voids no certificate.
A commit is atomic on the Hub: a process killed while committing leaves the previous state whole.
The writer squashes the history once a day (`squash`), so old snapshots do not pile up.
A file that is foreign, truncated (its sha256 differs) or of a newer format is ignored, with a
log line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from huggingface_hub import CommitOperationAdd, HfApi
from huggingface_hub.errors import EntryNotFoundError, RepositoryNotFoundError
from huggingface_hub.utils import disable_progress_bars

from data.config import legacy
from data.model import appearance
from data.model.appearance import Choice
from data.model.frames import Campaign, typed_records, typed_responses
from data.model.projects import HISTORY_COLUMNS, Projects
from data.sources.at_once import each
from data.sources.hub import RAW_PROJECT_COLUMNS, hub_errors
from data.state.certificate_keys import Keyring
from data.times import utc_now

log = logging.getLogger(__name__)
FORMAT = 1
APP = legacy.STATE_REPO_MARKER  # as repos written before say
MANIFEST = "manifest.json"
APPEARANCE = "people/appearance.json"
KEYS = "certificates/keys.json"
CAMPAIGN_FRAMES = ("records", "responses", "datasets")
Json = dict[str, Any]  # the manifest, as JSON
V = TypeVar("V")


@dataclass(frozen=True)
class Stored:
    """What a read of the repo found. `head` is None when the repo does not exist yet."""

    head: str | None = None
    campaign: Campaign | None = None
    projects: Projects | None = None
    hashes: dict[str, str] = field(default_factory=dict)  # path -> sha256 of the files in the repo
    written_at: dt.datetime | None = None
    newer_format: bool = False  # written by a newer version: read nothing, write nothing
    choices: dict[str, Choice] = field(default_factory=dict)  # how people chose to appear
    keys: Keyring | None = None  # the certificates' keys


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, compression="zstd")
    return buffer.getvalue()


def campaign_files(campaign: Campaign) -> dict[str, bytes]:
    frames = {"records": campaign.records, "responses": campaign.responses, "datasets": campaign.datasets}
    return {f"campaign/{name}.parquet": parquet_bytes(frames[name]) for name in CAMPAIGN_FRAMES}


def projects_files(projects: Projects) -> dict[str, bytes]:
    """The listing, and the likes history cut into one file per UTC day."""
    files = {"projects/raw.parquet": parquet_bytes(projects.raw)}
    history = projects.history
    if len(history):
        days = pd.to_datetime(history["time"], utc=True).dt.strftime("%Y-%m-%d")
        for day, rows in history.groupby(days.to_numpy()):
            files[f"likes/{day}.parquet"] = parquet_bytes(rows.sort_values("time").reset_index(drop=True))
    return files


def keys_files(keys: Keyring | None) -> dict[str, bytes]:
    return {KEYS: json.dumps(keys.to_json(), indent=1).encode("utf-8")} if keys is not None else {}


def appearance_files(choices: dict[str, Choice]) -> dict[str, bytes]:
    return {APPEARANCE: json.dumps(appearance.document(choices), ensure_ascii=False).encode("utf-8")} if choices else {}


def manifest(campaign: Campaign | None, projects: Projects | None, hashes: dict[str, str]) -> Json:
    def part(value: Campaign | Projects | None, prefix: str | tuple[str, ...]) -> Json | None:
        if value is None:
            return None
        files = {path: digest for path, digest in hashes.items() if path.startswith(prefix)}
        return {"fetched_at": value.fetched_at.isoformat(), "source": value.source, "files": files}

    return {
        "format": FORMAT,
        "app": APP,
        "written_at": utc_now().isoformat(),
        "campaign": part(campaign, "campaign/"),
        "projects": part(projects, ("projects/", "likes/")),
        "appearance": {"files": {APPEARANCE: hashes[APPEARANCE]}} if APPEARANCE in hashes else None,
        "certificates": {"files": {KEYS: hashes[KEYS]}} if KEYS in hashes else None,
    }


FINAL = "final/"
FINAL_MANIFEST = FINAL + "manifest.json"


def final_files(campaign: Campaign, tables: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    """An archive's files: the campaign's frames, then the derived tables, each as Parquet."""
    files = {FINAL + path.removeprefix("campaign/"): data for path, data in campaign_files(campaign).items()}
    return files | {f"{FINAL}{name}.parquet": parquet_bytes(frame) for name, frame in tables.items()}


class HubStorage:
    """Reads and writes the state in one dataset repo through a real `HfApi`."""

    def __init__(self, repo: str, endpoint: str, token: str | None, cache_dir: Path):
        self.repo = repo
        self.api = HfApi(endpoint=endpoint, token=token or False)
        self.cache_dir = cache_dir
        disable_progress_bars()  # a server's log is no place for upload bars

    def read(self, campaign_source: str, projects_source: str) -> Stored:
        """The newest state in the repo (parts of other sources are left out). Raises `SourceError`."""
        with hub_errors():
            try:
                info = self.api.dataset_info(self.repo, revision="main")
            except RepositoryNotFoundError:
                return Stored()
            names = {sibling.rfilename for sibling in info.siblings or []}
            if MANIFEST not in names:
                return Stored(head=info.sha)
            revision = info.sha or "main"
            document = self._manifest(revision)
            if document is None:
                return Stored(head=info.sha)
            if document.get("format", 0) > FORMAT:
                log.warning("state repo %s holds a newer format (%s): ignored", self.repo, document.get("format"))
                return Stored(head=info.sha, newer_format=True)
            hashes: dict[str, str] = {}
            campaign = self._part("campaign", document.get("campaign"), campaign_source, revision, hashes, _campaign)
            projects = self._part("projects", document.get("projects"), projects_source, revision, hashes, _projects)
            written = _when(document.get("written_at"))
            choices = self._choices(document.get("appearance"), revision, hashes)
            keys = self._keys(document.get("certificates"), revision, hashes)
            return Stored(info.sha, campaign, projects, hashes, written, choices=choices, keys=keys)

    def write(self, files: dict[str, bytes], document: Json, parent: str | None) -> str:
        """Commit `files` and the manifest in one commit on top of `parent`; the new head. Raises `SourceError`."""
        with hub_errors():
            if parent is None:
                self.api.create_repo(self.repo, repo_type="dataset", private=True, exist_ok=True)
            operations = [CommitOperationAdd(path, data) for path, data in sorted(files.items())]
            operations.append(CommitOperationAdd(MANIFEST, json.dumps(document, indent=1).encode("utf-8")))
            info = self.api.create_commit(
                self.repo,
                operations,
                commit_message=f"Tablero: state of {document['written_at'][:16]} UTC",
                repo_type="dataset",
                parent_commit=parent,
            )
            return info.oid

    def write_final(self, campaign: Campaign, tables: dict[str, pd.DataFrame]) -> str:
        """Commit an archived campaign's final read and tables (`final/`, its own manifest); the new
        head. Raises `SourceError`."""
        files = final_files(campaign, tables)
        document = {
            "format": FORMAT,
            "app": APP,
            "archived_at": utc_now().isoformat(),
            "fetched_at": campaign.fetched_at.isoformat(),
            "source": campaign.source,
            "files": {path: sha256(data) for path, data in sorted(files.items())},
        }
        files[FINAL_MANIFEST] = json.dumps(document, indent=1).encode("utf-8")
        with hub_errors():
            self.api.create_repo(self.repo, repo_type="dataset", private=True, exist_ok=True)
            operations = [CommitOperationAdd(path, data) for path, data in sorted(files.items())]
            message = f"Tablero: the final read of {campaign.fetched_at:%Y-%m-%d %H:%M} UTC, archived"
            return self.api.create_commit(self.repo, operations, commit_message=message, repo_type="dataset").oid

    def read_final(self, source: str) -> Campaign | None:
        """The campaign `source`'s archived final read, if the repo holds one whole. Raises `SourceError`."""
        with hub_errors():
            try:
                info = self.api.dataset_info(self.repo, revision="main")
            except RepositoryNotFoundError:
                return None
            if FINAL_MANIFEST not in {sibling.rfilename for sibling in info.siblings or []}:
                return None
            found = self._final(info.sha or "main", source)
        if found is None:
            return None
        files, fetched_at = found
        frames = {f"campaign/{name}.parquet": files.get(f"{FINAL}{name}.parquet", b"") for name in CAMPAIGN_FRAMES}
        try:
            return _campaign(frames, fetched_at, source)
        except (KeyError, ValueError, OSError) as error:  # a missing frame, bad parquet
            log.warning("state repo %s: the archive is unreadable (%s): ignored", self.repo, type(error).__name__)
            return None

    def _final(self, revision: str, source: str) -> tuple[dict[str, bytes], dt.datetime] | None:
        """The archive's files (each matching its sha256) and when its read was made, if it is this
        campaign's."""
        try:
            document = json.loads(self._download(FINAL_MANIFEST, revision))
        except (UnicodeDecodeError, json.JSONDecodeError):
            document = None
        if not isinstance(document, dict) or document.get("app") != APP or document.get("source") != source:
            log.warning("state repo %s: %s is not this campaign's archive: ignored", self.repo, FINAL_MANIFEST)
            return None
        fetched_at, listed = _when(document.get("fetched_at")), document.get("files")
        files = self._checked(listed, revision, {}) if isinstance(listed, dict) and fetched_at else None
        return (files, fetched_at) if files is not None and fetched_at is not None else None

    def squash(self) -> str | None:
        """Squash the repo's history into one commit (old snapshots then take no storage); the new head."""
        with hub_errors():
            self.api.super_squash_history(
                self.repo,
                repo_type="dataset",
                commit_message="Tablero: history squashed (only the latest state is kept)",
            )
            return self.api.dataset_info(self.repo, revision="main").sha

    def _download(self, path: str, revision: str) -> bytes:
        local = self.api.hf_hub_download(
            self.repo, path, repo_type="dataset", revision=revision, cache_dir=self.cache_dir
        )
        return Path(local).read_bytes()

    def _download_unless_missing(self, path: str, revision: str) -> bytes | None:
        try:
            return self._download(path, revision)
        except EntryNotFoundError:
            return None

    def _manifest(self, revision: str) -> Json | None:
        try:
            document = json.loads(self._download(MANIFEST, revision))
        except (UnicodeDecodeError, json.JSONDecodeError):
            log.warning("state repo %s: manifest.json is not JSON: ignored", self.repo)
            return None
        if not isinstance(document, dict) or document.get("app") != APP or not isinstance(document.get("format"), int):
            log.warning("state repo %s: manifest.json is not this dashboard's: ignored", self.repo)
            return None
        return document

    def _checked(self, files: dict[str, str], revision: str, hashes: dict[str, str]) -> dict[str, bytes] | None:
        """The listed files, each matching its sha256 (else None: truncated or replaced, ignored),
        downloaded at the same time: the likes history is a file a day, and from a Space each
        download is two round trips to the Hub, on a cold start's way to its first page."""
        downloaded = each(lambda path: self._download_unless_missing(path, revision), files, "hub-download")
        found: dict[str, bytes] = {}
        for (path, digest), data in zip(files.items(), downloaded, strict=True):
            if data is None:
                log.warning("state repo %s: %s is listed but missing: ignored", self.repo, path)
                return None
            if sha256(data) != digest:
                log.warning("state repo %s: %s does not match its checksum: ignored", self.repo, path)
                return None
            found[path] = data
            hashes[path] = digest
        return found

    def _choices(self, part: object, revision: str, hashes: dict[str, str]) -> dict[str, Choice]:
        files = part.get("files") if isinstance(part, dict) else None
        found = self._checked(files, revision, hashes) if isinstance(files, dict) else None
        try:
            return appearance.parse(json.loads(found[APPEARANCE])) if found and APPEARANCE in found else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            log.warning("state repo %s: %s is not JSON: ignored", self.repo, APPEARANCE)
            return {}

    def _keys(self, part: object, revision: str, hashes: dict[str, str]) -> Keyring | None:
        files = part.get("files") if isinstance(part, dict) else None
        found = self._checked(files, revision, hashes) if isinstance(files, dict) else None
        try:
            keys = Keyring.from_json(json.loads(found[KEYS])) if found and KEYS in found else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            keys = None
        if found and keys is None:
            log.warning("state repo %s: %s is not a keyring: ignored", self.repo, KEYS)
        return keys

    def _part(
        self,
        name: str,
        part: object,
        source: str,
        revision: str,
        hashes: dict[str, str],
        build: Callable[[dict[str, bytes], dt.datetime, str], V],
    ) -> V | None:
        """One part of the state (`build(files, fetched_at, source)`), if it is ours and whole, else None."""
        fetched_at = _when(part.get("fetched_at")) if isinstance(part, dict) else None
        if not isinstance(part, dict) or part.get("source") != source or fetched_at is None:
            return None
        files = self._checked(part["files"], revision, hashes) if isinstance(part.get("files"), dict) else None
        if files is None:
            return None
        try:
            return build(files, fetched_at, source)
        except (KeyError, ValueError, OSError) as error:  # a missing frame, bad parquet
            log.warning("state repo %s: the %s could not be read (%s): ignored", self.repo, name, type(error).__name__)
            return None


def _campaign(files: dict[str, bytes], fetched_at: dt.datetime, source: str) -> Campaign:
    frames = {name: pd.read_parquet(io.BytesIO(files[f"campaign/{name}.parquet"])) for name in CAMPAIGN_FRAMES}
    records, responses = typed_records(frames["records"]), typed_responses(frames["responses"])
    return Campaign(records, responses, frames["datasets"], fetched_at, source)


def _projects(files: dict[str, bytes], fetched_at: dt.datetime, source: str) -> Projects:
    raw = pd.read_parquet(io.BytesIO(files["projects/raw.parquet"]))[RAW_PROJECT_COLUMNS]
    days = [pd.read_parquet(io.BytesIO(data)) for path, data in sorted(files.items()) if path.startswith("likes/")]
    history = pd.concat(days, ignore_index=True)[HISTORY_COLUMNS] if days else pd.DataFrame(columns=HISTORY_COLUMNS)
    return Projects(raw, history, fetched_at, source)


def _when(value: object) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
