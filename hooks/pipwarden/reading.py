"""Reading a file as pipwarden does: how much it reads, how it decodes, which front-end parses
each kind. Below the engine (`check`) and the call follower (`follow`), which both read files."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from pipwarden.discover import Kind
from pipwarden.patterns import lazy

if TYPE_CHECKING:
    from pipwarden.frontends import Parsed

MAX_BYTES = 10 * 1024 * 1024

# Text no rule can find anything in: no installer, no activation, no Python directory, no
# PEP 668 override, no shell script, Makefile or local action it runs. Such a file costs
# only its read; the parser, the analysis and the rules are not even imported for it. `pip`
# and `source` must be words: `set -o pipefail` and `resources/` are everywhere. Substring
# searches first (one regex of these alternatives costs a whole-repository run a fifth of
# its time), a pattern only to confirm.
_ANYWHERE = (b"easy_install", b"setup.py", b"activate", b"-packages", b"/python", b"scripts/")
_WORDS = (b"pip", b"source")
_CONFIRMED = {
    b"break": lazy(rb"break.system"),
    b".sh": lazy(rb"\.(?:ba)?sh\b"),
    b"uses:": lazy(rb"uses:\s*['\"]?\./"),
    # make run as a command (`run: make deps`, `$(MAKE) -C docs`): its Makefile is followed.
    # Last, so that `mention` says ONLY_MAKE where nothing else was found.
    b"make": lazy(rb"(?:^|[\s;&|(])(?:g?make|\$\(make\)|\$\{make\})(?=[ \t]|$)", re.M),
}


def mentions(data: bytes) -> bool:
    """Whether a rule could find anything in `data` (a file's bytes)."""
    return mention(data) is not None


# What `mention` says of a file whose only words a rule reads are a `make` it runs.
ONLY_MAKE = "make"


def mention(data: bytes) -> str | None:
    """What in `data` a rule could find something through (the first one seen; ONLY_MAKE,
    where that is all), None where nothing."""
    lowered = data.lower()
    for literal in _ANYWHERE:
        if literal in lowered:
            return literal.decode()
    for word in _WORDS:
        at = lowered.find(word)
        while at != -1:
            end = at + len(word)
            if not (at and 97 <= lowered[at - 1] <= 122) and not (
                end < len(lowered) and 97 <= lowered[end] <= 122
            ):
                return word.decode()
            at = lowered.find(word, end)
    for literal, pattern in _CONFIRMED.items():
        if literal in lowered and pattern.search(lowered):
            return literal.decode()
    return None


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
