"""The default rule set says only what the file shows: bare pip where the file pairs it with its
Python is house style (PW203, opt-in), commands that only look are never reported, and a
self-upgrade is PW202 only where Windows runs the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipwarden.check import Checker
from pipwarden.cli import main
from pipwarden.config import Settings
from pipwarden.discover import Kind
from pipwarden.rules.catalog import DEFAULT

from .conftest import CASES, case_files, write


def default_findings(case: str) -> list[str]:
    checker = Checker(Settings(DEFAULT))
    root = CASES / case
    return sorted(
        f"{path.relative_to(root).as_posix()}:{f.start.line}: {f.code}"
        for path in case_files(root)
        for f in checker.check_path(str(path), explicit=True).findings
    )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("github/setup-python-bare-pip", []),
        ("dockerfile/python-image-smoke", []),
        ("dockerfile/ubuntu-pip-version", ["Dockerfile:4: PW201", "Dockerfile:4: PW301"]),
        (
            "github/self-upgrade-linux-windows",
            [
                ".github/workflows/build.yml:20: PW202",
                ".github/workflows/build.yml:9: PW201",
                ".github/workflows/build.yml:9: PW301",
            ],
        ),
        ("github/github-env-path", [".github/workflows/ci.yml:15: PW303"]),
        ("shell/sourced-helper", []),
        ("shell/pyenv", []),
        ("shell/conda-script", []),
        ("github/venv-path-variable", [".github/workflows/debug.yml:19: PW303"]),
    ],
)
def test_default_selection(case: str, expected: list[str]) -> None:
    assert default_findings(case) == expected


def test_select_all_adds_the_opt_in_rule(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        project,
        {
            ".github/workflows/ci.yml": (
                "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/setup-python@v5\n"
                "      - run: pip install -r requirements.txt\n"
            )
        },
    )
    assert main(["check", "--output-format", "json", "."]) == 0
    assert json.loads(capsys.readouterr().out) == []
    for selection in (["--select", "ALL"], ["--extend-select", "PW203"], ["--select", "PW2"]):
        assert main(["check", "--output-format", "json", *selection, "."]) == 1
        found = json.loads(capsys.readouterr().out)
        assert [(f["code"], f["location"]) for f in found] == [("PW203", {"row": 7, "column": 14})]


def test_config_extend_select_turns_on_pw203(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            "pyproject.toml": '[tool.pipwarden]\nextend-select = ["PW203"]\n',
            "Dockerfile": "FROM python:3.12-slim\nRUN pip install flask\n",
        },
    )
    assert main(["check", "--fix", "--output-format", "concise", "."]) == 0
    assert (project / "Dockerfile").read_text() == (
        "FROM python:3.12-slim\nRUN python -m pip install flask\n"
    )


def test_bare_pip_message_names_only_what_the_file_shows() -> None:
    checker = Checker(Settings(DEFAULT))
    (finding,) = [
        f
        for f in checker.check_path(
            str(CASES / "dockerfile/ubuntu-pip-version/Dockerfile")
        ).findings
        if f.code == "PW201"
    ]
    assert "installed on line 2" in finding.message
    assert "python3`" not in finding.message  # the file never runs `python3`
    assert [r.start.line for r in finding.related] == [2]
    text = "#!/bin/sh\npython3 setup.py build\npip3 install .\n"
    (finding,) = checker.check_text(text, "build.sh", Kind.SHELL)
    assert "the `python3` run on line 2" in finding.message


def test_rules_say_which_are_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    lines = {line.split()[0]: line.split()[2] for line in capsys.readouterr().out.splitlines()}
    assert lines["PW203"] == "opt-in"
    assert lines["PW201"] == "default"
    assert main(["rules", "--output-format", "json"]) == 0
    data = {r["code"]: r["selection"] for r in json.loads(capsys.readouterr().out)}
    assert data["PW203"] == "opt-in" and data["PW101"] == "default"
