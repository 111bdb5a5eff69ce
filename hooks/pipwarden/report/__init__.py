"""Reporters turn Findings into text; they know nothing else."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from pipwarden.check import FileReport
from pipwarden.model import Finding, Severity, SourceText

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


class _Style:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


def _findings(reports: Sequence[FileReport]) -> list[tuple[FileReport, Finding]]:
    return [(report, finding) for report in reports for finding in report.findings]


def render_concise(reports: Sequence[FileReport], out: TextIO, color: bool) -> None:
    style = _Style(color)
    for _, f in _findings(reports):
        out.write(
            f"{style(f.path, '1')}:{f.start.line}:{f.start.column}: "
            f"{style(f.code, _COLORS[f.severity] + ';1')} {f.message}\n"
        )


def render_full(reports: Sequence[FileReport], out: TextIO, color: bool) -> None:
    style = _Style(color)
    for report, f in _findings(reports):
        out.write(
            f"{style(f.path, '1')}:{f.start.line}:{f.start.column}: "
            f"{style(f.code, _COLORS[f.severity] + ';1')} [{f.severity}] {f.message}\n"
        )
        if report.source is not None and report.source.text:
            out.write(_frame(report.source, f, style))
        for position, label in f.related:
            out.write(f"  = note: line {position.line}: {label}\n")
        if f.help:
            out.write(f"  = {style('help', '1')}: {f.help}\n")
        if f.url:
            out.write(f"  = docs: {f.url}\n")
        out.write("\n")


def _frame(source: SourceText, f: Finding, style: _Style) -> str:
    last = min(f.end.line, f.start.line + 4)
    if f.end.column == 1 and f.end.line > f.start.line:
        last = min(last, f.end.line - 1)
    width = len(str(last))
    gutter = " " * width
    lines = [f"{gutter} |"]
    for number in range(f.start.line, last + 1):
        text = source.line_text(number).expandtabs(1)
        lines.append(f"{number:>{width}} | {text}")
        start = f.start.column if number == f.start.line else 1 + len(text) - len(text.lstrip())
        end = f.end.column if number == f.end.line else len(text) + 1
        if end > start:
            marker = " " * (start - 1) + "^" * (end - start)
            lines.append(f"{gutter} | {style(marker, _COLORS[f.severity])}")
    lines.append(f"{gutter} |")
    return "\n".join(lines) + "\n"


def finding_json(f: Finding) -> dict[str, object]:
    return {
        "code": f.code,
        "name": f.name,
        "message": f.message,
        "severity": str(f.severity),
        "help": f.help or None,
        "url": f.url or None,
        "filename": os.path.abspath(f.path),
        "location": {"row": f.start.line, "column": f.start.column},
        "end_location": {"row": f.end.line, "column": f.end.column},
        "related": [
            {"location": {"row": p.line, "column": p.column}, "message": label}
            for p, label in f.related
        ],
        "fix": None,
    }


def render_json(reports: Sequence[FileReport], out: TextIO, color: bool) -> None:
    json.dump([finding_json(f) for _, f in _findings(reports)], out, indent=2)
    out.write("\n")


RENDERERS = {"full": render_full, "concise": render_concise, "json": render_json}
TEXT_FORMATS = frozenset({"full", "concise"})


def render_statistics(reports: Sequence[FileReport], out: TextIO) -> None:
    counts = Counter((f.code, f.name) for _, f in _findings(reports))
    for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        out.write(f"{count:>5}\t{code}\t{name}\n")


def summary(reports: Sequence[FileReport]) -> str:
    findings = [f for _, f in _findings(reports)]
    if not findings:
        return "All checks passed!"
    by_severity = Counter(f.severity for f in findings)
    parts = [
        f"{by_severity[s]} {s}{'s' if by_severity[s] != 1 and s != Severity.INFO else ''}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if by_severity[s]
    ]
    noun = "finding" if len(findings) == 1 else "findings"
    return f"Found {len(findings)} {noun} ({', '.join(parts)})."
