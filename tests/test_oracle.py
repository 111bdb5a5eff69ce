"""The shell model checked against the shells themselves.

Scripts and Makefiles are generated from the constructs the model follows (activation in its
forms, `deactivate`, `cd`, subshells, `&&`/`||`, if/else, case, functions, loops, aliases,
`sh -c`, user switches; for make: recipe lines, `.ONESHELL:`, `SHELL :=`, `export`) and run
in the machine's bash, dash and make with a stub `pip` first on PATH and in each venv. The stub
records which pip ran, `$VIRTUAL_ENV` and `id -u`. At each pip call, the state pipwarden's
walk hands the rules must agree with what ran: the venv whose pip runs (or none), root or not.
Unknown is allowed (the model may not know); a wrong known answer is a failure, and so is a
call the shell ran that the model never reached. Where a script's branches are all decided by
what the script itself sets, the model must also not know of a state the shell never had.
"""

from __future__ import annotations

import os
import posixpath
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import ClassVar, NamedTuple

import pytest

from pipwarden.analysis import analyse
from pipwarden.commands import venv_of_bin_dir
from pipwarden.discover import Kind
from pipwarden.model import Hit, Severity
from pipwarden.reading import frontend
from pipwarden.rules.base import Context, Rule

SEED = 668
VENVS = (".venv", "venv-b")
SCRIPTS_PER_SHELL = 300
MAKEFILES = 150
USER_SCRIPTS = 60
NOBODY = "nobody"

STUB = """#!/bin/sh
site=
for argument in "$@"; do
  case $argument in ./site-*) site=${argument#./site-} ;; esac
done
echo "$site|${VIRTUAL_ENV:-}|$0|$(id -u)" >> "$ORACLE_LOG"
"""


class State(NamedTuple):
    """At one pip call: the venv whose pip runs (None: no venv's; "?": not known) and whether
    it runs as root (None: not known)."""

    venv: str | None
    root: bool | None

    def __str__(self) -> str:
        user = {None: "user ?", True: "root", False: "not root"}[self.root]
        return f"({self.venv or 'no venv'}, {user})"

    def admits(self, real: State) -> bool:
        return self.venv in ("?", real.venv) and self.root in (None, real.root)


class Case(NamedTuple):
    name: str
    text: str
    decided: bool  # every branch is decided by what the script sets itself
    flags: tuple[str, ...]  # files to create before it runs (the undecided tests)
    # Calls in function bodies: a function the shell never calls is still judged, once, in
    # the script's start state (by design: it is there to be called).
    in_functions: frozenset[int] = frozenset()


# Generating ---------------------------------------------------------------------------------


