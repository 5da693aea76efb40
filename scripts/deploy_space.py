"""Publish this dashboard as a Hugging Face Space (Docker SDK), its secrets and variables set.

    .venv/bin/python -m scripts.deploy_space OWNER/NAME [--private] [--dry-run] [--env-file .env]

1. Reads the values from `--env-file` (default `.env`, never uploaded), over which the environment's
   plain variables; secrets from the environment only with `--secrets-from-env` (an exported
   `HF_TOKEN` is often someone's own). Which names are secrets and which plain variables is
   `data.config.environment.VARIABLES`, the same list as the README's table.
2. Checks before anything is written: the campaign file validates (and a roster file each campaign
   names is uploaded with it, and is a roster); each Argilla server's URL answers and its key is an
   owner or admin key (the main one, and every other a campaign reads: `ARGILLA_API_URL_<NAME>`,
   `ARGILLA_API_KEY_<NAME>`, sent to the Space with them); with `[storage]`, `HF_TOKEN` may write to
   its repo. Each problem
   is one line, and then nothing is uploaded or set.
3. Creates the Space if missing, sets its secrets and the variables that changed, and uploads
   the files the image is built from (the files git tracks, but what `.dockerignore` leaves out of
   the build context) with `upload_folder`, which asks the Hub which files go to LFS/Xet and skips the
   commit when nothing changed; files the Space holds and the tree no longer has are deleted.
4. Waits for the Space's runtime stage and prints its address, or the build error.

The token that deploys is huggingface_hub's own (`HF_DEPLOY_TOKEN`, else `hf auth login`/`HF_TOKEN`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import os
import subprocess
import sys
import time
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

from data.config import DEPLOYED, ConfigError, load_board, load_secrets
from data.config.environment import SERVER_KEY, SERVER_URL, servers
from data.model import roster
from data.model.roster import RosterError
from data.sources.roster import split_hub

ROOT = Path(__file__).resolve().parent.parent
NEVER = (".env", ".env.*", ".streamlit/secrets.toml", ".git")  # whatever .dockerignore says
DONE, FAILED = {"RUNNING", "RUNNING_APP_STARTING"}, {"BUILD_ERROR", "RUNTIME_ERROR", "CONFIG_ERROR", "NO_APP_FILE"}


@dataclass
class Plan:
    """What a deploy would do: the files, the secrets and the variables, and what is wrong."""

    space: str
    files: list[str]
    secrets: dict[str, str] = field(repr=False)
    variables: dict[str, str]
    problems: list[str] = field(default_factory=list)


# --- what goes up ---------------------------------------------------------------------------------
def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines (optional `export`, quotes, comments), as docker and dotenv read them."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def ignored_patterns(root: Path) -> list[str]:
    lines = (root / ".dockerignore").read_text().splitlines() if (root / ".dockerignore").is_file() else []
    return [*NEVER, *(line.strip().strip("/") for line in lines if line.strip() and not line.startswith("#"))]


def _ignored(path: str, patterns: list[str]) -> bool:
    """As docker reads .dockerignore (no `!` exceptions): a pattern names a path from the root, or
    with a leading `**/` a name at any depth; a folder that matches takes everything in it."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    for pattern in patterns:
        names = parts if pattern.startswith("**/") else prefixes
        if any(fnmatch.fnmatchcase(name, pattern.removeprefix("**/")) for name in names):
            return True
    return False


def image_files(root: Path = ROOT) -> list[str]:
    """The build context of the Dockerfile: the files git tracks under `root` (staged or committed)
    that .dockerignore keeps and that are there. An allow-list: a file nobody added (notes with a
    key in them, a local export) never goes up, whatever its name. Empty outside a git checkout."""
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached"], capture_output=True, check=False)
    if listed.returncode != 0:
        return []
    patterns = ignored_patterns(root)
    tracked = sorted({name for name in listed.stdout.decode("utf-8").split("\0") if name})
    return [name for name in tracked if not _ignored(name, patterns) and (root / name).is_file()]


def version(root: Path = ROOT) -> str:
    declared = tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]
    commit = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return f"{declared} ({commit})" if commit else declared


def merged(from_file: Mapping[str, str], environment: Mapping[str, str], secrets_too: bool) -> dict[str, str]:
    """The values to deploy: the file's, over which the environment's plain variables (and, with
    `secrets_too`, its secrets). A secret only in the environment (an `HF_TOKEN` exported for
    the Hub's CLI, say: someone's own token) never becomes the Space's unasked; a note says so."""
    secret = {variable.name for variable in DEPLOYED if variable.secret}
    secret |= {f"{SERVER_KEY}{name}" for name in servers(environment)}
    taken = {k: v for k, v in environment.items() if v and (secrets_too or k not in secret)}
    left = sorted(k for k in secret if environment.get(k) and k not in taken and k not in from_file)
    if left:
        print(f"note: not sent, set only in the environment: {', '.join(left)} (--secrets-from-env sends them)")
    return {**from_file, **taken}


