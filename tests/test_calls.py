"""Following calls between files: a script judged in the state its caller runs it in, with
the chain of evidence in every output, fixes that stay honest, and the cache kept right."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipwarden.cli import main

from .conftest import CASES, write
from .test_reports import SCHEMA

USER_SCRIPT = {
    "Dockerfile": (
        "FROM python:3.12-slim\n"
        "RUN useradd -m app\n"
        "COPY install.sh /tmp/install.sh\n"
        "USER app\n"
        "RUN bash /tmp/install.sh\n"
    ),
    # Alone, an installer for any machine (PW201); run by the Dockerfile, a step of its build.
    "install.sh": "#!/bin/sh\nset -eu\npip install -r requirements.txt\npython3 -m app\n",
}
WORKFLOW = {
    ".github/workflows/test.yml": (
        "on: push\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: |\n"
        "          python3 -m venv .venv\n"
        '          echo "$PWD/.venv/bin" >> "$GITHUB_PATH"\n'
        "      - run: bash scripts/test.sh\n"
    ),
    "scripts/test.sh": "#!/usr/bin/env bash\nset -euo pipefail\npip install --user pytest\n",
}


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-cache", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_related_names_the_call_and_the_user_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, USER_SCRIPT)
    code, out, _ = check(capsys, "--output-format", "json", ".")
    assert code == 1
    (finding,) = [f for f in json.loads(out) if f["code"] == "PW401"]
    assert finding["filename"] == str(project / "install.sh")
    assert finding["location"] == {"row": 3, "column": 1}
    assert finding["message"].endswith("(run by line 5 of Dockerfile)")
    assert finding["related"] == [
        {
            "message": "runs install.sh as app",
            "filename": str(project / "Dockerfile"),
            "location": {"row": 5, "column": 5},
            "end_location": {"row": 5, "column": 25},
        },
        {
            "message": "the user becomes app here",
            "filename": str(project / "Dockerfile"),
            "location": {"row": 4, "column": 1},
            "end_location": {"row": 4, "column": 9},
        },
    ]


def test_sarif_related_locations_across_files_validate(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, USER_SCRIPT)
    _, out, _ = check(capsys, "--output-format", "sarif", ".")
    sarif = json.loads(out)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "PW401"]
    where = result["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "install.sh"
    related = [
        (
            r["id"],
            r["physicalLocation"]["artifactLocation"]["uri"],
            r["physicalLocation"]["region"],
            r["message"]["text"],
        )
        for r in result["relatedLocations"]
    ]
    assert related == [
        (
            0,
            "Dockerfile",
            {"startLine": 5, "startColumn": 5, "endLine": 5, "endColumn": 25},
            "runs install.sh as app",
        ),
        (
            1,
            "Dockerfile",
            {"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 9},
            "the user becomes app here",
        ),
    ]
    if not SCHEMA.exists():
        pytest.skip(f"the SARIF schema is not at {SCHEMA}")
    import jsonschema

    jsonschema.validate(sarif, json.loads(SCHEMA.read_text()))


def test_gitlab_other_locations_and_github_chain(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, USER_SCRIPT)
    _, out, _ = check(capsys, "--output-format", "gitlab", ".")
    (issue,) = [i for i in json.loads(out) if i["check_name"].startswith("PW401")]
    assert issue["location"] == {"path": "install.sh", "lines": {"begin": 3, "end": 3}}
    assert issue["other_locations"] == [
        {"path": "Dockerfile", "lines": {"begin": 5, "end": 5}},
        {"path": "Dockerfile", "lines": {"begin": 4, "end": 4}},
    ]
    _, out, _ = check(capsys, "--output-format", "github", ".")
    (line,) = [x for x in out.splitlines() if "PW401" in x]
    assert line.startswith("::error file=install.sh,line=3,")
    assert (
        "%0ADockerfile:5:5: runs install.sh as app%0ADockerfile:4:1: the user becomes app here"
        in line
    )


def test_full_text_shows_each_related_line_with_its_source(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, USER_SCRIPT)
    _, out, _ = check(capsys, "--select", "PW401", ".")
    assert out.startswith("install.sh:3:1: PW401 [error] runs as `app`")
    assert (
        "  = note: Dockerfile:5:5: runs install.sh as app\n"
        "  |\n"
        "5 | RUN bash /tmp/install.sh\n"
        "  |     ^^^^^^^^^^^^^^^^^^^^\n"
        "  |\n"
        "  = note: Dockerfile:4:1: the user becomes app here\n"
        "  |\n"
        "4 | USER app\n"
        "  | ^^^^^^^^\n"
        "  |\n"
    ) in out


def test_a_caller_finding_is_fixed_in_the_script(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, WORKFLOW)
    code, _, err = check(capsys, "--fix", "--select", "PW303", ".")
    assert "Fixed 1 finding." in err
    assert code == 0
    assert (project / "scripts/test.sh").read_text() == (
        "#!/usr/bin/env bash\nset -euo pipefail\npip install pytest\n"
    )


def test_a_fix_is_unsafe_when_callers_disagree_on_its_safety(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            "root.sh": "#!/bin/sh\nsudo sh s.sh\n",
            "user.sh": "#!/bin/sh\nsh s.sh\n",
            "s.sh": "sudo pip install gunicorn\napt-get install -y git\n",
        },
    )
    # Only the callers are named (a commit that touches them): the script has no finding of
    # its own, only those its callers make.
    _, out, _ = check(capsys, "--select", "PW101", "--output-format", "json", "root.sh")
    (alone,) = json.loads(out)
    assert alone["filename"] == str(project / "s.sh")
    assert alone["fix"]["applicability"] == "safe"  # as root, sudo adds nothing
    _, out, _ = check(capsys, "--select", "PW101", "--output-format", "json", "root.sh", "user.sh")
    (both,) = json.loads(out)
    assert both["fix"]["applicability"] == "unsafe"
    assert [r["message"] for r in both["related"]] == [
        "runs s.sh as root",
        "apt installs here",
        "runs s.sh",
    ]


def test_a_suppression_in_the_script_holds_the_callers_finding(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(USER_SCRIPT)
    files["install.sh"] = (
        "#!/bin/sh\nset -eu\npip install -r requirements.txt  # noqa: PW401, PW201\n"
    )
    write(project, files)
    code, out, _ = check(capsys, "--extend-select", "PW100", "--output-format", "concise", ".")
    assert (code, out) == (0, "All checks passed!\n")


def test_a_suppressed_default_finding_of_the_script_alone_stands_aside_where_a_caller_runs_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Alone, the apt installer's `sudo pip3` is PW101 (suppressed here), which the strict
    PW102 on that command gives way to; run by a workflow on an Ubuntu runner, PW101 does not
    hold, and the strict habit is reported, also when the script is checked by itself."""
    script = (
        "#!/bin/sh\nset -e\nsudo apt-get install -y python3-pip\n"
        "sudo pip3 install ansible  # noqa: PW101\n"
    )
    write(project, {"install.sh": script})
    strict = ("--strict", "--output-format", "concise")
    assert check(capsys, *strict, ".")[:2] == (0, "All checks passed!\n")
    write(
        project,
        {
            ".github/workflows/deploy.yml": (
                "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n      - run: sh install.sh\n"
            )
        },
    )
    for paths in (["."], ["install.sh"]):
        code, out, _ = check(capsys, *strict, *paths)
        assert (code, out.splitlines()[0].split(" `")[0]) == (1, "install.sh:4:1: PW102")


