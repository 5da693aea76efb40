"""`python -m scripts.deploy_space`, run as an organizer runs it, against the Hub-shaped server
(tests/servers/hub_repos.py: repos, preupload, LFS, commits, Space secrets, variables, runtime)
through a real HfApi, with the real argilla-server checking the key."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from scripts.deploy_space import image_files
from tests.servers.hub_server import HubServer

ROOT = Path(__file__).resolve().parent.parent
DEPLOY, APP_WRITE, APP_READ = "hf_deploy_token_0001", "hf_app_write_token_0002", "hf_app_read_token_0003"
SPACE = "somosnlp/tablero"
PLANTED = {  # what a working copy holds and a Space must never get
    ".env": "ARGILLA_API_KEY=from-dotenv\n",
    ".streamlit/secrets.toml": 'ARGILLA_API_KEY = "local"\n',
    "data/cache/campaign-1/records.parquet": "not for the Space",
    "views/__pycache__/app.cpython-311.pyc": "bytecode",
    "test-artifacts/screen.png": "a test's screenshot",
    ".venv/bin/python": "a virtualenv",
}


@pytest.fixture
def hub():
    server = HubServer().start()
    server.state.store.tokens = {DEPLOY: "write", APP_WRITE: "write", APP_READ: "read"}
    server.state.store.build_polls = 2
    yield server
    server.stop()


@pytest.fixture
def project(tmp_path, live_campaign) -> Path:
    """A working copy of this project configured for the live campaign, with local-only files in it."""
    folder = tmp_path / "tablero"
    shutil.copytree(ROOT, folder, ignore=shutil.ignore_patterns(".git", ".venv", "node_modules", "test-artifacts"))
    shutil.copy(live_campaign[1], folder / "campaign.toml")
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the project"], check=True)
    for path, text in PLANTED.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)
    return folder


@pytest.fixture
def secrets(argilla_server) -> dict[str, str]:
    return {
        "ARGILLA_API_KEY": argilla_server.api_key,
        "HF_TOKEN": APP_WRITE,
        "ORGANIZER_TOKEN": "pase-secreto-de-organizacion",
        "AUTH_COOKIE_SECRET": "galleta-secreta-9f8e7d6c5b4a",
    }


def deploy(
    hub: HubServer, project: Path, values: dict[str, str], *args: str, exported: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """The command as the README gives it, values from a .env file beside the project (and
    `exported` in the environment, as a shell would have them)."""
    env_file = project.parent / "deploy.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HF_")},
        **(exported or {}),
        "HF_ENDPOINT": hub.endpoint,
        "HF_DEPLOY_TOKEN": DEPLOY,
        "HF_HUB_VERBOSITY": "debug",
        "HF_HUB_DISABLE_XET": "1",  # the Hub-shaped server speaks LFS; on the Hub, upload_folder uses Xet
    }
    command = [sys.executable, "-m", "scripts.deploy_space", SPACE, "--env-file", str(env_file)]
    command += ["--folder", str(project), "--every", "0.2", "--timeout", "30", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_a_deploy_uploads_the_image_files_sets_secrets_and_variables_and_waits(hub, project, secrets, argilla_server):
    values = {"ARGILLA_API_URL": argilla_server.api_url, "WORKERS": "2", **secrets}
    done = deploy(hub, project, values)
    assert done.returncode == 0, done.stderr[-2000:]

    store = hub.state.store
    space = store.repo(SPACE, "space")
    assert space.sdk == "docker"
    expected = set(image_files(project))
    assert set(space.files) == expected
    assert {"app.py", "Dockerfile", "requirements.txt", "README.md", "scripts/serve"} <= expected
    assert ".gitattributes" not in expected  # this repository's (no LFS filter): the Space keeps the Hub's
    assert not set(PLANTED) & set(space.files)
    assert not any(path.startswith(("tests/", "bench/")) for path in space.files)
    for path, data in space.files.items():
        assert data == (project / path).read_bytes(), path
    binaries = {p for p in space.files if p.endswith((".png", ".ttf", ".parquet"))}
    assert binaries and binaries <= space.lfs  # through LFS, as the Hub asks for binaries
    assert space.files["README.md"].startswith(b"---\ntitle:")  # the front matter kept

    assert space.secrets == secrets
    assert space.variables == {"ARGILLA_API_URL": argilla_server.api_url, "WORKERS": "2"}
    for value in secrets.values():
        assert all(value.encode() not in data for data in space.files.values())
        assert value not in done.stdout and value not in done.stderr
    assert "RUNNING" in done.stdout and f"https://huggingface.co/spaces/{SPACE}" in done.stdout
    assert space.messages[-1].startswith("Deploy Tablero 0.")  # names the version

    commits = list(space.commits)
    again = deploy(hub, project, values)
    assert again.returncode == 0, again.stderr[-2000:]
    assert space.commits == commits  # nothing changed: no commit
    assert "no change" in again.stdout

    (project / "README.md").write_text((project / "README.md").read_text() + "\nOne more line.\n")
    (project / "docs/screenshots/top10-embed.png").unlink()
    third = deploy(hub, project, values)
    assert third.returncode == 0, third.stderr[-2000:]
    assert len(space.commits) == len(commits) + 1
    assert "docs/screenshots/top10-embed.png" not in space.files  # gone from the tree, gone from the Space
    assert space.files["README.md"].endswith(b"One more line.\n")


def test_only_tracked_files_go_up_and_an_exported_token_stays_home(hub, project, secrets, argilla_server):
    """A file nobody added to git (whatever its name) is never uploaded, and a secret that is only in
    the environment (a personal HF_TOKEN exported for the Hub's CLI) is never made the Space's
    unasked; --secrets-from-env sends it when that is what is meant."""
    (project / "notas-para-mi.txt").write_text("mi clave: hf_personal_token_9999\n")
    (project / "views" / "borrador.py").write_text("# a page not added yet\n")
    values = {"ARGILLA_API_URL": argilla_server.api_url, **{k: v for k, v in secrets.items() if k != "HF_TOKEN"}}
    done = deploy(hub, project, values, exported={"HF_TOKEN": "hf_personal_token_9999"})
    assert done.returncode == 0, done.stderr[-2000:]
    space = hub.state.store.repo(SPACE, "space")
    assert "notas-para-mi.txt" not in space.files and "views/borrador.py" not in space.files
    assert "HF_TOKEN" not in space.secrets and "not sent, set only in the environment: HF_TOKEN" in done.stdout
    assert all(b"hf_personal_token_9999" not in data for data in space.files.values())
    again = deploy(hub, project, values, "--secrets-from-env", exported={"HF_TOKEN": APP_WRITE})
    assert again.returncode == 0, again.stderr[-2000:]
    assert space.secrets["HF_TOKEN"] == APP_WRITE


def test_dry_run_shows_the_plan_with_secrets_masked_and_writes_nothing(hub, project, secrets, argilla_server):
    done = deploy(hub, project, {"ARGILLA_API_URL": argilla_server.api_url, **secrets}, "--dry-run")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "app.py" in done.stdout and "secret   ARGILLA_API_KEY = ********" in done.stdout
    assert f"variable ARGILLA_API_URL = {argilla_server.api_url}" in done.stdout
    assert all(value not in done.stdout + done.stderr for value in secrets.values())
    assert hub.state.store.repo(SPACE, "space") is None


def annotator_key(argilla_server) -> str:
    owner = httpx.Client(base_url=argilla_server.api_url, headers={"X-Argilla-Api-Key": argilla_server.api_key})
    user = next(u for u in owner.get("/api/v1/users").json()["items"] if u["role"] == "annotator")
    return owner.get(f"/api/v1/users/{user['id']}").json()["api_key"]


def test_bad_keys_upload_nothing_and_say_why_one_line_each(hub, project, secrets, argilla_server):
    with open(project / "campaign.toml", "a") as config:
        config.write('\n[storage]\nrepo = "somosnlp/tablero-estado"\n')
    values = {**secrets, "ARGILLA_API_URL": argilla_server.api_url, "ARGILLA_API_KEY": annotator_key(argilla_server)}
    values["HF_TOKEN"] = APP_READ
    done = deploy(hub, project, values)
    assert done.returncode == 1
    problems = done.stderr.splitlines()
    assert any("ARGILLA_API_KEY" in line and "annotator" in line for line in problems), done.stderr
    assert any("HF_TOKEN" in line and "read token cannot write" in line for line in problems), done.stderr
    assert values["ARGILLA_API_KEY"] not in done.stderr + done.stdout
    assert hub.state.store.repo(SPACE, "space") is None

    values = {**secrets, "ARGILLA_API_URL": argilla_server.api_url, "ARGILLA_API_KEY": "not-a-key"}
    done = deploy(hub, project, values)
    assert done.returncode == 1 and "ARGILLA_API_KEY: not a valid key" in done.stderr
    assert hub.state.store.repo(SPACE, "space") is None


def test_an_invalid_campaign_file_uploads_nothing(hub, project, secrets):
    (project / "campaign.toml").write_text('[campaign]\ntitle = "x"\nrefresh_seconds = -5\n')
    done = deploy(hub, project, secrets)
    assert done.returncode == 1
    assert done.stderr.splitlines()[1].startswith("  campaign.toml: ")
    assert hub.state.store.repo(SPACE, "space") is None


def test_a_roster_beside_the_campaign_file_must_be_uploaded_and_be_a_roster(hub, project, secrets):
    config = project / "campaign.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[teams]\nsource = "equipos.csv"\n', encoding="utf-8")
    done = deploy(hub, project, secrets)
    assert done.returncode == 1 and "'equipos.csv' is not a file of the upload" in done.stderr
    (project / "equipos.csv").write_text("username,country\nana,MX\n", encoding="utf-8")
    done = deploy(hub, project, secrets)
    assert done.returncode == 1 and "git add it" in done.stderr  # there, but never added: not uploaded
    subprocess.run(["git", "-C", str(project), "add", "equipos.csv"], check=True)
    done = deploy(hub, project, secrets)
    assert done.returncode == 1 and "missing column team" in done.stderr
    assert hub.state.store.repo(SPACE, "space") is None


def test_a_failed_build_is_reported(hub, project):
    hub.state.store.build_error = "Build failed: pip could not resolve requirements.txt"
    done = deploy(hub, project, {})
    assert done.returncode == 1
    assert "BUILD_ERROR" in done.stdout and "pip could not resolve" in done.stdout


def test_a_board_on_two_servers_sends_each_servers_address_and_key(
    hub, project, secrets, live_campaign, argilla_server
):
    """A board whose campaigns read another Argilla server (ARGILLA_API_URL_<NAME>, ..._KEY_<NAME>):
    that server's address and key go to the Space too, its key is checked like the main one, and a
    campaign whose server is not given stops the deploy before anything is uploaded."""
    from tests.test_campaigns_live import board_text

    (project / "campaign.toml").write_text(board_text(live_campaign[0]), encoding="utf-8")  # reads OTRO, FALTA
    subprocess.run(["git", "-C", str(project), "add", "campaign.toml"], check=True)
    other = argilla_server.api_url.replace("127.0.0.1", "localhost")
    values = {"ARGILLA_API_URL": argilla_server.api_url, **secrets}
    values |= {"ARGILLA_API_URL_OTRO": other, "ARGILLA_API_KEY_OTRO": annotator_key(argilla_server)}
    done = deploy(hub, project, values)
    assert done.returncode == 1 and hub.state.store.repo(SPACE, "space") is None
    problems = done.stderr.splitlines()
    assert any("'FALTA'" in line and "ARGILLA_API_URL_FALTA" in line for line in problems), done.stderr
    assert any(line.strip().startswith("ARGILLA_API_KEY_OTRO: the key of an annotator") for line in problems)
    assert values["ARGILLA_API_KEY_OTRO"] not in done.stderr + done.stdout

    values |= {"ARGILLA_API_KEY_OTRO": argilla_server.api_key, "ARGILLA_API_URL_FALTA": other}
    values["ARGILLA_API_KEY_FALTA"] = argilla_server.api_key
    done = deploy(hub, project, values)
    assert done.returncode == 0, done.stderr[-2000:]
    space = hub.state.store.repo(SPACE, "space")
    assert space.secrets == {
        **secrets,
        "ARGILLA_API_KEY_OTRO": argilla_server.api_key,
        "ARGILLA_API_KEY_FALTA": argilla_server.api_key,
    }
    assert space.variables == {
        "ARGILLA_API_URL": argilla_server.api_url,
        "ARGILLA_API_URL_OTRO": other,
        "ARGILLA_API_URL_FALTA": other,
    }
