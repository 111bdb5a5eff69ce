"""Results of earlier runs, as ruff keeps them: a file whose size and modification time are
unchanged (or, when only its time changed, whose content hash is) gives its findings back for
the cost of a stat.

One JSON document per pipwarden version and effective settings, in `.pipwarden_cache/` at the
project root (with a `.gitignore` and a `CACHEDIR.TAG`), read once and written atomically at
the end of a run, so two runs sharing it each leave a whole document (the last one wins). A
document that cannot be read is ignored. A file whose result depends on other files (a GitLab
include, the project file that says a module is pip's own) is a hit only while they are
unchanged too. JSON, never pickle: the cache directory lives in the repository being checked.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import zlib
from typing import Any

from pipwarden import __version__
from pipwarden.config import Settings
from pipwarden.discover import Kind
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
# A file changed this recently may change again within the file system's timestamp
# granularity without its size or time changing ("racy git"): its entry is checked by hash.
RACY_SECONDS = 2.0


def _settings_key(settings: Settings) -> str:
    described = json.dumps(
        [
            __version__,
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
        self.entries: dict[str, list[Any]] = {}
        self.changed = False
        self.cwd = os.path.join(os.getcwd(), "")
        self.inside = os.path.join(directory, "")
        # The files many results depend on (the Makefiles a `make` may run), each looked at
        # once a run.
        self.seen: dict[str, list[int]] = {}
        try:
            with open(self.file, encoding="utf-8") as handle:
                loaded = json.load(handle)
            if isinstance(loaded, dict):
                self.entries = loaded
        except (OSError, ValueError):
            pass  # no cache yet, or one that is corrupt: start afresh

    def _key(self, path: str) -> str:
        # Discovery yields normalised paths: joining them is abspath without a getcwd each.
        return path if os.path.isabs(path) else self.cwd + path

    def holds(self, path: str) -> bool:
        """Whether `path` is one of the cache's own files."""
        return self._key(path).startswith(self.inside)

    def _dependency(self, path: str) -> list[int]:
        found = self.seen.get(path)
        if found is None:
            found = self.seen[path] = list(_stat(path) or ())
        return found

    def lookup(self, path: str) -> FileReport | None:
        key = self._key(path)
        entry = self.entries.get(key)
        if entry is None:
            return None
        try:
            return self._report(path, key, entry)
        except (ValueError, TypeError, KeyError, IndexError, OSError):
            del self.entries[key]  # an entry of another shape: check the file again
            self.changed = True
            return None

    def _report(self, path: str, key: str, entry: list[Any]) -> FileReport | None:
        (
            size,
            mtime,
            hashed,
            kind,
            bom,
            checked,
            findings,
            dependencies,
            foreign,
            notes,
            deferred,
            alone,
            called,
            unread,
            hidden,
        ) = entry
        found = _stat(path)
        if found is None or found[0] != size:
            return None
        data: bytes | None = None
        if found[1] != mtime:
            with open(path, "rb") as handle:
                data = handle.read()
            if digest(data) != hashed:
                return None
            if not _racy(found[1]):  # from now on a stat will do
                entry[1] = found[1]
                self.changed = True
        for dependency, expected in dependencies:
            if self._dependency(dependency) != expected:
                return None
        report = FileReport(path, checked=checked)
        report.kind = _KINDS[kind] if kind else None
        report.bom = bool(bom)
        report.notes = notes
        if deferred:
            report.deferred = [_finding(path, f) for f in deferred]
        report.alone = [_finding(path, f)._replace(alone=True) for f in alone]
        report.called = called
        report.unread = unread
        report.hidden = [(code, line, column) for code, line, column in hidden]
        if foreign:
            report.foreign = [_finding(where, f) for where, *f in foreign]
        if findings or alone:
            report.findings = [_finding(path, f) for f in findings]
            if data is None:
                with open(path, "rb") as handle:
                    data = handle.read()
            report.source = SourceText(decode(data)[0])
        return report

    def store(self, report: FileReport) -> None:
        if report.error is not None or report.digest is None or report.size is None:
            return
        # A dependency that does not exist is recorded as such ([]): its coming counts too.
        dependencies = [[d, list(_stat(d) or ())] for d in report.dependencies]
        mtime = None if report.mtime is None or _racy(report.mtime) else report.mtime
        self.entries[self._key(report.path)] = [
            report.size,
            mtime,
            report.digest,
            report.kind.value if report.kind else None,
            int(report.bom),
            report.checked,
            [_finding_data(f) for f in report.findings],
            dependencies,
            # Findings in the scripts this file runs, in the state it runs them in.
            [[f.path, *_finding_data(f)] for f in report.foreign],
            report.notes,
            [_finding_data(f) for f in report.deferred],
            [_finding_data(f) for f in report.alone],
            report.called,
            report.unread,
            report.hidden,
        ]
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        from pipwarden.write import atomic_write

        with contextlib.suppress(OSError):  # a read-only checkout still gets its report
            _create(self.directory)
            with atomic_write(self.file) as handle:
                json.dump(self.entries, handle, separators=(",", ":"))


def _racy(mtime_ns: int) -> bool:
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
    ]


def _finding(path: str, data: list[Any]) -> Finding:
    code, name, message, help_text, url, severity, (sl, sc, el, ec), related, span, fix = data
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
    )
