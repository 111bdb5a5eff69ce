"""The project keeps its own promises: it passes its own check, its docs are current, the
README's commands are the ones CI runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipwarden.rules import ALL_RULES
from pipwarden.rules.docs import with_rules_table

ROOT = Path(__file__).resolve().parent.parent


def test_pipwarden_reports_nothing_on_its_own_repository() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipwarden", "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "All checks passed!\n", "")


def test_readme_rules_table_is_generated_from_the_rules() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == with_rules_table(readme, ALL_RULES), "run: python scripts/update_docs.py"


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
