"""`--add-noqa` on a repository with findings in every file kind: afterwards pipwarden reports
nothing, and every file still parses as its format."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from pipwarden.cli import main

from .conftest import write

REPOSITORY: dict[str, str | bytes] = {
    "Dockerfile": (
        "FROM ubuntu:24.04\r\n"
        "RUN apt-get update && \\\r\n"
        "    apt-get install -y python3-pip && \\\r\n"
        "    pip3 install requests\r\n"
        "USER 1000\r\n"
        "RUN pip3 install --user flask\r\n"
    ),
    "Makefile": "VENV := .venv\ninstall:\n\tpython3 -m venv $(VENV)\n\t. $(VENV)/bin/activate\n\tpip install \\\n\t  -r requirements.txt\n",
    "scripts/setup.sh": (
        "#!/bin/sh\nset -e\nif true; then\n  sudo pip install \\\n    awscli\nfi\napt-get install -y git\n"
    ),
    ".github/workflows/ci.yml": (
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: sudo pip install tox\n"
        "      - run: |\n          python -m venv .venv\n          . .venv/bin/activate\n"
        "      - run: |\n          echo go\n          pip install -e .\n"
    ),
    ".gitlab-ci.yml": (
        "job:\n  image: ubuntu:24.04\n  script:\n"
        "    - apt-get update && apt-get install -y python3-pip\n"
        "    - pip3 install -r requirements.txt\n"
    ),
}


def test_add_noqa_then_nothing_is_left(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, REPOSITORY)
    (project / "scripts" / "setup.sh").chmod(0o755)
    assert main(["check", "--output-format", "concise", "."]) == 1
    before = capsys.readouterr().out
    assert all(
        kind in before
        for kind in ("Dockerfile:", "Makefile:", "setup.sh:", "ci.yml:", ".gitlab-ci.yml:")
    )

    assert main(["check", "--add-noqa", "."]) == 0
    out, err = capsys.readouterr()
    # The hosted runner's `sudo pip install tox` fails nothing: only the strict tier has it.
    assert out == (
        "All checks passed!\n1 more finding in the strict tier (every pip anti-pattern, not "
        "only proven failures): see them with `--strict`.\n"
    )
    assert err.startswith("Added ") and "suppression comments." in err

    dockerfile = (project / "Dockerfile").read_bytes()
    assert dockerfile.count(b"\r\n") == dockerfile.count(b"\n"), "CRLF line endings kept"
    assert b"    # pipwarden: ignore[PW305]\r\n    pip3 install requests" in dockerfile
    assert (project / "scripts" / "setup.sh").stat().st_mode & 0o777 == 0o755
    assert (
        "  # pipwarden: ignore[PW101]\n  sudo pip install \\\n"
        in (project / "scripts" / "setup.sh").read_text()
    )
    assert "# pipwarden: ignore[PW302]\n\tpip install \\\n" in (project / "Makefile").read_text()

    for name in (".github/workflows/ci.yml", ".gitlab-ci.yml"):
        yaml.safe_load((project / name).read_text())
    subprocess.run(["sh", "-n", str(project / "scripts" / "setup.sh")], check=True)
    if shutil.which("make"):
        subprocess.run(
            ["make", "-n", "-f", str(project / "Makefile"), "install"],
            check=True,
            capture_output=True,
            cwd=project,
        )
    assert main(["check", "--select", "PW100,PW900", "."]) == 0


def test_add_noqa_refuses_what_would_not_hold(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folded = "runs:\n  using: composite\n  steps:\n    - run: >-\n        sudo pip install\n        tox\n      shell: bash\n"
    write(project, {"action.yml": folded})
    assert main(["check", "--add-noqa", "."]) == 2
    _, err = capsys.readouterr()
    assert "action.yml: suppression comments would not hold here; left unchanged" in err
    assert (project / "action.yml").read_text() == folded
