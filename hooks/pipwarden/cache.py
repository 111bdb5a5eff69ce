"""Results of earlier runs, as ruff keeps them: a file whose size and modification time are
unchanged (or, when only its time changed, whose content hash is) gives its findings back for
the cost of a stat.

One JSON document per pipwarden version, document layout and effective settings, in
`.pipwarden_cache/` at the project root (with a `.gitignore` and a `CACHEDIR.TAG`), read once
and written atomically at the end of a run, so two runs sharing it each leave a whole document
(the last one wins). A document that cannot be read is ignored. It also keeps the walks of
directories outside git (`discover.Walks`), so that an unchanged tree is not listed again. A file whose result depends on other files (a GitLab
include, the project file that says a module is pip's own) is a hit only while they are
unchanged too. JSON, never pickle: the cache directory lives in the repository being checked.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import time
import zlib
from typing import Any

from pipwarden import __version__
from pipwarden.config import Settings
from pipwarden.discover import RACY_SECONDS, Kind, Walks
from pipwarden.model import (
    Edit,
    FileReport,
    Finding,
    Fix,
    Position,
    RelatedLocation,
    Severity,
    SourceText,
    Span,
)
from pipwarden.reading import decode, digest

DIRECTORY = ".pipwarden_cache"
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by pipwarden.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
# How the document is laid out: another layout is another document, as another version is.
FORMAT = 4
# The fields of an entry (see `Cache.store`).
_FIELDS = 16


def _settings_key(settings: Settings) -> str:
    described = json.dumps(
        [
            __version__,
            FORMAT,
            sorted(settings.enabled),
            [[pattern, sorted(codes)] for pattern, codes in settings.per_file_ignores],
            settings.root,
            settings.follow_calls,
            sorted(settings.hidden),
        ]
    )
    # Two 32-bit checksums, not a hash: hashlib (OpenSSL) costs a cached run 3 ms to import,
    # and a settings key needs no cryptography.
    data = described.encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def _stat(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


# Kinds by their names, without a call of the enum for each file.
_KINDS = {kind.value: kind for kind in Kind}


class Cache:
    def __init__(self, directory: str, settings: Settings) -> None:
        self.directory = directory
        self.file = os.path.join(directory, f"{_settings_key(settings)}.json")
        # Absolute path → entry: the fields of `store`, those after the last that holds
        # anything left out (most files have no finding, no dependency).
        self.files: dict[str, list[Any]] = {}
        # What the files results depend on were: [path, stat]; entries name them by index.
        self.dependencies: list[list[Any]] = []
        self.inside = os.path.join(directory, "")
        self.walks = Walks({}, self.inside)
        self.changed = False
        self.cwd = os.path.join(os.getcwd(), "")
        # Whether each dependency is unchanged: many results depend on the same files (the
        # Makefiles a `make` may run), each looked at once a run.
        self._fresh: dict[int, bool] = {}
        self._indices: dict[tuple[str, tuple[int, ...]], int] | None = None
        # JSON makes no reference cycles, and collecting while it makes a hundred thousand
        # lists only scans them again and again (a third of the load).
        collecting = gc.isenabled()
        gc.disable()
        try:
            with open(self.file, encoding="utf-8") as handle:
                loaded = json.load(handle)
            files, dependencies, walks = loaded["files"], loaded["dependencies"], loaded["walks"]
        except (OSError, ValueError, TypeError, KeyError):
            return  # no cache yet, or one that is corrupt: start afresh
        finally:
            if collecting:
                gc.enable()
        if isinstance(files, dict) and isinstance(dependencies, list) and isinstance(walks, dict):
            self.files, self.dependencies, self.walks = (
                files,
                dependencies,
                Walks(walks, self.inside),
            )

    def _key(self, path: str) -> str:
        # Discovery yields normalised paths: joining them is abspath without a getcwd each.
        return path if os.path.isabs(path) else self.cwd + path

    def lookup(self, paths: list[str]) -> dict[str, FileReport | None]:
        """The earlier result of each file, where it still holds (None: check the file
        again); the cache's own files are left out."""
        found: dict[str, FileReport | None] = {}
        absolute, here = os.path.isabs, self.cwd
        for path in paths:
            key = path if absolute(path) else here + path  # `_key`, for every file of a run
            if key.startswith(self.inside):
                continue
            entry = self.files.get(key)
            if entry is None:
                found[path] = None
                continue
            try:
                found[path] = self._report(path, entry)
            except (ValueError, TypeError, KeyError, IndexError, OSError):
                del self.files[key]  # an entry of another shape: check the file again
                self.changed = True
                found[path] = None
        return found

    def _unchanged(self, index: int) -> bool:
        """Whether the dependency at `index` of the table is as it was."""
        path, expected = self.dependencies[index]
        fresh = self._fresh[index] = list(_stat(path) or ()) == expected
        return fresh

    def _report(self, path: str, entry: list[Any]) -> FileReport | None:
        size, mtime, hashed, kind, bom, checked = entry[:6]
        try:
            status = os.stat(path)
        except OSError:
            return None
        if status.st_size != size:
            return None
        data: bytes | None = None
        if status.st_mtime_ns != mtime:
            with open(path, "rb") as handle:
                data = handle.read()
            if digest(data) != hashed:
                return None
            if not _racy(status.st_mtime_ns):  # from now on a stat will do
                entry[1] = status.st_mtime_ns
                self.changed = True
        for index in entry[6] if len(entry) > 6 else ():
            fresh = self._fresh.get(index)  # each dependency is looked at once a run
            if not (self._unchanged(index) if fresh is None else fresh):
                return None
        report = FileReport(path, checked=checked)
        report.kind = _KINDS[kind] if kind else None
        report.bom = bool(bom)
        if len(entry) > 7:
            _found(report, entry[7:] + [[] for _ in range(_FIELDS - len(entry))], data)
        return report

    def store(self, report: FileReport) -> None:
        if report.error is not None or report.digest is None or report.size is None:
            return
        mtime = None if report.mtime is None or _racy(report.mtime) else report.mtime
        entry = [
            report.size,
            mtime,
            report.digest,
            report.kind.value if report.kind else None,
            int(report.bom),
            report.checked,
            [self._index(d) for d in report.dependencies],
            [_finding_data(f) for f in report.findings],
            # Findings in the scripts this file runs, in the state it runs them in.
            [[f.path, *_finding_data(f)] for f in report.foreign],
            report.notes,
            [_finding_data(f) for f in report.deferred],
            [_finding_data(f) for f in report.alone],
            report.called,
            report.unread,
            report.hidden,
            report.silenced,
        ]
        while entry[-1] == []:
            entry.pop()
        self.files[self._key(report.path)] = entry
        self.changed = True

    def _index(self, dependency: str) -> int:
        """The index of the dependency as it is now; a dependency that does not exist is
        recorded as such ([]): its coming counts too."""
        if self._indices is None:
            self._indices = {(p, tuple(s)): i for i, (p, s) in enumerate(self.dependencies)}
        status = list(_stat(dependency) or ())
        key = (dependency, tuple(status))
        if key not in self._indices:
            self._indices[key] = len(self.dependencies)
            self.dependencies.append([dependency, status])
        return self._indices[key]

    def save(self) -> None:
        if not self.changed and not self.walks.changed:
            return
        from pipwarden.write import atomic_write

        # Only the dependencies an entry still names are kept.
        used = sorted({i for entry in self.files.values() if len(entry) > 6 for i in entry[6]})
        renumbered = {old: new for new, old in enumerate(used)}
        for entry in self.files.values():
            if len(entry) > 6:
                entry[6] = [renumbered[i] for i in entry[6]]
        document = {
            "files": self.files,
            "dependencies": [self.dependencies[i] for i in used],
            "walks": self.walks.recorded,
        }
        with contextlib.suppress(OSError):  # a read-only checkout still gets its report
            _create(self.directory)
            with atomic_write(self.file) as handle:
                json.dump(document, handle, separators=(",", ":"))


