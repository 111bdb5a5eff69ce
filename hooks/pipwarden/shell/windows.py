"""PowerShell and cmd text → Commands with exact spans, without a bash parse.

A small reader, not a parser: statements end at newlines, `;` (PowerShell), pipes, `&&`/`||`,
`&` (cmd) and script-block braces; a backtick (PowerShell), a caret (cmd) or a Dockerfile
escape before the newline continues the line. Quotes group words (`'...'` literal,
`"..."` expandable). Anything the shell computes — `$env:X`, `$var`, `%VAR%`, `$(...)`,
`(...)` — makes its word unknown. PowerShell's call operator `&`, cmd's `call` and `@` are
dropped, so `& python -m pip` is `python -m pip` and `& $python -m pip` is an unknown
program. Comments (`#`, `<# ... #>`, `REM`, `::`) are skipped.

What runs inside a word is read too: the commands of `(...)` and `$(...)` (also inside a
double-quoted string) run before the command around them, as do PowerShell's `$x = cmd`
(the pipeline whose output is assigned) and cmd's command after `if CONDITION`, `for ...
do` and `else`. A PowerShell statement that starts with a value (a string, a variable without
`&`, a group) runs no program. Redirections are kept (`>> $env:GITHUB_PATH`), and
`$env:NAME = ...` and cmd's `set NAME=...` are assignments.

Why not tree-sitter-pwsh and tree-sitter-batch (both on PyPI with abi3 wheels, and they work
with tree-sitter 0.26): on tests/cases/shell/windows-reader this reader reads 18 of 18
PowerShell and 15 of 15 cmd target commands, those grammars with a plain mapping of their
trees 15 and 9; it keeps no second dependency and no second walk over a tree.
"""

from __future__ import annotations

from pipwarden.shell import SHELLS
from pipwarden.shell.command import Assignment, Command, Ready, Redirect, Word, dash_c_argument
from pipwarden.shell.session import OffsetMap, Script


