"""The command line: exit codes, formats, selection, configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipwarden.cli import main
from pipwarden.discover import IgnoreRules

from .conftest import write

SUDO_SCRIPT = "#!/bin/sh\nsudo pip install requests\nsudo apt-get install -y git\n"
# An installer run by hand: sudo pip, then a bare pip whose Python need not be the one it runs.
INSTALLER = (
    "#!/bin/sh\nsudo pip install requests\npip3 install -r requirements.txt\npython3 app.py\n"
    "sudo apt-get install -y git\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_directory_exits_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, {"build.sh": "#!/bin/sh\npython3 -m pip install .\n"})
    assert run(capsys, "check", ".") == (0, "All checks passed!\n", "")


def test_default_command_is_check_with_full_output(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"install.sh": INSTALLER})
    code, out, _ = run(capsys)
    assert code == 1
    assert out.startswith("install.sh:2:1: PW101 [error] `sudo` runs `pip` as root")
    assert "2 | sudo pip install requests\n  | ^^^^^^^^^^^^^^^^\n" in out
    assert "  = help: install into a virtual environment" in out
    assert "  = docs: https://docs.python.org/3/installing/index.html" in out
    assert out.endswith(
        "Found 2 findings (1 error, 1 warning).\n[*] 1 fixable with `--fix`.\n"
        "(1 more fixable with `--fix --unsafe-fixes`.)\n"
    )
    assert "\x1b[" not in out


def test_concise_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, {"install.sh": INSTALLER})
    code, out, _ = run(capsys, "check", "--output-format", "concise", "install.sh")
    assert code == 1
    assert out.splitlines()[:2] == [
        "install.sh:2:1: PW101 `sudo` runs `pip` as root: it writes root-owned files into the "
        "system Python, beside apt/dnf-managed packages it can break; pip run as your user "
        "cannot upgrade or remove them later ([Errno 13] Permission denied) and installs into "
        "~/.local instead; on Debian 12+ and Ubuntu 23.04+ (it installs with apt) pip refuses outright (PEP 668)",
        "install.sh:3:1: PW201 [*] `pip3` is whichever pip comes first on PATH where this "
        "script runs, which need not belong to the `python3` run on line 4: the packages can "
        "go where that interpreter does not look",
    ]


def test_json_output_is_shaped_like_ruffs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"install.sh": INSTALLER})
    code, out, _ = run(capsys, "check", "--output-format", "json", "install.sh")
    assert code == 1
    data = json.loads(out)
    assert [d["code"] for d in data] == ["PW101", "PW201"]
    first = data[0]
    assert first["filename"] == str(project / "install.sh")
    assert first["location"] == {"row": 2, "column": 1}
    assert first["end_location"] == {"row": 2, "column": 17}
    assert first["severity"] == "error"
    assert first["fix"] == {
        "applicability": "unsafe",
        "message": "drop `sudo`",
        "edits": [
            {
                "content": "",
                "location": {"row": 2, "column": 1},
                "end_location": {"row": 2, "column": 6},
            }
        ],
    }
    assert first["url"].startswith("https://docs.python.org/3/installing/")
    assert first["help"].startswith("install into a virtual environment")


def test_exit_zero_and_statistics(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        project,
        {"a.sh": INSTALLER, "b.sh": "#!/bin/bash\npip install flask\npython -m flask run\n"},
    )
    code, out, _ = run(capsys, "check", "--statistics", "--exit-zero", ".")
    assert code == 0
    assert out.splitlines()[:2] == ["    2\tPW201\tbare-pip", "    1\tPW101\tsudo-pip"]


@pytest.mark.parametrize(
    ("flags", "codes"),
    [
        (["--select", "PW101"], ["PW101"]),
        (["--select", "sudo-pip"], ["PW101"]),
        (["--ignore", "PW2"], ["PW101"]),
        (["--select", "PW3", "--extend-select", "bare-pip"], ["PW201"]),
    ],
)
def test_selection(
    project: Path, capsys: pytest.CaptureFixture[str], flags: list[str], codes: list[str]
) -> None:
    write(project, {"install.sh": INSTALLER})
    _, out, _ = run(capsys, "check", "--output-format", "json", *flags, "install.sh")
    assert [d["code"] for d in json.loads(out)] == codes


def test_unknown_rule_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "--select", "PW999", ".")
    assert code == 2
    assert "unknown rule code or name 'PW999'" in err


def test_config_in_pyproject(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        project,
        {
            "pyproject.toml": '[tool.pipwarden]\nignore = ["PW201"]\nexclude = ["vendor/**"]\n'
            '[tool.pipwarden.per-file-ignores]\n"scripts/*.sh" = ["sudo-pip"]\n',
            "install.sh": SUDO_SCRIPT,
            "scripts/legacy.sh": SUDO_SCRIPT,
            "vendor/third.sh": SUDO_SCRIPT,
        },
    )
    code, out, _ = run(capsys, "check", "--output-format", "concise", ".")
    assert code == 1
    assert [line.split(" ")[0:2] for line in out.splitlines() if " PW" in line] == [
        ["install.sh:2:1:", "PW101"]
    ]


def test_config_found_from_a_subdirectory(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, {".pipwarden.toml": 'select = ["PW201"]\n', "ci/install.sh": INSTALLER})
    monkeypatch.chdir(project / "ci")
    _, out, _ = run(capsys, "check", "--output-format", "json", ".")
    assert [d["code"] for d in json.loads(out)] == ["PW201"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[tool.pipwarden]\nselects = ["PW1"]\n', "unknown key 'selects'"),
        ('[tool.pipwarden]\nignore = ["PW77"]\n', "unknown rule code or name 'PW77'"),
        ('[tool.pipwarden]\nignore = "PW201"\n', "`ignore` must be a list of strings"),
        ("[tool.pipwarden\n", "cannot read configuration"),
    ],
)
def test_bad_config_exits_2(
    project: Path, capsys: pytest.CaptureFixture[str], config: str, message: str
) -> None:
    write(project, {"pyproject.toml": config, "install.sh": SUDO_SCRIPT})
    code, out, err = run(capsys, "check", ".")
    assert code == 2
    assert message in err
    assert out == ""


def test_exclude_applies_to_named_files_only_with_force_exclude(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {".pipwarden.toml": 'exclude = ["legacy/**"]\n', "legacy/old.sh": SUDO_SCRIPT})
    assert run(capsys, "check", "--output-format", "concise", "legacy/old.sh")[0] == 1
    assert run(capsys, "check", "--force-exclude", "legacy/old.sh")[0] == 0
    assert run(capsys, "check", ".")[0] == 0


def test_gitignored_files_are_skipped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    write(
        project,
        {
            ".gitignore": "generated/\n",
            "generated/x.sh": SUDO_SCRIPT,
            "ok.sh": "#!/bin/sh\necho hi\n",
        },
    )
    assert run(capsys, "check", ".")[0] == 0
    # Outside a git work tree, .gitignore is read with pathspec.
    subprocess.run(["rm", "-rf", str(project / ".git")], check=True)
    assert run(capsys, "check", ".")[0] == 0


GITIGNORE = """# build output
out/
*.gen.sh
/top.sh
!keep.gen.sh
docs/**/draft-*.sh
tmp[0-9].sh
\\#hash.sh
"""
IGNORE_TREE = [
    "out/x.sh",
    "src/out/y.sh",
    "a.gen.sh",
    "src/b.gen.sh",
    "keep.gen.sh",
    "top.sh",
    "src/top.sh",
    "docs/a/b/draft-1.sh",
    "docs/draft-2.sh",
    "other/draft-3.sh",
    "tmp1.sh",
    "tmpx.sh",
    "#hash.sh",
    "out.sh",
]


def test_a_gitignore_outside_git_skips_what_git_would(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {".gitignore": GITIGNORE, **dict.fromkeys(IGNORE_TREE, SUDO_SCRIPT)})
    out = run(capsys, "check", "--output-format", "concise", ".")[1]
    read = sorted({line.split(":")[0] for line in out.splitlines() if "PW101" in line})
    assert read == ["keep.gen.sh", "other/draft-3.sh", "out.sh", "src/top.sh", "tmpx.sh"]
    # What git itself ignores there.
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        input="\n".join(IGNORE_TREE),
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert read == sorted(set(IGNORE_TREE) - set(ignored))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["src", "out", "docs", "a.py", "x.pyc", ".venv", "log1", "tmp", "b"]),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
)
def test_ignore_rules_match_as_pathspec_does(parts: list[str], directory: bool) -> None:
    lines = [
        "*.pyc",
        "out/",
        "/tmp",
        "!src/tmp",
        "log[0-9]",
        "docs/**/b",
        "**/.venv/",
        "!docs/out/",
        "src/*/a.py",
        "# comment",
        "",
    ]
    path = "/".join(parts) + ("/" if directory else "")
    expected = pathspec.GitIgnoreSpec.from_lines(lines).match_file(path)
    assert IgnoreRules(lines).match(path) == expected


def test_skipped_directories(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        project,
        {
            f"{d}/x.sh": SUDO_SCRIPT
            for d in (".venv", "venv", "node_modules", "build", "dist", "__pycache__")
        },
    )
    assert run(capsys, "check", ".")[0] == 0


def test_vendored_trees_are_excluded_by_default(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            "install.sh": SUDO_SCRIPT,
            "src/pkg/_vendor/tool/install.sh": SUDO_SCRIPT,
            "src/pkg/_vendored/install.sh": SUDO_SCRIPT,
            "third_party/vendored/setup.sh": SUDO_SCRIPT,
            # git-subrepo marks the top of a subtree it brought in.
            "lib/upstream/.gitrepo": "[subrepo]\n\tremote = https://example.org/upstream.git\n",
            "lib/upstream/scripts/install.sh": SUDO_SCRIPT,
        },
    )

    def reported() -> list[str]:
        out = run(capsys, "check", "--no-cache", "--output-format", "concise", ".")[1]
        return [line.split(":")[0] for line in out.splitlines() if " PW" in line]

    assert reported() == ["install.sh"]
    # `extend-exclude` adds to the default list.
    write(project, {".pipwarden.toml": 'extend-exclude = ["install.sh"]\n'})
    assert reported() == []
    # `exclude` replaces it, as in ruff.
    write(project, {".pipwarden.toml": 'exclude = ["src/"]\n'})
    assert reported() == [
        "install.sh",
        "lib/upstream/scripts/install.sh",
        "third_party/vendored/setup.sh",
    ]
    # A subtree that stops being a subrepo is the project's again, in the same process.
    (project / ".pipwarden.toml").unlink()
    (project / "lib/upstream/.gitrepo").unlink()
    assert reported() == ["install.sh", "lib/upstream/scripts/install.sh"]


def test_a_directory_checked_from_elsewhere_keeps_its_settings(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pipwarden check ../other` reads ../other's configuration, not the current directory's
    (as ruff does), and the default exclusions hold outside the current directory too."""
    write(
        project,
        {
            "here/.pipwarden.toml": 'ignore = ["PW101"]\n',
            "other/install.sh": SUDO_SCRIPT,
            "other/src/_vendor/tool/install.sh": SUDO_SCRIPT,
            "other/lib/upstream/.gitrepo": "[subrepo]\n\tremote = https://example.org/up.git\n",
            "other/lib/upstream/install.sh": SUDO_SCRIPT,
        },
    )
    monkeypatch.chdir(project / "here")

    def reported(*paths: str) -> list[str]:
        out = run(capsys, "check", "--no-cache", "--output-format", "concise", *paths)[1]
        return [" ".join(line.split()[:2]) for line in out.splitlines() if " PW" in line]

    assert reported("../other") == ["../other/install.sh:2:1: PW101"]
    write(project, {"other/.pipwarden.toml": 'ignore = ["PW101"]\n'})
    assert reported("../other") == []
    assert reported("../other/src", "../other/lib") == []


