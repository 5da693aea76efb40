"""The Docker image, by following its Dockerfile step by step on this machine.

No image builder can run on the test machines (no registry to pull `python:3.11-slim` from), so
this test reads the Dockerfile and does what each instruction does: the same Python, the Debian
packages it installs, a clean virtualenv with `pip install -r requirements.txt`, the build context
that .dockerignore leaves (the files scripts/deploy_space uploads), the same working directory,
environment and user (uid 1000), then runs its CMD and opens the page in Chromium. An instruction
it does not know how to follow fails the test, so the two cannot drift apart.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from scripts.deploy_space import image_files
from tests.servers.argilla_process import free_port

pytestmark = pytest.mark.long

ROOT = Path(__file__).resolve().parent.parent
UID = 1000


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


class Image:
    """The file system of the image under a temporary root: /home/user/app is `root/home/user/app`."""

    def __init__(self, root: Path):
        self.root, self.env, self.uid, self.workdir, self.cmd = root, {}, 0, Path("/"), []
        self.venv = root / "usr/local"

    def path(self, inside: str | Path) -> Path:
        return self.root / Path(inside).relative_to("/")

    def do_from(self, argument: str) -> None:
        version = re.match(r"python:(\d+\.\d+)", argument).group(1)
        python = _interpreter(version)
        assert python, f"no Python {version} here that uid {UID} may run"
        subprocess.run([python, "-m", "venv", str(self.venv)], check=True)

    def do_run(self, argument: str) -> None:
        if argument.startswith("apt-get"):
            packages = re.search(r"install (.*?)(&&|$)", argument).group(1).split()
            missing = [p for p in packages if not p.startswith("-") and not _installed(p)]
            assert not missing, f"Debian packages the image installs are missing here: {missing}"
        elif argument.startswith("useradd"):
            assert f"--uid {UID}" in argument
            self.path("/home/user").mkdir(parents=True)
            _own(self.path("/home/user"))
        else:  # pip and python: the image's own (the virtualenv), in its working directory
            env = {**os.environ, "PATH": f"{self.venv / 'bin'}:{os.environ['PATH']}"}
            subprocess.run(["bash", "-c", argument], cwd=self.path(self.workdir), env=env, check=True)

    def do_workdir(self, argument: str) -> None:
        self.workdir = Path(argument)
        self.path(argument).mkdir(parents=True, exist_ok=True)

    def do_copy(self, argument: str) -> None:
        assert not argument.startswith("--"), "COPY --chown: the code must stay read-only to the app"
        source, target = argument.split()
        assert target == "."
        for name in image_files(ROOT) if source == "." else [source]:
            destination = self.path(self.workdir / name)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination)

    def do_user(self, argument: str) -> None:
        assert argument in (str(UID), "user"), "the Space runs the container as uid 1000"
        self.uid = UID

    def do_env(self, argument: str) -> None:
        for pair in shlex.split(argument):
            key, _, value = pair.partition("=")
            self.env[key] = str(self.path(value)) if value.startswith("/home/") else value

    def do_expose(self, argument: str) -> None:
        assert argument == self.env["PORT"]

    def do_cmd(self, argument: str) -> None:
        self.cmd = json.loads(argument)


def _interpreter(version: str) -> str | None:
    """A Python `version` the Space's user may run (the developer's own may live under /root)."""
    candidates = [f"/usr/local/bin/python{version}", f"/usr/bin/python{version}", sys.executable]
    for candidate in candidates:
        real = Path(candidate).resolve()
        if not real.is_file() or not platform.python_version().startswith(version) and candidate == sys.executable:
            continue
        if all(os.stat(folder).st_mode & 0o001 for folder in real.parents) and os.stat(real).st_mode & 0o001:
            return candidate
    return None


def _installed(package: str) -> bool:
    answer = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return "install ok installed" in answer.stdout


def _own(path: Path) -> None:
    if os.geteuid() == 0:
        for folder, dirs, files in os.walk(path):
            for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                os.chown(name, UID, UID)


def _as_the_space() -> None:
    if os.geteuid() == 0:
        os.setgid(UID)
        os.setuid(UID)


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def written(root: Path, since: float, allowed: list[Path]) -> list[str]:
    """Files under `root` changed after `since`, outside the allowed folders."""
    found = []
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            if path.stat().st_mtime > since and not any(path.is_relative_to(a) for a in allowed):
                found.append(str(path.relative_to(root)))
    return found


@pytest.fixture(scope="module")
def image():
    root = Path(tempfile.mkdtemp(prefix="image-"))
    root.chmod(0o755)  # the Space's user must reach it
    built = Image(root)
    for instruction, argument in instructions(ROOT / "Dockerfile"):
        step = getattr(built, f"do_{instruction.lower()}", None)
        assert step is not None, f"the test cannot follow {instruction} yet: teach it"
        step(argument)
    yield built
    shutil.rmtree(root, ignore_errors=True)


def test_the_image_runs_its_cmd_as_uid_1000_and_writes_only_its_data_dir(image, browser):
    app = image.path(image.workdir)
    assert (app / "app.py").is_file() and not (app / "tests").exists() and not (app / ".venv").exists()
    port = free_port()
    env = {
        "PATH": f"{image.venv / 'bin'}:/usr/sbin:/usr/bin:/bin",
        "HOME": str(image.path("/home/user")),
        "LANG": "C.UTF-8",
        **image.env,
        "PORT": str(port),
        "WORKERS": "2",
    }
    started = time.time()
    process = subprocess.Popen(
        [str(app / image.cmd[0]), *image.cmd[1:]],
        cwd=app,
        env=env,
        preexec_fn=_as_the_space,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not _healthy(port):
            if process.poll() is not None or time.monotonic() > deadline:
                os.killpg(process.pid, 15)
                pytest.fail(f"the CMD did not serve: {process.communicate(timeout=30)[0].decode()[-3000:]}")
            time.sleep(0.5)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
        assert "demostración" in page.inner_text("body")  # the demo campaign, as the README promises
        page.close()
        assert os.stat(app / "app.py").st_uid != UID or os.geteuid() != 0  # the code is not the app's
        data_dir = Path(image.env["DATA_DIR"])
        assert any(data_dir.iterdir()), "nothing written in DATA_DIR"
        assert written(app, started, [data_dir]) == []  # the code untouched: only DATA_DIR changed
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 15)
            process.wait(30)
