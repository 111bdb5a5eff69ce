"""Every output format, as the tool that reads it expects it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipwarden.cli import main

from .conftest import write

# shared/ stands beside the checkout (../shared from the project root).
SCHEMA = next(
    (
        found
        for parent in Path(__file__).resolve().parents
        if (found := parent / "shared" / "schemas" / "sarif-schema-2.1.0.json").exists()
    ),
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "schemas"
    / "sarif-schema-2.1.0.json",
)

# An installer run by hand: sudo pip (an error), then a bare pip that need not be the pip of
# the Python it runs (a warning).
INSTALLER = (
    "#!/bin/sh\nsudo pip install x\npip3 install -r requirements.txt\npython3 app.py\n"
    "sudo apt-get install -y git\n"
)
REPOSITORY = {
    "Dockerfile": "FROM python:3.12-slim\nRUN useradd -m app\nUSER app\nRUN pip install flask\n",
    "Makefile": "install:\n\tpython3 -m venv .venv\n\t. .venv/bin/activate\n\tpip install -r requirements.txt\n",
    ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: [self-hosted, linux]\n    steps:\n      - run: |\n          echo start\n          sudo pip install tox\n",
    "scripts/ok.sh": "#!/bin/sh\npython3 -m pip install .\n",
}


def output(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", *args])
    return code, capsys.readouterr().out


def test_sarif_validates_and_points_at_exact_spans(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, REPOSITORY)
    code, out = output(capsys, "--output-format", "sarif", ".")
    assert code == 1
    sarif = json.loads(out)
    if not SCHEMA.exists():
        pytest.skip(f"the SARIF schema is not at {SCHEMA}")
    import jsonschema

    jsonschema.validate(sarif, json.loads(SCHEMA.read_text()))
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= {"PW101", "PW201", "PW302", "PW401"}
    sudo = next(r for r in rules if r["id"] == "PW101")
    assert sudo["name"] == "sudo-pip" and sudo["defaultConfiguration"]["level"] == "error"
    assert sudo["helpUri"].startswith("https://docs.python.org/")
    assert "## Why it breaks" in sudo["help"]["markdown"]
    regions = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r[
            "locations"
        ][0]["physicalLocation"]["region"]
        for r in run["results"]
    }
    assert regions[("PW401", "Dockerfile")] == {
        "startLine": 4,
        "startColumn": 5,
        "endLine": 4,
        "endColumn": 16,
    }
    assert regions[("PW302", "Makefile")] == {
        "startLine": 4,
        "startColumn": 2,
        "endLine": 4,
        "endColumn": 13,
    }
    assert regions[("PW101", ".github/workflows/ci.yml")] == {
        "startLine": 8,
        "startColumn": 11,
        "endLine": 8,
        "endColumn": 27,
    }
    lost = next(r for r in run["results"] if r["ruleId"] == "PW302")
    assert lost["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "SRCROOT"
        for r in run["results"]
    )
    assert all(len(r["partialFingerprints"]["pipwarden/v1"]) == 32 for r in run["results"])


def test_gitlab_fingerprint_survives_lines_added_above(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"install.sh": INSTALLER})
    _, before = output(capsys, "--output-format", "gitlab", ".")
    write(project, {"install.sh": INSTALLER.replace("\n", "\n# set up the machine\nset -e\n\n", 1)})
    _, after = output(capsys, "--output-format", "gitlab", ".")
    old, new = json.loads(before), json.loads(after)
    assert [i["fingerprint"] for i in old] == [i["fingerprint"] for i in new]
    assert [i["location"]["lines"]["begin"] for i in new] == [5, 6]
    assert new[0] == {
        "description": new[0]["description"],
        "check_name": "PW101 sudo-pip",
        "fingerprint": new[0]["fingerprint"],
        "severity": "critical",
        "location": {"path": "install.sh", "lines": {"begin": 5, "end": 5}},
        # the apt line that says the script is for Debian or Ubuntu
        "other_locations": [{"path": "install.sh", "lines": {"begin": 8, "end": 8}}],
    }
    assert new[1]["severity"] == "major"
    assert len({i["fingerprint"] for i in new}) == 2


def test_github_annotations(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, {"ci/install.sh": INSTALLER})
    code, out = output(capsys, "--output-format", "github", ".")
    assert code == 1
    first, second = out.splitlines()
    assert first.startswith(
        "::error file=ci/install.sh,line=2,col=1,endLine=2,endColumn=17,title=PW101 sudo-pip::`sudo` runs"
    )
    assert "%0A%0Ahelp: install into a virtual environment" in first
    assert second.startswith(
        "::warning file=ci/install.sh,line=3,col=1,endLine=3,endColumn=5,title=PW201 bare-pip::"
    )


def test_junit_has_a_case_per_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, REPOSITORY)
    _, out = output(capsys, "--output-format", "junit", ".")
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case.findall("failure") for case in suite.findall("testcase")}
    assert set(cases) == {"Dockerfile", "Makefile", ".github/workflows/ci.yml", "scripts/ok.sh"}
    assert cases["scripts/ok.sh"] == []
    assert sorted(f.get("type") for f in cases["Makefile"]) == ["PW302"]
    assert suite.get("failures") == str(sum(len(f) for f in cases.values()))


def test_json_lines_and_grouped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, {"a.sh": INSTALLER})
    _, lines = output(capsys, "--output-format", "json-lines", ".")
    assert [json.loads(line)["code"] for line in lines.splitlines()] == ["PW101", "PW201"]
    _, grouped = output(capsys, "--output-format", "grouped", ".")
    assert grouped.splitlines()[:3] == [
        "a.sh:",
        "  2:1 PW101 `sudo` runs `pip` as root: it writes root-owned files into the system Python, beside apt/dnf-managed packages it can break; pip run as your user cannot upgrade or remove them later ([Errno 13] Permission denied) and installs into ~/.local instead; on Debian 12+ and Ubuntu 23.04+ (it installs with apt) pip refuses outright (PEP 668)",
        "  3:1 PW201 [*] `pip3` is whichever pip comes first on PATH where this script runs, which need not belong to the `python3` run on line 4: the packages can go where that interpreter does not look",
    ]


def test_output_file_gets_the_report_and_the_terminal_the_summary(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"a.sh": INSTALLER})
    code, out = output(capsys, "--output-format", "json", "--output-file", "report.json", "a.sh")
    assert code == 1
    assert out == (
        "Found 2 findings (1 error, 1 warning).\n[*] 1 fixable with `--fix`.\n"
        "(1 more fixable with `--fix --unsafe-fixes`.)\n"
    )
    assert [d["code"] for d in json.loads((project / "report.json").read_text())] == [
        "PW101",
        "PW201",
    ]
    assert [p.name for p in project.iterdir() if p.name.startswith(".pipwarden-")] == []


def test_output_format_from_configuration(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            ".pipwarden.toml": 'output-format = "concise"\n',
            "a.sh": "#!/bin/sh\nsudo pip install x\napt-get install -y git\n",
        },
    )
    _, out = output(capsys, ".")
    assert out.splitlines()[0].startswith("a.sh:2:1: PW101 `sudo`")


@pytest.mark.parametrize(("fail_on", "code"), [("error", 0), ("warning", 1), ("info", 1)])
def test_fail_on(
    project: Path, capsys: pytest.CaptureFixture[str], fail_on: str, code: int
) -> None:
    write(project, {"a.sh": "#!/bin/bash\npip install x\npython -c 'import x'\n"})  # a warning
    assert output(capsys, "--fail-on", fail_on, ".")[0] == code
