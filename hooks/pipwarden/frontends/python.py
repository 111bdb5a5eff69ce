"""Python code that runs pip: `subprocess`, `os` and `asyncio` calls, and uses of pip's own
modules.

Detection is the standard library's `ast` (its C parser costs about a millisecond per thousand
lines), after a prefilter that needs pip as a program or module in the text, so a docstring
that says `pip install` costs a regex. A string run through a shell (`os.system("...")`,
`shell=True`, `create_subprocess_shell`) becomes a Script mapped into its literals (plain,
raw, implicitly concatenated, f-strings with their fields unknown, `"..." + name`); an argument
list run without a shell (`subprocess.run(["pip", ...])`) becomes a Script of origin
"python-argv" whose words are the list's elements. Names bound by imports anywhere in the
module (`import subprocess as sp`, `from subprocess import run as r`) are followed, and a
name assigned a string literal exactly once stands for that literal.

Fixes are plain text edits at exact positions, so the file's formatting is kept without
rewriting a syntax tree.
"""

from __future__ import annotations

import ast
import bisect
import codecs
import functools
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator

from pipwarden.frontends import Parsed
from pipwarden.model import SourceText, Span
from pipwarden.patterns import lazy
from pipwarden.shell.session import (
    RUNNING_PYTHON,
    Boundary,
    ParseProblem,
    PythonLiteral,
    PythonUse,
    Scope,
    ScopeItem,
    Script,
    ScriptBuilder,
)

BOUNDARY = Boundary(
    reason="each os.system or subprocess call starts a new shell",
    persist="run the venv's interpreter by its path instead: `{venv}/bin/python -m pip`",
    url="https://docs.python.org/3/library/venv.html#how-venvs-work",
)
UNKNOWN = "${_}"

# pip as a program or module: a quoted pip word (possibly after sudo or a directory, or after
# a shell operator inside a string), `-m pip` (also as list elements), pip's own modules. Each
# `pip` in the text is judged by what follows it and, read backwards, what precedes it: one
# pattern over the whole text tried a match at every quote of every docstring.
_AFTER_PROGRAM = lazy(r"""pip[\d.]*(?:\.exe)?['"\s]""")
_AFTER_IN_SHELL = lazy(r"pip[\d.]*\s")
_AFTER_MODULE = lazy(r"pip\b")
_AFTER_API = lazy(r"pip\.(?:main|_internal)\b")
# The text before `pip`, reversed: a quote (after sudo and its options, or a directory);
# a shell operator; `-m` (also `"-m", "pip"`); `import`/`from`; `ensure`.
_BEFORE_PROGRAM = lazy(r"""(?:[/\\][\w.~${}/\\-]*)?(?:(?:\s+\S+-)*\s+odus)?['"]""")
_BEFORE_IN_SHELL = lazy(r"\s*(?:&&|\|\||[;|])")
_BEFORE_MODULE = lazy(r"""['"]?\s*,?\s*['"]?m-|\s+(?:tropmi|morf)(?!\w)|erusne(?!\w)""")
_WORD_CHARACTER = lazy(r"\w")
_LOOK_BACK = 120


def names_pip(text: str) -> bool:
    """Whether `text` names pip as a program or module anywhere (a docstring's `pip install`
    does not)."""
    find = text.find
    at = find("pip")
    while at != -1:
        before = text[max(0, at - _LOOK_BACK) : at][::-1]
        if _AFTER_PROGRAM.match(text, at) and _BEFORE_PROGRAM.match(before):
            return True
        if _AFTER_IN_SHELL.match(text, at) and _BEFORE_IN_SHELL.match(before):
            return True
        if _AFTER_MODULE.match(text, at) and _BEFORE_MODULE.match(before):
            return True
        if _AFTER_API.match(text, at) and not _WORD_CHARACTER.match(before):
            return True
        at = find("pip", at + 3)
    return False


