"""tree-sitter-bash → a Program: the simple commands of a Script with exact file spans, in the
structure that decides which of them run and in which shell: sequences, branches (`if`,
`case`, `&&`, `||`), loops, subshells and pipelines (whose changes do not come back), function
definitions. Words are read as written; the analysis reads variables in them (`expand`).

Only the stable node API is used (`type`, children and fields, byte offsets, `has_error`); the
Query API changed in tree-sitter 0.25. tree-sitter rejects a few percent of the scripts bash
accepts; the statements it cannot parse are re-read line by line, and a line that still fails
is scanned for plain words, so a pip command there is still seen.
"""

from __future__ import annotations

import bisect
import fnmatch
import functools
import os
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from pipwarden.commands import relevant_program, runs_file
from pipwarden.model import Span
from pipwarden.patterns import lazy
from pipwarden.record import Record
from pipwarden.shell.command import WRAPPERS, Assignment, Command, Ready, Redirect, Word
from pipwarden.shell.expand import Simple, Values, readings
from pipwarden.shell.session import OffsetMap, Script

if TYPE_CHECKING:
    from tree_sitter import Node as TreeNode
    from tree_sitter import Parser


# --------------------------------------------------------------------------------------------
# The Program


class Seq(Record):
    """Nodes run one after another in the same shell."""

    items: tuple[ProgramNode, ...]


class Test(Record):
    """A test of one variable the analysis may know: `[ "$X" == "1" ]` (`=`, `!=`), `[ -n
    "$X" ]`, `[ -z "${X:-}" ]`; `default` is what `${X:-default}` gives when X is unset.
    `also`: the tests of the same variable an `if` joins to it with `&&` and `||`, left to
    right as the shell runs them (`[ "$X" = a ] || [ "$X" = b ]`)."""

    name: str
    operator: str
    value: str
    default: str | None = None
    span: Span | None = None  # where it stands (kept for the tests of who runs the script)
    also: tuple[tuple[str, Test], ...] = ()

    def verdict(self, values: tuple[tuple[str, object], ...] | None) -> bool | None:
        """Whether the test passes with the values the variable may hold; None: not known."""
        if values is None:
            return None
        answers = {self.passes(value) for value, _ in values}
        return answers.pop() if len(answers) == 1 else None

    def passes(self, value: str) -> bool:
        """Whether the test passes where the variable holds `value`."""
        passed = self._passes(value)
        for operator, test in self.also:
            if passed == (operator == "&&"):  # `&&` goes on after a success, `||` after a failure
                passed = test._passes(value)
        return passed

    def admitted(self, passed: bool) -> tuple[str, ...] | None:
        """The values the variable holds where the test gives `passed`, where they are a few
        words (`[ "$X" = a ] || [ "$X" = b ]` passing: a or b); None where they are not (any
        value but those, or an unset variable)."""
        words = dict.fromkeys(
            t.value for t in (self, *(t for _, t in self.also)) if t.operator in ("=", "==", "!=")
        )
        # Every value the tests do not name answers as NUL does; an empty or unset variable
        # stays unknown.
        if self.passes("\0") == passed or self.passes("") == passed:
            return None
        return tuple(word for word in words if self.passes(word) == passed) or None

    def _passes(self, value: str) -> bool:
        if not value and self.default is not None:
            value = self.default
        if self.operator == "-n":
            return value != ""
        if self.operator == "-z":
            return value == ""
        return (value == self.value) == (self.operator in ("=", "=="))


class Fork(Record):
    """Arms of which one runs, or none unless `exhaustive`: `if`/`elif`/`else`, `case`. Where
    the `if` tests one variable, `test` says how, and the first arm runs when it passes. Where
    a `case` looks at one variable (`subject`), `patterns` are each arm's."""

    arms: tuple[Seq, ...]
    exhaustive: bool
    span: Span
    test: Test | None = None
    subject: str | None = None
    patterns: tuple[tuple[str, ...] | None, ...] = ()
    # The answer of an `if` whose condition always gives one (`if true`, `if ! false`).
    constant: bool | None = None
    # The tests of a condition that joins them with `||` alone (`if [ "$ID" != ubuntu ] || [
    # "$VERSION_ID" != 22.04 ]`): where no arm runs, each of them failed.
    either_of: tuple[Test, ...] = ()

    def arms_taken(self, lookup: Callable[[str], Values | None]) -> set[int] | None:
        """The arms that may run (-1: none does) with the values `lookup` gives the variable
        the fork looks at; None where that is not known."""
        if self.constant is not None:
            return {0} if self.constant else {-1, *range(1, len(self.arms))}
        name = self.test.name if self.test else self.subject
        values = lookup(name) if name else None
        if values is None:
            return None
        if self.test is not None:
            verdict = self.test.verdict(values)
            if verdict is None:
                return None
            return {0} if verdict else {-1, *range(1, len(self.arms))}
        taken = set()
        for value, _ in values:
            for index, patterns in enumerate(self.patterns):
                if patterns is None:
                    return None  # a pattern with an expansion
                if any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns):
                    taken.add(index)
                    break
            else:
                taken.add(-1)
        return taken

    def admitted(self, index: int, values: Values | None) -> Values | None:
        """What the variable the fork looks at holds on the way through arm `index` (-1: no
        arm runs): those of `values` that take that way; where they are not known, the words
        that alone take it (`if [ "$X" = a ] || [ "$X" = b ]`: a or b; a `case` arm of
        words). None: nothing narrower than `values`."""
        if self.constant is not None:
            return None
        if values is not None:
            kept = tuple(v for v in values if self._arm(v[0]) in (index, None))
            return kept if kept and len(kept) < len(values) else None
        if self.test is not None:
            words = self.test.admitted(passed=index == 0)
        elif 0 <= index < len(self.patterns):
            words = self.patterns[index]
            if words is None or not all(_PLAIN_WORD.fullmatch(w) for w in words):
                return None  # an expansion or a glob: any number of values
            words = tuple(w for w in dict.fromkeys(words) if self._arm(w) in (index, None))
        else:
            return None
        return tuple((word, None) for word in words) if words else None

    def _arm(self, value: str) -> int | None:
        """The arm `value` takes (-1: none); None where a pattern before it is not known."""
        if self.test is not None:
            return 0 if self.test.passes(value) else (1 if len(self.arms) > 1 else -1)
        for index, patterns in enumerate(self.patterns):
            if patterns is None:
                return None
            if any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns):
                return index
        return -1


