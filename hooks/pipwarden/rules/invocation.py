"""How pip is invoked: through PATH, or for a named interpreter."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipwarden.commands import PipCall
from pipwarden.model import SAFE, UNSAFE, Edit, Fix, Hit, Severity, Span
from pipwarden.rules.base import FIX_SOMETIMES, Context, Rule, code

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
    superseded_by = ("PW202",)

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
