"""Reports for people: full (with the source and the help), concise, grouped by file."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from pipwarden.model import SAFE, Finding, Position, Severity, SourceText
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
            out.write(_frame(report.source, f.start, f.end, _COLORS[f.severity], style))
        for related in f.related:
            where = f"{related.path}:{related.start.line}:{related.start.column}"
            out.write(f"  = note: {where}: {related.message}\n")
            source = result.source(related.path)
            if source is not None and source.text:
                out.write(_frame(source, related.start, related.end, "34", style, lines=1))
        if f.help:
            out.write(f"  = {style('help', '1')}: {f.help}\n")
        if f.url:
            out.write(f"  = docs: {f.url}\n")
        out.write("\n")


def _frame(
    source: SourceText, first: Position, past: Position, color: str, style: _Style, lines: int = 5
) -> str:
    """The lines from `first` to `past` (at most `lines`), the range underlined."""
    last = min(past.line, first.line + lines - 1, len(source.line_starts))
    if past.column == 1 and past.line > first.line:
        last = min(last, past.line - 1)
    width = len(str(last))
    gutter = " " * width
    shown = [f"{gutter} |"]
    for number in range(first.line, last + 1):
        text = source.line_text(number).expandtabs(1)
        shown.append(f"{number:>{width}} | {text}")
        start = first.column if number == first.line else 1 + len(text) - len(text.lstrip())
        end = past.column if number == past.line else len(text) + 1
        if end > start:
            marker = " " * (start - 1) + "^" * (end - start)
            shown.append(f"{gutter} | {style(marker, color)}")
    shown.append(f"{gutter} |")
    return "\n".join(shown) + "\n"
