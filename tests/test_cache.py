"""Repeat runs: unchanged files give back their findings without being read as their format;
anything that could change a result (the file, the settings, a file it depends on) checks it
again; a corrupt cache is ignored; --no-cache and PIPWARDEN_NO_CACHE switch it off."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from pipwarden.check import Checker
from pipwarden.cli import main

from .conftest import CASES, modules_loaded, write

SCRIPT = "#!/bin/sh\nsudo pip install requests\nsudo apt-get install -y git\n"


def concise(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", "--output-format", "concise", *args])
    return code, capsys.readouterr().out


def forbid_checking(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: Checker, path: str, *, explicit: bool = False) -> None:
        raise AssertionError(f"{path} was checked again")

    monkeypatch.setattr(Checker, "check_path", fail)


def age(path: Path, seconds: float = 60) -> None:
    """Make the file look written a while ago (not racy)."""
    stamp = path.stat().st_mtime - seconds
    os.utime(path, (stamp, stamp))


def test_a_repeat_run_reads_nothing_again(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        project,
        {
            "install.sh": SCRIPT,
            "clean.sh": "#!/bin/sh\necho hi\n",
            "Dockerfile": "FROM python:3.12\nRUN pip install -r r.txt\n",
        },
    )
    for name in ("install.sh", "clean.sh", "Dockerfile"):
        age(project / name)
    first = concise(capsys, "--output-format", "full", ".")
    assert first[0] == 1 and "sudo pip install requests" in first[1]  # a source frame
    cache = project / ".pipwarden_cache"
    assert (cache / ".gitignore").read_text().endswith("*\n")
    assert (
        (cache / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    forbid_checking(monkeypatch)
    assert concise(capsys, "--output-format", "full", ".") == first


def test_a_cached_rerun_keeps_one_finding_per_command_not_per_line(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The image's PW305 on one command of a line does not take the place of the script's
    own strict finding on the other, also where both come back from the cache."""
    case = CASES / "calls" / "two-commands-one-line"
    write(project, {p.name: p.read_text() for p in case.iterdir() if p.name != "expected.txt"})
    for name in ("Dockerfile", "tools.sh"):
        age(project / name)
    first = concise(capsys, "--strict", ".")
    assert (
        first[0] == 1 and "tools.sh:5:1: PW305" in first[1] and "tools.sh:5:71: PW304" in first[1]
    )
    forbid_checking(monkeypatch)
    assert concise(capsys, "--strict", ".") == first


def test_a_changed_file_is_checked_again(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, {"install.sh": SCRIPT})
    assert concise(capsys, ".")[0] == 1
    # Same size, written at once: only the content hash can tell (the "racy" case).
    (project / "install.sh").write_text("#!/bin/sh\necho pip install requests\n")
    assert concise(capsys, ".") == (0, "All checks passed!\n")


def test_a_touched_file_is_a_hit_by_its_hash(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, {"install.sh": SCRIPT})
    age(project / "install.sh")
    first = concise(capsys, ".")
    os.utime(project / "install.sh")
    forbid_checking(monkeypatch)
    assert concise(capsys, ".") == first


def test_other_settings_are_another_cache(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"install.sh": SCRIPT})
    age(project / "install.sh")
    assert "PW101" in concise(capsys, ".")[1]
    # PW101 ignored, its strict sibling PW102 is what the strict tier would add.
    assert concise(capsys, "--ignore", "PW101,PW201", ".") == (
        0,
        "All checks passed!\n1 more finding in the strict tier (every pip anti-pattern, not "
        "only proven failures): see them with `--strict`.\n",
    )
    assert "PW101" in concise(capsys, ".")[1]


def test_a_corrupt_cache_is_ignored(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, {"install.sh": SCRIPT})
    age(project / "install.sh")
    first = concise(capsys, ".")
    for entry in (project / ".pipwarden_cache").glob("*.json"):
        entry.write_text('{"' + str(project / "install.sh") + '": [1, 2]}')
    assert concise(capsys, ".") == first
    for entry in (project / ".pipwarden_cache").glob("*.json"):
        entry.write_bytes(b"\x00not json")
    assert concise(capsys, ".") == first


