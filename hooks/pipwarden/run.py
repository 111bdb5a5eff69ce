"""One run over the paths of a command line: discover, check (in parallel for large trees),
collect."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pipwarden.config import Settings, forget_subrepos
from pipwarden.discover import (
    Candidate,
    discover,
    gitlab_includes,
    kind_by_name,
    repository_root,
    unrun_workflow,
    work_tree,
)
from pipwarden.model import UNSAFE, FileReport, Finding, SourceText
from pipwarden.reading import MAX_BYTES, decode
from pipwarden.rules.catalog import STRICT, with_alone

if TYPE_CHECKING:
    from pipwarden import suppress
    from pipwarden.check import Checker

# Below this many files a second process costs more than it saves: 20 ms of wall time on 2
# cores at 60 files; from 120 on the pool gains (a repository of 172 whose Makefile and
# installers are walked for 6 s of CPU: 6.8 s -> 3.9 s wall).
PARALLEL_THRESHOLD = 100


class RunResult:
    __slots__ = ("_sources", "checked", "errors", "hidden", "notes", "reports", "unread")

    def __init__(self) -> None:
        self.reports: list[FileReport] = []  # the files with findings
        self.errors: list[str] = []
        self.checked: list[str] = []  # every file read as one of our kinds
        self.notes: list[str] = []  # what --verbose adds: calls not followed
        # Files checked but for parts that could not be read: path, what.
        self.unread: list[tuple[str, str]] = []
        # Findings the strict tier holds that the run's selection left out (`Settings.hidden`).
        self.hidden = 0
        self._sources: dict[str, SourceText | None] = {}

    def source(self, path: str) -> SourceText | None:
        """The text of a file a finding points into (a related location in another file)."""
        if not self._sources:  # the reports' own texts, by path, once: not a scan per note
            for report in self.reports:
                if report.source is not None:
                    self._sources.setdefault(os.path.abspath(report.path), report.source)
        absolute = os.path.abspath(path)
        if absolute not in self._sources:
            self._sources[absolute] = _read_source(absolute)
        return self._sources[absolute]


def _read_source(path: str) -> SourceText | None:
    try:
        with open(path, "rb") as handle:
            return SourceText(decode(handle.read())[0])
    except OSError:
        return None


_worker_checker: Checker | None = None


def _start_worker(settings: Settings, fingerprint: bool) -> None:
    from pipwarden.check import Checker

    global _worker_checker
    _worker_checker = Checker(settings, fingerprint=fingerprint)


def _check_in_worker(candidates: list[Candidate]) -> list[FileReport]:
    assert _worker_checker is not None
    return [_worker_checker.check_path(c.path, explicit=c.explicit) for c in candidates]


def _check(candidates: list[Candidate], settings: Settings, fingerprint: bool) -> list[FileReport]:
    if not candidates:
        return []  # a cached rerun of an unchanged tree: the engine is not even imported
    from pipwarden.check import Checker

    workers = min(os.cpu_count() or 1, 8)
    if len(candidates) < PARALLEL_THRESHOLD or workers < 2:
        checker = Checker(settings, fingerprint=fingerprint)
        return [checker.check_path(c.path, explicit=c.explicit) for c in candidates]
    from concurrent.futures import ProcessPoolExecutor  # costs 12 ms: only when used

    size = max(16, len(candidates) // (workers * 8))
    chunks = [candidates[i : i + size] for i in range(0, len(candidates), size)]
    with ProcessPoolExecutor(
        workers, initializer=_start_worker, initargs=(settings, fingerprint)
    ) as pool:
        return [r for chunk in pool.map(_check_in_worker, chunks) for r in chunk]


def run(
    paths: list[str], settings: Settings, *, force_exclude: bool = False, cache: bool = False
) -> RunResult:
    """Check `paths`. As in ruff, `exclude` applies to files found in directories; files named
    on the command line are checked anyway unless `force_exclude` (what the pre-commit hook
    passes, since pre-commit names every file). With `cache`, unchanged files give back their
    earlier results (see `cache`)."""
    result = RunResult()
    # A run reads the repository as it is now.
    gitlab_includes.cache_clear()
    work_tree.cache_clear()
    forget_subrepos()
    store = None
    if cache:
        from pipwarden.cache import Cache

        store = Cache(settings.cache_dir, settings)
    candidates: list[Candidate] = []
    for found in discover(paths, store.walks if store else None):
        if isinstance(found, OSError):
            result.errors.append(f"{found.filename}: {found.strerror}")
        elif found.explicit and kind_by_name(found.path) is None:
            continue  # not a file pipwarden reads (plain YAML pre-commit names)
        elif (found.explicit and not force_exclude) or not (
            settings.excluded(found.path) or unrun_workflow(found.path)
        ):
            candidates.append(found)
    known: dict[str, FileReport | None] = {}
    if store is not None:
        known = store.lookup([c.path for c in candidates])
        candidates = [c for c in candidates if c.path in known]
    todo = [c for c in candidates if known.get(c.path) is None]
    for report in _check(todo, settings, fingerprint=store is not None):
        known[report.path] = report
        if store is not None:
            store.store(report)
    if store is not None:
        store.save()
    reports = [known[c.path] for c in candidates if known.get(c.path) is not None]
    if settings.follow_calls:
        reports = with_called(reports, settings, search=not _whole_repository(paths))
    for report in reports:
        if report.checked:
            result.checked.append(report.path)
        if report.error is not None:
            result.errors.append(f"{report.path}: {report.error}")
        result.notes.extend(report.notes)
        if report.unread:  # rare: no generator for each of ten thousand files
            result.unread.extend((report.path, part) for part in report.unread)
        result.hidden += len(report.hidden)
        if report.findings:
            result.reports.append(report)
    return result


def _whole_repository(paths: list[str]) -> bool:
    """Whether the run reads a whole repository (a directory at or above its work tree's
    root), so that every file that may call a script is already in it."""
    for path in paths:
        absolute = os.path.abspath(path)
        if os.path.isdir(absolute) and repository_root(absolute) == absolute:
            return True
    return False


def with_called(
    reports: list[FileReport], settings: Settings, *, search: bool = False
) -> list[FileReport]:
    """The findings each file's calls made in the scripts it runs, reported in those scripts:
    once per problem (a finding the script has alone stands as it is; the same finding
    through several callers names each call), under the script's own suppressions. A
    script's suppression that only its callers' findings use is not unused; with `search`,
    callers outside the run are looked for in the repository before one is said to be."""
    _alone_unless_called(reports, settings, search)
    called: dict[str, list[Finding]] = {}
    for report in reports:
        for finding in report.foreign:
            called.setdefault(os.path.abspath(finding.path), []).append(finding)
    if not called and not any(r.deferred for r in reports):
        return reports
    from pipwarden import suppress
    from pipwarden.follow import callable_kind

    by_path = {os.path.abspath(r.path): r for r in reports}
    reports = list(reports)
    for absolute, found in called.items():
        report = by_path.get(absolute)
        if report is None:
            if settings.excluded(absolute):
                continue
            report = by_path[absolute] = FileReport(found[0].path, checked=True)
            reports.append(report)
        source = report.source or _read_source(absolute)
        if source is None:
            continue
        if report.kind is None:
            report.kind = callable_kind(absolute, source.text)
        suppressions = suppress.scan(source.text)
        merged: dict[tuple[object, ...], Finding] = {
            (f.code, f.start, f.end): f for f in report.findings
        }
        # The script's own strict findings on a command where a default one held only for
        # the script run on its own: a caller's, which says where it runs, takes their place.
        aside = {(f.start.line, f.start.column) for f in report.alone if f.code not in STRICT}
        own = {key for key, f in merged.items() if (f.start.line, f.start.column) not in aside}
        replaced = set(merged) - own
        hidden = set(report.hidden)
        for finding in found:
            key = (finding.code, finding.start, finding.end)
            if key in own or suppressions.covers(finding.code, finding.start.line):
                continue
            if key in replaced:
                replaced.discard(key)
                del merged[key]
            if finding.code in settings.hidden:  # counted for the summary, not reported
                hidden.add((finding.code, finding.start.line, finding.start.column))
                continue
            finding = finding._replace(path=report.path)
            merged[key] = _joined(merged[key], finding) if key in merged else finding
        # One finding per command across tiers, also where a caller's state makes the
        # default finding: the script's own strict findings on that command give way (not
        # those on another command of its line: `pip3 install a; pip install --user b`).
        defaults = [f for f in [*merged.values(), *found] if f.code not in STRICT]
        kept, counted = _giving_way(list(merged.values()), list(hidden), defaults)
        report.findings = sorted(_most_specific(kept), key=lambda f: (f.start, f.code))
        report.hidden = sorted(counted)
        if report.findings:
            report.source = source
        report.deferred = _still_unused(report.deferred, suppressions)
    for report in reports:
        if report.deferred and search:
            report.deferred = _unused_by_other_callers(report, by_path, settings)
        if report.deferred:
            report.findings = sorted(
                {*report.findings, *report.deferred}, key=lambda f: (f.start, f.code)
            )
            report.source = report.source or _read_source(report.path)
    return reports


def _most_specific(findings: list[Finding]) -> list[Finding]:
    """One strict finding per command where the script's own check and a caller's state gave
    two rules on it (`pip3` is PW203 run by hand, PW102 where the caller showed it runs as
    root): the one that gives way to the other goes, as within one check. Default findings
    of different callers each stand (PW305 in one image, PW401 in another)."""
    from pipwarden.rules.registry import ALL_RULES

    superseded = {rule.code: rule.superseded_by for rule in ALL_RULES}
    codes: dict[object, set[str]] = {}
    for finding in findings:
        codes.setdefault(finding.start, set()).add(finding.code)
    return [
        f
        for f in findings
        if f.code not in STRICT or not codes[f.start].intersection(superseded.get(f.code, ()))
    ]


def _alone_unless_called(reports: list[FileReport], settings: Settings, search: bool) -> None:
    """Each file's findings that hold only where nothing in the repository runs it
    (`Hit.alone`): kept where no file runs it, dropped where one does (it runs in that file's
    CI job or image build, whose state its own check judged). With `search`, a file the run
    did not see run is looked for among the repository's files that name it; where those
    make a default finding on a line, the file's own strict findings there give way, as in
    a run of the whole repository."""
    runs = {path for report in reports for path in report.called}
    for report in reports:
        if not report.alone and not report.silenced:
            continue
        absolute = os.path.abspath(report.path)
        if absolute in runs:
            continue
        seen = {os.path.abspath(r.path) for r in reports}
        callers = (
            [c for c in callers_outside(absolute, seen, settings) if absolute in c.called]
            if search
            else []
        )
        if not callers:
            report.findings, report.hidden = with_alone(
                report.findings, report.alone, report.hidden, settings.hidden, report.silenced
            )
            continue
        defaults = [
            f
            for c in callers
            for f in c.foreign
            if f.code not in STRICT and os.path.abspath(f.path) == absolute
        ]
        report.findings, report.hidden = _giving_way(report.findings, report.hidden, defaults)


def _giving_way(
    findings: list[Finding], hidden: list[tuple[str, int, int]], defaults: list[Finding]
) -> tuple[list[Finding], list[tuple[str, int, int]]]:
    """`findings` and the strict ones only counted (`hidden`) less the strict ones on the
    commands `defaults` speak for: one finding per command across tiers. The counted ones
    are known by line."""
    proven = {_command_of(f) for f in defaults}
    lines = {f.start.line for f in defaults}
    return (
        [f for f in findings if f.code not in STRICT or _command_of(f) not in proven],
        [h for h in hidden if h[1] not in lines],
    )


def _command_of(finding: Finding) -> object:
    """The command a finding was made on, or where the analysis did not say, its line."""
    return finding.command if finding.command is not None else finding.start.line


def _still_unused(deferred: list[Finding], suppressions: suppress.Suppressions) -> list[Finding]:
    """The unused-suppression findings whose suppression no caller's finding used."""
    used = {item.line for item in suppressions.items if item.used}
    return [f for f in deferred if f.start.line not in used]


