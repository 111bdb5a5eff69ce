"""Bad input gets a clear error or one PW900, and the run goes on; never a traceback."""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pipwarden.check import Checker
from pipwarden.cli import main

if TYPE_CHECKING:
    from pipwarden.analysis.walk import _Budget
    from pipwarden.shell.session import Script
from pipwarden.config import Settings
from pipwarden.discover import Kind
from pipwarden.reading import MAX_BYTES
from pipwarden.rules.catalog import with_alone
from pipwarden.rules.registry import BY_CODE

from .conftest import write

SUDO = "#!/bin/sh\nsudo pip install requests\nsudo apt-get install -y git\n"
CHECKER = Checker(Settings(frozenset(BY_CODE)))


def concise(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["check", "--output-format", "concise", *args])
    out, err = capsys.readouterr()
    return code, [line for line in out.splitlines() if re.match(r"\S+:\d+:\d+: PW", line)], err


def test_binary_file_with_our_name(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, {"tool.sh": b"\x7fELF\x02\x01\x01\x00\x00\x00pip install", "ok.sh": SUDO})
    code, lines, err = concise(capsys, ".")
    assert code == 1 and err == ""
    assert lines[0].startswith("ok.sh:2:1: PW101")
    assert lines[-1] == "tool.sh:1:1: PW900 binary file (it contains NUL bytes); it was not checked"


def test_binary_without_extension_is_not_ours(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"bin/tool": b"\x00\x01\x02#!/bin/sh\n"})
    assert concise(capsys, ".")[0] == 0


def test_non_utf8_text_is_still_checked(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        project,
        {
            "latin1.sh": "#!/bin/sh\n# Caf\xe9 \xe0 la cr\xe8me\necho '\xe9t\xe9' && sudo pip install x\napt install git\n".encode(
                "latin-1"
            )
        },
    )
    code, lines, _ = concise(capsys, "latin1.sh")
    assert code == 1
    assert lines[0].startswith("latin1.sh:3:15: PW101")


def test_huge_file_is_reported_not_read(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open(project / "huge.sh", "wb") as handle:
        handle.truncate(2 * MAX_BYTES)
    write(project, {"ok.sh": SUDO})
    code, lines, _ = concise(capsys, ".")
    assert code == 1
    assert lines[0].startswith("huge.sh:1:1: PW900 file is 20.0 MiB, more than pipwarden reads")


def test_twenty_megabytes_of_shell_under_the_limit_kind(project: Path) -> None:
    # A large file that is read: many lines, one pip at the end, found at the right line.
    body = "apt-get install -y git\n" + "echo line\n" * 200_000 + "sudo pip install x\n"
    write(project, {"big.sh": "#!/bin/sh\n" + body})
    report = CHECKER.check_path(str(project / "big.sh"))
    # Run by hand: nothing in the project runs it.
    found, _ = with_alone(report.findings, report.alone, report.hidden, frozenset())
    assert [(f.code, f.start.line) for f in found] == [("PW101", 200_003)]


def test_unreadable_file_exits_2_and_the_rest_is_checked(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"ok.sh": SUDO})
    os.symlink("does-not-exist.sh", project / "broken.sh")
    code, lines, err = concise(capsys, "broken.sh", "ok.sh", "missing.sh")
    assert code == 2
    assert lines[0].startswith("ok.sh:2:1: PW101")
    assert "pipwarden: error: broken.sh: No such file or directory" in err
    assert "pipwarden: error: missing.sh: No such file or directory" in err


def test_symlink_loop(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.symlink("b.sh", project / "a.sh")
    os.symlink("a.sh", project / "b.sh")
    os.symlink(".", project / "self")
    write(project, {"ok.sh": SUDO})
    code, lines, err = concise(capsys, ".")
    assert (code, err) == (1, "")
    assert [line.split(" ")[:2] for line in lines] == [["ok.sh:2:1:", "PW101"]]
    code, _, err = concise(capsys, "a.sh")
    assert code == 2 and "a.sh: Too many levels of symbolic links" in err


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.12\nRUN pip install \\",
        "FROM python:3.12\nRUN pip install \\\n",
        'FROM\nRUN\nUSER\nENV\nSHELL [\nRUN ["pip"\n',
        "RUN pip install x\nUSER app\nRUN pip install y\n",
        'FROM python:3.12\nRUN ["pip", 3]\nRUN ["/bin/sh", "-c", "pip \\u0069nstall x"]\n',
        "FROM ubuntu:${UNSET}\nUSER ${U}\nRUN <<A <<B\nA\n",
        "# escape=`\nFROM x\nRUN echo `",
    ],
)
def test_odd_dockerfiles_do_not_crash(text: str) -> None:
    CHECKER.check_text(text, "Dockerfile", Kind.DOCKERFILE)


