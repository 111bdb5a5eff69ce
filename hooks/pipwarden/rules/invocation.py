"""How pip is invoked: through PATH, or for a named interpreter."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipwarden.commands import InterpreterRun, PipCall
from pipwarden.environments import Python
from pipwarden.model import SAFE, UNSAFE, Edit, Fix, Hit, Related, Severity, Span, line_ref
from pipwarden.patterns import lazy
from pipwarden.record import Record
from pipwarden.rules.base import (
    FIX_ALWAYS,
    FIX_SOMETIMES,
    Context,
    OwnEnvironment,
    Rule,
    code,
    evidence,
    spelled,
)
from pipwarden.rules.environment import refused_as_externally_managed
from pipwarden.shell.session import PythonUse, Script

_PIP_VERSION = lazy(r"pip(?P<version>\d+(\.\d+)?)?(\.exe)?")


def interpreter_for(pip: PipCall, context: Context) -> str:
    """The interpreter command that owns the pip a bare `pip`/`pip3`/`pip3.12` means, by its
    name alone: `pip3.12` → `python3.12`, `pip3` → `python3`, plain `pip` → `python` where
    `python` is known to be pip's interpreter (a venv, python:* images, conda, setup-python,
    pyenv, Windows), elsewhere `python3` (Debian and Ubuntu have no `python`)."""
    match = _PIP_VERSION.fullmatch(pip.program)
    version = match.group("version") if match else None
    if context.windows:
        # Windows has no `python3.12` (and `python3` may be the Store's stub): the launcher
        # `py -3.12` picks a version, and `pip3.exe` sits beside `python.exe`.
        return f"py -{version}" if version and "." in version else "python"
    if version:
        return "python" + version
    if context.pairs_pip_with_python:
        return "python"
    return "python3"


def python_m_pip_fix(pip: PipCall, python: str, safe: bool) -> Fix | None:
    """`pip3` → `<python> -m pip`, at the word itself or (for a make variable) at its value.
    Never at the use of a shell variable (`"$PIP" install`): its value may differ by branch
    (`pip` on one, `venv/bin/pip` on the other), and the use runs on every branch."""
    word = pip.launcher[0]
    where = word.edit_span
    if where is None or "$" in word.raw:
        return None
    return Fix(
        (Edit(where, f"{python} -m pip"),), SAFE if safe else UNSAFE, f"use `{python} -m pip`"
    )


def python_m_pip_help(pip: PipCall, python: str, then: str = "") -> str:
    """`use `<python> -m pip``, and where the pip is a make variable's value, that the
    variable's assignment is where it goes (as the fix writes it): every use runs it."""
    word = pip.launcher[0]
    said = f"use {code(python + ' -m pip')}{then}"
    where = word.edit_span
    if where is None or where == word.span or "$" in word.raw:
        return said
    return f"{said} as the value of the variable assigned on line {line_ref(where.start)}"


def _is_pip_itself(requirement: str) -> bool:
    """`pip`, `pip==24.0`, `pip>=23`, `"pip==$PIP_VERSION"` (whose version is unknown)."""
    return re.fullmatch(r"pip(\s*([=<>!~]=?|===).*)?", requirement.strip()) is not None


def upgrades_pip_itself(pip: PipCall) -> bool:
    return pip.installs and any(
        _is_pip_itself(w.text if w.text is not None else w.raw.strip("\"'")) for w in pip.arguments
    )


def _bare_pip_changing_packages(context: Context) -> PipCall | None:
    pip = context.pip
    if pip is None or not pip.bare_pip or not pip.changes_packages or pip.has("--python"):
        return None
    return pip


