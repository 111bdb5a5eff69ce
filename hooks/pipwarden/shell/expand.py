"""From a simple command as written to the Commands the shell runs: variables read with each
literal value the analysis knows they may hold, aliases replaced, wrappers unwrapped; and the
shell text a command hands to another shell (`sh -c '...'`, `bash <<EOF`, `docker run IMAGE sh
-c`, `su app -c`), as a Script of its own."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from pipwarden.model import Span
from pipwarden.patterns import lazy
from pipwarden.record import Record
from pipwarden.shell import SHELLS
from pipwarden.shell.command import (
    Assignment,
    Command,
    Redirect,
    Word,
    dash_c_argument,
    reads_stdin,
    unwrap,
)
from pipwarden.shell.remote import payload
from pipwarden.shell.session import Container, OffsetMap, Script, ScriptBuilder

# The literal values a variable may hold where it is read, each with the assignment that gave
# it (None: set outside the file); None when the value cannot be known.
Values = tuple[tuple[str, Span | None], ...]
# For one reading of a command: each variable with several values, the value read, and
# where it was assigned.
Assumptions = tuple[tuple[str, str, Span | None], ...]


class Simple(Record):
    """A simple command as written: its words before the shell reads variables in them."""

    words: tuple[Word, ...]
    assignments: tuple[Assignment, ...]
    redirects: tuple[Redirect, ...]
    span: Span
    stdin: tuple[int, int] | None = None  # a heredoc body it reads, in its Script


_EXPANSION = lazy(r"\$(?:(\w+)|\{(\w+)\})")
MAX_READINGS = 16
# The positional parameters, each a word of its own.
ALL_ARGUMENTS = frozenset({'"$@"', "$@", '"${@}"', "${@}"})


def readings(
    simple: Simple,
    script: Script,
    values: Callable[[str], Values | None],
    aliases: Mapping[str, tuple[str, Span]] | None = None,
    empty: list[Assumptions] | None = None,
    arguments: Sequence[Word] | None = None,
) -> list[tuple[Command, Assumptions]]:
    """The Commands `simple` is, once each word that is one unquoted `$NAME` is read with each
    value the variable may hold (word-split, as an unquoted expansion is) and an alias in
    first place replaced by its text; a command whose variables have a single value each is
    read once, with no assumptions. `"$@"` is `arguments` where they are known (a function's
    call's words, where the call wrote them). The assumptions of readings that run nothing
    (`$SUDO` read as `sudo` alone) go to `empty`."""
    words = simple.words
    if not words:
        return [(Command((), simple.assignments, simple.redirects, script, simple.span), ())]
    first = words[0]
    if aliases and first.text in aliases:
        value, _ = aliases[first.text]
        words = (*(Word(part, part, first.span) for part in value.split()), *words[1:])
    elif all(word.text is not None for word in words):
        command = _static(simple, script)
        if command is None and empty is not None:
            empty.append(())
        return [] if command is None else [(command, ())]
    found: list[tuple[list[Word], Assumptions]] = [([], ())]
    for word in words:
        if arguments is not None and word.text is None and word.raw in ALL_ARGUMENTS:
            found = [([*w, *arguments], a) for w, a in found]
            continue
        match = _EXPANSION.fullmatch(word.raw) if word.text is None else None
        options = values(match.group(1) or match.group(2)) if match else None
        if not options:
            if word.text is None and not match:
                word = _interpolated(word, values)
            found = [([*w, word], a) for w, a in found]
            continue
        name = match.group(1) or match.group(2)  # type: ignore[union-attr]
        found = [
            (
                [*w, *(Word(part, part, word.span) for part in value.split())],
                (*a, (name, value, span)) if len(options) > 1 else a,
            )
            for w, a in found
            for value, span in options
        ]
        if len(found) > MAX_READINGS:
            found = [(list(words), ())]  # too many to read each way: as written
            break
    commands = []
    for variant, assumptions in found:
        command = _command(variant, simple, script)
        if command is not None:
            commands.append((command, assumptions))
        elif empty is not None:
            empty.append(assumptions)
    return commands


def _static(simple: Simple, script: Script) -> Command | None:
    """The Command of a simple command whose words read no variable (most of a script's):
    built once however often the walk reaches it (on each path, in each call of its
    function, in each copy of the script a run shares)."""
    key = (id(simple), id(script))
    held = _STATIC.get(key)
    if held is not None and held[0] is simple and held[1] is script:
        return held[2]
    if len(_STATIC) >= _STATIC_LIMIT:
        _STATIC.clear()
    command = _command(list(simple.words), simple, script)
    _STATIC[key] = (simple, script, command)
    return command


# Held with the node and the Script whose ids key them, so that no id is reused while held.
_STATIC: dict[tuple[int, int], tuple[Simple, Script, Command | None]] = {}
_STATIC_LIMIT = 16384


_INTERPOLATION_BLOCKERS = ("'", "`", "$(", "\\", "*", "?", "[")


def _interpolated(word: Word, values: Callable[[str], Values | None]) -> Word:
    """`"$PWD/.venv/bin/pip"`: a word of text and variables that each hold one known value,
    read as the text it makes; otherwise the word as it was (its text unknown)."""
    raw = word.raw
    if any(blocker in raw for blocker in _INTERPOLATION_BLOCKERS) or ("${" in raw and ":" in raw):
        return word
    parts = []
    position = 0
    for found in _EXPANSION.finditer(raw):
        options = values(found.group(1) or found.group(2))
        if not options or len(options) != 1:
            return word
        parts += [raw[position : found.start()], options[0][0]]
        position = found.end()
    parts.append(raw[position:])
    # A value may name what is not known (`$PWD` where the directory is not): kept as such.
    return word._replace(text="".join(parts).replace('"', ""))


def _command(words: list[Word], simple: Simple, script: Script) -> Command | None:
    if not words:
        # `$SUDO` read as empty: nothing runs, but the assignments before it still do.
        if not simple.assignments:
            return None
        return Command((), simple.assignments, simple.redirects, script, simple.span)
    wrapper = None
    following = words[1].text if len(words) > 1 else None
    unread = words[0].text is None and _EXPANSION.fullmatch(words[0].raw)
    if unread and following and not following.startswith("-"):
        wrapper, words = words[0], words[1:]  # `$STD pip install x`: read as its wrapper
    unwrapped = unwrap(words, list(simple.assignments))
    if unwrapped is None:
        return None
    start = words[0].span.start
    if simple.assignments:
        start = min(start, simple.assignments[0].span.start)
    end = max(words[-1].span.end, words[0].span.end)
    return Command(
        tuple(unwrapped.words),
        tuple(unwrapped.assignments),
        simple.redirects,
        script,
        Span(start, end),
        unwrapped.elevated_by or script.elevated_by,
        unwrapped.run_as if unwrapped.elevated_by or unwrapped.run_as else None,
        tuple(unwrapped.wrappers),
        simple.stdin,
        unwrapped.switcher or (script.elevator if script.elevated_by else ""),
        unwrapped.env_reset,
        wrapper,
    )


# --------------------------------------------------------------------------------------------
# Shell text handed to another shell


class Handed(Record):
    """Shell text a command hands to another shell process: the Script, the user it runs as
    where the command switches users (`su app -c`, `sudo -u app sh -c`), and whether it
    starts with a clean environment (sudo's secure path, `su -l`)."""

    script: Script
    user: str | None = None
    env_reset: bool = False


def handed(command: Command) -> Handed | None:
    """The shell text `command` hands to another shell, if it is text that can be read."""
    program = command.program
    texts = command.texts()
    if program == "busybox" and len(command.words) > 1:
        program = command.words[1].text
    if program not in SHELLS:
        remote = payload(texts)
        if remote is None:
            return None
        script = _string_script(command.words[remote.index], command, remote.shell)
        if script is None:
            return None
        if remote.elsewhere:
            sudo = command.elevated_by if remote.as_caller else None
            container = Container(remote.image, "root" if sudo else remote.user)
            elevator = command.switcher if sudo else ""
            return Handed(script._replace(container=container, elevated_by=sudo, elevator=elevator))
        # `su -c`, `runuser -c`: this machine, as the user, in this environment (PATH too:
        # util-linux and busybox su, checked by running them) unless it is a login's.
        root = remote.user == "root"
        login = any(t in ("-", "-l", "--login") for t in texts[1:])
        elevated = script._replace(
            elevated_by=command.words[0].span if root else None, elevator="su" if root else ""
        )
        return Handed(elevated, remote.user, login)
    index = dash_c_argument(texts)
    if index is not None:
        script = _string_script(command.words[index], command, program)
        if script is None:
            return None
        script = script._replace(elevator=command.switcher)
        return Handed(script, command.run_as, command.env_reset)
    if command.stdin is not None and reads_stdin(texts):
        start, end = command.stdin
        outer = command.script
        return Handed(
            Script(
                outer.text[start:end],
                outer.offsets.compose(OffsetMap.identity(start, end - start)),
                program,
                command.elevated_by,
                container=outer.container,
                elevator=command.switcher,
            ),
            command.run_as,
            command.env_reset,
        )
    return None


def _string_script(word: Word, command: Command, shell: str) -> Script | None:
    """The shell text a word holds (`'...'`, `"..."`, or a plain word), mapped to the file."""
    if word.at < 0:
        return None
    outer = command.script
    raw = word.raw
    builder = ScriptBuilder()
    if word.kind == "raw_string":
        builder.add(raw[1:-1], word.at + 1)
    elif word.kind == "string":
        _add_unescaped(builder, raw[1:-1], word.at + 1, _DOUBLE_QUOTE_ESCAPE)
    elif word.kind == "word":
        _add_unescaped(builder, raw, word.at, _UNQUOTED_ESCAPE)
    else:
        return None
    return Script(
        builder.text,
        outer.offsets.compose(builder.offsets()),
        shell,
        command.elevated_by,
        container=outer.container,
    )


_DOUBLE_QUOTE_ESCAPE = lazy(r"\\([$`\"\\\n])")
_UNQUOTED_ESCAPE = lazy(r"\\(.)", re.DOTALL)


def _add_unescaped(
    builder: ScriptBuilder, content: str, file_start: int, escape: re.Pattern[str]
) -> None:
    """Copy content, turning each backslash escape into the character it stands for."""
    position = 0
    for match in escape.finditer(content):
        builder.add(content[position : match.start()], file_start + position)
        char = match.group(1)
        replacement = "" if char == "\n" else char
        builder.add_opaque(replacement, file_start + match.start(), file_start + match.end())
        position = match.end()
    builder.add(content[position:], file_start + position)
