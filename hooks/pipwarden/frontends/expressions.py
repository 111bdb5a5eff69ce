"""GitHub Actions `if:` conditions, decided where the file decides them: `runner.os`,
`matrix.*` of one matrix combination, the `env.*` values the caller knows, literals,
`==`/`!=`/`!`/`&&`/`||`, `startsWith`, `endsWith`, `contains`. Anything else (`github.*`,
`success()`, `hashFiles(...)`) is unknown, and a condition that depends on it is undecided:
the step may run.

https://docs.github.com/en/actions/reference/workflows-and-actions/expressions

Azure Pipelines `condition:`s alike (`decide_azure`), in their function syntax: `eq`, `ne`,
`and`, `or`, `not`, `in`, `notIn`, `startsWith`, `endsWith`, `contains`, `always()`,
over `variables['Agent.OS']` / `variables.name` where the file decides them (a matrix
entry's variables, the OS of its `vmImage`); `succeeded()` and the rest are unknown.

https://learn.microsoft.com/azure/devops/pipelines/process/expressions#functions
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

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
    return _decide(text, known, azure=False)


def decide_azure(condition: str, known: Mapping[str, Value]) -> bool | None:
    """Whether an Azure Pipelines `condition:` holds, given the `variables.NAME` values
    `known` decides (names lower-case: Azure's are case-blind); None when the file does not
    decide it. A template expression in it (`${{ parameters.x }}`) is not known here."""
    if "${{" in condition or "$(" in condition:
        return None
    return _decide(condition, known, azure=True)


def evaluate(text: str, known: Mapping[str, Value]) -> str | None:
    """The string a value that is one whole expression gives (`${{ matrix.os == 'windows-latest'
    && 'Scripts' || 'bin' }}` is `bin` on ubuntu-latest; `${{ matrix.kind == 'conda' }}` is
    `true` or `false`), given `known`; None where the file does not decide it."""
    wrapped = _WRAPPED.fullmatch(text)
    if wrapped is None or "${{" in wrapped.group(1):
        return None
    value = _value(wrapped.group(1), known, azure=False, exact=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return "" if value is None else value if isinstance(value, str) else None


def _decide(text: str, known: Mapping[str, Value], *, azure: bool) -> bool | None:
    return _truth(_value(text, known, azure=azure))


def _value(text: str, known: Mapping[str, Value], *, azure: bool, exact: bool = False) -> Value:
    """The expression's value; with `exact`, UNKNOWN where only its truth is known (`x ||
    'bin'` with x undecided is truthy, but `x` or `bin`)."""
    tokens = _tokens(text)
    if tokens is None:
        return UNKNOWN
    parser = _Parser(tokens, known, azure)
    try:
        value = parser.disjunction()
    except (IndexError, ValueError):
        return UNKNOWN
    if exact and parser.truth_only:
        return UNKNOWN
    if parser.position != len(tokens):
        return UNKNOWN
    return value


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
    def __init__(
        self, tokens: list[tuple[str, str]], known: Mapping[str, Value], azure: bool
    ) -> None:
        self.tokens = tokens
        self.known = known
        self.azure = azure
        self.position = 0
        self.truth_only = False  # a value stood in by its truth (`x || 'bin'`, x undecided)

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
                self.truth_only = True
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
                self.truth_only = True
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
                # Azure names variables with dots (`variables['Agent.OS']`); GitHub's
                # `inputs['a.b']` is no `inputs.a.b`.
                if isinstance(index, str) and (self.azure or "." not in index):
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
        if self.azure and name in _AZURE_FUNCTIONS:
            return _AZURE_FUNCTIONS[name](arguments)
        if name in ("startswith", "endswith", "contains") and len(arguments) == 2:
            text, part = arguments
            if not isinstance(text, str) or not isinstance(part, str):
                return UNKNOWN  # `contains(fromJSON(...), x)`, an unknown value
            text, part = text.casefold(), part.casefold()
            if name == "startswith":
                return text.startswith(part)
            return text.endswith(part) if name == "endswith" else part in text
        return UNKNOWN  # success(), failure(), hashFiles(...), format(...)


def _all(arguments: list[Value]) -> Value:
    truths = [_truth(a) for a in arguments]
    return False if False in truths else UNKNOWN if None in truths else True


def _any(arguments: list[Value]) -> Value:
    truths = [_truth(a) for a in arguments]
    return True if True in truths else UNKNOWN if None in truths else False


def _not(arguments: list[Value]) -> Value:
    truth = _truth(arguments[0]) if len(arguments) == 1 else None
    return UNKNOWN if truth is None else not truth


def _member(arguments: list[Value]) -> Value:
    """Azure's `in(needle, a, b, ...)`: whether the needle equals one of the others."""
    if len(arguments) < 2:
        return UNKNOWN
    return _any([_compare("==", arguments[0], other) for other in arguments[1:]])


def _binary(operator: str) -> Callable[[list[Value]], Value]:
    def compare(arguments: list[Value]) -> Value:
        return _compare(operator, *arguments) if len(arguments) == 2 else UNKNOWN

    return compare


# Azure's functions whose value the file can decide; the others (`succeeded()`, `failed()`,
# `counter()`, `format()`, `gt()`) are unknown.
_AZURE_FUNCTIONS: dict[str, Callable[[list[Value]], Value]] = {
    "and": _all,
    "or": _any,
    "not": _not,
    "in": _member,
    "notin": lambda a: _not([_member(a)]),
    "eq": _binary("=="),
    "ne": _binary("!="),
}


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