class _Shell:
    """Shell scripts for bash or dash: statements nest to a small depth."""

    def __init__(self, rng: random.Random, shell: str, name: str, users: bool) -> None:
        self.rng, self.shell, self.name, self.users = rng, shell, name, users
        self.sites = 0
        self.decided = True
        self.flags: list[str] = []
        self.functions = 0
        self.in_functions: set[int] = set()

    def pip(self) -> str:
        self.sites += 1
        return f"pip install --no-index ./site-{self.sites}"

    def venv(self) -> str:
        return self.rng.choice(VENVS)

    def activate(self, prefix: str = "") -> str:
        venv = prefix + self.venv()
        forms = [
            f". {venv}/bin/activate",
            f". ./{venv}/bin/activate" if not prefix else f". {venv}/bin/activate",
            f"source {venv}/bin/activate",
            f'export PATH="$PWD/{venv}/bin:$PATH"',
            f'PATH="$PWD/{venv}/bin:$PATH"',
            f'export VIRTUAL_ENV="$PWD/{venv}"',
        ]
        return self.rng.choice(forms)

    def undecided_test(self) -> str:
        flag = f"flag-{self.name}-{len(self.flags)}"
        self.flags.append(flag)
        self.decided = False
        return f"[ -f {flag} ]"

    def simple(self) -> str:
        roll = self.rng.random()
        if roll < 0.35:
            return self.pip()
        if roll < 0.7:
            return self.activate()
        if roll < 0.8:
            return "deactivate"
        if roll < 0.9:
            return f"{self.venv()}/bin/pip install --no-index ./site-{self._next_site()}"
        return f'"$PWD/{self.venv()}/bin/pip" install --no-index ./site-{self._next_site()}'

    def _next_site(self) -> int:
        self.sites += 1
        return self.sites

    def block(self, depth: int, length: int) -> list[str]:
        return [line for _ in range(length) for line in self.statement(depth)]

    def indented(self, depth: int, length: int) -> list[str]:
        return ["  " + line for line in self.block(depth, length)]

    def statement(self, depth: int) -> list[str]:
        if depth >= 2:
            return [self.simple()]
        kinds = [
            self.simple,
            self.simple,
            self.simple,
            self.subshell,
            self.chain,
            self.if_decided,
            self.if_undecided,
            self.case,
            self.function,
            self.loop,
            self.child_shell,
            self.alias,
            self.cd_subshell,
        ]
        if self.users:
            kinds += [self.user_switch, self.user_switch]
        chosen = self.rng.choice(kinds)
        if chosen == self.simple:
            return [self.simple()]
        result = chosen(depth + 1)  # type: ignore[operator]
        return result if isinstance(result, list) else [result]

    def subshell(self, depth: int) -> list[str]:
        if self.rng.random() < 0.5:
            return [f"( {'; '.join(self.simple() for _ in range(self.rng.randint(1, 3)))} )"]
        return ["(", *self.indented(depth, self.rng.randint(1, 3)), ")"]

    def chain(self, depth: int) -> str:
        first = self.rng.choice(
            [self.activate(), "true", "false", self.pip(), self.undecided_test()]
        )
        operator = self.rng.choice(["&&", "||"])
        second = self.rng.choice([self.pip(), self.activate(), "deactivate"])
        if self.rng.random() < 0.3:
            return f"{first} {operator} {second} {self.rng.choice(['&&', '||'])} {self.pip()}"
        return f"{first} {operator} {second}"

    def _if(self, test: str, depth: int) -> list[str]:
        lines = [f"if {test}; then", *self.indented(depth, self.rng.randint(1, 2))]
        if self.rng.random() < 0.7:
            lines += ["else", *self.indented(depth, 2)]
        return [*lines, "fi"]

    def if_decided(self, depth: int) -> list[str]:
        test = self.rng.choice(['[ "$MODE" = one ]', '[ "$MODE" != one ]', "true", "false"])
        return self._if(test, depth)

    def if_undecided(self, depth: int) -> list[str]:
        return self._if(self.undecided_test(), depth)

    def case(self, depth: int) -> list[str]:
        return [
            'case "$MODE" in',
            "  one)",
            *("  " + line for line in self.indented(depth, 2)),
            "    ;;",
            f"  *) {self.simple()} ;;",
            "esac",
        ]

    def function(self, depth: int) -> list[str]:
        self.functions += 1
        name = f"step_{self.functions}"
        opening, closing = ("(", ")") if self.rng.random() < 0.25 else ("{", "}")
        first = self.sites + 1
        body = self.indented(depth, self.rng.randint(1, 3))
        self.in_functions.update(range(first, self.sites + 1))
        calls = [name] + ([self.simple(), name] if self.rng.random() < 0.5 else [])
        return [f"{name}() {opening}", *body, closing, *calls]

    def loop(self, depth: int) -> list[str]:
        # The model does not count rounds: after a loop, a state of either round.
        self.decided = False
        return ["for round in 1 2; do", *self.indented(depth, 2), "done"]

    def child_shell(self, depth: int) -> str:
        shell = self.rng.choice(["sh", "bash"])
        inner = [self.rng.choice([self.activate(), self.pip(), "deactivate"]), self.pip()]
        return f"{shell} -c '{'; '.join(inner)}'"

    def alias(self, depth: int) -> list[str]:
        wanted = self.shell == "bash" and self.rng.random() < 0.5
        lines = ["shopt -s expand_aliases"] if wanted else []
        return [*lines, f"alias pip={self.venv()}/bin/pip", self.pip(), "unalias pip"]

    def cd_subshell(self, depth: int) -> str:
        return f"(cd sub && {self.activate('../')} && {self.pip()})"

    def user_switch(self, depth: int) -> str:
        inner = "; ".join([self.rng.choice([self.activate(), self.pip()]), self.pip()])
        return self.rng.choice(
            [
                f"su {NOBODY} -s /bin/sh -c '{inner}'",
                f"runuser -u {NOBODY} -- sh -c '{inner}'",
            ]
        )

    def script(self) -> Case:
        shebang = "#!/bin/bash" if self.shell == "bash" else "#!/bin/sh"
        lines = [shebang, f"MODE={self.rng.choice(['one', 'two'])}"]
        if self.rng.random() < 0.3:
            lines.append(self.rng.choice(["set -e", "set -eu", "set -o errexit"]))
        if self.rng.random() < 0.5:
            lines.append(self.activate())
        lines += self.block(0, self.rng.randint(3, 7))
        text = "\n".join(lines) + "\n"
        flags = tuple(f for f in self.flags if self.rng.random() < 0.5)
        return Case(self.name, text, self.decided, flags, frozenset(self.in_functions))


