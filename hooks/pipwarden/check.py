"""The engine: read a file, pick its front-end, run the analysis, turn hits into Findings,
apply selection and suppressions. Never raises on a file's content."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pipwarden import rules, suppress
from pipwarden.config import Settings
from pipwarden.discover import SHEBANG, Kind, classify_name
from pipwarden.frontends import Parsed
from pipwarden.model import Finding, SourceText, Span

MAX_BYTES = 10 * 1024 * 1024


@dataclass
class FileReport:
    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # the file could not be read at all
    source: SourceText | None = None  # kept for source frames when there are findings
    checked: bool = False


def _frontend(kind: Kind) -> Callable[[str, str], Parsed] | None:
    if kind is Kind.SHELL:
        from pipwarden.frontends import shellscript

        return shellscript.parse
    if kind is Kind.DOCKERFILE:
        from pipwarden.frontends import dockerfile

        return dockerfile.parse
    return None


def _shebang_kind(text: str) -> Kind | None:
    if not text.startswith("#!"):
        return None
    from pipwarden.frontends.shellscript import shebang_shell

    return Kind.SHELL if shebang_shell(text.split("\n", 1)[0]) else None


def _triggers(enabled: Iterable[str]) -> re.Pattern[str]:
    words = {t for code in enabled for t in rules.BY_CODE[code].triggers}
    return re.compile("|".join(sorted(map(re.escape, words))) or "(?!)", re.IGNORECASE)


class Checker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.rules = [r for r in rules.RULES if r.code in settings.enabled]
        self.triggers = _triggers(settings.enabled)

    def check_path(self, path: str, *, explicit: bool = False) -> FileReport:
        report = FileReport(path)
        kind = classify_name(path)
        if kind is None:
            return report
        try:
            size = os.stat(path).st_size
            if size > MAX_BYTES:
                if kind != SHEBANG:
                    self._problem(
                        report,
                        Span(0, 0),
                        f"file is {size / 2**20:.1f} MiB, more than pipwarden reads ({MAX_BYTES // 2**20} MiB); it was not checked",
                        SourceText(""),
                    )
                return report
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            if explicit or not isinstance(error, FileNotFoundError):
                report.error = error.strerror or str(error)
            return report
        if b"\0" in data[:8192]:
            if kind != SHEBANG:
                self._problem(
                    report,
                    Span(0, 0),
                    "binary file (it contains NUL bytes); it was not checked",
                    SourceText(""),
                )
            return report
        text = data.decode("utf-8", "surrogateescape")
        if text.startswith("\ufeff"):
            text = text[1:]
        if kind == SHEBANG:
            kind = _shebang_kind(text)
            if kind is None:
                return report
        assert isinstance(kind, Kind)
        try:
            report.findings = self.check_text(text, path, kind)
        except Exception as error:  # a bug of ours must not stop the run
            if os.environ.get("PIPWARDEN_STRICT"):
                raise
            report.error = f"internal error ({type(error).__name__}: {error}); please report it"
            return report
        report.checked = True
        if report.findings:
            report.source = SourceText(text)
        return report

    def check_text(self, text: str, path: str, kind: Kind) -> list[Finding]:
        parse = _frontend(kind)
        if parse is None or not self.triggers.search(text):
            return []
        from pipwarden.analysis import analyse

        source = SourceText(text)
        parsed = parse(text, path)
        findings = [
            self._finding(rules.PARSE_ERROR, path, source, problem.span, problem.message, "")
            for problem in parsed.problems
        ]
        for rule_hit in analyse(parsed.scopes, self.rules):
            hit = rule_hit.hit
            findings.append(
                self._finding(
                    rule_hit.rule,
                    path,
                    source,
                    hit.span,
                    hit.message,
                    hit.help or "",
                    hit.severity,
                    tuple((source.position(r.span.start), r.label) for r in hit.related),
                )
            )
        return self._filter(findings, path, text)

    def _finding(
        self,
        rule: rules.Rule,
        path: str,
        source: SourceText,
        span: Span,
        message: str,
        help_text: str,
        severity: rules.Severity | None = None,
        related: tuple = (),
    ) -> Finding:
        return Finding(
            rule.code,
            rule.name,
            message,
            help_text,
            rule.url,
            severity or rule.severity,
            path,
            source.position(span.start),
            source.position(max(span.end, span.start)),
            related,
            span,
        )

    def _problem(self, report: FileReport, span: Span, message: str, source: SourceText) -> None:
        report.findings = self._filter(
            [self._finding(rules.PARSE_ERROR, report.path, source, span, message, "")],
            report.path,
            "",
        )
        report.source = source

    def _filter(self, findings: list[Finding], path: str, text: str) -> list[Finding]:
        enabled = self.settings.enabled - self.settings.ignored_here(path)
        suppressions = suppress.scan(text)
        unique = {
            (f.code, f.start, f.end): f
            for f in findings
            if f.code in enabled and not suppressions.covers(f.code, f.start.line)
        }
        return sorted(unique.values(), key=lambda f: (f.start, f.code))
