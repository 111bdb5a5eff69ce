"""Whether a shell script whose only words a rule reads are its `make` commands can reach a
Makefile, told from its commands alone, without walking it.

Such a script is ordinary build glue (`make -j4`, `gcc`, `curl`): what it can bring to light is
in the Makefile its `make` runs. Where no command of it can change the directory a `make` runs
in, run another file, or hand text to another shell, each `make` reads the file `locate`
finds for it with no working directory known (make's own names, in the script's directory or
the repository's root), whatever state the walk would reach it in. Where that file is missing
or says nothing a rule reads, the walk would find nothing.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence

from pipwarden import commands
from pipwarden.analysis.effects import DIRECTORY_COMMANDS
from pipwarden.locate import Loader, Where, called_makefile
from pipwarden.model import Span
from pipwarden.shell.command import Command, Ready, Word
from pipwarden.shell.expand import handed
from pipwarden.shell.parse import (
    Chain,
    Child,
    Fork,
    Function,
    Loop,
    ProgramNode,
    Seq,
    commands_in,
    glimpse,
    program,
)
from pipwarden.shell.session import Scope, Script

# Commands that change what a later command means: `alias make='make -C build'`, `eval`.
_REDEFINING = frozenset({"alias", "eval"})


class _Found:
    """What a part of a script does that a `make` in it depends on."""

    __slots__ = ("makes", "moves")

    def __init__(self) -> None:
        self.makes: list[Command] = []
        self.moves = False  # a `cd`, `pushd` or `popd`


def reaches_makefile(scopes: Sequence[Scope], path: str, loader: Loader) -> bool:
    """Whether the shell script at `path` (its Scopes as the shell-script front-end reads
    them) may run a Makefile a rule can read something in; True where that cannot be told
    without walking it."""
    scripts = [item for scope in scopes for item in scope.items]
    if any(
        not isinstance(item, Script) or item.shell in ("pwsh", "cmd") or item.cwd is not None
        for item in scripts
    ) or any(scope.directory is not None or scope.image_paths for scope in scopes):
        return True
    where = Where(None, {}, posixpath.dirname(path), None)
    for script in scripts:
        assert isinstance(script, Script)
        if _idle_at_a_glimpse(script, where, loader):
            continue
        found = _found(program(script).body, script)
        if found is None or (found.makes and found.moves):
            return True
        if any(called_makefile(make, where, loader) for make in found.makes):
            return True
    return False


def _idle_at_a_glimpse(script: Script, where: Where, loader: Loader) -> bool:
    """Whether a glimpse of `script` (see `parse.glimpse`) shows that it reads no Makefile: no
    command of it runs another command, a file or shell text, none moves the shell a `make`
    runs in (a `cd` in a `$(...)` moves only that), and what each `make` reads is not
    there. False where only reading it whole can tell."""
    seen = glimpse(script)
    if seen is None or any(c.program is None for c in seen):
        return False
    moves = [c.substitutions for c in seen if c.program in DIRECTORY_COMMANDS]
    makes: dict[tuple[str | None, ...], None] = {}  # in order: the files looked for, too
    for command in seen:
        if command.program not in ("make", "gmake"):
            continue
        if any(command.substitutions[: len(inside)] == inside for inside in moves):
            return False
        makes[(command.program, *command.words)] = None
    for words in makes:
        if None in words:
            return False
        make = _plain_command(script, [word for word in words if word is not None])
        if commands.make_call(make) is not None and called_makefile(make, where, loader):
            return False
    return True


def _plain_command(script: Script, words: list[str]) -> Command:
    """The Command of plain words, as the analysis reads it: no variable, no span to report."""
    nowhere = Span(0, 0)
    return Command(tuple(Word(w, w, nowhere) for w in words), (), (), script, nowhere)


def _found(node: ProgramNode, script: Script) -> _Found | None:
    """The `make` commands of `node` and whether it changes directory; None where a command
    of it may run another file or what it runs cannot be known."""
    found = _Found()
    for part in _parts(node):
        if isinstance(part, Child):
            inner = _found(part.body, script)
            if inner is None:
                return None
            found.makes += inner.makes
            # A subshell's `cd` stays in it (`ROOT=$(cd "$(dirname "$0")" && pwd)`).
            found.moves = found.moves or (inner.moves and bool(inner.makes))
        elif isinstance(part, Ready):
            return None
        else:
            for command in commands_in(part, script):
                if not command.words:
                    continue  # assignments only
                if not _reads(command, found):
                    return None
    return found


def _reads(command: Command, found: _Found) -> bool:
    """Note what `command` does for the `make` commands of the script; False where it may run
    another file, or something not known."""
    name = command.program
    if (
        name is None
        or command.unknown_wrapper is not None  # `$build html`: what runs is not known
        or name in _REDEFINING
        or command.script.container is not None
        or commands.script_call(command) is not None
        or handed(command) is not None
    ):
        return False
    if name in DIRECTORY_COMMANDS:
        found.moves = True
    elif name in ("make", "gmake"):
        if any(word.text is None for word in command.words):
            return False  # the walk may know what a variable holds
        if commands.make_call(command) is not None:
            found.makes.append(command)
    return True


def _parts(node: ProgramNode) -> Iterator[ProgramNode]:
    """The simple commands, subshells and pre-read commands in `node`, outside subshells."""
    if isinstance(node, Seq):
        for item in node.items:
            yield from _parts(item)
    elif isinstance(node, Fork):
        for arm in node.arms:
            yield from _parts(arm)
    elif isinstance(node, Chain):
        yield from _parts(node.first)
        for _, part, _ in node.rest:
            yield from _parts(part)
    elif isinstance(node, (Loop, Function)):
        yield from _parts(node.body)
    else:
        yield node