def test_without_following_each_file_is_judged_alone(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, USER_SCRIPT)
    _, out, _ = check(capsys, "--no-follow-calls", "--output-format", "concise", ".")
    assert "PW401" not in out and "install.sh:3:1: PW201" in out
    write(project, {"pyproject.toml": "[tool.pipwarden]\nfollow-calls = false\n"})
    _, out, _ = check(capsys, "--output-format", "concise", ".")
    assert "PW401" not in out


def test_a_cycle_is_followed_once_and_said_in_verbose_output(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            "a.sh": "#!/bin/bash\n. ./b.sh\nsudo pip install requests\napt-get install -y git\n",
            "b.sh": "#!/bin/bash\n. ./a.sh\n",
        },
    )
    code, out, err = check(
        capsys, "--verbose", "--select", "PW101", "--output-format", "concise", "."
    )
    assert code == 1
    assert out.count("PW101") == 1
    note = f"pipwarden: note: {project / 'a.sh'}: not followed from {project / 'b.sh'}: a cycle"
    assert note in err
    # Runs answered from the cache say it too.
    for _ in range(2):
        assert main(["check", "--verbose", "--select", "PW101", "."]) == 1
        assert note in capsys.readouterr().err


def test_the_cache_follows_the_called_script(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, USER_SCRIPT)
    assert main(["check", "--select", "PW401", "--output-format", "concise", "."]) == 1
    capsys.readouterr()
    script = project / "install.sh"
    script.write_text("#!/bin/sh\nset -eu\necho nothing to install here\n")
    os.utime(script, (1, 1))  # same size class is not enough: the time moved too
    assert main(["check", "--select", "PW401", "--output-format", "concise", "."]) == 0
    assert "All checks passed!" in capsys.readouterr().out


