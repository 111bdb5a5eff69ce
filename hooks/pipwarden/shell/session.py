"""Scripts (the text one shell process runs, mapped back to the file) and Scopes (Scripts that
share inherited state but not shell state), plus the environment facts a format states outside
any shell: base image, persisted variables, user.

Front-ends build these; they know file formats and nothing about rules.
"""

from __future__ import annotations

import bisect
import re

from pipwarden.model import Span
from pipwarden.record import Record

# The word Python code's `sys.executable` becomes in the commands it runs: the interpreter
# running that code, named by a path (so `{sys.executable} -m pip` is that interpreter's pip,
# not the one PATH finds).
RUNNING_PYTHON = "/sys.executable/python"


class Segment(Record):
    """Script text [script_start, script_end) came from file text [file_start, file_end).

    Equal lengths map character for character; otherwise the piece is opaque (an expanded make
    variable, a JSON-escaped string) and any offset inside it maps to the whole file range.
    """

    script_start: int
    script_end: int
    file_start: int
    file_end: int
    # Where this text stands verbatim in the file when not at file_start (a make variable's
    # value at its assignment), so a fix can edit it there.
    origin: int | None = None

    @property
    def linear(self) -> bool:
        return self.script_end - self.script_start == self.file_end - self.file_start


class OffsetMap:
    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self._starts = [s.script_start for s in segments]
        # A script that is one piece of its file, character for character (a shell script
        # file, most CI steps): the file offset where it starts and its length, for the
        # hundreds of thousands of lookups a big tree makes.
        only = segments[0] if len(segments) == 1 and segments[0].linear else None
        self._whole_text = (
            (only.file_start, only.script_start, only.file_end - only.file_start) if only else None
        )

    @classmethod
    def identity(cls, file_start: int, length: int) -> OffsetMap:
        return cls([Segment(0, length, file_start, file_start + length)])

    def to_file(self, offset: int, *, is_end: bool = False) -> int:
        if self._whole_text is not None:
            file_start, script_start, length = self._whole_text
            at = offset - script_start
            return file_start + (0 if at < 0 else length if at > length else at)
        if not self.segments:
            return 0
        # An end offset that touches a segment boundary belongs to the segment before it.
        probe = offset - 1 if is_end and offset > 0 else offset
        i = max(0, bisect.bisect_right(self._starts, probe) - 1)
        seg = self.segments[i]
        if seg.linear:
            return seg.file_start + min(
                max(offset - seg.script_start, 0), seg.file_end - seg.file_start
            )
        if offset <= seg.script_start and not is_end:
            return seg.file_start
        return seg.file_end if is_end or offset >= seg.script_end else seg.file_start

    def span(self, start: int, end: int) -> Span:
        return Span(self.to_file(start), self.to_file(end, is_end=True))

    def verbatim(self, start: int, end: int) -> Span | None:
        """Where script text [start, end) stands character for character in the file, for an
        edit; None when it does not (an escape was resolved, a value was assembled)."""
        if not self.segments or end < start:
            return None
        seg = self.segments[max(0, bisect.bisect_right(self._starts, start) - 1)]
        if end > seg.script_end:
            return None
        if seg.linear:
            base = seg.file_start
        elif seg.origin is not None:
            base = seg.origin
        else:
            return None
        return Span(base + start - seg.script_start, base + end - seg.script_start)

    def compose(self, inner: OffsetMap) -> OffsetMap:
        """A map for text cut out of this script (`bash -c '...'`): inner maps nested-script
        offsets to offsets in this script, the result maps them to the file. A piece of the
        inner text that crosses this script's own pieces is cut at their edges, so it stays
        exact where this script's text stands verbatim in the file (a line continued with a
        backslash, a make `$$`, a YAML block's indentation)."""
        segments: list[Segment] = []
        for seg in inner.segments:
            if not seg.linear or not self.segments:
                segments.append(self._whole(seg))
                continue
            segments.extend(self._cut(seg))
        return OffsetMap(segments)

    def _whole(self, seg: Segment) -> Segment:
        """An inner segment, its ends mapped through this script to the file."""
        return Segment(
            seg.script_start,
            seg.script_end,
            self.to_file(seg.file_start),
            self.to_file(seg.file_end, is_end=True),
        )

    def _cut(self, seg: Segment) -> list[Segment]:
        """A linear inner segment over this script's [file_start, file_end), cut where this
        script's segments begin and end."""
        pieces = []
        at = seg.file_start  # an offset in this script
        index = max(0, bisect.bisect_right(self._starts, at) - 1)
        while at < seg.file_end and index < len(self.segments):
            outer = self.segments[index]
            end = min(seg.file_end, outer.script_end)
            if end > at:
                start = seg.script_start + at - seg.file_start
                pieces.append(
                    Segment(
                        start,
                        start + end - at,
                        self.to_file(at),
                        self.to_file(end, is_end=True),
                    )
                )
                at = end
            index += 1
        if not pieces:
            pieces.append(self._whole(seg))
        return pieces