def test_rule_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rule", "PW302")
    assert code == 0
    assert out.startswith("PW302 activation-not-persisted (error, default tier)")
    assert "## Example" in out and "## Use instead" in out
    assert run(capsys, "rule", "activation-not-persisted")[1] == out
    assert run(capsys, "rule", "PW999")[0] == 2


def test_rules_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    codes = [line.split()[0] for line in out.splitlines()]
    assert codes == [
        "PW100",
        "PW101",
        "PW102",
        "PW201",
        "PW202",
        "PW203",
        "PW301",
        "PW302",
        "PW303",
        "PW304",
        "PW305",
        "PW306",
        "PW307",
        "PW401",
        "PW402",
        "PW403",
        "PW404",
        "PW501",
        "PW601",
        "PW602",
        "PW603",
        "PW900",
    ]
    data = json.loads(run(capsys, "rules", "--output-format", "json")[1])
    assert data[1]["name"] == "sudo-pip" and data[1]["severity"] == "error"


def test_color_only_on_a_terminal_and_never_with_no_color(project: Path) -> None:
    write(project, {"install.sh": SUDO_SCRIPT})
    env = {"PATH": "/usr/bin:/bin", "FORCE_COLOR": "1"}
    colored = subprocess.run(
        [sys.executable, "-m", "pipwarden", "install.sh"], capture_output=True, text=True, env=env
    )
    assert "\x1b[31;1mPW101" in colored.stdout
    env["NO_COLOR"] = "1"
    plain = subprocess.run(
        [sys.executable, "-m", "pipwarden", "install.sh"], capture_output=True, text=True, env=env
    )
    assert "\x1b[" not in plain.stdout
    assert plain.returncode == 1


