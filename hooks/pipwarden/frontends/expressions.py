"""GitHub Actions `if:` conditions, decided where the file decides them: `runner.os`,
`matrix.*` of one matrix combination, literals, `==`/`!=`/`!`/`&&`/`||`, `startsWith`,
`endsWith`, `contains`. Anything else (`github.*`, `env.*`, `success()`, `hashFiles(...)`)
is unknown, and a condition that depends on it is undecided: the step may run.

https://docs.github.com/en/actions/reference/workflows-and-actions/expressions
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from pipwarden.patterns import lazy

# A value the file does not decide.
UNKNOWN = object()
Value = object  # str, float, bool, None (null) or UNKNOWN

_TOKEN = lazy(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[!<>(),\[\]])|(?P<name>[A-Za-z_][\w.\-*]*))"
)
_WRAPPED = lazy(r"\s*\$\{\{(.*)\}\}\s*", re.S)


def decide(condition: str, known: Mapping[str, Value]) -> bool | None:
    """Whether `condition` holds, given the values of `known` contexts (`runner.os`,
    `matrix.python`; a name absent or UNKNOWN: not known; None: null); None when the file
    does not decide it."""
    wrapped = _WRAPPED.fullmatch(condition)
    text = wrapped.group(1) if wrapped else condition
    if "${{" in text:
        return None  # text around an expression: a string, GitHub's truthiness of it
    tokens = _tokens(text)
    if tokens is None:
        return None
    parser = _Parser(tokens, known)
    try:
        value = parser.disjunction()
    except (IndexError, ValueError):
        return None
    if parser.position != len(tokens):
        return None
    return _truth(value)


def _tokens(text: str) -> list[tuple[str, str]] | None:
    tokens = []
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            return None
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _truth(value: Value) -> bool | None:
    if value is UNKNOWN:
        return None
    return value not in (False, None, "", 0)


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], known: Mapping[str, Value]) -> None:
        self.tokens = tokens
        self.known = known
        self.position = 0

    def _peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.position]
        if expected is not None and token[1] != expected:
            raise ValueError(expected)
        self.position += 1
        return token

    def disjunction(self) -> Value:
        value = self.conjunction()
        while self._peek() == "||":
            self._take()
            right = self.conjunction()
            # `a || b` is a if a is truthy, else b; with a undecided, true only if b is.
            truth = _truth(value)
            if truth is None:
                value = True if _truth(right) else UNKNOWN
            elif not truth:
                value = right
        return value

    def conjunction(self) -> Value:
        value = self.comparison()
        while self._peek() == "&&":
            self._take()
            right = self.comparison()
            # `a && b` is b if a is truthy, else a; with a undecided, false only if b is.
            truth = _truth(value)
            if truth is None:
                value = False if _truth(right) is False else UNKNOWN
            elif truth:
                value = right
        return value

    def comparison(self) -> Value:
        value = self.unary()
        while self._peek() in ("==", "!=", "<", ">", "<=", ">="):
            operator = self._take()[1]
            value = _compare(operator, value, self.unary())
        return value

    def unary(self) -> Value:
        if self._peek() == "!":
            self._take()
            truth = _truth(self.unary())
            return UNKNOWN if truth is None else not truth
        return self.primary()

    def primary(self) -> Value:
        kind, text = self._take()
        if text == "(" and kind == "op":
            value = self.disjunction()
            self._take(")")
            return value
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return float(text)
        if kind != "name":
            raise ValueError(text)
        if self._peek() == "(":
            return self._call(text)
        if self._peek() == "[":
            while self._peek() == "[":  # `matrix['os']`, `github.event.inputs[0]`
                self._take()
                index = self.disjunction()
                self._take("]")
                if isinstance(index, str) and "." not in index:
                    text = f"{text}.{index}"
                else:
                    return UNKNOWN
        lowered = text.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        if lowered == "null":
            return None
        return self.known.get(lowered, UNKNOWN)

    def _call(self, name: str) -> Value:
        self._take("(")
        arguments = []
        while self._peek() != ")":
            arguments.append(self.disjunction())
            if self._peek() == ",":
                self._take()
        self._take(")")
        name = name.lower()
        if name == "always":
            return True
        if name in ("startswith", "endswith", "contains") and len(arguments) == 2:
            text, part = arguments
            if not isinstance(text, str) or not isinstance(part, str):
                return UNKNOWN  # `contains(fromJSON(...), x)`, an unknown value
            text, part = text.casefold(), part.casefold()
            if name == "startswith":
                return text.startswith(part)
            return text.endswith(part) if name == "endswith" else part in text
        return UNKNOWN  # success(), failure(), hashFiles(...), format(...)


def _compare(operator: str, left: Value, right: Value) -> Value:
    """GitHub's comparison: strings case-blind; values of different types as numbers (null
    and false are 0, true 1, a string its number or NaN)."""
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if isinstance(left, str) and isinstance(right, str):
        a: float | str = left.casefold()
        b: float | str = right.casefold()
    else:
        a, b = _number(left), _number(right)
    if operator == "==":
        return a == b
    if operator == "!=":
        return a != b
    if isinstance(a, str) != isinstance(b, str):
        return UNKNOWN
    comparisons = {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}  # type: ignore[operator]
    return comparisons[operator]


def _number(value: Value) -> float:
    if value is None or value is False:
        return 0.0
    if value is True:
        return 1.0
    if isinstance(value, float):
        return value
    try:
        return float(str(value).strip() or 0)
    except ValueError:
        return math.nan


def typed(text: str | None, plain: bool) -> Value:
    """A YAML scalar as GitHub reads it in a matrix: a plain `true`, `false`, `null` or number
    is that value (`3.10` is the number 3.1); anything else, or a quoted one, a string."""
    if text is None:
        return None
    if plain:
        lowered = text.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        if lowered in ("null", "~", ""):
            return None
        try:
            return float(text)
        except ValueError:
            pass
    return text


def references(condition: str) -> set[str]:
    """The `matrix.NAME` axes a condition or value reads."""
    return {m.lower() for m in re.findall(r"matrix(?:\.|\[')([\w-]+)", condition)}
