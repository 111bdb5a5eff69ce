"""Inline suppressions.

`# pipwarden: ignore[PW201,bare-pip] reason` (or `# noqa: PW201`) covers its own line and
the next one; when that next line continues over backslash-newlines (a Dockerfile RUN, a
shell command, a recipe line), the whole continued line. `# pipwarden: ignore-file` skips
the file. A suppression that covers nothing is itself reported (PW100), so stale ones get
cleaned up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipwarden.model import Span
from pipwarden.patterns import lazy
from pipwarden.record import Record
from pipwarden.rules.catalog import code_for

_IGNORE = lazy(
    r"#\s*pipwarden:\s*ignore\[(?P<codes>[^\]]*)\][ \t]*(?P<reason>[^\n]*)", re.IGNORECASE
)
_NOQA = lazy(r"#\s*noqa:\s*(?P<codes>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*)", re.IGNORECASE)
_IGNORE_FILE = lazy(r"#\s*pipwarden:\s*ignore-file\b", re.IGNORECASE)


class Suppression(Record):
    line: int  # 1-based line of the comment
    span: Span  # the directive in the file
    codes: tuple[str, ...]
    reason: str
    last_line: int  # the last line it covers
    used: set[str]  # the codes it suppressed in this run

    @property
    def text(self) -> str:
        return f"# pipwarden: ignore[{','.join(self.codes)}]"


class Suppressions:
    __slots__ = ("file_ignored", "items")

    def __init__(self) -> None:
        self.file_ignored = False
        self.items: list[Suppression] = []

    def covers(self, code: str, line: int) -> bool:
        if self.file_ignored:
            return True
        covered = False
        for item in self.items:
            if item.line <= line <= item.last_line and code in item.codes:
                item.used.add(code)
                covered = True
        return covered

    def unused(self, ran: frozenset[str]) -> list[tuple[Suppression, list[str]]]:
        """Suppressions with codes that ran here and covered nothing."""
        result = []
        for item in self.items:
            idle = [code for code in item.codes if code in ran and code not in item.used]
            if idle:
                result.append((item, idle))
        return result


def _continues(line: str) -> bool:
    stripped = line.rstrip()
    return (len(stripped) - len(stripped.rstrip("\\"))) % 2 == 1


def python_comments(text: str) -> frozenset[tuple[int, int]]:
    """(line, column) of every comment in Python source: a `#` inside a string is no
    suppression. Empty when the text does not tokenize."""
    import io
    import tokenize

    found = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found.add((token.start[0], token.start[1]))
    except (tokenize.TokenError, SyntaxError):
        return frozenset()
    return frozenset(found)


def scan(text: str, *, python: bool = False) -> Suppressions:
    """The suppressions in `text`; in Python only those that are real comments."""
    lowered = text.lower()
    if "pipwarden" not in lowered and "noqa" not in lowered:
        return Suppressions()
    # Python is tokenized (to tell comments from strings) only for a directive that names
    # one of our codes: most noqa comments are other tools'.
    comments: frozenset[tuple[int, int]] | None = None
    result = Suppressions()
    lines = text.split("\n")
    offset, before = 0, 0  # where line `before` starts
    for index in _directive_lines(lowered):
        offset += sum(map(len, lines[before:index])) + index - before
        line, number, before = lines[index], index + 1, index
        if "#" in line:
            if _IGNORE_FILE.search(line):
                result.file_ignored = True
            for pattern in (_IGNORE, _NOQA):
                for match in pattern.finditer(line):
                    codes = tuple(
                        dict.fromkeys(
                            c for c in map(code_for, re.split(r"[,\s]+", match.group("codes"))) if c
                        )
                    )
                    if not codes:
                        continue
                    if python and comments is None:
                        comments = python_comments(text)
                    if comments is not None and not any(
                        (number, column) in comments for column in range(match.start() + 1)
                    ):
                        continue
                    reason = match.groupdict().get("reason") or ""
                    last = number + 1
                    while last <= len(lines) and _continues(lines[last - 1]):
                        last += 1
                    end = match.start() + len(match.group(0)) - len(reason)
                    span = Span(offset + match.start(), offset + len(line[:end].rstrip()))
                    result.items.append(
                        Suppression(number, span, codes, reason.strip(), last, set())
                    )
    return result


def _directive_lines(lowered: str) -> list[int]:
    """The lines (0-based) of a lowered text that say `pipwarden` or `noqa`: the only ones a
    directive can be on (most lines of a long file are not)."""
    found = sorted(at for word in ("pipwarden", "noqa") for at in _occurrences(lowered, word))
    lines: list[int] = []
    line, before = 0, 0
    for at in found:
        line += lowered.count("\n", before, at)
        before = at
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def _occurrences(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at != -1:
        yield at
        at = text.find(word, at + len(word))