class Chain(Record):
    """`a && b || c`: `first` runs; each further part runs or not by the operator before it
    and the success of what ran before (see `_Builder._outcome`)."""

    first: ProgramNode
    outcome: str
    rest: tuple[tuple[str, ProgramNode, str], ...]
    # The test each part is (None for a part that is none), first included.
    tests: tuple[Test | None, ...] = ()


class Loop(Record):
    """A body that runs any number of times: none included, unless `at_least_once` (a `for`
    over words written out: `for x in a b`)."""

    body: Seq
    at_least_once: bool = False


class Child(Record):
    """A body run in a subshell (`( ... )`, a pipeline's parts, `&`, `$( ... )`): it starts
    from this shell's state, and what it changes does not come back."""

    body: Seq


class Function(Record):
    """`name() { body; }`: the body runs where the name is called, in the caller's shell (a
    body in parentheses, in a subshell of it). `script` is the Script it is written in."""

    name: str
    body: Seq
    subshell: bool
    span: Span
    script: Script


ProgramNode = Simple | Seq | Fork | Chain | Loop | Child | Function | Ready


class Program(Record):
    script: Script
    body: Seq
    # Names the script defines as functions or aliases anywhere: a command by such a name
    # is never passed over.
    defined: frozenset[str]
    # Where the shell has read each top-level command, in file offsets: the end of its last
    # line. A shell reads a whole line, and a compound command whole, before running any of
    # it, so an alias defined in it applies only to what is read after (checked by running
    # bash and dash).
    read_ends: tuple[int, ...] = ()

    def read_by(self, offset: int) -> int:
        """Where the shell will have read the command that runs at `offset`."""
        index = bisect.bisect_left(self.read_ends, offset)
        return self.read_ends[index] if index < len(self.read_ends) else offset


@functools.cache
def _parser() -> Parser:
    import tree_sitter

    return tree_sitter.Parser(tree_sitter.Language(_bash_language()))


def _bash_language() -> object:
    """tree-sitter-bash's grammar. Its package __init__ imports importlib.resources (about
    11 ms, a tenth of a pre-commit run) only to read query files we never use, so the
    compiled binding is loaded directly where it can be found; otherwise the normal way."""
    import importlib.util

    spec = importlib.util.find_spec("tree_sitter_bash")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        for name in sorted(os.listdir(location)):
            if name.startswith("_binding") and name.endswith((".so", ".pyd")):
                binding = importlib.util.spec_from_file_location(
                    "tree_sitter_bash._binding", os.path.join(location, name)
                )
                if binding is not None and binding.loader is not None:
                    try:
                        module = importlib.util.module_from_spec(binding)
                        binding.loader.exec_module(module)
                        return module.language()
                    except (ImportError, AttributeError, OSError):
                        break  # a layout we do not know: the package knows best
    import tree_sitter_bash

    return tree_sitter_bash.language()


_WIDE = lazy(r"[^\x00-\x7f]")
# `cat > x << EOF;`: bash and dash end the heredoc at `EOF` and take the `;` as a separator;
# tree-sitter-bash waits for `EOF;` and swallows the rest of the file (mail-in-a-box's
# start.sh). It is given a space there, which keeps every offset.
_HEREDOC_SEPARATOR = lazy(rb"(<<-?[ \t]*['\"]?[A-Za-z_][\w-]*['\"]?);(?=[ \t]*\r?\n)")


