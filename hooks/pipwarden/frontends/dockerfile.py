"""Dockerfiles (and Containerfiles): a small lexer that keeps exact positions.

Each RUN is a Script (continuation lines joined as the shell sees them, comment lines inside
them dropped as Docker drops them, heredoc bodies included); each build stage is a Scope.
dockerfile-parse is not used: it flattens continuations and does not know heredocs.

The lexer reads as BuildKit's parser does (tests/test_dockerfile_oracle.py holds it to
BuildKit's own, through the `dockerfile` wheel). Where BuildKit's reading depends on its
version, this reader decides:
- `RUN << EOF` (a blank after `<<`) is not a heredoc, as up to BuildKit v0.21; v0.22
  (dockerfile 1.16) reads one.
- `# check=...` is a parser directive (BuildKit v0.14 and later): a `# escape=` after it
  still counts.
- A line ending in an escaped escape (`echo foo\\`) does not continue, as since BuildKit
  v0.8; the legacy builder joined it with the next line.
- `<<-EOF` bodies keep their tabs in the Script (so that offsets stay exact); BuildKit strips
  them, which changes nothing for the shell's commands.
- A variable before `<<` in one word (`$X<<EOF`, empty when BuildKit scans for heredocs) is
  not a heredoc here.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
from collections.abc import Iterator

from pipwarden import environments
from pipwarden.environments import INIT_RUNS
from pipwarden.frontends import Parsed
from pipwarden.frontends.shellscript import shebang_shell
from pipwarden.model import Span
from pipwarden.patterns import lazy
from pipwarden.record import Record
from pipwarden.shell import SHELLS
from pipwarden.shell.session import (
    Boundary,
    Files,
    Image,
    ParseProblem,
    Scope,
    ScopeItem,
    Script,
    ScriptBuilder,
    SetDir,
    SetEnv,
    SetUser,
    joined,
)

BOUNDARY = Boundary(
    reason="each RUN instruction starts a new shell",
    persist='make it last with `ENV PATH="{venv}/bin:$PATH"` after creating it',
    url="https://docs.docker.com/reference/dockerfile/#env",
    # A Windows image keeps PATH in the registry, not in its config's ENV (where `$PATH` is
    # empty): `setx /M` writes the machine PATH that later RUNs start with.
    persist_in=(
        ("cmd", 'make it last with `RUN setx /M PATH "{bin};%PATH%"` after creating it'),
        ("pwsh", 'make it last with `RUN setx /M PATH "{bin};$env:PATH"` after creating it'),
    ),
)

# Parser directives as BuildKit reads them (parser/directives.go): the first lines, leading
# blanks allowed; the first line that is not a known directive ends them.
_DIRECTIVE = lazy(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_DIRECTIVES = frozenset({"escape", "syntax", "check"})
_INSTRUCTION = lazy(r"\s*([A-Za-z]+)(?=\s|$)")
# A shell word that is a heredoc (parser.go `reHeredoc`): `<<EOF`, `<<-"EOF"`, `2<<EOF`.
_HEREDOC_WORD = lazy(r"(\d*)<<(-?)([^<]*)")
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_RUN_FLAGS = lazy(r"\s*(?:--[A-Za-z-]+(?:=\S*)?\s+)*")
_ENV_PAIR = lazy(
    r"""([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|(?:[^\s\\]|\\.)*)""", re.S
)
_JSON_STRING = lazy(r'"(?:[^"\\]|\\.)*"')


class _Line(Record):
    start: int  # file offset of the first character
    text: str  # without the line ending


class _Heredoc(Record):
    marker: _Line  # the `<<EOF` word
    name: str
    body: list[_Line]
    terminator: _Line | None  # None: never closed


class _Instruction(Record):
    keyword: str
    keyword_span: Span
    # The argument text of each physical line, with its file offset; comment lines dropped.
    pieces: list[_Line]
    heredocs: list[_Heredoc]

    @property
    def args(self) -> str:
        return " ".join(p.text for p in self.pieces).strip()

    @property
    def span(self) -> Span:
        last = self.pieces[-1]
        return Span(self.keyword_span.start, last.start + len(last.text))


def _lines(text: str) -> list[_Line]:
    """The lines as BuildKit's scanner splits them: at `\n` only, a `\r` before it dropped
    (a form feed or U+2028 is text, not a line break)."""
    lines = []
    offset = 0
    raws = text.split("\n")
    if raws and raws[-1] == "":
        raws.pop()
    for raw in raws:
        lines.append(_Line(offset, raw.removesuffix("\r")))
        offset += len(raw) + 1
    return lines


def shell_words(line: str) -> Iterator[tuple[int, str]]:
    """The words of `line` as BuildKit's shell lexer splits them with raw quotes and escapes
    (quotes and backslashes kept), each with its offset."""
    start: int | None = None
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char.isspace():
            if start is not None:
                yield start, line[start:index]
                start = None
        else:
            if start is None:
                start = index
            if char == "\\":
                index += 1
            elif char in "'\"":
                quote = char
        index += 1
    if start is not None:
        yield start, line[start:]


def _heredoc_name(word: str) -> tuple[str, bool] | None:
    """The delimiter a heredoc word names, unquoted, and whether `<<-` strips tabs; None
    when the word is not a heredoc (`"<<EOF"`, `<<<here`, `$((1<<x))`, `cat<<EOF`)."""
    match = _HEREDOC_WORD.fullmatch(word)
    if match is None or not match.group(3):
        return None
    try:
        names = shlex.split(match.group(3))
    except ValueError:
        return None
    return (names[0], match.group(2) == "-") if len(names) == 1 else None


class _Lexer:
    """Instructions as BuildKit's parser (frontend/dockerfile/parser/parser.go) reads them:
    continuation lines joined without a separator, a line ending in an escaped escape not
    continued, comment and blank lines inside a continuation dropped, heredocs found in the
    joined line's shell words (RUN, COPY, ADD, and those after ONBUILD). Where BuildKit
    changed between releases, this follows the current one: `check` is a directive (so a
    `# check=...` line does not end the directives)."""

    def __init__(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = " " + text[1:]  # the byte-order mark, as a blank that keeps offsets
        self.lines = _lines(text)
        self.escape = "\\"
        self.problems: list[ParseProblem] = []

    def continuation(self, text: str) -> int | None:
        """Where the escape that continues `text` onto the next line starts, if it does."""
        escape = re.escape(self.escape)
        match = re.search(f"[^{escape}]({escape})[ \\t]*$", text)
        return match.start(1) if match else None

    def instructions(self) -> Iterator[_Instruction]:
        lines = self.lines
        i = 0
        while i < len(lines):
            match = _DIRECTIVE.match(lines[i].text.lstrip())
            if not match or match.group(1).lower() not in _DIRECTIVES:
                break
            if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
                self.escape = match.group(2)
            i += 1
        while i < len(lines):
            line = lines[i]
            stripped = line.text.strip()
            match = _INSTRUCTION.match(line.text)
            if not stripped or stripped.startswith("#") or not match:
                i += 1
                continue
            keyword_span = Span(line.start + match.start(1), line.start + match.end(1))
            pieces = [_Line(line.start + match.end(), line.text[match.end() :])]
            continues = self.continuation(line.text) is not None
            i += 1
            while continues and i < len(lines):
                following = lines[i]
                i += 1
                if not following.text.strip() or following.text.lstrip().startswith("#"):
                    continue
                pieces.append(following)
                continues = self.continuation(following.text) is not None
            instruction = _Instruction(match.group(1).upper(), keyword_span, pieces, [])
            words = instruction.args.split(None, 1)
            if instruction.keyword in _HEREDOC_KEYWORDS or (
                instruction.keyword == "ONBUILD" and words and words[0].upper() in _HEREDOC_KEYWORDS
            ):
                i = self._heredocs(instruction, i)
            yield instruction

    def joined(self, pieces: list[_Line]) -> tuple[str, list[int]]:
        """The pieces joined as BuildKit joins continuation lines, and each character's file
        offset."""
        text: list[str] = []
        offsets: list[int] = []
        for piece in pieces:
            cut = self.continuation(piece.text)
            kept = piece.text if cut is None else piece.text[:cut]
            text.append(kept)
            offsets.extend(range(piece.start, piece.start + len(kept)))
        return "".join(text), offsets

    def _heredocs(self, instruction: _Instruction, i: int) -> int:
        line, offsets = self.joined(instruction.pieces)
        for at, word in shell_words(line):
            named = _heredoc_name(word)
            if named is None:
                continue
            name, strip_tabs = named
            marker = _Line(offsets[at], word)
            body: list[_Line] = []
            terminator = None
            while i < len(self.lines):
                candidate = self.lines[i]
                i += 1
                if (candidate.text.lstrip("\t") if strip_tabs else candidate.text) == name:
                    terminator = candidate
                    break
                body.append(candidate)
            else:
                self.problems.append(
                    ParseProblem(
                        Span(marker.start, marker.start + len(word)),
                        f"heredoc {word} is never closed: a line `{name}` must end it",
                    )
                )
            instruction.heredocs.append(_Heredoc(marker, name, body, terminator))
        return i


class _Stage:
    def __init__(self, name: str, inherits: str | None, shell: list[str]) -> None:
        self.name = name
        self.inherits = inherits
        self.items: list[ScopeItem] = []
        self.shell = shell
        # What a container of the stage runs when it starts: its last ENTRYPOINT and CMD.
        self.entrypoint: Script | None = None
        self.entrypoint_exec = False
        self.cmd: Script | None = None
        self.cmd_exec = False

    def at_start(self) -> Script | None:
        """The command a container of this stage starts with: ENTRYPOINT with CMD's words
        appended where both are argument lists (exec form), else whichever is there."""
        entrypoint, cmd = self.entrypoint, self.cmd
        if entrypoint is not None and cmd is not None and self.entrypoint_exec and self.cmd_exec:
            return joined(entrypoint, cmd)
        return entrypoint or cmd


# Template markup: `{{ expr }}` and `%%NAME%%` stand for unknown words; `{% tag %}` and
# `{# comment #}` produce no text.
_TEMPLATE_VALUE = lazy(r"\{\{.*?\}\}|%%[A-Za-z_][\w-]*%%")
_TEMPLATE_TAG = lazy(r"\{%.*?%\}|\{#.*?#\}")


def _without_template_markup(text: str) -> str:
    """The template with its markup replaced by text of the same length, so every offset
    still points where it did."""
    text = _TEMPLATE_TAG.sub(lambda m: " " * len(m.group(0)), text)
    return _TEMPLATE_VALUE.sub(lambda m: "$" + "_" * (len(m.group(0)) - 1), text)


def parse(text: str, path: str) -> Parsed:
    # `docker build .` beside the Dockerfile, or `docker build -f sub/Dockerfile .` above it.
    contexts = _contexts(os.path.dirname(os.path.abspath(path)))
    name = path.rsplit("/", 1)[-1].lower()
    if name.rsplit(".", 1)[-1] in ("template", "tmpl", "tpl", "in", "j2", "jinja", "jinja2"):
        text = _without_template_markup(text)
    lexer = _Lexer(text)
    stages: list[_Stage] = []
    global_args: dict[str, str | None] = {}
    # Where each global ARG with a default is: the one line that sets what each stage's
    # `ARG NAME` takes, named as where the variable is set.
    global_spans: dict[str, Span] = {}
    stage: _Stage | None = None
    for instruction in lexer.instructions():
        keyword = instruction.keyword
        if keyword == "FROM":
            stage = _from(instruction, stages, global_args)
            stages.append(stage)
        elif stage is None:
            if keyword == "ARG":
                for name, value, span in _assignments(instruction, lexer.escape, legacy=False):
                    global_args[name] = value
                    if value is not None:
                        global_spans[name] = span
        elif keyword == "RUN":
            stage.items.extend(_mounted(instruction, contexts))
            stage.items.extend(_run(instruction, stage.shell, lexer))
        elif keyword in ("CMD", "ENTRYPOINT"):
            started = list(_run(instruction, stage.shell, lexer))
            script = started[0] if started else None
            exec_form = script is not None and script.shell == "" and "[" in instruction.args[:1]
            if keyword == "CMD":
                stage.cmd, stage.cmd_exec = script, exec_form
            else:
                stage.entrypoint, stage.entrypoint_exec = script, exec_form
                stage.cmd = None  # ENTRYPOINT resets the CMD inherited before it
        elif keyword == "SHELL":
            shell = _json_array(instruction.args)
            if shell:
                stage.shell = shell
        elif keyword in ("ENV", "ARG"):
            for name, value, span in _assignments(
                instruction, lexer.escape, legacy=keyword == "ENV"
            ):
                if keyword == "ARG" and value is None:
                    # `ARG NAME` in a stage takes the default of a global `ARG NAME=value`;
                    # either way RUN sees it as an environment variable.
                    value = global_args.get(name)
                    span = global_spans.get(name, span) if value is not None else span
                stage.items.append(SetEnv(name, value, span))
        elif keyword == "USER":
            user = instruction.args.split()[0] if instruction.args.split() else ""
            stage.items.append(SetUser(None if "$" in user or not user else user, instruction.span))
        elif keyword == "WORKDIR" and instruction.args:
            # "WORKDIR can resolve environment variables previously set using ENV" (Dockerfile
            # reference): the analysis expands what it knows.
            stage.items.append(SetDir(instruction.args.strip("\"'"), instruction.span))
        elif keyword in ("COPY", "ADD") and not instruction.heredocs:
            stage.items.extend(_copied(instruction, contexts))
    dependencies: list[str] = []
    for stage_ in stages:
        # A container of the stage runs its init system's scripts, then its command, after
        # the build, in the state the build left.
        stage_.items.extend(
            s._replace(at_start=True) for s in _started_by_init(stage_.items, dependencies)
        )
        started = stage_.at_start()
        if started is not None:
            stage_.items.append(started._replace(at_start=True))
    scopes = [
        Scope(
            s.name,
            tuple(s.items),
            BOUNDARY,
            inherits=s.inherits,
            runs_in_image=True,
            image_paths=True,
            host="build",
        )
        for s in stages
    ]
    return Parsed(scopes, lexer.problems, dependencies=dependencies)


def _from(
    instruction: _Instruction, stages: list[_Stage], global_args: dict[str, str | None]
) -> _Stage:
    words = [w for w in instruction.args.split() if not w.startswith("--")]
    ref = words[0] if words else ""
    name = words[2] if len(words) >= 3 and words[1].lower() == "as" else f"stage {len(stages)}"
    known = {s.name.lower(): s for s in stages}
    # `FROM base-${BASEIMGTYPE}` names a stage once the global ARG's default is put in.
    resolved = _substitute(ref, global_args)
    parent = known.get(ref.lower()) or known.get((resolved or "").lower())
    if parent is not None:
        return _Stage(name, parent.name, parent.shell)
    environment = environments.image(resolved) if resolved else None
    # The image's own SHELL if it sets one (cimg/*: bash); else Docker's default, `cmd /S /C`
    # on Windows images, `/bin/sh -c` elsewhere.
    default = ["cmd", "/S", "/C"] if environment and environment.windows else ["/bin/sh", "-c"]
    if environment is not None and environment.shell:
        default = list(environment.shell)
    stage = _Stage(name, None, default)
    stage.items.append(Image(resolved, instruction.span))
    return stage


_ARG_REFERENCE = lazy(r"\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)")


def _substitute(ref: str, args: dict[str, str | None]) -> str | None:
    """FROM may use global ARGs; their defaults are what a plain `docker build` uses. None when
    one has no default."""
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        found = args.get(match.group(1) or match.group(3))
        if found is not None:
            return found
        if match.group(2) is not None:
            return match.group(2)
        missing = True
        return ""

    resolved = _ARG_REFERENCE.sub(value, ref)
    return None if missing else resolved


# --------------------------------------------------------------------------------------------
# RUN


def _shell_name(shell: list[str]) -> str:
    program = shell[0].replace("\\", "/").rsplit("/", 1)[-1].lower() if shell else ""
    program = program.removesuffix(".exe")
    if program in ("powershell", "pwsh"):
        return "pwsh"
    if program == "cmd":
        return "cmd"
    return program if program in SHELLS else ""


def _run(instruction: _Instruction, shell: list[str], lexer: _Lexer) -> Iterator[Script]:
    """The shell text Docker runs: the joined line (so a shell comment before a continuation
    comments out the rest, as it does in Docker), with BuildKit's dispatchRun for heredocs:
    `RUN <<EOF` alone runs the first body as a script; any other RUN with heredocs hands the
    shell its line followed by each body and its terminator line."""
    builder = ScriptBuilder()
    for piece in instruction.pieces:
        cut = lexer.continuation(piece.text)
        builder.add(piece.text if cut is None else piece.text[:cut], piece.start)
    flags = _RUN_FLAGS.match(builder.text)
    skip = flags.end() if flags else 0
    body = builder.text[skip:]
    if body.startswith("["):
        script = _exec_form(builder, skip)
        if script is not None:
            yield script
            return
    shell_name = _shell_name(shell)
    heredocs = instruction.heredocs
    if heredocs and _heredoc_name(body.strip()) is not None:
        script = _heredoc_script(heredocs[0].body, shell_name)
        if script is not None:
            yield script
        return
    for heredoc in heredocs:
        builder.add("\n", heredoc.marker.start)
        for line in heredoc.body:
            builder.add(line.text + "\n", line.start)
        if heredoc.terminator is not None:
            terminator = heredoc.terminator
            builder.add(terminator.text, terminator.start)
    yield builder.script(shell_name, skip=skip)


def _heredoc_script(lines: list[_Line], shell: str) -> Script | None:
    """A heredoc body run as a script; None when its shebang names something other than a
    shell (`#!/usr/bin/env python3`)."""
    first = lines[0].text if lines else ""
    if first.startswith("#!"):
        named = shebang_shell(first)
        if named is None:
            return None
        shell = named
    builder = ScriptBuilder()
    for line in lines:
        builder.add(line.text + "\n", line.start)
    return builder.script(shell)


def _exec_form(builder: ScriptBuilder, skip: int) -> Script | None:
    """`RUN ["pip", "install", "x"]` or `RUN ["/bin/bash", "-c", "..."]`; None if the text is
    not a JSON array of strings (Docker then runs it as shell form)."""
    text = builder.text[skip:]
    elements = _json_array(re.sub(r"\\\n", "", text))
    if not elements:
        return None
    base = builder.script("", skip=skip)
    literals = list(_JSON_STRING.finditer(text))
    if len(literals) != len(elements):
        return None
    program = _shell_name(elements[:1])
    if (
        program in SHELLS
        and len(elements) >= 3
        and elements[1].startswith("-")
        and "c" in elements[1]
    ):
        from pipwarden.frontends.jsonc import add_json_string

        literal = literals[2]
        inner = ScriptBuilder()
        add_json_string(inner, literal.group(0), literal.start())
        return Script(inner.text, base.offsets.compose(inner.offsets()), program)
    # No shell: the program runs with exactly these arguments.
    inner = ScriptBuilder()
    for index, (element, literal) in enumerate(zip(elements, literals, strict=True)):
        if index:
            inner.add_opaque(" ", literal.start(), literal.start())
        quoted = shlex.quote(element)
        if quoted == element and literal.group(0) == f'"{element}"':
            inner.add(element, literal.start() + 1)
        else:
            inner.add_opaque(quoted, literal.start(), literal.end())
    return Script(inner.text, base.offsets.compose(inner.offsets()), "")


def _json_array(text: str) -> list[str] | None:
    try:
        import json  # only exec forms and SHELL need it

        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


# --------------------------------------------------------------------------------------------
# COPY and ADD


def _contexts(directory: str) -> tuple[str, ...]:
    found = [directory]
    while os.path.dirname(found[-1]) != found[-1]:
        found.append(os.path.dirname(found[-1]))
    return tuple(found)


_BIND_MOUNT = lazy(r"--mount=(\S+)")


def _mounted(instruction: _Instruction, contexts: tuple[str, ...]) -> Iterator[Files]:
    """`RUN --mount=type=bind,source=docker/install.sh,target=/deps/install.sh ...`: the
    build context's file where the RUN finds it (nothing for another stage's or image's:
    `from=`). The mount ends with the RUN; a later RUN that names the path is rare enough
    to leave."""
    flags = _RUN_FLAGS.match(instruction.args)
    for found in _BIND_MOUNT.finditer(flags.group(0) if flags else ""):
        fields = dict(part.partition("=")[::2] for part in found.group(1).split(","))
        source, target = fields.get("source") or fields.get("src"), fields.get("target")
        target = target or fields.get("dst") or fields.get("destination")
        if fields.get("type") != "bind" or "from" in fields or not source or not target:
            continue
        if "$" in source + target:
            continue
        yield Files(target, os.path.normpath(source), contexts, False, instruction.span)


def _copied(instruction: _Instruction, contexts: tuple[str, ...]) -> Iterator[Files]:
    """Where COPY/ADD put files of the build context: one Files per source. Nothing for
    another stage's files (`--from`), URLs, or paths built from variables."""
    words = [w for w in instruction.args.split() if w not in ("\\", "`")]  # continuations
    if any(w.startswith("--from") for w in words):
        return
    while words and words[0].startswith("--"):
        words.pop(0)
    listed = _json_array(" ".join(words)) if words and words[0].startswith("[") else None
    paths = listed if listed is not None else [w.strip("\"'") for w in words]
    if len(paths) < 2 or any("$" in p or "://" in p or p.startswith("git@") for p in paths):
        return
    *sources, target = paths
    into = target.endswith("/") or len(sources) > 1
    for source in sources:
        yield Files(target, os.path.normpath(source), contexts, into, instruction.span)