class ScriptBuilder:
    """Assembles a Script's text piece by piece, remembering where each piece came from."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._segments: list[Segment] = []
        self._length = 0

    def add(self, text: str, file_start: int) -> None:
        """Text copied verbatim from the file at `file_start`."""
        self._push(text, file_start, file_start + len(text))

    def add_opaque(
        self, text: str, file_start: int, file_end: int, *, origin: int | None = None
    ) -> None:
        """Text that stands for file[file_start:file_end] without matching it character by
        character (a resolved variable, an unescaped string); `origin` is where it stands
        verbatim, if anywhere."""
        self._push(text, file_start, file_end, origin)

    def add_masked(self, text: str, file_start: int, pattern: re.Pattern[str]) -> None:
        """Text copied from the file at `file_start`, each match of `pattern` (a template
        expression, a substitution the tool makes before the shell runs) an unknown word of
        the same length, so offsets after it still hold."""
        position = 0
        for match in pattern.finditer(text):
            self.add(text[position : match.start()], file_start + position)
            length = match.end() - match.start()
            self.add_opaque(
                "$" + "_" * (length - 1), file_start + match.start(), file_start + match.end()
            )
            position = match.end()
        self.add(text[position:], file_start + position)

    def _push(self, text: str, file_start: int, file_end: int, origin: int | None = None) -> None:
        if not text:
            return
        self._parts.append(text)
        self._segments.append(
            Segment(self._length, self._length + len(text), file_start, file_end, origin)
        )
        self._length += len(text)

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def offsets(self) -> OffsetMap:
        return OffsetMap(list(self._segments))

    def script(self, shell: str, *, skip: int = 0) -> Script:
        """The Script built so far, without its first `skip` characters."""
        text = self.text[skip:]
        segments = []
        for seg in self._segments:
            if seg.script_end <= skip:
                continue
            start = max(seg.script_start, skip)
            cut = start - seg.script_start
            file_start = seg.file_start + (cut if seg.linear else 0)
            origin = seg.origin + cut if seg.origin is not None else None
            segments.append(
                Segment(start - skip, seg.script_end - skip, file_start, seg.file_end, origin)
            )
        return Script(text, OffsetMap(segments), shell)


class PythonLiteral(Record):
    """A Python string literal whose content a Script was read from, so a fix can rewrite it:
    `content` is the file span between the quotes, `start` where its prefix begins."""

    content: Span
    start: int
    prefix: str  # lower-case prefix letters: "", "r", "f", "rf", "b", ...
    quote: str
    raw: bool
    # Where `{` and `}` stand in a literal that is not an f-string (doubled when it becomes one).
    braces: tuple[tuple[int, str], ...] = ()


class Container(Record):
    """Where a Script runs when another command hands it there (`docker run IMAGE sh -c`,
    `ssh host '...'`): a fresh environment, `image`'s when it is known."""

    image: str | None
    user: str | None = None


class Script(Record):
    """The text one shell process runs.

    `shell` names the interpreter: "sh" is /bin/sh (what it really is depends on the platform,
    which the analysis knows), "bash", "dash", "zsh", "ksh", "pwsh", "cmd", or "" when unknown.
    """

    text: str
    offsets: OffsetMap
    shell: str = ""
    # Set for a script that an elevated command runs (`sudo sh -c '...'`, `su -c '...'`), with
    # the program that elevates.
    elevated_by: Span | None = None
    elevator: str = ""
    # Variables set for this process only (a CI step's `env:`).
    env: tuple[SetEnv, ...] = ()
    # "python-argv" for an argument list a Python program runs without a shell
    # (`subprocess.run(["pip", ...])`): its words are the list's string literals;
    # "python-argv-string" for a command line given as one string without a shell
    # (`subprocess.run("pip install x")`, `"pip install x".split()`): the string's words.
    origin: str = ""
    # "python-shell" for a string Python code runs through a shell (`os.system("...")`).
    # For both, where `import sys` would go (None: the file imports it already).
    import_sys_at: int | None = None
    # For a python-shell Script, the string literals it was read from.
    literals: tuple[PythonLiteral, ...] = ()
    # For both: the program then needs what it installs in the interpreter running it (an
    # import follows, or the call handles an ImportError).
    imports_after: bool = False
    # Set where the text runs in a container or on another machine, not in this shell.
    container: Container | None = None
    # The directory the process starts in, relative to the Scope's working directory (a CI
    # step's `working-directory`).
    cwd: str | None = None
    # How the file names its Python, where it names one by a variable (a Makefile's
    # `PYTHON ?= python3`): the spelling (`$(PYTHON)`) and the value, for remedies and fixes
    # in the file's own terms.
    python_variable: tuple[str, str] | None = None
    # Run when a container of the image starts (ENTRYPOINT, CMD, its init system's scripts),
    # not in the build: what it installs, it installs at every start.
    at_start: bool = False
    # The shell stops at the first command that fails, as if run with `set -e` (GitHub's
    # `bash -e {0}`).
    errexit: bool = False


