"""What shell commands mean for Python environments: pip invocations parsed the way pip parses
them, venv creation and activation, user creation, distro package installs, recursive chown.

Shared by the analysis (which keeps the environment state) and the rules (which judge a
command in that state). Nothing here knows a file format.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pipwarden import pip_options
from pipwarden.model import Span
from pipwarden.patterns import lazy
from pipwarden.record import Record
from pipwarden.shell import SHELLS
from pipwarden.shell.command import Command, Word
from pipwarden.shell.session import RUNNING_PYTHON

_PIP_PROGRAM = lazy(r"pip(\d+(\.\d+)?)?(\.exe)?")
_PYTHON_PROGRAM = lazy(r"(python|pypy)(\d+(\.\d+)?)?(\.exe)?|py")
SYSTEM_BIN_DIRS = frozenset({"/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin", "/sbin"})

# pip's short options and the long names they stand for.
_PIP_SHORT = {
    "U": "--upgrade",
    "r": "--requirement",
    "c": "--constraint",
    "e": "--editable",
    "t": "--target",
    "i": "--index-url",
    "f": "--find-links",
    "q": "--quiet",
    "v": "--verbose",
    "I": "--ignore-installed",
    "C": "--config-settings",
    "h": "--help",
    "V": "--version",
    "d": "--dest",
    "y": "--yes",
    "p": "--python",
}
_PIP_TAKES_VALUE = frozenset(
    [
        "--requirement",
        "--constraint",
        "--editable",
        "--target",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--root",
        "--prefix",
        "--src",
        "--upgrade-strategy",
        "--config-settings",
        "--global-option",
        "--no-binary",
        "--only-binary",
        "--progress-bar",
        "--root-user-action",
        "--report",
        "--index-url",
        "--extra-index-url",
        "--find-links",
        "--group",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--trusted-host",
        "--cert",
        "--client-cert",
        "--cache-dir",
        "--python",
        "--keyring-provider",
        "--use-feature",
        "--use-deprecated",
        "--resume-retries",
        "--dest",
        "--format",
        "--path",
        "--exclude",
        "--install-option",
        "--build-option",
        "--log-file",
        "--excludes",
    ]
)
# Python interpreter options that take a value (so `-X dev -m pip` still finds `-m`).
_PYTHON_TAKES_VALUE = frozenset({"-X", "-W", "-Q"})


_NONE: Mapping[str, Any] = MappingProxyType({})


class PipCall(Record):
    """One invocation of an installer.

    `kind` is "pip" (a pip executable), "python -m pip", "uv pip", "easy_install" or
    "setup.py". `launcher` holds the words that name the installer (`pip3`, or `python3 -m
    pip`); `program` is the first of them as written.
    """

    command: Command
    kind: str
    launcher: tuple[Word, ...]
    subcommand: Word | None
    options: Mapping[str, Word | None] = _NONE
    option_words: Mapping[str, Word] = _NONE
    arguments: tuple[Word, ...] = ()

    @property
    def program(self) -> str:
        return self.launcher[0].text or ""

    @property
    def through_path(self) -> bool:
        """The program is looked up on PATH (no directory in its name)."""
        return "/" not in self.program and "\\" not in self.program

    @property
    def runs_this_python(self) -> bool:
        """The pip of the interpreter running the Python code (`sys.executable -m pip`)."""
        return self.program == RUNNING_PYTHON

    @property
    def program_dir(self) -> str | None:
        return self.program.rsplit("/", 1)[0] if "/" in self.program else None

    @property
    def names_system_interpreter(self) -> bool:
        return self.program_dir in SYSTEM_BIN_DIRS

    @property
    def names_other_interpreter(self) -> bool:
        """Named by a path outside the system directories: a venv's or conda's own pip."""
        return not self.through_path and not self.names_system_interpreter

    @property
    def action(self) -> str | None:
        return self.subcommand.text if self.subcommand else None

    @property
    def installs(self) -> bool:
        return self.action == "install"

    @property
    def modifies(self) -> bool:
        return self.action in ("install", "uninstall")

    @property
    def changes_packages(self) -> bool:
        """install, uninstall, download, wheel: the subcommands whose result depends on which
        Python's pip runs (`--version`, `list`, `show`, `freeze` only look)."""
        return self.action in ("install", "uninstall", "download", "wheel")

    def has(self, *names: str) -> bool:
        return any(name in self.options for name in names)

    @property
    def explicit_target(self) -> bool:
        """Installs somewhere other than the interpreter's own site-packages."""
        return self.has("--target", "--prefix", "--root", "--python")

    @property
    def bare_pip(self) -> bool:
        """A pip executable found through PATH: `pip`, `pip3`, `pip3.12`."""
        return self.kind == "pip" and self.through_path

    @property
    def span_through_subcommand(self) -> tuple[int, int]:
        end = (self.subcommand or self.launcher[-1]).span.end
        return self.launcher[0].span.start, end