def _started_by_init(items: list[ScopeItem], dependencies: list[str]) -> Iterator[Script]:
    """A command for each script a COPY put where the image's init system runs it at start
    (`COPY rootfs /` holding etc/cont-init.d/20-setup): run in the container, in the state the
    build left, as if the COPY line named it."""
    import fnmatch

    root = _repository_root(items)
    started: dict[str, Files] = {}
    for item in items:
        if not isinstance(item, Files) or not item.target.startswith("/") or root is None:
            continue
        found = _source_on_disk(item, root)
        if found is None or not os.path.isdir(found):
            continue
        target = item.target.rstrip("/") or "/"
        for directory, pattern in INIT_RUNS:
            inside = os.path.relpath(directory, target) if _within(directory, target) else None
            if inside is None:
                continue
            listed = os.path.normpath(os.path.join(found, inside))
            if not os.path.isdir(listed):
                continue
            for name in sorted(_files_under(listed, pattern.count("/"), dependencies)):
                if not fnmatch.fnmatchcase(name, pattern):
                    continue
                if name.endswith("/up"):  # an s6-rc oneshot's execline: the program it names
                    named = _up_program(os.path.join(listed, name))
                    if named is not None:
                        started.setdefault(named, item)
                else:
                    started[posixpath.join(directory, name)] = item
    for named, item in started.items():
        builder = ScriptBuilder()
        builder.add_opaque(shlex.quote(named), item.span.start, item.span.end)
        yield builder.script("")