_SHELL_STRING = frozenset(
    {
        "os.system",
        "os.popen",
        "asyncio.create_subprocess_shell",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
    }
)
_SUBPROCESS = frozenset(
    f"subprocess.{name}" for name in ("run", "call", "check_call", "check_output", "Popen")
)
_PIP_MAIN = frozenset({"pip.main", "pip._internal.main", "pip._internal.cli.main.main"})
_PLAIN_WORD = lazy(r"[A-Za-z0-9_./+=:,@%^-]+")
_CODING = lazy(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_SURROGATE = lazy("[\udc80-\udcff]")


def parse(text: str, path: str) -> Parsed:
    if not names_pip(text):
        return Parsed()
    parse_text = text
    undecodable = _SURROGATE.search(text)
    if undecodable is not None:
        if not _declares_coding(text):
            byte = len(text[: undecodable.start()].encode("utf-8", "surrogateescape"))
            value = text[undecodable.start()].encode("utf-8", "surrogateescape")[0]
            return _problem(
                undecodable.start(),
                f"not valid UTF-8 (byte 0x{value:02x} at offset {byte}) and no PEP 263 coding "
                "declaration: Python refuses the file",
            )
        # The declared codec reads these bytes; only their positions matter here.
        parse_text = _SURROGATE.sub("\ufffd", text)
    try:
        module, skipped = _parsed(parse_text, path)
    except (ValueError, RecursionError, MemoryError) as error:
        return _problem(0, f"Python file could not be parsed: {error}")
    unread = [_unread(parse_text, line) for line in skipped]
    if module is None:
        return Parsed(unread=unread or ["Python this interpreter cannot parse"])
    pip_itself, project_file = _pip_itself(path)
    finder = _Finder(text, parse_text, module, pip_itself)
    try:
        items = list(finder.items())
    except RecursionError:
        return _problem(0, "Python file too deeply nested to read")
    return Parsed(
        [Scope(path, tuple(items), BOUNDARY)],
        dependencies=[project_file] if project_file else [],
        unread=unread,
    )


# Lines set aside before a module that this Python cannot parse is read without them.
MAX_SKIPPED_LINES = 50


def _parsed(text: str, path: str) -> tuple[ast.Module | None, list[int]]:
    """The module, and the lines (1-based) set aside to read it. Syntax this Python does not
    know (PEP 758's `except A, B:` on 3.11, a 3.14 module read by 3.11) must not hide the
    rest of the file: a line that does not parse is read as `pass` (as `if True:` where it
    opens a block, so what is under it still is), its neighbours' positions unchanged."""
    lines = text.split("\n")
    skipped: list[int] = []
    while True:
        try:
            with warnings.catch_warnings():
                # The checked file's own `"\d"` escapes are not the user's concern here
                # (Python 3.12 would print a SyntaxWarning for each).
                warnings.simplefilter("ignore")
                return ast.parse("\n".join(lines), path), skipped
        except SyntaxError as error:
            line = error.lineno or 0
            if not 1 <= line <= len(lines) or line in skipped:
                line = next((n for n in range(line + 1, len(lines) + 1) if n not in skipped), 0)
            if not line or len(skipped) >= MAX_SKIPPED_LINES:
                return None, skipped
            skipped.append(line)
            original = lines[line - 1]
            stripped = original.lstrip()
            indent = original[: len(original) - len(stripped)]
            if not stripped.split("#", 1)[0].rstrip().endswith(":"):
                lines[line - 1] = indent + "pass"
            else:  # a block header: one that keeps the blocks around it whole
                keyword = stripped.split(None, 1)[0].rstrip(":")
                lines[line - 1] = indent + _NEUTRAL_HEADERS.get(keyword, "if True:")


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones too, without looking into expressions; not the tests a
    decorator always skips, whose code never runs."""
    pending = list(reversed(body))
    while pending:
        statement = pending.pop()
        if _always_skipped(statement):
            continue
        yield statement
        nested: list[ast.stmt] = []
        for field in ("body", "orelse", "finalbody"):
            nested.extend(getattr(statement, field, ()))
        for handler in getattr(statement, "handlers", ()):
            nested.extend(handler.body)
        for case in getattr(statement, "cases", ()):
            nested.extend(case.body)
        pending.extend(reversed(nested))


_BODIES = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})

# Decorators that skip a test (pytest's marks, unittest's), by the names they are written
# with, and for the conditional ones the condition that skips.
_SKIP = {"mark.skip": None, "unittest.skip": None}
_SKIP_IF = {"mark.skipif": True, "unittest.skipIf": True, "unittest.skipUnless": False}


def _always_skipped(statement: ast.stmt) -> bool:
    """A test function or class that `@pytest.mark.skip`, `@unittest.skip(...)` or a
    `skipif(True)` always skips (a condition in a string, as pytest allows, is not known)."""
    if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return False
    for decorator in statement.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        name = _dotted(call.func if call else decorator)
        for written, skips in (*_SKIP.items(), *_SKIP_IF.items()):
            if name != written and not name.endswith("." + written):
                continue
            if skips is None:
                return True
            condition = call.args[0] if call and call.args else None
            if isinstance(condition, ast.Constant) and condition.value is skips:
                return True
    return False


def _dotted(node: ast.expr) -> str:
    """`a.b.c` as written; "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def _own_parts(statement: ast.stmt) -> Iterator[ast.AST]:
    """A statement's expressions that are not in its nested statements (a function's
    decorators and defaults, an `if`'s test, a `with`'s items)."""
    for field, value in ast.iter_fields(statement):
        if field in _BODIES:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.AST) and hasattr(item, "lineno"):
                yield item
            elif isinstance(item, ast.AST):  # a `with` item, a comprehension, arguments
                yield from (n for n in ast.iter_child_nodes(item) if hasattr(n, "lineno"))


