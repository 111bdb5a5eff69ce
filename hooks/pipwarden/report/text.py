"""Reports for people: full (with the source and the help), concise, grouped by file."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from pipwarden.model import SAFE, Finding, Severity, SourceText
from pipwarden.report import findings

if TYPE_CHECKING:
    from pipwarden.run import RunResult

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


class _Style:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def code(self, finding: Finding) -> str:
        marker = " [*]" if finding.fix is not None and finding.fix.applicability == SAFE else ""
        return self(finding.code, _COLORS[finding.severity] + ";1") + marker


def render_concise(result: RunResult, out: TextIO, color: bool) -> None:
    style = _Style(color)
    for _, f in findings(result.reports):
        out.write(
            f"{style(f.path, '1')}:{f.start.line}:{f.start.column}: {style.code(f)} {f.message}\n"
        )


def render_grouped(result: RunResult, out: TextIO, color: bool) -> None:
    style = _Style(color)
    for report in result.reports:
        out.write(f"{style(report.path, '1')}:\n")
        width = max(len(f"{f.start.line}:{f.start.column}") for f in report.findings)
        for f in report.findings:
            where = f"{f.start.line}:{f.start.column}"
            out.write(f"  {where:<{width}} {style.code(f)} {f.message}\n")
        out.write("\n")


def render_full(result: RunResult, out: TextIO, color: bool) -> None:
    style = _Style(color)
    for report, f in findings(result.reports):
        out.write(
            f"{style(f.path, '1')}:{f.start.line}:{f.start.column}: {style.code(f)} [{f.severity}] {f.message}\n"
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
