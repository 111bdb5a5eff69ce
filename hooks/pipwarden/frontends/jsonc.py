"""JSON with comments and trailing commas (VS Code's JSONC, which devcontainer.json is), read
with the position of every value, and JSON string literals copied into Scripts."""

from __future__ import annotations

import json
import re
from typing import Any

from pipwarden.patterns import lazy
from pipwarden.record import Record
from pipwarden.shell.session import ScriptBuilder


class Value(Record):
    """A JSON value and where it stands: [start, end) covers a string's quotes too."""

    value: Any  # dict[str, Value], list[Value], str, int, float, bool or None
    start: int
    end: int


class JsoncError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


_SPACE = lazy(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)
_STRING = lazy(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = lazy(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
MAX_DEPTH = 200


def read(text: str) -> Value:
    value, end = _value(text, _skip(text, 0), 0)
    end = _skip(text, end)
    if end != len(text):
        raise JsoncError("unexpected text after the document", end)
    return value


def _skip(text: str, i: int) -> int:
    match = _SPACE.match(text, i)
    return match.end() if match else i


def _value(text: str, i: int, depth: int) -> tuple[Value, int]:
    if depth > MAX_DEPTH:
        raise JsoncError("nested too deeply", i)
    if i >= len(text):
        raise JsoncError("unexpected end of file", len(text))
    ch = text[i]
    if ch == "{":
        return _container(text, i, depth, "}")
    if ch == "[":
        return _container(text, i, depth, "]")
    if ch == '"':
        match = _STRING.match(text, i)
        if match is None:
            raise JsoncError("unterminated string", i)
        try:
            decoded = json.loads(match.group(0))
        except ValueError:
            raise JsoncError("invalid string escape", i) from None
        return Value(decoded, i, match.end()), match.end()
    match = _LITERAL.match(text, i)
    if match is None:
        raise JsoncError(f"unexpected {ch!r}", i)
    return Value(json.loads(match.group(0)), i, match.end()), match.end()


def _container(text: str, start: int, depth: int, closing: str) -> tuple[Value, int]:
    items: list[Value] = []
    members: dict[str, Value] = {}
    i = _skip(text, start + 1)
    while i < len(text) and text[i] != closing:
        if closing == "}":
            key, i = _value(text, i, depth + 1)
            if not isinstance(key.value, str):
                raise JsoncError("object keys must be strings", key.start)
            i = _skip(text, i)
            if not text.startswith(":", i):
                raise JsoncError("expected ':'", i)
            member, i = _value(text, _skip(text, i + 1), depth + 1)
            members[key.value] = member
        else:
            item, i = _value(text, i, depth + 1)
            items.append(item)
        i = _skip(text, i)
        if text.startswith(",", i):
            i = _skip(text, i + 1)  # a trailing comma is allowed
        elif not text.startswith(closing, i):
            raise JsoncError(f"expected ',' or '{closing}'", i)
    if i >= len(text):
        raise JsoncError("unexpected end of file", len(text))
    return Value(members if closing == "}" else items, start, i + 1), i + 1


def add_json_string(builder: ScriptBuilder, literal: str, start: int) -> None:
    """Append a JSON string literal's content (file offset `start` is its opening quote):
    plain text mapped character for character, each escape as the character it stands for."""
    position = 1
    for match in re.finditer(r"\\(u[0-9a-fA-F]{4}|.)", literal[1:-1]):
        builder.add(literal[position : match.start() + 1], start + position)
        try:
            decoded = json.loads(f'"{match.group(0)}"')
        except ValueError:  # not an escape JSON knows: kept as written
            decoded = match.group(0)
        builder.add_opaque(decoded, start + match.start() + 1, start + match.end() + 1)
        position = match.end() + 1
    builder.add(literal[position:-1], start + position)
