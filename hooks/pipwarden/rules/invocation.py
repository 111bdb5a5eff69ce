"""How pip is invoked: through PATH, or for a named interpreter."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipwarden.commands import PipCall
from pipwarden.model import SAFE, UNSAFE, Edit, Fix, Hit, Severity, Span
from pipwarden.rules.base import FIX_SOMETIMES, Context, Rule, code
from pipwarden.shell.session import PythonUse

_PIP_VERSION = re.compile(r"pip(?P<version>\d+(\.\d+)?)?(\.exe)?")


def interpreter_for(pip: PipCall, context: Context) -> str:
    """The interpreter command that owns the pip a bare `pip`/`pip3`/`pip3.12` means.

    `pip3.12` → `python3.12`, `pip3` → `python3`. Plain `pip` → `python` only where `python`
    is known to exist and be pip's interpreter (an active venv, python:* images, conda,
    setup-python); elsewhere `python3`, since Debian and Ubuntu have no `python` command.
    """
    match = _PIP_VERSION.fullmatch(pip.program)
    version = match.group("version") if match else None
    if version:
        return "python" + version
    if context.venv_active or context.windows or context.python in ("official", "conda", "managed"):
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
    return re.fullmatch(r"pip(\s*([=<>!~]=?|===).*)?", requirement.strip()) is not None


class BarePip(Rule):
    """
    ## What it finds
    `pip`, `pip3` or `pip3.12` found through PATH, in any subcommand (`install`, `download`,
    `freeze`, `show`, `--version`). A pip named by its path (`.venv/bin/pip`,
    `/usr/bin/pip3`) is unambiguous and not reported; neither is `uv pip`.

    ## Why it breaks
    The `pip` on PATH is whichever script comes first, and it may belong to a different
    Python than the `python` you then run: packages install fine and `import` still fails with
    `ModuleNotFoundError`, or `pip freeze` describes another environment. `python -m pip` runs
    pip for exactly the interpreter you name.

    ## Example
    ```sh
    pip3 install -r requirements.txt
    ```

    ## Use instead
    ```sh
    python3 -m pip install -r requirements.txt
    ```

    ## Fix safety
    `pip3.12` → `python3.12 -m pip` and `pip3` → `python3 -m pip` are safe. Plain `pip` →
    `python -m pip` is safe where a venv, a python:* image, conda or setup-python makes
    `python` pip's own interpreter; elsewhere it becomes `python3 -m pip` (Debian and Ubuntu
    have no `python`) and is unsafe. A pip that a make variable names is fixed at the
    variable's assignment.

    ## References
    - https://pip.pypa.io/en/stable/user_guide/#running-pip
    - https://docs.python.org/3/installing/index.html#work-with-multiple-versions-of-python-installed-in-parallel
    """

    code = "PW201"
    name = "bare-pip"
    severity = Severity.WARNING
    summary = "`pip` found through PATH instead of `python -m pip`"
    url = "https://pip.pypa.io/en/stable/user_guide/#running-pip"
    fix = FIX_SOMETIMES
    superseded_by = ("PW202", "PW601")

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = context.pip
        if pip is None or not pip.bare_pip or pip.has("--python"):
            return
        python = interpreter_for(pip, context)
        yield Hit(
            pip.launcher[0].span,
            f"{code(pip.program)} is whichever pip comes first on PATH, which may belong to "
            f"another Python than the {code(python)} you run",
            f"use {code(python + ' -m pip')}, which runs pip for exactly that interpreter",
            fix=python_m_pip_fix(pip, context),
        )


class SelfUpgradeBarePip(Rule):
    """
    ## What it finds
    A bare `pip` installing or upgrading pip itself: `pip install -U pip`,
    `pip3 install --upgrade pip setuptools wheel`.

    ## Why it breaks
    On Windows the running `pip.exe` is locked and cannot be replaced, so pip refuses:
    `ERROR: To modify pip, please run the following command: ...\\python.exe -m pip install
    --upgrade pip`. Elsewhere the PATH's pip may upgrade a different Python's pip than the one
    you use.

    ## Example
    ```sh
    pip install --upgrade pip
    ```

    ## Use instead
    ```sh
    python -m pip install --upgrade pip
    ```

    ## Fix safety
    As for PW201: `pip` becomes `python -m pip` (safe) or `python3 -m pip` (unsafe).

    ## References
    - https://pip.pypa.io/en/stable/installation/#upgrading-pip
    """

    code = "PW202"
    name = "self-upgrade-bare-pip"
    severity = Severity.WARNING
    summary = "bare pip upgrading itself (fails on Windows: pip.exe is locked)"
    url = "https://pip.pypa.io/en/stable/installation/#upgrading-pip"
    fix = FIX_SOMETIMES

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = context.pip
        if pip is None or not pip.bare_pip or not pip.installs or pip.has("--python"):
            return
        if not any(w.text and _is_pip_itself(w.text) for w in pip.arguments):
            return
        python = interpreter_for(pip, context)
        where = (
            "on this Windows runner pip.exe is locked and pip refuses to replace itself"
            if context.windows
            else "on Windows pip.exe is locked and pip refuses to replace itself, and "
            "elsewhere the PATH's pip may be another Python's"
        )
        start, end = pip.span_through_subcommand
        yield Hit(
            Span(start, end),
            f"{code(pip.program + ' install')} upgrading pip itself: {where}",
            f"use {code(python + ' -m pip install --upgrade pip')}",
            severity=Severity.ERROR if context.windows else None,
            fix=python_m_pip_fix(pip, context),
        )


class SubprocessPip(Rule):
    """
    ## What it finds
    Python code running pip as a program found through PATH, or through a named interpreter:
    `subprocess.check_call(["pip", "install", ...])`, `["pip3", ...]`, `["python3", "-m",
    "pip", ...]`, through `subprocess`, `os.exec*`/`os.spawn*` and
    `asyncio.create_subprocess_exec`, however they are imported.

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
    Safe: the list is rewritten to start with `sys.executable, "-m", "pip"` (formatting and
    comments kept), and `import sys` is added after the existing imports where it is missing.

    ## References
    - https://pip.pypa.io/en/stable/user_guide/#using-pip-from-your-program
    """

    code = "PW601"
    name = "subprocess-pip"
    severity = Severity.WARNING
    summary = "Python running pip from PATH instead of `sys.executable -m pip`"
    url = "https://pip.pypa.io/en/stable/user_guide/#using-pip-from-your-program"
    fix = FIX_SOMETIMES

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = context.pip
        script = context.command.script
        if script.origin != "python-argv" or pip is None or not pip.through_path:
            return
        if pip.kind == "pip":
            replacement = 'sys.executable, "-m", "pip"'
        elif pip.kind == "python -m pip":
            replacement = "sys.executable"
        else:
            return
        first = pip.launcher[0]
        edits = [Edit(first.span, replacement)]
        if script.import_sys_at is not None:
            edits.append(Edit(Span(script.import_sys_at, script.import_sys_at), "import sys\n"))
        yield Hit(
            first.span,
            f"{code(first.raw)} runs whatever is first on PATH, which need not be the Python "
            "running this code: the packages can land in another environment",
            'use `[sys.executable, "-m", "pip", ...]`, the interpreter running this code',
            fix=Fix(tuple(edits), SAFE, "use `sys.executable -m pip`"),
        )


class PipInternalApi(Rule):
    """
    ## What it finds
    Python code calling pip in-process: `pip.main([...])`, `from pip._internal import main`,
    `from pip._internal.cli.main import main`, any import from `pip._internal`.

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

    def on_python_use(self, use: PythonUse) -> Iterable[Hit]:
        yield Hit(
            use.span,
            f"{code(use.name)}: pip has no Python API; `pip.main` is gone since pip 10 and "
            "`pip._internal` changes between releases",
            'run pip in a subprocess: `subprocess.check_call([sys.executable, "-m", "pip", ...])`',
        )
