"""What a user reads: each finding says what goes wrong here, what to do, and where."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipwarden.check import Checker
from pipwarden.config import Settings
from pipwarden.model import Finding
from pipwarden.rules.catalog import with_alone
from pipwarden.rules.registry import BY_CODE

from .conftest import CASES

CHECKER = Checker(Settings(frozenset(BY_CODE)))


def findings(relative: str, code: str) -> list[Finding]:
    report = CHECKER.check_path(str(CASES / relative), explicit=True)
    # A fixture's files run nothing of each other's: what holds alone is reported.
    shown, _ = with_alone(report.findings, report.alone, report.hidden, frozenset())
    return [f for f in shown if f.code == code]


def test_nonroot_user_with_home_gets_a_user_install_off_path() -> None:
    (finding,) = findings("dockerfile/nonroot-user/Dockerfile", "PW401")
    assert "/home/app/.local" in finding.message
    assert "not on PATH" in finding.message
    assert "venv" in finding.help
    assert finding.url == "https://docs.docker.com/build/building/best-practices/#user"


def test_bare_uid_without_home_fails_with_errno_13() -> None:
    (finding,) = findings("dockerfile/nonroot-uid/Dockerfile", "PW401")
    assert "[Errno 13] Permission denied" in finding.message
    assert "before the USER line" in finding.help


def test_lost_activation_names_the_line_where_it_was_made() -> None:
    (finding,) = findings("dockerfile/lost-activation/Dockerfile", "PW302")
    assert "each RUN instruction starts a new shell" in finding.message
    assert [(r.start, r.message) for r in finding.related] == [
        ((3, 5), "activated here"),
        ((3, 29), "the activation ends here (each RUN instruction starts a new shell)"),
    ]
    assert 'ENV PATH="/opt/venv/bin:$PATH"' in finding.help
    assert "/opt/venv/bin/python -m pip" in finding.help


def test_source_under_dash_quotes_the_shell_error() -> None:
    (finding,) = findings("dockerfile/source-dash/Dockerfile", "PW306")
    assert "source: not found" in finding.message
    assert "dash" in finding.message
    assert ". /opt/venv/bin/activate" in finding.help


def test_externally_managed_says_user_is_no_way_around() -> None:
    (finding,) = findings("dockerfile/pep668/Dockerfile", "PW305")
    assert "externally-managed-environment" in finding.message
    assert "--user" in finding.message


def test_bare_pip_fix_names_the_files_own_interpreter() -> None:
    # The file runs python3.12 (built with make altinstall), whose pip it has: safe.
    (built,) = findings("dockerfile/two-pythons/Dockerfile.altinstall", "PW201")
    assert "`python3.12 -m pip`" in built.help
    assert built.fix is not None and built.fix.applicability == "safe"
    # apt's python3.11 has no pip of its own: naming it is right, applying it unsafe.
    (deadsnakes,) = findings("dockerfile/two-pythons/Dockerfile.deadsnakes", "PW201")
    assert deadsnakes.fix is not None and deadsnakes.fix.edits[0].content == "python3.11 -m pip"
    assert deadsnakes.fix.applicability == "unsafe"
    # In a python:* image `python` is pip's own interpreter.
    (official,) = findings("dockerfile/python-image-smoke/Dockerfile", "PW203")
    assert "`python -m pip`" in official.help


def test_root_user_install_points_at_the_user_switch() -> None:
    (finding,) = findings("dockerfile/root-user-install/Dockerfile", "PW402")
    assert "/root/.local" in finding.message
    assert [r.start.line for r in finding.related] == [4]


def test_user_install_in_venv_quotes_pip() -> None:
    (finding,) = findings("shell/venv-user/setup-dev.sh", "PW303")
    assert "User site-packages are not visible in this virtualenv" in finding.message
    assert (finding.start.line, finding.start.column, finding.end.column) == (2, 61, 67)


def test_sudo_span_covers_sudo_through_the_subcommand() -> None:
    (finding,) = findings("shell/sudo-pip/install.sh", "PW101")
    assert (finding.start.line, finding.start.column) == (3, 1)
    assert (finding.end.line, finding.end.column) == (3, 17)
    assert "Errno 13" in finding.message


def test_every_rule_documents_itself_in_fixed_sections() -> None:
    for rule in BY_CODE.values():
        text = rule.documentation()
        for section in (
            "## What it finds",
            "## Why it breaks",
            "## Example",
            "## Use instead",
            "## Fix safety",
            "## References",
        ):
            assert section in text, (rule.code, section)
        assert rule.name == rule.name.lower() and " " not in rule.name


def test_github_lost_activation_points_to_github_path() -> None:
    (finding,) = findings("github/lost-activation/.github/workflows/ci.yml", "PW302")
    assert "each workflow step runs in a new shell" in finding.message
    assert 'echo "$PWD/.venv/bin" >> "$GITHUB_PATH"' in finding.help
    assert [(r.start.line, r.message) for r in finding.related] == [
        (9, "activated here"),
        (9, "the activation ends here (each workflow step runs in a new shell)"),
    ]


def test_makefile_lost_activation_suggests_joining_lines() -> None:
    (finding,) = findings("makefile/lost-activation/Makefile", "PW302")
    assert "each Makefile recipe line runs in its own shell" in finding.message
    assert "`&&`" in finding.help and ".ONESHELL" in finding.help
    assert ".venv/bin/python -m pip" in finding.help


def test_gitlab_after_script_is_a_new_shell() -> None:
    (finding,) = findings("gitlab/after-script/.gitlab-ci.yml", "PW302")
    assert "after_script runs in a new shell" in finding.message


def test_windows_runner_makes_self_upgrade_an_error() -> None:
    found = findings("github/windows-upgrade/.github/workflows/ci.yml", "PW202")
    assert [str(f.severity) for f in found] == ["error", "error"]
    assert "python -m pip install --upgrade pip" in found[0].help


def test_break_system_packages_points_at_the_variable_in_every_kind_of_file() -> None:
    (export,) = findings("shell/break-target/setup-workstation.sh", "PW304")
    assert (export.start, export.end) == ((5, 8), (5, 35))
    # In an image build or a CI job too (strict tier): at the `env:` / `ENV` line.
    for case, line in (
        ("github/break-env/.github/workflows/release.yaml", 6),
        ("dockerfile/break-env/Dockerfile", 3),
    ):
        assert [f.start.line for f in findings(case, "PW304")] == [line]
        assert [f.start.line for f in findings(case, "PW305")] == [
            14 if case.startswith("github") else 9
        ]


def test_a_finding_that_needs_one_value_of_a_variable_says_so() -> None:
    found = findings("shell/variables/build-wheel.sh", "PW101")
    assert [f.start.line for f in found] == [13, 16]
    assert found[0].message.endswith("(when PIP_SUDO is `sudo -H` (line 8))")
    assert [(r.start.line, r.message) for r in found[0].related] == [
        (2, "apt installs here"),
        (8, "PIP_SUDO assigned here"),
    ]
    assert "(when" not in found[1].message  # SUDO has one value: no condition to state


def test_a_reading_that_runs_nothing_does_not_lose_the_others() -> None:
    from pipwarden.check import Checker
    from pipwarden.config import Settings
    from pipwarden.discover import Kind
    from pipwarden.rules.catalog import DEFAULT

    text = '#!/bin/sh\nCMD="sudo"\nif [ -n "$1" ]; then CMD="sudo pip3 install x"; fi\n$CMD\napt install -y git\n'
    (finding,) = Checker(Settings(DEFAULT)).check_text(text, "x.sh", Kind.SHELL)
    assert (finding.code, finding.start.line) == ("PW101", 4)
    assert finding.message.endswith("(when CMD is `sudo pip3 install x` (line 3))")


def test_system_install_and_source_in_dash_name_the_image_and_the_apt_line() -> None:
    (outside,) = findings("dockerfile/ubuntu-pip-version/Dockerfile", "PW301")
    assert [(r.start.line, r.start.column, r.message) for r in outside.related] == [
        (1, 1, "the image, whose Python is the distro's"),
        (2, 23, "the distro's Python is installed here"),
    ]
    (source,) = findings("dockerfile/source-dash/Dockerfile", "PW306")
    assert [(r.start.line, r.message) for r in source.related] == [
        (1, "the image, whose /bin/sh is dash")
    ]


def test_a_venv_the_base_image_may_have_on_path_is_not_called_the_system_python() -> None:
    # linuxserver's base images set VIRTUAL_ENV=/lsiopy and PATH=/lsiopy/bin:$PATH.
    assert findings("dockerfile/base-image-venv/Dockerfile", "PW301") == []
    assert {
        f.message.split(";")[0] for f in findings("dockerfile/base-image-venv/Dockerfile", "PW203")
    } == {"`pip` here is whichever pip comes first on PATH"}
    # In an image whose ENV is known, the venv made and not used is no venv at all.
    (system,) = findings("dockerfile/base-image-venv/Dockerfile.ubuntu", "PW301")
    assert system.start == (8, 3)


def test_after_an_action_that_puts_a_venv_on_path_pip_is_not_the_runners() -> None:
    before, after = findings("github/action-venv/.github/workflows/tests.yml", "PW203")
    assert before.start.line == 12 and "the runner's Python" in before.message
    assert after.start.line == 20 and "whichever pip comes first on PATH" in after.message


def _help_commands(finding: Finding) -> list[str]:
    return re.findall(r"`([^`]+)`", finding.help)


@pytest.mark.parametrize(("line", "shell"), [(18, "pwsh"), (37, "cmd")])
def test_windows_lost_activation_is_one_finding_whose_help_its_own_shell_reads(
    line: int, shell: str, project: Path
) -> None:
    """One PW302 per activation, the later commands its notes; each command the help gives,
    run in a step of that shell instead of the activation, leaves nothing to report."""
    workflow = CASES / "github/windows-activation/.github/workflows/windows.yml"
    found = [f for f in findings(str(workflow.relative_to(CASES)), "PW302")]
    (finding,) = [f for f in found if f.start.line == line]
    if shell == "pwsh":
        assert [(r.start.line, r.message) for r in finding.related] == [
            (15, "activated here"),
            (16, "the activation ends here (each workflow step runs in a new shell)"),
            (19, "`pip` does not run in venv either"),
            (20, "`pip` does not run in venv either"),
            (22, "`python` does not run in venv either"),
            (25, "`pip` does not run in venv either"),
        ]
    direct, persist = _help_commands(finding)[:2]
    venv = "venv" if shell == "pwsh" else ".venv"
    for fixed in (f"{direct} install tox", f"python -m venv {venv}\n          {persist}"):
        text = (
            f"on: push\njobs:\n  build:\n    runs-on: windows-latest\n"
            f"    defaults:\n      run:\n        shell: {shell}\n    steps:\n"
            f"      - run: |\n          python -m venv {venv}\n"
            f"          {venv}\\Scripts\\activate\n"
            f"      - run: |\n          {fixed}\n      - run: pip install tox\n"
        )
        if fixed.startswith("python"):
            text = text.replace(f"          {venv}\\Scripts\\activate\n", "")
        (project / ".github/workflows").mkdir(parents=True, exist_ok=True)
        path = project / ".github/workflows/fixed.yml"
        path.write_text(text)
        report = CHECKER.check_path(str(path), explicit=True)
        lines = [f.start.line for f in report.findings if f.code == "PW302"]
        # The direct call needs no activation; the persisted PATH reaches the last step.
        assert lines == ([] if fixed.startswith("python") else [14]), text


def test_git_bash_on_windows_names_the_venvs_scripts_folder() -> None:
    workflow = "github/windows-activation/.github/workflows/windows.yml"
    (finding,) = [f for f in findings(workflow, "PW302") if f.start.line == 76]
    assert _help_commands(finding)[:2] == [
        "venv/Scripts/python -m pip",
        'echo "$PWD/venv/Scripts" >> "$GITHUB_PATH"',
    ]


def test_circleci_windows_step_is_powershell_and_bash_env_is_not_offered() -> None:
    found = findings("circleci/windows/.circleci/config.yml", "PW302")
    (windows,) = [f for f in found if f.start.line == 19]
    assert _help_commands(windows) == [".\\venv\\Scripts\\python -m pip"]
    assert [(r.start.line, r.message) for r in windows.related][-1] == (
        23,
        "`pip` does not run in venv either",
    )


@pytest.mark.parametrize(
    ("dockerfile", "line", "path"),
    [("Dockerfile", 10, "%PATH%"), ("Dockerfile.python", 5, "$env:PATH")],
    ids=["servercore-cmd", "python-powershell"],
)
def test_windows_image_lost_activation_help_is_what_its_shell_reads(
    dockerfile: str, line: int, path: str, project: Path
) -> None:
    """On a Windows image RUN is cmd (the python image's config makes it PowerShell); the help
    names the venv's Scripts and the machine PATH `setx /M` writes, and each command it gives,
    put in place of the activation, leaves nothing to report."""
    case = CASES / "dockerfile/windows-base-images"
    (finding,) = findings(f"dockerfile/windows-base-images/{dockerfile}", "PW302")
    assert finding.start.line == line
    direct, persist = _help_commands(finding)[:2]
    assert (direct, persist) == (
        "C:\\venv\\Scripts\\python -m pip",
        f'RUN setx /M PATH "C:\\venv\\Scripts;{path}"',
    )
    (image,) = [row for row in (case / dockerfile).read_text().splitlines() if "FROM" in row][:1]
    for fixed in (f"RUN {direct} install -r requirements.txt", persist):
        path_ = project / "Dockerfile"
        path_.write_text(
            f"{image}\nRUN python -m venv C:\\venv\n{fixed}\nRUN pip install -r requirements.txt\n"
        )
        report = CHECKER.check_path(str(path_), explicit=True)
        assert [f.code for f in report.findings if f.code in ("PW302", "PW203")] == (
            ["PW203"] if fixed.startswith("RUN C:") else []
        ), fixed


def test_break_system_packages_on_a_windows_image_speaks_windows() -> None:
    (finding,) = findings("dockerfile/windows-base-images/Dockerfile", "PW304")
    assert _help_commands(finding)[:2] == [
        "RUN python -m venv C:\\venv",
        'RUN setx /M PATH "C:\\venv\\Scripts;%PATH%"',
    ]


def test_bare_pip_after_an_unknown_path_entry_names_no_python() -> None:
    (finding,) = findings("github/venv-bin-expression/.github/workflows/tests.yml", "PW203")
    assert finding.start.line == 50
    assert "whichever pip comes first on PATH" in finding.message
    assert "set up for this job" not in finding.message


def test_a_venv_named_on_path_before_it_is_made_is_not_yet_the_pip() -> None:
    found = findings("dockerfile/venv-path-before-made/Dockerfile", "PW203")
    assert [(f.start.line, f.start.column) for f in found] == [(15, 8), (32, 5)]
    assert all("the pip of the image's Python" in f.message for f in found)