def _unused_by_other_callers(
    report: FileReport, checked: dict[str, FileReport], settings: Settings
) -> list[Finding]:
    """`report.deferred` less those a repository file outside the run uses by calling the
    script. Costs a read of the repository, so it is done only for a script with a
    suppression that looks unused."""
    from pipwarden import suppress

    absolute = os.path.abspath(report.path)
    found = [
        f
        for caller in callers_outside(absolute, set(checked), settings)
        for f in caller.foreign
        if os.path.abspath(f.path) == absolute
    ]
    if not found:
        return report.deferred
    source = report.source or _read_source(absolute)
    suppressions = suppress.scan(source.text if source else "")
    for finding in found:
        suppressions.covers(finding.code, finding.start.line)
    return _still_unused(report.deferred, suppressions)


def callers_outside(absolute: str, seen: set[str], settings: Settings) -> Iterator[FileReport]:
    """The checks of the repository's files outside `seen` that name the script at
    `absolute` (as a caller writes it), which may run it."""
    from pipwarden.check import Checker

    checker = Checker(settings)
    for path in may_call(absolute, seen):
        yield checker.check_path(path)


def may_call(absolute: str, seen: set[str]) -> Iterator[str]:
    """The repository's files outside `seen` that name the script at `absolute`."""
    from pipwarden.follow import called_as

    needle = called_as(absolute).encode()
    for candidate in discover([repository_root(os.path.dirname(absolute))]):
        if isinstance(candidate, OSError) or os.path.abspath(candidate.path) in seen:
            continue
        try:
            with open(candidate.path, "rb") as handle:
                if needle not in handle.read(MAX_BYTES):
                    continue
        except OSError:
            continue
        yield candidate.path


