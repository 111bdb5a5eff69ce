"""The PowerShell and cmd reader on the command shapes pipwarden judges: every pip, python, py,
activation, `Scripts\\` program and PATH/GITHUB_PATH write of a corpus, at its exact line and
column, with unknown words unknown, and no command read where the shell runs none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipwarden.model import SourceText
from pipwarden.shell.command import Command
from pipwarden.shell.session import OffsetMap, Script
from pipwarden.shell.windows import read

from .conftest import CASES

CORPUS = CASES / "shell/windows-reader"
_TARGET = re.compile(
    r"(?i)(.*[\\/])?(pip[\d.]*|python[\d.]*|py|activate|[^ ]*\\Scripts\\[^ ]*|add-content|echo)"
    r"(\.exe|\.bat|\.ps1)?"
)


def _reading(command: Command) -> str:
    parts = [
        f"{a.name}={a.value.text if a.value and a.value.text else '?'}" for a in command.assignments
    ]
    words = " | ".join("?" if w.text is None else w.text for w in command.words)
    redirects = "".join(f" {r.operator} {r.target.raw}" for r in command.redirects)
    return " ".join(parts) + words + redirects


def _is_target(command: Command) -> bool:
    if any(a.name.upper() == "PATH" for a in command.assignments):
        return True
    program = command.words[0].text if command.words else None
    if [w.text for w in command.words[1:3]] == ["-m", "pip"]:
        return True  # `& $Python -m pip`
    return (
        program is not None
        and _TARGET.fullmatch(program) is not None
        and (program.lower() != "echo" or bool(command.redirects))
    )


def readings(path: Path) -> list[str]:
    text = path.read_text()
    source = SourceText(text)
    shell = "pwsh" if path.suffix == ".ps1" else "cmd"
    script = Script(text, OffsetMap.identity(0, len(text)), shell)
    found = []
    for ready in read(script):
        command = ready.command
        if _is_target(command):
            where = source.position(command.span.start)
            found.append(f"{path.name}:{where.line}:{where.column}: {_reading(command)}")
    return found


@pytest.mark.parametrize("name", ["setup.ps1", "setup.bat"])
def test_reader_sees_every_target_command_where_it_stands(name: str) -> None:
    expected = [
        line
        for line in (CORPUS / "commands.txt").read_text().splitlines()
        if line.startswith(f"{name}:")
    ]
    assert readings(CORPUS / name) == expected
