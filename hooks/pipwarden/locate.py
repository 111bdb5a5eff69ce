"""Which repository file a command runs or sources: the path it names, with the variables the
shell is known to hold and the script's own directory put in, resolved from the working
directory, and in an image build from where a COPY put the file.

Below the analysis walk: it reads no state of its own and judges nothing."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from pipwarden import commands
from pipwarden.discover import MAKEFILE_NAMES
from pipwarden.patterns import lazy
from pipwarden.record import Record
from pipwarden.shell.command import Command, Word
from pipwarden.shell.session import Files, Scope


class Loader(Protocol):
    """How the analysis reads the other files of the repository that a Script runs: the
    engine parses them (each at its own offset base, so spans stay unique) and says what
    it could not follow."""

    root: str  # calls that leave this directory are not followed

    def exists(self, path: str) -> bool: ...

    def load(
        self, path: str, makefile: bool = False, variables: commands.MakeVariables = ()
    ) -> Sequence[Scope] | None: ...

    def note(self, message: str) -> None: ...


class Called(Record):
    disk: str  # the repository file
    named: str  # its path where the Script runs
    call: commands.ScriptCall
    scopes: Sequence[Scope]  # what it holds, at its own offset base (a Makefile's: the goals')
    # Where each Script is a shell of its own that the call starts (as make runs each
    # recipe line), the directory they start in.
    shells_in: str | None = None
    variables: commands.MakeVariables = ()  # the variables make is run with


class Where(Record):
    """What locating a file needs to know about the running shell."""

    cwd: str | None  # its working directory, where known
    env: Mapping[str, str | None]  # the variables it holds
    script_dir: str | None  # `$(dirname "$0")` of the running script, where it is a file
    image_files: Sequence[Files] | None  # in an image build, what COPY put where (newest first)
    moved: bool = False  # it went to a directory that cannot be known


def called_file(command: Command, where: Where, loader: Loader) -> Called | None:
    """The repository file `command` runs or sources, and the path the Script names it by;
    None when it names none that can be known."""
    call = commands.script_call(command)
    if call is None or commands.activation(command) is not None:
        return None
    named = expanded(call.path, where.env, where.script_dir)
    if named is None:
        return None
    return _locate(named, call, where, loader)


def called_makefile(command: Command, where: Where, loader: Loader) -> Called | None:
    """The recipes a `make` command runs: its goals' rules and their prerequisites' in the
    order make runs them, from the Makefile it reads; None where that cannot be known."""
    make = commands.make_call(command)
    if make is None or commands.python_built(command, where.cwd, where.env) is not None:
        return None  # CPython's own build: what it installs is known, its Makefile not ours
    directory = expanded(make.directory, where.env, where.script_dir) if make.directory else "."
    if directory is None:
        return None
    names = (
        [make.file] if make.file else [Word(name, name, command.span) for name in MAKEFILE_NAMES]
    )
    for name in names:
        file = expanded(name, where.env, where.script_dir)
        if file is None:
            return None
        named = posixpath.join(directory, file)
        call = commands.ScriptCall(Word(named, named, command.span), False, "")
        found = _locate(named, call, where, loader, makefile=True, variables=make.variables)
        if found is not None:
            scopes = _goals(found.scopes, make.goals)
            # `-f sub/Makefile` reads that file and runs its recipes here.
            up = [".."] * posixpath.normpath(file).count("/")
            shells_in = posixpath.normpath(posixpath.join(posixpath.dirname(found.named), *up))
            if not scopes:
                return None
            return found._replace(scopes=scopes, shells_in=shells_in, variables=make.variables)
    return None


def _goals(scopes: Sequence[Scope], goals: tuple[str, ...]) -> list[Scope]:
    """The rules `make GOALS` runs, each after its prerequisites, once each."""
    by_target = {t: scope for scope in scopes if scope.make for t in scope.make.targets}
    if not goals:
        goals = next((s.make.targets[:1] for s in scopes if s.make and s.make.default), ())
    ordered: list[Scope] = []
    seen: set[str] = set()

    def visit(target: str, depth: int) -> None:
        scope = by_target.get(target)
        if scope is None or scope.make is None or scope.name in seen or depth > 50:
            return
        seen.add(scope.name)
        for prerequisite in scope.make.prerequisites:
            visit(prerequisite, depth + 1)
        ordered.append(scope)

    for goal in goals:
        visit(goal, 0)
    return ordered


def _locate(
    named: str,
    call: commands.ScriptCall,
    where: Where,
    loader: Loader,
    *,
    makefile: bool = False,
    variables: commands.MakeVariables = (),
) -> Called | None:
    root = loader.root
    if named.startswith("/") or where.cwd is not None:
        candidates = [posixpath.normpath(posixpath.join(where.cwd or "/", named))]
    elif where.script_dir is not None and not where.moved:
        # A script's directory is unknown to the script itself; the usual ones are its
        # own and the repository's root.
        candidates = [posixpath.normpath(posixpath.join(where.script_dir, named))]
        candidates.append(posixpath.normpath(posixpath.join(root, named)))
    else:
        return None
    for candidate in candidates:
        disk = _on_disk(candidate, where.image_files, loader)
        if disk is None or not within(disk, root):
            continue
        if loader.exists(disk):
            # A file that is no script pipwarden reads (a binary, a Python program) is a
            # command like any other.
            scopes = loader.load(disk, makefile, variables)
            return Called(disk, candidate, call, scopes) if scopes else None
    return None


def _on_disk(path: str, image_files: Sequence[Files] | None, loader: Loader) -> str | None:
    """Where the repository holds `path` of the Script's filesystem."""
    if image_files is None:
        return path
    for files in image_files:  # the newest COPY first
        inside = _copied_from(files, path)
        if inside is None:
            continue
        for context in files.contexts:
            if not within(context, loader.root):
                break
            found = posixpath.normpath(posixpath.join(context, inside))
            if loader.exists(found):
                return found
    return None