def test_random_bytes_never_crash() -> None:
    rng = random.Random(668)
    alphabet = list(
        "pip install sudo source . && || ; | $( ) ` ' \" \\ \n\t#<<EOF [[ ]] { } = -U --user RUN USER ENV FROM ubuntu:24.04"
    )
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        for kind in (Kind.SHELL, Kind.DOCKERFILE):
            CHECKER.check_text("pip " + text, "x", kind)


def test_exec_form_json_escape_maps_to_the_literal() -> None:
    text = 'FROM debian:12\nRUN apt-get install -y python3-pip\nRUN ["/bin/sh", "-c", "sudo pip3 \\u0069nstall x"]\n'
    findings = CHECKER.check_text(text, "Dockerfile", Kind.DOCKERFILE)
    # `\u0069nstall` is one character in the script and six in the file.
    assert [(f.code, f.start, f.end) for f in findings] == [
        ("PW305", (3, 29), (3, 46)),
    ]


def test_a_shift_count_that_is_a_digit_but_no_number(tmp_path: Path) -> None:
    # `²` is a digit to str.isdigit but no number to int(): the walk reads it as unknown.
    text = (
        "#!/bin/bash\napt-get install -y python3-pip\n"
        'run() { shift \u00b2; "$@"; }\nrun x y sudo pip3 install z\n'
    )
    (tmp_path / "setup.sh").write_text(text, encoding="utf-8")
    report = CHECKER.check_path(str(tmp_path / "setup.sh"), explicit=True)
    assert report.error is None


def _check(tmp_path: Path, name: str, text: str) -> list[str]:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    report = CHECKER.check_path(str(path), explicit=True)
    assert report.error is None
    return [f"{f.start.line}:{f.start.column}: {f.code} {f.message}" for f in report.findings]


def test_malformed_yaml_is_one_pw900_at_the_parser_position(tmp_path: Path) -> None:
    text = "jobs:\n  test:\n    steps:\n      - run: pip install x\n     bad: [\n"
    findings = _check(tmp_path, ".github/workflows/ci.yml", text)
    assert len(findings) == 1
    assert findings[0].startswith("5:6: PW900 invalid YAML:")


def test_tabs_in_yaml(tmp_path: Path) -> None:
    findings = _check(tmp_path, ".gitlab-ci.yml", "job:\n\tscript:\n\t\t- pip install x\n")
    assert [f.split(" ")[1] for f in findings] == ["PW900"]


def test_yaml_alias_bomb_is_read_with_bounded_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """9**29 script lines behind aliases: the reader takes at most MAX_SCRIPT_LINES of them
    per script, never expanding the aliases (a ceiling of 10 s guards against a hang)."""
    from pipwarden.frontends import yamlci

    lines = ['a0: &a0 ["sudo pip install x"]']
    for i in range(1, 30):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("job:\n  script: *a29\n  after_script: [*a29, *a29]")
    taken: list[int] = []
    flatten = yamlci.flatten

    def counting(nodes: list[object]) -> Iterator[object]:
        taken.append(0)
        for node in flatten(nodes):  # type: ignore[arg-type]
            taken[-1] += 1
            yield node

    monkeypatch.setattr(yamlci, "flatten", counting)
    start = time.perf_counter()
    findings = _check(tmp_path, ".gitlab-ci.yml", "\n".join(lines) + "\n")
    assert time.perf_counter() - start < 10
    assert taken and max(taken) <= yamlci.MAX_SCRIPT_LINES + 1
    assert findings and all(" PW101 " in f or " PW201 " in f for f in findings)


