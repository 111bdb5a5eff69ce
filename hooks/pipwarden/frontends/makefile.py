"""Makefiles: each recipe line is a Script (its own shell), each rule's recipe a Scope; under
`.ONESHELL:` the whole recipe is one Script.

Make variables are expanded where their value is known from the file (`PIP := $(VENV)/bin/pip`
makes `$(PIP) install` the venv's pip); what depends on the environment, on `$(shell ...)` or
on automatic variables becomes an unknown shell word, which silences the rules that need it.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from pipwarden.discover import MAKEFILE_NAMES
from pipwarden.frontends import Parsed, file_directory, starting_in
from pipwarden.model import Span
from pipwarden.patterns import lazy
from pipwarden.record import Record
from pipwarden.shell.session import (
    Boundary,
    MakeRule,
    ParseProblem,
    Scope,
    Script,
    ScriptBuilder,
)

if TYPE_CHECKING:
    from pipwarden.commands import MakeVariables

BOUNDARY = Boundary(
    reason="each Makefile recipe line runs in its own shell",
    persist="join the lines into one with `&&` (or add `.ONESHELL:`)",
    url="https://www.gnu.org/software/make/manual/html_node/Execution.html",
)

_ASSIGNMENT = lazy(
    r"(?P<prefix>(?:(?:export|override|private)\s+)*)(?P<name>[^\s:#=$()]+)\s*"
    r"(?P<op>::=|:::=|:=|\?=|\+=|!=|=)\s*(?P<value>.*)$",
    re.S,
)
_RULE = lazy(r"(?P<targets>[^:=#]+?)\s*(?P<colons>::?)(?!=)\s*(?P<rest>.*)$", re.S)
_CONDITIONAL = lazy(r"(ifeq|ifneq|ifdef|ifndef|else|endif)\b")
_DIRECTIVE = lazy(r"(-?include|sinclude|vpath|unexport|undefine|export|override)\b")
_NAME = lazy(r"[A-Za-z0-9_.-]+")
# An unknown make expansion becomes this: an expansion to the shell, so an unknown word.
UNKNOWN = "${_}"


class _Line(Record):
    start: int
    text: str


class _Variable(Record):
    value: str | None  # None: not knowable from the file
    recursive: bool
    # Where a value with no references stands in the file (for fixes at the assignment).
    offset: int | None = None


class _Rule(Record):
    targets: list[str]
    prerequisites: list[str]
    recipe: list[list[_Line]]


def _lines(text: str) -> list[_Line]:
    lines, offset = [], 0
    for raw in text.splitlines(keepends=True):
        lines.append(_Line(offset, raw.rstrip("\r\n")))
        offset += len(raw)
    return lines


def _continues(text: str) -> bool:
    trailing = len(text) - len(text.rstrip("\\"))
    return trailing % 2 == 1


class _Reader:
    def __init__(self, text: str, given: MakeVariables = ()) -> None:
        self.lines = _lines(text)
        # make's own: `$(MAKE)` runs make.
        self.variables: dict[str, _Variable] = {"MAKE": _Variable("make", False)}
        # What make is run with: the environment's variables are the file's until it assigns
        # them (`?=` keeps them); the command line's win over every assignment but
        # `override` (checked with GNU make).
        for name, value, _ in given:
            self.variables[name] = _Variable(value, False)
        self.command_line = frozenset(name for name, _, command_line in given if command_line)
        self.rules: list[_Rule] = []
        # Target-specific variables (`release: PIP = pip3.12`), by target.
        self.target_variables: dict[str, dict[str, _Variable]] = {}
        self.problems: list[ParseProblem] = []
        self.oneshell = False
        self.prefix = "\t"
        self.conditional_depth = 0

    def read(self) -> None:
        rule: _Rule | None = None
        i = 0
        lines = self.lines
        while i < len(lines):
            line = lines[i]
            if rule is not None and line.text.startswith(self.prefix):
                pieces = [line]
                while _continues(pieces[-1].text) and i + 1 < len(lines):
                    i += 1
                    pieces.append(lines[i])
                rule.recipe.append(pieces)
                i += 1
                continue
            logical, i = self._logical(i)
            stripped = logical.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("define ") or stripped == "define":
                i = self._define(stripped, i, line)
                continue
            if _CONDITIONAL.match(stripped):
                self.conditional_depth += (
                    -1
                    if stripped.startswith("endif")
                    else (0 if stripped.startswith("else") else 1)
                )
                continue
            assignment = _ASSIGNMENT.match(stripped)
            if assignment and ":" not in assignment.group("name"):
                self._assign(assignment, self.variables, line if logical == line.text else None)
                continue
            match = _RULE.match(stripped)
            if match and not _DIRECTIVE.match(stripped):
                rule = self._rule(match, line, rule)
                continue
            if not _DIRECTIVE.match(stripped):
                rule = None

    def _logical(self, i: int) -> tuple[str, int]:
        """A line with its backslash continuations, joined by spaces as make joins them."""
        parts = [self.lines[i].text]
        while _continues(parts[-1]) and i + 1 < len(self.lines):
            parts[-1] = parts[-1][:-1]
            i += 1
            parts.append(self.lines[i].text.lstrip())
        return " ".join(parts), i + 1

    def _define(self, stripped: str, i: int, line: _Line) -> int:
        header = stripped[len("define") :].strip()
        name = re.split(r"\s*(?:::=|:=|\+=|\?=|=)\s*$", header)[0].strip()
        body: list[str] = []
        while i < len(self.lines):
            text = self.lines[i].text
            i += 1
            if text.strip() == "endef":
                self.variables[name] = _Variable(
                    None if self.conditional_depth else "\n".join(body), True
                )
                return i
            body.append(text)
        self.problems.append(
            ParseProblem(
                Span(line.start, line.start + len(line.text)),
                f"`define {name}` is never closed by `endef`",
            )
        )
        return i

    def _assign(
        self, match: re.Match[str], table: dict[str, _Variable], line: _Line | None = None
    ) -> None:
        name, op, value = match.group("name"), match.group("op"), match.group("value").strip()
        if name in self.command_line and "override" not in match.group("prefix"):
            return
        value = re.sub(r"\s+#.*$", "", value)
        # A literal value written on the assignment's own line can be edited there.
        offset = None
        if line is not None and "$" not in value and value and value in line.text:
            offset = line.start + line.text.index(value, line.text.index(op) + len(op))
        if name == ".RECIPEPREFIX":
            self.prefix = value[:1] or "\t"
            return
        if op == "!=" or self.conditional_depth:
            table[name] = _Variable(None, False)
        elif op == "?=":
            table.setdefault(name, _Variable(value, True, offset))
        elif op == "+=":
            previous = table.get(name)
            if previous is None:
                table[name] = _Variable(value, True)
            elif previous.value is not None:
                table[name] = _Variable(f"{previous.value} {value}".strip(), previous.recursive)
        elif op == "=":
            table[name] = _Variable(value, True, offset)
        else:
            table[name] = _Variable(expand(value, self.variables), False, offset)

    def _rule(self, match: re.Match[str], line: _Line, previous: _Rule | None) -> _Rule | None:
        targets = match.group("targets").split()
        rest = match.group("rest")
        if ".ONESHELL" in targets:
            self.oneshell = True
            return None
        specific = _ASSIGNMENT.match(rest)
        if specific:
            for target in targets:
                self._assign(specific, self.target_variables.setdefault(target, {}))
            return previous
        prerequisites, _, inline = rest.partition(";")
        rule = _Rule(targets, prerequisites.replace("|", " ").split(), [])
        if inline.strip():
            offset = line.text.find(";", line.text.find(":")) + 1
            rule.recipe.append([_Line(line.start + offset, line.text[offset:])])
        self.rules.append(rule)
        return rule


def expand(value: str | None, variables: dict[str, _Variable], depth: int = 0) -> str | None:
    """A variable's value with its references expanded; None when any part is unknown."""
    if value is None or depth > 20:
        return None
    pieces: list[str] = []
    for literal, reference in _references(value):
        if reference is None:
            pieces.append(literal)
            continue
        known = _resolve(reference, variables, depth)
        if known is None:
            return None
        pieces.append(known)
    return "".join(pieces)


