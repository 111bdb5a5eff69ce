"""The project keeps its own promises: it passes its own check, its docs are current, the
README's commands are the ones CI runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipwarden.rules.registry import ALL_RULES

from .conftest import modules_loaded

ROOT = Path(__file__).resolve().parent.parent


def test_pipwarden_reports_nothing_on_its_own_repository() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipwarden", "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "All checks passed!\n", "")


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "python3 -m venv .venv && .venv/bin/python -m pip install -e '.[test]' && .venv/bin/python -m pytest"
    assert command in readme
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        "python3 -m venv .venv && .venv/bin/python -m pip install . && .venv/bin/pipwarden check ."
        in readme
    )


def test_python_m_pipwarden_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipwarden", "--version"], capture_output=True, text=True
    )
    assert result.stdout.startswith("pipwarden 0.")


def test_catalog_names_every_rule_as_the_rules_do() -> None:
    from pipwarden.rules.catalog import CATALOG

    assert {rule.code: rule.name for rule in ALL_RULES} == CATALOG


def test_a_file_without_pip_does_not_load_the_analysis(tmp_path: Path) -> None:
    (tmp_path / "build.sh").write_text("#!/bin/sh\nmake -j4 all\n")
    (tmp_path / "Dockerfile").write_text("FROM node:20\nRUN npm ci\n")
    heavy = ("pipwarden.analysis", "pipwarden.rules.registry", "tree_sitter")
    assert modules_loaded(tmp_path, ["check", "build.sh", "Dockerfile"], heavy) == (0, [])


def test_ruff_check_and_format_are_clean() -> None:
    paths = ["hooks", "tests", "scripts", "bench"]
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *paths], cwd=ROOT, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout
