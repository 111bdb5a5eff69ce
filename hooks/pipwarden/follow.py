"""The engine's side of following calls between files: reading and parsing the repository
files a Script runs (`bash install.sh`, `. env.sh`, a local composite action), giving each its
own range of offsets so one analysis can address several files, and turning the hits back
into Findings in the right file.

The analysis decides what is called and in which state; this module only reads files."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipwarden.discover import SHEBANG, Kind, classify_name, repository_root
from pipwarden.model import LINE_REF, Edit, Finding, Fix, RelatedLocation, SourceText, Span
from pipwarden.reading import MAX_BYTES, decode, frontend, mentions, shebang_kind

if TYPE_CHECKING:
    from pipwarden.commands import MakeVariables
    from pipwarden.model import Hit
    from pipwarden.rules.base import Rule
    from pipwarden.shell.session import Scope

# Each file of one analysis owns the offsets [index * FILE_STRIDE, (index + 1) * FILE_STRIDE):
# the checked file is index 0, so its spans are unchanged. Larger than any file read.
FILE_STRIDE = 1 << 28
# The kinds a call can run: shell scripts, composite actions, and Makefiles (`make deps`).
# A Dockerfile is read for the state its image leaves (a job's `container:` built from it).
_CALLABLE = frozenset({Kind.SHELL, Kind.GITHUB, Kind.MAKEFILE, Kind.DOCKERFILE})


class Loaded:
    """A repository file read for a call: its text and its Scopes at its own offset base."""

    __slots__ = ("index", "kind", "path", "scopes", "source")

    def __init__(
        self, index: int, path: str, source: SourceText, scopes: list[Scope], kind: Kind
    ) -> None:
        self.index = index
        self.path = path
        self.source = source
        self.scopes = scopes
        self.kind = kind


class Library:
    """The files a Checker has read for calls, by absolute path, parsed once for every file
    that calls them."""

    def __init__(self) -> None:
        self.by_path: dict[str, Loaded | None] = {}
        # Makefiles as make reads them with variables set (`make PYTHON=python3.12`).
        self.with_variables: dict[tuple[str, MakeVariables], Loaded | None] = {}
        self.by_index: list[Loaded | None] = [None]

    def load(self, absolute: str, variables: MakeVariables = ()) -> Loaded | None:
        if variables:
            key = (absolute, variables)
            if key not in self.with_variables:
                self.with_variables[key] = self._read(absolute, variables)
            return self.with_variables[key]
        if absolute not in self.by_path:
            self.by_path[absolute] = self._read(absolute)
        return self.by_path[absolute]

    def forget(self, absolute: str) -> None:
        """Read `absolute` afresh when next called: it changed."""
        self.by_path.pop(absolute, None)
        for key in [key for key in self.with_variables if key[0] == absolute]:
            del self.with_variables[key]

    def read_bytes(self, absolute: str) -> bytes | None:
        """The file's bytes (the language server reads an editor's unsaved text instead)."""
        try:
            if os.path.getsize(absolute) > MAX_BYTES:
                return None
            with open(absolute, "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def _read(self, absolute: str, variables: MakeVariables = ()) -> Loaded | None:
        from pipwarden.shell.session import shifted

        data = self.read_bytes(absolute)
        if data is None or b"\0" in data[:8192] or not mentions(data):
            # Nothing in it a rule reads: run, it is a command like any other; sourced, what
            # it sets is not known, as if it were not read.
            return None
        text, _ = decode(data)
        kind = callable_kind(absolute, text)
        parse = frontend(kind) if kind is not None else None
        if kind is None or parse is None:
            return None
        path = display_path(absolute)
        try:
            if variables and kind is Kind.MAKEFILE:
                from pipwarden.frontends import makefile

                parsed = makefile.parse(text, path, variables)
            else:
                parsed = parse(text, path)
        except Exception:  # its own check reports what is wrong with it
            if os.environ.get("PIPWARDEN_STRICT"):
                raise
            return None
        index = len(self.by_index)
        base = index * FILE_STRIDE
        loaded = Loaded(
            index, path, SourceText(text), [shifted(scope, base) for scope in parsed.scopes], kind
        )
        self.by_index.append(loaded)
        return loaded


def callable_kind(path: str, text: str) -> Kind | None:
    """The kind of a file a call runs, if it is one a call can run."""
    kind = classify_name(path)
    if kind in (SHEBANG, None):
        kind = shebang_kind(text)
    return kind if kind in _CALLABLE else None


_ACTION_FILES = ("action.yml", "action.yaml")


def may_be_called(path: str, kind: Kind) -> bool:
    """Whether another file may run this one: a shell script, or a composite action."""
    return kind is Kind.SHELL or (kind is Kind.GITHUB and os.path.basename(path) in _ACTION_FILES)


def called_as(path: str) -> str:
    """The name a caller writes to run this file: its own, an action's folder (`uses:
    ./.github/actions/setup`), or for a script an image's init system runs, the folder a
    Dockerfile COPYs to / (`COPY rootfs /` for rootfs/etc/cont-init.d/20-setup)."""
    from pipwarden.environments import INIT_RUNS

    name = os.path.basename(path)
    if name in _ACTION_FILES:
        return os.path.basename(os.path.dirname(path))
    slashed = path.replace(os.sep, "/")
    # s6-rc oneshots' scripts stand beside their services, in /etc/s6-overlay/scripts.
    for directory in (*(d for d, _ in INIT_RUNS), "/etc/s6-overlay"):
        at = slashed.find(directory + "/")
        if at > 0:
            return os.path.basename(slashed[:at]) or name
    return name


def display_path(absolute: str) -> str:
    """How a called file is named in findings: relative to the current directory, as the
    paths discovered from `.` are."""
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative


class Calls:
    """What one check of one file follows (the analysis's `Loader`): the files it loaded and
    looked for, for the cache, and what it could not follow, for --verbose."""

    def __init__(self, library: Library | None, path: str, source: SourceText) -> None:
        self.library = library
        self.path = path
        self.source = source
        self.root = repository_root(os.path.dirname(os.path.abspath(path)))
        self.dependencies: list[str] = []
        self._seen: set[str] = set()
        self.notes: list[str] = []
        self.followed: list[str] = []  # the repository files this check ran in its state

    def exists(self, absolute: str) -> bool:
        self._depend(absolute)
        return os.path.isfile(absolute)

    def load(
        self, absolute: str, makefile: bool = False, variables: MakeVariables = ()
    ) -> Sequence[Scope] | None:
        """The Scopes of the repository file at `absolute`: a Makefile where `make` reads
        it (with the variables it is run with), a script or action elsewhere."""
        self._depend(absolute)
        # A link to a script in the repository is that script: its findings are reported
        # once, where it is.
        from pipwarden.locate import within  # with the analysis, not on a cached run

        real = os.path.realpath(absolute)
        if real != absolute and within(real, self.root):
            absolute = real
        loaded = self.library.load(absolute, variables) if self.library else None
        if loaded is None or (loaded.kind is Kind.MAKEFILE) != makefile:
            return None
        if absolute not in self.followed:
            self.followed.append(absolute)
        return loaded.scopes

    def _depend(self, absolute: str) -> None:
        """The result now depends on `absolute` (whether it exists, and what it holds)."""
        if absolute not in self._seen:
            self._seen.add(absolute)
            self.dependencies.append(absolute)

    def note(self, message: str) -> None:
        self.notes.append(message)

    # Hits back into Findings ------------------------------------------------------------------

    def _file(self, offset: int) -> tuple[str, SourceText, int]:
        index = offset // FILE_STRIDE
        loaded = self.library.by_index[index] if index and self.library else None
        if loaded is None:
            return self.path, self.source, 0
        return loaded.path, loaded.source, index * FILE_STRIDE

    def finding(self, rule: Rule, hit: Hit) -> Finding:
        path, source, base = self._file(hit.span.start)
        span = Span(hit.span.start - base, max(hit.span.end, hit.span.start) - base)
        related = []
        for item in hit.related:
            where, text, at = self._file(item.span.start)
            related.append(
                RelatedLocation(
                    where,
                    text.position(item.span.start - at),
                    text.position(max(item.span.end, item.span.start) - at),
                    self._resolve(item.label, path),
                )
            )
        return Finding(
            rule.code,
            rule.name,
            self._resolve(hit.message, path),
            self._resolve(hit.help or "", path),
            rule.url,
            hit.severity or rule.severity,
            path,
            source.position(span.start),
            source.position(span.end),
            tuple(related),
            span,
            self._local_fix(hit.fix, base),
            hit.alone,
            self._local_span(hit.command, path),
        )

    def _local_span(self, span: Span | None, path: str) -> Span | None:
        """`span` in the file `path`, where it is in that one."""
        if span is None:
            return None
        where, _, base = self._file(span.start)
        return Span(span.start - base, span.end - base) if where == path else None

    def _resolve(self, message: str, here: str) -> str:
        """A message's line references: "line 5", or "line 5 of Dockerfile" in another file."""
        if "{line@" not in message:
            return message

        def line(match: re.Match[str]) -> str:
            path, source, base = self._file(int(match.group(1)))
            number = source.position(int(match.group(1)) - base).line
            return str(number) if path == here else f"{number} of {path}"

        return LINE_REF.sub(line, message)

    @staticmethod
    def _local_fix(fix: Fix | None, base: int) -> Fix | None:
        if fix is None:
            return None
        edits = []
        for edit in fix.edits:
            if not base <= edit.span.start < base + FILE_STRIDE:
                return None  # a fix that would reach into another file: not offered
            edits.append(Edit(Span(edit.span.start - base, edit.span.end - base), edit.content))
        return fix._replace(edits=tuple(edits))