# Requirement names as pip takes them (`Flask[async]>=3`), and what Python imports them by.
_REQUIREMENT = lazy(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*([<>=!~;@].*)?")
_IMPORT = lazy(r"\b(?:import|from)\s+([A-Za-z_][\w.]*)")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _installed_names(pip: PipCall) -> set[str] | None:
    """The distributions a pip command names, normalized; None when it installs what the
    text does not name (a requirements file, a directory, an unknown word)."""
    if pip.has("--requirement", "--editable", "--constraint"):
        return None
    names = set()
    for word in pip.arguments:
        text = word.text
        if text is None or "/" in text or text.startswith(".") or "://" in text:
            return None
        match = _REQUIREMENT.fullmatch(text)
        if match is None:
            return None
        names.add(_normalized(match.group(1)))
    return names


def _uses(run: InterpreterRun, pip: PipCall) -> bool:
    """Whether a Python run uses what the pip command installed (or removed): the module or
    import it names; any program, where the command installs what the text does not name (a
    project's requirements, the project itself)."""
    names = _installed_names(pip)
    if names is None:
        return True
    if run.script is not None:
        return False  # `pip install cython`, then `python setup.py ...`: not shown to use it
    if run.module is not None:
        return _normalized(run.module.split(".", 1)[0]) in names
    imported = {_normalized(m.split(".", 1)[0]) for m in _IMPORT.findall(run.code or "")}
    return bool(imported & names)


def _nearest(runs: Iterable[InterpreterRun], offset: int) -> InterpreterRun | None:
    return min(runs, key=lambda run: abs(run.span.start - offset), default=None)


class _Mismatch(Record):
    """Why a bare pip is shown to serve another interpreter than the file's: the run that
    uses what it installed, and (in a known environment) the Python pip belongs to."""

    run: InterpreterRun
    owner: Python | None
    used: Python | None


def _other_interpreter(pip: PipCall, context: Context) -> _Mismatch | None:
    runs = [run for run in context.interpreters() if _uses(run, pip)]
    owner = context.python_named(pip.program)
    if owner is not None:
        # Two Pythons in one environment: pip's, and the one the file runs.
        run = _nearest(runs, pip.launcher[0].span.start)
        used = context.python_named(run.name) if run is not None else None
        if run is None or used is None or used == owner:
            return None
        return _Mismatch(run, owner, used)
    if context.host != "unknown" or context.environment is not None:
        return None
    # A machine the repository does not control: the script installs with whatever pip
    # comes first there, then runs a Python it names.
    end = pip.launcher[-1].span.end
    later = [r for r in runs if r.span.start > end and not _same_family(pip.program, r)]
    return _Mismatch(later[0], None, None) if later else None


def _same_family(pip: str, run: InterpreterRun) -> bool:
    """`pip3.12` and `python3.12` are one interpreter's, whichever machine runs them."""
    version = _PIP_VERSION.fullmatch(pip)
    return bool(version and version.group("version") and "." in version.group("version")) and (
        run.program == "python" + version.group("version")
    )


def _file_interpreter(pip: PipCall, context: Context) -> tuple[str, bool]:
    """The interpreter a `<python> -m pip` fix names, and whether the fix is safe:
    `pythonX.Y` for `pipX.Y`; else the nearest interpreter the file runs that pip belongs to
    (any it runs, where pip's own is not known); else the one pip's name suggests, safe only
    where the environment shows it is pip's (a venv, pyenv, conda, the image's Python)."""
    match = _PIP_VERSION.fullmatch(pip.program)
    if match and match.group("version") and "." in match.group("version"):
        if context.windows:
            return "py -" + match.group("version"), True
        return "python" + match.group("version"), True
    paired = bool(context.venv_active) or context.python in ("pyenv", "conda")
    owner = None if paired else context.python_named(pip.program)
    shown = [
        run
        for run in context.interpreters()
        if "/" not in run.name and (owner is None or context.python_named(run.name) == owner)
    ]
    run = _nearest(shown, pip.launcher[0].span.start)
    if run is not None:
        return run.program, True
    python = interpreter_for(pip, context)
    return python, paired or (owner is not None and context.python_named(python) == owner)


_WHERE_PYTHON_COMES_FROM = {
    "official": "the image's Python",
    "conda": "conda's Python",
    "managed": "the Python set up for this job",
    "pyenv": "pyenv's Python",
    "runner": "the runner's Python",
    "source": "the Python built here",
    "distro": "the distro's Python",
}


class BarePip(Rule):
    """
    ## What it finds
    `pip`, `pip3` or `pip3.12` found through PATH installing or removing packages where the
    file shows that pip serves another interpreter than the one the file runs:

    - two Pythons in one environment: an image or runner whose `pip3` belongs to the
      distro's `python3` while the file runs `python3.11` (installed beside it with apt, built
      from source with `make altinstall`, or given a pip of its own with get-pip), in a
      `RUN`, a job step or the image's `CMD`;
    - a script for machines the repository does not control (an installer run by hand, a
      Makefile; not a CI job or an image build) that installs with bare pip and then runs a
      Python it names (`python3 app.py`, `python3 -m flask`, `python3 -c "import yaml"`)
      that uses what it installed;
    - several CPythons the file puts in place (`make altinstall` of two versions, get-pip
      run by each; apt's `python3.12` beside the distro's `python3` and `python3-pip`) and
      none of them run as pip's own: which one a bare pip serves is not what it says;
    - a project tool's own environment: after `poetry install` (unless told
      `virtualenvs.create false`), `pipenv install`, `pdm install`, `hatch env create` or
      `uv sync` made one, a bare pip outside any venv installs into the Python on PATH while
      `poetry run` (`uv run`, `pipenv run`, ...) later runs the project in the tool's
      environment, which never sees it; `uv pip install --system` there too, which installs
      into the Python on PATH as bare pip does. Installs of tools alone (`pip install -U pip
      poetry`) are not reported.

    Every other bare pip (an image or runner with one Python, an active venv or conda env,
    setup-python, pyenv's shims, a console script run after its install, an image that
    cannot be classified) is house style, which the strict tier's PW203 reports. Commands that only
    look (`pip --version`, `list`, `show`, `freeze`) are not reported.

    ## Why it breaks
    The `pip` on PATH is whichever script comes first, and here it belongs to a different
    Python than the one that runs the code: packages install fine and `import` still fails
    with `ModuleNotFoundError` (or an uninstall removes them from the wrong place).
    `python -m pip` runs pip for exactly the interpreter you name.

    ## Example
    ```dockerfile
    FROM ubuntu:22.04
    RUN apt-get update && apt-get install -y python3-pip python3.11
    RUN pip3 install -r requirements.txt
    CMD ["python3.11", "app.py"]
    ```

    ## Use instead
    ```dockerfile
    RUN python3.11 -m pip install -r requirements.txt
    ```

    After `poetry install`: `poetry run python -m pip install ...`, or `poetry add ...`
    (`uv pip install` without `--system`, or `uv add`, after `uv sync`).

    ## Fix safety
    The fix names the interpreter the file runs (`python3.11 -m pip`, `python -m pip`), safe
    where that interpreter is known to have pip; unsafe where it may not (an apt `python3.11`
    without a pip of its own). A pip that a make variable names is fixed at the variable's
    assignment.

    ## References
    - https://pip.pypa.io/en/stable/user_guide/#running-pip
    - https://docs.python.org/3/installing/index.html#work-with-multiple-versions-of-python-installed-in-parallel
    """

    code = "PW201"
    name = "bare-pip"
    severity = Severity.WARNING
    summary = "`pip` from PATH serving another Python than the one the file runs"
    url = "https://pip.pypa.io/en/stable/user_guide/#running-pip"
    fix = FIX_SOMETIMES
    superseded_by = ("PW101", "PW202", "PW302", "PW305", "PW601")

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = context.pip
        if pip is None or not pip.modifies or pip.has("--python"):
            return
        # `uv pip install --system` installs into the Python on PATH as bare pip does.
        system_uv = pip.kind == "uv pip" and pip.has("--system")
        if not (pip.bare_pip or system_uv):
            return
        if context.venv_active or context.maybe_activated or context.python in ("pyenv", "conda"):
            return
        own = context.own_environment() if pip.installs else None
        if own is not None and not _tools_only(pip):
            yield _outside_own_environment(pip, own)
            return
        if system_uv:
            return
        mismatch = _other_interpreter(pip, context)
        if mismatch is None:
            yield from _among_several(pip, context)
            return
        run = mismatch.run
        program, interpreter = code(pip.program), code(run.name)
        where = line_ref(run.span.start)
        if mismatch.owner is not None:
            outcome = (
                "the packages go where that interpreter does not look"
                if pip.installs
                else "the packages are removed from another environment than the one it uses"
            )
            message = (
                f"{program} belongs to {_describe(mismatch.owner)}, but the file runs "
                f"{interpreter} on line {where}: {outcome}"
            )
        else:
            outcome = (
                "the packages can go where that interpreter does not look"
                if pip.installs
                else "the packages can be removed from another environment than the one it uses"
            )
            message = (
                f"{program} is whichever pip comes first on PATH where this script runs, which "
                f"need not belong to the {interpreter} run on line {where}: {outcome}"
            )
        owner, used = mismatch.owner, mismatch.used
        related = (
            Related(run.span, f"{interpreter} runs here"),
            *evidence(
                (
                    owner.pip_from or owner.installed_at if owner else None,
                    f"{program} comes from here",
                ),
                (used.installed_at if used else None, f"{interpreter} is installed here"),
            ),
        )
        safe = used is None or used.has_pip
        python = spelled(run.name, context)
        yield Hit(
            pip.launcher[0].span,
            message,
            python_m_pip_help(pip, python, ", which runs pip for exactly that interpreter"),
            related=related,
            fix=python_m_pip_fix(pip, python, safe),
            # On a machine nothing here describes, unless a repository file runs the script.
            alone=mismatch.owner is None,
        )


# How to install into a project tool's environment, in its own words. uv's and PDM's venvs
# have no pip of their own.
# Programs run on their own, not imported by the project: installing them beside a tool's
# environment is no mistake.
_TOOLS = frozenset(
    {"pip", "setuptools", "wheel", "build", "twine", "virtualenv", "pipx", "uv", "poetry"}
    | {"pipenv", "pdm", "hatch", "tox", "nox", "pre_commit", "codecov", "coveralls"}
    | {"awscli", "cibuildwheel", "ansible", "ansible_core"}
)
_TOOL_NAMES = {"poetry": "Poetry", "pipenv": "Pipenv", "pdm": "PDM", "uv": "uv", "hatch": "Hatch"}


def _tools_only(pip: PipCall) -> bool:
    """Whether pip installs only tools that run on their own (`pip install -U pip poetry`),
    not what the project imports."""
    names = _installed_names(pip)
    return names is not None and all(n in _TOOLS or n.startswith("poetry_") for n in names)


_INTO_OWN_ENVIRONMENT = {
    "poetry": "`poetry run python -m pip install ...`, or declare it with `poetry add ...`",
    "pipenv": "`pipenv run python -m pip install ...`, or declare it with `pipenv install ...`",
    "uv": "`uv pip install ...` (into the project's .venv), or declare it with `uv add ...`",
    "pdm": "declare it with `pdm add ...`",
    "hatch": "declare it in the environment's `dependencies` in pyproject.toml",
}


def _outside_own_environment(pip: PipCall, own: OwnEnvironment) -> Hit:
    """A bare pip between a project tool making its environment and running the project in
    it: what pip installs goes to another Python."""
    tool, name = code(f"{own.tool} run"), _TOOL_NAMES[own.tool]
    system_uv = pip.kind == "uv pip"
    installer = code("uv pip install --system") if system_uv else code(pip.program)
    remedy = _INTO_OWN_ENVIRONMENT[own.tool]
    if system_uv and own.tool == "uv":
        remedy = "`uv pip install ...` without `--system` (into the project's .venv), or "
        remedy += "declare it with `uv add ...`"
    return Hit(
        pip.launcher[0].span,
        f"{installer} installs into the Python on PATH, not into the environment "
        f"{name} made on line {line_ref(own.made.start)}, where {tool} on line "
        f"{line_ref(own.run.start)} runs the project: it never sees what this installs",
        f"install into {name}'s environment: {remedy}",
        related=(
            Related(own.made, f"{name} makes its own environment here"),
            Related(own.run, f"{tool} runs the project in it here"),
        ),
    )


def _among_several(pip: PipCall, context: Context) -> Iterable[Hit]:
    """A bare pip where the file puts several CPythons in place (two `make altinstall`s,
    apt's python3.12 beside the distro's python3 and its pip) and runs none of them as pip's
    own: which one gets the packages is not what the command says. Only Pythons the file
    installs count, not the image's."""
    owner = context.python_named(pip.program)
    if owner is None or not owner.version:
        return
    names = _installed_names(pip)
    if names is not None and names <= {"pip", "setuptools", "wheel"}:
        return  # pip's own upgrade: the later installs say which Python is meant
    made = [p for p in context.pythons if p.installed_at is not None and p.version]
    # One each: a Python given its pip later is listed again, first on PATH.
    others = list({p.version: p for p in reversed(made) if p.version != owner.version}.values())
    if not others or (owner not in made and not owner.pip_from):
        return
    if any(context.python_named(run.name) == owner for run in context.interpreters()):
        return  # the file runs pip's own Python: that is the one it means
    listed = ", ".join(
        f"{_describe(p)} on line {line_ref(p.installed_at.start)}" for p in others if p.installed_at
    )
    program = code(pip.program)
    versioned = f"python{owner.version}"
    yield Hit(
        pip.launcher[0].span,
        f"{program} belongs to {_describe(owner)}, one of several Pythons this file puts in "
        f"place (also {listed}): which one gets the packages is not what the command says",
        f"name the interpreter: {code(versioned + ' -m pip')} installs for exactly that one",
        related=(
            *evidence((owner.pip_from or owner.installed_at, f"{program} comes from here")),
            *(Related(p.installed_at, f"Python {p.version} is installed here") for p in others),
        ),
        # The same interpreter, named: nothing changes but what the line says.
        fix=python_m_pip_fix(pip, versioned, True),
    )


def _describe(python: Python) -> str:
    version = f" {python.version}" if python.version else ""
    return {
        "distro": f"the distro's Python{version}",
        "homebrew": f"Homebrew's Python{version}",
        "official": f"the image's Python{version}",
        "source": f"the Python{version} built here",
        "toolcache": f"the Python{version} set up for the job",
    }.get(python.origin, f"the {python.origin} Python{version}")


class BarePipConsistency(Rule):
    """
    ## What it finds
    Every bare `pip`/`pip3` changing packages that PW201 does not report, because nothing
    shows it serves another interpreter: an image or runner with one Python,
    `actions/setup-python`, Azure `UsePythonVersion`, an official `python:*` or conda image,
    pyenv's shims, an image that cannot be classified. Strict tier (`strict = true`, or
    `extend-select = ["PW203"]` alone): `python -m pip` everywhere.

    Not inside an active venv or conda env (activated, first on PATH, or set up by a helper
    the file sources or virtualenvwrapper's `workon`): there `pip` is that environment's own,
    exactly what `python -m pip` would run.

    ## Why it breaks
    It does not break here. Teams that want one spelling everywhere use `python -m pip`, so
    that a line copied into another context (a new image, a script run elsewhere) keeps
    installing for the interpreter it names.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install flask
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN python -m pip install flask
    ```

    ## Fix safety
    The fix names the file's own interpreter where it runs one that pip belongs to
    (`python3.11 -m pip` where it runs `python3.11`), `pythonX.Y` for `pipX.Y`, and
    otherwise the one pip's name suggests (`python3` for `pip3`, `python` for `pip` in a
    venv or a python:* image); that last one is safe only where the environment shows it is
    pip's own interpreter.

    ## References
    - https://pip.pypa.io/en/stable/user_guide/#running-pip
    """

    code = "PW203"
    name = "bare-pip-consistency"
    severity = Severity.INFO
    summary = "bare `pip` where `python -m pip` is house style (strict tier)"
    url = "https://pip.pypa.io/en/stable/user_guide/#running-pip"
    fix = FIX_ALWAYS
    superseded_by = (
        "PW101",
        "PW102",
        "PW201",
        "PW202",
        "PW301",
        "PW302",
        "PW305",
        "PW601",
        "PW603",
    )

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = _bare_pip_changing_packages(context)
        if pip is None:
            return
        if context.venv_active or context.maybe_activated:
            return  # the active venv's own pip: `python -m pip` would run the same
        python, safe = _file_interpreter(pip, context)
        python = spelled(python, context)
        # Where a venv may be on PATH unseen, pip is not known to be the system's or the
        # runner's Python's; a conda env's is conda's either way.
        if context.python in _WHERE_PYTHON_COMES_FROM and (
            context.venv_active is not None or context.python == "conda"
        ):
            where = f"the pip of {_WHERE_PYTHON_COMES_FROM[context.python]}"
        else:
            where = "whichever pip comes first on PATH"
        yield Hit(
            pip.launcher[0].span,
            f"{code(pip.program)} here is {where}; {code(python + ' -m pip')} says which "
            "interpreter it installs for",
            python_m_pip_help(pip, python),
            fix=python_m_pip_fix(pip, python, safe),
        )


class SelfUpgradeBarePip(Rule):
    """
    ## What it finds
    A bare `pip` upgrading pip itself (`pip install -U pip`, `pip3 install --upgrade pip
    setuptools wheel`, `pip install "pip==$VERSION"`) where the line can run on Windows: a
    Windows runner (`runs-on: windows-*`, a matrix that includes Windows, Azure `vmImage:
    windows-*`, GitLab `tags` naming windows), a PowerShell or cmd step, a Windows base
    image. On Linux and macOS the same line is judged as any bare pip (PW201, PW203).

    ## Why it breaks
    On Windows the running `pip.exe` is locked and cannot be replaced, so pip refuses:
    `ERROR: To modify pip, please run the following command: ...\\python.exe -m pip install
    --upgrade pip`.

    ## Example
    ```yaml
    runs-on: windows-latest
    steps:
      - run: pip install --upgrade pip
    ```

    ## Use instead
    ```yaml
    runs-on: windows-latest
    steps:
      - run: python -m pip install --upgrade pip
    ```

    ## Fix safety
    As for PW201: `pip` becomes `python -m pip`, safe on Windows, where the `python` on PATH
    is the one whose Scripts folder holds that pip.

    ## References
    - https://pip.pypa.io/en/stable/installation/#upgrading-pip
    """

    code = "PW202"
    name = "self-upgrade-bare-pip"
    severity = Severity.ERROR
    summary = "bare pip upgrading itself where Windows runs it (pip.exe is locked)"
    url = "https://pip.pypa.io/en/stable/installation/#upgrading-pip"
    fix = FIX_SOMETIMES

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = _bare_pip_changing_packages(context)
        if pip is None or not context.windows or not upgrades_pip_itself(pip):
            return
        if refused_as_externally_managed(pip, context):
            return  # pip stops before it touches itself
        python = interpreter_for(pip, context)
        start, end = pip.span_through_subcommand
        yield Hit(
            Span(start, end),
            f"{code(pip.program + ' install')} upgrading pip itself on Windows: the running "
            "pip.exe is locked and pip refuses to replace itself",
            f"use {code(python + ' -m pip install --upgrade pip')}",
            # On Windows, the `python` on PATH is the one whose Scripts folder holds that pip.
            fix=python_m_pip_fix(pip, python, pip.program != "pip" or python == "python"),
        )


class SubprocessPip(Rule):
    """
    ## What it finds
    Python code running pip as a program found through PATH, or through an interpreter found
    through PATH: `subprocess.check_call(["pip", "install", ...])`, `["python3", "-m", "pip",
    ...]`, `os.system("pip install -r requirements.txt")`, `subprocess.run("python3 -m pip
    install .", shell=True)`, through `subprocess`, `os.system`/`os.popen`,
    `os.exec*`/`os.spawn*` and `asyncio.create_subprocess_*`, however they are imported, to
    install, uninstall, download or build wheels. Not reported for commands that change no
    environment (`pip show`, `list`, `freeze`, `--version`, `check`, `inspect`, `config`,
    `hash`, `help`: any pip answers them alike), nor in a shell string that activates a venv
    first. Reported where the code then needs what it installs in the interpreter running it:
    an import runs after the call in the same function (or module), or the call handles a
    failed import (`except ImportError:`, a `try:` that imports). Code that installs tools
    for other programs to run is not this rule's business.

    ## Why it breaks
    The `pip` (or `python3`) on PATH need not belong to the Python running your code: the
    packages go into another environment and the `import` that follows fails with
    `ModuleNotFoundError`. `sys.executable` is the interpreter running this code.

    ## Example
    ```python
    import subprocess

    subprocess.check_call(["pip", "install", "-r", "requirements.txt"])
    import yaml
    ```

    ## Use instead
    ```python
    import subprocess
    import sys

    subprocess.check_call([sys.executable, "-m", "pip", "install", "-r", "requirements.txt"])
    import yaml
    ```

    ## Fix safety
    In an argument list, safe: the list is rewritten to start with `sys.executable, "-m",
    "pip"` (formatting and comments kept), and `import sys` is added after the existing
    imports where it is missing. In a shell string, unsafe: the literal becomes an f-string
    starting `{sys.executable} -m pip`, which a shell splits if the interpreter's path has a
    space in it.

    ## References
    - https://pip.pypa.io/en/stable/user_guide/#using-pip-from-your-program
    """

    code = "PW601"
    name = "subprocess-pip"
    severity = Severity.WARNING
    summary = "Python running pip from PATH instead of `sys.executable -m pip`"
    url = "https://pip.pypa.io/en/stable/user_guide/#using-pip-from-your-program"
    fix = FIX_SOMETIMES
    caller_dependent = False  # decided by the file's own text

    def on_command(self, context: Context) -> Iterable[Hit]:
        if context.command.script.imports_after:
            yield from _pip_from_path_in_python(context)


def _pip_from_path_in_python(context: Context) -> Iterable[Hit]:
    """Python code running pip through PATH (PW601 where the code then imports what it
    installs, PW603 elsewhere), with the remedy in Python's own terms."""
    pip = context.pip
    script = context.command.script
    if pip is None or not pip.through_path or pip.kind not in ("pip", "python -m pip"):
        return
    if not pip.changes_packages:
        return  # `pip show`, `freeze`, `--version`: the same answer from any pip
    if script.origin in ("python-argv", "python-argv-string"):
        # The words of one string are not where an edit can put `sys.executable`.
        fix = _argv_fix(pip, script) if script.origin == "python-argv" else None
        remedy = 'use `[sys.executable, "-m", "pip", ...]`, the interpreter running this code'
    elif script.origin == "python-shell" and not context.venv_active:
        fix = _shell_string_fix(pip, script)
        remedy = 'use `f"{sys.executable} -m pip ..."`, the interpreter running this code'
    else:
        return
    first = pip.launcher[0]
    yield Hit(
        first.span,
        f"{code(first.raw)} runs whatever is first on PATH, which need not be the Python "
        "running this code: the packages can land in another environment",
        remedy,
        fix=fix,
    )


class SubprocessPipAnywhere(Rule):
    """
    ## What it finds
    Strict tier: Python code running pip as a program found through PATH (`os.system("pip
    install sphinx")`, `subprocess.run(["pip", "install", ...])`, `["python3", "-m", "pip",
    ...]`) where nothing after it shows the code needs the packages in its own interpreter,
    which PW601 requires (an import after the call, or a failed-import handler). The same
    forms and exceptions as PW601 otherwise: commands that change no environment, and shell
    strings that activate a venv first, are not reported.

    ## Why it breaks
    The `pip` (or `python3`) on PATH need not belong to the Python running the code, so the
    packages can land in another environment than the one the program (or the tools it
    starts from the same interpreter) uses. pip's documentation names one way to run pip
    from a program: `sys.executable -m pip`.

    ## Example
    ```python
    import os

    os.system("pip install sphinx")
    ```

    ## Use instead
    ```python
    import os
    import sys

    os.system(f"{sys.executable} -m pip install sphinx")
    ```

    ## Fix safety
    As PW601: safe in an argument list (it starts with `sys.executable, "-m", "pip"`, and
    `import sys` is added where missing); unsafe in a shell string, which becomes an f-string
    a shell splits if the interpreter's path has a space in it.

    ## References
    - https://pip.pypa.io/en/stable/user_guide/#using-pip-from-your-program
    """

    code = "PW603"
    name = "subprocess-pip-anywhere"
    severity = Severity.INFO
    summary = "Python running pip from PATH, with no import after it (strict tier)"
    url = "https://pip.pypa.io/en/stable/user_guide/#using-pip-from-your-program"
    fix = FIX_SOMETIMES
    caller_dependent = False  # decided by the file's own text
    superseded_by = ("PW102", "PW601")

    def on_command(self, context: Context) -> Iterable[Hit]:
        if not context.command.script.imports_after:
            yield from _pip_from_path_in_python(context)


def _import_sys(script: Script) -> list[Edit]:
    at = script.import_sys_at
    return [] if at is None else [Edit(Span(at, at), "import sys\n")]


def _argv_fix(pip: PipCall, script: Script) -> Fix:
    replacement = 'sys.executable, "-m", "pip"' if pip.kind == "pip" else "sys.executable"
    edits = [Edit(pip.launcher[0].span, replacement), *_import_sys(script)]
    return Fix(tuple(edits), SAFE, "use `sys.executable -m pip`")


def _shell_string_fix(pip: PipCall, script: Script) -> Fix | None:
    """`"pip install x"` → `f"{sys.executable} -m pip install x"`, braces in the literal
    doubled; None where the launcher is not verbatim inside one literal that can become an
    f-string (a bytes literal, a `u` prefix)."""
    first, last = pip.launcher[0].edit_span, pip.launcher[-1].edit_span
    if first is None or last is None:
        return None
    literal = next(
        (lit for lit in script.literals if lit.content.start <= first.start < lit.content.end),
        None,
    )
    if literal is None or last.end > literal.content.end or set(literal.prefix) & {"b", "u"}:
        return None
    edits = [Edit(Span(first.start, last.end), "{sys.executable} -m pip")]
    if "f" not in literal.prefix:
        edits.append(Edit(Span(literal.start, literal.start), "f"))
        edits.extend(
            Edit(Span(offset, offset + 1), ch * 2)
            for offset, ch in literal.braces
            if not (first.start <= offset < last.end)
        )
    edits.extend(_import_sys(script))
    return Fix(tuple(edits), UNSAFE, "use `{sys.executable} -m pip`")


class PipInternalApi(Rule):
    """
    ## What it finds
    Python code calling pip in-process: `pip.main([...])`, `from pip._internal import main`,
    `from pip._internal.cli.main import main`, any import from `pip._internal`: one finding
    per statement. Never in pip's own code (a project named `pip`, or pip's package
    directory with its `_internal`), where those imports are how pip is written, nor in a
    module that puts directories on `sys.path` itself (get-pip.py's bootstrap inserts the pip
    wheel it carries, then imports it): the pip it imports is the one it brings.

    ## Why it breaks
    pip has no Python API. `pip.main` was removed in pip 10 (`AttributeError: module 'pip' has
    no attribute 'main'`), and `pip._internal` changes without notice between releases; pip
    also keeps global state, so calling it inside your process is unsupported.

    ## Example
    ```python
    import pip

    pip.main(["install", "requests"])
    ```

    ## Use instead
    ```python
    import subprocess
    import sys

    subprocess.check_call([sys.executable, "-m", "pip", "install", "requests"])
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - https://pip.pypa.io/en/stable/user_guide/#using-pip-from-your-program
    """

    code = "PW602"
    name = "pip-internal-api"
    severity = Severity.WARNING
    summary = "pip called in-process (`pip.main`, `pip._internal`): pip has no Python API"
    url = "https://pip.pypa.io/en/stable/user_guide/#using-pip-from-your-program"
    caller_dependent = False  # decided by the file's own text

    def on_python_use(self, use: PythonUse) -> Iterable[Hit]:
        if use.in_pip:
            return  # pip importing its own modules is how pip is written, not a use of its API
        yield Hit(
            use.span,
            f"{code(use.name)}: pip has no Python API; `pip.main` is gone since pip 10 and "
            "`pip._internal` changes between releases",
            'run pip in a subprocess: `subprocess.check_call([sys.executable, "-m", "pip", ...])`',
        )