def joined(first: Script, second: Script) -> Script:
    """The words of `second` after those of `first`, one process (a Dockerfile ENTRYPOINT
    with its CMD)."""
    offset = len(first.text) + 1
    end = first.offsets.to_file(len(first.text), is_end=True)
    segments = [
        *first.offsets.segments,
        Segment(len(first.text), offset, end, end),
        *(
            seg._replace(script_start=seg.script_start + offset, script_end=seg.script_end + offset)
            for seg in second.offsets.segments
        ),
    ]
    return first._replace(text=f"{first.text} {second.text}", offsets=OffsetMap(segments))


class Image(Record):
    """A base image (Dockerfile FROM, CI `image:`); `ref` is None when it cannot be known."""

    ref: str | None
    span: Span


class SetEnv(Record):
    """A variable that every later Script of the Scope inherits (Dockerfile ENV, CI `env:`).
    `value` is None when the value cannot be known statically."""

    name: str
    value: str | None
    span: Span


def venv_first_on_path(directory: str, span: Span) -> tuple[SetEnv, SetEnv]:
    """What a tool that runs commands in a venv of its own (tox, Travis, Read the Docs) sets:
    VIRTUAL_ENV, and the venv's bin directory first on PATH (which is what makes its pip the
    one `pip` runs)."""
    return SetEnv("VIRTUAL_ENV", directory, span), SetEnv("PATH", f"{directory}/bin:$PATH", span)


class SetUser(Record):
    """The user later Scripts run as; None when it cannot be known (an ARG)."""

    user: str | None
    span: Span


class SetPython(Record):
    """A Python put in place outside any Script: `uses: actions/setup-python` ("managed", a
    user-writable interpreter meant for installs), setup-miniconda ("conda"); `version` as
    the step asks for it (`3.12`), where it says."""

    source: str
    span: Span
    version: str | None = None


class Runner(Record):
    """The hosted runner later Scripts run on, by its label (`ubuntu-latest`, `macos-15`, an
    Azure `vmImage`); `label` is None where a matrix or an expression chooses it, and
    `windows` says whether the choice may be a Windows machine. `choices`: every label a
    matrix can put there (`runs-on: ${{ matrix.os }}`), where the file lists them all."""

    label: str | None
    span: Span
    windows: bool = False
    choices: tuple[str, ...] = ()


class SetDir(Record):
    """The working directory of later Scripts (Dockerfile WORKDIR), relative to the one
    before it."""

    path: str
    span: Span


class Files(Record):
    """From here on, `target` (relative to the working directory when not absolute) holds
    the repository file or directory `source` (relative to the build context; it may end in
    a glob), as a Dockerfile COPY puts the build context into the image. The context is one
    of `contexts` (absolute, likeliest first: the file's directory, then those above it), the
    first that has `source`. `into` when `target` is a directory that `source` lands in
    (`COPY install.sh /tmp/`), not the file's new name."""

    target: str
    source: str
    contexts: tuple[str, ...]
    into: bool
    span: Span


class Call(Record):
    """The Scripts of another repository file run here, in this Scope's state, as if written
    in place (a local composite action: `uses: ./.github/actions/setup`)."""

    path: str
    span: Span


class BuiltImage(Record):
    """From here on the Scripts run in a container of the image the repository's Dockerfile
    at `path` builds (a CI job's `container:` naming an image the repository builds): what
    its final stage leaves, its Pythons, ENV and USER."""

    path: str
    span: Span


class PythonUse(Record):
    """Python code using a name of the `pip` package (`pip.main`, `pip._internal`);
    `in_pip` when the pip it names is the code's own: pip's package, a project named pip, or a
    module that puts the pip it brings on `sys.path` (get-pip.py's bootstrap)."""

    name: str
    span: Span
    in_pip: bool = False


ScopeItem = (
    Script
    | Image
    | SetEnv
    | SetUser
    | SetPython
    | Runner
    | PythonUse
    | SetDir
    | Files
    | Call
    | BuiltImage
)


