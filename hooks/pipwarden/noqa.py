"""`pipwarden check --add-noqa`: a suppression comment for every current finding, so a large
repository can adopt pipwarden in one commit and clean up later.

Each comment goes on its own line above the command it covers (above the first line of a
command continued over backslash-newlines), indented like it, which every file kind accepts:
Dockerfile comment lines may even stand inside a continuation, Makefiles ignore comment-only
lines among recipe lines when they start at column 0, and in YAML it is a YAML comment or a
shell comment inside a `run: |` block. The result is checked again before it is written; a
file where the comments would not hold is left as it was.
"""

from __future__ import annotations

import re

from pipwarden.discover import Kind
from pipwarden.model import Finding
from pipwarden.patterns import lazy

_OWN_LINE = lazy(r"^(?P<indent>[ \t]*)# pipwarden: ignore\[(?P<codes>[^\]]*)\](?P<rest>.*)$")


def _continues(line: str) -> bool:
    stripped = line.rstrip("\r\n").rstrip()
    return (len(stripped) - len(stripped.rstrip("\\"))) % 2 == 1


def with_suppressions(text: str, kind: Kind, findings: list[Finding]) -> str:
    lines = text.splitlines(keepends=True)
    wanted: dict[int, set[str]] = {}
    for finding in findings:
        if finding.code == "PW100":
            continue  # stale suppressions are removed, not suppressed
        index = min(finding.start.line - 1, len(lines) - 1)
        if kind is not Kind.DOCKERFILE:
            # A comment line cannot stand inside a continued shell command or recipe line.
            while index > 0 and _continues(lines[index - 1]):
                index -= 1
        wanted.setdefault(index, set()).add(finding.code)
    for index in sorted(wanted, reverse=True):
        line = lines[index]
        ending = line[len(line.rstrip("\r\n")) :] or "\n"
        above = _OWN_LINE.match(lines[index - 1].rstrip("\r\n")) if index > 0 else None
        if above is not None:
            codes = sorted(
                {c.strip() for c in above.group("codes").split(",") if c.strip()} | wanted[index]
            )
            lines[index - 1] = (
                f"{above.group('indent')}# pipwarden: ignore[{','.join(codes)}]{above.group('rest')}{ending}"
            )
            continue
        indent = re.match(r"[ \t]*", line).group(0) if line else ""
        if kind is Kind.MAKEFILE and indent.startswith("\t"):
            indent = ""  # a tab would make it a recipe line
        lines.insert(
            index, f"{indent}# pipwarden: ignore[{','.join(sorted(wanted[index]))}]{ending}"
        )
    return "".join(lines)
