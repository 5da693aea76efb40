"""The open standings in a public dataset repo on the Hub ([open_data] in campaign.toml).

Layout, each edition written by one `huggingface_hub` commit (atomic: a process killed while
committing leaves the previous editions whole):
- `<table>/date=YYYY-MM-DD/data.parquet`: one partition per day of the campaign's calendar, for
  the tables of data/model/open_data.py (history accumulates; a day published again is replaced);
- `README.md`: the dataset card (licence, a config per table pointing at its latest day, what each
  column is and how it is counted), rewritten by every edition;
- `index.json`: every day published, the read it came from and whether it is final, so a
  process that starts on a wiped disk knows what is there before it writes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huggingface_hub import CommitOperationAdd, DatasetCardData, HfApi
from huggingface_hub.errors import EntryNotFoundError, RepositoryNotFoundError
from huggingface_hub.utils import disable_progress_bars

from data.model.open_data import TABLES, Edition, card_body, path_of
from data.sources.hub import hub_errors
from data.state.hub_storage import APP, parquet_bytes

INDEX = "index.json"
FORMAT = 1


@dataclass(frozen=True)
class Published:
    """What the repo holds: each day published ("YYYY-MM-DD") with its read time and finality."""

    head: str | None = None  # None: the repo does not exist yet
    days: dict[str, dict[str, Any]] = field(default_factory=dict)
    foreign: bool = False  # its index.json is not this dashboard's: it is never written

    @property
    def final(self) -> bool:
        return any(day.get("final") for day in self.days.values())


class OpenDataRepo:
    """Reads the index of, and publishes editions to, one public dataset repo through a real `HfApi`."""

    def __init__(self, repo: str, endpoint: str, token: str | None, licence: str, cache_dir: Path):
        self.repo, self.licence, self.cache_dir = repo, licence, cache_dir
        self.api = HfApi(endpoint=endpoint, token=token or False)
        disable_progress_bars()

    def read(self) -> Published:
        """The days the repo holds. Raises `SourceError`."""
        with hub_errors():
            try:
                info = self.api.dataset_info(self.repo, revision="main")
            except RepositoryNotFoundError:
                return Published()
            names = {sibling.rfilename for sibling in info.siblings or []} - {".gitattributes"}
            if INDEX not in names:
                return Published(info.sha, foreign=bool(names))  # new and empty, or someone else's
            try:
                local = self.api.hf_hub_download(
                    self.repo, INDEX, repo_type="dataset", revision=info.sha or "main", cache_dir=self.cache_dir
                )
            except EntryNotFoundError:
                return Published(info.sha)
        days = _days(Path(local))
        return Published(info.sha, days or {}, foreign=days is None)

    def publish(self, edition: Edition, title: str, published: Published) -> Published:
        """Commit the edition's files, the card and the index on top of `published`. Raises `SourceError`."""
        days = {**published.days, edition.day.isoformat(): {"read_at": _iso(edition.read_at), "final": edition.final}}
        index = {"app": APP, "format": FORMAT, "days": dict(sorted(days.items()))}
        files = {path_of(name, edition.day): parquet_bytes(frame) for name, frame in edition.frames.items()}
        files["README.md"] = self.card(edition, title, len(days)).encode("utf-8")
        files[INDEX] = json.dumps(index, indent=1).encode("utf-8")
        with hub_errors():
            if published.head is None:
                self.api.create_repo(self.repo, repo_type="dataset", private=False, exist_ok=True)
            info = self.api.create_commit(
                self.repo,
                [CommitOperationAdd(path, data) for path, data in sorted(files.items())],
                commit_message=f"Tablero: standings of {edition.day.isoformat()}"
                + (" (final)" if edition.final else ""),
                repo_type="dataset",
                parent_commit=published.head,
            )
        return Published(info.oid, days)

    def card(self, edition: Edition, title: str, days: int) -> str:
        configs = [
            {
                "config_name": table.name,
                "data_files": path_of(table.name, edition.day),
                "default": table.name == "ranking",
            }
            for table in TABLES
            if table.name in edition.frames
        ]
        data = DatasetCardData(license=self.licence, pretty_name=title, configs=configs, tags=["tablero"])
        return f"---\n{data.to_yaml()}\n---\n\n{card_body(title, self.repo, self.licence, edition, days)}"


def _days(local: Path) -> dict[str, dict[str, Any]] | None:
    """The index's days; None for an index that is not this dashboard's (or not JSON)."""
    try:
        document = json.loads(local.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(document, dict) or document.get("app") != APP or not isinstance(document.get("days"), dict):
        return None
    return {day: entry for day, entry in document["days"].items() if isinstance(entry, dict)}


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