def test_a_corrupt_walk_in_the_cache_is_walked_again(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pipwarden.discover.RACY_SECONDS", -60.0)  # keep the walk
    write(project, {"install.sh": SCRIPT})
    first = concise(capsys, ".")
    (entry,) = (project / ".pipwarden_cache").glob("*.json")
    document = json.loads(entry.read_text())
    assert document["walks"]  # the walk was kept, so the next run reads it
    for record in ([], 7, [[["x"]], "files"], [[[1, 2, 3]], []]):
        document["walks"] = {key: record for key in document["walks"]}
        entry.write_text(json.dumps(document))
        assert concise(capsys, ".") == first


def test_a_dev_container_feature_file_added_later_changes_the_remedy(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {"src/tool/install.sh": "#!/bin/sh\npip3 config set global.break-system-packages true\n"},
    )
    age(project / "src/tool/install.sh")
    strict = ["--strict", "--output-format", "full"]
    assert "containerEnv" not in concise(capsys, *strict, ".")[1]
    write(project, {"src/tool/devcontainer-feature.json": '{"id": "tool"}\n'})
    age(project / "src/tool/devcontainer-feature.json")
    assert "containerEnv" in concise(capsys, *strict, ".")[1]


def test_a_file_it_depends_on_invalidates_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            ".gitlab-ci.yml": "include:\n  - local: ci/jobs.yml\n",
            "ci/jobs.yml": "test:\n  image: ubuntu:22.04\n  script:\n    - sudo pip install x\n",
        },
    )
    for name in (".gitlab-ci.yml", "ci/jobs.yml"):
        age(project / name)
    assert concise(capsys, ".")[0] == 1
    (project / ".gitlab-ci.yml").write_text("stages: [test]\n")
    assert concise(capsys, ".") == (0, "All checks passed!\n")


def test_no_cache_and_the_environment_switch_it_off(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, {"install.sh": SCRIPT})
    assert concise(capsys, "--no-cache", ".")[0] == 1
    monkeypatch.setenv("PIPWARDEN_NO_CACHE", "1")
    assert concise(capsys, ".")[0] == 1
    assert not (project / ".pipwarden_cache").exists()


def test_cache_dir_from_the_command_line_and_the_configuration(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"install.sh": SCRIPT})
    assert concise(capsys, "--cache-dir", "elsewhere/cache", ".")[0] == 1
    assert list((project / "elsewhere" / "cache").glob("*.json"))
    write(project, {"pyproject.toml": '[tool.pipwarden]\ncache-dir = ".cache/pw"\n'})
    assert concise(capsys, ".")[0] == 1
    assert list((project / ".cache" / "pw").glob("*.json"))
    assert not (project / ".pipwarden_cache").exists()


