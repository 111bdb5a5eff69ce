"""The composite GitHub Action at the repository root: valid against GitHub's schema, clean
under pipwarden itself, and its steps run for real as a runner would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"


def test_action_matches_the_github_actions_schema() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-actions",
            str(ACTION),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pipwarden_finds_nothing_in_its_own_action() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipwarden", "check", str(ACTION)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_the_action_steps_install_and_annotate(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "Dockerfile").write_text(
        "FROM debian:12\nRUN apt-get update && apt-get install -y python3-pip\nRUN pip install flask\n"
    )
    steps = yaml.safe_load(ACTION.read_text())["runs"]["steps"]
    env = {
        **os.environ,
        "RUNNER_TEMP": str(tmp_path / "runner-temp"),
        "GITHUB_ACTION_PATH": str(ROOT),
        "PIPWARDEN_ARGS": ".",
        "PIPWARDEN_FORMAT": "github",
        "PIPWARDEN_SARIF": str(tmp_path / "pipwarden.sarif"),
    }
    env.pop("PIPWARDEN_STRICT", None)
    (tmp_path / "runner-temp").mkdir()

    def step(index: int) -> subprocess.CompletedProcess[str]:
        script = steps[index]["run"]
        return subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    install = step(0)
    assert install.returncode == 0, install.stderr
    check = step(1)
    assert check.returncode == 1, check.stderr
    assert check.stdout.startswith("::error file=Dockerfile,line=3,col=5,")
    sarif = json.loads((tmp_path / "pipwarden.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["PW305"]