# --- checks ---------------------------------------------------------------------------------------
def check(values: Mapping[str, str], root: Path, files: list[str], hf_endpoint: str) -> list[str]:
    """What would make the Space fail, one line each (never a secret's value)."""
    if not files:
        return [f"{root} is not a git checkout: the upload is the files git tracks (clone the project, or git add)"]
    campaign = values.get("CAMPAIGN_CONFIG") or "campaign.toml"
    if campaign not in files:
        return [
            f"CAMPAIGN_CONFIG: {campaign!r} is not a file of the upload (a path relative to the project, "
            "tracked by git: git add it)"
        ]
    try:
        board = load_board(root / campaign)
    except ConfigError as error:
        return [f"{campaign}: {error}"]
    problems = [
        problem
        for config in board.campaigns
        for problem in _check_roster(config.teams.source, Path(campaign).parent, root, files)
    ]
    try:
        secrets = load_secrets(values)
    except ConfigError as error:
        return [*problems, str(error)]
    if secrets.argilla_api_url and secrets.argilla_api_key:
        problems += _check_argilla(secrets.argilla_api_url, secrets.argilla_api_key)
    given = {name for name, _, _ in secrets.servers}
    for name in sorted({config.argilla for config in board.campaigns if config.argilla} - given):
        problems.append(
            f"{campaign}: a campaign reads the Argilla server {name!r}, and neither {SERVER_URL}{name} nor "
            f"{SERVER_KEY}{name} is set"
        )
    for name, url, key in secrets.servers:
        problems += _check_argilla(url, key, f"_{name}")
    for repo in sorted(
        {config.storage.repo for config in board.campaigns if config.storage.repo and config.storage.writer}
    ):
        problems += _check_storage(repo, secrets.hf_token, values.get("HF_ENDPOINT") or hf_endpoint)
    return problems


def _check_roster(source: str | None, folder: Path, root: Path, files: list[str]) -> list[str]:
    """A roster file beside the campaign file must be uploaded with it, and be a roster."""
    if not source or split_hub(source):
        return []
    path = (folder / source).as_posix()
    if path not in files:
        return [
            f"[teams] source: {path!r} is not a file of the upload (a path relative to the campaign file, "
            "tracked by git: git add it)"
        ]
    try:
        roster.parse((root / path).read_bytes(), dt.datetime.now(dt.UTC), path)
    except RosterError as error:
        return [f"[teams] source: {path}: {error}"]
    return []


def _check_argilla(url: str, key: str, suffix: str = "") -> list[str]:
    """The server at `url` answers and `key` is an owner's or admin's there; `suffix` names another
    server's variables (ARGILLA_API_URL_<NAME>)."""
    url_name, key_name = f"ARGILLA_API_URL{suffix}", f"ARGILLA_API_KEY{suffix}"
    try:
        answer = httpx.get(f"{url}/api/v1/me", headers={"X-Argilla-Api-Key": key}, timeout=20)
    except httpx.HTTPError:
        return [f"{url_name}: no answer from {url}"]
    if answer.status_code == 401:
        return [f"{key_name}: not a valid key for {url}"]
    if answer.status_code != 200:
        return [f"{url_name}: {url} answered HTTP {answer.status_code} (is it an Argilla 2.x server?)"]
    role = answer.json().get("role")
    if role not in ("owner", "admin"):
        return [f"{key_name}: the key of an {role} on {url}; an owner or admin key is needed"]
    return []


def _check_storage(repo: str, token: str | None, endpoint: str) -> list[str]:
    if not token:
        return [f"HF_TOKEN: missing; [storage] keeps the state in {repo} and needs a write token"]
    try:
        who = HfApi(endpoint=endpoint, token=token).whoami()
    except HfHubHTTPError:
        return ["HF_TOKEN: the Hub does not accept this token"]
    access = (who.get("auth") or {}).get("accessToken") or {}
    if access.get("role") in ("write", "admin") or _fine_grained_writes(access, repo):
        return []
    return [f"HF_TOKEN: a {access.get('role', 'read')} token cannot write to {repo} ([storage])"]


def _fine_grained_writes(access: Mapping, repo: str) -> bool:
    owner = repo.split("/")[0]
    for scope in (access.get("fineGrained") or {}).get("scoped") or []:
        entity = scope.get("entity") or {}
        if entity.get("name") in (owner, repo) and "repo.write" in (scope.get("permissions") or []):
            return True
    return False