def _joined(first: Finding, other: Finding) -> Finding:
    """One finding made through two callers: both calls named, and a fix only as safe as
    the less safe of the two (none where they disagree on the edit)."""
    related = tuple(dict.fromkeys((*first.related, *other.related)))
    fix = first.fix
    if fix is not None and other.fix != fix:
        same_edits = other.fix is not None and other.fix.edits == fix.edits
        fix = fix._replace(applicability=UNSAFE) if same_edits else None
    return first._replace(related=related, fix=fix)


def add_suppressions(
    result: RunResult, settings: Settings, paths: list[str], force_exclude: bool, cache: bool
) -> tuple[int, RunResult]:
    """Suppress every finding in place, then check again. A file whose new text would not
    check clean (a comment the format would not take) is left as it was."""
    from pipwarden.check import Checker
    from pipwarden.noqa import with_suppressions
    from pipwarden.write import ChangedOnDisk, rewrite

    checker = Checker(settings)
    added = 0
    problems = []
    for report in result.reports:
        if report.kind is None or report.source is None:
            continue
        text = report.source.text
        new_text = with_suppressions(text, report.kind, report.findings)
        # Each comment must hold as a comment of the format: only those of findings the
        # file's callers make (unseen here) may look unused.
        alone = {f.code for f in checker.check_text(text, report.path, report.kind)}
        callers = frozenset({f.code for f in report.findings} - alone)
        left = checker.check_text(new_text, report.path, report.kind, held=callers)
        # Findings the file has only where nothing runs it, when something does, were not
        # reported and need no comment.
        kept_alone = any(f.alone for f in report.findings)
        left = [f for f in left if f.code != "PW900" and (kept_alone or not f.alone)]
        if new_text == text or left:
            problems.append(
                f"{report.path}: suppression comments would not hold here; left unchanged"
            )
            continue
        try:
            rewrite(report.path, new_text, original=text, bom=report.bom)
        except (OSError, ChangedOnDisk) as error:
            problems.append(f"{report.path}: not written: {error}")
            continue
        added += new_text.count("# pipwarden: ignore[") - text.count("# pipwarden: ignore[")
    again = run(paths, settings, force_exclude=force_exclude, cache=cache)
    again.errors[:0] = problems
    return added, again


