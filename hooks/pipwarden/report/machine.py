"""Reports for tools: JSON (shaped like ruff's), JSON Lines, GitHub workflow commands, GitLab
Code Quality, JUnit XML."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, TextIO
from xml.sax.saxutils import escape, quoteattr

from pipwarden.model import Finding, Position, RelatedLocation, Severity, SourceText
from pipwarden.report import findings, fingerprints, relative_path
from pipwarden.rules.catalog import tier

if TYPE_CHECKING:
    from pipwarden.run import RunResult


def fix_json(f: Finding, source: SourceText | None) -> dict[str, object] | None:
    if f.fix is None or source is None:
        return None
    return {
        "applicability": f.fix.applicability,
        "message": f.fix.title,
        "edits": [
            {
                "content": edit.content,
                "location": _row_column(source.position(edit.span.start)),
                "end_location": _row_column(source.position(edit.span.end)),
            }
            for edit in f.fix.edits
        ],
    }


def _row_column(position: Position) -> dict[str, int]:
    return {"row": position.line, "column": position.column}


def finding_json(f: Finding, source: SourceText | None = None) -> dict[str, object]:
    return {
        "code": f.code,
        "name": f.name,
        "message": f.message,
        "severity": str(f.severity),
        "tier": tier(f.code),
        "help": f.help or None,
        "url": f.url or None,
        "filename": os.path.abspath(f.path),
        "location": {"row": f.start.line, "column": f.start.column},
        "end_location": {"row": f.end.line, "column": f.end.column},
        "related": [
            {
                "message": r.message,
                "filename": os.path.abspath(r.path),
                "location": _row_column(r.start),
                "end_location": _row_column(r.end),
            }
            for r in f.related
        ],
        "fix": fix_json(f, source),
    }


def render_json(result: RunResult, out: TextIO, color: bool) -> None:
    json.dump([finding_json(f, r.source) for r, f in findings(result.reports)], out, indent=2)
    out.write("\n")


def render_json_lines(result: RunResult, out: TextIO, color: bool) -> None:
    for report, f in findings(result.reports):
        out.write(json.dumps(finding_json(f, report.source)) + "\n")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: RunResult, out: TextIO, color: bool) -> None:
    """Workflow commands: each finding becomes an annotation on the pull request's diff."""
    for _, f in findings(result.reports):
        properties = ",".join(
            f"{key}={_github_property(str(value))}"
            for key, value in (
                ("file", relative_path(f.path)),
                ("line", f.start.line),
                ("col", f.start.column),
                ("endLine", f.end.line),
                ("endColumn", f.end.column),
                ("title", f"{f.code} {f.name}"),
            )
        )
        message = (
            f.message
            + "".join(f"\n{_where(r)}: {r.message}" for r in f.related)
            + (f"\n\nhelp: {f.help}" if f.help else "")
            + (f"\n{f.url}" if f.url else "")
        )
        out.write(f"::{_GITHUB_LEVEL[f.severity]} {properties}::{_github_data(message)}\n")


def _where(related: RelatedLocation) -> str:
    return f"{relative_path(related.path)}:{related.start.line}:{related.start.column}"


def _gitlab_location(path: str, start: Position, end: Position) -> dict[str, object]:
    return {"path": relative_path(path), "lines": {"begin": start.line, "end": end.line}}


_GITLAB_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def render_gitlab(result: RunResult, out: TextIO, color: bool) -> None:
    """A GitLab Code Quality report (Code Climate issues)."""
    prints = fingerprints(result.reports)
    issues = [
        {
            "description": f"{f.code} {f.message}",
            "check_name": f"{f.code} {f.name}",
            "fingerprint": prints[id(f)],
            "severity": _GITLAB_SEVERITY[f.severity],
            "location": _gitlab_location(f.path, f.start, f.end),
            **(
                {"other_locations": [_gitlab_location(r.path, r.start, r.end) for r in f.related]}
                if f.related
                else {}
            ),
        }
        for _, f in findings(result.reports)
    ]
    json.dump(issues, out, indent=2)
    out.write("\n")


def render_junit(result: RunResult, out: TextIO, color: bool) -> None:
    """One test case per file checked, a failure per finding."""
    by_path = {report.path: report.findings for report in result.reports}
    paths = sorted(set(result.checked) | set(by_path))
    failures = sum(len(found) for found in by_path.values())
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites name="pipwarden" tests="{len(paths)}" failures="{failures}">\n')
    out.write(
        f'  <testsuite name="pipwarden" tests="{len(paths)}" failures="{failures}" errors="0">\n'
    )
    for path in paths:
        name = quoteattr(relative_path(path))
        found = by_path.get(path, [])
        if not found:
            out.write(f'    <testcase name={name} classname="pipwarden"/>\n')
            continue
        out.write(f'    <testcase name={name} classname="pipwarden">\n')
        for f in found:
            where = f"{relative_path(f.path)}:{f.start.line}:{f.start.column}"
            body = escape(
                f"{where}: {f.code} {f.message}" + (f"\nhelp: {f.help}" if f.help else "")
            )
            out.write(
                f"      <failure type={quoteattr(f.code)} message={quoteattr(f.message)}>{body}</failure>\n"
            )
        out.write("    </testcase>\n")
    out.write("  </testsuite>\n</testsuites>\n")
