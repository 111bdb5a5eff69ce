"""The real pre-commit, installing this project as a hook repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "user.name", "test")
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hook environment for the module: building it is most of a run's time."""
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Path, home: Path, hook: str = "pipwarden") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("PIPWARDEN_STRICT", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_hook_fails_on_refused_and_sudo_pip_and_passes_on_a_clean_dockerfile(
    repository: Path, pre_commit_home: Path
) -> None:
    (repository / "Dockerfile").write_text(
        "FROM debian:12\nRUN apt-get install -y python3-pip\nRUN pip3 install flask\n"
    )
    # Files pre-commit passes that pipwarden does not read are skipped silently.
    (repository / "config.yml").write_text("name: not a pipeline\nsteps: [1, 2]\n")
    (repository / "tool.py").write_text("print('pip install is only text here')\n")
    # Kinds known by their name only, which pre-commit has no type for.
    (repository / "justfile").write_text(
        "setup:\n    sudo pip install tox\n    sudo apt-get install -y graphviz\n"
    )
    git(repository, "add", ".")
    failed = try_repo(repository, pre_commit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Dockerfile:3:5: PW305" in failed.stdout
    assert "justfile:2:5: PW101" in failed.stdout
    (repository / "justfile").unlink()

    (repository / "Dockerfile").write_text(
        "FROM python:3.12-slim\nRUN python -m pip install --no-cache-dir flask\n"
    )
    git(repository, "add", ".")
    passed = try_repo(repository, pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "pipwarden" in passed.stdout and "Passed" in passed.stdout


def test_fix_hook_rewrites_and_fails_like_a_formatter(
    repository: Path, pre_commit_home: Path
) -> None:
    (repository / "install.sh").write_text("#!/bin/sh\npip3 install flask\npython3 -m flask run\n")
    git(repository, "add", ".")
    fixed = try_repo(repository, pre_commit_home, "pipwarden-fix")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert "files were modified by this hook" in fixed.stdout
    assert (
        repository / "install.sh"
    ).read_text() == "#!/bin/sh\npython3 -m pip install flask\npython3 -m flask run\n"
    git(repository, "add", ".")
    again = try_repo(repository, pre_commit_home, "pipwarden-fix")
    assert again.returncode == 0, again.stdout + again.stderr
