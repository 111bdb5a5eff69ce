"""Property tests: every front-end, fed mutated versions of the case fixtures (truncated at
any byte, spliced, random bytes, stray backslashes and quotes, a 200 KB line, UTF-16,
unterminated heredocs, strings and blocks), never fails inside: the exit code is 0 or 1 and
the JSON report parses."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipwarden.cli import main

from .conftest import CASES, case_files

FIXTURES = sorted(
    (path.relative_to(case).as_posix(), path.read_bytes())
    for kind in CASES.iterdir()
    if kind.is_dir()
    for case in kind.iterdir()
    if case.is_dir()
    for path in case_files(case)
)
STRAY = [b"\\", b'"', b"'", b"`", b"$(", b"${{", b"<<EOF\n", b"\\\n", b"{", b"[", b"\t", b"\r"]
UNTERMINATED = [b"\nRUN <<EOF\npip install x\n", b"\ndefine R\n", b'\nx = """', b"\n- run: |\n"]
EXAMPLES = settings(
    max_examples=int(os.environ.get("PIPWARDEN_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
fixtures = st.sampled_from(FIXTURES)


def check(name: str, data: bytes) -> None:
    """Write `data` under `name` (so the file keeps its kind) and check it as a user would.
    Settings come from an empty file: a mangled pyproject.toml is a file to check here, not
    the configuration (which, broken, stops the run: test_cli)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        settings = Path(directory) / "settings.toml"
        settings.write_text("")
        args = ["check", "--config", str(settings), "--select", "ALL", "--output-format", "json"]
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main([*args, str(path)])
        assert code in (0, 1), (name, data[:200])
        assert isinstance(json.loads(out.getvalue()), list)


@EXAMPLES
@given(fixtures, st.integers(min_value=0))
def test_truncated_at_any_byte(fixture: tuple[str, bytes], cut: int) -> None:
    name, data = fixture
    check(name, data[: cut % (len(data) + 1)])


@EXAMPLES
@given(fixtures, fixtures, st.integers(min_value=0), st.integers(min_value=0))
def test_spliced(
    first: tuple[str, bytes], second: tuple[str, bytes], cut: int, resume: int
) -> None:
    name, data = first
    other = second[1]
    check(name, data[: cut % (len(data) + 1)] + other[resume % (len(other) + 1) :])


@EXAMPLES
@given(fixtures, st.binary(max_size=4096))
def test_random_bytes(fixture: tuple[str, bytes], noise: bytes) -> None:
    check(fixture[0], noise)


@EXAMPLES
@given(fixtures, st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(STRAY)), max_size=8))
def test_stray_backslashes_and_quotes(
    fixture: tuple[str, bytes], inserts: list[tuple[int, bytes]]
) -> None:
    name, data = fixture
    for position, stray in inserts:
        at = position % (len(data) + 1)
        data = data[:at] + stray + data[at:]
    check(name, data)


@EXAMPLES
@given(fixtures, st.sampled_from(UNTERMINATED), st.booleans())
def test_unterminated_blocks_long_lines_and_utf16(
    fixture: tuple[str, bytes], tail: bytes, utf16: bool
) -> None:
    name, data = fixture
    data = data + tail + b"pip install " + b"a" * 200_000
    if utf16:
        data = data.decode("utf-8", "replace").encode("utf-16")
    check(name, data)


CALLS = sorted(p for p in (CASES / "calls").iterdir() if p.is_dir())


@EXAMPLES
@given(st.sampled_from(CALLS), st.data())
def test_a_called_file_mangled_never_breaks_its_caller(case: Path, data: st.DataObject) -> None:
    """Each file of a case where files run each other, in turn truncated or spliced with
    random bytes, while the others stay as they are."""
    files = {p.relative_to(case).as_posix(): p.read_bytes() for p in case_files(case)}
    name = data.draw(st.sampled_from(sorted(files)))
    text = files[name]
    cut = data.draw(st.integers(0, len(text)))
    files[name] = text[:cut] + data.draw(st.binary(max_size=64)) + text[cut:]
    with tempfile.TemporaryDirectory() as directory:
        for relative, content in files.items():
            path = Path(directory) / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(
                ["check", "--no-cache", "--select", "ALL", "--output-format", "json", directory]
            )
        assert code in (0, 1), (name, files[name][:200])
        assert isinstance(json.loads(out.getvalue()), list)