def pip_call(command: Command) -> PipCall | None:
    """Parse `command` as an installer invocation, or None."""
    words = command.words
    program = command.program
    if not words or program is None:
        return None
    if _PIP_PROGRAM.fullmatch(program):
        return _parse_pip(command, "pip", words[:1], words[1:])
    if program == "uv" and len(words) > 1 and words[1].text == "pip":
        return _parse_pip(command, "uv pip", words[:2], words[2:])
    if program in ("easy_install", "easy_install3") or program.startswith("easy_install-"):
        return PipCall(command, "easy_install", words[:1], None, arguments=words[1:])
    if _PYTHON_PROGRAM.fullmatch(program):
        module, index = python_module(command)
        if module == "pip":
            return _parse_pip(command, "python -m pip", words[: index + 1], words[index + 1 :])
        if (
            index is None
            and len(words) > 2
            and (words[1].text, words[2].text) == ("setup.py", "install")
        ):
            return PipCall(command, "setup.py", words[:2], words[2], arguments=words[3:])
    return None


def python_module(command: Command) -> tuple[str | None, int | None]:
    """For `python [options] -m module ...`: the module and the index of the word naming it."""
    words = command.words
    i = 1
    while i < len(words):
        text = words[i].text
        if text is None or not text.startswith("-"):
            return None, None
        if text == "-m":
            return (words[i + 1].text, i + 1) if i + 1 < len(words) else (None, None)
        if text.startswith("-m"):
            return text[2:], i
        i += 2 if text in _PYTHON_TAKES_VALUE else 1
    return None, None


def is_python(command: Command) -> bool:
    return command.program is not None and _PYTHON_PROGRAM.fullmatch(command.program) is not None


def _parse_pip(
    command: Command, kind: str, launcher: tuple[Word, ...], rest: tuple[Word, ...]
) -> PipCall:
    options: dict[str, Word | None] = {}
    option_words: dict[str, Word] = {}
    subcommand: Word | None = None
    arguments: list[Word] = []
    i = 0
    while i < len(rest):
        word = rest[i]
        text = word.text
        i += 1
        if text is None or not text.startswith("-") or text == "-":
            if subcommand is None:
                subcommand = word
            else:
                arguments.append(word)
            continue
        if text == "--":
            arguments.extend(rest[i:])
            break
        if text.startswith("--"):
            name, has_value, value = text.partition("=")
            table = _option_table(kind, subcommand)
            if table is not None:
                name = _resolve_abbreviation(name, table)
            option_words.setdefault(name, word)
            takes_value = table[name] if table and name in table else name in _PIP_TAKES_VALUE
            if has_value:
                options[name] = Word(value, value, word.span)
            elif takes_value and i < len(rest):
                options[name] = rest[i]
                i += 1
            else:
                options[name] = None
            continue
        # A cluster of short options: -qU, -Ur req.txt, -rreq.txt
        for position, letter in enumerate(text[1:], start=1):
            name = _PIP_SHORT.get(letter, "-" + letter)
            option_words.setdefault(name, word)
            if name in _PIP_TAKES_VALUE:
                tail = text[position + 1 :]
                if tail:
                    options[name] = Word(tail, tail, word.span)
                elif i < len(rest):
                    options[name] = rest[i]
                    i += 1
                else:
                    options[name] = None
                break
            options[name] = None
    return PipCall(command, kind, launcher, subcommand, options, option_words, tuple(arguments))


def _option_table(kind: str, subcommand: Word | None) -> dict[str, bool] | None:
    """pip's options at this point of the command line (uv's parser takes no abbreviations)."""
    if kind == "uv pip":
        return None
    if subcommand is None:
        return pip_options.GENERAL
    return pip_options.BY_SUBCOMMAND.get(subcommand.text or "")


def _resolve_abbreviation(name: str, table: dict[str, bool]) -> str:
    """pip's parser (optparse) takes any unambiguous prefix of a long option:
    `--break-system-pack` is `--break-system-packages`. An ambiguous one (`--us`) makes pip
    refuse, and stays as written."""
    if name in table:
        return name
    matches = [option for option in table if option.startswith(name)]
    return matches[0] if len(matches) == 1 else name