def _makefile(rng: random.Random, name: str) -> Case:
    """A Makefile: each recipe line its own shell unless `.ONESHELL:`; `$$` for the shell's
    `$`; a `SHELL :=`, an exported PATH, continuation lines."""
    sites = iter(range(1, 1000))
    decided = True

    def pip() -> str:
        return f"pip install --no-index ./site-{next(sites)}"

    def activate() -> str:
        venv = rng.choice(VENVS)
        return rng.choice(
            [
                f". {venv}/bin/activate",
                f"source {venv}/bin/activate",
                f'export PATH="$$PWD/{venv}/bin:$$PATH"',
                f"{venv}/bin/pip --version >/dev/null",
            ]
        )

    def line() -> list[str]:
        nonlocal decided
        roll = rng.random()
        if roll < 0.3:
            return [pip()]
        if roll < 0.5:
            return [activate()]
        if roll < 0.6:
            return [f"{activate()} && {pip()}"]
        if roll < 0.7:
            return [f"{activate()}; \\", f"\t{pip()}"]
        if roll < 0.75:
            return [f'PATH="$$PWD/{rng.choice(VENVS)}/bin:$$PATH" {pip()}']
        if roll < 0.8:
            return [f"({activate()}; {pip()})"]
        if roll < 0.85:
            return [f"sh -c '{activate()}; {pip()}'"]
        if roll < 0.9:
            decided = False
            return [f"if [ -f flag-{name} ]; then {activate()}; fi; {pip()}"]
        return ["deactivate || true"]

    header = []
    if rng.random() < 0.4:
        header.append(".ONESHELL:")
    if rng.random() < 0.4:
        header.append("SHELL := /bin/bash")
    if rng.random() < 0.25:
        header.append(f"export PATH := $(CURDIR)/{rng.choice(VENVS)}/bin:$(PATH)")
    targets = ["all"] if rng.random() < 0.6 else ["all", "setup"]
    lines = [*header, ""]
    if len(targets) == 2:
        lines.append("all: setup")
    else:
        lines.append("all:")
    for _ in range(rng.randint(2, 5)):
        lines += ["\t" + x if not x.startswith("\t") else x for x in line()]
    if len(targets) == 2:
        lines += ["", "setup:"]
        for _ in range(rng.randint(1, 3)):
            lines += ["\t" + x if not x.startswith("\t") else x for x in line()]
    text = "\n".join(lines) + "\n"
    flags = (f"flag-{name}",) if not decided and rng.random() < 0.5 else ()
    return Case(name, text, decided, flags)


def shell_cases(shell: str, count: int, users: bool = False) -> list[Case]:
    rng = random.Random(f"{SEED}-{shell}-{users}")
    prefix = f"{shell}{'-users' if users else ''}"
    return [_Shell(rng, shell, f"{prefix}-{n}", users).script() for n in range(count)]


