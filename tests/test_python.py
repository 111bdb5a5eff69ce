"""Python code: pip run through subprocess or os, and the libcst fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipwarden.cli import main

from .conftest import modules_loaded, write


def test_argv_fix_adds_sys_executable_and_import_sys(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            "install.py": (
                '"""Install requirements."""\n'
                "import os\n"
                "import subprocess  # run things\n"
                "\n"
                'subprocess.check_call(["pip", "install", "-r", "req.txt"])  # keep me\n'
            )
        },
    )
    assert main(["check", "--fix", "install.py"]) == 0
    assert (project / "install.py").read_text() == (
        '"""Install requirements."""\n'
        "import os\n"
        "import subprocess  # run things\n"
        "import sys\n"
        "\n"
        'subprocess.check_call([sys.executable, "-m", "pip", "install", "-r", "req.txt"])  # keep me\n'
    )
    assert main(["check", "--fix", "install.py"]) == 0
    assert capsys.readouterr().out.endswith("All checks passed!\n")


def test_import_sys_is_not_added_twice(project: Path) -> None:
    write(
        project,
        {
            "a.py": "import subprocess\nimport sys\n\nsubprocess.run(['pip3', 'list'])\nsubprocess.run(['pip', 'check'])\n"
        },
    )
    assert main(["check", "--fix", "a.py"]) == 0
    assert (project / "a.py").read_text() == (
        "import subprocess\nimport sys\n\n"
        'subprocess.run([sys.executable, "-m", "pip", \'list\'])\n'
        'subprocess.run([sys.executable, "-m", "pip", \'check\'])\n'
    )


def test_python_shebang_script_is_read(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        project,
        {"bin/setup-dev": "#!/usr/bin/env python3\nimport os\nos.system('sudo pip install tox')\n"},
    )
    assert main(["check", "--output-format", "concise", "."]) == 1
    assert capsys.readouterr().out.startswith("bin/setup-dev:3:12: PW101")


def test_syntax_error_is_one_pw900(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, {"broken.py": "import subprocess\nsubprocess.run(['pip'\n"})
    assert main(["check", "--output-format", "concise", "broken.py"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("broken.py:") and " PW900 Python syntax error" in out


def test_libcst_is_imported_only_for_files_that_run_something(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("# pip is mentioned in a comment only\nprint('pip')\n")
    assert modules_loaded(tmp_path, ["check", "a.py"], ("libcst",)) == (0, [])


def test_a_large_python_file_still_works(project: Path) -> None:
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(3000))
    write(project, {"big.py": "import subprocess\n" + body + "subprocess.run(['pip', 'list'])\n"})
    from pipwarden.check import Checker
    from pipwarden.config import Settings
    from pipwarden.rules.catalog import CATALOG

    report = Checker(Settings(frozenset(CATALOG))).check_path(str(project / "big.py"))
    assert [(f.code, f.start.line) for f in report.findings] == [("PW601", 9002)]
