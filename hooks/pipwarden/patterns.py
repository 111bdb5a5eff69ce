"""Regular expressions compiled when first used. A run reads a few kinds of file and so uses
a few of the hundred expressions the modules it imports define: compiling them all at import
cost a five-file commit a tenth of its instructions."""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast

# What a compiled expression offers, copied onto the stand-in at its first use.
_ATTRIBUTES = (
    "match",
    "fullmatch",
    "search",
    "sub",
    "subn",
    "split",
    "findall",
    "finditer",
    "scanner",
    "pattern",
    "flags",
    "groups",
    "groupindex",
)


class _Lazy:
    """Stands for `re.compile(pattern, flags)` until one of its attributes is asked for; the
    compiled expression's then become its own, so later uses go straight to them."""

    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(*self._source)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)


def lazy(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """`re.compile`, put off to the expression's first use."""
    return cast("re.Pattern[AnyStr]", _Lazy(pattern, flags))
