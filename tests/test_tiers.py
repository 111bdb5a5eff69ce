"""Two tiers, one product: the default tier reports what the files show failing, the strict
tier every anti-pattern with its documented remedy in the file's own terms; one finding per
command across them; a default run says how many more the strict tier holds."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pipwarden.cli import main
from pipwarden.model import Finding

from .conftest import CASES, write
from .test_messages import findings
from .test_precision import default_findings


@pytest.mark.parametrize(
    ("case", "default"),
    [
        ("shell/sudo-pip-forms", []),
        ("makefile/python-variable", []),
        ("github/sudo-step-env", []),
        # python:* ships no sudo: the build stops at it (PW101); with sudo installed, strict only.
        ("dockerfile/sudo-python-image", ["Dockerfile:5: PW101", "Dockerfile:9: PW101"]),
        ("python/pip-anywhere", ["bootstrap_tools.py:28: PW601"]),
        ("shell/branch-pip-variable", []),
        ("github/windows-pip-names", []),
        ("python/command-wrapper", []),
        # virtualenvwrapper's `workon` activates a venv: its pip is the venv's, in both tiers.
        ("shell/virtualenvwrapper", []),
        # `$STD pip3 install` with $STD unknown (a wrapper that may run it as root, or not at
        # all): the habits in its own words, strict only; its activation makes a venv maybe
        # active. Without $QUIET, debian:12 would refuse the Dockerfile's pip (PW305).
        ("shell/unknown-wrapper", []),
        # PEP 668 refuses the sudo pip of a script that installs with apt: PW101 speaks for
        # the command, the strict tier adds nothing on it (its expected.txt has no PW102 there).
        ("shell/sudo-pip", ["install.sh:3: PW101"]),
        # Scripts that stop unless run as root run their pip as root: PW101 where they
        # install with apt (Debian 12+ and Ubuntu 23.04+ refuse), strict PW102 elsewhere.
        ("shell/root-only", ["mail-setup.sh:30: PW101", "workstation.sh:26: PW101"]),
        # `sudo pip uninstall -y x || true`: a refusal the script ignores changes nothing.
        (
            "shell/sudo-uninstall-ignored",
            ["replace-bindings.sh:6: PW101", "replace-bindings.sh:7: PW101"],
        ),
        ("makefile/sudo-python-variable", ["Makefile:7: PW101"]),
        ("calls/make-variables", ["Makefile:15: PW101", "docs/Makefile:5: PW101"]),
    ],
)
def test_the_default_tier_of_the_strict_shapes(case: str, default: list[str]) -> None:
    assert default_findings(case) == default


def only(relative: str, code: str) -> Finding:
    (finding,) = findings(relative, code)
    return finding


def test_sudo_in_every_form_names_sudo_and_its_pip() -> None:
    found = findings("shell/sudo-pip-forms/install.sh", "PW102")
    assert [(f.start.line, f.start.column) for f in found] == [(11, 1), (12, 1), (13, 10), (14, 1)]
    assert found[0].message.startswith("`sudo` runs `pip3` as root")
    assert found[1].message.startswith("`sudo` runs `python3 -m pip` as root")
    assert found[3].message.endswith("(when SUDO is `sudo` (line 6))")
    assert "python3 -m venv .venv && .venv/bin/python -m pip install" in found[0].help


def test_remedies_speak_the_files_own_terms() -> None:
    # Python code: the interpreter running it.
    sudo_python = findings("python/pip-anywhere/bootstrap_tools.py", "PW102")
    assert sudo_python[0].message.startswith("`sudo` runs `sys.executable -m pip` as root")
    # Already `sys.executable -m pip`: only sudo and where the code runs change.
    assert sudo_python[0].help == "drop `sudo` and run the code from a virtual environment"
    assert '[sys.executable, "-m", "pip", "install", ...]' in sudo_python[1].help
    shell_string, argv = findings("python/pip-anywhere/bootstrap_tools.py", "PW603")
    assert shell_string.help == (
        'use `f"{sys.executable} -m pip ..."`, the interpreter running this code'
    )
    assert (
        argv.help == 'use `[sys.executable, "-m", "pip", ...]`, the interpreter running this code'
    )
    assert argv.fix is not None and argv.fix.applicability == "safe"
    # A string command in a failed-import handler is PW601's evidence.
    assert only("python/pip-anywhere/bootstrap_tools.py", "PW601").start.line == 28
    # An image build that installed sudo (python:* ships none: PW101, the build stops there):
    # no sudo needed, a venv on PATH.
    assert [f.start.line for f in findings("dockerfile/sudo-python-image/Dockerfile", "PW101")] == [
        5,
        9,
    ]
    build = findings("dockerfile/sudo-python-image/Dockerfile.sudo-installed", "PW102")[0]
    assert "the build already runs as root" in build.message
    assert "ENV PATH=/opt/venv/bin:$PATH" in build.help
    assert build.fix is not None and build.fix.applicability == "safe"
    (_, as_user) = findings("dockerfile/sudo-python-image/Dockerfile.sudo-installed", "PW102")
    assert as_user.start.line == 11 and as_user.help.startswith("install before the USER line")
    assert as_user.fix is not None and as_user.fix.applicability == "unsafe"
    # A Makefile that names its Python.
    assert "`$(PYTHON) -m venv .venv" in only("makefile/python-variable/Makefile", "PW102").help
    assert only("makefile/python-variable/Makefile", "PW203").help == "use `$(PYTHON) -m pip`"
    # Windows: `python` beside pip3.exe, the `py` launcher for a version.
    pip3, versioned = findings("github/windows-pip-names/.github/workflows/windows.yml", "PW203")
    assert (pip3.help, versioned.help) == ("use `python -m pip`", "use `py -3.12 -m pip`")
    (windows,) = findings("github/windows-pip-names/.github/workflows/windows.yml", "PW304")
    assert "`py -m venv .venv; .\\.venv\\Scripts\\python -m pip install ...`" in windows.help


def test_a_function_that_hands_its_parameter_to_a_shell_is_read_where_it_is_called() -> None:
    found = findings("python/command-wrapper/install.py", "PW603")
    assert [(f.start.line, f.start.column) for f in found] == [(37, 40), (38, 32)]
    assert all(f.fix is not None and f.fix.applicability == "unsafe" for f in found)


def test_break_system_packages_in_a_step_env_and_an_image(
    capsys: pytest.CaptureFixture[str],
) -> None:
    (env,) = findings("github/sudo-step-env/.github/workflows/docs.yml", "PW304")
    assert (env.start.line, env.start.column) == (16, 11)
    assert "PIP_BREAK_SYSTEM_PACKAGES" in env.message
    assert "virtual environment" in env.help
    (image,) = findings("dockerfile/break-env/Dockerfile", "PW304")
    assert "`ENV PATH=/opt/venv/bin:$PATH`" in image.help


def test_chown_of_site_packages_on_a_hosted_runner_is_the_strict_tiers() -> None:
    (chown,) = findings("github/sudo-step-env/.github/workflows/docs.yml", "PW404")
    assert (chown.start.line, chown.start.column) == (20, 19)
    assert default_findings("github/sudo-step-env") == []


def test_what_sudo_does_not_write_into_a_system_python_is_silent_in_both_tiers() -> None:
    lines = {f.start.line for f in findings("shell/sudo-pip-forms/install.sh", "PW102")}
    assert not lines & {17, 18, 19}
    lines = {f.start.line for f in findings("shell/sudo-pip-forms/install.sh", "PW203")}
    assert not lines & {17, 18, 19}


def test_a_variable_that_differs_by_branch_is_not_fixed_at_its_uses() -> None:
    found = findings("shell/branch-pip-variable/setup.sh", "PW203")
    assert [f.start.line for f in found] == [9, 10]
    assert all(f.fix is None for f in found)


# What `--fix --unsafe-fixes` leaves, passes repeated: sudo dropped, then the bare pip it ran
# named by its interpreter in the file's terms.
FIXED = {
    "bootstrap_tools.py": (
        CASES / "python/pip-anywhere/bootstrap_tools.py",
        [
            (
                '    subprocess.run(f"sudo {sys.executable} -m pip install ansible", shell=True, check=True)',
                '    subprocess.run(f"{sys.executable} -m pip install ansible", shell=True, check=True)',
            ),
            (
                '    os.system("sudo pip install pyserial")',
                '    os.system(f"{sys.executable} -m pip install pyserial")',
            ),
            (
                '    os.system("pip install sphinx")',
                '    os.system(f"{sys.executable} -m pip install sphinx")',
            ),
            (
                '    subprocess.check_call(["pip", "install", "--upgrade", "build"])',
                '    subprocess.check_call([sys.executable, "-m", "pip", "install", "--upgrade", "build"])',
            ),
            (
                '    subprocess.run("pip install -r requirements.txt")',
                '    subprocess.run(f"{sys.executable} -m pip install -r requirements.txt")',
            ),
        ],
    ),
    "Dockerfile": (
        CASES / "dockerfile/sudo-python-image/Dockerfile",
        [
            ("RUN sudo pip install flask", "RUN python -m pip install flask"),
            ("RUN pip install -r", "RUN python -m pip install -r"),
            # As app, the pip is PW401's (default tier): PW203 adds nothing on it.
            ("RUN sudo pip install gunicorn", "RUN pip install gunicorn"),
        ],
    ),
    # A pip a make variable names is rewritten at the variable's assignment, once for all
    # its uses, in the Makefile's terms.
    "GNUmakefile": (
        CASES / "makefile/pip-variable/Makefile",
        [("PIP ?= pip\n", "PIP ?= $(PYTHON) -m pip\n")],
    ),
    "Makefile": (
        CASES / "makefile/python-variable/Makefile",
        [
            ("\tsudo pip install -r", "\t$(PYTHON) -m pip install -r"),
            ("\tpip install -e .[dev]", "\t$(PYTHON) -m pip install -e .[dev]"),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(FIXED))
def test_strict_fixes_and_a_second_fix_changes_nothing(
    name: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, changes = FIXED[name]
    original = source.read_text()
    write(project, {name: original})
    args = ["check", "--strict", "--fix", "--unsafe-fixes", "--output-format", "concise", name]
    main(args)
    expected = original
    for before, after in changes:
        assert before in expected
        expected = expected.replace(before, after, 1)
    fixed = (project / name).read_text()
    assert fixed == expected
    capsys.readouterr()
    main(args)
    assert (project / name).read_text() == fixed
    assert "Fixed" not in capsys.readouterr().err


def test_one_line_turns_the_strict_tier_on(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"install.sh": "#!/bin/sh\nsudo pip install requests\n"})
    (project / "install.sh").chmod(0o755)
    # The default run reports nothing, and says what the strict tier holds; exit 0.
    assert main(["check", "--no-cache", "."]) == 0
    assert capsys.readouterr().out == (
        "All checks passed!\n1 more finding in the strict tier (every pip anti-pattern, not "
        "only proven failures): see them with `--strict`.\n"
    )
    # Nothing of it in machine formats.
    assert main(["check", "--no-cache", "--output-format", "json", "."]) == 0
    assert json.loads(capsys.readouterr().out) == []
    for args in (["--strict"], ["--select", "ALL"], ["--extend-select", "PW102"]):
        assert main(["check", "--no-cache", "--output-format", "json", *args, "."]) == 1
        (found,) = json.loads(capsys.readouterr().out)
        assert (found["code"], found["tier"], found["location"]) == (
            "PW102",
            "strict",
            {"row": 2, "column": 1},
        )
    write(project, {"pyproject.toml": "[tool.pipwarden]\nstrict = true\n"})
    assert main(["check", "--no-cache", "--output-format", "sarif", "."]) == 1
    run = json.loads(capsys.readouterr().out)["runs"][0]
    (result,) = run["results"]
    assert result["ruleId"] == "PW102" and result["properties"] == {"tier": "strict"}
    tiers = {r["id"]: r["properties"]["tier"] for r in run["tool"]["driver"]["rules"]}
    assert (tiers["PW101"], tiers["PW102"]) == ("default", "strict")
    # Strict rules the configuration ignores are not announced either (PW203 would speak
    # for the bare pip once PW102 is off).
    write(project, {"pyproject.toml": '[tool.pipwarden]\nignore = ["PW102", "PW203"]\n'})
    assert main(["check", "--no-cache", "."]) == 0
    assert capsys.readouterr().out == "All checks passed!\n"
    write(project, {"pyproject.toml": '[tool.pipwarden]\nstrict = "yes"\n'})
    assert main(["check", "--no-cache", "."]) == 2


def test_the_strict_hook_runs_the_strict_tier() -> None:
    import yaml

    hooks = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text())
    entries = {hook["id"]: hook["entry"] for hook in hooks}
    assert entries["pipwarden-strict"] == "pipwarden check --strict --force-exclude"
    assert "--strict" not in entries["pipwarden"]


@pytest.mark.parametrize(
    "case",
    [
        "calls/sudo-in-image-build",
        "calls/function-library",
        "calls/root-script-then-user-script",
        "calls/composite-setup-python",
        # A script an image runs: a default finding that holds only for it run by hand
        # gives way, and the strict one it stood for counts.
        "calls/getopts-arguments",
        "shell/sudo-pip-forms",
        "python/pip-anywhere",
    ],
)
def test_the_count_a_default_run_ends_with_is_what_the_strict_run_adds(
    case: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    shutil.copytree(CASES / case, project / "repo", symlinks=True)
    (project / "repo" / "expected.txt").unlink()
    args = ["check", "--no-cache", "--output-format", "concise", "repo"]
    main(args)
    default = capsys.readouterr().out.splitlines()
    main([*args, "--strict"])
    strict = [line for line in capsys.readouterr().out.splitlines() if ": PW" in line]
    added = len(strict) - len([line for line in default if ": PW" in line])
    assert added > 0
    noun = "finding" if added == 1 else "findings"
    assert default[-1].startswith(f"{added} more {noun} in the strict tier")


def test_the_pipx_remedy_keeps_what_the_pip_command_asked_for() -> None:
    found = findings("dockerfile/cli-tools/Dockerfile", "PW501")
    assert [(f.start.line, f.start.column) for f in found] == [(6, 5), (7, 5), (8, 5)]
    # Extras stay (quoted for the shell); ansible's commands are ansible-core's.
    assert found[0].help.startswith(
        "use `pipx install 'black[d]'` and `pipx install --include-deps ansible`"
    )
    # Plugins installed beside a tool go into its venv.
    assert found[1].help.startswith(
        "use `pipx install mkdocs` and `pipx inject mkdocs mkdocs-material mkdocs-redirects`"
    )
    assert found[2].help.startswith(
        "use `pipx install poetry==1.8.3` and `pipx inject poetry poetry-plugin-export`"
    )


def reported(case: str, project: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """What `pipwarden check --strict` reports on a copy of a case, files run by others in
    their callers' state, as JSON."""
    import shutil

    shutil.copytree(CASES / case, project / "repo", symlinks=True)
    main(["check", "--no-cache", "--strict", "--output-format", "json", "repo"])
    found: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return found