# --- the plan and the deploy ----------------------------------------------------------------------
def plan(space: str, values: Mapping[str, str], root: Path, hf_endpoint: str) -> Plan:
    given = {v: (values.get(v.name) or "").strip() for v in DEPLOYED}
    secrets = {v.name: value for v, value in given.items() if value and v.secret}
    variables = {v.name: value for v, value in given.items() if value and not v.secret}
    for name, (url, key) in servers(values).items():  # the other servers' (ARGILLA_API_URL_<NAME>...)
        variables.update({f"{SERVER_URL}{name}": url} if url else {})
        secrets.update({f"{SERVER_KEY}{name}": key} if key else {})
    if variables.get("HF_ENDPOINT", "").rstrip("/") == hf_endpoint.rstrip("/"):
        del variables["HF_ENDPOINT"]  # the Hub the Space runs on: nothing to set
    files = image_files(root)
    problems = check(values, root, files, hf_endpoint)
    if not any(name.startswith("ARGILLA_API_KEY") for name in secrets):
        print("note: no ARGILLA_API_URL/ARGILLA_API_KEY: the Space will show the demo campaign")
    return Plan(space, files, secrets, variables, problems)


def describe(planned: Plan) -> str:
    lines = [f"Space {planned.space}: {len(planned.files)} files"]
    lines += [f"  {path}" for path in planned.files]
    lines += [f"secret   {name} = {'*' * 8}" for name in sorted(planned.secrets)]
    lines += [f"variable {name} = {value}" for name, value in sorted(planned.variables.items())]
    return "\n".join(lines)


def deploy(planned: Plan, api: HfApi, root: Path, private: bool) -> str | None:
    """Create or update the Space; the new commit's id, or None when nothing changed."""
    api.create_repo(planned.space, repo_type="space", space_sdk="docker", private=private, exist_ok=True)
    for name, value in planned.secrets.items():  # write-only on the Hub: set every time
        api.add_space_secret(planned.space, name, value)
    current = {name: item.value for name, item in api.get_space_variables(planned.space).items()}
    for name, value in planned.variables.items():
        if current.get(name) != value:
            api.add_space_variable(planned.space, name, value)
    head = api.repo_info(planned.space, repo_type="space").sha
    info = api.upload_folder(
        repo_id=planned.space,
        repo_type="space",
        folder_path=root,
        allow_patterns=planned.files,
        delete_patterns=["*"],  # what the tree no longer has
        commit_message=f"Deploy Tablero {version(root)}",
    )
    return None if info.oid == head else info.oid


def wait(api: HfApi, space: str, timeout: float, every: float = 5.0) -> bool:
    """Print the runtime stage until the Space runs or fails; True if it runs."""
    started, last = time.monotonic(), None
    while time.monotonic() - started < timeout:
        runtime = api.get_space_runtime(space)
        if runtime.stage != last:
            print(f"\n[{time.monotonic() - started:5.0f} s] {runtime.stage}", end="", flush=True)
            last = runtime.stage
        else:
            print(".", end="", flush=True)
        if runtime.stage in DONE:
            print()
            return True
        if runtime.stage in FAILED:
            print(f"\n{runtime.raw.get('errorMessage') or 'the build failed: see the Space logs'}")
            return False
        time.sleep(every)
    print(f"\nstill {last} after {timeout:.0f} s: see the Space's logs")
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("space", help="OWNER/NAME of the Space")
    parser.add_argument("--private", action="store_true", help="create the Space private")
    parser.add_argument("--dry-run", action="store_true", help="print what would be uploaded and set")
    parser.add_argument("--env-file", type=Path, default=ROOT / ".env")
    parser.add_argument("--folder", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the Space to run")
    parser.add_argument("--no-wait", action="store_true")
    parser.add_argument(
        "--secrets-from-env",
        action="store_true",
        help="also take the Space's secrets from the environment (by default only from --env-file)",
    )
    parser.add_argument("--every", type=float, default=5.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    values = merged(read_env_file(args.env_file), os.environ, args.secrets_from_env)
    api = HfApi(token=os.environ.get("HF_DEPLOY_TOKEN") or None)
    planned = plan(args.space, values, args.folder, api.endpoint)
    if args.dry_run:
        print(describe(planned))
    if planned.problems:
        print("Nothing was uploaded:", *planned.problems, sep="\n  ", file=sys.stderr)
        return 1
    if args.dry_run:
        return 0
    # The demo snapshot (parquet) is part of the app, not a dataset mistakenly sent to a Space.
    warnings.filterwarnings("ignore", message="It seems that you are about to commit a data file")
    try:
        commit = deploy(planned, api, args.folder, args.private)
    except HfHubHTTPError as error:
        status = error.response.status_code if error.response is not None else "?"
        print(f"The Hub refused the deploy (HTTP {status}): is the deploy token a write token?", file=sys.stderr)
        return 1
    print(f"{'commit ' + commit if commit else 'no change: no commit'}; {len(planned.secrets)} secrets set")
    host = planned.space.replace("/", "-").replace("_", "-").replace(".", "-").lower()
    print(f"https://huggingface.co/spaces/{planned.space}  ·  the app: https://{host}.hf.space")
    return 0 if args.no_wait or wait(api, planned.space, args.timeout, args.every) else 1


if __name__ == "__main__":
    sys.exit(main())
