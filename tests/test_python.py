"""Python code: pip run through subprocess or os, found with `ast`, fixed with text edits."""

from __future__ import annotations

import subprocess
import sys
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
                "import yaml\n"
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
        "import yaml\n"
    )
    assert main(["check", "--fix", "install.py"]) == 0
    assert capsys.readouterr().out.endswith("All checks passed!\n")


def test_import_sys_is_not_added_twice(project: Path) -> None:
    write(
        project,
        {
            "a.py": "import subprocess\nimport sys\n\nsubprocess.run(['pip3', 'install', 'x'])\nsubprocess.run(['pip', 'uninstall', '-y', 'y'])\nimport x\n"
        },
    )
    assert main(["check", "--fix", "a.py"]) == 0
    assert (project / "a.py").read_text() == (
        "import subprocess\nimport sys\n\n"
        "subprocess.run([sys.executable, \"-m\", \"pip\", 'install', 'x'])\n"
        "subprocess.run([sys.executable, \"-m\", \"pip\", 'uninstall', '-y', 'y'])\n"
        "import x\n"
    )


def test_python_shebang_script_is_read(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        project,
        {
            "bin/setup-dev": (
                "#!/usr/bin/env python3\nimport os\n"
                "os.system('sudo pip install tox && sudo apt-get install -y tox')\n"
            )
        },
    )
    assert main(["check", "--output-format", "concise", "."]) == 1
    assert capsys.readouterr().out.startswith("bin/setup-dev:3:12: PW101")


