"""How pip is invoked: through PATH, or for a named interpreter."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipwarden.commands import PipCall
from pipwarden.model import SAFE, UNSAFE, Edit, Fix, Hit, Related, Severity, Span, line_ref
from pipwarden.rules.base import FIX_ALWAYS, FIX_SOMETIMES, Context, Rule, code
from pipwarden.rules.environment import refused_as_externally_managed
from pipwarden.shell.session import PythonUse, Script

_PIP_VERSION = re.compile(r"pip(?P<version>\d+(\.\d+)?)?(\.exe)?")


def interpreter_for(pip: PipCall, context: Context) -> str:
    """The interpreter command that owns the pip a bare `pip`/`pip3`/`pip3.12` means.

    `pip3.12` → `python3.12`, `pip3` → `python3`. Plain `pip` → `python` only where `python`
    is known to exist and be pip's interpreter (an active venv, python:* images, conda,
    setup-python, pyenv); elsewhere `python3`, since Debian and Ubuntu have no `python`.
    """
    match = _PIP_VERSION.fullmatch(pip.program)
    version = match.group("version") if match else None
    if version:
        return "python" + version
    if context.windows or context.pairs_pip_with_python:
        return "python"
    return "python3"


def python_m_pip_fix(pip: PipCall, context: Context) -> Fix | None:
    """`pip3` → `python3 -m pip`, at the word itself or (for a make variable) at its value.

    Safe where the interpreter is sure to be pip's own: `pipX.Y` → `pythonX.Y`, `pip3` →
    `python3`, and plain `pip` → `python` where a venv, a python:* image, conda or
    setup-python makes `python` pip's interpreter. Plain `pip` elsewhere becomes `python3 -m
    pip`, unsafe: that `pip` may be another Python's.
    """
    where = pip.launcher[0].edit_span
    if where is None:
        return None
    python = interpreter_for(pip, context)
    safe = pip.program != "pip" or python == "python"
    return Fix(
        (Edit(where, f"{python} -m pip"),), SAFE if safe else UNSAFE, f"use `{python} -m pip`"
    )


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


_WHERE_PYTHON_COMES_FROM = {
    "official": "the image's Python",
    "conda": "conda's Python",
    "managed": "the Python set up for this job",
    "pyenv": "pyenv's Python",
}


class BarePip(Rule):
    """
    ## What it finds
    `pip`, `pip3` or `pip3.12` found through PATH changing packages (`install`, `uninstall`,
    `download`, `wheel`) where nothing in the file ties that pip to the Python it means: a
    distro Python (`apt-get install python3-pip`), a host or image with several Pythons, or an
    unknown host (a shell script, a Makefile, a CI job that sets up no Python).

    Not reported: commands that only look (`pip --version`, `list`, `show`, `freeze`), a pip
    named by its path (`.venv/bin/pip`, `/usr/bin/pip3`), `uv pip`, and bare pip where the
    file pairs it with its Python: an active venv or conda env (also one put on PATH with
    `ENV PATH`, `$GITHUB_PATH` or `$GITHUB_ENV`), `actions/setup-python`, Azure
    `UsePythonVersion`, an official `python:*` or conda image, pyenv. There it is house style,
    which the opt-in PW203 reports. Nor in a container whose image cannot be classified (a
    private image, `FROM $BASE`) unless the file itself installs a Python there.

    ## Why it breaks
    The `pip` on PATH is whichever script comes first, and it may belong to a different
    Python than the one that later runs the code: packages install fine and `import` still
    fails with `ModuleNotFoundError`. `python -m pip` runs pip for exactly the interpreter
    you name.

    ## Example
    ```sh
    pip3 install -r requirements.txt
    ```

    ## Use instead
    ```sh
    python3 -m pip install -r requirements.txt
    ```

    ## Fix safety
    `pip3.12` → `python3.12 -m pip` and `pip3` → `python3 -m pip` are safe. Plain `pip`
    becomes `python3 -m pip` (Debian and Ubuntu have no `python`), which is unsafe: that
    `pip` may be another Python's. A pip that a make variable names is fixed at the
    variable's assignment.

    ## References
    - https://pip.pypa.io/en/stable/user_guide/#running-pip
    - https://docs.python.org/3/installing/index.html#work-with-multiple-versions-of-python-installed-in-parallel
    """

    code = "PW201"
    name = "bare-pip"
    severity = Severity.WARNING
    summary = "`pip` from PATH changing packages where the file does not tie it to its Python"
    url = "https://pip.pypa.io/en/stable/user_guide/#running-pip"
    fix = FIX_SOMETIMES
    superseded_by = ("PW202", "PW302", "PW601")  # a lost activation is the real story

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = _bare_pip_changing_packages(context)
        if pip is None or context.pairs_pip_with_python or context.maybe_activated:
            return
        if context.unknown_image and context.python is None:
            return  # an image we cannot classify brings its own Python, unknown to us
        python = interpreter_for(pip, context)
        program = code(pip.program)
        related: tuple[Related, ...] = ()
        if context.python_run is not None:
            name, span = context.python_run
            message = (
                f"{program} is the first pip on PATH, which need not belong to the "
                f"{code(name)} run on line {line_ref(span.start)}: the packages can land in "
                "another interpreter"
            )
            related = (Related(span, f"{code(name)} runs here"),)
        elif context.python_origin is not None:
            message = (
                f"{program} is the first pip on PATH, which need not belong to the Python "
                f"installed on line {line_ref(context.python_origin.start)}: the packages can "
                "land in another interpreter"
            )
            related = (Related(context.python_origin, "Python installed here"),)
        else:
            message = (
                f"{program} is the first pip on PATH, and nothing here says which Python it "
                "belongs to: the packages can land in another interpreter than the one that "
                "runs the code"
            )
        yield Hit(
            pip.launcher[0].span,
            message,
            f"use {code(python + ' -m pip')}, which runs pip for exactly that interpreter",
            related=related,
            fix=python_m_pip_fix(pip, context),
        )


class BarePipConsistency(Rule):
    """
    ## What it finds
    Bare `pip`/`pip3` changing packages where the file pairs it with its Python, so it
    works: an active venv or conda env (or one on PATH), `actions/setup-python`, Azure
    `UsePythonVersion`, an official `python:*` or conda image, pyenv. Opt-in (not in the
    default selection): select it with `extend-select = ["PW203"]` to use `python -m pip`
    everywhere.

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
    Safe: in these contexts `python` (or `python3`, `python3.12` for `pip3`, `pip3.12`) is
    the interpreter that owns the pip.

    ## References
    - https://pip.pypa.io/en/stable/user_guide/#running-pip
    """

    code = "PW203"
    name = "bare-pip-consistency"
    severity = Severity.INFO
    summary = "bare `pip` where `python -m pip` is house style (opt-in)"
    url = "https://pip.pypa.io/en/stable/user_guide/#running-pip"
    fix = FIX_ALWAYS
    superseded_by = ("PW202", "PW302", "PW601")

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = _bare_pip_changing_packages(context)
        if pip is None or not context.pairs_pip_with_python:
            return
        python = interpreter_for(pip, context)
        where = (
            f"the venv {context.venv.path}"
            if context.venv is not None and context.venv.path
            else "the active venv"
            if context.venv_active
            else _WHERE_PYTHON_COMES_FROM.get(context.python or "", "its Python")
        )
        fix = python_m_pip_fix(pip, context)
        yield Hit(
            pip.launcher[0].span,
            f"{code(pip.program)} here is the pip of {where}; {code(python + ' -m pip')} says so",
            f"use {code(python + ' -m pip')}",
            fix=fix._replace(applicability=SAFE) if fix else None,
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
            fix=python_m_pip_fix(pip, context),
        )


class SubprocessPip(Rule):
    """
    ## What it finds
    Python code running pip as a program found through PATH, or through an interpreter found
    through PATH: `subprocess.check_call(["pip", "install", ...])`, `["python3", "-m", "pip",
    ...]`, `os.system("pip install -r requirements.txt")`, `subprocess.run("python3 -m pip
    install .", shell=True)`, through `subprocess`, `os.system`/`os.popen`,
    `os.exec*`/`os.spawn*` and `asyncio.create_subprocess_*`, however they are imported. Not
    reported in a shell string that activates a venv first.

    ## Why it breaks
    The `pip` (or `python3`) on PATH need not belong to the Python running your code: the
    packages go into another environment and the `import` that follows fails with
    `ModuleNotFoundError`. `sys.executable` is the interpreter running this code.

    ## Example
    ```python
    import subprocess

    subprocess.check_call(["pip", "install", "-r", "requirements.txt"])
    ```

    ## Use instead
    ```python
    import subprocess
    import sys

    subprocess.check_call([sys.executable, "-m", "pip", "install", "-r", "requirements.txt"])
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
        pip = context.pip
        script = context.command.script
        if pip is None or not pip.through_path or pip.kind not in ("pip", "python -m pip"):
            return
        if script.origin == "python-argv":
            fix = _argv_fix(pip, script)
        elif script.origin == "python-shell" and not context.venv_active:
            fix = _shell_string_fix(pip, script)
        else:
            return
        first = pip.launcher[0]
        yield Hit(
            first.span,
            f"{code(first.raw)} runs whatever is first on PATH, which need not be the Python "
            "running this code: the packages can land in another environment",
            'use `[sys.executable, "-m", "pip", ...]`, the interpreter running this code',
            fix=fix,
        )


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
    directory with its `_internal`), where those imports are how pip is written.

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