# Programs that install into, run or choose a Python environment.
_PYTHON_TOOLS = frozenset(
    [
        ".",
        "source",
        "activate",
        "conda",
        "mamba",
        "micromamba",
        "deactivate",
        "uv",
        "virtualenv",
        "pyenv",
        "poetry",
        "pipenv",
        "pdm",
        "hatch",
    ]
)
# And those that change which one runs, who runs it, or what the machine has.
_RELEVANT = _PYTHON_TOOLS | frozenset(
    [
        "export",
        "declare",
        "typeset",
        "local",
        "readonly",
        "unset",
        "useradd",
        "adduser",
        "apt",
        "apt-get",
        "aptitude",
        "apk",
        "dnf",
        "yum",
        "microdnf",
        "zypper",
        "pacman",
        "chown",
        "chmod",
        "chgrp",
        "make",
    ]
)


def relevant_program(name: str) -> bool:
    """Whether a command run by `name` (a program, or a path to one) can matter for Python
    environments: an installer, an interpreter, or something that changes which one runs or
    who runs it."""
    program = name.rsplit("/", 1)[-1]
    return program in _RELEVANT or _python_program(program)


def python_program(name: str) -> bool:
    """Whether a command run by `name` installs into, runs or chooses a Python environment:
    pip, an interpreter, an activation, a venv or project tool (not a package manager)."""
    return _python_program(name.rsplit("/", 1)[-1])


def _python_program(program: str) -> bool:
    return (
        program in _PYTHON_TOOLS
        or program.startswith("easy_install")
        or _PIP_PROGRAM.fullmatch(program) is not None
        or _PYTHON_PROGRAM.fullmatch(program) is not None
    )


def may_be_judged_name(name: str) -> bool:
    """Whether a rule may find something in a command run by `name`: an installer, an
    interpreter, `source`, an activate script, chown, or a shell that runs one."""
    return relevant_program(name) or name.rsplit("/", 1)[-1] in SHELLS


def may_be_judged(command: Command) -> bool:
    name = command.name
    return name is None or may_be_judged_name(name)


# --------------------------------------------------------------------------------------------
# Scripts run or sourced by path


class ScriptCall(Record):
    """A command that runs the shell script file `path` names: as a child (`./x.sh`, `bash
    x.sh`) or sourced into this shell (`. x.sh`). `shell` is the interpreter the caller
    names (`bash x.sh`), "" where the file's shebang decides, or the caller's own shell for
    a sourced file."""

    path: Word
    sourced: bool
    shell: str


# Shell options that take a value (`bash -o pipefail x.sh`).
_SHELL_OPTIONS_WITH_VALUE = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})


def runs_file(name: str) -> bool:
    """Whether a command named `name` may run a script file: a path, a shell, or make."""
    return "/" in name or name in SHELLS or name in (".", "source", "make", "gmake")


def script_call(command: Command) -> ScriptCall | None:
    words = command.words
    program = command.program
    shell = command.script.shell
    if not words or shell in ("pwsh", "cmd"):
        return None
    if program in (".", "source"):
        return ScriptCall(words[1], True, shell) if len(words) > 1 else None
    if program in SHELLS:
        index = 1
        while index < len(words):
            text = words[index].text
            if text is None or text in ("-c", "-s", "-i") or text.startswith("--"):
                if text in ("--login", "--norc", "--noprofile", "--posix"):
                    index += 1
                    continue
                return None  # `bash -c '...'` is a nested Script; stdin is not a file
            if not text.startswith(("-", "+")):
                return ScriptCall(words[index], False, program or "")
            index += 2 if text in _SHELL_OPTIONS_WITH_VALUE else 1
        return None
    name = command.name
    if name is not None and "/" in name:
        return ScriptCall(words[0], False, "")
    if name is None and "/" in words[0].raw:
        return ScriptCall(words[0], False, "")  # `"$ROOT"/scripts/x.sh`
    return None


class MakeCall(Record):
    """`make [-C DIR] [-f FILE] [TARGET ...]`: the Makefile it reads (`file`, None: make's
    own choice of GNUmakefile, makefile, Makefile) in `directory` (None: the working one),
    and the goals it makes (empty: the Makefile's default goal)."""

    directory: Word | None
    file: Word | None
    goals: tuple[str, ...]
    # Variables set on its command line (`make PYTHON=python3.12 test`) and in its
    # environment (`VENV=.venv make`, `env X=1 make`), as make reads them (None: not known).
    variables: MakeVariables = ()


# (name, value or None where not known, True for the command line, False for the environment)
MakeVariables = tuple[tuple[str, str | None, bool], ...]
_MAKE_VARIABLE = lazy(r"[A-Za-z_][A-Za-z0-9_.-]*")


