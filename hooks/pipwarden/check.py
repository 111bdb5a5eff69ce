"""The engine: read a file, pick its front-end, run the analysis, turn hits into Findings,
apply selection and suppressions. Never raises on a file's content."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pipwarden.config import Settings
from pipwarden.discover import SHEBANG, YAML, Kind, ci_kind_by_content, kind_by_name
from pipwarden.model import SAFE, Edit, FileReport, Finding, Fix, Related, SourceText, Span
from pipwarden.reading import (
    MAX_BYTES,
    ONLY_MAKE,
    decode,
    digest,
    frontend,
    mention,
    mentions,
    shebang_kind,
)
from pipwarden.rules.catalog import STRICT, gives_way, with_alone

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pipwarden import suppress
    from pipwarden.follow import Library
    from pipwarden.rules.base import Rule, RuleHit
    from pipwarden.shell.session import SharedScripts


def one_per_cause(rule_hits: Iterable[RuleHit]) -> list[RuleHit]:
    """One finding per rule and cause: the first hit of each (in the file's order), the later
    ones its related notes (a lost activation reported once, at the first command that needed
    it, not at every later line)."""
    kept: list[RuleHit] = []
    first: dict[tuple[str, Span, bool], int] = {}
    for rule_hit in sorted(rule_hits, key=lambda h: h.hit.span.start):
        hit = rule_hit.hit
        # A hit that holds only where the file is run by hand stays apart from the others.
        key = (rule_hit.rule.code, hit.cause, hit.alone) if hit.cause is not None else None
        if key is None or key not in first:
            if key is not None:
                first[key] = len(kept)
            kept.append(rule_hit)
            continue
        index = first[key]
        earlier = kept[index].hit
        if hit.span != earlier.span and all(r.span != hit.span for r in earlier.related):
            note = Related(hit.span, hit.also or hit.message)
            kept[index] = kept[index]._replace(
                hit=earlier._replace(related=(*earlier.related, note))
            )
    return kept


def _unsuppress(item: suppress.Suppression, idle: list[str], source: SourceText) -> Edit:
    """The edit that takes idle codes out of a suppression, or the whole comment (its line,
    when it stands alone) when none is left."""
    kept = [code for code in item.codes if code not in idle]
    line_start = source.offset(item.line)
    line = source.line_text(item.line)
    comment_start = item.span.start - line_start
    directive = source.text[item.span.start : item.span.end]
    if kept and "[" not in directive:
        return Edit(item.span, "# noqa: " + ", ".join(kept))
    if kept:
        inside = Span(
            item.span.start + directive.index("[") + 1, item.span.start + directive.rindex("]")
        )
        return Edit(inside, ",".join(kept))
    end = comment_start + len(line[comment_start:].split(" #", 1)[0].rstrip())
    if not line[:comment_start].strip():
        following = (
            source.offset(item.line + 1)
            if item.line < len(source.line_starts)
            else len(source.text)
        )
        return Edit(Span(line_start, following), "")
    start = len(line[:comment_start].rstrip())
    return Edit(Span(line_start + start, line_start + end), "")


class Checker:
    def __init__(
        self, settings: Settings, *, fingerprint: bool = False, library: Library | None = None
    ) -> None:
        self.settings = settings
        self.fingerprint = fingerprint  # record what each file was, for the cache
        self._rules: list[Rule] | None = None
        self._library = library  # the language server shares one that reads unsaved text
        self._scripts: SharedScripts | None = None

    @property
    def library(self) -> Library:
        """The files read for calls, parsed once for every file of the run that calls them."""
        if self._library is None:
            from pipwarden.follow import Library

            self._library = Library()
        return self._library

    @property
    def rules(self) -> list[Rule]:
        if self._rules is None:
            from pipwarden.rules.registry import RULES

            # The hidden strict rules run too, for the count a default run ends with.
            wanted = self.settings.enabled | self.settings.hidden
            self._rules = [r for r in RULES if r.code in wanted]
        return self._rules

    def check_path(self, path: str, *, explicit: bool = False) -> FileReport:
        report = FileReport(path)
        kind = self.kind_by_name(path, report)
        if kind is None:
            return report
        try:
            with open(path, "rb") as handle:
                status = os.fstat(handle.fileno())
                size = status.st_size
                data = handle.read() if size <= MAX_BYTES else b""
        except OSError as error:
            if explicit or not isinstance(error, FileNotFoundError):
                report.error = error.strerror or str(error)
            return report
        if self.fingerprint:
            report.size, report.mtime, report.digest = size, status.st_mtime_ns, digest(data)
        return self.check_data(report, kind, data, size)

    @staticmethod
    def kind_by_name(path: str, report: FileReport) -> Kind | str | None:
        """The kind a file's name and place tell (see `discover.kind_by_name`); the files
        the answer depends on go to the report's dependencies."""
        return kind_by_name(path, report.dependencies)

    def check_data(
        self, report: FileReport, kind: Kind | str, data: bytes, size: int | None = None
    ) -> FileReport:
        """Check a file's bytes (read from disk, or an editor's unsaved text): `size` is the
        file's, when more than MAX_BYTES of it were not read."""
        size = len(data) if size is None else size
        path = report.path
        # A kind only the content can confirm: until then the file is not ours to report on.
        tentative = kind in (SHEBANG, YAML)
        if size > MAX_BYTES:
            if not tentative:
                message = f"file is {size / 2**20:.1f} MiB, more than pipwarden reads ({MAX_BYTES // 2**20} MiB); it was not checked"
                self._problem(report, message)
            return report
        if b"\0" in data[:8192]:
            if not tentative:
                self._problem(report, "binary file (it contains NUL bytes); it was not checked")
            return report
        found = mention(data)
        if found is None:
            report.checked = not tentative
            return report
        text, report.bom = decode(data)
        if kind == SHEBANG:
            kind = shebang_kind(text)
            if kind is None:
                return report
        elif kind == YAML:
            kind = ci_kind_by_content(text)
            if kind is None:
                return report  # plain YAML: skipped, silently
        assert isinstance(kind, Kind)
        report.kind = kind
        try:
            report.findings = self._check_mentioning(
                text, path, kind, report, only_make=found == ONLY_MAKE
            )
        except Exception as error:  # a bug of ours must not stop the run
            if os.environ.get("PIPWARDEN_STRICT"):
                raise
            report.error = f"internal error ({type(error).__name__}: {error}); please report it"
            return report
        report.checked = True
        if report.findings or report.alone:
            report.source = SourceText(text)
        return report

    def check_text(
        self,
        text: str,
        path: str,
        kind: Kind,
        report: FileReport | None = None,
        held: frozenset[str] | None = None,
    ) -> list[Finding]:
        """The findings in `text`. A suppression of a `held` code (by default, in a file
        others may run, any code a caller's state can make) is not reported unused here: with
        a `report` (a check of the file as it is on disk) the run decides (`report.deferred`).
        With a `report`, the scripts the file runs are followed too: their findings go to
        `report.foreign`, and the
        other files the result depends on to `report.dependencies`."""
        if not mentions(text.encode("utf-8", "surrogateescape")):
            return []
        return self._check_mentioning(text, path, kind, report, held)

    def _check_mentioning(
        self,
        text: str,
        path: str,
        kind: Kind,
        report: FileReport | None = None,
        held: frozenset[str] | None = None,
        *,
        only_make: bool = False,
    ) -> list[Finding]:
        """`check_text` of a text known to mention something a rule reads (`only_make`: only
        a `make` it runs)."""
        parse = frontend(kind)
        if parse is None:
            return []
        parsed = parse(text, path)
        if report is not None:
            report.dependencies.extend(parsed.dependencies)
            report.unread = list(parsed.unread)
        if not parsed.scopes and not parsed.problems:
            return self._filter([], path, text, kind, held, report)  # suppressions may be stale
        from pipwarden.analysis import analyse
        from pipwarden.analysis.reach import reaches_makefile
        from pipwarden.follow import Calls
        from pipwarden.model import Hit
        from pipwarden.rules.registry import PARSE_ERROR

        if self._scripts is None:
            from pipwarden.shell.session import SharedScripts

            self._scripts = SharedScripts()
        scopes = [self._scripts.scope(scope) for scope in parsed.scopes]
        calls = Calls(self.library, path, SourceText(text))
        findings = [
            calls.finding(PARSE_ERROR, Hit(problem.span, problem.message))
            for problem in parsed.problems
        ]
        follow = report is not None and self.settings.follow_calls
        foreign: list[Finding] = []
        cut = report.unread if report is not None else None
        absolute = os.path.abspath(path)
        # A shell script that says nothing a rule reads but `make`, which reads no Makefile
        # a rule can read anything in: build glue, the walk would find nothing.
        idle = (
            only_make
            and follow
            and kind is Kind.SHELL
            and not reaches_makefile(scopes, absolute, calls)
        )
        hits = () if idle else analyse(scopes, self.rules, calls if follow else None, absolute, cut)
        for rule_hit in one_per_cause(hits):
            finding = calls.finding(rule_hit.rule, rule_hit.hit)
            (findings if finding.path == path else foreign).append(finding)
        if report is not None:
            report.dependencies.extend(calls.dependencies)
            report.notes.extend(calls.notes)
            report.called = calls.followed
            wanted = self.settings.enabled | self.settings.hidden
            report.foreign = [
                f
                for f in foreign
                if f.code in wanted and f.code not in self.settings.ignored_here(f.path)
            ]
        kept = self._filter(findings, path, text, kind, held, report)
        alone = [f for f in kept if f.alone]
        kept = [f for f in kept if not f.alone]
        # A default hit that holds only where the file runs on its own stood aside for the
        # strict hits on its command (`walk._dispatch`); suppressed, it still stands for them.
        silenced = {
            (f.start.line, f.start.column) for f in findings if f.alone and f.code not in STRICT
        }
        silenced -= {(f.start.line, f.start.column) for f in alone}
        if follow and report is not None:
            report.alone, report.silenced = alone, sorted(silenced)
            return kept
        kept = [f for f in kept if not gives_way(f, silenced)]
        hidden = [h for h in report.hidden if (h[1], h[2]) not in silenced] if report else []
        kept, hidden = with_alone(kept, alone, hidden, self.settings.hidden)
        if report is not None:
            report.hidden = hidden
        return kept

    def _finding(
        self,
        rule: Rule,
        path: str,
        source: SourceText,
        span: Span,
        message: str,
        help_text: str,
        fix: Fix | None = None,
    ) -> Finding:
        from pipwarden.follow import Calls
        from pipwarden.model import Hit

        return Calls(None, path, source).finding(rule, Hit(span, message, help_text, fix=fix))

    def _problem(self, report: FileReport, message: str) -> None:
        """A file that could not be read as text: one PW900 at its start."""
        from pipwarden.rules.registry import PARSE_ERROR

        source = SourceText("")
        finding = self._finding(PARSE_ERROR, report.path, source, Span(0, 0), message, "")
        report.findings = self._filter([finding], report.path, "")
        report.source = source

    def _filter(
        self,
        findings: list[Finding],
        path: str,
        text: str,
        kind: Kind | None = None,
        held: frozenset[str] | None = None,
        report: FileReport | None = None,
    ) -> list[Finding]:
        enabled = self.settings.enabled - self.settings.ignored_here(path)
        from pipwarden import suppress  # a few regular expressions: only files that are read

        suppressions = suppress.scan(text, python=kind is Kind.PYTHON)
        shown = [f for f in findings if not suppressions.covers(f.code, f.start.line)]
        hidden = self.settings.hidden - self.settings.ignored_here(path)
        # Those of rules a default run only counts stay too where they hold only for the file
        # run on its own: whether they count is the run's to say (`with_alone`).
        unique = {
            (f.code, f.start, f.end): f
            for f in shown
            if f.code in enabled or (f.alone and f.code in hidden)
        }
        if report is not None:
            report.hidden = sorted(
                {
                    (f.code, f.start.line, f.start.column)
                    for f in shown
                    if f.code in hidden and not f.alone
                }
            )
        if "PW100" in enabled and suppressions.items:
            source = SourceText(text)
            if held is None:
                held = self._held_by_callers(path, kind)
            for item, idle in suppressions.unused(enabled):
                finding = self._unused(item, idle, path, source)
                if suppressions.covers("PW100", finding.start.line):
                    continue
                if held.intersection(idle):
                    # Maybe a caller's finding: the run knows the callers, a check alone not.
                    if report is not None and self.settings.follow_calls:
                        report.deferred.append(finding)
                    continue
                unique[(finding.code, finding.start, finding.end)] = finding
        return sorted(unique.values(), key=lambda f: (f.start, f.code))

    @staticmethod
    def _held_by_callers(path: str, kind: Kind | None) -> frozenset[str]:
        """In a file other files may run, the codes a suppression may hold for its callers'
        findings: checked alone, the file cannot tell they are unused."""
        from pipwarden.follow import may_be_called

        if kind is None or not may_be_called(path, kind):
            return frozenset()
        from pipwarden.rules.registry import ALL_RULES

        return frozenset(rule.code for rule in ALL_RULES if rule.caller_dependent)

    def _unused(
        self, item: suppress.Suppression, idle: list[str], path: str, source: SourceText
    ) -> Finding:
        from pipwarden.rules.registry import UNUSED_SUPPRESSION

        codes = ", ".join(idle)
        reason = f" (its reason: {item.reason})" if item.reason else ""
        message = (
            f"the suppression of {codes} covers no {codes} finding on this line or the next{reason}"
        )
        remedy = "remove the comment" if len(idle) == len(item.codes) else f"remove {codes} from it"
        fix = Fix((_unsuppress(item, idle, source),), SAFE, remedy)
        return self._finding(UNUSED_SUPPRESSION, path, source, item.span, message, remedy, fix=fix)