def _any_between(lines: list[int], first: int, last: int) -> bool:
    """Whether any of the sorted `lines` is within first..last."""
    at = bisect.bisect_left(lines, first)
    return at < len(lines) and lines[at] <= last


def _catches_import_error(kind: ast.expr | None) -> bool:
    names = kind.elts if isinstance(kind, ast.Tuple) else [kind] if kind is not None else []
    return any(
        isinstance(n, (ast.Name, ast.Attribute))
        and (n.id if isinstance(n, ast.Name) else n.attr) in ("ImportError", "ModuleNotFoundError")
        for n in names
    )


_NEUTRAL_HEADERS = {
    "except": "except Exception:",
    "except*": "except* Exception:",
    "elif": "elif True:",
    "else": "else:",
    "finally": "finally:",
    "case": "case _:",
}


def _unread(text: str, line: int) -> str:
    shown = text.split("\n")[line - 1].strip()
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    version = ".".join(map(str, sys.version_info[:2]))
    return f"line {line}: Python {version} cannot parse `{shown}`; the rest was checked"


def _problem(offset: int, message: str) -> Parsed:
    return Parsed([], [ParseProblem(Span(offset, offset), message)])


def _declares_coding(text: str) -> bool:
    """PEP 263: a coding comment on the first or second line names a codec Python knows."""
    for line in text.encode("utf-8", "surrogateescape").split(b"\n")[:2]:
        match = _CODING.match(line)
        if match:
            try:
                codecs.lookup(match.group(1).decode("ascii"))
            except LookupError:
                return False
            return True
    return False


# --------------------------------------------------------------------------------------------
# pip's own code


_PROJECT_FILES = (
    ("pyproject.toml", r'(?m)^\s*name\s*=\s*["\']([^"\']+)'),
    ("setup.cfg", r"(?m)^\s*name\s*=\s*(\S+)"),
    ("setup.py", r"""\bname\s*=\s*["']([^"']+)"""),
)


@functools.cache
def _project(directory: str) -> tuple[str | None, str | None]:
    """The nearest pyproject.toml / setup.cfg / setup.py above `directory`, and the project
    name it gives."""
    for name, pattern in _PROJECT_FILES:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            try:
                with open(candidate, encoding="utf-8", errors="replace") as handle:
                    match = re.search(pattern, handle.read(65536))
            except OSError:
                return candidate, None
            return candidate, match.group(1).strip().lower() if match else None
    parent = os.path.dirname(directory)
    return (None, None) if parent == directory else _project(parent)


def _pip_itself(path: str) -> tuple[bool, str | None]:
    """Whether `path` is code of the pip project (its package directory, `pip/` with pip's
    `_internal`, or a project named `pip`), and the project file that says so."""
    directory = os.path.dirname(os.path.abspath(path))
    parts = directory.split(os.sep)
    for index, part in enumerate(parts):
        if part == "pip" and os.path.isdir(os.sep.join([*parts[: index + 1], "_internal"])):
            return True, None
    project_file, name = _project(directory)
    return name == "pip", project_file