def make_cases(count: int) -> list[Case]:
    rng = random.Random(f"{SEED}-make")
    return [_makefile(rng, f"make-{n}") for n in range(count)]


# What the shells did -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world() -> Iterator[Path]:
    """A directory the stub pips and two venvs live in, readable by other users (for `su`)."""
    root = Path(tempfile.mkdtemp(prefix="pipwarden-oracle-"))
    root.chmod(0o755)
    stubs = root / "stubbin"
    stubs.mkdir()
    for venv in VENVS:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", root / venv], check=True)
    for directory in (stubs, *(root / venv / "bin" for venv in VENVS)):
        (directory / "pip").write_text(STUB)
        (directory / "pip").chmod(0o755)
    (root / "sub").mkdir()
    (root / "logs").mkdir(mode=0o777)
    (root / "logs").chmod(0o777)
    yield root
    shutil.rmtree(root)


def run_real(
    world: Path, case: Case, argv: list[str], file_name: str, arguments: tuple[str, ...] = ()
) -> dict[int, set[State]]:
    """Run one case (a script with `arguments`); the states its pip calls recorded, by site."""
    path = world / file_name
    path.write_text(case.text)
    log = world / "logs" / f"{case.name}.log"
    log.write_text("")
    log.chmod(0o666)
    for flag in case.flags:
        (world / flag).write_text("")
    environment = {
        "PATH": f"{world / 'stubbin'}:/usr/sbin:/usr/bin:/sbin:/bin",
        "ORACLE_LOG": str(log),
        "HOME": str(world),
        "PIP_NO_INDEX": "1",
        "LC_ALL": "C",
    }
    try:
        subprocess.run(
            [*argv, str(path), *arguments] if argv[0] != "make" else [*argv, "-f", str(path)],
            cwd=world,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=10,
            check=False,
        )
    finally:
        for flag in case.flags:
            (world / flag).unlink()
    found: dict[int, set[State]] = {}
    for line in log.read_text().splitlines():
        site, _, pip_path, uid = line.split("|")
        if not site:
            continue  # a pip call the case does not number (`pip --version`)
        venv = pip_path.split("/")[-3] if pip_path.split("/")[-3] in VENVS else None
        found.setdefault(int(site), set()).add(State(venv, uid == "0"))
    return found


# What the model says ----------------------------------------------------------------------------


class _Recorder(Rule):
    """Not a rule: it writes down the state the walk hands the rules at each pip call."""

    code: ClassVar[str] = "PW000"
    name: ClassVar[str] = "oracle-recorder"
    severity: ClassVar[Severity] = Severity.INFO
    summary: ClassVar[str] = ""
    url: ClassVar[str] = ""

    def __init__(self) -> None:
        self.states: dict[int, set[State]] = {}

    def on_command(self, context: Context) -> Iterable[Hit]:
        if context.pip is None:
            return ()
        site = next(
            (int(m.group(1)) for t in context.command.texts() if (m := _SITE.fullmatch(t or ""))),
            None,
        )
        if site is not None:
            self.states.setdefault(site, set()).add(_model_state(context))
        return ()


_SITE = re.compile(r"\./site-(\d+)")


def _model_state(context: Context) -> State:
    name = context.command.name or ""
    if "/" in name:
        directory = venv_of_bin_dir(posixpath.dirname(name))
        venv: str | None = posixpath.basename(directory) if directory else None
    elif context.venv_active is None:
        venv = "?"
    elif context.venv_active:
        path = context.venv.path if context.venv else None
        venv = posixpath.basename(posixpath.normpath(path)) if path else "?"
        venv = venv if venv in VENVS else "?"
    else:
        venv = None
    root = None if context.user is None else context.user in ("root", "0")
    return State(venv, root)


def run_model(case: Case, kind: Kind, file_name: str) -> dict[int, set[State]]:
    parse = frontend(kind)
    assert parse is not None
    recorder = _Recorder()
    for _ in analyse(parse(case.text, file_name).scopes, [recorder], None, file_name):
        pass
    return recorder.states


# Comparing --------------------------------------------------------------------------------------