def _copied_from(files: Files, path: str) -> str | None:
    """The path in the build context that `files` put at `path`, if it did."""
    target, source = files.target.rstrip("/") or "/", files.source
    inside = posixpath.relpath(path, target) if within(path, target) else None
    if any(c in source for c in "*?["):  # `COPY *.sh /tmp/`
        pattern = posixpath.basename(source)
        if files.into and inside and "/" not in inside and fnmatch.fnmatchcase(inside, pattern):
            return posixpath.join(posixpath.dirname(source), inside)
        return None
    if path == posixpath.join(target, posixpath.basename(source)) or (
        path == target and not files.into
    ):  # `COPY install.sh /tmp/` or `/tmp/install.sh` (or into a directory /tmp)
        return source
    # `COPY scripts/ /opt/scripts/`: a directory's content
    return posixpath.join(source, inside) if inside and inside != "." else None


def within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def joined(cwd: str | None, path: str | None) -> str | None:
    """`cd path` from `cwd`; None when either is unknown (a relative path from nowhere)."""
    if path is None or "$" in path or path.startswith("~"):
        return None
    if path.startswith("/"):
        return posixpath.normpath(path)
    return posixpath.normpath(posixpath.join(cwd, path)) if cwd is not None else None


# `$(dirname "$0")`, `$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)`, `${0%/*}`: the running
# script's own directory (quotes removed first).
_DIRNAME = r"\$\(\s*dirname\s+(?:--\s+)?\$\{?(?:0|BASH_SOURCE(?:\[0\])?)(?::-\$\{?0\}?)?\}?\s*\)"
_SCRIPT_DIR = lazy(
    rf"\$\(\s*cd\s+(?:-P\s+)?(?:--\s+)?{_DIRNAME}(?:\s*&?>\s*/dev/null)?\s*(?:&&|;)\s*pwd(?:\s+-P)?\s*\)"
    rf"|{_DIRNAME}|\$\{{(?:0|BASH_SOURCE(?:\[0\])?)%/\*\}}"
)
REFERENCE = lazy(r"\$\{(\w+)(?::?[-=+][^}]*)?\}|\$(\w+)")


def expand_known(value: str, env: Mapping[str, str | None]) -> str:
    """`$VAR`/`${VAR}` replaced where its value is known; unknown ones stay as written
    (`PATH=$VENV/bin:$PATH` names the venv `VENV=/opt/venv` made)."""

    def known(match: re.Match[str]) -> str:
        found = env.get(match.group(1) or match.group(2))
        return found if found is not None else match.group(0)

    return REFERENCE.sub(known, value)


def expanded(word: Word, env: Mapping[str, str | None], script_dir: str | None) -> str | None:
    """A path word's value with the variables the shell is known to hold and the script's own
    directory put in; None when part of it cannot be known."""
    if word.text is not None:
        return word.text
    value = word.raw.replace('"', "").replace("'", "")
    if script_dir is not None:
        value = _SCRIPT_DIR.sub(lambda _: script_dir, value)

    for _ in range(3):  # ROOT=$BASE/x: a few levels
        if "$" not in value:
            return value
        value = expand_known(value, env)
        if script_dir is not None:
            value = _SCRIPT_DIR.sub(lambda _: script_dir, value)
    return value if "$" not in value and "`" not in value else None
