"""The language server's use of the engine, without a word of LSP: the open documents, one
Checker (its parse cache and call following) shared by every check, and the verdict of each
open document as a run over the open files and the files that call them would give it.

Every check runs on one worker thread, so the engine is never entered twice at once and the
server stays free to answer (`shutdown` included) while a long check runs. The editor's
thread only records what changed and reads the verdicts the worker replaces whole."""

from __future__ import annotations

import functools
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from pipwarden.check import Checker
from pipwarden.config import SUBREPO_MARKER, ConfigError, Settings, forget_subrepos, load
from pipwarden.discover import Kind, gitlab_includes
from pipwarden.follow import Library, display_path, may_be_called
from pipwarden.model import FileReport, Finding, SourceText
from pipwarden.reading import decode
from pipwarden.record import Record
from pipwarden.rules.catalog import DEFAULT

# The files settings come from: a change re-checks every open document.
CONFIG_NAMES = frozenset({"pyproject.toml", ".pipwarden.toml", "pipwarden.toml"})

# Files whose name tells no kind, known by what the editor calls them. YAML is not here:
# only its place says it is CI configuration, as discovery decides; nor PowerShell and cmd,
# whose scripts the front-end knows by their suffix (without one it would read them as sh).
LANGUAGES = {
    "dockerfile": Kind.DOCKERFILE,
    "shellscript": Kind.SHELL,
    "sh": Kind.SHELL,
    "bash": Kind.SHELL,
    "makefile": Kind.MAKEFILE,
    "make": Kind.MAKEFILE,
    "python": Kind.PYTHON,
}

T = TypeVar("T")


class Document(Record):
    """An open document as the editor last sent it."""

    path: str  # as findings name it: relative to the workspace root when inside it
    version: int | None
    text: str
    language: str


class Verdict(Record):
    """What an open document's last check found, for the text of `version`."""

    version: int | None
    kind: Kind | None
    source: SourceText
    findings: tuple[Finding, ...]


class EditorLibrary(Library):
    """Called scripts as the editor has them, saved or not."""

    def __init__(self, documents: dict[str, Document]) -> None:
        super().__init__()
        self.documents = documents

    def read_bytes(self, absolute: str) -> bytes | None:
        document = self.documents.get(absolute)
        if document is None:
            return super().read_bytes(absolute)
        return document.text.encode("utf-8", "surrogateescape")


def load_settings(options: dict[str, Any]) -> tuple[Settings, str | None]:
    """The workspace's settings (the current directory is its root) with the client's
    `initializationOptions` over them; a configuration that cannot be used gives the
    defaults and the reason."""

    def codes(*keys: str) -> list[str] | None:
        for key in keys:
            value = options.get(key)
            if isinstance(value, list):
                return [str(code) for code in value]
        return None

    follow = options.get("followCalls", options.get("follow-calls"))
    try:
        settings = load(
            None,
            select=codes("select"),
            extend_select=codes("extendSelect", "extend-select"),
            ignore=codes("ignore"),
            follow_calls=follow if isinstance(follow, bool) else None,
        )
    except ConfigError as error:
        return Settings(DEFAULT, os.getcwd()), str(error)
    return settings, None