def test_python_this_interpreter_cannot_parse_is_read_around(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A newer Python's syntax (PEP 758 on 3.11) or a plain mistake: the lines that do not
    parse are set aside, the rest is checked, and the file is reported as not fully checked,
    never as an error that fails the hook."""
    write(
        project,
        {
            "tool.py": (
                "import subprocess\n"
                "try:\n"
                "    subprocess.run('sudo pip install x && sudo apt install git', shell=True)\n"
                "except OSError, ValueError:\n"
                "    pass\n"
            ),
            "broken.py": "import subprocess\nsubprocess.run(['pip'\n",
        },
    )
    assert main(["check", "--output-format", "concise", "."]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0].startswith("tool.py:3:21: PW101")
    assert "PW900" not in captured.out
    assert "2 files not fully checked (see above)." in captured.out
    assert "pipwarden: warning: tool.py: not fully checked: line 4: Python " in captured.err
    assert "cannot parse `except OSError, ValueError:`" in captured.err
    assert "broken.py: not fully checked: line 2" in captured.err
    assert main(["check", "broken.py"]) == 0


def test_a_docstring_that_says_pip_install_costs_only_a_regex(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        '"""Install with:\n\n    pip install mytool\n"""\nimport os\nprint(os.path.join("a", "b"))\n'
    )
    loaded = modules_loaded(tmp_path, ["check", "a.py"], ("libcst", "pipwarden.analysis"))
    assert loaded == (0, [])


def test_libcst_is_never_imported(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "import subprocess\nsubprocess.run(['pip', 'install', 'x'])\nimport x\n"
    )
    assert modules_loaded(tmp_path, ["check", "--fix", "a.py"], ("libcst",)) == (0, [])
    assert "sys.executable" in (tmp_path / "a.py").read_text()


def test_shell_string_fix_uses_the_running_interpreter(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            "setup_env.py": (
                '"""Developer setup."""\n'
                "import os\n"
                "\n"
                'os.system("pip install -r requirements.txt && echo {done}")\n'
                "os.system(r'pip3 install --user \\\\share\\tools')\n"
                "import tools\n"
            )
        },
    )
    assert main(["check", "--output-format", "concise", "setup_env.py"]) == 1
    out = capsys.readouterr().out
    assert "setup_env.py:4:12: PW601" in out and "setup_env.py:5:13: PW601" in out
    assert main(["check", "--fix", "setup_env.py"]) == 1  # the fix is unsafe
    assert main(["check", "--fix", "--unsafe-fixes", "setup_env.py"]) == 0
    assert (project / "setup_env.py").read_text() == (
        '"""Developer setup."""\n'
        "import os\n"
        "import sys\n"
        "\n"
        'os.system(f"{sys.executable} -m pip install -r requirements.txt && echo {{done}}")\n'
        "os.system(fr'{sys.executable} -m pip install --user \\\\share\\tools')\n"
        "import tools\n"
    )


def test_python_m_pip_in_a_shell_string_is_pw601(project: Path) -> None:
    write(
        project,
        {
            "tasks.py": (
                "import subprocess\n\n\ndef develop():\n"
                '    subprocess.run("python3 -m pip install -e .", shell=True, check=True)\n'
                '    subprocess.run(". .venv/bin/activate && python -m pip install -e .", shell=True)\n'
                "    import project\n"
            )
        },
    )
    from pipwarden.check import Checker
    from pipwarden.config import Settings
    from pipwarden.rules.catalog import DEFAULT

    report = Checker(Settings(DEFAULT)).check_path(str(project / "tasks.py"))
    assert [(f.code, f.start.line, f.start.column) for f in report.findings] == [("PW601", 5, 21)]


def test_names_bound_anywhere_and_string_constants_are_followed(project: Path) -> None:
    write(
        project,
        {
            "deps.py": (
                'PIP = "pip3"\n'
                "\n"
                "\n"
                "class Installer:\n"
                "    def run(self, name):\n"
                "        from subprocess import check_call as cc\n"
                '        label = "é"; cc([PIP, "install", name])\n'
                "        return __import__(name)\n"
                "\n"
                "\n"
                "def other():\n"
                "    import os as o\n"
                '    o.spawnvp(o.P_WAIT, "pip", ["pip", "uninstall", "-y", "x"])\n'
                "    import x\n"
            )
        },
    )
    from pipwarden.check import Checker
    from pipwarden.config import Settings
    from pipwarden.rules.catalog import DEFAULT

    report = Checker(Settings(DEFAULT)).check_path(str(project / "deps.py"))
    assert [(f.code, f.start.line, f.start.column) for f in report.findings] == [
        ("PW601", 7, 26),
        ("PW601", 13, 33),
    ]


def test_pip_own_code_never_gets_pw602(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    internal = "from pip._internal.req import parse_requirements, InstallRequirement\n"
    write(
        project,
        {
            "pyproject.toml": '[project]\nname = "pip"\nversion = "99.0"\n',
            "src/pip/__init__.py": "def main(args=None):\n    from pip._internal.utils.entrypoints import _wrapper\n    return _wrapper(args)\n",
            "src/pip/_internal/req/__init__.py": internal.replace(
                "pip._internal.req", "pip._internal.req.req_file"
            ),
            "tests/functional/test_install.py": "import pip._internal.main\n" + internal,
            "elsewhere/tool/legacy.py": internal,
        },
    )
    assert main(["check", "--output-format", "concise", "src", "tests"]) == 0
    capsys.readouterr()
    # The same import in another project: one finding for the statement.
    (project / "elsewhere" / "tool" / "pyproject.toml").write_text('[project]\nname = "tool"\n')
    assert main(["check", "--output-format", "concise", "elsewhere"]) == 1
    assert capsys.readouterr().out.splitlines()[:-1] == [
        "elsewhere/tool/legacy.py:1:31: PW602 `pip._internal.req.parse_requirements`: pip has no "
        "Python API; `pip.main` is gone since pip 10 and `pip._internal` changes between releases"
    ]


def test_a_large_python_file_still_works(project: Path) -> None:
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(3000))
    write(
        project,
        {
            "big.py": "import subprocess\n"
            + body
            + "subprocess.run(['pip', 'install', 'x'])\nimport x\n"
        },
    )
    from pipwarden.check import Checker
    from pipwarden.config import Settings
    from pipwarden.rules.catalog import CATALOG

    report = Checker(Settings(frozenset(CATALOG))).check_path(str(project / "big.py"))
    assert [(f.code, f.start.line) for f in report.findings] == [("PW601", 9002)]


def test_the_checked_files_own_warnings_are_not_printed(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        'import os\nos.system("pip install x")\nimport x\nPATTERN = "\\d+"\n'
    )
    result = subprocess.run(
        [sys.executable, "-W", "default", "-m", "pipwarden", "check", "a.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Warning" not in result.stderr