@pytest.mark.parametrize(
    "workflow",
    [
        "jobs:\n  a:\n    steps:\n      - run: 42\n",
        "jobs:\n  a:\n    steps:\n      - run: [pip, install]\n",
        "jobs:\n  a:\n    steps: {run: pip}\n",
        "jobs: [1, 2]\n",
        "on: push\nunknown_key: {deep: [1, {x: y}]}\njobs:\n  a:\n    runs-on: [1]\n    steps: [null, 3, {uses: 7}]\n",
        "",
        "---\n...\n",
        "just a string\n",
    ],
)
def test_odd_workflows_do_not_crash(tmp_path: Path, workflow: str) -> None:
    assert _check(tmp_path, ".github/workflows/odd.yml", workflow) == []


def test_unterminated_define_in_a_makefile(tmp_path: Path) -> None:
    findings = _check(
        tmp_path, "Makefile", "define SETUP\nsudo pip install x\n\nall:\n\t$(SETUP)\n"
    )
    assert findings == ["1:1: PW900 `define SETUP` is never closed by `endef`"]


def test_yaml_that_is_no_ci_configuration_is_not_read(tmp_path: Path) -> None:
    assert _check(tmp_path, "docs/mkdocs.yml", "plugins: [pip install x]\n") == []
    assert _check(tmp_path, "config.yaml", "run: sudo pip install x\n") == []


def test_bash_grammar_loads_without_the_direct_route(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    import tree_sitter

    from pipwarden.shell import parse

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    parser = tree_sitter.Parser(tree_sitter.Language(parse._bash_language()))
    assert not parser.parse(b"sudo pip install x\n").root_node.has_error


def test_python_bytes_that_are_not_utf8(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        project,
        {
            "legacy.py": b"import os\n# caf\xe9\nos.system('pip install x')\n",
            "latin.py": (
                b"# -*- coding: latin-1 -*-\nimport os\n"
                b"os.system('sudo pip install caf\xe9 && apt-get install -y git')\n"
            ),
        },
    )
    assert main(["check", "--output-format", "concise", "."]) == 1
    out = capsys.readouterr().out
    assert "legacy.py:2:6: PW900 not valid UTF-8 (byte 0xe9 at offset 15)" in out
    assert "latin.py:3:12: PW101" in out


def test_yaml_error_at_the_end_of_a_file_with_no_final_newline(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: pip install x\n    key: [unclosed"
        },
    )
    assert main(["check", "--output-format", "concise", "."]) == 1
    assert capsys.readouterr().out.startswith(".github/workflows/ci.yml:6:1: PW900 invalid YAML")


def test_the_summary_counts_files_that_could_not_be_checked(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"ok.sh": "#!/bin/sh\necho fine\n"})
    assert main(["check", "ok.sh", "missing.sh"]) == 2
    out, err = capsys.readouterr()
    assert out == "No findings in the files checked.\n1 file could not be checked (see above).\n"
    assert "missing.sh" in err


def _budgets(monkeypatch: pytest.MonkeyPatch) -> list[_Budget]:
    """The work budgets of the analyses that run, each kept to be read after."""
    from pipwarden.analysis import walk as analysis

    budgets: list[_Budget] = []
    budget = analysis._Budget

    def recorded(cut: list[str] | None = None) -> _Budget:
        budgets.append(budget(cut))
        return budgets[-1]

    monkeypatch.setattr(analysis, "_Budget", recorded)
    return budgets