_SYS_PATH_CHANGES = frozenset({"insert", "append", "extend"})


def _changes_sys_path(module: ast.Module) -> bool:
    """Whether the module puts directories on `sys.path` itself (`sys.path.insert(0,
    pip_zip)`, `sys.path[:0] = [...]`, `site.addsitedir(...)`), as get-pip.py and its kin do
    before importing the pip they bring: the pip it imports is then its own, not the
    machine's, so how its API changes between releases does not reach it."""

    def is_sys_path(node: ast.AST) -> bool:
        while isinstance(node, ast.Subscript):
            node = node.value
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "path"
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
        )

    for node in ast.walk(module):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in _SYS_PATH_CHANGES and is_sys_path(node.func.value):
                return True
            if node.func.attr == "addsitedir":
                return True
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(is_sys_path(t) for t in targets):
                return True
    return False


# --------------------------------------------------------------------------------------------
# Positions


class _Positions:
    """ast positions (1-based line, UTF-8 byte column) → character offsets in the file."""

    def __init__(self, source: SourceText, parse_text: str) -> None:
        self.source = source
        self.parse_text = parse_text

    def offset(self, line: int, column: int) -> int:
        starts = self.source.line_starts
        if line > len(starts):
            return len(self.source.text)
        start = starts[max(line, 1) - 1]
        end = starts[line] if line < len(starts) else len(self.parse_text)
        text = self.parse_text[start:end]
        if text.isascii():
            return start + min(max(column, 0), len(text))
        return start + len(text.encode("utf-8")[: max(column, 0)].decode("utf-8", "ignore"))

    def span(self, node: ast.AST) -> Span:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
        end_col = getattr(node, "end_col_offset", None)
        end = self.offset(end_line, end_col) if end_col is not None else start
        return Span(start, max(start, end))


# --------------------------------------------------------------------------------------------
# The walk


