"""tox configuration (`tox.ini`).

tox runs each line of `commands`, `commands_pre` and `commands_post` as a process of its own
(split into words as a shell would, but not run by a shell unless the line calls one), with
the environment's virtualenv first on PATH, so a bare `pip` there is the venv's and `--user`
fails (https://tox.wiki/en/latest/config.html). `{posargs}`, `{envpython}` and the
other substitutions are unknown words. Each `[testenv]` / `[testenv:NAME]` section is a Scope.
"""

from __future__ import annotations

import re

from pipwarden.frontends import Parsed
from pipwarden.model import Span
from pipwarden.shell.session import Boundary, Scope, ScopeItem, ScriptBuilder, SetEnv

BOUNDARY = Boundary(
    reason="tox runs each command line as a process of its own",
    persist="put the steps in one line that calls a shell, or in a script",
    url="https://tox.wiki/en/latest/config.html",
)
_SECTION = re.compile(r"\[(testenv(?::[^\]]*)?)\]\s*$")
_KEY = re.compile(r"(commands(?:_pre|_post)?)\s*[=:]\s*(.*)$")
_SUBSTITUTION = re.compile(r"\{[^{}]*\}")


def parse(text: str, path: str) -> Parsed:
    scopes = []
    section: str | None = None
    items: list[ScopeItem] = []
    in_commands = False
    offset = 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        start = offset
        offset += len(line)
        header = _SECTION.match(content)
        if content.startswith("["):
            if section is not None:
                scopes.append(Scope(section, tuple(items), BOUNDARY))
            section = header.group(1) if header else None
            name = section.split(":", 1)[-1] if section and ":" in section else "testenv"
            # tox's own virtualenv for this environment, first on PATH for every command.
            items = [SetEnv("VIRTUAL_ENV", f".tox/{name}", Span(start, start + len(content)))]
            in_commands = False
            continue
        if section is None:
            continue
        key = _KEY.match(content)
        if key:
            in_commands = True
            value_start = start + key.start(2)
            command = key.group(2)
        elif in_commands and content[:1] in (" ", "\t") and content.strip():
            value_start = start + len(content) - len(content.lstrip())
            command = content.strip()
        else:
            in_commands = bool(in_commands and not content.strip())
            continue
        if command.strip() and not command.lstrip().startswith("#"):
            items.append(_line_script(command.rstrip(), value_start))
    if section is not None:
        scopes.append(Scope(section, tuple(items), BOUNDARY))
    return Parsed(scopes)


def _line_script(command: str, start: int) -> ScopeItem:
    """One command line; a leading `-` (ignore the exit code) is dropped, substitutions are
    unknown words of the same length."""
    skip = len(command) - len(command.lstrip("-"))
    builder = ScriptBuilder()
    position = skip
    for match in _SUBSTITUTION.finditer(command, skip):
        builder.add(command[position : match.start()], start + position)
        length = match.end() - match.start()
        builder.add_opaque("$" + "_" * (length - 1), start + match.start(), start + match.end())
        position = match.end()
    builder.add(command[position:], start + position)
    return builder.script("")