class FixOutcome:
    __slots__ = ("diffs", "errors", "fixed")

    def __init__(self) -> None:
        self.fixed: dict[str, list[Finding]] = {}  # path → findings fixed
        self.diffs: list[str] = []
        self.errors: list[str] = []


def fix_files(result: RunResult, settings: Settings, *, unsafe: bool, write: bool) -> FixOutcome:
    """Fix what the run found, file by file; write (atomically, only files that change, only
    if unchanged on disk since read) or, with write=False, describe the change as a diff."""
    import difflib

    from pipwarden.check import Checker
    from pipwarden.fix import applicable, fix_text
    from pipwarden.write import ChangedOnDisk, rewrite

    checker = Checker(settings)
    outcome = FixOutcome()
    for report in result.reports:
        kind = report.kind
        if kind is None or report.source is None or not applicable(report.findings, unsafe):
            continue
        text = report.source.text
        new_text, fixed, _ = fix_text(
            text,
            lambda t, k=kind, p=report.path: checker.check_text(t, p, k),
            unsafe,
            report.findings,
        )
        if new_text == text:
            continue
        if not write:
            outcome.diffs.append(
                "".join(
                    difflib.unified_diff(
                        text.splitlines(keepends=True),
                        new_text.splitlines(keepends=True),
                        f"a/{report.path}",
                        f"b/{report.path}",
                    )
                )
            )
            outcome.fixed[report.path] = fixed
            continue
        try:
            rewrite(report.path, new_text, original=text, bom=report.bom)
        except (OSError, ChangedOnDisk) as error:
            outcome.errors.append(f"{report.path}: not fixed: {error}")
            continue
        outcome.fixed[report.path] = fixed
    return outcome