class _Finder:
    def __init__(self, text: str, parse_text: str, module: ast.Module, pip_itself: bool) -> None:
        self.text = text
        self.positions = _Positions(SourceText(text), parse_text)
        self.module = module
        # The lines of the imports in each function (and the module), found once.
        self.import_lines: dict[int, list[int]] = {}
        # Whether the pip it imports is its own (None: not looked at yet, see `pip_itself`).
        self._own_pip: bool | None = True if pip_itself else None
        self.aliases: dict[str, str] = {}
        self.constants: dict[str, ast.Constant] = {}
        self.statements: list[ast.stmt] = []
        self.functions: set[str] = set()  # the names the module defines functions by
        self._runners: dict[str, tuple[int, str]] | None = None
        self.import_sys_at = self._import_sys_at()

    @property
    def pip_itself(self) -> bool:
        """Whether the pip the module uses is pip's own code or one it put on `sys.path`
        itself: looked at only where it uses pip's API (walking a long module for it costs a
        fifth of reading it)."""
        if self._own_pip is None:
            self._own_pip = _changes_sys_path(self.module)
        return self._own_pip

    @property
    def runners(self) -> dict[str, tuple[int, str]]:
        """Functions of the module that run a parameter as a shell command: name → position.
        Found when a call on a line naming pip calls a function by name."""
        if self._runners is None:
            self._runners = self._command_runners(self.statements)
        return self._runners

    def items(self) -> Iterator[ScopeItem]:
        statements = self.statements = list(_statements(self.module.body))
        self.functions = {s.name for s in statements if isinstance(s, ast.FunctionDef)}
        assigned: dict[str, list[ast.AST]] = {}
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self._bind(node)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(
                node.target, ast.Name
            ):
                assigned.setdefault(node.target.id, []).extend([node, node])
        self.constants = {
            name: values[0]
            for name, values in assigned.items()
            if len(values) == 1
            and isinstance(values[0], ast.Constant)
            and isinstance(values[0].value, str)
        }
        # Only the lines that can run pip are looked into: those that say pip, or a name
        # that stands for it (`PIP = "pip3"`, `from pip import main as m`).
        lines = self._lines_naming_pip()
        found: list[tuple[int, ScopeItem]] = []
        for statement in statements:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                use = self._pip_import(statement)
                if use is not None:
                    found.append((use.span.start, use))
                continue
            decorators = getattr(statement, "decorator_list", ())
            first = min([statement.lineno, *(d.lineno for d in decorators)])
            if not _any_between(lines, first, statement.end_lineno or statement.lineno):
                continue  # the whole statement, nested ones too
            for part in _own_parts(statement):
                first = part.lineno  # type: ignore[attr-defined]
                if not _any_between(lines, first, getattr(part, "end_lineno", None) or first):
                    continue
                for node in ast.walk(part):
                    if isinstance(node, ast.Call):
                        found.extend(self._call(node))
        found.sort(key=lambda pair: pair[0])
        return (item for _, item in found)

    def _lines_naming_pip(self) -> list[int]:
        names = ["pip"]
        names += [n for n, c in self.constants.items() if "pip" in c.value.lower()]
        names += [n for n, target in self.aliases.items() if target.split(".")[0] == "pip"]
        source = self.positions.source
        lines = set()
        for name in names:
            at = self.text.find(name)
            while at != -1:
                lines.add(source.position(at).line)
                at = self.text.find(name, at + len(name))
        return sorted(lines)

    # Names ----------------------------------------------------------------------------------

    def _bind(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    self.aliases[top] = top
        elif node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def _qualified(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, "")
        if isinstance(node, ast.Attribute):
            base = self._qualified(node.value)
            return f"{base}.{node.attr}" if base else ""
        return ""

    def _import_sys_at(self) -> int | None:
        """Where `import sys` would go: after the imports at the top of the module (or its
        docstring); None when the module imports sys already."""
        body = self.module.body
        if any(
            isinstance(s, ast.Import) and any(a.name == "sys" and not a.asname for a in s.names)
            for s in body
        ):
            return None
        source = self.positions.source
        after: int | None = None
        for index, statement in enumerate(body):
            docstring = (
                index == 0
                and isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            )
            if not (docstring or isinstance(statement, (ast.Import, ast.ImportFrom))):
                break
            line = statement.end_lineno or statement.lineno
            after = source.offset(line + 1) if line < len(source.line_starts) else len(self.text)
        if after is None:  # before the first statement, after any shebang or coding comment
            after = source.offset(body[0].lineno) if body else len(self.text)
        return after

    # Uses of pip's modules ------------------------------------------------------------------

    def _pip_import(self, node: ast.Import | ast.ImportFrom) -> PythonUse | None:
        """One use per statement, placed at the first name it imports from pip."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "pip._internal" or alias.name.startswith("pip._internal."):
                    return PythonUse(alias.name, self._alias_span(node, alias), self.pip_itself)
            return None
        module = node.module or ""
        if node.level or (module != "pip" and not module.startswith("pip.")):
            return None
        for alias in node.names:
            name = f"{module}.{alias.name}"
            if name == "pip.main" or module.startswith("pip._internal"):
                return PythonUse(name, self._alias_span(node, alias), self.pip_itself)
        return None

    def _alias_span(self, statement: ast.stmt, alias: ast.alias) -> Span:
        if getattr(alias, "end_col_offset", None) is not None:  # Python 3.10+
            return self.positions.span(alias)
        return self.positions.span(statement)  # pragma: no cover

    # Calls ----------------------------------------------------------------------------------

    def _command_runners(self, statements: list[ast.stmt]) -> dict[str, tuple[int, str]]:
        """The module's functions that hand one of their parameters to a shell
        (`def run(cmd): subprocess.run(cmd, shell=True)`), also through each other (`def
        do(msg, cmd): run(cmd)`): name → the parameter's position and name."""
        functions = [s for s in statements if isinstance(s, ast.FunctionDef)]
        if not functions:
            return {}
        calls = [[n for n in ast.walk(f) if isinstance(n, ast.Call)] for f in functions]
        runners: dict[str, tuple[int, str]] = {}
        for _ in range(4):  # wrappers of wrappers, a few deep
            before = len(runners)
            for function, made in zip(functions, calls, strict=True):
                if function.name in runners:
                    continue
                parameters = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
                # A parameter the function assigns may not be what the shell runs (`cmd =
                # f'. {env}/bin/activate && {cmd}'`): the callers' text is not followed.
                rebound = _assigned_names(function)
                for call in made:
                    command = self._shell_command(call, runners)
                    if (
                        isinstance(command, ast.Name)
                        and command.id in parameters
                        and command.id not in rebound
                    ):
                        runners[function.name] = (parameters.index(command.id), command.id)
                        break
            if len(runners) == before:
                break
        return runners

    def _shell_command(
        self, call: ast.Call, runners: dict[str, tuple[int, str]]
    ) -> ast.expr | None:
        """The expression a call runs as a shell command, if it runs one."""
        positional = [a for a in call.args if not isinstance(a, ast.Starred)]
        keywords = {k.arg: k.value for k in call.keywords if k.arg}
        if isinstance(call.func, ast.Name) and call.func.id in runners:
            index, parameter = runners[call.func.id]
            return positional[index] if index < len(positional) else keywords.get(parameter)
        name = self._qualified(call.func)
        if name in _SHELL_STRING:
            return positional[0] if positional else None
        shell = keywords.get("shell")
        if name in _SUBPROCESS and isinstance(shell, ast.Constant) and shell.value is True:
            return positional[0] if positional else keywords.get("args")
        return None

    def _call(self, node: ast.Call) -> Iterator[tuple[int, ScopeItem]]:
        if (
            isinstance(node.func, ast.Name)
            and node.func.id in self.functions
            and node.func.id in self.runners
        ):
            command = self._shell_command(node, self.runners)
            script = self._shell_string(command) if command is not None else None
            if script is not None:
                start = self.positions.span(node).start
                yield start, script._replace(imports_after=self._imports_after(node))
            return
        name = self._qualified(node.func)
        if not name:
            return
        if name in _PIP_MAIN:
            span = self.positions.span(node.func)
            yield span.start, PythonUse(name, span, self.pip_itself)
            return
        positional = [a for a in node.args if not isinstance(a, ast.Starred)]
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        script: Script | None = None
        if name in _SHELL_STRING:
            script = self._shell_string(positional[0]) if positional else None
        elif name in _SUBPROCESS:
            program = positional[0] if positional else keywords.get("args")
            if program is None:
                return
            shell = keywords.get("shell")
            if isinstance(shell, ast.Constant) and shell.value is True:
                script = self._shell_string(program)
            elif _command_line(program):
                # No shell, one string of words: Windows runs it as a command line (POSIX
                # looks for a program of that whole name); its words are what it means.
                script = self._shell_string(program)
            else:
                script = self._argv(program)
        elif name == "asyncio.create_subprocess_exec":
            script = self._argv_elements(positional)
        elif name.startswith(("os.exec", "os.spawn")):
            lists = [a for a in positional if isinstance(a, (ast.List, ast.Tuple))]
            script = self._argv(lists[0]) if lists else None
        if script is not None:
            yield (
                self.positions.span(node).start,
                script._replace(imports_after=self._imports_after(node)),
            )

    def _imports_after(self, call: ast.Call) -> bool:
        """Whether the code needs what `call` installs in the interpreter running it: the
        call handles a failed import (`except ImportError:`, or a `try:` that imports), or
        an import runs after it in the same function (or module)."""
        end = call.end_lineno or call.lineno
        scope: ast.AST = self.module
        node: ast.AST = self.module
        while True:
            inside = next(
                (
                    child
                    for child in ast.iter_child_nodes(node)
                    if isinstance(child, (ast.stmt, ast.excepthandler))
                    and child.lineno <= call.lineno <= (child.end_lineno or child.lineno)
                ),
                None,
            )
            if inside is None:
                break
            if (
                isinstance(node, ast.Try)
                and isinstance(inside, ast.ExceptHandler)
                and (
                    _catches_import_error(inside.type)
                    or any(
                        isinstance(n, (ast.Import, ast.ImportFrom))
                        for statement in node.body
                        for n in ast.walk(statement)
                    )
                )
            ):
                return True
            if isinstance(inside, (ast.FunctionDef, ast.AsyncFunctionDef)):
                scope = inside
            node = inside
        lines = self.import_lines.get(id(scope))
        if lines is None:
            lines = self.import_lines[id(scope)] = [
                n.lineno
                for n in ast.walk(scope)
                if isinstance(n, (ast.Import, ast.ImportFrom)) or self._imports(n)
            ]
        return any(line > end for line in lines)

    def _imports(self, node: ast.AST) -> bool:
        """`importlib.import_module(...)`, `__import__(...)`."""
        if not isinstance(node, ast.Call):
            return False
        if isinstance(node.func, ast.Name) and node.func.id == "__import__":
            return True
        return self._qualified(node.func) == "importlib.import_module"

    def _resolved(self, node: ast.expr) -> ast.expr:
        if isinstance(node, ast.Name) and node.id in self.constants:
            return self.constants[node.id]
        return node

    # Shell strings --------------------------------------------------------------------------

    def _shell_string(self, node: ast.expr) -> Script | None:
        builder = ScriptBuilder()
        literals: list[PythonLiteral] = []
        if not self._add_string(node, builder, literals):
            return None
        script = builder.script("sh")
        return script._replace(
            origin="python-shell", import_sys_at=self.import_sys_at, literals=tuple(literals)
        )

    def _add_string(
        self, node: ast.expr, builder: ScriptBuilder, literals: list[PythonLiteral]
    ) -> bool:
        """Add what a string expression runs; False when no part of it is a literal."""
        span = self.positions.span(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self._add_string(node.left, builder, literals)
            return self._add_string(node.right, builder, literals) or left
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and (
            isinstance(node, ast.JoinedStr) or isinstance(node.value, str)
        ):
            pieces = list(_literals(self.text, span))
            if not pieces:
                builder.add_opaque(UNKNOWN, span.start, span.end)
                return False
            for literal in pieces:
                literals.append(literal)
                _add_content(builder, self.text, literal, self._field_word)
            return True
        resolved = self._resolved(node)
        if resolved is not node:
            assert isinstance(resolved, ast.Constant)
            builder.add_opaque(resolved.value, span.start, span.end)
            return True
        builder.add_opaque(UNKNOWN, span.start, span.end)
        return False

    def _expression_word(self, node: ast.expr) -> str:
        """The word an expression stands for in a command: `sys.executable` is the running
        interpreter; anything else is unknown."""
        return RUNNING_PYTHON if self._qualified(node) == "sys.executable" else UNKNOWN

    def _field_word(self, field: str) -> str:
        """The word an f-string's replacement field (`{sys.executable}`) stands for."""
        try:
            node = ast.parse(field.strip(), mode="eval").body
        except (SyntaxError, ValueError):
            return UNKNOWN
        return self._expression_word(node)

    # Argument lists -------------------------------------------------------------------------

    def _argv(self, node: ast.expr) -> Script | None:
        if isinstance(node, (ast.List, ast.Tuple)):
            return self._argv_elements([e for e in node.elts if not isinstance(e, ast.Starred)])
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "split"
            and not node.args
            and not node.keywords
        ):
            node = node.func.value  # `"pip install -r requirements.txt".split()`
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            # A command line in one string without a shell: Windows splits it into the
            # words a list would hold (POSIX looks for a program of the whole name).
            words = node.value.split()
            span = self.positions.span(node)
            builder = ScriptBuilder()
            for index, word in enumerate(words):
                if index:
                    builder.add_opaque(" ", span.start, span.start)
                builder.add_opaque(word if _PLAIN_WORD.fullmatch(word) else UNKNOWN, *span)
            if words:
                script = builder.script("")
                return script._replace(
                    origin="python-argv-string", import_sys_at=self.import_sys_at
                )
        return None

    def _argv_elements(self, elements: list[ast.expr]) -> Script | None:
        """Each element becomes one word, placed over its whole expression in the file."""
        if not elements:
            return None
        builder = ScriptBuilder()
        for index, element in enumerate(elements):
            span = self.positions.span(element)
            if index:
                builder.add_opaque(" ", span.start, span.start)
            value = self._resolved(element)
            text = value.value if isinstance(value, ast.Constant) else None
            known = isinstance(text, str) and _PLAIN_WORD.fullmatch(text)
            word = text if known else self._expression_word(element)
            builder.add_opaque(word, span.start, span.end)  # type: ignore[arg-type]
        script = builder.script("")
        return script._replace(origin="python-argv", import_sys_at=self.import_sys_at)


def _assigned_names(function: ast.FunctionDef) -> set[str]:
    """The plain names `function` assigns anywhere in its body."""
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.NamedExpr)):
            targets = [node.target]
        else:
            continue
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _command_line(node: ast.expr) -> bool:
    """A string literal of several words (`"pip install -r requirements.txt"`)."""
    if isinstance(node, ast.JoinedStr):
        return True
    return (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value.strip()
    )


