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
from pipwarden.run import with_called

from .conftest import CASES, case_files, write


def default_findings(case: str) -> list[str]:
    settings = Settings(DEFAULT)
    checker = Checker(settings)
    root = CASES / case
    reports = [checker.check_path(str(path), explicit=True) for path in case_files(root)]
    return sorted(
        f"{Path(f.path).relative_to(root).as_posix()}:{f.start.line}: {f.code}"
        for report in with_called(reports, settings)
        for f in report.findings
    )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("github/setup-python-bare-pip", []),
        ("dockerfile/python-image-smoke", []),
        ("dockerfile/ubuntu-pip-version", []),
        ("github/self-upgrade-linux-windows", [".github/workflows/build.yml:20: PW202"]),
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


def test_bare_pip_names_the_interpreter_the_file_runs_and_where_each_comes_from() -> None:
    checker = Checker(Settings(DEFAULT))
    path = CASES / "dockerfile/two-pythons/Dockerfile.get-pip"
    (finding,) = checker.check_path(str(path)).findings
    assert finding.message == (
        "`pip` belongs to the distro's Python 3.11, but the file runs `python3` on line 6: "
        "the packages go where that interpreter does not look"
    )
    assert [(r.start.line, r.message) for r in finding.related] == [
        (6, "`python3` runs here"),
        (3, "`pip` comes from here"),
        (2, "`python3` is installed here"),
    ]
    # A script run by hand: the nearest Python it runs after the install that uses what it
    # installed (not `pylint`, a console script; not the module `-m mytool` for `pylint`).
    text = "#!/bin/sh\npip3 install -r requirements.txt\npip3 install pylint\npylint src\n"
    text += "python3 -m mytool\n"
    (finding,) = checker.check_text(text, "install.sh", Kind.SHELL)
    assert (finding.code, finding.start.line) == ("PW201", 2)
    assert "the `python3` run on line 5" in finding.message
    assert finding.fix is not None and finding.fix.edits[0].content == "python3 -m pip"


def test_bare_pip_among_several_pythons_the_file_builds_names_each() -> None:
    checker = Checker(Settings(DEFAULT))
    path = CASES / "dockerfile/two-pythons/Dockerfile.altinstall-two"
    (finding,) = checker.check_path(str(path)).findings
    assert finding.message == (
        "`pip` belongs to the Python 3.12 built here, one of several Pythons this file puts in "
        "place (also the Python 3.11 built here on line 9): which one gets the packages is not "
        "what the command says"
    )
    assert [(r.start.line, r.message) for r in finding.related] == [
        (15, "`pip` comes from here"),
        (9, "Python 3.11 is installed here"),
    ]
    # The interpreter pip already serves, named: the same install, said plainly.
    assert finding.fix is not None and finding.fix.edits[0].content == "python3.12 -m pip"


def test_bare_pip_after_a_tool_made_its_environment_names_the_tool() -> None:
    checker = Checker(Settings(DEFAULT))
    path = CASES / "github/tool-environments/.github/workflows/plugin.yml"
    first, second = checker.check_path(str(path)).findings
    assert (first.code, first.start.line, first.start.column) == ("PW201", 28, 14)
    assert first.message == (
        "`pip` installs into the Python on PATH, not into the environment Poetry made on line "
        "25, where `poetry run` on line 30 runs the project: it never sees what this installs"
    )
    assert first.help == (
        "install into Poetry's environment: `poetry run python -m pip install ...`, or declare "
        "it with `poetry add ...`"
    )
    assert [(r.start.line, r.message) for r in first.related] == [
        (25, "Poetry makes its own environment here"),
        (30, "`poetry run` runs the project in it here"),
    ]
    assert first.fix is None
    assert "`uv pip install ...` (into the project's .venv)" in second.help


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "github/runners-pep668",
            # Line 15 is not reached: the step's `bash -e` stops at the refused pip on 14.
            [f".github/workflows/docs.yml:{line}: PW305" for line in (14, 17, 18)],
        ),
        # Each matrix entry is judged on its runner: Homebrew's pip3 on macos-latest refuses.
        ("github/runs-on-unknown", [".github/workflows/test.yml:11: PW305"]),
        ("azure/vm-images", ["azure-pipelines.yml:9: PW305"]),
        ("shell/installers", ["install.sh:5: PW201", "uninstall.sh:3: PW201"]),
        ("github/two-pythons-apt", [".github/workflows/tests.yml:18: PW201"]),
        # `--break-system-packages` is a choice the file makes: opt-in PW304 judges it.
        ("shell/break-target", []),
        (
            "dockerfile/two-pythons",
            [
                "Dockerfile.altinstall-two:17: PW201",
                "Dockerfile.altinstall:12: PW201",
                "Dockerfile.deadsnakes:8: PW201",
                "Dockerfile.get-pip:5: PW201",
            ],
        ),
    ],
)
def test_environment_facts_in_the_default_set(case: str, expected: list[str]) -> None:
    assert default_findings(case) == expected


def test_rules_say_their_tier(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    lines = {line.split()[0]: line.split()[2] for line in capsys.readouterr().out.splitlines()}
    assert lines["PW203"] == "strict"
    assert lines["PW304"] == "strict"
    assert lines["PW102"] == "strict"
    assert lines["PW201"] == "default"
    assert main(["rules", "--output-format", "json"]) == 0
    data = {r["code"]: r["tier"] for r in json.loads(capsys.readouterr().out)}
    assert data["PW203"] == "strict" and data["PW101"] == "default"