# make's options that take a value in the next word, and those that change nothing a recipe
# does. Anything else (`-n`, which runs no recipe; `-e`; an unknown one): not followed.
_MAKE_OPTIONS_WITH_VALUE = frozenset({"-C", "--directory", "-f", "--file", "--makefile"})
_MAKE_OPTIONS_KEPT = frozenset(
    {"-s", "--silent", "--quiet", "-k", "--keep-going", "-w", "--print-directory"}
    | {"--no-print-directory", "-B", "--always-make", "-j", "--jobs", "-O", "--output-sync"}
)


def make_call(command: Command) -> MakeCall | None:
    """The Makefile and goals a `make` (or `gmake`, `$(MAKE)`) command runs; None where a
    word cannot be known or a variable is set on its command line (the recipes then read
    values the file does not hold)."""
    if command.program not in ("make", "gmake"):
        return None
    words = command.words[1:]
    found: dict[str, Word] = {}
    goals: list[str] = []
    variables = [
        (a.name, a.value.text if a.value else "", False)
        for a in command.assignments
        if _MAKE_VARIABLE.fullmatch(a.name)
    ]
    index = 0
    while index < len(words):
        word = words[index]
        text = word.text
        name, equals, _ = word.raw.partition("=")
        if equals and not name.startswith("-") and _MAKE_VARIABLE.fullmatch(name):
            # `NAME=value`: its value where the shell's quoting and expansion leave it known
            variables.append((name, text.partition("=")[2] if text is not None else None, True))
            index += 1
            continue
        if text is None or ("=" in text and not text.startswith("-")):
            return None
        option, has_value, value = text.partition("=")
        if text.startswith(("-C", "-f")) and len(text) > 2:  # `-Cdocs`
            option, has_value, value = text[:2], True, text[2:]
        if option in _MAKE_OPTIONS_WITH_VALUE:
            if has_value:
                named = word._replace(text=value)
            elif index + 1 < len(words):
                index += 1
                named = words[index]
            else:
                return None
            found["-C" if option in ("-C", "--directory") else "-f"] = named
        elif (text.startswith("-j") and text[2:].isdigit()) or option in _MAKE_OPTIONS_KEPT:
            if text == "-j" and index + 1 < len(words) and (words[index + 1].text or "").isdigit():
                index += 1
        elif text.startswith("-"):
            return None
        else:
            goals.append(text)
        index += 1
    return MakeCall(found.get("-C"), found.get("-f"), tuple(goals), tuple(variables))


# --------------------------------------------------------------------------------------------
# Project tools with environments of their own

# The tools that install a project into an environment they make themselves, and their
# subcommands that do: Poetry and PDM make a venv unless one is active, Pipenv too unless
# told `--system`, uv's `sync` makes the project's .venv, Hatch its named environments.
_MAKES_ENVIRONMENT = {
    "poetry": frozenset({"install", "sync"}),
    "pipenv": frozenset({"install", "sync"}),
    "pdm": frozenset({"install", "sync"}),
    "uv": frozenset({"sync"}),
    "hatch": frozenset({"env"}),
}
_NO_ENVIRONMENT_OPTIONS = frozenset({"--system", "--active", "--global", "-g"})


def environment_made(command: Command) -> str | None:
    """The tool a command has install the project into an environment of its own (`poetry
    install`, `uv sync`, `pipenv install`, `pdm install`, `hatch env create`); None for one
    told to use the system's or the active one."""
    texts = command.texts()
    program = command.program
    subcommands = _MAKES_ENVIRONMENT.get(program or "")
    if subcommands is None or len(texts) < 2 or texts[1] not in subcommands:
        return None
    if program == "hatch" and texts[2:3] != ["create"]:
        return None
    if any(text in _NO_ENVIRONMENT_OPTIONS for text in texts[2:]):
        return None
    return program


def project_venv(command: Command, env: Mapping[str, str | None]) -> str | None:
    """The venv, relative to the project's directory, that `poetry install` makes there when
    told `POETRY_VIRTUALENVS_IN_PROJECT=true`: "the virtualenv will be created and expected
    in a folder named .venv within the root directory of the project"
    (https://python-poetry.org/docs/configuration/#virtualenvsin-project)."""
    if environment_made(command) != "poetry" or env.get("VIRTUAL_ENV"):
        return None  # with a venv active, Poetry installs into that one
    told = env.get("POETRY_VIRTUALENVS_IN_PROJECT")
    return ".venv" if told is not None and told.lower() in ("true", "1") else None