def test_a_job_container_is_read_from_the_compose_file_as_it_is_now(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The builds the repository describes are read once per set of files (every job
    `container:` asks), but a process that checks again (an editor's) sees a changed one."""
    shutil.copytree(CASES / "github" / "container-own-image", project, dirs_exist_ok=True)
    workflow = ".github/workflows/ci.yml"
    code, out, _ = check(capsys, "--output-format", "concise", workflow)
    assert code == 1 and f"{workflow}:26:14: PW305" in out and ":35:" not in out
    compose = project / "docker-compose.yml"
    text = compose.read_text().replace("build: ./dev", "build: {dockerfile: docker/ci.Dockerfile}")
    compose.write_text(text)
    code, out, _ = check(capsys, "--output-format", "concise", workflow)
    # The lint job's image is now the Debian one, whose pip3 refuses to install system-wide.
    assert code == 1 and f"{workflow}:26:14: PW305" in out and f"{workflow}:35:14: PW305" in out


def test_called_files_that_cannot_be_read_are_passed_over(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            "run.sh": (
                "#!/bin/sh\n"
                ". .venv/bin/activate\n"
                "./binary.sh\n"
                ". ./loop.sh\n"
                "./latin1.sh\n"
                "./missing.sh\n"
                "./notes.txt\n"
            ),
            "binary.sh": b"\x7fELF\x00\x00pip install --user x\n",
            "latin1.sh": b"#!/bin/sh\n# caf\xe9\npip install --user x\n",
            "notes.txt": "pip install --user x\n",
        },
    )
    (project / "loop.sh").symlink_to(project / "loop.sh")
    code, out, err = check(capsys, "--output-format", "concise", "run.sh")
    assert err == ""
    # The Latin-1 script is read (as pipwarden reads any file), the others are not scripts.
    assert out.splitlines()[0] == (
        "latin1.sh:3:13: PW303 [*] `--user` inside the venv .venv: pip refuses with "
        "\"Can not perform a '--user' install. User site-packages are not visible in this "
        'virtualenv." (run by line 5 of run.sh)'
    )
    assert code == 1 and out.count("PW303") == 1


def test_add_noqa_suppresses_a_callers_finding_in_the_script(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, USER_SCRIPT)
    assert main(["check", "--no-cache", "--add-noqa", "."]) == 0
    assert "Added 1 suppression comment." in capsys.readouterr().err
    assert (project / "install.sh").read_text() == (
        "#!/bin/sh\nset -eu\n# pipwarden: ignore[PW401]\npip install -r requirements.txt\n"
        "python3 -m app\n"
    )
    code, out, _ = check(capsys, "--output-format", "concise", ".")
    assert (code, out) == (0, "All checks passed!\n")


NOQA_SCRIPT = "#!/bin/sh\nset -eu\npip install -r requirements.txt  # noqa: PW401\n"


def test_a_suppression_only_a_caller_uses_is_kept_when_the_script_alone_is_checked(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A commit that touches only the script (pre-commit names only it): the caller is
    found in the repository, so the suppression is not called unused, nor fixed away."""
    files = dict(USER_SCRIPT)
    files["install.sh"] = NOQA_SCRIPT
    write(project, files)
    code, out, _ = check(capsys, "--fix", "--output-format", "concise", "install.sh")
    # Alone, its bare pip is the strict tier's (PW203): only counted.
    assert (code, out.splitlines()[0]) == (0, "All checks passed!")
    assert (project / "install.sh").read_text() == NOQA_SCRIPT


def test_a_suppression_no_caller_uses_is_unused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"install.sh": NOQA_SCRIPT, "Dockerfile": "FROM python:3.12-slim\n"})
    code, out, _ = check(capsys, "--output-format", "concise", "install.sh")
    assert code == 1
    assert out.startswith(
        "install.sh:3:34: PW100 [*] the suppression of PW401 covers no PW401 finding"
    )
    check(capsys, "--fix", ".")
    assert (
        project / "install.sh"
    ).read_text() == "#!/bin/sh\nset -eu\npip install -r requirements.txt\n"


def test_calls_are_followed_eight_deep(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        f"s{i}.sh": f"#!/bin/sh\n{'pip install --user x' if i == 10 else f'./s{i + 1}.sh'}\n"
        for i in range(11)
    }
    files["s0.sh"] = "#!/bin/sh\n. .venv/bin/activate\n./s1.sh\n"
    write(project, files)
    _, out, err = check(capsys, "--verbose", "--select", "PW303", "--output-format", "concise", ".")
    # s0 activates; s1 ... s8 are followed; s9 is one call too deep.
    assert out == "All checks passed!\n"
    assert f"{project / 's9.sh'}: not followed from {project / 's8.sh'}: deeper than 8" in err
    files["s0.sh"] = "#!/bin/sh\n. .venv/bin/activate\n./s3.sh\n"
    write(project, files)
    _, out, _ = check(capsys, "--select", "PW303", "--output-format", "concise", ".")
    assert out.startswith("s10.sh:2:13: PW303")


ADDON = {
    "Dockerfile": (
        "FROM debian:12-slim\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip\n"
        "COPY rootfs /\n"
    ),
    # Alone, a script for any machine that installs, then runs python3 (PW201).
    "rootfs/etc/cont-init.d/20-app": (
        "#!/usr/bin/with-contenv bashio\npip install -U -e /src\npython3 -c 'import app'\n"
    ),
}


def test_an_init_script_is_judged_in_the_image_that_runs_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, ADDON)
    code, out, _ = check(capsys, "--output-format", "concise", ".")
    assert code == 1
    assert out.splitlines()[0].startswith(
        "rootfs/etc/cont-init.d/20-app:2:1: PW305 the distro marks this Python as externally "
    )
    assert out.splitlines()[0].endswith("(run by line 3 of Dockerfile)")
    assert "PW201" not in out
    # Checked alone (a pre-commit run given the script), the Dockerfile that COPYs its
    # rootfs is found as its caller: not judged as if run by hand.
    code, out, _ = check(capsys, "--output-format", "concise", "rootfs/etc/cont-init.d/20-app")
    assert (code, out) == (0, "All checks passed!\n")


def _dry_run(case: Path, *args: str, **env: str) -> list[str]:
    """The recipe lines GNU make would run for `make -n ARGS` in `case`, with `env` set."""
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", *args],
        cwd=case,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if "pip" in line]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
def test_make_reads_the_variables_of_its_call_as_the_model_does() -> None:
    """calls/make-variables' findings rest on how make reads the variables it is run with:
    the command line's win over `=` and `:=`, the environment's only over `?=`."""
    case = CASES / "calls" / "make-variables"
    assert _dry_run(case, "install") == [".venv/bin/pip install -e ."]  # silent
    assert _dry_run(case, "install", "PIP=pip3") == ["pip3 install -e ."]  # Makefile:12
    assert _dry_run(case, "deps", "VENV=/usr") == ["/usr/bin/pip install -r requirements.txt"]
    assert _dry_run(case, "deps", VENV="/usr") == [".venv/bin/pip install -r requirements.txt"]
    docs = case / "docs"
    assert _dry_run(docs, PYTHON=".venv/bin/python") == [
        ".venv/bin/python -m pip install -r requirements.txt"
    ]
    assert _dry_run(docs, PYTHON="python3") == ["python3 -m pip install -r requirements.txt"]
    assert _dry_run(case, "docs", "PYTHON=.venv/bin/python")[-1] == (
        ".venv/bin/python -m pip install -r requirements.txt"
    )


@pytest.mark.parametrize("shell", ["bash", "dash"])
def test_wrappers_run_their_calls_words_and_a_root_check_stops_the_rest(
    shell: str, tmp_path: Path
) -> None:
    """shell/root-only/workstation.sh run by the shell with stubs for `id`, apt-get and pip3:
    as a user it stops at the root check; as root, `run` and `retry` (after its `shift`) run
    the words of their calls, the pips its findings are at."""
    if shutil.which(shell) is None:
        pytest.skip(f"needs {shell}")
    stubs = tmp_path / "bin"
    stubs.mkdir()
    log = tmp_path / "pip3.log"
    for name, body in {
        "pip3": f'echo "$*" >> {log}',
        "apt-get": "true",
        "sleep": "true",
    }.items():
        (stubs / name).write_text(f"#!/bin/sh\n{body}\n")
        (stubs / name).chmod(0o755)
    script = CASES / "shell" / "root-only" / "workstation.sh"
    for uid, code, runs in [("1000", 1, ""), ("0", 0, "install ansible\n")]:
        (stubs / "id").write_text(f"#!/bin/sh\necho {uid}\n")
        (stubs / "id").chmod(0o755)
        log.write_text("")
        done = subprocess.run(
            [shell, str(script)],
            env={"PATH": f"{stubs}:/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=10,
        )
        assert done.returncode == code, done.stderr
        assert log.read_text().startswith(runs)
    assert log.read_text().splitlines() == [
        "install ansible",
        "uninstall -y ansible-core-legacy",
        "install --user yq",
    ]


def test_a_library_each_recipe_sources_is_checked_to_its_last_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Ninety recipe lines source the same settings file, each in a shell of its own: walked
    once and reused, the Makefile stays within the bound on work, and the helper only the
    last target calls is still judged, at its line of the library."""
    case = CASES / "calls" / "sourced-library-per-recipe"
    code, out, err = check(
        capsys, "--output-format", "concise", str(case / "Makefile"), str(case / "inc/settings")
    )
    assert "not fully checked" not in err
    assert code == 1
    assert f"{case / 'inc/settings'}:315:5: PW101" in out
