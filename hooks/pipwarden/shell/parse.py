"""tree-sitter-bash → Commands: argv words with exact file spans, wrappers unwrapped, nested
shell strings (`bash -c '...'`, `sh <<EOF`) analysed as Scripts of their own.

Only the stable node API is used (`type`, `children`, byte offsets, `has_error`); the Query API
changed in tree-sitter 0.25. tree-sitter rejects a few percent of the scripts bash accepts; the
statements it cannot parse are re-read line by line, and a line that still fails is scanned for
plain words, so a pip command there is still seen.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from pipwarden.model import Span
from pipwarden.shell import SHELLS
from pipwarden.shell.remote import payload
from pipwarden.shell.session import Container, OffsetMap, Script, ScriptBuilder

if TYPE_CHECKING:
    from tree_sitter import Node, Parser


class Word(NamedTuple):
    """One shell word. `text` is its value after quote removal, or None when it depends on an
    expansion (`$VAR`, `$(...)`) that only the running shell knows."""

    text: str | None
    raw: str
    span: Span
    # Where the word's text stands verbatim in the file, for an edit (None: nowhere).
    edit_span: Span | None = None


class Assignment(NamedTuple):
    name: str
    value: Word | None
    span: Span


class Redirect(NamedTuple):
    operator: str
    target: Word


class Reading(NamedTuple):
    """One of several readings of a command whose words hold shell variables with more than
    one possible value (`$PIP_SUDO pip install` where PIP_SUDO is "" or "sudo -H"):
    `assumptions` names, for this reading, each such variable's value and its assignment.
    The readings of one command share `group` and are yielded one after another."""

    group: int
    count: int
    assumptions: tuple[tuple[str, str, Span], ...]


class Command(NamedTuple):
    """A simple command after unwrapping sudo, env, time, nice, exec, command, xargs, timeout,
    nohup. `words[0]` is the program; `elevated_by` is the `sudo` word that runs it as root
    (possibly in an enclosing script), `run_as` the user sudo switches to."""

    words: tuple[Word, ...]
    assignments: tuple[Assignment, ...]
    redirects: tuple[Redirect, ...]
    script: Script
    span: Span
    elevated_by: Span | None = None
    run_as: str | None = None
    # The wrapper words unwrapped off the front (`sudo -H`, `env X=1`), in order.
    wrappers: tuple[Word, ...] = ()
    reading: Reading | None = None

    @property
    def name(self) -> str | None:
        return self.words[0].text if self.words else None

    @property
    def program(self) -> str | None:
        """The program's base name: `/usr/bin/pip3` → `pip3`."""
        name = self.name
        return name.rsplit("/", 1)[-1] if name else None

    def texts(self) -> list[str | None]:
        return [w.text for w in self.words]


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