def test_a_dependency_that_does_not_exist_yet_is_remembered(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = "test:\n  image: ubuntu:22.04\n  script:\n    - sudo pip install x\n"
    write(project, {"ci/jobs.yml": jobs})
    age(project / "ci/jobs.yml")
    assert concise(capsys, ".") == (0, "All checks passed!\n")  # plain YAML to us, so far
    with monkeypatch.context() as patched:
        forbid_checking(patched)
        assert concise(capsys, ".") == (0, "All checks passed!\n")  # a stat, no read
    write(project, {".gitlab-ci.yml": "include:\n  - local: ci/jobs.yml\n"})
    assert concise(capsys, ".")[1].startswith("ci/jobs.yml:4:7: PW101")


def test_another_version_checks_every_file_again(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, {"install.sh": SCRIPT, "Dockerfile": "FROM python:3.12\nRUN pip install x\n"})
    for name in ("install.sh", "Dockerfile"):
        age(project / name)
    first = concise(capsys, ".")
    checked: list[str] = []
    check_path = Checker.check_path

    def spy(self: Checker, path: str, *, explicit: bool = False) -> object:
        checked.append(path)
        return check_path(self, path, explicit=explicit)

    monkeypatch.setattr(Checker, "check_path", spy)
    assert concise(capsys, ".") == first
    assert checked == []
    # An upgraded pipwarden may judge the same file otherwise: nothing of the old one holds.
    monkeypatch.setattr("pipwarden.cache.__version__", "99.0")
    assert concise(capsys, ".") == first
    assert checked == ["Dockerfile", "install.sh"]


def test_a_rerun_of_an_unchanged_tree_loads_no_reader(project: Path) -> None:
    write(
        project,
        {
            "install.sh": SCRIPT,
            "Dockerfile": "FROM ubuntu:24.04\nRUN apt-get install -y python3-pip\nRUN pip install x\n",
            "Makefile": "deps:\n\tsudo pip install -r requirements.txt\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: sudo pip install tox\n",
            "tools/bootstrap.py": "import subprocess\nsubprocess.run(['pip', 'install', 'x'])\n",
            "docs/mkdocs.yml": "site_name: x\n",
        },
    )
    for path in project.rglob("*"):
        age(path)
    readers = (
        "pipwarden.check",
        "pipwarden.analysis",
        "pipwarden.frontends",
        "yaml",
        "tree_sitter",
    )
    first = modules_loaded(project, ["check", "--select", "ALL", "."], readers)
    assert first[0] == 1 and "yaml" in first[1]
    assert modules_loaded(project, ["check", "--select", "ALL", "."], readers) == (1, [])
    # As pre-commit names them, plain YAML among them. (A script whose finding holds only where
    # nothing runs it, install.sh's sudo pip, has its callers looked for: that reads them.)
    named = ["check", "--select", "ALL", "Makefile", "docs/mkdocs.yml", "Dockerfile"]
    assert modules_loaded(project, named, readers) == (1, [])


def forbid_walking(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(directory: str, marks: object = None) -> None:
        raise AssertionError(f"{directory} was walked again")

    monkeypatch.setattr("pipwarden.discover._walk", fail)


def test_a_tree_outside_git_is_walked_again_only_where_it_changed(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tree was written a moment ago: its walk would not be kept ("racy").
    monkeypatch.setattr("pipwarden.discover.RACY_SECONDS", -60.0)
    write(
        project,
        {
            "install.sh": SCRIPT,
            "ci/deploy.sh": SCRIPT,
            "jobs.yml": "test:\n  image: ubuntu:22.04\n  script:\n    - sudo pip install x\n",
            ".gitignore": "# nothing yet\n",
            ".gitlab-ci.yml": "stages: [test]\n",
        },
    )

    def read() -> list[str]:
        """The files with findings."""
        out = concise(capsys, ".")[1]
        return [line.split(":")[0] for line in out.splitlines() if ": PW" in line]

    assert read() == ["ci/deploy.sh", "install.sh"]
    assert read() == ["ci/deploy.sh", "install.sh"]  # a walk that saw no cache directory yet
    with monkeypatch.context() as patched:
        forbid_walking(patched)
        assert read() == ["ci/deploy.sh", "install.sh"]
    write(project, {"ci/new.sh": SCRIPT})  # a name added in a directory
    assert read() == ["ci/deploy.sh", "ci/new.sh", "install.sh"]
    (project / "install.sh").unlink()
    assert read() == ["ci/deploy.sh", "ci/new.sh"]
    # Files rewritten in place, which no directory's times show.
    (project / ".gitignore").write_text("ci/\n")
    assert read() == []
    (project / ".gitlab-ci.yml").write_text("include:\n  - local: jobs.yml\n")
    assert read() == ["jobs.yml"]
    # Inside a git work tree, git lists the files (and reads ci/.gitignore too).
    write(project, {".gitignore": "", "ci/.gitignore": "new.sh\n"})
    assert read() == ["ci/deploy.sh", "ci/new.sh", "jobs.yml"]
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    assert read() == ["ci/deploy.sh", "jobs.yml"]


def test_a_cache_inside_the_tree_does_not_make_it_walked_again(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pipwarden.discover.RACY_SECONDS", -60.0)
    write(project, {"install.sh": SCRIPT})
    first = concise(capsys, "--cache-dir", "results", ".")
    write(project, {"other.sh": SCRIPT})
    second = concise(capsys, "--cache-dir", "results", ".")
    assert second[1].count("PW101") == 2
    forbid_walking(monkeypatch)
    assert concise(capsys, "--cache-dir", "results", ".") == second
    assert first[1].count("PW101") == 1