class Engine:
    def __init__(
        self,
        options: dict[str, Any],
        publish: Callable[[str, Verdict], None],
        warn: Callable[[str], None],
    ) -> None:
        self.options = options
        self.publish = publish  # called on the worker thread: absolute path, verdict
        self.warn = warn
        self.documents: dict[str, Document] = {}  # by absolute path; written by the editor
        self.verdicts: dict[str, Verdict] = {}  # written by the worker
        self.library = EditorLibrary(self.documents)
        self.settings, problem = load_settings(options)
        if problem:
            warn(problem)
        self.checker = Checker(self.settings, library=self.library)
        # The worker's own state: the last check of each open document and of each file
        # that may call an open script, and those callers.
        self._reports: dict[str, FileReport] = {}
        self._callers: dict[str, list[str]] = {}
        self._checked: dict[str, Document] = {}  # the text each open document's check read
        self._suppressed: dict[tuple[object, ...], str | None] = {}
        self._jobs: queue.SimpleQueue[tuple[set[str], Callable[[], None] | None]] = (
            queue.SimpleQueue()
        )
        threading.Thread(target=self._work, name="pipwarden-checks", daemon=True).start()

    # The editor's side --------------------------------------------------------------------

    def update(self, absolute: str, document: Document | None) -> None:
        """Record an opened, changed or closed document; `changed` has it checked (and has
        the worker forget how it read it for calls, never this thread)."""
        if document is None:
            self.documents.pop(absolute, None)
        else:
            self.documents[absolute] = document

    def changed(self, paths: set[str], *, saved: bool = False) -> None:
        """Check again what depends on these files (absolute paths). After a save, which may
        have made a file a caller, the callers of open scripts are looked for again."""
        self._jobs.put((paths, self._forget_callers if saved else None))

    def configure(self, options: dict[str, Any]) -> None:
        """New settings from the client: every open document is checked again."""

        def reload() -> None:
            self.options = options
            self._reload()
            self._reports.clear()

        self._jobs.put((set(self.documents), reload))

    def call(self, function: Callable[[], T]) -> Future[T]:
        """Run `function` on the worker, between checks."""
        future: Future[T] = Future()

        def job() -> None:
            try:
                future.set_result(function())
            except Exception as error:  # the caller answers the request with it
                future.set_exception(error)

        self._jobs.put((set(), job))
        return future

    def fix_all(self, absolute: str, verdict: Verdict) -> str | None:
        """The document's text with every safe fix applied, as `--fix` would write it; on
        the worker (fixing checks the text again)."""
        from pipwarden.fix import fix_text

        document = self.documents.get(absolute)
        kind = verdict.kind
        if kind is None or document is None or document.version != verdict.version:
            return None
        text, _, _ = fix_text(
            verdict.source.text,
            lambda t: self.checker.check_text(t, document.path, kind),
            False,
            list(verdict.findings),
        )
        return text

    def suppressed(self, absolute: str, verdict: Verdict, finding: Finding) -> str | None:
        """The document's text with the comment that suppresses `finding` (on its own line,
        as --add-noqa writes it), or None where that comment would not hold (in a folded
        YAML scalar it would join the command; JSON has no such comments): checked again
        as --add-noqa checks it. On the worker; kept for the version, as editors ask for
        the actions at each move of the cursor."""
        key = (absolute, verdict.version, finding.code, finding.start)
        if key not in self._suppressed:
            self._suppressed = {k: v for k, v in self._suppressed.items() if k[:2] == key[:2]}
            self._suppressed[key] = self._suppress(absolute, verdict, finding)
        return self._suppressed[key]

    def _suppress(self, absolute: str, verdict: Verdict, finding: Finding) -> str | None:
        from pipwarden.noqa import with_suppressions

        document = self.documents.get(absolute)
        kind = verdict.kind
        if kind is None or document is None or document.version != verdict.version:
            return None
        text = verdict.source.text
        new = with_suppressions(text, kind, [finding])
        before = self.checker.check_text(text, document.path, kind, held=frozenset())
        own = any((f.code, f.start) == (finding.code, finding.start) for f in before)
        # A finding the callers make cannot be seen to go: its suppression must only not
        # be taken for an unused one.
        held = frozenset() if own else frozenset({finding.code})
        after = self.checker.check_text(new, document.path, kind, held=held)

        def count(found: list[Finding], codes: tuple[str, ...]) -> int:
            return sum(f.code in codes for f in found)

        holds = count(after, ("PW100", "PW900")) <= count(before, ("PW100", "PW900"))
        if own:
            holds = holds and count(after, (finding.code,)) < count(before, (finding.code,))
        return new if holds and new != text else None

    # The worker's side --------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            paths, job = self._jobs.get()
            jobs = [job] if job else []
            # Changes that came while the last check ran are checked once, together.
            while not self._jobs.empty():
                more, job = self._jobs.get()
                paths |= more
                jobs += [job] if job else []
            if paths:
                jobs.append(functools.partial(self._refresh, paths))
            for job in jobs:
                try:
                    job()
                except Exception as error:  # a bug of ours must not stop the server
                    if os.environ.get("PIPWARDEN_STRICT"):
                        raise
                    self.warn(f"pipwarden: internal error ({type(error).__name__}: {error})")

    def _reload(self) -> None:
        """Settings read again: a new Checker for them (the parsed files stay)."""
        self.settings, problem = load_settings(self.options)
        if problem:
            self.warn(problem)
        self.checker = Checker(self.settings, library=self.library)

    def _forget_callers(self) -> None:
        self._callers.clear()

    def _refresh(self, changed: set[str]) -> None:
        for path in changed:
            self.library.forget(path)
        if any(os.path.basename(path) == ".gitlab-ci.yml" for path in changed):
            gitlab_includes.cache_clear()  # which YAML files are GitLab CI
        if any(os.path.basename(path) == SUBREPO_MARKER for path in changed):
            forget_subrepos()  # which folders are git-subrepo subtrees
        if any(os.path.basename(path) in CONFIG_NAMES for path in changed):
            self._reload()
            changed = changed | set(self.documents) | set(self._reports)
        # The changed files, and those whose check read them (a caller of a changed script).
        # (A copy: the editor's thread changes the documents meanwhile.)
        todo = {p for p in list(self.documents) if p in changed or p not in self._reports}
        todo |= {
            path
            for path, report in self._reports.items()
            if path in changed
            or changed.intersection(os.path.abspath(d) for d in report.dependencies)
        }
        for path in sorted(todo):
            self._reports[path] = self._check(path)
        needed = self._needed()
        for path in set(self._reports) - needed:
            del self._reports[path]
        for path in sorted(needed - set(self._reports)):
            self._reports[path] = self._check(path)
        for gone in (self.verdicts, self._checked, self._callers):
            for path in set(gone) - set(self.documents):
                del gone[path]
        self._judge()

    def _needed(self) -> set[str]:
        """The files whose checks the verdicts take: the open documents, and the files that
        may run an open script or action."""
        needed = set(self.documents)
        if not self.settings.follow_calls:
            return needed
        from pipwarden.run import may_call

        for path, document in list(self.documents.items()):
            report = self._reports.get(path)
            if (
                report is None
                or report.kind is None
                or not may_be_called(document.path, report.kind)
            ):
                continue
            if path not in self._callers:
                self._callers[path] = [os.path.abspath(p) for p in may_call(path, {path})]
            needed.update(self._callers[path])
        return needed

    def _check(self, absolute: str) -> FileReport:
        document = self.documents.get(absolute)
        if document is None:
            return self.checker.check_path(display_path(absolute))
        self._checked[absolute] = document
        report = FileReport(document.path)
        kind = self.checker.kind_by_name(document.path, report) or LANGUAGES.get(document.language)
        data = document.text.encode("utf-8", "surrogateescape")
        if kind is not None and not self.settings.excluded(absolute):
            self.checker.check_data(report, kind, data)
        if report.source is None:  # a called script's verdict may hold its callers' findings
            report.source = SourceText(decode(data)[0])
        return report

    def _judge(self) -> None:
        """Each open document's verdict from the checks: what its callers' states make in it
        joined to its own findings, as a run over these files gives it."""
        copies = [_copy(report) for report in self._reports.values()]
        if self.settings.follow_calls:
            from pipwarden.run import with_called

            copies = with_called(copies, self.settings)
        for report in copies:
            absolute = os.path.abspath(report.path)
            document = self.documents.get(absolute)
            if document is None or report.source is None:
                continue
            if self._checked.get(absolute) is not document:
                continue  # changed since: its check is on its way
            verdict = Verdict(document.version, report.kind, report.source, tuple(report.findings))
            if verdict != self.verdicts.get(absolute):
                self.verdicts[absolute] = verdict
                self.publish(absolute, verdict)


def _copy(report: FileReport) -> FileReport:
    """A report `with_called` may rewrite, leaving the check it came from as it was."""
    copy = FileReport(report.path)
    for name in FileReport.__slots__:
        setattr(copy, name, getattr(report, name))
    return copy