class _Source:
    """A Script's text as tree-sitter sees it (UTF-8 bytes) with byte → character offsets."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.text = script.text
        self.data = script.text.encode("utf-8", "surrogateescape")
        self._chars: list[int] | None = None
        if len(self.data) != len(self.text):
            chars = []
            for i, ch in enumerate(self.text):
                chars.extend([i] * len(ch.encode("utf-8", "surrogateescape")))
            chars.append(len(self.text))
            self._chars = chars

    def char(self, byte_offset: int) -> int:
        return byte_offset if self._chars is None else self._chars[byte_offset]

    def node_text(self, node: Node) -> str:
        return self.text[self.char(node.start_byte) : self.char(node.end_byte)]

    def span(self, start: int, end: int) -> Span:
        """File span of the character range [start, end) of this script."""
        return self.script.offsets.span(start, end)

    def node_span(self, node: Node) -> Span:
        return self.span(self.char(node.start_byte), self.char(node.end_byte))

    def node_edit_span(self, node: Node) -> Span | None:
        return self.script.offsets.verbatim(self.char(node.start_byte), self.char(node.end_byte))


Wanted = Callable[[str], bool]


def parse_script(script: Script, wanted: Wanted | None = None) -> list[Command]:
    """Every simple command of `script` and of the scripts nested in it, in source order.

    `wanted` says which programs the caller cares about (given the name as written, a path
    or a base name; for a name built from expansions, its raw text); other commands are
    passed over without building their words, which is most of what a long script costs.
    Commands with variable assignments are always kept.
    """
    if not script.text.strip():
        return []
    if script.shell in ("pwsh", "cmd"):
        from pipwarden.shell.windows import read_commands  # never a bash parse of them

        return read_commands(script)
    source = _Source(script)
    tree = _parser().parse(source.data)
    return list(_Walker(source, wanted).program(tree.root_node))


# --------------------------------------------------------------------------------------------
# Words


_ESCAPED_IN_DOUBLE_QUOTES = re.compile(r"\\([$`\"\\\n])")
_UNQUOTED_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _unescape_unquoted(raw: str) -> str:
    return _UNQUOTED_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), raw)


def _static_value(node: Node, source: _Source) -> str | None:
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
    return None


def _word(node: Node, source: _Source) -> Word:
    return Word(
        _static_value(node, source),
        source.node_text(node),
        source.node_span(node),
        source.node_edit_span(node),
    )


# --------------------------------------------------------------------------------------------
# Wrappers: commands that run another command given as their arguments.

# For each wrapper, the options that take a separate value.
_WRAPPER_OPTIONS_WITH_VALUE: dict[str, frozenset[str]] = {
    "sudo": frozenset(
        [
            "-u",
            "-g",
            "-C",
            "-D",
            "-p",
            "-r",
            "-t",
            "-U",
            "-T",
            "-R",
            "-h",
            "--user",
            "--group",
            "--close-from",
            "--chdir",
            "--prompt",
            "--role",
            "--type",
            "--other-user",
            "--command-timeout",
            "--chroot",
            "--host",
        ]
    ),
    "doas": frozenset({"-u", "-C"}),
    "env": frozenset({"-u", "-C", "-S", "--unset", "--chdir", "--split-string"}),
    "time": frozenset({"-f", "-o", "--format", "--output"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "exec": frozenset({"-a"}),
    "command": frozenset(),
    "nohup": frozenset(),
    "xargs": frozenset(
        [
            "-I",
            "-L",
            "-n",
            "-P",
            "-s",
            "-d",
            "-a",
            "-E",
            "--arg-file",
            "--delimiter",
            "--max-args",
            "--max-procs",
            "--max-chars",
            "--max-lines",
            "--replace",
            "--eof",
        ]
    ),
    "timeout": frozenset({"-s", "-k", "--signal", "--kill-after"}),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
    # Init processes of containers (`ENTRYPOINT ["/sbin/tini", "--", "/app/boot.sh"]`), and
    # the user switches of entrypoint scripts (`gosu app python app.py`).
    "tini": frozenset({"-p", "-e"}),
    "dumb-init": frozenset({"-r", "--rewrite"}),
    "gosu": frozenset(),
    "su-exec": frozenset(),
}
# Wrappers whose first operand is the user the command runs as.
_USER_SWITCHES = frozenset({"gosu", "su-exec"})
_ELEVATING = frozenset({"sudo", "doas"})
# Options after which the wrapper runs no command at all.
_NO_COMMAND_OPTIONS = {
    "sudo": frozenset({"-l", "-v", "-k", "-K", "-V", "--list", "--validate", "--version"}),
    "command": frozenset({"-v", "-V"}),
}


class _Unwrapped(NamedTuple):
    words: list[Word]
    assignments: list[Assignment]
    elevated_by: Span | None
    run_as: str | None
    wrappers: list[Word]


def _unwrap(words: list[Word], assignments: list[Assignment]) -> _Unwrapped | None:
    """Strip wrappers off the front of `words`; None if a wrapper runs nothing."""
    elevated_by: Span | None = None
    run_as: str | None = None
    wrappers: list[Word] = []
    while words:
        name = words[0].text
        program = name.rsplit("/", 1)[-1] if name else None
        if program not in _WRAPPER_OPTIONS_WITH_VALUE:
            break
        with_value = _WRAPPER_OPTIONS_WITH_VALUE[program]
        wrapper = words[0]
        i = 1
        user: str | None = "root"
        while i < len(words):
            text = words[i].text
            if text is None:
                return None  # an option we cannot read: the wrapped command is unknown
            if text == "--":
                i += 1
                break
            if program in ("env", "sudo") and _is_assignment(text):
                name_, _, value = text.partition("=")
                assignment = Assignment(name_, _value_word(words[i], value), words[i].span)
                assignments = [*assignments, assignment]
                i += 1
                continue
            if not text.startswith("-") or text == "-":
                break
            if text in _NO_COMMAND_OPTIONS.get(program, ()):
                return None
            option, has_inline, value = text.partition("=")
            if option in with_value and not has_inline:
                value_word = words[i + 1] if i + 1 < len(words) else None
                value = value_word.text if value_word else None
                i += 2
            else:
                i += 1
            if program in _ELEVATING and option in ("-u", "--user"):
                user = value
            if program == "nice" and re.fullmatch(r"-\d+", text):
                continue
        if program == "timeout" and i < len(words):
            i += 1  # the duration
        if program in _USER_SWITCHES and i < len(words):
            run_as = _user_of(words[i].text)
            elevated_by = wrapper.span if run_as == "root" else None
            i += 1
        if program in _ELEVATING:
            elevated_by = wrapper.span if user in ("root", "0") else elevated_by
            run_as = user
        wrappers.extend(words[:i])
        words = words[i:]
    if not words:
        return None
    return _Unwrapped(words, assignments, elevated_by, run_as, wrappers)


def _user_of(spec: str | None) -> str | None:
    """`app`, `app:app`, `1000:1000` → the user; None when unknown."""
    name = spec.split(":", 1)[0] if spec else None
    return "root" if name in ("root", "0") else name or None


_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def _is_assignment(text: str) -> bool:
    return _ASSIGNMENT.match(text) is not None


def _value_word(word: Word, value: str) -> Word:
    start = word.span.end - len(value) if word.raw.endswith(value) else word.span.start
    return Word(value, value, Span(start, word.span.end))


# --------------------------------------------------------------------------------------------
# The walk


# Where an assignment may not run, or may run more than once: its value is one possibility.
_CONDITIONAL = frozenset(
    {
        "if_statement",
        "elif_clause",
        "else_clause",
        "case_item",
        "for_statement",
        "c_style_for_statement",
        "while_statement",
        "function_definition",
        "list",
        "subshell",
        "pipeline",
    }
)
_EXPANSION = re.compile(r"\$(?:(\w+)|\{(\w+)\})")
_DECLARATIONS = frozenset({"export", "local", "declare", "typeset", "readonly"})
MAX_READINGS = 16


def _conditional(node: Node) -> bool:
    parent = node.parent
    while parent is not None and parent.type != "program":
        if parent.type in _CONDITIONAL:
            return True
        parent = parent.parent
    return False


class _Walker:
    def __init__(self, source: _Source, wanted: Wanted | None) -> None:
        self.source = source
        self.wanted = wanted
        # Shell variables assigned in this script, in source order: the literal values that
        # may reach here (with their assignments), or None where one cannot be known.
        self.variables: dict[str, tuple[tuple[str, Span], ...] | None] = {}
        self.readings = 0

    def program(self, root: Node) -> Iterator[Command]:
        for statement in root.children:
            if statement.has_error:
                yield from self._recover(statement)
            else:
                yield from self.walk(statement)

    def walk(self, node: Node) -> Iterator[Command]:
        kind = node.type
        if kind in ("command", "declaration_command", "unset_command") or kind in (
            "variable_assignment",
            "variable_assignments",
        ):
            yield from self._command(node, ())
        elif kind == "redirected_statement":
            yield from self._redirected(node)
        elif kind in ("comment", "heredoc_body"):
            return
        else:
            for child in node.children:
                yield from self.walk(child)

    def _redirected(self, node: Node) -> Iterator[Command]:
        body = node.child_by_field_name("body")
        redirects: list[Redirect] = []
        heredocs: list[Node] = []
        for child in node.children:
            if child.type == "file_redirect":
                redirects.extend(self._file_redirect(child))
            elif child.type == "heredoc_redirect":
                heredocs.append(child)
        if body is not None and body.type == "command":
            yield from self._command(body, tuple(redirects), heredocs)
        else:
            for child in node.children:
                if child.type not in ("file_redirect", "heredoc_redirect"):
                    yield from self.walk(child)
        for heredoc in heredocs:
            # Commands after the heredoc operator on the same line (`<<EOF | sh`, `&& ...`).
            for child in heredoc.children:
                if child.type not in ("heredoc_body", "heredoc_start", "heredoc_end", "<<", "<<-"):
                    yield from self.walk(child)

    def _file_redirect(self, node: Node) -> Iterator[Redirect]:
        operator = ""
        for child in node.children:
            if not child.is_named:
                operator = child.type
            elif child.type != "file_descriptor":
                yield Redirect(operator, _word(child, self.source))

    def _command(
        self, node: Node, redirects: tuple[Redirect, ...], heredocs: list[Node] | None = None
    ) -> Iterator[Command]:
        if node.type == "command" and self.wanted is not None and not self._wanted(node):
            for child in node.children:
                yield from self._substitutions(child)
            return
        words: list[Word] = []
        assignments: list[Assignment] = []
        children = [node] if node.type == "variable_assignment" else node.children
        for index, child in enumerate(children):
            kind = child.type
            if kind == "variable_assignment":
                assignments.append(self._assignment(child))
            elif index == 0 and node.type in ("declaration_command", "unset_command"):
                keyword = self.source.node_text(child)  # export, local, unset, ...
                span = self.source.node_span(child)
                words.append(Word(keyword, keyword, span, self.source.node_edit_span(child)))
            elif kind == "command_name" or (
                child.is_named
                and kind
                not in (
                    "file_redirect",
                    "herestring_redirect",
                    "comment",
                )
            ):
                words.append(_word(child, self.source))
            elif kind == "file_redirect":
                redirects = (*redirects, *self._file_redirect(child))
            # Commands inside substitutions run before this one.
            yield from self._substitutions(child)
        keyword = words[0].text if words else None
        if not words or keyword in _DECLARATIONS:
            for assignment in assignments:
                self._remember(assignment, node)
        elif keyword == "read":
            for word in words[1:]:
                if word.text and not word.text.startswith("-"):
                    self.variables[word.text] = None
        readings = self._readings(words) if words else None
        if readings is None:
            yield from self._emit(words, assignments, redirects, node, heredocs or [])
            return
        self.readings += 1
        readings = [(w, a) for w, a in readings if w]  # `$SUDO` alone, read as empty
        for variant, assumptions in readings:
            reading = Reading(self.readings, len(readings), assumptions)
            yield from self._emit(variant, assignments, redirects, node, heredocs or [], reading)

    def _remember(self, assignment: Assignment, node: Node) -> None:
        value = assignment.value.text if assignment.value is not None else ""
        name = assignment.name
        if value is None:
            self.variables[name] = None
        elif _conditional(node):
            known = self.variables.get(name)
            # With no literal before it, the value the variable had is unknown.
            self.variables[name] = (*known, (value, assignment.span)) if known else None
        else:
            self.variables[name] = ((value, assignment.span),)

    def _values(self, word: Word) -> tuple[tuple[str, Span], ...] | None:
        """The possible values of a word that is one unquoted `$NAME`/`${NAME}`."""
        if word.text is not None:
            return None
        match = _EXPANSION.fullmatch(word.raw)
        return self.variables.get(match.group(1) or match.group(2)) if match else None

    def _readings(
        self, words: list[Word]
    ) -> list[tuple[list[Word], tuple[tuple[str, str, Span], ...]]] | None:
        """The command read with each possible value of the literal variables in its words
        (word-split, as an unquoted expansion is); None when it has none."""
        readings: list[tuple[list[Word], tuple[tuple[str, str, Span], ...]]] = [([], ())]
        expanded = False
        for word in words:
            values = self._values(word)
            if values is None:
                readings = [([*w, word], a) for w, a in readings]
                continue
            expanded = True
            name = word.raw.strip("${}")
            readings = [
                (
                    [*w, *(Word(part, part, word.span) for part in value.split())],
                    (*a, (name, value, span)) if len(values) > 1 else a,
                )
                for w, a in readings
                for value, span in values
            ]
            if len(readings) > MAX_READINGS:
                return None
        return readings if expanded and any(w for w, _ in readings) else None

    def _wanted(self, node: Node) -> bool:
        for child in node.children:
            if child.type == "variable_assignment":
                return True
            if child.type == "command_name":
                name = _static_value(child, self.source)
                if name is None:
                    word = _word(child, self.source)
                    # `"$ROOT"/scripts/x.sh`: a path the caller may still resolve.
                    path = self.wanted is not None and "/" in word.raw and self.wanted(word.raw)
                    return path or self._values(word) is not None
                if self.wanted is None:
                    return True
                program = name.rsplit("/", 1)[-1]
                # Wrappers and shells are this layer's own business: what they run may be wanted.
                return (
                    program in _WRAPPER_OPTIONS_WITH_VALUE
                    or program in SHELLS
                    or program in ("busybox", "docker", "podman", "kubectl", "ssh")
                    or self.wanted(name)
                )
        return False

    def _substitutions(self, node: Node) -> Iterator[Command]:
        if node.type in ("command_substitution", "process_substitution"):
            for inner in node.children:
                yield from self.walk(inner)
            return
        for child in node.children:
            yield from self._substitutions(child)

    def _assignment(self, node: Node) -> Assignment:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        name = self.source.node_text(name_node) if name_node else ""
        value = _word(value_node, self.source) if value_node is not None else None
        if value is None:
            value = Word("", "", self.source.node_span(node))
        return Assignment(name, value, self.source.node_span(node))

    def _emit(
        self,
        words: list[Word],
        assignments: list[Assignment],
        redirects: tuple[Redirect, ...],
        node: Node | None,
        heredocs: list[Node],
        reading: Reading | None = None,
    ) -> Iterator[Command]:
        unwrapped = _unwrap(words, assignments)
        if unwrapped is None:
            if assignments and not words:
                # A bare assignment (`PIP_BREAK_SYSTEM_PACKAGES=1`) still sets shell state.
                span = Span(assignments[0].span.start, assignments[-1].span.end)
                yield Command((), tuple(assignments), redirects, self.source.script, span)
            return
        script = self.source.script
        elevated_by = unwrapped.elevated_by or script.elevated_by
        start = min([w.span.start for w in words] + [a.span.start for a in assignments])
        end = max(w.span.end for w in words)
        command = Command(
            tuple(unwrapped.words),
            tuple(unwrapped.assignments),
            redirects,
            script,
            Span(start, end),
            elevated_by,
            unwrapped.run_as if unwrapped.elevated_by or unwrapped.run_as else None,
            tuple(unwrapped.wrappers),
            reading,
        )
        yield command
        yield from self._nested(command, unwrapped, node, heredocs)

    # Nested shells ------------------------------------------------------------------------

    def _nested(
        self, command: Command, unwrapped: _Unwrapped, node: Node | None, heredocs: list[Node]
    ) -> Iterator[Command]:
        program = command.program
        if program == "busybox" and len(command.words) > 1:
            program = command.words[1].text
        remote = payload(command.texts()) if program not in SHELLS else None
        if remote is not None and node is not None:
            script = self._string_script(command.words[remote.index], node, remote.shell, command)
            if script is not None:
                yield from parse_script(
                    script._replace(
                        container=Container(remote.image, remote.user), elevated_by=None
                    ),
                    self.wanted,
                )
            return
        if program not in SHELLS:
            return
        script_index = dash_c_argument(command.texts())
        nested: Script | None = None
        if script_index is not None and node is not None:
            nested = self._string_script(command.words[script_index], node, program, command)
        elif script_index is None and heredocs and _reads_stdin(command.texts()):
            body = next((c for c in heredocs[0].children if c.type == "heredoc_body"), None)
            if body is not None:
                start, end = self.source.char(body.start_byte), self.source.char(body.end_byte)
                nested = Script(
                    self.source.text[start:end],
                    self.source.script.offsets.compose(OffsetMap.identity(start, end - start)),
                    program,
                    command.elevated_by,
                    container=self.source.script.container,
                )
        if nested is not None:
            yield from parse_script(nested, self.wanted)

    def _string_script(self, word: Word, node: Node, shell: str, command: Command) -> Script | None:
        target = _find_node(node, word, self.source)
        if target is None:
            return None
        start = self.source.char(target.start_byte)
        raw = self.source.node_text(target)
        builder = ScriptBuilder()
        if target.type == "raw_string":
            builder.add(raw[1:-1], start + 1)
        elif target.type == "string":
            _add_double_quoted(builder, raw[1:-1], start + 1)
        elif target.type == "word":
            _add_unquoted(builder, raw, start)
        else:
            return None
        inner = builder.offsets()
        return Script(
            builder.text,
            self.source.script.offsets.compose(inner),
            shell,
            command.elevated_by,
            container=self.source.script.container,
        )

    # Recovery from parse errors -----------------------------------------------------------

    def _recover(self, statement: Node) -> Iterator[Command]:
        text = self.source.text
        start = self.source.char(statement.start_byte)
        end = self.source.char(statement.end_byte)
        for line_start, line_end in _logical_lines(text, start, end):
            piece = Script(
                text[line_start:line_end],
                self.source.script.offsets.compose(
                    OffsetMap.identity(line_start, line_end - line_start)
                ),
                self.source.script.shell,
                self.source.script.elevated_by,
                container=self.source.script.container,
            )
            if not piece.text.strip():
                continue
            line_source = _Source(piece)
            tree = _parser().parse(line_source.data)
            if not tree.root_node.has_error:
                yield from _Walker(line_source, self.wanted).program(tree.root_node)
            else:
                yield from _Walker(line_source, self.wanted)._scan_tokens()

    def _scan_tokens(self) -> Iterator[Command]:
        """Plain words between separators: a conservative reading of a line tree-sitter cannot
        parse. Anything quoted or expanded is an unknown word."""
        words: list[Word] = []
        for match in _TOKEN.finditer(self.source.text):
            if match.group("sep"):
                if words:
                    yield from self._emit(words, [], (), None, [])
                words = []
                continue
            raw = match.group("word")
            plain = _PLAIN_WORD.fullmatch(raw) is not None
            span = self.source.span(match.start(), match.end())
            edit_span = self.source.script.offsets.verbatim(match.start(), match.end())
            words.append(Word(raw if plain else None, raw, span, edit_span))
        if words:
            yield from self._emit(words, [], (), None, [])


_TOKEN = re.compile(r"(?P<sep>&&|\|\||[;|&()`{}\n]|\$\()|(?P<word>[^\s;&|()`<>{}]+)")
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_./+=:,@%^~-]+")


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


def dash_c_argument(texts: list[str | None]) -> int | None:
    """Index of the command string in `sh -c 'string'` / `bash -ec "string"`, else None."""
    saw_c = False
    i = 1
    while i < len(texts):
        text = texts[i]
        if text is None:
            return i if saw_c else None
        if text in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            i += 2
            continue
        if text.startswith("--"):
            i += 1
            continue
        if text.startswith(("-", "+")) and len(text) > 1:
            saw_c = saw_c or "c" in text[1:]
            i += 1
            continue
        return i if saw_c else None
    return None


def _reads_stdin(texts: list[str | None]) -> bool:
    """`bash`, `sh -s`, `bash -ex`: a shell whose script comes from standard input."""
    return all(t is not None and t.startswith(("-", "+")) for t in texts[1:])


def _find_node(node: Node, word: Word, source: _Source) -> Node | None:
    for child in node.children:
        if child.type == "command_name":
            continue
        if source.node_span(child) == word.span:
            return child
    return None


_DOUBLE_QUOTE_ESCAPE = re.compile(r"\\([$`\"\\\n])")


def _add_double_quoted(builder: ScriptBuilder, content: str, file_start: int) -> None:
    _add_unescaped(builder, content, file_start, _DOUBLE_QUOTE_ESCAPE)


def _add_unquoted(builder: ScriptBuilder, content: str, file_start: int) -> None:
    _add_unescaped(builder, content, file_start, _UNQUOTED_ESCAPE)


def _add_unescaped(builder: ScriptBuilder, content: str, file_start: int, escape: Any) -> None:
    """Copy content, turning each backslash escape into the character it stands for."""
    position = 0
    for match in escape.finditer(content):
        builder.add(content[position : match.start()], file_start + position)
        char = match.group(1)
        replacement = "" if char == "\n" else char
        builder.add_opaque(replacement, file_start + match.start(), file_start + match.end())
        position = match.end()
    builder.add(content[position:], file_start + position)


__all__ = ["Assignment", "Command", "Redirect", "Word", "parse_script"]