class _Reader:
    def __init__(
        self, script: Script, start: int = 0, limit: int | None = None, depth: int = 0
    ) -> None:
        self.script = script
        self.text = script.text
        # The part of the text to read: a group `(...)`, `$(...)` is read by a reader of its own.
        self.start = start
        self.limit = len(script.text) if limit is None else limit
        # The groups inside the current command's words, whose commands run before it.
        self.groups: list[tuple[int, int]] = []
        self.depth = depth  # how many groups this one is inside
        self.invoked = False  # PowerShell's `&` before the command: a program, not a value
        # Where the words read so far stand in the text, and the value piped into the next
        # command (a range of the text).
        self.statement_start = self.statement_end = 0
        self.piped: tuple[int, int] | None = None
        self.pwsh = script.shell == "pwsh"
        self.escape = "`" if self.pwsh else "^"
        self.commands: list[Ready] = []
        self.words: list[Word] = []
        # Where each word's text stands in the script when it is a quoted string whose
        # content is verbatim (for `bash -c "..."`), else None.
        self.verbatim: list[tuple[int, int] | None] = []
        self.redirects: list[Redirect] = []
        self.redirecting: str | None = None  # the operator whose target the next word is

    def read(self) -> list[Ready]:
        text = self.text
        i = self.start
        while i < self.limit:
            ch = text[i]
            if ch in " \t\r":
                i += 1
            elif self._continuation(i):
                i = text.index("\n", i) + 1
            elif ch == "\n" or (ch == ";" and self.pwsh) or ch in "{}" or self._block(i):
                self._end()
                i += 1
            elif ch in "|&":
                i = self._operator(i)
            elif self._comment_starts(i):
                i = self._skip_comment(i)
            elif ch in "<>" or (ch in "123456*" and text.startswith(">", i + 1)):
                start = i
                i += 1 if ch in "<>" else 2
                while i < self.limit and text[i] in ">&":
                    i += 1
                operator = text[start:i].lstrip("123456*")
                # `2>&1`, `*>&1`: a stream joined to another, no file
                self.redirecting = None if operator.endswith("&") else operator
                if operator.endswith("&") and i < self.limit and text[i].isdigit():
                    i += 1
            else:
                # A stray `)` ends a command; nothing else reads as an empty word.
                end = self._word(i)
                if end == i:
                    self._end()
                i = max(end, i + 1)
        self._end()
        return self.commands

    def _block(self, i: int) -> bool:
        """cmd's `(` and `)` around a block (`if exist x (`, `) else (`), not the list of a
        `for` (`for %%f in (*.whl) do ...`)."""
        if self.pwsh or self.text[i] not in "()":
            return False
        return self.text[i] == ")" or not self._in_for_list()

    def _continuation(self, i: int) -> bool:
        """An escape (or the Dockerfile's own) followed by only blanks up to the newline."""
        if self.text[i] not in (self.escape, "\\"):
            return False
        end = self.text.find("\n", i, self.limit)
        return end != -1 and not self.text[i + 1 : end].strip()

    def _operator(self, i: int) -> int:
        text = self.text
        if text.startswith(("||", "&&"), i):
            self._end()
            return i + 2
        if text[i] == "&" and self.pwsh and not self.words:
            self.invoked = True
            return i + 1  # the call operator
        self._end(piped=text[i] == "|")
        return i + 1

    def _comment_starts(self, i: int) -> bool:
        text = self.text
        if self.pwsh:
            return text[i] == "#" or text.startswith("<#", i)
        if self.words:
            return False
        return text.startswith("::", i) or (
            text[i : i + 3].lower() == "rem" and (i + 3 == len(text) or text[i + 3] in " \t\n")
        )

    def _skip_comment(self, i: int) -> int:
        text = self.text
        if text.startswith("<#", i):
            end = text.find("#>", i + 2, self.limit)
            return self.limit if end == -1 else end + 2
        end = text.find("\n", i, self.limit)
        return self.limit if end == -1 else end

    def _group_end(self, i: int) -> int:
        """Where the group opened at `i` (`(`, `[`) closes, past quotes, nested groups and the
        `$(...)` inside double-quoted strings (one stack, however deep the nesting)."""
        text = self.text
        stack = [")" if text[i] == "(" else "]"]
        i += 1
        while i < self.limit and stack:
            ch = text[i]
            top = stack[-1]
            if ch == "`" and top != "'":
                i += 2
                continue
            if top in "'\"":  # inside a string
                if top == '"' and text.startswith("$(", i):
                    stack.append(")")
                    i += 2
                    continue
                if ch == top and text.startswith(top * 2, i):
                    i += 2
                    continue
                if ch == top:
                    stack.pop()
            elif ch in "'\"":
                stack.append(ch)
            elif ch in "([":
                stack.append(")" if ch == "(" else "]")
            elif ch == top:
                stack.pop()
            i += 1
        return min(i, self.limit)

    def _word(self, start: int) -> int:
        """Read one word from `start`; returns where it ends."""
        text = self.text
        i = start
        value: list[str] = []
        known = True
        quoted = False
        while i < self.limit:
            ch = text[i]
            if ch in " \t\r\n|;{}<>" and not (ch == ";" and not self.pwsh):
                break
            if ch == ")" or (ch == "(" and not self.pwsh and not self._in_for_list()):
                break
            if ch == "&" and (not self.pwsh or text.startswith("&&", i)):
                break
            if ch == self.escape and i + 1 < self.limit:
                if text[i + 1] == "\n":
                    break
                value.append(text[i + 1])
                i += 2
                continue
            if ch == "'" and self.pwsh:
                quoted = True
                end = i + 1
                while end < self.limit:
                    if text[end] == "'" and text.startswith("''", end):
                        value.append("'")
                        end += 2
                        continue
                    if text[end] == "'":
                        break
                    value.append(text[end])
                    end += 1
                i = end + 1
                continue
            if ch == '"':
                quoted = True
                end = i + 1
                while end < self.limit and text[end] != '"':
                    if self.pwsh and text[end] == "`" and end + 1 < self.limit:
                        value.append(text[end + 1])
                        end += 2
                        continue
                    if self.pwsh and text.startswith("$(", end):
                        known = False
                        close = self._group_end(end + 1)
                        self.groups.append((end + 2, close - 1))
                        end = close
                        continue
                    if self.pwsh and text.startswith('""', end):
                        value.append('"')
                        end += 2
                        continue
                    if text[end] in "$%" and self._expands(end):
                        known = False
                    value.append(text[end])
                    end += 1
                i = end + 1
                continue
            if self.pwsh and (ch == "(" or (ch == "[" and i == start)):
                # `(...)`, `$(...)`: commands of their own, run first; `[Type]`: an
                # expression. `.[dev]` later in a word is text.
                known = False
                close = self._group_end(i)
                if ch == "(":
                    self.groups.append((i + 1, close - 1))
                i = close
                continue
            if ch == "(" and not self.pwsh:  # a `for` list: `(*.whl)`
                close = text.find(")", i, self.limit)
                close = self.limit if close == -1 else close + 1
                value.append(text[i:close])
                i = close
                continue
            if ch in "$%" and self._expands(i):
                known = False
            value.append(ch)
            i += 1
        end = min(i, self.limit)
        if end == start:
            return end
        raw = text[start:end]
        offsets = self.script.offsets
        if self.redirecting is not None:
            target = Word("".join(value) if known else None, raw, offsets.span(start, end), None)
            self.redirects.append(Redirect(self.redirecting, target))
            self.redirecting = None
            return end
        if not self.words and not quoted and raw.lower() in ("call", "@call") and not self.pwsh:
            return end
        if not self.words and raw.startswith("@") and not self.pwsh:
            start += 1
            raw = raw[1:]
            value = value[1:]
        inner = (start + 1, end - 1) if quoted and raw[1:-1] == "".join(value) else None
        self.verbatim.append(inner)
        if not self.words:
            self.statement_start = start
        self.statement_end = end
        self.words.append(
            Word(
                "".join(value) if known else None,
                raw,
                offsets.span(start, end),
                offsets.verbatim(start, end) if known and not quoted else None,
            )
        )
        return end

    def _in_for_list(self) -> bool:
        """At the list of `for %%V in (...) do`, not the block after `do`."""
        words = self.words
        return len(words) > 1 and words[0].raw.lower() == "for" and words[-1].raw.lower() == "in"

    def _expands(self, i: int) -> bool:
        """`$name`, `$env:X`, `$(...)`, `${...}` in PowerShell; `%NAME%`, `%1`, `%*`,
        `%~dp0`, `%%f` in cmd."""
        text = self.text
        nxt = text[i + 1 : i + 2]
        if text[i] == "$":
            return self.pwsh and (nxt.isalnum() or nxt in "_({:?")
        if self.pwsh:
            return False
        if nxt.isdigit() or nxt in ("*", "~", "%"):
            return True
        line_end = text.find("\n", i, self.limit)
        return "%" in text[i + 1 : line_end if line_end != -1 else self.limit]

    def _end(self, piped: bool = False) -> None:
        """The command read so far; `piped` where a `|` follows, so a value written before
        it (`"$PWD\\venv\\Scripts" | Out-File $env:GITHUB_PATH`) is the next command's input."""
        if self.depth < _MAX_DEPTH:
            for start, limit in self.groups:
                inner = _Reader(self.script, start, limit, self.depth + 1)
                self.commands.extend(inner.read())
        words, verbatim = self._statement()
        assignments = self._assignment(words)
        if assignments:
            words = []
        stdin, self.piped = self.piped, None
        if words or assignments:
            span = words[0].span._replace(end=words[-1].span.end) if words else assignments[0].span
            command = Command(
                tuple(words), assignments, tuple(self.redirects), self.script, span, stdin=stdin
            )
            self.commands.append(Ready(command, self._nested(command, verbatim)))
        elif piped and self.words and self.pwsh:
            self.piped = (self.statement_start, self.statement_end)
        self.words = []
        self.verbatim = []
        self.redirects = []
        self.redirecting = None
        self.groups = []
        self.invoked = False

    def _statement(self) -> tuple[list[Word], list[tuple[int, int] | None]]:
        """The command of the words read: after cmd's `if` condition, `for ... do`, `else`;
        in PowerShell, after `$name =` (the pipeline whose output is assigned), and none where
        a statement is an expression (a string, a variable, a number)."""
        words, verbatim = self.words, self.verbatim
        skip = 0
        lowered = [w.raw.lower() for w in words]
        if self.pwsh:
            if len(words) > 2 and words[0].raw.startswith("$") and lowered[1] in _ASSIGN:
                if lowered[0].startswith("$env:"):
                    return words, verbatim
                skip = 2
            first = words[skip].raw if skip < len(words) else ""
            # `$__...`: a CI expression the front-end masked (`${{ github.workspace }}\\x.exe`)
            if first[:1] in _VALUES and not self.invoked and not first.startswith("$__"):
                return [], []
        elif lowered[:1] == ["if"]:
            skip = _condition_end(lowered)
        elif lowered[:1] == ["for"] and "do" in lowered:
            skip = lowered.index("do") + 1
        elif lowered[:1] == ["else"]:
            skip = 1
        if skip and lowered[skip : skip + 1] == ["call"]:
            skip += 1
        return words[skip:], verbatim[skip:]

    def _assignment(self, words: list[Word]) -> tuple[Assignment, ...]:
        """`$env:PATH = "..."` (PowerShell), `set PATH=...` (cmd): a variable the later
        commands of the process inherit."""
        if self.pwsh:
            if len(words) < 3 or not words[0].raw.lower().startswith("$env:"):
                return ()
            if words[1].raw not in _ASSIGN:
                return ()
            name, value = words[0].raw[len("$env:") :], words[2]
            if len(words) > 3 or words[1].raw != "=":  # `"x;" + $env:PATH`: computed
                value = value._replace(text=None, edit_span=None)
        else:
            if len(words) != 2 or words[0].raw.lower() != "set" or "=" not in words[1].raw:
                return ()
            word = words[1]
            name, _, rest = word.raw.strip('"').partition("=")
            if not name or name.startswith("/"):
                return ()
            text = word.text.strip('"').partition("=")[2] if word.text is not None else None
            value = Word(text, rest, word.span, None)
        span = words[0].span._replace(end=words[-1].span.end)
        # Windows names variables case-blind: `$env:Path` is PATH.
        name = "PATH" if name.upper() == "PATH" else name
        return (Assignment(name, value, span),)

    def _nested(self, command: Command, verbatim: list[tuple[int, int] | None]) -> Script | None:
        """`bash -c "..."`, `dash -c '...'` (Cygwin, WSL, Git Bash): a POSIX shell script."""
        program = (command.program or "").replace("\\", "/").rsplit("/", 1)[-1]
        program = program.lower().removesuffix(".exe")
        index = dash_c_argument(command.texts()) if program in SHELLS else None
        where = verbatim[index] if index is not None else None
        if where is None:
            return None
        start, end = where
        inner = OffsetMap.identity(start, end - start)
        return Script(self.text[start:end], self.script.offsets.compose(inner), program)


# Groups inside groups deeper than this are not read: their words stay unknown.
_MAX_DEPTH = 16
# What starts a PowerShell statement that is a value, not a command: a string, a variable, an
# array or hash literal, a group, a type, a number.
_VALUES = "\"'$@([0123456789"
_ASSIGN = ("=", "+=", "-=", "*=", "/=", "??=")
_CMD_TESTS = ("exist", "defined", "errorlevel", "cmdextversion")
_CMD_COMPARISONS = ("==", "equ", "neq", "lss", "leq", "gtr", "geq")


def _condition_end(words: list[str]) -> int:
    """Where the command of cmd's `if [/i] [not] CONDITION command` starts."""
    at = 1
    while at < len(words) and words[at] in ("/i", "not"):
        at += 1
    if at >= len(words):
        return at
    if words[at] in _CMD_TESTS:
        return at + 2
    if "==" in words[at] and not words[at].endswith("=="):
        return at + 1  # `"%1"=="dev"`
    if at + 1 < len(words) and words[at + 1] in _CMD_COMPARISONS:
        return at + 3
    return at + 1


def read(script: Script) -> list[Ready]:
    """Every command of a PowerShell (`shell == "pwsh"`) or cmd (`"cmd"`) Script."""
    return _Reader(script).read()