def test_parallel_run_reports_what_a_serial_run_does(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipwarden import run as run_module

    clean = run_module.PARALLEL_THRESHOLD
    files: dict[str, str | bytes] = {
        f"s{i}.sh": "#!/bin/sh\nset -o pipefail\necho ok\n" for i in range(clean)
    }
    files.update({f"bad{i}.sh": SUDO_SCRIPT for i in range(7)})
    write(project, files)
    parallel = run(capsys, "check", "--output-format", "junit", ".")
    monkeypatch.setattr(run_module, "PARALLEL_THRESHOLD", 10**9)
    serial = run(capsys, "check", "--output-format", "junit", ".")
    assert parallel == serial
    assert parallel[0] == 1 and parallel[1].count("<testcase ") == clean + 7


def test_files_the_gitlab_ci_includes_are_gitlab_ci(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            ".gitlab-ci.yml": "include:\n  - local: /ci/test-jobs.yml\n  - 'ci/lint.yml'\n  - project: other/repo\n    file: /x.yml\nstages: [test]\n",
            "ci/test-jobs.yml": "unit:\n  image: python:3.12\n  script:\n    - sudo pip install -e .\n",
            "ci/lint.yml": "lint:\n  script: [sudo pip install ruff]\n",
            "ci/unrelated.yml": "job:\n  script: [sudo pip install x]\n",
        },
    )
    assert main(["check", "--output-format", "concise", "."]) == 1
    out = capsys.readouterr().out
    assert [line.split(" ")[0:2] for line in out.splitlines() if " PW" in line] == [
        ["ci/lint.yml:2:12:", "PW101"],
        ["ci/test-jobs.yml:4:7:", "PW101"],
    ]