def test_a_library_of_functions_calling_each_other_is_walked_with_bounded_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forty functions, each calling the eight after it from a directory no call was in
    before (each goes one deeper): walked in full to the depth calls are followed, 8**8
    calls. The walk stops entering calls once MAX_COMMANDS_WALKED commands are walked, and
    the rest of the script is still judged (a ceiling of 10 s guards against a hang)."""
    from pipwarden.analysis import walk as analysis

    functions = [
        f"step{i}() {{\n  cd d{i}\n"
        + "".join(f"  step{j}\n" for j in range(i + 1, min(i + 9, 40)))
        + "}\n"
        for i in range(40)
    ]
    after = "step0\npython3 -m venv /srv/venv\n. /srv/venv/bin/activate\npip install --user x\n"
    text = "#!/bin/bash\ncd /srv\n" + "".join(functions) + after
    budgets = _budgets(monkeypatch)
    start = time.perf_counter()
    findings = _check(tmp_path, "lib.sh", text)
    assert time.perf_counter() - start < 10
    assert budgets and all(b.walked < 2 * analysis.MAX_COMMANDS_WALKED for b in budgets)
    assert any(b.spent for b in budgets)
    assert [f.split(" ")[:2] for f in findings if " PW303 " in f] == [
        [f"{text.count(chr(10))}:13:", "PW303"]
    ]


def test_a_helper_called_from_many_states_is_walked_once_per_state_it_can_see(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A helper called 200 times, each time after the script set a variable the helper
    never reads, is walked once: the calls reuse its effect (the commands walked grow with
    the script, not with calls times body), and the variables it does not touch come out of
    each call as the caller had them."""

    helper = "log() {\n" + "".join(f'  echo "step {i}: $1" >&2\n' for i in range(30)) + "}\n"
    calls = "".join(f"STEP={i}\nlog {i}\n" for i in range(200))
    after = 'python3 -m venv "$VENV"\n. "$VENV/bin/activate"\npip install --user x\n'
    text = "#!/bin/bash\nVENV=/srv/venv\n" + helper + calls + after
    budgets = _budgets(monkeypatch)
    findings = _check(tmp_path, "steps.sh", text)
    assert sum(b.walked for b in budgets) < 2 * (200 * 2 + 30)
    assert [f.split(" ")[:2] for f in findings if " PW303 " in f] == [
        [f"{text.count(chr(10))}:13:", "PW303"]
    ]


def test_a_file_whose_walk_was_cut_is_named_as_not_fully_checked(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where the bound on work stops a walk, the default output says which file was not
    fully followed and why, as it does for Python it could not read, and counts it."""
    from pipwarden.analysis import walk as analysis

    functions = [
        f"step{i}() {{\n  cd d{i}\n"
        + "".join(f"  step{j}\n" for j in range(i + 1, min(i + 9, 40)))
        + "}\n"
        for i in range(40)
    ]
    text = "#!/bin/bash\ncd /srv\n" + "".join(functions) + "step0\npip install x\n"
    write(project, {"lib.sh": text})
    assert main(["check", "--no-cache", "lib.sh"]) == 0
    out, err = capsys.readouterr()
    assert err == (
        f"pipwarden: warning: lib.sh: not fully checked: {analysis.MAX_COMMANDS_WALKED} "
        "commands walked: the functions and files it calls after that were not followed "
        "(their effects are unknown)\n"
    )
    assert "1 file not fully checked" in out
    assert main(["check", "lib.sh"]) == 0  # and from the cache
    assert capsys.readouterr().err == err


def test_a_library_sourced_twice_walks_its_helpers_once_per_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library sourced twice in the same state is walked twice (what it sets may differ
    the second time), but the helpers it calls are not: their effect in a state is the
    analysis's, whichever walk met it first."""
    helper = "log() {\n" + "".join(f"  cd /srv  # {i}\n" for i in range(30)) + "}\n"
    (tmp_path / "lib.sh").write_text("#!/bin/bash\n" + helper + "log loaded\nPIP=pip3\n")
    text = (
        '#!/bin/bash\ncd /srv\n. "$(dirname "$0")/lib.sh"\n. "$(dirname "$0")/lib.sh"\n'
        "python3 -m venv /srv/venv\n. /srv/venv/bin/activate\npip install --user x\n"
    )
    budgets = _budgets(monkeypatch)
    findings = _check(tmp_path, "main.sh", text)
    assert sum(b.walked for b in budgets) < 30 + 15
    assert [f.split(" ")[:2] for f in findings if " PW303 " in f] == [["7:13:", "PW303"]]


def test_copies_of_a_script_are_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installer copied into several folders (each container definition has its own) is
    read into one Program: each copy still has its own findings."""
    from pipwarden.shell import parse

    built: list[str] = []
    build = parse._build

    def recorded(script: Script) -> parse.Program:
        built.append(script.text)
        return build(script)

    monkeypatch.setattr(parse, "_build", recorded)
    text = "#!/bin/sh\nset -e\napt-get install -y python3-pip\nsudo pip install ansible\n"
    checker = Checker(Settings(frozenset(BY_CODE)))
    for folder in ("one", "two", "three"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "install.sh").write_text(text)
        report = checker.check_path(str(tmp_path / folder / "install.sh"), explicit=True)
        found, _ = with_alone(report.findings, report.alone, [], frozenset())  # each run by hand
        assert [(f.start.line, f.start.column, f.code) for f in found] == [(4, 1, "PW101")]
    assert built == [text]