def test_the_venv_remedy_names_python3_venv_where_apt_brought_only_pip() -> None:
    (without,) = findings("dockerfile/apt-pip-no-venv/Dockerfile", "PW304")
    assert (without.start.line, without.start.column) == (7, 18)
    assert without.help.startswith(
        "install into a venv on PATH: add `python3-venv` to the apt install of python3-pip, "
        "then `RUN python3 -m venv /opt/venv`"
    )
    (env,) = findings("dockerfile/apt-pip-no-venv/Dockerfile.env", "PW304")
    assert (env.start.line, env.start.column) == (3, 5)
    assert env.help.startswith(
        "remove it and install into a venv on PATH: add `python3-venv` to the apt install of "
        "python3-pip, then `RUN python3 -m venv /opt/venv`"
    )
    (brought,) = findings("dockerfile/apt-pip-no-venv/Dockerfile.venv", "PW304")
    assert brought.help.startswith("install into a venv on PATH: `RUN python3 -m venv /opt/venv`")


def test_a_script_a_container_runs_at_start_gets_the_venv_in_the_script(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (found,) = reported("calls/entrypoint-install", project, capsys)
    assert (found["code"], Path(found["filename"]).name, found["location"]) == (
        "PW305",
        "docker-entrypoint.sh",
        {"row": 5, "column": 5},
    )
    assert found["help"] == (
        "create a venv and install with its own interpreter: add `python3-venv` to the apt "
        "install of python3-pip, then `python3 -m venv .venv && .venv/bin/python -m pip "
        "install ...`"
    )


def test_python_code_gets_the_venv_remedy_in_python_terms() -> None:
    own, from_path = findings("python/break-system-subprocess/convert_model.py", "PW304")
    # The call already runs `sys.executable -m pip`: only the flag and where it runs change.
    assert (own.start.line, own.start.column) == (14, 13)
    assert own.help == (
        "drop `--break-system-packages` and run the code from a virtual environment"
    )
    assert (from_path.start.line, from_path.start.column) == (21, 40)
    assert from_path.help == (
        'install for the interpreter running this code, `[sys.executable, "-m", "pip", '
        '"install", ...]`, and run the code from a virtual environment'
    )


def test_one_break_system_packages_finding_per_cause() -> None:
    found = findings("dockerfile/break-forms/Dockerfile", "PW304")
    # The global ARG both stages take (not each stage's `ARG NAME`), get-pip.py's option
    # (handed to the pip install it runs), pip's configuration set to break them.
    assert [(f.start.line, f.start.column) for f in found] == [(2, 5), (8, 33), (14, 5)]
    assert "PIP_BREAK_SYSTEM_PACKAGES" in found[0].message
    assert found[1].message.startswith("`--break-system-packages` lets pip overwrite")
    assert found[2].message.startswith("pip's configuration told to break system packages")
    assert found[2].help.startswith("remove it and install into a venv on PATH: add `python3-venv`")
    (conf,) = [
        f
        for f in findings("github/pip-conf-break/.github/workflows/docs.yml", "PW304")
        if f.start.line == 9
    ]
    assert conf.start.column == 11


def test_a_script_that_runs_only_as_root_runs_its_pip_as_root() -> None:
    default = only("shell/root-only/workstation.sh", "PW101")
    assert (default.start.line, default.start.column) == (26, 9)  # `retry 3 pip3 install`
    assert default.message.startswith(
        "`pip3` runs as root (the script stops on line 5 unless it is root)"
    )
    assert [(r.start.line, r.start.column, r.message) for r in default.related][1:3] == [
        (5, 4, "the script stops here unless it runs as root"),
        (25, 5, "apt installs here"),
    ]
    assert default.fix is None  # no sudo to drop
    # Failure ignored: the strict tier's; `--user` goes to root's own site, not the system's.
    ignored = only("shell/root-only/workstation.sh", "PW102")
    assert (ignored.start.line, ignored.start.column) == (27, 1)
    assert ignored.help.startswith("create a venv")
    assert not findings("shell/root-only/workstation.sh", "PW102")[1:]
    # `(( EUID != 0 ))` then `exec sudo bash "$0" "$@"`; a check in a function, by whoami.
    assert [
        (f.start.line, f.start.column) for f in findings("shell/root-only/reexec.sh", "PW102")
    ] == [(9, 1)]
    assert [
        (f.start.line, f.start.column) for f in findings("shell/root-only/whoami.sh", "PW102")
    ] == [(9, 1)]
    # A venv's own pip, through the same wrapper: not the system Python's.
    assert [
        (f.start.line, f.start.column) for f in findings("shell/root-only/mail-setup.sh", "PW101")
    ] == [(30, 13)]
    # A test of root that goes on either way (`SUDO=sudo` otherwise) makes no one root.
    assert {f.start.line for f in findings("shell/sudo-pip-forms/install.sh", "PW102")} == {
        11,
        12,
        13,
        14,
    }


def test_a_failure_the_script_ignores_is_no_default_finding() -> None:
    (strict,) = findings("shell/sudo-uninstall-ignored/replace-bindings.sh", "PW102")
    assert (strict.start.line, strict.start.column) == (5, 1)
    assert strict.help.startswith("drop `sudo` and create a venv")


def test_the_venv_remedy_names_the_makefiles_python_and_python2s_virtualenv() -> None:
    sudo = only("makefile/sudo-python-variable/Makefile", "PW101")
    assert (sudo.start.line, sudo.start.column) == (7, 2)
    assert "`$(PYTHON) -m venv .venv && .venv/bin/python -m pip install ...`" in sudo.help
    python2 = only("makefile/sudo-python-variable/Makefile", "PW102")
    assert (python2.start.line, python2.start.column) == (10, 2)
    assert "`virtualenv -p python2 .venv && .venv/bin/python -m pip install ...`" in python2.help


def test_a_make_variable_is_fixed_where_it_is_assigned() -> None:
    found = findings("makefile/pip-variable/Makefile", "PW203")
    assert [(f.start.line, f.start.column) for f in found] == [(7, 2), (10, 2)]
    assert all(
        f.help == "use `$(PYTHON) -m pip` as the value of the variable assigned on line 2"
        for f in found
    )


@pytest.mark.parametrize(
    ("relative", "lines", "system"),
    [
        ("shell/sudo-pip-forms/install.sh", range(29, 34), ("PW102", "PW304")),
        ("dockerfile/install-dirs/Dockerfile", range(5, 9), ("PW301", "PW304")),
    ],
)
def test_installs_into_a_directory_of_their_own_are_no_system_install(
    relative: str, lines: range, system: tuple[str, ...]
) -> None:
    # `-t DIR`, `-tDIR`, `--target="$X"`, `--prefix`, `--root=`: pip writes there, not into
    # the system's site-packages, and skips the PEP 668 check.
    for rule in system:
        assert not {f.start.line for f in findings(relative, rule)} & set(lines)
    assert [f.start.line for f in findings(relative, "PW203")][-len(lines) :] == list(lines)
    # The same file's plain system install is reported: the rules are live here.
    assert findings(relative, system[0])


# The Windows help of each step of github/windows-remedies, with the shell that step runs.
WINDOWS_HELP = [
    (
        10,
        "PW304",
        "pwsh",
        [
            "py | -m | venv | .venv",
            ".\\.venv\\Scripts\\python | -m | pip | install | ...",
            "pipx | install",
        ],
    ),
    (
        11,
        "PW304",
        "cmd",
        [
            "py | -m | venv | .venv",
            ".venv\\Scripts\\python | -m | pip | install | ...",
            "pipx | install",
        ],
    ),
    (19, "PW302", "cmd", ["venv\\Scripts\\python | -m | pip", "echo | ? >> %GITHUB_PATH%"]),
    (24, "PW302", "pwsh", [".\\.venv\\Scripts\\python | -m | pip", "Add-Content | ? | ?"]),
]


@pytest.mark.parametrize(("line", "rule", "shell", "commands"), WINDOWS_HELP)
def test_windows_help_reads_back_in_the_steps_own_shell(
    line: int, rule: str, shell: str, commands: list[str]
) -> None:
    from pipwarden.shell.session import OffsetMap, Script
    from pipwarden.shell.windows import read

    from .test_windows_reader import _reading

    found = findings("github/windows-remedies/.github/workflows/package.yml", rule)
    (help_,) = [f.help for f in found if f.start.line == line]
    read_back = []
    for snippet in re.findall(r"`([^`]+)`", help_):
        script = Script(snippet, OffsetMap.identity(0, len(snippet)), shell)
        read_back.extend(_reading(ready.command) for ready in read(script))
    assert read_back == commands


def test_git_bash_on_windows_gets_forward_slashes() -> None:
    found = findings("github/windows-remedies/.github/workflows/package.yml", "PW304")
    (bash,) = [f for f in found if f.start.line == 13]
    assert "`py -m venv .venv && .venv/Scripts/python -m pip install ...`" in bash.help


def test_feature_install_script_gets_a_venv_on_the_containers_path() -> None:
    (found,) = findings("shell/devcontainer-feature-install/install.sh", "PW304")
    assert (found.start.line, found.start.column) == (6, 1)
    # Run at image build for the container's later users: not a venv in the current folder.
    assert ".venv/bin/python" not in found.help
    assert "`python3 -m venv /opt/venv && /opt/venv/bin/python -m pip install ...`" in found.help
    assert '"containerEnv": {"PATH": "/opt/venv/bin:${PATH}"}' in found.help


def test_an_installer_the_repository_runs_in_ci_is_judged_there(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Its CI jobs run it on Ubuntu 22.04 and 20.04, whose Python is not externally managed:
    # the refusal "run by hand on a current release" is not what its repository shows.
    found = reported("calls/ci-runs-installer", project, capsys)
    assert [(f["code"], f["location"]) for f in found] == [("PW102", {"row": 5, "column": 1})]
    # The same script with nothing that runs it: run by hand, on a release apt shows.
    (project / "repo" / ".github" / "workflows" / "tests.yml").unlink()
    main(["check", "--no-cache", "--output-format", "json", "repo"])
    alone = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["location"]) for f in alone] == [("PW101", {"row": 5, "column": 1})]