# --------------------------------------------------------------------------------------------
# String literals, read from the file's text


_PREFIX = lazy(r"[rRbBuUfF]{0,2}")


def _literals(text: str, span: Span) -> Iterator[PythonLiteral]:
    """The literals of an (implicitly concatenated) string expression at `span`."""
    i, end = span.start, span.end
    while i < end:
        ch = text[i]
        if ch in " \t\r\n\f(":
            i += 1
            continue
        if ch == "\\" and text.startswith("\n", i + 1):
            i += 2
            continue
        if ch == "#":
            newline = text.find("\n", i)
            i = end if newline == -1 else newline + 1
            continue
        prefix = _PREFIX.match(text, i)
        assert prefix is not None
        q = prefix.end()
        quote = text[q : q + 3] if text[q : q + 3] in ('"""', "'''") else text[q : q + 1]
        if quote not in ('"', "'", '"""', "'''"):
            return  # not a literal we can read: the caller treats the rest as unknown
        start = q + len(quote)
        j = start
        while j < end and not text.startswith(quote, j):
            j += 2 if text[j] == "\\" else 1
        letters = text[i:q].lower()
        stop = min(j, end)
        braces = (
            ()
            if "f" in letters
            else tuple((k, text[k]) for k in range(start, stop) if text[k] in "{}")
        )
        yield PythonLiteral(Span(start, stop), i, letters, quote, "r" in letters, braces)
        i = j + len(quote)


