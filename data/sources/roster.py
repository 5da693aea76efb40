"""The roster's bytes: a local file, or a file in a Hub dataset repo (`hf://datasets/OWNER/NAME/PATH`).

From the Hub through `HfApi.hf_hub_download` (the token reads a private repo; an unchanged file is
not downloaded again: its ETag is checked against the local cache). Failures become `SourceError`s
whose text names the file, never the token.
"""

from __future__ import annotations

from pathlib import Path

from huggingface_hub import HfApi, hf_hub_url
from huggingface_hub.errors import EntryNotFoundError, RepositoryNotFoundError, RevisionNotFoundError

from data.errors import ErrorKind, SourceError
from data.model.roster import MAX_BYTES
from data.sources.hub import hub_errors
from data.sources.hub_client import install_timeout

HUB_PREFIX = "hf://datasets/"


def split_hub(source: str) -> tuple[str, str] | None:
    """`hf://datasets/OWNER/NAME/PATH` -> ("OWNER/NAME", "PATH"); None for a local path."""
    if not source.startswith(HUB_PREFIX):
        return None
    owner, name, path = source[len(HUB_PREFIX) :].split("/", 2)
    return f"{owner}/{name}", path


class RosterSource:
    def __init__(
        self, source: str, base_dir: Path, endpoint: str, token: str | None, cache_dir: Path, timeout: float = 15.0
    ):
        self.source = source
        self.hub = split_hub(source)
        self.path = None if self.hub else (base_dir / source)
        if self.hub:
            install_timeout(timeout)
        self.api = HfApi(endpoint=endpoint, token=token or False) if self.hub else None
        self.cache_dir = cache_dir

    def fetch(self) -> bytes:
        """The file's bytes, its size checked before a byte is read (MAX_BYTES). Raises `SourceError`."""
        if self.path is not None:
            try:
                _no_larger(self.path.stat().st_size)
                return self.path.read_bytes()
            except FileNotFoundError:
                raise SourceError(ErrorKind.MISSING_FILE, self.source) from None
            except OSError as error:
                raise SourceError(ErrorKind.BAD_DATA, type(error).__name__) from None
        assert self.hub is not None and self.api is not None  # not a path: a Hub file
        repo, path = self.hub
        with hub_errors():
            try:
                url = hf_hub_url(repo, path, repo_type="dataset", endpoint=self.api.endpoint)
                _no_larger(self.api.get_hf_file_metadata(url=url).size)  # its HEAD: the size, no body
                local = self.api.hf_hub_download(repo, path, repo_type="dataset", cache_dir=self.cache_dir)
            except (RepositoryNotFoundError, EntryNotFoundError, RevisionNotFoundError):
                raise SourceError(ErrorKind.MISSING_FILE, self.source) from None
        return Path(local).read_bytes()


def _no_larger(size: int | None) -> None:
    if size is not None and size > MAX_BYTES:
        raise SourceError(ErrorKind.BAD_FILE, f"larger than {MAX_BYTES // 1_000_000} MB")
