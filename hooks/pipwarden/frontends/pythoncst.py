"""The libcst side of the Python front-end (see `python`): imported only for files that may
run pip."""

from __future__ import annotations

import codecs
import re

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, QualifiedNameProvider

from pipwarden.frontends import Parsed
from pipwarden.model import SourceText, Span
from pipwarden.shell.session import (
    Boundary,
    ParseProblem,
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
# Where a program's argument list (or shell string) is, by qualified name.
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
_EXEC_ARGS = frozenset({"asyncio.create_subprocess_exec"})
_PIP_MAIN = frozenset({"pip.main", "pip._internal.main", "pip._internal.cli.main.main"})
UNKNOWN = "${_}"


def parse(text: str, path: str) -> Parsed:
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        source = SourceText(text)
        line = max(1, min(error.raw_line, len(source.line_starts)))
        start = source.offset(line, error.raw_column + 1)
        return Parsed(
            [], [ParseProblem(Span(start, start), f"Python syntax error: {error.message}")]
        )
    except (RecursionError, MemoryError):
        return Parsed([], [ParseProblem(Span(0, 0), "Python file too deeply nested to parse")])
    finder = _Finder(SourceText(text))
    MetadataWrapper(module, unsafe_skip_copy=True).visit(finder)
    return Parsed([Scope(path, tuple(finder.items), BOUNDARY)])


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


class _Finder(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider)

    def __init__(self, source: SourceText) -> None:
        super().__init__()
        self.source = source
        self.items: list[ScopeItem] = []
        self.import_sys_at: int | None = 0

    def _span(self, node: cst.CSTNode) -> Span:
        code_range = self.get_metadata(PositionProvider, node)
        start = self.source.offset(code_range.start.line, code_range.start.column + 1)
        end = self.source.offset(code_range.end.line, code_range.end.column + 1)
        return Span(start, end)

    def _names(self, node: cst.CSTNode) -> set[str]:
        return {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())}

    def visit_Module(self, node: cst.Module) -> None:
        """Where `import sys` would go: after the imports at the top of the module (or its
        docstring); None when the module imports sys already."""
        after: int | None = None
        leading = True
        for statement in node.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                leading = False
                continue
            for small in statement.body:
                if isinstance(small, cst.Import) and any(
                    _dotted(a.name) == "sys" and a.asname is None for a in small.names
                ):
                    self.import_sys_at = None
                    return
                docstring = (
                    after is None
                    and isinstance(small, cst.Expr)
                    and isinstance(small.value, cst.SimpleString)
                )
                leading = leading and (isinstance(small, (cst.Import, cst.ImportFrom)) or docstring)
                if leading:
                    line = self.get_metadata(PositionProvider, statement).end.line
                    after = (
                        self.source.offset(line + 1)
                        if line < len(self.source.line_starts)
                        else len(self.source.text)
                    )
        if after is None:  # before the first statement, after any shebang or coding comment
            first = node.body[0] if node.body else None
            start = self.get_metadata(PositionProvider, first).start.line if first else None
            after = self.source.offset(start) if start else len(self.source.text)
        self.import_sys_at = after

    # Uses of pip's modules ------------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = _dotted(alias.name)
            if name == "pip._internal" or name.startswith("pip._internal."):
                self.items.append(PythonUse(name, self._span(alias)))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = _dotted(node.module) if node.module is not None else ""
        if module != "pip" and not module.startswith("pip."):
            return
        names = [] if isinstance(node.names, cst.ImportStar) else node.names
        for alias in names:
            name = f"{module}.{_dotted(alias.name)}"
            if name == "pip.main" or module.startswith("pip._internal"):
                self.items.append(PythonUse(name, self._span(alias)))

    # Calls ----------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        names = self._names(node.func)
        if names & _PIP_MAIN:
            self.items.append(PythonUse(sorted(names & _PIP_MAIN)[0], self._span(node.func)))
            return
        positional = [a for a in node.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        if names & _SHELL_STRING:
            if positional:
                self._shell_string(positional[0].value)
        elif names & _SUBPROCESS:
            program = positional[0].value if positional else keywords.get("args")
            shell = keywords.get("shell")
            if program is None:
                return
            if isinstance(shell, cst.Name) and shell.value == "True":
                self._shell_string(program)
            else:
                self._argv(program)
        elif names & _EXEC_ARGS:
            self._argv_elements([a.value for a in node.args if a.keyword is None])
        elif any(n.startswith(("os.exec", "os.spawn")) for n in names):
            lists = [a.value for a in positional if isinstance(a.value, (cst.List, cst.Tuple))]
            if lists:
                self._argv(lists[0])

    def _shell_string(self, node: cst.BaseExpression) -> None:
        builder = ScriptBuilder()
        if self._add_string(node, builder):
            self.items.append(builder.script("sh"))

    def _add_string(self, node: cst.BaseExpression, builder: ScriptBuilder) -> bool:
        """Add what a string expression runs; False when no part of it is a literal."""
        if isinstance(node, cst.SimpleString):
            span = self._span(node)
            opening = len(node.prefix) + len(node.quote)
            content = node.value[opening : len(node.value) - len(node.quote)]
            _add_escaped(builder, content, span.start + opening, raw="r" in node.prefix.lower())
            return True
        if isinstance(node, cst.ConcatenatedString) or (
            isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add)
        ):
            left = self._add_string(node.left, builder)
            return self._add_string(node.right, builder) or left
        if isinstance(node, cst.FormattedString):
            for part in node.parts:
                span = self._span(part)
                if isinstance(part, cst.FormattedStringText):
                    _add_escaped(builder, part.value, span.start, raw="r" in node.prefix.lower())
                else:
                    builder.add_opaque(UNKNOWN, span.start, span.end)
            return True
        span = self._span(node)
        builder.add_opaque(UNKNOWN, span.start, span.end)
        return False

    def _argv(self, node: cst.BaseExpression) -> None:
        if isinstance(node, (cst.List, cst.Tuple)):
            self._argv_elements([e.value for e in node.elements if isinstance(e, cst.Element)])
        elif isinstance(node, cst.SimpleString):
            self._argv_elements([node])

    def _argv_elements(self, elements: list[cst.BaseExpression]) -> None:
        """Each element becomes one word, placed over its whole literal in the file."""
        if not elements:
            return
        builder = ScriptBuilder()
        for index, element in enumerate(elements):
            span = self._span(element)
            if index:
                builder.add_opaque(" ", span.start, span.start)
            value = element.evaluated_value if isinstance(element, cst.SimpleString) else None
            known = isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_./+=:,@%^-]+", value)
            builder.add_opaque(value if known else UNKNOWN, span.start, span.end)
        script = builder.script("")
        self.items.append(
            Script(
                script.text,
                script.offsets,
                "",
                origin="python-argv",
                import_sys_at=self.import_sys_at,
            )
        )


_ESCAPE = re.compile(
    r"\\(N\{[^}]*\}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{1,3}|.)", re.S
)


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
        except UnicodeDecodeError:
            decoded = match.group(0)
        builder.add_opaque(decoded, start + match.start(), start + match.end())
        position = match.end()
    builder.add(content[position:], start + position)
