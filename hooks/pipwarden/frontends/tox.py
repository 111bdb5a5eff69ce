"""tox configuration (`tox.ini`, `tox.toml`, `[tool.tox]` in `pyproject.toml`).

tox runs each line of `commands`, `commands_pre` and `commands_post` as a process of its own
(split into words as a shell would, but not run by a shell unless the line calls one), with
the environment's virtualenv first on PATH, so a bare `pip` there is the venv's and `--user`
fails (https://tox.wiki/en/latest/config.html). `{posargs}`, `{envpython}` and the
other substitutions are unknown words. Each `[testenv]` / `[testenv:NAME]` section (in TOML,
`[env_run_base]` / `[env.NAME]`, whose commands are lists of arguments) is a Scope.
"""

from __future__ import annotations

import re

from pipwarden.frontends import Parsed, file_directory, starting_in
from pipwarden.model import Span
from pipwarden.patterns import lazy
from pipwarden.shell.session import (
    Boundary,
    ParseProblem,
    Scope,
    ScopeItem,
    ScriptBuilder,
    venv_first_on_path,
)

BOUNDARY = Boundary(
    reason="tox runs each command line as a process of its own",
    persist="put the steps in one line that calls a shell, or in a script",
    url="https://tox.wiki/en/latest/config.html",
)
_SECTION = lazy(r"\[(testenv(?::[^\]]*)?)\]\s*$")
_KEY = lazy(r"(commands(?:_pre|_post)?)\s*[=:]\s*(.*)$")
_SUBSTITUTION = lazy(r"\{[^{}]*\}")


def parse(text: str, path: str) -> Parsed:
    parsed = _parse_toml(text) if path.rsplit("/", 1)[-1].endswith(".toml") else _parse_ini(text, 0)
    parsed.scopes = starting_in(parsed.scopes, file_directory(path))  # toxinidir
    return parsed


def _parse_ini(text: str, base: int) -> Parsed:
    """INI text that starts at file offset `base`."""
    scopes = []
    problems: list[ParseProblem] = []
    section: str | None = None
    items: list[ScopeItem] = []
    in_commands = False
    offset = base
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        start = offset
        offset += len(line)
        header = _SECTION.match(content)
        if content.startswith("[") and not content.rstrip().endswith("]"):
            # configparser stops here too: nothing after it is read.
            problems.append(
                ParseProblem(Span(start, start), "invalid INI: a section header never closed")
            )
            break
        if content.startswith("["):
            if section is not None:
                scopes.append(Scope(section, tuple(items), BOUNDARY, host="developer"))
            section = header.group(1) if header else None
            name = section.split(":", 1)[-1] if section and ":" in section else "testenv"
            # tox's own virtualenv for this environment, first on PATH for every command.
            items = [*venv_first_on_path(f".tox/{name}", Span(start, start + len(content)))]
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
        scopes.append(Scope(section, tuple(items), BOUNDARY, host="developer"))
    return Parsed(scopes, problems)


def _line_script(command: str, start: int) -> ScopeItem:
    """One command line; a leading `-` (ignore the exit code) is dropped, substitutions are
    unknown words of the same length."""
    skip = len(command) - len(command.lstrip("-"))
    builder = ScriptBuilder()
    builder.add_masked(command[skip:], start + skip, _SUBSTITUTION)
    return builder.script("")


_TOML_HEADER = lazy(r"(?m)^\s*\[(?:tool\.tox\.)?(env_run_base|env\.[\w.\"-]+)\]\s*$")
_TOML_OTHER_HEADER = lazy(r"(?m)^\s*\[")
_TOML_KEY = lazy(r"(?m)^\s*(commands(?:_pre|_post)?)\s*=\s*\[")
_TOML_STRING = lazy(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')
_LEGACY = lazy(r"legacy_tox_ini\s*=\s*(\"\"\"|\'\'\')\n?")


def _parse_toml(text: str) -> Parsed:
    """`tox.toml`, or `[tool.tox]` in pyproject.toml: native tables, or the INI text of
    `legacy_tox_ini` (a multi-line string) read where it stands."""
    legacy = _LEGACY.search(text)
    if legacy is not None:
        end = text.find(legacy.group(1), legacy.end())
        return _parse_ini(text[legacy.end() : end if end != -1 else len(text)], legacy.end())
    scopes = []
    for header in _TOML_HEADER.finditer(text):
        section_end = _section_end(text, header.end())
        name = (
            header.group(1).removeprefix("env.").strip('"')
            if header.group(1) != "env_run_base"
            else "testenv"
        )
        items: list[ScopeItem] = [
            *venv_first_on_path(f".tox/{name}", Span(header.start(), header.end()))
        ]
        for key in _TOML_KEY.finditer(text, header.end(), section_end):
            items.extend(_toml_commands(text, key.end() - 1))
        scopes.append(Scope(name, tuple(items), BOUNDARY, host="developer"))
    return Parsed(scopes)


def _section_end(text: str, start: int) -> int:
    following = _TOML_OTHER_HEADER.search(text, start)
    return following.start() if following else len(text)


def _toml_commands(text: str, start: int) -> list[ScopeItem]:
    """`[["pytest", "{posargs}"], ["pip", "install", "x"]]` from `start` (the outer `[`): one
    Script per inner list, its words placed over their string literals."""
    scripts: list[ScopeItem] = []
    depth = 0
    words: list[tuple[str, int, int]] = []
    i = start
    while i < len(text):
        ch = text[i]
        literal = _TOML_STRING.match(text, i) if ch in "\"'" else None
        if literal is not None:
            words.append((literal.group(0)[1:-1], literal.start(), literal.end()))
            i = literal.end()
            continue
        if ch == "#":
            newline = text.find("\n", i)
            i = len(text) if newline == -1 else newline
            continue
        if ch == "[":
            depth += 1
            words = [] if depth == 2 else words
        elif ch == "]":
            depth -= 1
            if depth == 1 and words:
                scripts.append(_argv(words))
                words = []
            if depth == 0:
                break
        i += 1
    return scripts


def _argv(words: list[tuple[str, int, int]]) -> ScopeItem:
    builder = ScriptBuilder()
    for index, (value, start, end) in enumerate(words):
        if index:
            builder.add_opaque(" ", start, start)
        plain = re.fullmatch(r"[\w./:=@+-]+", value) is not None
        builder.add_opaque(value if plain else "${_}", start, end)
    return builder.script("")