def environment_run(command: Command) -> str | None:
    """The tool whose own environment a command runs the project in: `poetry run pytest`,
    `uv run`, `pipenv run`, `pdm run`, `hatch run`."""
    texts = command.texts()
    if command.program in _MAKES_ENVIRONMENT and texts[1:2] == ["run"]:
        return command.program
    return None


def environment_creation_off(command: Command) -> str | None:
    """`poetry config virtualenvs.create false`: the tool it tells to install into the
    Python it runs with, making no environment."""
    texts = command.texts()
    if command.program != "poetry" or texts[1:2] != ["config"]:
        return None
    values = [t for t in texts[2:] if t is not None and not t.startswith("-")]
    if values[:1] == ["virtualenvs.create"] and values[1:2] in (["false"], ["0"]):
        return "poetry"  # also with `--local`, written to poetry.toml
    return None


# Variables that may tell a tool to make no environment of its own: Poetry's when false,
# uv's project environment whatever it names (CI sets it to the runner's Python).
ENVIRONMENT_ELSEWHERE = {
    "poetry": ("POETRY_VIRTUALENVS_CREATE", frozenset({"false", "0"})),
    "uv": ("UV_PROJECT_ENVIRONMENT", None),
}


# --------------------------------------------------------------------------------------------
# Virtual environments

_VENV_OPTIONS_WITH_VALUE = frozenset({"--prompt", "-p", "--python", "--seeder", "--activators"})


def venv_created(command: Command) -> Word | None:
    """The directory `python -m venv DIR`, `virtualenv DIR` or `uv venv [DIR]` creates."""
    words = command.words
    program = command.program
    start: int | None = None
    default: str | None = None
    if program == "virtualenv":
        start = 1
    elif program == "uv" and len(words) > 1 and words[1].text == "venv":
        start, default = 2, ".venv"
    elif is_python(command):
        module, index = python_module(command)
        if module in ("venv", "virtualenv") and index is not None:
            start = index + 1
    if start is None:
        return None
    i = start
    while i < len(words):
        text = words[i].text
        if text is None:
            return words[i]
        if not text.startswith("-"):
            return words[i]
        i += 2 if text in _VENV_OPTIONS_WITH_VALUE else 1
    if default is not None:
        return Word(default, default, command.span)
    return None


_ACTIVATE_SCRIPT = lazy(r"(?P<venv>.*?)[/\\](bin|Scripts)[/\\]activate(\.(sh|bash|fish|csh))?")
# Windows shells activate by running the script: `.venv\Scripts\Activate.ps1`, `call
# venv\Scripts\activate.bat`.
_WINDOWS_ACTIVATE = lazy(r"(?i)(?P<venv>.*?)[/\\](bin|Scripts)[/\\]activate(\.ps1|\.bat)?")
_CONDA = frozenset({"conda", "mamba", "micromamba"})


class Activation(Record):
    """`. venv/bin/activate` or `conda activate env`. `venv` is None when unknown."""

    venv: str | None
    conda: bool


def activation(command: Command) -> Activation | None:
    words = command.words
    program = command.program
    if command.script.shell in ("pwsh", "cmd"):
        target = words[1] if program == "." and len(words) > 1 else words[0] if words else None
        match = _WINDOWS_ACTIVATE.fullmatch(target.text or "") if target else None
        return (
            Activation(match.group("venv").removeprefix(".\\") or ".", conda=False)
            if match
            else None
        )
    if program in (".", "source") and len(words) > 1:
        target = words[1]
        if target.text is not None:
            match = _ACTIVATE_SCRIPT.fullmatch(target.text)
            if match:
                return Activation(match.group("venv") or ".", conda=False)
            if target.text == "activate" or target.text.endswith("conda/bin/activate"):
                env = words[2].text if len(words) > 2 else "base"
                return Activation(env, conda=True)
            return None
        raw = target.raw.strip("\"'")
        if _ACTIVATE_SCRIPT.fullmatch(raw):
            return Activation(None, conda=False)
        return None
    if program in _CONDA and len(words) > 1 and words[1].text == "activate":
        return Activation(words[2].text if len(words) > 2 else "base", conda=True)
    return None


_VENV_HELPER = lazy(r"(?i).*(venv|virtualenv|activate|conda).*")


