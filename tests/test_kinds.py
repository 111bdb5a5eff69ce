"""The kinds of file added beside the CI formats: which names they are read from, and that a
malformed one gives one PW900 (or nothing, where nothing could be read) while the run goes
on."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipwarden.cli import main
from pipwarden.discover import Kind, classify_name

from .conftest import write


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("Dockerfile-linux.template", Kind.DOCKERFILE),
        ("docker/Dockerfile.j2", Kind.DOCKERFILE),
        ("app.Dockerfile.tmpl", Kind.DOCKERFILE),
        ("buildspec.yml", Kind.CODEBUILD),
        ("ci/buildspec-test.yaml", Kind.CODEBUILD),
        ("tox.ini", Kind.TOX),
        ("tox.toml", Kind.TOX),
        ("justfile", Kind.JUST),
        ("tasks/release.just", Kind.JUST),
        ("Taskfile.yml", Kind.TASKFILE),
        ("Taskfile.dist.yaml", Kind.TASKFILE),
        ("docker-compose.prod.yml", Kind.COMPOSE),
        ("compose.yaml", Kind.COMPOSE),
        (".devcontainer/devcontainer.json", Kind.DEVCONTAINER),
        (".devcontainer/gpu/devcontainer.json", Kind.DEVCONTAINER),
        (".devcontainer.json", Kind.DEVCONTAINER),
        (".readthedocs.yaml", Kind.READTHEDOCS),
        ("Jenkinsfile", Kind.JENKINS),
        ("ci/release.jenkinsfile", Kind.JENKINS),
        ("scripts/setup.ps1", Kind.SHELL),
        ("build.bat", Kind.SHELL),
    ],
)
def test_names(path: str, kind: Kind) -> None:
    assert classify_name(path) is kind


@pytest.mark.parametrize(
    "path", ["dockerfile_generator.py", "devcontainer.json", "config/tox.cfg", "notes/Taskfile.md"]
)
def test_names_that_are_not_ours(path: str) -> None:
    assert classify_name(path) not in (Kind.DOCKERFILE, Kind.DEVCONTAINER, Kind.TOX, Kind.TASKFILE)


def test_malformed_files_of_the_new_kinds(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            ".devcontainer/devcontainer.json": '{"postCreateCommand": "sudo pip install x",,',
            "Taskfile.yml": "tasks:\n  a:\n    cmds: [sudo pip install x\n",
            "buildspec.yml": "phases: {install: {commands: [sudo pip install x]\n",
            "Jenkinsfile": "pipeline { steps { sh 'sudo pip install x\n",
            "justfile": "setup:\n\tsudo pip install x\n\t{{unclosed\n",
            "tox.ini": "[testenv\ncommands = sudo pip install x\n",
            "ok.sh": "#!/bin/sh\nsudo pip install x\napt-get install -y git\n",
        },
    )
    code = main(["check", "--output-format", "concise", "."])
    out = capsys.readouterr().out
    assert code == 1
    assert ".devcontainer/devcontainer.json:1:44: PW900" in out
    assert "Taskfile.yml:" in out and "buildspec.yml:" in out and " PW900 invalid YAML" in out
    assert "tox.ini:1:1: PW900 invalid INI" in out
    assert "ok.sh:2:1: PW101" in out  # the run went on
    assert "Jenkinsfile:1:24: PW101" in out  # an unclosed string is read to its line's end
