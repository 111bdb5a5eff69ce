"""A shell command as the analysis sees it: its words with exact file spans, after the
wrappers that run it (`sudo -H`, `env X=1`, `tini --`) are taken off the front."""

from __future__ import annotations

import re

from pipwarden.model import Span
from pipwarden.patterns import lazy
from pipwarden.record import Record
from pipwarden.shell.session import Script


class Word(Record):
    """One shell word. `text` is its value after quote removal, or None when it depends on an
    expansion (`$VAR`, `$(...)`) that only the running shell knows."""

    text: str | None
    raw: str
    span: Span
    # Where the word's text stands verbatim in the file, for an edit (None: nowhere).
    edit_span: Span | None = None
    # How the shell wrote it ("word", "string", "raw_string", ...) and where it starts in its
    # Script's text (-1: nowhere), for a word that is itself shell text (`sh -c '...'`).
    kind: str = ""
    at: int = -1


class Assignment(Record):
    name: str
    value: Word | None
    span: Span


class Redirect(Record):
    operator: str
    target: Word


class Command(Record):
    """A simple command after unwrapping sudo, env, time, nice, exec, command, xargs, timeout,
    nohup, tini, gosu. `words[0]` is the program; `elevated_by` is the `sudo` word that runs
    it as root (possibly in an enclosing script), `run_as` the user it switches to."""

    words: tuple[Word, ...]
    assignments: tuple[Assignment, ...]
    redirects: tuple[Redirect, ...]
    script: Script
    span: Span
    elevated_by: Span | None = None
    run_as: str | None = None
    # The wrapper words unwrapped off the front (`sudo -H`, `env X=1`), in order.
    wrappers: tuple[Word, ...] = ()
    # The heredoc body it reads as standard input (`bash <<EOF`), as a range of its Script.
    stdin: tuple[int, int] | None = None
    # The program that runs it as another user (`sudo`, `gosu`; `su` for text handed to
    # `su -c`), and whether that starts it with a clean environment (see `Unwrapped`).
    switcher: str = ""
    env_reset: bool = False
    # An unquoted variable the analysis cannot read in front of it (`$STD pip install x`,
    # `$SUDO pip3 ...`): most often a wrapper that runs it, as root or not, perhaps not at all.
    unknown_wrapper: Word | None = None

    @property
    def name(self) -> str | None:
        return self.words[0].text if self.words else None

    @property
    def program(self) -> str | None:
        """The program's base name: `/usr/bin/pip3` → `pip3`."""
        name = self.words[0].text if self.words else None  # (`name`, inline: read most often)
        return name.rsplit("/", 1)[-1] if name else None

    def texts(self) -> list[str | None]:
        return [w.text for w in self.words]


class Ready(Record):
    """A command a reader other than tree-sitter built (PowerShell, cmd), with the shell text
    it hands to another shell (`bash -c "..."`), if any."""

    command: Command
    handed: Script | None = None


# --------------------------------------------------------------------------------------------
# Wrappers: commands that run another command given as their arguments.

# For each wrapper, the options that take a separate value.
WRAPPERS: dict[str, frozenset[str]] = {
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


class Unwrapped(Record):
    words: list[Word]
    assignments: list[Assignment]
    elevated_by: Span | None
    run_as: str | None
    wrappers: list[Word]
    # The wrapper that switches users (`sudo`, `gosu`), and whether it starts the command
    # with a clean environment: sudo and doas set PATH to their secure path, so an active
    # venv is not the command's.
    switcher: str = ""
    env_reset: bool = False
    # An unquoted variable the analysis cannot read in front of it (`$STD pip install x`,
    # `$SUDO pip3 ...`): most often a wrapper that runs it, as root or not, perhaps not at all.
    unknown_wrapper: Word | None = None


def unwrap(words: list[Word], assignments: list[Assignment]) -> Unwrapped | None:
    """Strip wrappers off the front of `words`; None if a wrapper runs nothing."""
    elevated_by: Span | None = None
    run_as: str | None = None
    wrappers: list[Word] = []
    switcher = ""
    env_reset = False
    while words:
        name = words[0].text
        program = name.rsplit("/", 1)[-1] if name else None
        if program not in WRAPPERS:
            break
        with_value = WRAPPERS[program]
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
            switcher = program
            i += 1
        if program in _ELEVATING:
            elevated_by = wrapper.span if user in ("root", "0") else elevated_by
            run_as = user
            switcher, env_reset = program, True
        wrappers.extend(words[:i])
        words = words[i:]
    if not words:
        return None
    return Unwrapped(words, assignments, elevated_by, run_as, wrappers, switcher, env_reset)


def _user_of(spec: str | None) -> str | None:
    """`app`, `app:app`, `1000:1000` → the user; None when unknown."""
    name = spec.split(":", 1)[0] if spec else None
    return "root" if name in ("root", "0") else name or None


_ASSIGNMENT = lazy(r"[A-Za-z_][A-Za-z0-9_]*=")


def _is_assignment(text: str) -> bool:
    return _ASSIGNMENT.match(text) is not None


def _value_word(word: Word, value: str) -> Word:
    start = word.span.end - len(value) if word.raw.endswith(value) else word.span.start
    return Word(value, value, Span(start, word.span.end))


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


def reads_stdin(texts: list[str | None]) -> bool:
    """`bash`, `sh -s`, `bash -ex`: a shell whose script comes from standard input."""
    return all(t is not None and t.startswith(("-", "+")) for t in texts[1:])