def disagreements(
    case: Case, real: dict[int, set[State]], model: dict[int, set[State]]
) -> list[str]:
    found = []
    for site, states in sorted(real.items()):
        known = model.get(site, set())
        for state in states:
            if not any(m.admits(state) for m in known):
                found.append(f"site-{site}: the shell ran {state}, the model has {_shown(known)}")
    if case.decided:
        for site, states in sorted(model.items()):
            if site in case.in_functions and site not in real:
                continue
            for state in states:
                ran = real.get(site, set())
                if state.venv != "?" and not any(state.admits(r) for r in ran):
                    found.append(f"site-{site}: the model has {state}, the shell ran {_shown(ran)}")
    return found


def _shown(states: Iterable[State]) -> str:
    return "{" + ", ".join(sorted(map(str, states))) + "}"


def check_cases(
    world: Path,
    cases: list[Case],
    argv: list[str],
    kind: Kind,
    file_name: str,
    least_known: float = 0.6,
) -> None:
    failures = []
    sites = known = 0
    for case in cases:
        real = run_real(world, case, argv, file_name)
        model = run_model(case, kind, file_name)
        for site, states in real.items():
            sites += len(states)
            known += sum(
                1
                for state in states
                if any(m.venv != "?" and m.admits(state) for m in model.get(site, ()))
            )
        problems = disagreements(case, real, model)
        if problems:
            failures.append(f"--- {case.name}\n{case.text}" + "\n".join(problems))
    assert not failures, f"{len(failures)} of {len(cases)} disagree:\n\n" + "\n\n".join(
        failures[:8]
    )
    # The model must know, not shrug: most calls the shells ran have a known venv state.
    assert sites > len(cases)
    assert known / sites > least_known, f"the model knew the venv at {known} of {sites} calls"


def _needs(program: str) -> None:
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed on this machine: its oracle cases did not run")


@pytest.mark.parametrize("shell", ["bash", "dash"])
def test_the_model_agrees_with_the_shell(world: Path, shell: str) -> None:
    _needs(shell)
    check_cases(world, shell_cases(shell, SCRIPTS_PER_SHELL), [shell], Kind.SHELL, "case.sh")


def test_the_model_agrees_with_make(world: Path) -> None:
    _needs("make")
    _needs("bash")
    _needs("sh")
    # `-i`: every line runs, as the model judges each line (as if what ran before it
    # succeeded; a `source` that sh does not have is PW306's finding, not the end of it).
    # A line that activates nothing runs in whatever environment make was started from (a
    # venv the developer activated, perhaps): not known, rightly, so fewer calls are.
    check_cases(
        world,
        make_cases(MAKEFILES),
        ["make", "--no-print-directory", "-s", "-i"],
        Kind.MAKEFILE,
        "Makefile",
        least_known=0.35,
    )


