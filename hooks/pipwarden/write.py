"""Writing files the way a user can trust: to a temporary file in the same directory, then
renamed over the target, so a reader never sees half a file and a crash leaves the old one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import TextIO


@contextlib.contextmanager
def atomic_write(
    path: str, *, newline: str | None = None, encoding: str = "utf-8"
) -> Iterator[TextIO]:
    directory = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".pipwarden-", suffix=".tmp")
    try:
        with os.fdopen(
            descriptor, "w", encoding=encoding, errors="surrogateescape", newline=newline
        ) as handle:
            yield handle
        try:
            status = os.stat(path)
        except FileNotFoundError:
            os.chmod(temporary, 0o666 & ~_umask())
        else:
            os.chmod(temporary, status.st_mode & 0o7777)
            with contextlib.suppress(OSError):  # keeping the owner needs the right to
                os.chown(temporary, status.st_uid, status.st_gid)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class ChangedOnDisk(Exception):
    """The file is no longer what was read; it is left alone."""


def rewrite(path: str, text: str, *, original: str, bom: bool) -> None:
    """Replace the file's text, keeping its byte order mark, its undecodable bytes and, since
    `text` carries them, its line endings; only if the file still holds `original` (the text
    that was read and checked), never over a change made since."""
    prefix = "\ufeff" if bom else ""
    with open(path, "rb") as handle:
        if handle.read() != (prefix + original).encode("utf-8", "surrogateescape"):
            raise ChangedOnDisk(f"{path} changed on disk since it was read")
    with atomic_write(path, newline="") as handle:
        handle.write(prefix + text)