def sources_venv_helper(command: Command) -> bool:
    """`source virtualenv.sh`, `. ./venv.sh`, `source activate_env`, PowerShell's `&
    $ActivateVenv`: a file whose name says it sets up an environment (its content is not
    read, or its path not known, so what it activates is unknown)."""
    words = command.words
    if command.script.shell in ("pwsh", "cmd"):
        target = words[1] if command.program == "." and len(words) > 1 else words[0]
    elif command.program in (".", "source") and len(words) > 1:
        target = words[1]
    else:
        return False
    name = target.text or target.raw.strip("\"'")
    return _VENV_HELPER.fullmatch(name.replace("\\", "/").rsplit("/", 1)[-1]) is not None


def conda_environment_used(command: Command) -> bool:
    """`conda install ...`, `mamba env update ...`, `micromamba create ...`: the script works
    in a conda environment, whose `pip` is that environment's."""
    texts = command.texts()
    return (
        command.program in _CONDA
        and len(texts) > 1
        and texts[1] in ("install", "env", "create", "update")
    )


def activate_run_as_command(command: Command) -> Word | None:
    """The activate script when it is run as a program (`./venv/bin/activate`, `bash
    .venv/bin/activate`) instead of sourced: it activates a child shell that exits at once.
    None in PowerShell and cmd, where running the script is how one activates."""
    words = command.words
    if not words or command.script.shell in ("pwsh", "cmd"):
        return None
    target = words[0]
    if command.program in SHELLS and len(words) > 1:
        if any((w.text or "").startswith("-") for w in words[1:2]):
            return None  # `bash -c ...`, `sh -e script`: not this shape
        target = words[1]
    elif command.program in (".", "source"):
        return None
    text = target.text or ""
    if _ACTIVATE_SCRIPT.fullmatch(text) and not text.endswith((".fish", ".csh")):
        return target
    return None


def deactivation(command: Command) -> bool:
    program = command.program
    return program == "deactivate" or (
        program in _CONDA and len(command.words) > 1 and command.words[1].text == "deactivate"
    )


_VENV_NAME = lazy(r"\.?(venv|virtualenv|env|\w*[-_.]venv|venv[-_.]\w*|\.tox/\w+)")


def looks_like_venv(directory: str) -> bool:
    """A directory whose name says it is a virtual environment."""
    name = directory.rstrip("/").rsplit("/", 1)[-1]
    return _VENV_NAME.fullmatch(name) is not None or "virtualenvs" in directory


def venv_of_bin_dir(entry: str) -> str | None:
    """`/opt/venv/bin` → `/opt/venv`; None for anything that is not a `bin` directory."""
    entry = entry.rstrip("/")
    for suffix in ("/bin", "/Scripts"):
        if entry.endswith(suffix):
            return entry[: -len(suffix)] or "/"
    return None


def is_conda_dir(directory: str) -> bool:
    return any(part in directory for part in ("conda", "mamba", "miniforge", "micromamba"))


# --------------------------------------------------------------------------------------------
# Users, packages, permissions


class UserCreation(Record):
    name: str | None
    uid: str | None
    # True: a home directory is created; False: none is; None: depends on the distro.
    home: bool | None


def user_created(command: Command) -> UserCreation | None:
    program = command.program
    if program not in ("useradd", "adduser"):
        return None
    texts = command.texts()
    if any(t is None for t in texts):
        return UserCreation(None, None, None)
    home: bool | None = None
    uid: str | None = None
    name: str | None = None
    i = 1
    with_value = {
        "-u",
        "--uid",
        "-g",
        "--gid",
        "-G",
        "--groups",
        "-s",
        "--shell",
        "-d",
        "--home-dir",
        "--home",
        "-c",
        "--comment",
        "--gecos",
        "-h",
        "-k",
        "-K",
        "--ingroup",
        "-e",
        "-f",
    }
    if program == "adduser":
        home = True  # Debian's adduser and busybox's both create the home by default
    while i < len(texts):
        text = texts[i] or ""
        if text in ("-m", "--create-home"):
            home = True
        elif text in ("-M", "--no-create-home", "-H"):
            home = False
        elif text in ("--system", "-S", "-r") and program == "adduser":
            home = None
        elif text in ("-u", "--uid") and i + 1 < len(texts):
            uid = texts[i + 1]
        elif text.startswith("--uid="):
            uid = text.split("=", 1)[1]
        if text in with_value:
            i += 2
            continue
        if not text.startswith("-"):
            name = text
            if program == "adduser" and i + 1 < len(texts):
                break  # `adduser user group` adds a user to a group
        i += 1
    return UserCreation(name, uid, home)


_PACKAGE_INSTALL = {
    "apt-get": "install",
    "apt": "install",
    "aptitude": "install",
    "apk": "add",
    "dnf": "install",
    "yum": "install",
    "microdnf": "install",
    "zypper": "install",
    "pacman": "-S",
}
_DISTRO_PYTHON_PACKAGE = lazy(
    r"python3?(\.\d+|\d{2,3})?(-pip|-venv|-dev|-full|-minimal)?|py3-pip|py3-virtualenv"
    r"|python-pip"
)


