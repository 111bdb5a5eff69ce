from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases"
# Fixtures are files pipwarden reads, never tests pytest runs (a test_*.py case would install).
collect_ignore = ["cases"]

# Fixtures are files shaped like real ones; a `test_*.py` or `setup.py` among them must never be
# collected, since running one could `pip install` into the machine's Python.
collect_ignore = ["cases"]


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("PIPWARDEN_STRICT", "1")


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory, made the current directory, with no configuration above it that
    pipwarden would find."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def modules_loaded(cwd: Path, args: list[str], prefixes: tuple[str, ...]) -> tuple[int, list[str]]:
    """Run pipwarden in a fresh interpreter: its exit code and which of the modules named by
    `prefixes` it imported."""
    code = (
        "import sys; from pipwarden.cli import main; rc = main(sys.argv[1:]);"
        f"print(rc, sorted(m for m in sys.modules if m.startswith({prefixes!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True
    )
    rc, _, loaded = result.stdout.splitlines()[-1].partition(" ")
    return int(rc), ast.literal_eval(loaded)


def case_files(case: Path) -> list[Path]:
    """The files of a case as a run over its directory finds them (links are not)."""
    return sorted(
        p
        for p in case.rglob("*")
        if p.name != "expected.txt" and p.is_file() and not p.is_symlink()
    )


os.environ.setdefault("NO_COLOR", "1")
