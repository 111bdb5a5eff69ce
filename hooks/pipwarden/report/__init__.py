"""Reporters turn Findings into text for a terminal, a CI service or another tool; they know
Findings (and, for SARIF, the rules' own documentation) and nothing else."""

from __future__ import annotations

import importlib
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TextIO

from pipwarden.model import SAFE, Finding, Severity

if TYPE_CHECKING:
    from pipwarden.model import FileReport
    from pipwarden.run import RunResult

Renderer = Callable[["RunResult", TextIO, bool], None]

# format → (module, function); modules are imported only for the format asked for.
FORMATS: dict[str, tuple[str, str]] = {
    "full": ("text", "render_full"),
    "concise": ("text", "render_concise"),
    "grouped": ("text", "render_grouped"),
    "json": ("machine", "render_json"),
    "json-lines": ("machine", "render_json_lines"),
    "github": ("machine", "render_github"),
    "gitlab": ("machine", "render_gitlab"),
    "junit": ("machine", "render_junit"),
    "sarif": ("sarif", "render_sarif"),
}
# Formats for people: the summary line follows them.
TEXT_FORMATS = frozenset({"full", "concise", "grouped"})


def renderer(fmt: str) -> Renderer:
    module, function = FORMATS[fmt]
    return getattr(importlib.import_module(f"pipwarden.report.{module}"), function)


def use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def findings(reports: Sequence[FileReport]) -> Iterator[tuple[FileReport, Finding]]:
    for report in reports:
        for finding in report.findings:
            yield report, finding


def fingerprints(reports: Sequence[FileReport]) -> dict[int, str]:
    """A fingerprint per finding that survives unrelated edits: it hashes the rule, the file
    and the text of the finding's line (not its number), plus how many identical findings came
    before it in the file. Keyed by id(finding)."""
    import hashlib  # only the formats that fingerprint pay for it

    result: dict[int, str] = {}
    for report in reports:
        seen: Counter[tuple[str, str]] = Counter()
        for finding in report.findings:
            line = (
                report.source.line_text(finding.start.line).strip()
                if report.source and report.source.text
                else ""
            )
            key = (finding.code, line)
            digest = hashlib.sha256(
                f"{finding.code}\0{relative_path(finding.path)}\0{line}\0{seen[key]}".encode(
                    "utf-8", "surrogateescape"
                )
            )
            seen[key] += 1
            result[id(finding)] = digest.hexdigest()[:32]
    return result


def relative_path(path: str) -> str:
    """The path relative to the current directory (the repository root in CI), with `/`."""
    relative = os.path.relpath(os.path.abspath(path))
    return (path if relative.startswith("..") else relative).replace(os.sep, "/")


def render_statistics(reports: Sequence[FileReport], out: TextIO) -> None:
    counts = Counter((f.code, f.name) for _, f in findings(reports))
    for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        out.write(f"{count:>5}\t{code}\t{name}\n")


def summary(
    reports: Sequence[FileReport], unchecked: int = 0, partial: int = 0, hidden: int = 0
) -> str:
    """The closing line(s); `unchecked` files could not be read and `partial` ones only in
    part, so a clean run is not "All checks passed"; `hidden` findings are the strict tier's
    that the selection left out."""
    found = [f for _, f in findings(reports)]
    # As ruff says how many fixes are hidden: the strict tier is one flag away.
    strict = (
        f"\n{hidden} more finding{'s' if hidden != 1 else ''} in the strict tier "
        "(every pip anti-pattern, not only proven failures): see them with `--strict`."
        if hidden
        else ""
    )
    unread = "".join(
        f"\n{count} file{'s' if count != 1 else ''} {said} (see above)."
        for count, said in ((unchecked, "could not be checked"), (partial, "not fully checked"))
        if count
    )
    if not found:
        clean = "No findings in the files checked." if unread else "All checks passed!"
        return clean + unread + strict
    by_severity = Counter(f.severity for f in found)
    parts = [
        f"{by_severity[s]} {s}{'s' if by_severity[s] != 1 and s != Severity.INFO else ''}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if by_severity[s]
    ]
    noun = "finding" if len(found) == 1 else "findings"
    text = f"Found {len(found)} {noun} ({', '.join(parts)})."
    safe = sum(1 for f in found if f.fix is not None and f.fix.applicability == SAFE)
    unsafe = sum(1 for f in found if f.fix is not None and f.fix.applicability != SAFE)
    if safe:
        text += f"\n[*] {safe} fixable with `--fix`."
    if unsafe:
        text += f"\n({unsafe} more fixable with `--fix --unsafe-fixes`.)"
    return text + unread + strict