def test_the_model_agrees_with_user_switches(world: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("switching to another user needs root: the su/runuser cases did not run")
    for program in ("su", "runuser", "bash", "dash"):
        _needs(program)
    check_cases(
        world, shell_cases("bash", USER_SCRIPTS, users=True), ["bash"], Kind.SHELL, "case.sh"
    )


def test_the_generated_cases_cover_the_constructs() -> None:
    """Each construct the oracle is for appears in the generated cases, many times."""
    texts = "\n".join(c.text for c in shell_cases("bash", SCRIPTS_PER_SHELL))
    texts += "\n".join(c.text for c in shell_cases("dash", SCRIPTS_PER_SHELL))
    texts += "\n".join(c.text for c in shell_cases("bash", USER_SCRIPTS, users=True))
    makefiles = "\n".join(c.text for c in make_cases(MAKEFILES))
    for construct in [
        ". .venv/bin/activate",
        "source ",
        "deactivate",
        "( ",
        "&&",
        "||",
        "if [",
        "else",
        "case ",
        "() {\n",
        "() (\n",
        "for round",
        "sh -c",
        "bash -c",
        "alias pip=",
        "shopt -s expand_aliases",
        "cd sub",
        "export PATH=",
        "su nobody",
        "set -e",
        "runuser -u nobody",
    ]:
        assert texts.count(construct) >= 10, construct
    for construct in [".ONESHELL:", "SHELL := /bin/bash", "export PATH :=", "\\\n\t", "$$PWD"]:
        assert makefiles.count(construct) >= 10, construct


@pytest.mark.parametrize("shell", ["bash", "dash"])
def test_redirects_in_lists_belong_where_the_shell_puts_them(tmp_path: Path, shell: str) -> None:
    """tree-sitter hangs `a > f && b >> g` on the whole list; the shell gives `>> g` to b.
    Each echo writes its own name: where the model puts each one's redirect, the file holds
    that name."""
    from pipwarden.shell.parse import _build, commands_in
    from pipwarden.shell.session import OffsetMap, Script

    _needs(shell)
    text = (
        "echo one > one.txt && echo two >> two.txt\n"
        "false || echo three > three.txt && echo four > four.txt\n"
        "echo five > five.txt && cat <<EOF > pip.conf\nsix\nEOF\n"
    )
    subprocess.run([shell, "-c", text], cwd=tmp_path, check=True)
    script = Script(text, OffsetMap.identity(0, len(text)), shell)
    program = _build(script)
    model = {
        command.texts()[1] if command.stdin is None else "six": redirect.target.text
        for command in commands_in(program.body, script)
        for redirect in command.redirects
    }
    written = {path.read_text().strip(): path.name for path in tmp_path.iterdir()}
    assert model == written
    assert len(written) == 6


LOCALS = [
    ". .venv/bin/activate\nPIP=pip\nstep() {\n  local PIP=venv-b/bin/pip\n  $PIP install --no-index ./site-1\n}\n"
    "step\n$PIP install --no-index ./site-2\n",
    '. .venv/bin/activate\nstep() {\n  local PATH="$PWD/venv-b/bin:$PATH"\n  pip install --no-index ./site-1\n}\n'
    "step\npip install --no-index ./site-2\n",
    ". .venv/bin/activate\nPIP=pip\nouter() {\n  local PIP\n  PIP=venv-b/bin/pip\n  inner\n}\n"
    "inner() { $PIP install --no-index ./site-1; }\nouter\nouter\n$PIP install --no-index ./site-2\n",
]


@pytest.mark.parametrize("shell", ["bash", "dash"])
def test_local_variables_end_with_their_function(world: Path, shell: str) -> None:
    """A function's `local` variables get their caller's values back when it returns, a
    local PATH its venv: the calls after it run the caller's pip."""
    _needs(shell)
    cases = [Case(f"local-{n}", f"#!/bin/sh\n{text}", True, ()) for n, text in enumerate(LOCALS)]
    check_cases(world, cases, [shell], Kind.SHELL, "case.sh", least_known=0.9)


@pytest.mark.parametrize("shell", ["bash", "dash"])
def test_a_loop_is_walked_until_its_state_settles(world: Path, shell: str) -> None:
    """Each round moves a variable on a stage: the third round activates another venv,
    which a walk of two rounds would not see."""
    _needs(shell)
    text = (
        "#!/bin/sh\n. .venv/bin/activate\nSTAGE=one\nfor round in 1 2 3; do\n"
        "  case $STAGE in\n    one) STAGE=two ;;\n    two) STAGE=three ;;\n"
        "    three) . venv-b/bin/activate ;;\n  esac\n  pip install --no-index ./site-1\ndone\n"
    )
    check_cases(world, [Case("rounds", text, False, ())], [shell], Kind.SHELL, "case.sh")


# Each after `set -e` and a call of venv-b's pip, so that every case has a call that runs.
SUBSHELLS = [
    "(deactivate && pip install --no-index ./site-1)\n. .venv/bin/activate\n"
    "pip install --no-index ./site-2\n",
    ". venv-b/bin/activate\n(cd sub && source ../.venv/bin/activate && pip install --no-index ./site-1)\n"
    ". .venv/bin/activate\npip install --no-index ./site-2\n",
    "step() (\n  deactivate && pip install --no-index ./site-1\n)\n"
    "step\n. .venv/bin/activate\npip install --no-index ./site-2\n",
    "(deactivate || true)\n. .venv/bin/activate\npip install --no-index ./site-1\n",
]


@pytest.mark.parametrize("shell", ["bash", "dash"])
def test_a_failing_subshell_ends_a_set_e_script(world: Path, shell: str) -> None:
    """A subshell's status is its last list's: `( a && b )` whose `a` fails fails, and under
    `set -e` the script ends there (dash has no `source`; bash has, and goes on)."""
    _needs(shell)
    shebang = "#!/bin/bash" if shell == "bash" else "#!/bin/sh"
    start = f'{shebang}\nset -e\n"$PWD/venv-b/bin/pip" install --no-index ./site-9\n'
    cases = [Case(f"subshell-{n}", start + text, True, ()) for n, text in enumerate(SUBSHELLS)]
    check_cases(world, cases, [shell], Kind.SHELL, "case.sh", least_known=0.9)


# Branches on a variable the script does not know (its argument), tested again later: a
# later test takes each way's own arm, with what that way set, never another's. `True`: the
# model must also know no call the shell never made.
CORRELATED = [
    (
        True,
        'MODE=${1:-"latest"}\n'
        'if [ ${MODE} = "one" ] || [ ${MODE} = "two" ]; then\n  PIP=venv-b/bin/pip\n'
        "else\n  PIP=.venv/bin/pip\nfi\n"
        'if [ ${MODE} != "one" ] && [ ${MODE} != "two" ]; then\n'
        "  $PIP install --no-index ./site-1\nfi\n"
        'case "$MODE" in\n  one | two) ;;\n  *) $PIP install --no-index ./site-2 ;;\nesac\n',
    ),
    (
        True,
        'MODE=$1\nif [ "$MODE" = one ]; then\n  PIP=venv-b/bin/pip\n'
        'elif [ "$MODE" = two ]; then\n  PIP=.venv/bin/pip\nelse\n  PIP=pip\nfi\n'
        'if [ "$MODE" = two ]; then\n  $PIP install --no-index ./site-1\nfi\n'
        'if [ "$MODE" != one ]; then\n  $PIP install --no-index ./site-2\nfi\n',
    ),
    (
        True,
        'MODE=$1\nif [ "$MODE" = one ]; then\n  PIP=venv-b/bin/pip\n  MODE=two\n'
        "else\n  PIP=.venv/bin/pip\nfi\n"
        'if [ "$MODE" = two ]; then\n  $PIP install --no-index ./site-1\nfi\n',
    ),
    (
        False,
        'MODE=$1\nif [ "${MODE:-one}" = one ]; then\n  PIP=venv-b/bin/pip\n'
        "else\n  PIP=.venv/bin/pip\nfi\n"
        'if [ -z "$MODE" ]; then\n  $PIP install --no-index ./site-1\nfi\n'
        'if [ "$MODE" = one ]; then\n  $PIP install --no-index ./site-2\nfi\n',
    ),
    (
        False,
        'MODE=$1\ncase "$MODE" in\n  o*) PIP=venv-b/bin/pip ;;\n'
        "  two) PIP=.venv/bin/pip ;;\n  *) PIP=pip ;;\nesac\n"
        'case "$MODE" in\n  two) $PIP install --no-index ./site-1 ;;\n'
        "  one) $PIP install --no-index ./site-2 ;;\nesac\n",
    ),
]


@pytest.mark.parametrize("shell", ["bash", "dash"])
def test_a_later_test_takes_each_ways_own_arm(world: Path, shell: str) -> None:
    """Run with each argument, the shell makes the union of the calls; the model, which
    does not know the argument, must admit each and (where its tests decide) know no other:
    `$PIP` set on the way `MODE` is `one` is not read where a later test says it is not."""
    _needs(shell)
    failures = []
    for number, (decided, text) in enumerate(CORRELATED):
        case = Case(f"correlated-{number}", f"#!/bin/sh\n{text}", decided, ())
        real: dict[int, set[State]] = {}
        for argument in ("one", "two", "three", ""):
            for site, states in run_real(world, case, [shell], "case.sh", (argument,)).items():
                real.setdefault(site, set()).update(states)
        problems = disagreements(case, real, run_model(case, Kind.SHELL, "case.sh"))
        if problems:
            failures.append(f"--- {case.name}\n{case.text}" + "\n".join(problems))
    assert not failures, "\n\n".join(failures)


# Options read with getopts from arguments the script writes out (as a caller that runs it
# with literal arguments hands them): the arms of the options given run, in the order given;
# `?` for an option the string does not name, and at the end.
GETOPTS = [
    'while getopts "ab:c" opt -a -b x; do\n  case $opt in\n    a) . venv-b/bin/activate ;;\n'
    "    b) pip install --no-index ./site-1 ;;\n    c) . .venv/bin/activate ;;\n  esac\ndone\n"
    "pip install --no-index ./site-2\n",
    '. .venv/bin/activate\nwhile getopts "ab:" opt -ab venv-b; do\n  case $opt in\n'
    "    b) . $OPTARG/bin/activate ;;\n  esac\ndone\npip install --no-index ./site-1\n",
    # Only valid options: `?` after the loop all the same; a value in the option's own word.
    'while getopts "ab:" opt -bvenv-b -a; do\n  case $opt in\n    b) . $OPTARG/bin/activate ;;\n'
    '  esac\ndone\ncase $opt in\n  "?") pip install --no-index ./site-1 ;;\nesac\n',
    # No option before the first word that is none: no arm runs.
    'while getopts "p" opt x -p; do\n  case $opt in\n    p) . .venv/bin/activate ;;\n  esac\ndone\n'
    "pip install --no-index ./site-1\n",
    'while getopts ":a" opt -x -- -a; do\n  case $opt in\n    a) . .venv/bin/activate ;;\n'
    '    "?") . venv-b/bin/activate ;;\n  esac\ndone\npip install --no-index ./site-1\n'
    'case $opt in\n  "?") pip install --no-index ./site-2 ;;\nesac\n',
]


# `set --` gives the script's `$1`...; `shift` moves them down (a count it cannot read, or one
# past `$#`, leaves them unknown).
SHIFTED = [
    'set -- --quiet --venv\nif [ "$1" = --quiet ]; then shift; fi\n'
    'if [ "$1" = --venv ]; then . .venv/bin/activate; fi\npip install --no-index ./site-1\n',
    "set -- -a venv-b .venv\nshift\n. $1/bin/activate\npip install --no-index ./site-1\n"
    'shift 1\n. "$1/bin/activate"\npip install --no-index ./site-2\n',
    'set -e -- a .venv\nshift 2\nif [ -z "$1" ]; then . venv-b/bin/activate; fi\n'
    "pip install --no-index ./site-1\nset - .venv\n. $1/bin/activate\n"
    "pip install --no-index ./site-2\n",
    "set -- .venv venv-b\nshift $((1))\n. $1/bin/activate\npip install --no-index ./site-1\n",
    "set -- venv-b\nswitch() { shift; . $1/bin/activate; }\nswitch x .venv\n"
    '. "$1/bin/activate"\npip install --no-index ./site-1\n',
]


@pytest.mark.parametrize("shell", ["bash", "dash"])
def test_set_and_shift_move_the_positional_parameters(world: Path, shell: str) -> None:
    _needs(shell)
    cases = [Case(f"shift-{n}", f"#!/bin/sh\n{text}", False, ()) for n, text in enumerate(SHIFTED)]
    check_cases(world, cases, [shell], Kind.SHELL, "case.sh", least_known=0.6)


@pytest.mark.parametrize("shell", ["bash", "dash"])
def test_getopts_runs_the_arms_of_the_options_given(world: Path, shell: str) -> None:
    """Whatever order the options come in, the model admits the state each arm ran in
    (calls/getopts-arguments shows the arms of options not given left out)."""
    _needs(shell)
    cases = [
        Case(f"getopts-{n}", f"#!/bin/sh\n{text}", False, ()) for n, text in enumerate(GETOPTS)
    ]
    check_cases(
        world, cases, [shell], Kind.SHELL, "case.sh", least_known=0.8
    )  # a run by hand starts in no known venv