class _Source:
    """A Script's text as tree-sitter sees it (UTF-8 bytes) with byte → character offsets."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.text = script.text
        self.data = script.text.encode("utf-8", "surrogateescape")
        if b"<<" in self.data:
            self.data = _HEREDOC_SEPARATOR.sub(rb"\1 ", self.data)
        # The characters wider than a byte, by where their bytes start, with how many bytes
        # each takes and how many more than one byte each the characters before it took: a
        # lookup is a bisection, and building it costs nothing on ASCII text (most scripts).
        self._starts: list[int] = []
        self._widths: list[int] = []
        self._extra: list[int] = []
        if len(self.data) != len(self.text):
            extra = 0
            for match in _WIDE.finditer(self.text):
                width = len(match.group().encode("utf-8", "surrogateescape"))
                self._starts.append(match.start() + extra)
                self._widths.append(width)
                self._extra.append(extra)
                extra += width - 1

    def char(self, byte_offset: int) -> int:
        if not self._starts:
            return byte_offset
        index = bisect.bisect_right(self._starts, byte_offset) - 1
        if index < 0:
            return byte_offset
        start, extra = self._starts[index], self._extra[index]
        if byte_offset < start + self._widths[index]:  # within the character
            return start - extra
        return byte_offset - extra - self._widths[index] + 1

    def node_text(self, node: TreeNode) -> str:
        return self.text[self.char(node.start_byte) : self.char(node.end_byte)]

    def span(self, start: int, end: int) -> Span:
        """File span of the character range [start, end) of this script."""
        return self.script.offsets.span(start, end)

    def node_span(self, node: TreeNode) -> Span:
        return self.span(self.char(node.start_byte), self.char(node.end_byte))

    def node_edit_span(self, node: TreeNode) -> Span | None:
        return self.script.offsets.verbatim(self.char(node.start_byte), self.char(node.end_byte))


# --------------------------------------------------------------------------------------------
# Words


_ESCAPED_IN_DOUBLE_QUOTES = lazy(r"\\([$`\"\\\n])")
_UNQUOTED_ESCAPE = lazy(r"\\(.)", re.DOTALL)


def _unescape_unquoted(raw: str) -> str:
    return _UNQUOTED_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), raw)


def _static_value(node: TreeNode, source: _Source) -> str | None:
    kind = node.type
    if kind in ("word", "number", "variable_name"):
        return _unescape_unquoted(source.node_text(node))
    if kind == "raw_string":
        return source.node_text(node)[1:-1]
    if kind == "string":
        parts = []
        for child in node.children:
            if child.type == '"':
                continue
            if child.type == "command_substitution" and len(node.children) == 3:
                return _static_value(child, source)  # `"$(which pip3)"`
            if child.type != "string_content":
                return None
            parts.append(_ESCAPED_IN_DOUBLE_QUOTES.sub(r"\1", source.node_text(child)))
        return "".join(parts)
    if kind == "concatenation":
        parts = []
        for child in node.children:
            value = _static_value(child, source)
            if value is None:
                return None
            parts.append(value)
        return "".join(parts)
    if kind == "command_name":
        return _static_value(node.children[0], source) if node.children else None
    if kind == "command_substitution":
        # `$(command -v pip3)`, `$(which pip)`, `` `which pip` ``: the PATH's program itself.
        found = _LOOKUP.fullmatch(source.node_text(node))
        return (found.group(1) or found.group(2)) if found else None
    return None


# A lookup, with fallbacks to others (`command -v pip3 || command -v pip`): the first.
_FOUND = r"(?:command\s+-v|which|type\s+-P)\s+([\w.+-]+)(?:\s*\|\|\s*(?:command\s+-v|which|type\s+-P)\s+[\w.+-]+)*"
_LOOKUP = lazy(rf"\$\(\s*{_FOUND}\s*\)|`\s*{_FOUND}\s*`")


def _word(node: TreeNode, source: _Source) -> Word:
    return Word(
        _static_value(node, source),
        source.node_text(node),
        source.node_span(node),
        source.node_edit_span(node),
        node.type,
        source.char(node.start_byte),
    )


def program(script: Script) -> Program:
    """The Program of a Script, read once however often the Script is walked (a script that
    several files run, a function called several times)."""
    key = id(script)
    cached = _PROGRAMS.get(key)
    if cached is not None and cached.script is script:
        return cached
    built = _build(script)
    if len(_PROGRAMS) >= _CACHE_SIZE:
        _PROGRAMS.pop(next(iter(_PROGRAMS)))
    _PROGRAMS[key] = built
    return built


_CACHE_SIZE = 4096
_PROGRAMS: dict[int, Program] = {}


def _build(script: Script) -> Program:
    if not script.text.strip():
        return Program(script, Seq(()), frozenset())
    if script.shell in ("pwsh", "cmd"):
        from pipwarden.shell.windows import read  # never a bash parse of them

        return Program(script, Seq(tuple(read(script))), frozenset())
    source = _Source(script)
    tree = _parser().parse(source.data)
    text = script.text
    defined = (
        frozenset(m.group(1) or m.group(2) or m.group(3) for m in _DEFINITION.finditer(text))
        if "function" in text or "alias" in text or _EMPTY_PARENTHESES.search(text)
        else frozenset()  # the pattern tries every character: most scripts define nothing
    )
    builder = _Builder(source, defined)
    body = Seq(tuple(builder.program(tree.root_node)))
    return Program(script, body, defined, _read_ends(source, tree.root_node))


def _read_ends(source: _Source, root: TreeNode) -> tuple[int, ...]:
    ends = []
    for child in root.children:
        end = source.char(child.end_byte)
        line_end = source.text.find("\n", end)
        local = len(source.text) if line_end < 0 else line_end
        ends.append(source.script.offsets.to_file(local))
    return tuple(sorted(set(ends)))


_SOURCES = lazy(r"(?:^|[\s;&|(])(?:source|\.)[ \t]+[^\s;&|]")
# `name() {`, `function name`, `alias name=`: names that may run something other than the
# program they name.
_DEFINITION = lazy(
    r"(?m)^[ \t]*(?:function[ \t]+)?([\w.:-]+)[ \t]*\(\s*\)|\bfunction[ \t]+([\w.:-]+)"
    r"|\balias[ \t]+([\w.:-]+)="
)
_EMPTY_PARENTHESES = lazy(r"\(\s*\)")


def parse_script(script: Script, keep: Callable[[str], bool] | None = None) -> list[Command]:
    """Every simple command of `script`, in source order, each read once with its variables
    unknown (for a look over a Scope, not for judging one: branches, functions and the shell
    each command runs in are the analysis's business); with `keep`, only those whose
    program (or wrapper) it keeps by name, or whose name is not known. Read once per Script
    and `keep` (the walk looks over a Scope's commands several times, and a run shares one
    Script among the copies of an installer): the list is shared, not to be changed."""
    held = _LOOKED.get(id(script))
    if held is not None and held[0] is script and held[1] is keep:
        return held[2]
    found = list(commands_in(program(script).body, script, keep))
    if len(_LOOKED) >= _CACHE_SIZE:
        _LOOKED.pop(next(iter(_LOOKED)))
    _LOOKED[id(script)] = (script, keep, found)
    return found


# Held with the Script whose id keys them, as the Programs are.
_LOOKED: dict[int, tuple[Script, Callable[[str], bool] | None, list[Command]]] = {}


def commands_in(
    node: ProgramNode, script: Script, keep: Callable[[str], bool] | None = None
) -> Iterator[Command]:
    if isinstance(node, Simple):
        first = node.words[0].text if node.words else None
        if keep is not None and first is not None and not keep(first) and first not in WRAPPERS:
            return
        for command, _ in readings(node, script, _unknown):
            yield command
    elif isinstance(node, Ready):
        yield node.command
    elif isinstance(node, Fork):
        for arm in node.arms:
            yield from commands_in(arm, script, keep)
    elif isinstance(node, Chain):
        yield from commands_in(node.first, script, keep)
        for _, part, _ in node.rest:
            yield from commands_in(part, script, keep)
    elif isinstance(node, Seq):
        for item in node.items:
            yield from commands_in(item, script, keep)
    else:
        yield from commands_in(node.body, script, keep)


def _unknown(name: str) -> None:
    return None


# --------------------------------------------------------------------------------------------
# A glimpse: the commands without the analysis's reading of them


class Glimpse(Record):
    """A simple command as tree-sitter reads it, with no reading of variables, wrappers or
    spans: a look at whether a script can matter at all, for a fraction of the cost."""

    # Its program where that is a plain word naming no path and running no other command,
    # file or shell text (see _OPAQUE); None for any other.
    program: str | None
    words: tuple[str | None, ...]  # its arguments: plain words as written, None for others
    # The `$(...)` it runs in, outermost first (an identity each, the same for all the
    # commands of one).
    substitutions: tuple[int, ...]


def glimpse(script: Script) -> list[Glimpse] | None:
    """Every simple command of `script` (POSIX shell or bash), those in functions, branches
    and substitutions too; None where tree-sitter cannot read it whole."""
    source = _Source(script)
    root = _parser().parse(source.data).root_node
    if root.has_error:
        return None
    found: list[Glimpse] = []
    _glimpses(root, source.data, (), found)
    return found


def _glimpses(tree: TreeNode, data: bytes, inside: tuple[int, ...], found: list[Glimpse]) -> None:
    for child in tree.named_children:
        kind = child.type
        if kind == "command":
            name = child.child_by_field_name("name")
            named = name.named_children if name is not None else []
            program = _plain(named[0], data) if len(named) == 1 else None
            if program is not None and ("/" in program or program in _OPAQUE):
                program = None
            if child.named_children[0].type == "variable_assignment":
                program = None  # `X=1 make`: what it reads is for the analysis to say
            arguments = tuple(_plain(a, data) for a in child.children_by_field_name("argument"))
            found.append(Glimpse(program, arguments, inside))
        if not child.child_count or (
            kind in _WORD_LEVEL
            and _SUBSTITUTION.search(data, child.start_byte, child.end_byte) is None
        ):
            continue  # no command in it
        within = (*inside, child.id) if kind == "command_substitution" else inside
        _glimpses(child, data, within, found)


def _plain(node: TreeNode, data: bytes) -> str | None:
    """A word's text where it is a plain literal (no quote, escape or expansion)."""
    if node.type not in ("word", "number"):
        return None
    raw = data[node.start_byte : node.end_byte]
    return None if b"\\" in raw else raw.decode("utf-8", "surrogateescape")


# --------------------------------------------------------------------------------------------
# Building it

# Programs whose commands are always built: they run or change other commands, or say what a
# path is. Everything else is built only when the analysis may care (see `_Builder._wanted`).
_ALWAYS = frozenset(
    {
        "sudo",
        "doas",
        "env",
        "time",
        "nice",
        "exec",
        "command",
        "nohup",
        "xargs",
        "timeout",
        "stdbuf",
        "tini",
        "dumb-init",
        "gosu",
        "su-exec",
        "busybox",
        "docker",
        "podman",
        "kubectl",
        "ssh",
        "pdsh",
        "pssh",
        "parallel-ssh",
        "clush",
        "su",
        "runuser",
        "cd",
        "pushd",
        "popd",
        "alias",
        "unalias",
        "shopt",
        "read",
        "getopts",
        "eval",
        "set",
        # They end the shell or a function, or move the arguments `"$@"` reads.
        "exit",
        "return",
        "shift",
    }
)


class _Builder:
    def __init__(self, source: _Source, defined: frozenset[str]) -> None:
        self.source = source
        self.defined = defined
        # A script that sources another may call the functions it defines
        # (`source tools/ci.sh && ci_build`): any command may be one.
        self.sources = _SOURCES.search(source.text) is not None

    def program(self, root: TreeNode) -> Iterator[ProgramNode]:
        yield from self._statements(root.children)

    def _statements(self, children: list[TreeNode]) -> Iterator[ProgramNode]:
        """The nodes of a list of statements; one followed by `&` runs in the background, in
        a subshell."""
        for index, child in enumerate(children):
            if child.has_error:
                yield from self._recover(child)
                continue
            node = self.node(child)
            if node is None:
                continue
            following = children[index + 1] if index + 1 < len(children) else None
            if following is not None and following.type == "&":
                node = Child(Seq((node,)))
            yield node

    def node(self, tree: TreeNode) -> ProgramNode | None:
        kind = tree.type
        if kind in ("command", "declaration_command", "unset_command"):
            return self._simple(tree, ())
        if kind in ("variable_assignment", "variable_assignments"):
            return self._simple(tree, ())
        if kind == "redirected_statement":
            return self._redirected(tree)
        if kind in ("list",):
            return self._list(tree)
        if kind == "pipeline":
            parts = [n for c in tree.children if c.is_named and (n := self.node(c)) is not None]
            return Seq(tuple(Child(Seq((p,))) for p in parts)) if parts else None
        if kind == "subshell":
            return Child(Seq(tuple(self._statements(tree.children))))
        if kind in ("compound_statement", "do_group"):
            return Seq(tuple(self._statements(tree.children)))
        if kind == "negated_command":
            return self._sequence(tree.children)
        if kind == "if_statement":
            return self._if(tree)
        if kind == "case_statement":
            return self._case(tree)
        if kind in ("while_statement", "until_statement"):
            return self._while(tree)
        if kind in ("for_statement", "c_style_for_statement", "select_statement"):
            return self._for(tree)
        if kind == "function_definition":
            return self._function(tree)
        if kind in ("comment", "heredoc_body") or not tree.is_named:
            return None
        # A test (`[[ ... ]]`), an arithmetic expression: only what its substitutions run.
        found = self._substitutions_in(tree)
        return Seq(found) if found else None

    def _sequence(self, children: list[TreeNode]) -> Seq | None:
        nodes = tuple(n for c in children if c.is_named and (n := self.node(c)) is not None)
        return Seq(nodes) if nodes else None

    def _list(self, tree: TreeNode, tail: _Tail = ((), None)) -> Chain:
        """`a && b || c`: flattened, left to right, each part with what its success is;
        `tail`, the redirects and heredoc of the last command."""
        parts: list[tuple[str, ProgramNode, str]] = []
        tests: list[Test | None] = []
        self._chain(tree, "", parts, tests, tail)
        _, first, first_outcome = parts[0]
        return Chain(first, first_outcome, tuple(parts[1:]), tuple(tests))

    def _chain(
        self,
        tree: TreeNode,
        operator: str,
        parts: list[tuple[str, ProgramNode, str]],
        tests: list[Test | None],
        tail: _Tail,
    ) -> None:
        children = tree.children
        last = max((i for i, c in enumerate(children) if c.is_named), default=-1)
        for index, child in enumerate(children):
            own = tail if index == last else ((), None)
            if child.type in ("&&", "||"):
                operator = child.type
            elif child.type == "list":
                self._chain(child, operator, parts, tests, own)
            elif child.is_named:
                if child.type == "command" and (own[0] or own[1]):
                    node = self._simple(child, *own) or Seq(())
                else:
                    node = self.node(child) or Seq(())
                parts.append((operator, node, self._outcome(child)))
                tests.append(self._test(child))

    def _test(self, tree: TreeNode) -> Test | None:
        """The test `tree` is, where it tests one variable against a literal, or whether the
        shell runs as root (`[ "$(id -u)" -ne 0 ]`, `[[ $EUID != 0 ]]`, `(( EUID != 0 ))`,
        `[ "$(whoami)" != root ]`: a test of EUID against 0)."""
        if tree.type not in ("test_command", "command", "compound_statement"):
            return None
        text = " ".join(self.source.node_text(tree).split())
        found = _ROOT_TEST.fullmatch(text)
        if found:
            equal = (found.group("op") or found.group("aop")) in ("-eq", "=", "==")
            return Test(ROOT_TEST, "==" if equal else "!=", "0", span=self.source.node_span(tree))
        if tree.type == "compound_statement":
            return None
        found = _COMPARISON.fullmatch(text)
        if found:
            name, default = found.group("name"), found.group("default")
            value = (found.group("value") or "").strip("\"'")
            return Test(name, found.group("op"), value, default)
        found = _EMPTINESS.fullmatch(text)
        if found:
            return Test(found.group("name"), found.group("op"), "", found.group("default"))
        return None

    def _outcome(self, tree: TreeNode) -> str:
        """Whether a part of a list succeeds: "ok" (`true`), "fail" (`false`), "either" (a
        test, whose answer is not known here), or "act": a command that does a job, taken to
        succeed before `&&` and to maybe fail before `||` (a fallback is there for a
        reason)."""
        if tree.type == "negated_command":
            inner = next((c for c in tree.children if c.is_named), None)
            found = self._outcome(inner) if inner is not None else "either"
            return {"ok": "fail", "fail": "ok"}.get(found, "either")
        if tree.type == "test_command" or (
            tree.type == "compound_statement" and self.source.node_text(tree).startswith("((")
        ):
            return "either"
        if tree.type == "redirected_statement":
            body = tree.child_by_field_name("body")
            return self._outcome(body) if body is not None else "act"
        if tree.type != "command":
            return "act"
        words = [c for c in tree.children if c.is_named and c.type != "variable_assignment"]
        name = _static_value(words[0], self.source) if words else None
        if name is None:
            return "either"
        program = name.rsplit("/", 1)[-1]
        if program in ("true", ":"):
            return "ok"
        if program == "false":
            return "fail"
        if program in _TESTS:
            return "either"
        second = _static_value(words[1], self.source) if len(words) > 1 else None
        if program == "command" and second in ("-v", "-V"):
            return "either"
        return "act"

    def _if(self, tree: TreeNode) -> Seq:
        """`if c; then a; elif d; then b; else e; fi`: c runs; then a, or d and then b or e."""
        conditions, body, clauses = self._clause(tree)
        return Seq((*conditions, self._arms(Seq(body), clauses, tree)))

    def _condition(self, tree: TreeNode) -> TreeNode | None:
        """The condition of an `if` or `elif`, where it is one command."""
        before_then = []
        for child in tree.children:
            if child.type == "then":
                break
            if child.is_named and child.type != "comment":
                before_then.append(child)
        return before_then[0] if len(before_then) == 1 else None

    def _condition_test(self, tree: TreeNode) -> Test | None:
        """The test an `if` or `elif` asks, where its condition is one test of a variable, or
        tests of one variable joined by `&&` and `||`."""
        condition = self._condition(tree)
        if condition is None:
            return None
        if condition.type != "list":
            return self._test(condition)
        joined: list[tuple[str, Test | None]] = []
        self._joined_tests(condition, "", joined)
        first, also = joined[0][1], []
        for operator, test in joined[1:]:
            if first is None or test is None or test.name != first.name:
                return None
            also.append((operator, test))
        if first is None or first.name == ROOT_TEST:
            return None
        return first._replace(also=tuple(also))

    def _joined_tests(
        self, tree: TreeNode, operator: str, joined: list[tuple[str, Test | None]]
    ) -> None:
        """The parts of a list as tests, left to right, each with the operator before it."""
        for child in tree.children:
            if child.type in ("&&", "||"):
                operator = child.type
            elif child.type == "list":
                self._joined_tests(child, operator, joined)
            elif child.is_named:
                joined.append((operator, self._test(child)))

    def _clause(
        self, tree: TreeNode
    ) -> tuple[list[ProgramNode], tuple[ProgramNode, ...], list[TreeNode]]:
        """An `if` or `elif`: its condition, its body, and the `elif`/`else` clauses after it."""
        conditions: list[ProgramNode] = []
        body: list[ProgramNode] = []
        clauses: list[TreeNode] = []
        in_body = False
        for child in tree.children:
            if child.type == "then":
                in_body = True
            elif child.type in ("elif_clause", "else_clause"):
                clauses.append(child)
            elif child.is_named and (node := self.node(child)) is not None:
                # A condition that fails does not end a `set -e` shell: a chain of its own.
                (body if in_body else conditions).append(node if in_body else Chain(node, "", ()))
        return conditions, tuple(body), clauses

    def _arms(self, body: Seq, clauses: list[TreeNode], tree: TreeNode) -> Fork:
        span = self.source.node_span(tree)
        test = self._condition_test(tree)
        condition = self._condition(tree)
        outcome = self._outcome(condition) if condition is not None else "either"
        constant = {"ok": True, "fail": False}.get(outcome)
        if not clauses:
            either_of = self._either_of(condition) if condition is not None else ()
            return Fork((body,), False, span, test, constant=constant, either_of=either_of)
        first, rest = clauses[0], clauses[1:]
        if first.type == "else_clause":
            return Fork((body, self._else(first)), True, span, test, constant=constant)
        conditions, inner, _ = self._clause(first)
        arm = Seq((*conditions, self._arms(Seq(inner), rest, first)))
        return Fork((body, arm), True, span, test, constant=constant)

    def _either_of(self, condition: TreeNode) -> tuple[Test, ...]:
        """The tests of a condition that is only tests joined by `||`, else none."""
        if condition.type != "list":
            return ()
        operands = [c for c in condition.children if c.is_named]
        joins = {c.type for c in condition.children if not c.is_named}
        if joins != {"||"}:
            return ()
        found: list[Test] = []
        for operand in operands:
            tests = self._either_of(operand) if operand.type == "list" else (self._test(operand),)
            if not tests or None in tests:
                return ()
            found.extend(t for t in tests if t is not None)
        return tuple(found)

    def _else(self, tree: TreeNode) -> Seq:
        return Seq(tuple(self._statements([c for c in tree.children if c.type != "else"])))

    def _case(self, tree: TreeNode) -> Seq:
        arms = []
        exhaustive = False
        subject: list[ProgramNode] = []
        variable = None
        patterns: list[tuple[str, ...] | None] = []
        for child in tree.children:
            if child.type == "case_item":
                # The patterns come before `)`; the statements after it.
                close = next(
                    (i for i, c in enumerate(child.children) if c.type == ")"),
                    len(child.children),
                )
                body = [c for c in child.children[close + 1 :]]
                words = [
                    self.source.node_text(c)
                    for c in child.children[:close]
                    if c.is_named and c.type != "comment"
                ]
                if "*" in words:
                    exhaustive = True
                literal = all("$" not in w and "`" not in w for w in words)
                patterns.append(tuple(w.strip("\"'") for w in words) if literal else None)
                arms.append(Seq(tuple(self._statements(body))))
            elif child.is_named:
                subject.extend(self._substitutions(child))
                found = _VARIABLE_WORD.fullmatch(self.source.node_text(child))
                variable = found.group(1) if found and variable is None else variable
        fork = Fork(
            tuple(arms),
            exhaustive,
            self.source.node_span(tree),
            subject=variable,
            patterns=tuple(patterns) if variable else (),
        )
        return Seq((*subject, fork))

    def _while(self, tree: TreeNode) -> Seq:
        condition = [
            Chain(n, "", ())
            for c in tree.children
            if c.is_named and c.type != "do_group" and (n := self.node(c)) is not None
        ]
        body = next((c for c in tree.children if c.type == "do_group"), None)
        loop_body = self.node(body) if body is not None else None
        inner = loop_body if isinstance(loop_body, Seq) else Seq(())
        return Seq((*condition, Loop(Seq((*inner.items, *condition)))))

    def _for(self, tree: TreeNode) -> Seq:
        items: list[ProgramNode] = []
        written_out = False
        listed = False
        for child in tree.children:
            if child.type == "in":
                listed = True
            elif listed and child.is_named and child.type != "do_group":
                written_out = written_out or _static_value(child, self.source) is not None
            if child.type == "variable_name":
                name = self.source.node_text(child)
                span = self.source.node_span(child)
                # Each turn gives the variable a value nothing here knows.
                unknown = Word(None, "$_", span)
                items.append(Simple((), (Assignment(name, unknown, span),), (), span))
            elif child.is_named and child.type != "do_group":
                items.extend(self._substitutions(child))
        body = next((c for c in tree.children if c.type == "do_group"), None)
        loop_body = self.node(body) if body is not None else None
        inner = loop_body if isinstance(loop_body, Seq) else Seq(())
        assignments = tuple(i for i in items if isinstance(i, Simple))
        return Seq(
            (
                *[i for i in items if not isinstance(i, Simple)],
                Loop(Seq((*assignments, *inner.items)), at_least_once=written_out),
            )
        )

    def _function(self, tree: TreeNode) -> Function | None:
        name_node = tree.child_by_field_name("name")
        body_node = tree.child_by_field_name("body")
        if name_node is None or body_node is None:
            return None
        body = self.node(body_node)
        name, span, script = (
            self.source.node_text(name_node),
            self.source.node_span(tree),
            self.source.script,
        )
        if isinstance(body, Child):
            return Function(name, body.body, True, span, script)
        inner = body if isinstance(body, Seq) else Seq(() if body is None else (body,))
        return Function(name, inner, False, span, script)

    # Simple commands ------------------------------------------------------------------------

    def _redirected(self, tree: TreeNode) -> ProgramNode | None:
        body = tree.child_by_field_name("body")
        redirects: list[Redirect] = []
        heredocs: list[TreeNode] = []
        for child in tree.children:
            if child.type == "file_redirect":
                redirects.extend(self._file_redirect(child))
            elif child.type == "heredoc_redirect":
                heredocs.append(child)
        after: list[ProgramNode] = []
        for heredoc in heredocs:
            # Commands after the heredoc operator on the same line (`<<EOF | sh`, `&& ...`).
            for child in heredoc.children:
                if child.type == "file_redirect":  # `cat <<EOF > file`
                    redirects.extend(self._file_redirect(child))
                elif child.type not in (
                    "heredoc_body",
                    "heredoc_start",
                    "heredoc_end",
                    "<<",
                    "<<-",
                ):
                    node = self.node(child)
                    if node is not None:
                        after.append(node)
        stdin = None
        if heredocs:
            content = next((c for c in heredocs[0].children if c.type == "heredoc_body"), None)
            if content is not None:
                stdin = (self.source.char(content.start_byte), self.source.char(content.end_byte))
        if body is not None and body.type == "command":
            first = self._simple(body, tuple(redirects), stdin)
        elif body is not None and body.type == "list":
            # tree-sitter hangs `a && b > f` on the list; bash gives it to the last command.
            first = self._list(body, (tuple(redirects), stdin))
        else:
            first = self.node(body) if body is not None else None
        nodes = tuple(n for n in (first, *after) if n is not None)
        if not nodes:
            return None
        return nodes[0] if len(nodes) == 1 else Seq(nodes)

    def _file_redirect(self, tree: TreeNode) -> Iterator[Redirect]:
        operator = ""
        for child in tree.children:
            if not child.is_named:
                operator = child.type
            elif child.type != "file_descriptor":
                yield Redirect(operator, _word(child, self.source))

    def _simple(
        self,
        tree: TreeNode,
        redirects: tuple[Redirect, ...],
        stdin: tuple[int, int] | None = None,
    ) -> ProgramNode | None:
        substitutions = self._substitutions_in(tree)
        if tree.type == "command" and not self._wanted(tree, redirects):
            return Seq(substitutions) if substitutions else None
        words: list[Word] = []
        assignments: list[Assignment] = []
        children = [tree] if tree.type == "variable_assignment" else tree.children
        for index, child in enumerate(children):
            kind = child.type
            if kind == "variable_assignment":
                assignments.append(self._assignment(child))
            elif kind == "variable_assignments":
                assignments.extend(
                    self._assignment(c) for c in child.children if c.type == "variable_assignment"
                )
            elif index == 0 and tree.type in ("declaration_command", "unset_command"):
                keyword = self.source.node_text(child)  # export, local, unset, ...
                span = self.source.node_span(child)
                words.append(Word(keyword, keyword, span, self.source.node_edit_span(child)))
            elif kind == "command_name" or (
                child.is_named and kind not in ("file_redirect", "herestring_redirect", "comment")
            ):
                words.append(_word(child, self.source))
            elif kind == "file_redirect":
                redirects = (*redirects, *self._file_redirect(child))
        if not words and not assignments:
            return Seq(substitutions) if substitutions else None
        start = min([w.span.start for w in words] + [a.span.start for a in assignments])
        end = max([w.span.end for w in words] + [a.span.end for a in assignments])
        simple = Simple(tuple(words), tuple(assignments), redirects, Span(start, end), stdin)
        return Seq((*substitutions, simple)) if substitutions else simple

    def _wanted(self, tree: TreeNode, redirects: tuple[Redirect, ...]) -> bool:
        for child in tree.children:
            if child.type == "variable_assignment":
                return True
            if child.type == "command_name":
                name = _static_value(child, self.source)
                if name is None:
                    return True  # `$PIP install`, `"$ROOT"/x.sh`: the analysis may read it
                program = name.rsplit("/", 1)[-1]
                if program in _OUTPUT:
                    # Only what it writes to a CI file (`>> "$GITHUB_PATH"`) or prints as a
                    # CI command (`##vso[...]`) can matter.
                    text = self.source.node_text(tree)
                    return bool(redirects) or ">" in text or "##" in text
                return (
                    self.sources
                    or program in _ALWAYS
                    or program in self.defined
                    or relevant_program(name)
                    or runs_file(name)
                    or program in _SHELL_NAMES
                    or _CHANGES_PIP_SETUP.search(self.source.node_text(tree)) is not None
                    or any(_CHANGES_PIP_SETUP.search(r.target.raw) for r in redirects)
                )
        return False

    def _substitutions_in(self, tree: TreeNode) -> tuple[ProgramNode, ...]:
        if not self._may_substitute(tree):
            return ()
        return tuple(s for child in tree.children for s in self._substitutions(child))

    def _may_substitute(self, tree: TreeNode) -> bool:
        """Whether `tree`'s text has a `$(`, `` ` ``, `<(` or `>(` (looked for in the bytes,
        not to build the text of every node on the way down)."""
        return _SUBSTITUTION.search(self.source.data, tree.start_byte, tree.end_byte) is not None

    def _substitutions(self, tree: TreeNode) -> Iterator[ProgramNode]:
        """What the command substitutions in `tree` run, each in a subshell."""
        if tree.type in ("command_substitution", "process_substitution"):
            body = tuple(self._statements(list(tree.children)))
            if body:
                yield Child(Seq(body))
            return
        for child in tree.children:
            if self._may_substitute(child):
                yield from self._substitutions(child)

    def _assignment(self, tree: TreeNode) -> Assignment:
        name_node = tree.child_by_field_name("name")
        value_node = tree.child_by_field_name("value")
        name = self.source.node_text(name_node) if name_node else ""
        value = _word(value_node, self.source) if value_node is not None else None
        if value is None:
            value = Word("", "", self.source.node_span(tree))
        return Assignment(name, value, self.source.node_span(tree))

    # Recovery from parse errors -----------------------------------------------------------

    def _recover(self, statement: TreeNode) -> Iterator[ProgramNode]:
        text = self.source.text
        start = self.source.char(statement.start_byte)
        end = self.source.char(statement.end_byte)
        for line_start, line_end in _logical_lines(text, start, end):
            piece = self.source.script._replace(
                text=text[line_start:line_end],
                offsets=self.source.script.offsets.compose(
                    OffsetMap.identity(line_start, line_end - line_start)
                ),
            )
            if not piece.text.strip():
                continue
            line_source = _Source(piece)
            tree = _parser().parse(line_source.data)
            builder = _Builder(line_source, self.defined)
            if not tree.root_node.has_error:
                nodes = builder.program(tree.root_node)
            else:
                nodes = builder._scan_tokens()
            for node in nodes:
                # A line read out of its `if`, `case` or function may sit in an arm that does
                # not run: where it would end the shell, it may run or not.
                yield (
                    Fork((Seq((node,)),), False, piece.offsets.span(0, 0)) if _ends(node) else node
                )

    def _scan_tokens(self) -> Iterator[ProgramNode]:
        """Plain words between separators: a conservative reading of a line tree-sitter cannot
        parse. Anything quoted or expanded is an unknown word."""
        words: list[Word] = []
        for match in _TOKEN.finditer(self.source.text):
            if match.group("sep"):
                if words:
                    yield _scanned(words)
                words = []
                continue
            raw = match.group("word")
            plain = _PLAIN_WORD.fullmatch(raw) is not None
            span = self.source.span(match.start(), match.end())
            edit_span = self.source.script.offsets.verbatim(match.start(), match.end())
            words.append(Word(raw if plain else None, raw, span, edit_span))
        if words:
            yield _scanned(words)


def _ends(node: ProgramNode) -> bool:
    """Whether `node` has an `exit` or `return` in it."""
    if isinstance(node, Simple):
        return bool(node.words) and node.words[0].text in ("exit", "return")
    if isinstance(node, Seq):
        return any(_ends(item) for item in node.items)
    if isinstance(node, Fork):
        return any(_ends(arm) for arm in node.arms)
    if isinstance(node, Chain):
        return _ends(node.first) or any(_ends(part) for _, part, _ in node.rest)
    return isinstance(node, Loop) and _ends(node.body)


def _scanned(words: list[Word]) -> Simple:
    return Simple(tuple(words), (), (), Span(words[0].span.start, words[-1].span.end))


_SHELL_NAMES = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"})
# What a glimpse cannot see through: programs that run other commands, files or shell text,
# or change what a word means. `cd` is seen (it moves the shell), and so are those that
# only end it or set its variables.
_OPAQUE = (
    _ALWAYS - {"cd", "pushd", "popd", "set", "read", "exit", "return", "shift"}
    | _SHELL_NAMES
    | {".", "source"}
)
_SUBSTITUTION = lazy(rb"\$\(|`|[<>]\(")
# Nodes that hold a command only in a substitution (`$(...)`, `` `...` ``, `<(...)`).
_WORD_LEVEL = frozenset(
    {
        "command",
        "declaration_command",
        "unset_command",
        "variable_assignment",
        "variable_assignments",
        "test_command",
        "file_redirect",
        "herestring_redirect",
        "string",
        "concatenation",
        "expansion",
        "simple_expansion",
        "arithmetic_expansion",
        "array",
    }
)
# The redirects and heredoc body that belong to a list's last command.
_Tail = tuple[tuple[Redirect, ...], tuple[int, int] | None]
_OUTPUT = frozenset({"echo", "printf"})
# What PEP 668's refusal depends on: its marker file, pip's configuration files.
_CHANGES_PIP_SETUP = lazy(r"EXTERNALLY-MANAGED|pip\.(?:conf|ini)")
_VARIABLE_WORD = lazy(r"\"?\$\{?(\w+)\}?\"?")
# `[ "$X" == "1" ]`, `[[ ${X:-} != yes ]]`, `test "$X" = 1`; `[ -n "$X" ]`, `[ -z "$X" ]`.
_VARIABLE = r"\"?\$\{?(?P<name>\w+)(?::?-(?P<default>[^}\"]*))?\}?\"?"
_COMPARISON = lazy(
    rf"(?:\[\[?|test) {_VARIABLE} (?P<op>==?|!=) (?P<value>\"[^\"]*\"|'[^']*'|[\w./@:+-]*)(?: \]\]?)?"
)
_EMPTINESS = lazy(rf"(?:\[\[?|test) (?P<op>-[nz]) {_VARIABLE}(?: \]\]?)?")
# The name a test of who runs the shell is a test of: EUID, 0 for root.
ROOT_TEST = "EUID"
_WHO = r"\"?(?:\$\(\s*id -u\s*\)|`id -u`|\$\(\s*whoami\s*\)|`whoami`|\$\{?E?UID\}?)\"?"
_ROOT_TEST = lazy(
    rf"(?:(?:\[\[?|test) {_WHO} (?P<op>-ne|-eq|-gt|!=|==?) \"?(?:0|root)\"?(?: \]\]?)?"
    rf"|\(\( ?(?:\$?E?UID|\$\(id -u\)) (?P<aop>!=|==|>) 0 ?\)\))"
)
# Commands that ask a question (`[ -d venv ] && . venv/bin/activate`): their answer decides
# what runs after `&&` or `||`.
_TESTS = frozenset(
    {"test", "[", "[[", "which", "type", "hash", "grep", "egrep", "fgrep", "pgrep", "getent"}
)


_TOKEN = lazy(r"(?P<sep>&&|\|\||[;|&()`{}\n]|\$\()|(?P<word>[^\s;&|()`<>{}]+)")
_PLAIN_WORD = lazy(r"[A-Za-z0-9_./+=:,@%^~-]+")


def _logical_lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Lines of text[start:end], a backslash-newline joining two lines into one."""
    line_start = start
    i = start
    while i < end:
        newline = text.find("\n", i, end)
        if newline == -1:
            break
        if newline > line_start and text[newline - 1] == "\\":
            i = newline + 1
            continue
        yield line_start, newline
        line_start = i = newline + 1
    if line_start < end:
        yield line_start, end


__all__ = ["Command", "Program", "Word", "parse_script", "program"]