def _repository_root(items: list[ScopeItem]) -> str | None:
    """The repository the build context is in, as calls find it: init scripts are read
    from it only."""
    from pipwarden.discover import repository_root

    for item in items:
        if isinstance(item, Files) and item.contexts:
            return repository_root(item.contexts[0])
    return None


def _source_on_disk(files: Files, root: str) -> str | None:
    """Where the repository holds what `files` copies, from the first context that has it."""
    for context in files.contexts:
        if not _within(context, root):
            return None
        found = os.path.normpath(os.path.join(context, files.source))
        if os.path.exists(found):
            return found if _within(found, root) else None
    return None


def _files_under(directory: str, depth: int, read: list[str]) -> Iterator[str]:
    """The files `depth` folders below `directory`, relative to it; the folders listed join
    `read` (a file added there changes what runs)."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return
    read.append(directory)
    for name in names:
        full = os.path.join(directory, name)
        if depth == 0:
            if os.path.isfile(full):
                yield name
        elif os.path.isdir(full):
            inner = _files_under(full, depth - 1, read)
            yield from (posixpath.join(name, path) for path in inner)


def _up_program(path: str) -> str | None:
    """The absolute path an s6-rc oneshot's `up` file runs, where it is one command line
    (`/etc/s6-overlay/scripts/setup.sh`, the convention s6-overlay's README shows)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = [line.strip() for line in handle.read(4096).splitlines()]
    except OSError:
        return None
    commands = [line for line in lines if line and not line.startswith("#")]
    words = commands[0].split() if len(commands) == 1 else []
    if words and words[0].startswith("/") and not any(c in words[0] for c in "${}"):
        return posixpath.normpath(words[0])
    return None


def _within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


# --------------------------------------------------------------------------------------------
# ENV and ARG


def _assignments(
    instruction: _Instruction, escape: str, *, legacy: bool
) -> Iterator[tuple[str, str | None, Span]]:
    """`ENV A=1 B="two words"`, legacy `ENV A one value`, `ARG NAME[=default]`."""
    for piece in instruction.pieces:
        text = piece.text.rstrip()
        if text.endswith(escape):
            text = text[: -len(escape)]
        first = text.split(None, 1)
        if not first:
            continue
        if legacy and "=" not in first[0]:
            name = first[0]
            value = first[1].strip() if len(first) > 1 else ""
            start = piece.start + text.index(name)
            yield name, value, Span(start, piece.start + len(text))
            return
        for match in _ENV_PAIR.finditer(text):
            if match.start() and not text[match.start() - 1].isspace():
                continue
            yield (
                match.group(1),
                _unquote(match.group(2), escape),
                Span(piece.start + match.start(), piece.start + match.end()),
            )
        if not legacy:
            for bare in re.finditer(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)(?=\s|$)", text):
                start = piece.start + bare.start(1)
                yield bare.group(1), None, Span(start, start + len(bare.group(1)))


def _unquote(value: str, escape: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return re.sub(re.escape(escape) + "(.)", r"\1", value)


class Built(Record):
    """What a container built from a Dockerfile starts from: the base image of its last stage
    (through `FROM <stage>`), its last USER (None: no USER, the image's user; "": one the
    file cannot know), and the variables its ENV lines set, in order."""

    image: str | None
    user: str | None
    env: tuple[tuple[str, str | None], ...]


def final_stage(path: str) -> Built:
    """What a container built from the Dockerfile at `path` runs with. Compose and dev
    containers that `build:` an image use it."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            text = handle.read(MAX_DOCKERFILE)
    except OSError:
        return Built(None, None, ())
    scopes = {scope.name: scope for scope in parse(text, path).scopes}
    if not scopes:
        return Built(None, None, ())
    scope: Scope | None = list(scopes.values())[-1]
    image: str | None = None
    user: str | None = None
    env: list[tuple[str, str | None]] = []
    seen = 0
    while scope is not None and seen < len(scopes):
        seen += 1
        for item in reversed(scope.items):
            if isinstance(item, SetUser) and user is None:
                user = item.user or ""
            elif isinstance(item, SetEnv):
                env.insert(0, (item.name, item.value))
            elif isinstance(item, Image):
                image = item.ref
        scope = scopes.get(scope.inherits) if scope.inherits else None
    return Built(image, user, tuple(env))


MAX_DOCKERFILE = 1_000_000
