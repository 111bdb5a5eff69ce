"""Suppression comments, and the report of the ones that suppress nothing."""

from __future__ import annotations

from pipwarden.check import Checker
from pipwarden.config import Settings
from pipwarden.discover import Kind
from pipwarden.rules.catalog import CATALOG

CHECKER = Checker(Settings(frozenset(CATALOG)))


def found(text: str, kind: Kind = Kind.SHELL, path: str = "x.sh") -> list[str]:
    return [
        f"{f.start.line}:{f.start.column} {f.code}" for f in CHECKER.check_text(text, path, kind)
    ]


def test_same_line_and_line_above() -> None:
    text = (
        "#!/bin/sh\n"
        "sudo pip install a  # pipwarden: ignore[sudo-pip] the CI image has no venv\n"
        "# noqa: PW101\n"
        "sudo pip install b\n"
        "sudo pip install c\n"
        "sudo apt-get install -y git\n"
    )
    assert found(text) == ["5:1 PW101"]


def test_own_line_comment_covers_a_continued_command() -> None:
    text = (
        "FROM ubuntu:24.04\n# pipwarden: ignore[PW305]\nRUN apt-get install -y python3-pip && \\\n"
        "    pip install x\n"
    )
    assert found(text, Kind.DOCKERFILE, "Dockerfile") == []
    assert found(text.replace("# pipwarden: ignore[PW305]\n", ""), Kind.DOCKERFILE) == ["3:5 PW305"]


def test_ignore_file() -> None:
    assert found("#!/bin/sh\n# pipwarden: ignore-file\nsudo pip install x\n") == []


# A script another file may run keeps a suppression its caller's finding may use: the run
# decides (tests/test_calls.py). Alone, with nothing held, the comment's own use counts.
NOTHING_HELD: frozenset[str] = frozenset()


def test_unused_suppression_is_reported_with_its_reason() -> None:
    text = "#!/bin/sh\npython3 -m pip install .  # pipwarden: ignore[PW201] old habit\n"
    findings = CHECKER.check_text(text, "x.sh", Kind.SHELL, held=NOTHING_HELD)
    assert [(f.code, f.start.line, f.start.column, f.end.column) for f in findings] == [
        ("PW100", 2, 27, 53)
    ]
    assert "(its reason: old habit)" in findings[0].message
    assert findings[0].help == "remove the comment"


def test_partly_used_suppression_names_the_idle_code() -> None:
    text = "#!/bin/sh\nsudo pip install x  # pipwarden: ignore[PW201,PW101]\napt install -y git\n"
    findings = CHECKER.check_text(text, "x.sh", Kind.SHELL, held=NOTHING_HELD)
    assert [f.code for f in findings] == ["PW100"]
    assert findings[0].help == "remove PW201 from it"


def test_a_code_that_did_not_run_is_not_called_unused() -> None:
    only_bare_pip = Checker(Settings(frozenset({"PW100", "PW201"})))
    text = "#!/bin/sh\npython3 -m pip install x  # pipwarden: ignore[PW101]\n"
    assert only_bare_pip.check_text(text, "x.sh", Kind.SHELL, held=NOTHING_HELD) == []


def test_noqa_for_other_tools_is_left_alone() -> None:
    assert found("#!/bin/sh\npython3 -m pip install x  # noqa: E501\n") == []


def test_in_python_only_real_comments_suppress() -> None:
    text = (
        "import os\n"
        'HELP = "write # pipwarden: ignore[PW601] to silence it"\n'
        "os.system('pip install x')  # pipwarden: ignore[PW601]\n"
        "\n"
        "os.system('pip install y')\n"
        "import y\n"
    )
    assert found(text, Kind.PYTHON, "x.py") == ["5:12 PW601"]
