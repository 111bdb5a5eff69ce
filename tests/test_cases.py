"""Every directory under tests/cases/<kind>/ is a case: real files and `expected.txt`, the
findings pipwarden must report for them (`file:line:col: CODE`), no more, no less. Under
tests/cases/calls/, where files run each other, each line also lists the finding's related
locations (` <- file:line:col, ...`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipwarden.check import Checker
from pipwarden.config import Settings
from pipwarden.rules.registry import BY_CODE
from pipwarden.run import with_called

from .conftest import CASES, case_files

ALL = Settings(frozenset(BY_CODE))
CASE_DIRS = sorted(
    p for kind in CASES.iterdir() if kind.is_dir() for p in kind.iterdir() if p.is_dir()
)


def findings_in(case: Path) -> list[str]:
    checker = Checker(ALL)
    reports = []
    for path in case_files(case):
        report = checker.check_path(str(path), explicit=True)
        assert report.error is None, report.error
        reports.append(report)
    lines = []
    for report in with_called(reports, ALL):
        for f in report.findings:
            line = f"{_name(f.path, case)}:{f.start.line}:{f.start.column}: {f.code}"
            if case.parent.name == "calls" and f.related:
                line += " <- " + ", ".join(
                    f"{_name(r.path, case)}:{r.start.line}:{r.start.column}" for r in f.related
                )
            lines.append(line)
    return sorted(lines)


def _name(path: str, case: Path) -> str:
    return Path(path).resolve().relative_to(case).as_posix()


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(case: Path) -> None:
    expected = sorted(line for line in (case / "expected.txt").read_text().splitlines() if line)
    assert findings_in(case) == expected