class Persist(Record):
    """How a Script hands state to the later Scripts of its Scope: by appending to the file a
    variable names (`>> "$GITHUB_PATH"`), or by printing a marker (`##vso[task.prependpath]`).
    `kind` says what the written text is: "path" (a directory put first on PATH), "env"
    (NAME=value), or "script" (shell text every later Script runs first)."""

    kind: str
    variable: str | None = None
    marker: str | None = None


class Boundary(Record):
    """Why shell state does not carry from one Script of a Scope to the next, and how a venv is
    made to carry over in this format. `persist` may use {venv} for the venv's path and {bin}
    for its folder of programs (`bin`, `Scripts` on Windows)."""

    reason: str
    persist: str
    url: str
    # `persist` in the words of another shell of the format, by its name ("pwsh", "cmd").
    persist_in: tuple[tuple[str, str], ...] = ()


class MakeRule(Record):
    """The Makefile rule a Scope is the recipe of: what a `make GOAL` that reaches it runs
    first, and whether it is the file's default goal."""

    targets: tuple[str, ...]
    prerequisites: tuple[str, ...]
    default: bool = False


class Scope(Record):
    name: str
    items: tuple[ScopeItem, ...]
    boundary: Boundary | None = None
    # The name of an earlier Scope whose final state this one starts from (`FROM builder`).
    inherits: str | None = None
    # True where the Scripts run in a container built from the Scope's Image, so the state at
    # the start is what that image says; False where they run in the caller's unknown
    # environment (a shell script, a Makefile).
    runs_in_image: bool = False
    persist: tuple[Persist, ...] = ()
    # The absolute directory the Scope's Scripts start in, where the format says (a Makefile's
    # own directory, a workflow's checkout); None when it depends on the caller (a shell
    # script). In an image the Scripts start at "/" unless a SetDir says otherwise.
    directory: str | None = None
    # The Scripts' paths name an image's filesystem (a Dockerfile build), where a repository
    # file is found only where a Files item put it; otherwise they name the checkout's.
    image_paths: bool = False
    # Where the Scripts run: "build" (an image build), "image" (a container), "ci" (a CI job),
    # "developer" (a task runner's checkout: make, just, Task, tox), or "unknown": a machine
    # the repository does not control (a script someone runs by hand).
    host: str = "unknown"
    # For a Makefile rule's recipe, the rule.
    make: MakeRule | None = None
    # A dev container Feature's install script: what it installs is for the container's later
    # users, whose PATH the Feature's devcontainer-feature.json sets (`containerEnv`).
    dev_container_feature: bool = False


class SharedScripts:
    """One Script object for the Scripts a run reads with the same text at the same offsets
    (an installer copied into a hundred folders, the RUN blocks of a Dockerfile copied with
    it): a Script's Program is kept by identity, so each copy after the first costs nothing
    to parse."""

    LIMIT = 4096  # held at once, as the Programs are

    def __init__(self) -> None:
        self._held: dict[tuple[object, ...], Script] = {}

    def scope(self, scope: Scope) -> Scope:
        items = tuple(self._one(i) if isinstance(i, Script) else i for i in scope.items)
        return scope._replace(items=items)

    def _one(self, script: Script) -> Script:
        key = (*script._replace(offsets=None), *script.offsets.segments)
        held = self._held.get(key)
        if held is None:
            if len(self._held) >= self.LIMIT:
                self._held.clear()
            held = self._held[key] = script
        return held


def shifted(scope: Scope, base: int) -> Scope:
    """`scope` with every file offset moved by `base`: the analysis addresses the Scripts of
    several files at once, each file at its own base (see `check.FILE_STRIDE`)."""
    if base == 0:
        return scope
    return scope._replace(items=tuple(_shifted_item(item, base) for item in scope.items))


def _move(span: Span | None, base: int) -> Span | None:
    return None if span is None else Span(span.start + base, span.end + base)


def _shifted_item(item: ScopeItem, base: int) -> ScopeItem:
    if not isinstance(item, Script):
        return item._replace(span=_move(item.span, base))
    offsets = OffsetMap(
        [
            seg._replace(
                file_start=seg.file_start + base,
                file_end=seg.file_end + base,
                origin=None if seg.origin is None else seg.origin + base,
            )
            for seg in item.offsets.segments
        ]
    )
    return item._replace(
        offsets=offsets,
        elevated_by=_move(item.elevated_by, base),
        env=tuple(e._replace(span=_move(e.span, base)) for e in item.env),
        import_sys_at=None if item.import_sys_at is None else item.import_sys_at + base,
        literals=tuple(
            lit._replace(
                content=_move(lit.content, base),
                start=lit.start + base,
                braces=tuple((at + base, brace) for at, brace in lit.braces),
            )
            for lit in item.literals
        ),
    )


class ParseProblem(Record):
    """Something a front-end could not read; becomes one PW900 finding."""

    span: Span
    message: str
