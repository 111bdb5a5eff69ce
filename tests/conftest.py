from __future__ import annotations

import os
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases"


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


def case_files(case: Path) -> list[Path]:
    return sorted(p for p in case.rglob("*") if p.name != "expected.txt" and p.is_file())


os.environ.setdefault("NO_COLOR", "1")
