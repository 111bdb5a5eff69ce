"""The Dockerfile reader checked against BuildKit's own parser (the `dockerfile` wheel wraps
moby/buildkit's frontend/dockerfile/parser), as the shell model is checked against bash.

Over the fixtures and generated Dockerfiles (continuations, comments and blank lines inside
them, escaped escapes at line ends, escape directives, heredocs in their forms and look-alikes,
CRLF, form feeds), the reader must agree with BuildKit on each instruction's keyword, first and
last line, the shell text a RUN hands the shell (continuations joined) and each heredoc's name
and body. Where BuildKit stops with an error (a heredoc never closed), the reader must report
a problem. Shapes whose reading changed in BuildKit after the wheel's release (v0.12.5: `<< EOF`
with a blank, the `check` directive) are left out of the generated files.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipwarden.frontends.dockerfile import _RUN_FLAGS, _Lexer

from .conftest import CASES

buildkit = pytest.importorskip(
    "dockerfile", reason="BuildKit's parser (the `dockerfile` wheel) does not install here"
)

Reading = tuple[list[tuple[str, int, int, str | None, tuple[tuple[str, str], ...]]], bool]


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def ours(text: str) -> Reading:
    lexer = _Lexer(text)
    found = []
    for instruction in lexer.instructions():
        last = instruction.pieces[-1]
        end = _line_of(text, last.start)
        for heredoc in instruction.heredocs:
            closing = heredoc.terminator or (heredoc.body[-1] if heredoc.body else None)
            if closing is not None:
                end = _line_of(text, closing.start)
        shell = None
        if instruction.keyword == "RUN":
            joined = lexer.joined(instruction.pieces)[0]
            flags = _RUN_FLAGS.match(joined)
            shell = joined[flags.end() if flags else 0 :].strip()
        bodies = tuple(
            (h.name, "".join(line.text + "\n" for line in h.body))
            for h in instruction.heredocs
            if instruction.keyword != "ONBUILD"  # BuildKit keeps those on the inner node
        )
        start = _line_of(text, instruction.keyword_span.start)
        found.append((instruction.keyword, start, end, shell, bodies))
    return found, bool(lexer.problems)


def theirs(text: str) -> Reading | None:
    """BuildKit's reading; None where it refuses the file."""
    try:
        commands = buildkit.parse_string(text)
    except buildkit.GoParseError:
        return None
    found = []
    for command in commands:
        shell = None
        if command.cmd.upper() == "RUN":
            shell = None if command.json else " ".join(command.value).strip()
        bodies = tuple((h.name, h.content.replace("\r\n", "\n")) for h in command.heredocs)
        found.append((command.cmd.upper(), command.start_line, command.end_line, shell, bodies))
    return found, False


def _agree(text: str) -> None:
    expected = theirs(text)
    found, problems = ours(text)
    if expected is None:
        assert problems, f"BuildKit refuses this file, the reader reports nothing:\n{text}"
        return
    wanted = expected[0]
    # Exec form: BuildKit gives the parsed list, the reader the JSON text; compare lines only.
    found = [
        (k, s, e, None if w[3] is None else sh, b)
        for (k, s, e, sh, b), w in zip(found, wanted, strict=False)
    ] + found[len(wanted) :]
    assert found == wanted, text


FIXTURES = sorted(
    p
    for p in CASES.rglob("*")
    if p.is_file()
    and p.name.lower().startswith(("dockerfile", "containerfile"))
    and p.suffix not in (".template", ".j2")  # templates: markup BuildKit never sees
)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(CASES)))
def test_fixtures_read_as_buildkit_reads_them(path: Path) -> None:
    _agree(path.read_text(encoding="utf-8", errors="surrogateescape"))


# Pieces of Dockerfiles: each a list of lines; `{e}` is the escape character in use.
PIECES = [
    ["RUN apt-get update {e}", "    && apt-get install -y python3-pip"],
    ["RUN apt-get install -y {e}", "    curl # the client {e}", "    && pip install requests"],
    ["RUN pip install a {e}", "# a comment inside", "", "    b"],
    ["RUN echo foo{e}{e}", "RUN pip install b"],
    ["ENV C trailing{e}{e}", "ENV D not appended"],
    ["RUN <<EOF", "pip install a", "EOF"],
    ["RUN <<-EOF", "\tpip install a", "\tEOF"],
    ["RUN <<END-OF-SCRIPT", "pip install a", "END-OF-SCRIPT"],
    ["RUN <<'EOF'", "echo $HOME", "EOF"],
    ['RUN python3 <<"PY"', "import sys", "PY"],
    ["RUN <<A <<B", "echo from a", "A", "echo from b", "B"],
    ["RUN cat <<A > /a && cat <<B > /b", "line a", "A", "line b", "B"],
    ['RUN echo "<<EOF" > /x'],
    ["RUN cat <<<'hello' > /x"],
    ["RUN echo $((1<<shift)) > /x"],
    ["COPY <<EOF /etc/x.conf", "key = value", "EOF"],
    ["ONBUILD RUN <<EOF", "pip install a", "EOF"],
    ["RUN --mount=type=cache,target=/root/.cache {e}", "    pip install a"],
    ['RUN ["pip", "install", "a"]'],
    ["USER app"],
    ["WORKDIR /src"],
    ["# a comment", "RUN pip install c"],
    ['RUN echo "a\fb" && pip install a'],
    ["RUN echo a\u2028b && pip install a"],
    [""],
]
DIRECTIVES = [[], ["# escape=`"], ["   # escape=`"], ["# syntax=docker/dockerfile:1", "# escape=`"]]
DIRECTIVES += [["# foo=bar", "# escape=`"]]


def _generated(seed: int) -> str:
    rng = random.Random(seed)
    directives = rng.choice(DIRECTIVES)
    # The escape directive counts only where BuildKit honours it: before any other line.
    escape = (
        "`" if directives and directives[-1].endswith("`") and "foo" not in directives[0] else "\\"
    )
    lines = [*directives, "FROM python:3.12"]
    for _ in range(rng.randint(1, 6)):
        lines += [line.replace("{e}", escape) for line in rng.choice(PIECES)]
    if rng.random() < 0.2:
        lines.append(f"RUN pip install last {escape}")  # a continuation at the end of the file
    newline = "\r\n" if rng.random() < 0.2 else "\n"
    return newline.join(lines) + (newline if rng.random() < 0.8 else "")


@pytest.mark.parametrize("seed", range(300))
def test_generated_dockerfiles_read_as_buildkit_reads_them(seed: int) -> None:
    _agree(_generated(seed))
