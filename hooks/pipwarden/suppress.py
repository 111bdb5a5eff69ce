"""Inline suppressions: `# pipwarden: ignore[PW201,PW301] reason`, `# noqa: PW201` on the
finding's line or the line above, and `# pipwarden: ignore-file`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipwarden.rules.catalog import code_for

_IGNORE = re.compile(r"#\s*pipwarden:\s*ignore\[(?P<codes>[^\]]*)\]", re.IGNORECASE)
_NOQA = re.compile(
    r"#\s*noqa:\s*(?P<codes>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*)", re.IGNORECASE
)
_IGNORE_FILE = re.compile(r"#\s*pipwarden:\s*ignore-file\b", re.IGNORECASE)


@dataclass(frozen=True)
class Suppressions:
    file_ignored: bool
    # 1-based line of each suppression comment → the codes it names.
    by_line: dict[int, frozenset[str]]

    def covers(self, code: str, line: int) -> bool:
        """A comment on the finding's own line, or on the line just above it."""
        if self.file_ignored:
            return True
        return any(code in self.by_line.get(at, ()) for at in (line, line - 1))


NONE = Suppressions(False, {})


def scan(text: str) -> Suppressions:
    lowered = text.lower()
    if "pipwarden" not in lowered and "noqa" not in lowered:
        return NONE
    by_line: dict[int, frozenset[str]] = {}
    file_ignored = False
    for number, line in enumerate(text.splitlines(), start=1):
        if "#" not in line:
            continue
        if _IGNORE_FILE.search(line):
            file_ignored = True
        codes: set[str] = set()
        for pattern in (_IGNORE, _NOQA):
            for match in pattern.finditer(line):
                for key in re.split(r"[,\s]+", match.group("codes")):
                    code = code_for(key) if key else None
                    if code is not None:
                        codes.add(code)
        if codes:
            by_line[number] = frozenset(codes)
    return Suppressions(file_ignored, by_line)
