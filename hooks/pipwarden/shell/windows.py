"""PowerShell and cmd text → Commands with exact spans, without a bash parse.

A small reader, not a parser: statements end at newlines, `;` (PowerShell), pipes, `&&`/`||`,
`&` (cmd) and script-block braces; a backtick (PowerShell), a caret (cmd) or a Dockerfile
escape before the newline continues the line. Quotes group words (`'...'` literal,
`"..."` expandable). Anything the shell computes — `$env:X`, `$var`, `%VAR%`, `$(...)`,
`(...)` — makes its word unknown. PowerShell's call operator `&`, cmd's `call` and `@` are
dropped, so `& python -m pip` is `python -m pip` and `& $python -m pip` is an unknown
program. Comments (`#`, `<# ... #>`, `REM`, `::`) are skipped.
"""

from __future__ import annotations

from pipwarden.shell import SHELLS
from pipwarden.shell.command import Command, Ready, Redirect, Word, dash_c_argument
from pipwarden.shell.session import OffsetMap, Script


class _Reader:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.text = script.text
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
        i = 0
        while i < len(text):
            ch = text[i]
            if ch in " \t\r":
                i += 1
            elif self._continuation(i):
                i = text.index("\n", i) + 1
            elif ch == "\n" or (ch == ";" and self.pwsh) or ch in "{}":
                self._end()
                i += 1
            elif ch in "|&":
                i = self._operator(i)
            elif self._comment_starts(i):
                i = self._skip_comment(i)
            elif ch in "<>" or (ch in "123456*" and text.startswith(">", i + 1)):
                start = i
                i += 1 if ch in "<>" else 2
                while i < len(text) and text[i] in ">&":
                    i += 1
                operator = text[start:i].lstrip("123456*")
                # `2>&1`, `*>&1`: a stream joined to another, no file
                self.redirecting = None if operator.endswith("&") else operator
                if operator.endswith("&") and i < len(text) and text[i].isdigit():
                    i += 1
            else:
                i = self._word(i)
        self._end()
        return self.commands

    def _continuation(self, i: int) -> bool:
        """An escape (or the Dockerfile's own) followed by only blanks up to the newline."""
        if self.text[i] not in (self.escape, "\\"):
            return False
        end = self.text.find("\n", i)
        return end != -1 and not self.text[i + 1 : end].strip()

    def _operator(self, i: int) -> int:
        text = self.text
        if text.startswith(("||", "&&"), i):
            self._end()
            return i + 2
        if text[i] == "&" and self.pwsh and not self.words:
            return i + 1  # the call operator
        self._end()
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
            end = text.find("#>", i + 2)
            return len(text) if end == -1 else end + 2
        end = text.find("\n", i)
        return len(text) if end == -1 else end

    def _word(self, start: int) -> int:
        """Read one word from `start`; returns where it ends."""
        text = self.text
        i = start
        value: list[str] = []
        known = True
        quoted = False
        depth = 0
        while i < len(text):
            ch = text[i]
            if depth:
                if ch in "([":
                    depth += 1
                elif ch in ")]":
                    depth -= 1
                i += 1
                continue
            if ch in " \t\r\n|;{}<>" and not (ch == ";" and not self.pwsh):
                break
            if ch == "&" and (not self.pwsh or text.startswith("&&", i)):
                break
            if ch == self.escape and i + 1 < len(text):
                if text[i + 1] == "\n":
                    break
                value.append(text[i + 1])
                i += 2
                continue
            if ch == "'" and self.pwsh:
                quoted = True
                end = i + 1
                while end < len(text):
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
                while end < len(text) and text[end] != '"':
                    if self.pwsh and text[end] == "`" and end + 1 < len(text):
                        value.append(text[end + 1])
                        end += 2
                        continue
                    if text[end] in "$%" and self._expands(end):
                        known = False
                    value.append(text[end])
                    end += 1
                i = end + 1
                continue
            if ch in "$%" and self._expands(i):
                known = False
            if ch in "([" and self.pwsh:
                known = False
                depth = 1
            value.append(ch)
            i += 1
        end = min(i, len(text))
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
        self.words.append(
            Word(
                "".join(value) if known else None,
                raw,
                offsets.span(start, end),
                offsets.verbatim(start, end) if known and not quoted else None,
            )
        )
        return end

    def _expands(self, i: int) -> bool:
        """`$name`, `$env:X`, `$(...)`, `${...}` in PowerShell; `%NAME%` in cmd."""
        text = self.text
        nxt = text[i + 1 : i + 2]
        if text[i] == "$":
            return self.pwsh and (nxt.isalnum() or nxt in "_({:?")
        line_end = text.find("\n", i)
        return not self.pwsh and "%" in text[i + 1 : line_end if line_end != -1 else len(text)]

    def _end(self) -> None:
        if self.words:
            words = tuple(self.words)
            span = words[0].span._replace(end=words[-1].span.end)
            command = Command(words, (), tuple(self.redirects), self.script, span)
            self.commands.append(Ready(command, self._nested(command)))
        self.words = []
        self.verbatim = []
        self.redirects = []
        self.redirecting = None

    def _nested(self, command: Command) -> Script | None:
        """`bash -c "..."`, `dash -c '...'` (Cygwin, WSL, Git Bash): a POSIX shell script."""
        program = (command.program or "").replace("\\", "/").rsplit("/", 1)[-1]
        program = program.lower().removesuffix(".exe")
        index = dash_c_argument(command.texts()) if program in SHELLS else None
        where = self.verbatim[index] if index is not None else None
        if where is None:
            return None
        start, end = where
        inner = OffsetMap.identity(start, end - start)
        return Script(self.text[start:end], self.script.offsets.compose(inner), program)


def read(script: Script) -> list[Ready]:
    """Every command of a PowerShell (`shell == "pwsh"`) or cmd (`"cmd"`) Script."""
    return _Reader(script).read()