def _resolve(reference: str, variables: dict[str, _Variable], depth: int) -> str | None:
    if reference == "$":
        return "$"
    if not _NAME.fullmatch(reference):
        return None  # a function ($(shell ...)), a substitution reference, an automatic variable
    variable = variables.get(reference)
    if variable is None:
        return None
    return expand(variable.value, variables, depth + 1) if variable.recursive else variable.value


def _references(text: str) -> list[tuple[str, str | None]]:
    """Split text into literal pieces and `$(...)`/`${...}`/`$x` references (with their inner
    text; `$$` is the reference "$")."""
    parts: list[tuple[str, str | None]] = []
    i = 0
    while i < len(text):
        dollar = text.find("$", i)
        if dollar == -1 or dollar + 1 >= len(text):
            parts.append((text[i:], None))
            break
        if dollar > i:
            parts.append((text[i:dollar], None))
        opener = text[dollar + 1]
        if opener in "({":
            end = _closing(text, dollar + 1)
            parts.append((text[dollar:end], text[dollar + 2 : end - 1]))
            i = end
        else:
            parts.append((text[dollar : dollar + 2], "$" if opener == "$" else opener))
            i = dollar + 2
    return parts


def _closing(text: str, opening: int) -> int:
    """The index after the bracket closing text[opening]."""
    pairs = {"(": ")", "{": "}"}
    stack = [pairs[text[opening]]]
    i = opening + 1
    while i < len(text) and stack:
        if text[i] in pairs:
            stack.append(pairs[text[i]])
        elif text[i] == stack[-1]:
            stack.pop()
        i += 1
    return i