def removes_marker(command: Command) -> bool:
    """`rm /usr/lib/python3.12/EXTERNALLY-MANAGED`, `find ... -name EXTERNALLY-MANAGED
    -delete` (or piped to `xargs rm`): PEP 668's marker taken away, so pip no longer refuses."""
    return command.program in ("rm", "find", "mv") and any(
        "EXTERNALLY-MANAGED" in (word.text or word.raw) for word in command.words[1:]
    )


# pip's configuration files (pip.conf on Unix, pip.ini on Windows), wherever they are: the
# site-wide /etc/pip.conf, the user's ~/.config/pip/pip.conf, a venv's own.
_PIP_CONFIG_FILE = lazy(r"(?:^|/)pip\.(?:conf|ini)")
# `break-system-packages = true` in a file, `global.break-system-packages true` to pip
# config; pip reads config booleans with strtobool, as it reads PIP_* variables.
_BREAKS_SYSTEM = lazy(
    r"break-system-packages[\s\"']*[=:]?[\s\"']*(?:true|yes|on|1)\b", re.IGNORECASE
)


def configures_break_system_packages(command: Command) -> bool:
    """pip configured to break system packages from here on, as PIP_BREAK_SYSTEM_PACKAGES
    would: `pip config set global.break-system-packages true`, or a pip.conf written with
    it (`printf '[global]\\nbreak-system-packages=true' > /etc/pip.conf`, a heredoc to `cat`
    or `tee`, `echo ... | sudo tee /etc/pip.conf`)."""
    texts = [t for t in command.texts() if t is not None]
    if "config" in texts and "set" in texts:
        return _BREAKS_SYSTEM.search(" ".join(texts)) is not None
    targets = [r.target.text or "" for r in command.redirects if ">" in r.operator]
    if command.program == "tee":
        targets.extend(texts[1:])
    if not any(_PIP_CONFIG_FILE.search(target) for target in targets):
        return False
    written = " ".join(texts)
    if command.stdin is not None:
        written += command.script.text[command.stdin[0] : command.stdin[1]]
    elif command.program == "tee":  # what the pipeline's echo writes: on the script's lines
        written = command.script.text
    return _BREAKS_SYSTEM.search(written) is not None


def installs_with_apt(command: Command) -> bool:
    """`apt-get install ...`, `apt install ...`: the machine is Debian's or Ubuntu's."""
    texts = command.texts()
    return command.program in ("apt-get", "apt", "aptitude") and "install" in texts


def packages_installed(command: Command) -> tuple[str, ...]:
    """The packages `apt-get install -y sudo python3-pip`, `apk add py3-pip`, ... installs
    from the distro, by name (none for any other command)."""
    verb = _PACKAGE_INSTALL.get(command.program or "")
    texts = command.texts()
    if verb is None or verb not in texts:
        return ()
    index = texts.index(verb)
    return tuple(t.split("=", 1)[0] for t in texts[index + 1 :] if t is not None)


def distro_python_packages(command: Command) -> tuple[str, ...]:
    """The Python packages among them (`python3-pip`, `py3-pip`)."""
    return tuple(
        name for name in packages_installed(command) if _DISTRO_PYTHON_PACKAGE.fullmatch(name)
    )


def apt_pip_without_venv(command: Command) -> bool | None:
    """For an apt install: True where it installs the distro's pip but no package that
    brings `python3 -m venv` (Debian and Ubuntu ship venv's ensurepip apart, in python3-venv,
    python3.X-venv or python3-full), False where it installs one; None for anything else."""
    if not installs_with_apt(command):
        return None
    packages = distro_python_packages(command)
    if any(p.endswith(("-venv", "-full")) for p in packages):
        return False
    return True if any(p.endswith("-pip") for p in packages) else None


class InterpreterRun(Record):
    """A Python interpreter run to execute code: `python3 app.py`, `python3.11 -m flask`,
    `python -c "import yaml"` (not pip, venv, ensurepip or a version query). `name` is the
    interpreter as written; `module`, `code` and `script` what it runs."""

    name: str
    span: Span
    module: str | None = None
    code: str | None = None
    script: str | None = None

    @property
    def program(self) -> str:
        return self.name.rsplit("/", 1)[-1]


_NOT_CODE_MODULES = frozenset({"pip", "venv", "virtualenv", "ensurepip", "pipx", "uv"})