def test_tracked_build_directories_are_read(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    write(
        project,
        {
            "build/docker/Dockerfile": (
                "FROM ubuntu:24.04\nRUN apt-get install -y python3-pip && pip3 install awscli\n"
            ),
            "node_modules/pkg/install.sh": SUDO_SCRIPT,
        },
    )
    subprocess.run(["git", "-C", str(project), "add", "-f", "."], check=True)
    write(project, {"dist/untracked.sh": SUDO_SCRIPT})
    code, out, _ = run(capsys, "check", "--output-format", "concise", ".")
    assert code == 1
    assert {line.split(":")[0] for line in out.splitlines() if " PW" in line} == {
        "build/docker/Dockerfile"
    }


# Bare pip on a runner: a strict PW203 wherever a workflow is read.
BARE_PIP_WORKFLOW = (
    "on: push\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n"
    "      - run: pip install requests\n"
)


@pytest.mark.parametrize("git", [True, False], ids=["work-tree", "plain-directory"])
def test_only_the_top_github_workflows_directory_is_read(
    project: Path, capsys: pytest.CaptureFixture[str], git: bool
) -> None:
    """GitHub runs the workflows of the repository's top `.github/workflows` only, not of
    its folders: a vendored project's, a documentation example's or a template folder's are
    not read when walking, nor with --force-exclude (pre-commit names them), but are when
    named."""
    if git:
        subprocess.run(["git", "init", "-q", str(project)], check=True)
    nested = "vendor/lib/.github/workflows/ci.yml"
    write(
        project,
        {
            ".github/workflows/ci.yml": BARE_PIP_WORKFLOW,
            nested: BARE_PIP_WORKFLOW,
            "docs/.github/workflows/release.yaml": BARE_PIP_WORKFLOW,
            ".github/workflows/templates/reusable.yml": BARE_PIP_WORKFLOW,
            "vendor/lib/.github/actions/setup/action.yml": (
                "runs:\n  using: composite\n  steps:\n"
                "    - run: pip install requests\n      shell: bash\n"
            ),
        },
    )
    assert _files_with_findings(capsys, ".") == [
        ".github/workflows/ci.yml:6:14:",
        "vendor/lib/.github/actions/setup/action.yml:4:12:",
    ]
    # From elsewhere, the top is the work tree, or outside one the directory named.
    (project / "elsewhere").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project / "elsewhere")
        assert len(_files_with_findings(capsys, str(project))) == 2
        assert len(_files_with_findings(capsys, str(project / "docs"))) == (0 if git else 1)
    assert _files_with_findings(capsys, "--force-exclude", nested) == (
        [] if git else [f"{nested}:6:14:"]
    )
    assert _files_with_findings(capsys, nested) == [f"{nested}:6:14:"]


def _files_with_findings(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    out = run(capsys, "check", "--select", "ALL", "--output-format", "concise", *args)[1]
    return sorted(line.split(" ")[0] for line in out.splitlines() if " PW" in line)