_ESCAPE = lazy(r"\\(N\{[^}]*\}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{1,3}|.)", re.S)


def _add_content(
    builder: ScriptBuilder, text: str, literal: PythonLiteral, field_word: Callable[[str], str]
) -> None:
    """Copy a literal's content into the Script: escapes as the characters they stand for,
    an f-string's fields as the words `field_word` makes of them, `{{`/`}}` as braces."""
    start, end = literal.content
    content = text[start:end]
    if "f" not in literal.prefix:
        _add_escaped(builder, content, start, raw=literal.raw)
        return
    position = 0
    i = 0
    while i < len(content):
        ch = content[i]
        if ch in "{}" and content.startswith(ch * 2, i):
            _add_escaped(builder, content[position:i], start + position, raw=literal.raw)
            builder.add_opaque(ch, start + i, start + i + 2)
            i += 2
            position = i
        elif ch == "{":
            _add_escaped(builder, content[position:i], start + position, raw=literal.raw)
            close = _field_end(content, i)
            field = content[i + 1 : close - 1].partition("!")[0].partition(":")[0]
            builder.add_opaque(field_word(field), start + i, start + close)
            i = position = close
        else:
            i += 1
    _add_escaped(builder, content[position:], start + position, raw=literal.raw)


def _field_end(content: str, i: int) -> int:
    """The end of the replacement field that opens at content[i] (`{`), nesting included."""
    depth = 0
    quote = ""
    while i < len(content):
        ch = content[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(content)


def _add_escaped(builder: ScriptBuilder, content: str, start: int, *, raw: bool) -> None:
    """Copy a literal's content, each backslash escape as the character it stands for."""
    if raw:
        builder.add(content, start)
        return
    position = 0
    for match in _ESCAPE.finditer(content):
        builder.add(content[position : match.start()], start + position)
        try:
            decoded = codecs.decode(match.group(0), "unicode_escape")
        except UnicodeError:  # `\€`: not an escape Python knows, kept as written
            decoded = match.group(0)
        builder.add_opaque(decoded, start + match.start(), start + match.end())
        position = match.end()
    builder.add(content[position:], start + position)