# --------------------------------------------------------------------------------------------
# Recipes → Scripts


def _add_expanded(
    builder: ScriptBuilder, text: str, start: int, variables: dict[str, _Variable]
) -> None:
    """Copy a recipe line, `$$` → `$` and make references to their values (or unknown words)."""
    offset = 0
    for literal, reference in _references(text):
        here = start + offset
        if reference is None:
            builder.add(literal, here)
        else:
            value = _resolve(reference, variables, 0)
            variable = variables.get(reference)
            origin = variable.offset if variable is not None and value == variable.value else None
            builder.add_opaque(
                value if value is not None else UNKNOWN, here, here + len(literal), origin=origin
            )
        offset += len(literal)


def _recipe_line(
    builder: ScriptBuilder, pieces: list[_Line], prefix: str, variables: dict[str, _Variable]
) -> None:
    for index, piece in enumerate(pieces):
        text, start = piece.text, piece.start
        if text.startswith(prefix):
            text, start = text[len(prefix) :], start + len(prefix)
        if index == 0:
            # Make honours @, - and + before the command (and strips them from every line
            # of a .ONESHELL recipe when SHELL is a POSIX shell).
            stripped = len(text) - len(text.lstrip(" \t@-+"))
            text, start = text[stripped:], start + stripped
        _add_expanded(builder, text, start, variables)
        if index < len(pieces) - 1:
            builder.add("\n", start + len(text))


def parse(text: str, path: str, variables: MakeVariables = ()) -> Parsed:
    """The Makefile's rules as Scopes; `variables`: those make is run with."""
    reader = _Reader(text, variables)
    reader.read()
    shell_variable = reader.variables.get("SHELL")
    # A makefile make does not read by itself (`ci.mk`) is most often a fragment that one of
    # those includes, whose SHELL its recipes run in (GNU make: `SHELL := /bin/bash` then
    # `include *.mk` runs them in bash; `make -f ci.mk` in /bin/sh).
    shell_path = (
        expand(shell_variable.value, reader.variables)
        if shell_variable
        else "/bin/sh"
        if os.path.basename(path) in MAKEFILE_NAMES
        else None
    )
    shell = (shell_path or "").split()[0].rsplit("/", 1)[-1] if shell_path else ""
    names = {target for rule in reader.rules for target in rule.targets}
    default = next((r for r in reader.rules if any(not t.startswith(".") for t in r.targets)), None)
    python = _python_variable(reader.variables)
    scopes = []
    for rule in _ordered(reader.rules):
        variables = dict(reader.variables)
        for target in rule.targets:
            variables.update(reader.target_variables.get(target, {}))
        scripts: list[Script] = []
        if reader.oneshell and rule.recipe:
            builder = ScriptBuilder()
            for pieces in rule.recipe:
                _recipe_line(builder, pieces, reader.prefix, variables)
                builder.add("\n", pieces[-1].start + len(pieces[-1].text))
            scripts.append(builder.script(shell)._replace(python_variable=python))
        else:
            for pieces in rule.recipe:
                builder = ScriptBuilder()
                _recipe_line(builder, pieces, reader.prefix, variables)
                scripts.append(builder.script(shell)._replace(python_variable=python))
        inherits = next(
            (p for p in rule.prerequisites if p in names and p not in rule.targets), None
        )
        made = MakeRule(tuple(rule.targets), tuple(rule.prerequisites), rule is default)
        scopes.append(
            Scope(
                rule.targets[0],
                tuple(scripts),
                BOUNDARY,
                inherits=inherits,
                host="developer",
                make=made,
            )
        )
    return Parsed(starting_in(scopes, file_directory(path)), reader.problems)


_PYTHON_VALUE = lazy(r"python(\d+(\.\d+)?)?")


def _python_variable(variables: dict[str, _Variable]) -> tuple[str, str] | None:
    """The variable the Makefile names its Python by (`PYTHON ?= python3`), and its value."""
    for name in ("PYTHON", "PYTHON3", "PY", "PYTHON_BIN", "PYTHON_EXE"):
        variable = variables.get(name)
        value = expand(variable.value, variables) if variable else None
        if value and _PYTHON_VALUE.fullmatch(value.strip()):
            return f"$({name})", value.strip()
    return None


def _ordered(rules: list[_Rule]) -> list[_Rule]:
    """Rules with each rule's prerequisites before it, so the venv a prerequisite creates
    exists when the rule's recipe runs."""
    by_target = {target: rule for rule in rules for target in rule.targets}
    ordered: list[_Rule] = []
    seen: set[int] = set()

    def visit(rule: _Rule, depth: int) -> None:
        if id(rule) in seen or depth > 50:
            return
        seen.add(id(rule))
        for prerequisite in rule.prerequisites:
            if prerequisite in by_target:
                visit(by_target[prerequisite], depth + 1)
        ordered.append(rule)

    for rule in rules:
        visit(rule, 0)
    return ordered