def interpreter_run(command: Command) -> InterpreterRun | None:
    if not is_python(command) or command.name is None or command.program == "py":
        return None
    words = command.words
    module, _ = python_module(command)
    name, span = command.name, words[0].span
    if module is not None:
        if module in _NOT_CODE_MODULES:
            return None
        return InterpreterRun(name, span, module=module)
    i = 1
    while i < len(words):
        text = words[i].text
        if text is None:
            return None
        if text == "-c":
            code = words[i + 1] if i + 1 < len(words) else None
            return InterpreterRun(name, span, code=code.text or code.raw if code else "")
        if text.startswith("-"):
            if text in ("-V", "--version", "-h", "--help"):
                return None
            i += 2 if text in _PYTHON_TAKES_VALUE else 1
            continue
        if text.rsplit("/", 1)[-1] in ("get-pip.py", "setup.py"):
            return None
        return InterpreterRun(name, span, script=text)
    return None


def bootstraps_pip(command: Command) -> bool:
    """`python3.11 get-pip.py`, `curl ... | python3.11 -`, `python3 -m ensurepip`: the
    interpreter gets a pip of its own."""
    if not is_python(command):
        return False
    module, _ = python_module(command)
    if module == "ensurepip":
        return True
    texts = command.texts()
    if any(t is not None and t.rsplit("/", 1)[-1] == "get-pip.py" for t in texts[1:]):
        return True
    # `curl -sS https://bootstrap.pypa.io/get-pip.py | python3.11` reads it from stdin.
    return "get-pip" in command.script.text and all(t == "-" for t in texts[1:])


_PYTHON_SOURCE_DIR = lazy(r"(?i)c?python(?:-?(\d+\.\d+)[\d.]*)?")


class PythonBuild(Record):
    """`make install` / `make altinstall` of CPython's sources: `version` (`3.11`) where the
    directory or PYTHON_VERSION says it; `altinstall` installs only the versioned commands."""

    version: str | None
    altinstall: bool


def python_built(
    command: Command, cwd: str | None, env: Mapping[str, str | None]
) -> PythonBuild | None:
    """A CPython built from source and installed here (into /usr/local): `make altinstall`
    (CPython's own target), or `make install` in a directory of its sources (`Python-3.12.4`,
    `/usr/src/python`)."""
    if command.program != "make":
        return None
    texts = command.texts()
    altinstall = "altinstall" in texts
    if not altinstall and "install" not in texts:
        return None
    directory = _PYTHON_SOURCE_DIR.fullmatch((cwd or "").rstrip("/").rsplit("/", 1)[-1])
    if not altinstall and directory is None:
        return None
    version = directory.group(1) if directory and directory.group(1) else None
    declared = re.match(r"(\d+\.\d+)", env.get("PYTHON_VERSION") or "")
    return PythonBuild(version or (declared.group(1) if declared else None), altinstall)


def pyenv_version(command: Command) -> str | None:
    """The version `pyenv global 3.12`, `pyenv local`/`shell` selects: pyenv's shims now run
    that Python's `python` and `pip`. `""` when the version cannot be read, None when the
    command selects none."""
    texts = command.texts()
    if command.program == "pyenv" and len(texts) > 2 and texts[1] in ("global", "local", "shell"):
        return texts[2] or ""
    return None


# site-packages itself or one package in it (not a data folder deep inside a package), or
# a Python's lib directory.
_PYTHON_INSTALL_DIR = lazy(r"((site|dist)-packages(/[^/]+)?|/lib/python\d(\.\d+)?)/?\*?$")


def recursive_permission_change(command: Command) -> Word | None:
    """The Python install directory that `chown -R` / `chmod -R` changes, if any."""
    if command.program not in ("chown", "chmod", "chgrp"):
        return None
    texts = command.texts()
    recursive = any(
        t is not None
        and (t == "--recursive" or (t.startswith("-") and not t.startswith("--") and "R" in t))
        for t in texts[1:]
    )
    if not recursive:
        return None
    for word in command.words[1:]:
        # A word with variables in it still says what its literal parts say:
        # `/usr/local/lib/python${PY%.*}/site-packages/`.
        text = word.text if word.text is not None else word.raw
        if not text.startswith("-") and _PYTHON_INSTALL_DIR.search(text):
            return word
    return None


_TRUE = frozenset({"1", "y", "yes", "t", "true", "on"})


def pip_env_true(value: str | None) -> bool:
    """pip reads PIP_<OPTION> booleans with strtobool; anything else is not a yes."""
    return value is not None and value.strip().lower() in _TRUE
