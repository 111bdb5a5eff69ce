"""Plain data shared by every layer: positions, findings, severities, what checking a file
gave."""

from __future__ import annotations

import bisect
import enum
from typing import TYPE_CHECKING

from pipwarden.patterns import lazy
from pipwarden.record import Record

if TYPE_CHECKING:
    from pipwarden.discover import Kind


class Severity(enum.IntEnum):
    """Ordered so that `max()` gives the worst one."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()


class Position(Record):
    """1-based line and column; the column counts characters, as editors do."""

    line: int
    column: int


class Span(Record):
    """Half-open range of character offsets into a file's text."""

    start: int
    end: int


class Related(Record):
    """A secondary location: "the venv was activated here"."""

    span: Span
    label: str


class Edit(Record):
    """Replace file[span] with `content` (an empty span inserts, empty content deletes)."""

    span: Span
    content: str


SAFE = "safe"  # the behaviour is the same, or only the intended interpreter is now used
UNSAFE = "unsafe"  # a person should look: applied only with --unsafe-fixes


class Fix(Record):
    """A fix is data: the edits and whether it is safe. The engine decides what to apply."""

    edits: tuple[Edit, ...]
    applicability: str
    title: str


class Hit(Record):
    """What a rule reports, before the engine attaches the rule's metadata and a position."""

    span: Span
    message: str
    help: str | None = None
    related: tuple[Related, ...] = ()
    severity: Severity | None = None
    fix: Fix | None = None
    # Holds only where no file of the repository runs this one: on a machine the repository
    # does not control (a script run by hand), not in the CI job or image build that runs it.
    alone: bool = False
    # The line whose effect the finding comes from (the activation a later shell lost): the
    # hits of one rule with one cause are one finding, at the first, the others its related
    # notes, each saying `also`.
    cause: Span | None = None
    also: str = ""
    # The command fails here (pip refuses to install): a shell that stops at a failure
    # (`set -e`, an `&&` chain) runs nothing after it.
    fails: bool = False
    # The command it was made on (set by the analysis): one finding per command across tiers,
    # also where a caller's check and the script's own meet (`run.with_called`).
    command: Span | None = None


class RelatedLocation(Record):
    """A secondary location of a finding, in its own file: the call that ran the script, the
    USER line that made the user."""

    path: str
    start: Position
    end: Position
    message: str


class Finding(Record):
    code: str
    name: str
    message: str
    help: str
    url: str
    severity: Severity
    path: str
    start: Position
    end: Position
    related: tuple[RelatedLocation, ...] = ()
    span: Span = Span(0, 0)
    fix: Fix | None = None
    alone: bool = False  # see Hit.alone
    command: Span | None = None  # see Hit.command, in this file


LINE_REF = lazy(r"\{line@(\d+)\}")


def line_ref(offset: int) -> str:
    """Stands for the line of file offset `offset` in a message: rules see spans, not lines,
    and the engine fills the number in (`follow.Calls.finding`)."""
    return f"{{line@{offset}}}"


class SourceText:
    """A file's text with a fast offset → (line, column) map."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.line_starts = starts

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return Position(line + 1, offset - self.line_starts[line] + 1)

    def line_text(self, line: int) -> str:
        """The text of 1-based line `line`, without its line ending."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def offset(self, line: int, column: int = 1) -> int:
        """The offset of a 1-based line and column, clamped to the text: parsers report marks
        past the last line (an error at the end of a file with no final newline)."""
        line = max(1, min(line, len(self.line_starts)))
        return max(0, min(self.line_starts[line - 1] + column - 1, len(self.text)))


class FileReport:
    """What checking one file gave. A plain class, filled in as the check goes (the
    dataclasses module alone would cost a pre-commit run 16 ms of imports)."""

    __slots__ = (
        "alone",
        "bom",
        "called",
        "checked",
        "deferred",
        "dependencies",
        "digest",
        "error",
        "findings",
        "foreign",
        "hidden",
        "kind",
        "mtime",
        "notes",
        "path",
        "silenced",
        "size",
        "source",
        "unread",
    )

    def __init__(self, path: str, *, checked: bool = False) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self.error: str | None = None  # the file could not be read at all
        self.source: SourceText | None = None  # kept for source frames when there are findings
        self.checked = checked  # read as one of our kinds
        self.kind: Kind | None = None
        self.bom = False
        # What the file was when it was read, for the cache (size and mtime from the open
        # file, digest of the bytes read), and the other files its result depends on.
        self.size: int | None = None
        self.mtime: int | None = None
        self.digest: str | None = None
        self.dependencies: list[str] = []
        # Findings in the repository scripts this file runs, made by the state it runs them
        # in; the run reports them in those files.
        self.foreign: list[Finding] = []
        self.notes: list[str] = []  # calls not followed, for --verbose
        # Unused-suppression findings (PW100) that the file's callers may still make used:
        # the run decides (see `run.with_called`).
        self.deferred: list[Finding] = []
        # Findings that hold only where no repository file runs this one (`Hit.alone`), and
        # the repository files this one runs: the run decides.
        self.alone: list[Finding] = []
        self.called: list[str] = []
        # Findings of strict-tier rules the run did not select (counted, not reported): code,
        # line, column.
        self.hidden: list[tuple[str, int, int]] = []
        # Where a suppressed default finding held only for the file run on its own: the
        # strict ones on that command give way to it unless a repository file runs this one.
        self.silenced: list[tuple[int, int]] = []
        # What of the file could not be read (Python syntax this interpreter does not know).
        self.unread: list[str] = []
