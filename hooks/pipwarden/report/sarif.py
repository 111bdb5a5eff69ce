"""SARIF 2.1.0 for GitHub code scanning: the rule catalogue with its documentation, and each
finding with its exact region, related locations and a stable fingerprint."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pipwarden import __version__
from pipwarden.model import Finding, Position, Severity, SourceText
from pipwarden.report import findings, fingerprints, relative_path
from pipwarden.rules.catalog import tier

if TYPE_CHECKING:
    from pipwarden.run import RunResult

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _region(start_line: int, start_column: int, end_line: int, end_column: int) -> dict[str, int]:
    return {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    }


def _location(path: str, start: Position, end: Position) -> dict[str, object]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": relative_path(path), "uriBaseId": "SRCROOT"},
            "region": _region(start.line, start.column, end.line, end.column),
        }
    }


def _fix(f: Finding, source: SourceText) -> dict[str, object]:
    assert f.fix is not None
    replacements = []
    for edit in f.fix.edits:
        start, end = source.position(edit.span.start), source.position(edit.span.end)
        replacements.append(
            {
                "deletedRegion": _region(start.line, start.column, end.line, end.column),
                "insertedContent": {"text": edit.content},
            }
        )
    return {
        "description": {"text": f"{f.fix.title} ({f.fix.applicability})"},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": relative_path(f.path), "uriBaseId": "SRCROOT"},
                "replacements": replacements,
            }
        ],
    }


def render_sarif(result: RunResult, out: TextIO, color: bool) -> None:
    from pipwarden.rules.registry import ALL_RULES

    index = {rule.code: i for i, rule in enumerate(ALL_RULES)}
    rules = []
    for rule in ALL_RULES:
        entry: dict[str, object] = {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.summary},
            "help": {"text": rule.documentation(), "markdown": rule.documentation()},
            "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            "properties": {"tags": ["pip", tier(rule.code)], "tier": tier(rule.code)},
        }
        if rule.url:
            entry["helpUri"] = rule.url
        rules.append(entry)
    prints = fingerprints(result.reports)
    results = []
    for report, f in findings(result.reports):
        message = f.message + (f"\nhelp: {f.help}" if f.help else "")
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": _LEVEL[f.severity],
                "message": {"text": message},
                "locations": [_location(f.path, f.start, f.end)],
                "relatedLocations": [
                    {**_location(r.path, r.start, r.end), "id": i, "message": {"text": r.message}}
                    for i, r in enumerate(f.related)
                ],
                "partialFingerprints": {"pipwarden/v1": prints[id(f)]},
                "properties": {"tier": tier(f.code)},
                **(
                    {"fixes": [_fix(f, report.source)]}
                    if f.fix is not None and report.source
                    else {}
                ),
            }
        )
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pipwarden",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": Path(os.getcwd()).as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    json.dump(document, out, indent=2)
    out.write("\n")