def _found(report: FileReport, fields: list[Any], data: bytes | None) -> None:
    """What a cached entry says the file's check found (`fields`: from the findings on)."""
    findings, foreign, notes, deferred, alone, called, unread, hidden, silenced = fields
    path = report.path
    report.notes = notes
    report.deferred = [_finding(path, f) for f in deferred]
    report.alone = [_finding(path, f)._replace(alone=True) for f in alone]
    report.called = called
    report.unread = unread
    report.hidden = [(code, line, column) for code, line, column in hidden]
    report.silenced = [(line, column) for line, column in silenced]
    report.foreign = [_finding(where, f) for where, *f in foreign]
    if findings or alone:
        report.findings = [_finding(path, f) for f in findings]
        if data is None:
            with open(path, "rb") as handle:
                data = handle.read()
        report.source = SourceText(decode(data)[0])


def _racy(mtime_ns: int) -> bool:
    """A file changed this recently may change again without its size or time changing:
    its entry is checked by hash."""
    return time.time() - mtime_ns / 1e9 < RACY_SECONDS


def _create(directory: str) -> None:
    if os.path.isdir(directory):
        return
    os.makedirs(directory, exist_ok=True)
    for name, text in (
        (".gitignore", "# Created by pipwarden.\n*\n"),
        ("CACHEDIR.TAG", CACHEDIR_TAG),
    ):
        with open(os.path.join(directory, name), "w", encoding="utf-8") as handle:
            handle.write(text)


def _finding_data(f: Finding) -> list[Any]:
    fix = (
        [
            [[e.span.start, e.span.end, e.content] for e in f.fix.edits],
            f.fix.applicability,
            f.fix.title,
        ]
        if f.fix
        else None
    )
    return [
        f.code,
        f.name,
        f.message,
        f.help,
        f.url,
        int(f.severity),
        [*f.start, *f.end],
        [[r.path, *r.start, *r.end, r.message] for r in f.related],
        [*f.span],
        fix,
        [*f.command] if f.command else None,
    ]


def _finding(path: str, data: list[Any]) -> Finding:
    code, name, message, help_text, url, severity, (sl, sc, el, ec), related, span, fix, made_on = (
        data
    )
    return Finding(
        code,
        name,
        message,
        help_text,
        url,
        Severity(severity),
        path,
        Position(sl, sc),
        Position(el, ec),
        tuple(
            RelatedLocation(where, Position(sl, sc), Position(el, ec), label)
            for where, sl, sc, el, ec, label in related
        ),
        Span(*span),
        Fix(tuple(Edit(Span(s, e), c) for s, e, c in fix[0]), fix[1], fix[2]) if fix else None,
        command=Span(*made_on) if made_on else None,
    )
