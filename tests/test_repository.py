"""The repository as a newcomer gets it: a clone is complete with or without git-lfs, secrets kept
beside it are never committed, and an old Python is told so before anything is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.app_env import ROOT

BINARY_MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".parquet": b"PAR1", ".ttf": b"\x00\x01\x00\x00"}


def git(*args: str, cwd: Path, home: Path) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "LANG": "C"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout + done.stderr


@pytest.fixture
def private(tmp_path: Path) -> Path:
    """A folder only its owner may enter, as `mktemp -d` makes them."""
    tmp_path.chmod(0o700)
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    return tmp_path


def binaries(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in BINARY_MAGIC and ".git" not in p.parts)


def test_a_clone_with_git_lfs_installed_is_clean(private):
    if not shutil.which("git-lfs"):
        pytest.fail("git-lfs is not installed: run scripts/test.sh")
    home = private / "home"
    home.mkdir()
    git("lfs", "install", cwd=private, home=home)
    git("clone", "--quiet", str(ROOT), "clone", cwd=private, home=home)
    assert git("status", "--porcelain", cwd=private / "clone", home=home) == ""
    assert git("lfs", "ls-files", cwd=private / "clone", home=home) == ""  # no file is an LFS pointer


def test_a_clone_without_git_lfs_has_every_binary_and_runs_the_demo(private):
    home = private / "home"
    home.mkdir()
    git("clone", "--quiet", str(ROOT), "clone", cwd=private, home=home)
    clone = private / "clone"
    found = binaries(clone)
    assert {p.suffix for p in found} == set(BINARY_MAGIC)
    for path in found:
        assert path.read_bytes().startswith(BINARY_MAGIC[path.suffix]), path
    script = "from data.state.demo import load_demo; print(load_demo().responses['user'].nunique())"
    done = subprocess.run([sys.executable, "-c", script], cwd=clone, capture_output=True, text=True, check=True)
    assert int(done.stdout) > 100


def test_no_file_kind_is_sent_to_lfs_by_the_attributes():
    attributes = (ROOT / ".gitattributes").read_text()
    assert "filter=lfs" not in attributes


def test_env_files_are_never_committed():
    for name in (".env", ".env.production"):
        done = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT, check=False)
        assert done.returncode == 0, name


def test_an_old_python_is_told_what_is_needed_before_anything_is_installed():
    needed = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    old = (
        "import runpy, sys; sys.version_info = (3, 9, 2, 'final', 0); runpy.run_path(sys.argv[1], run_name='__main__')"
    )
    script = [sys.executable, "-c", old, "scripts/check_python.py"]
    done = subprocess.run(script, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    assert f"Python {needed.removeprefix('>=')} or newer is needed; this is 3.9" in done.stderr
    assert subprocess.run([sys.executable, "scripts/check_python.py"], cwd=ROOT).returncode == 0
