"""Reading a file as pipwarden does: how much it reads, how it decodes, which front-end parses
each kind. Below the engine (`check`) and the call follower (`follow`), which both read files."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from pipwarden.discover import Kind

if TYPE_CHECKING:
    from pipwarden.frontends import Parsed

MAX_BYTES = 10 * 1024 * 1024


# The front-end module of each kind read on its own (the CI kinds share `ci`); imported only
# when a file of that kind mentions something a rule could find.
_FRONTENDS = {
    Kind.SHELL: "shellscript",
    Kind.DOCKERFILE: "dockerfile",
    Kind.MAKEFILE: "makefile",
    Kind.PYTHON: "python",
    Kind.TOX: "tox",
    Kind.JUST: "justfile",
    Kind.JENKINS: "jenkins",
    Kind.DEVCONTAINER: "devcontainer",
}


def frontend(kind: Kind) -> Callable[[str, str], Parsed] | None:
    import importlib

    if kind in _FRONTENDS:
        module = importlib.import_module(f"pipwarden.frontends.{_FRONTENDS[kind]}")
        return module.parse  # type: ignore[no-any-return]
    if kind in CI_KINDS:
        from pipwarden.frontends import ci

        return ci.parser(kind)
    return None


CI_KINDS = frozenset(
    {
        Kind.GITHUB,
        Kind.GITLAB,
        Kind.CIRCLECI,
        Kind.AZURE,
        Kind.BITBUCKET,
        Kind.TRAVIS,
        Kind.CODEBUILD,
        Kind.READTHEDOCS,
        Kind.TASKFILE,
        Kind.COMPOSE,
    }
)


def shebang_kind(text: str) -> Kind | None:
    if not text.startswith("#!"):
        return None
    from pipwarden.frontends.shellscript import shebang_shell

    first = text.split("\n", 1)[0]
    if shebang_shell(first):
        return Kind.SHELL
    return Kind.PYTHON if re.search(r"[/ ](python|pypy)[\d.]*\s*$", first) else None


def decode(data: bytes) -> tuple[str, bool]:
    """A file's text as pipwarden reads it (bytes that are not UTF-8 kept as surrogate
    escapes, so a fix writes them back unchanged) and whether it had a byte order mark."""
    text = data.decode("utf-8", "surrogateescape")
    if text.startswith("\ufeff"):
        return text[1:], True
    return text, False


def digest(data: bytes) -> str:
    import hashlib  # only when a cache wants it

    return hashlib.blake2b(data, digest_size=16).hexdigest()
