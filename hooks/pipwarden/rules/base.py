"""The shape of a rule, and the context the analysis hands it.

A rule is a small self-describing class: code, kebab-case name, severity, the URL of the
authoritative documentation, and its long explanation as the class docstring in fixed
sections. Rules are pure: they read the context and return Hits; they never read files and
know nothing of file formats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ClassVar

from pipwarden.commands import InterpreterRun, PipCall, pip_env_true
from pipwarden.environments import Environment, Python, resolve
from pipwarden.model import Hit, Related, Severity, Span
from pipwarden.record import Record
from pipwarden.shell.command import Command
from pipwarden.shell.session import Boundary, PythonUse


class Venv(Record):
    """An active virtual environment (or conda env) and where it was made active."""

    path: str | None
    how: str  # "activate", "PATH", "VIRTUAL_ENV", "conda"
    span: Span | None = None

    @property
    def conda(self) -> bool:
        return self.how == "conda"


class OwnEnvironment(Record):
    """A project tool's own environment (`poetry install` made it) that the Scope later runs
    the project in (`poetry run pytest`)."""

    tool: str
    made: Span
    run: Span


class Context(Record):
    """The environment state at one command."""

    command: Command
    pip: PipCall | None
    # True: a venv/conda env is active; False: known that none is; None: unknown.
    venv_active: bool | None
    venv: Venv | None
    # A sourced helper (`. ./venv.sh`, `source activate_env`) that may have activated a venv
    # we cannot see: whether one is active is unknown, and the file seems to mean one.
    maybe_activated: Span | None
    # An activation made in an earlier Script of the Scope that did not carry over, and
    # whether the Scope activates that venv again elsewhere (so the file knows activations do
    # not carry over, and a Script that does not is meant to run outside it).
    lost_activation: Venv | None
    reactivated: bool
    # Where the shell that made `lost_activation` ended.
    lost_boundary: Span | None
    boundary: Boundary | None
    # "root", a user name or uid, or None when unknown; `shell_user` is who runs the shell,
    # `user` who runs this command (after sudo).
    user: str | None
    # Where `user` was set: the USER line, or the sudo that runs this command.
    user_origin: Span | None
    # The sudo that runs the script this command is in, in the file that calls it
    # (`sudo ./install.sh`): the command runs as root, though nothing here says sudo.
    run_by_sudo: Span | None
    # Where the script stopped unless it runs as root (`[ "$(id -u)" -ne 0 ] && exit 1`), for
    # a command nothing else elevates: it runs as root, though nothing here says sudo.
    root_only: Span | None
    # The FROM or `image:` of the image the command runs in, if any.
    image_origin: Span | None
    shell_user: str | None
    # Whether that user has a home directory pip could fall back to (None: unknown).
    user_home: bool | None
    # Where `python`/`pip` come from: "official", "distro", "conda", "managed", "pyenv",
    # "runner" (a hosted CI runner's own), "source" (built by the file), or None.
    python: str | None
    # Where the file put that Python in place (an apt line, a setup-python step), if it did.
    python_origin: Span | None
    # The environment's Pythons in the order PATH finds them (see `environments.resolve`).
    pythons: tuple[Python, ...]
    # The image or hosted runner the command runs in, where known.
    environment: Environment | None
    # The interpreters the Scope runs code with (`python3 app.py`), before and after this
    # command; read when asked.
    interpreters: Callable[[], Sequence[InterpreterRun]]
    # "build" (an image build), "image" (a container), "ci", "developer", or "unknown": a
    # machine the repository does not control.
    host: str
    # True when the shell running this command is dash or strictly POSIX (no `source`).
    posix_sh: bool
    sh_label: str
    windows: bool
    env: Mapping[str, str | None]
    # Where the Scope installs with apt (the script is for Debian or Ubuntu), if it does:
    # before this command on its path, else anywhere in it; read when asked.
    apt_installs: Callable[[], Span | None] = lambda: None
    # Where a pip configuration file was told to break system packages, if it was.
    pip_config_breaks: Span | None = None
    # The script goes on whatever this command gives (`cmd || true`).
    failure_ignored: bool = False
    # Where no venv is active: a project tool's environment made before this command that
    # the Scope runs the project in after it; read when asked.
    own_environment: Callable[[], OwnEnvironment | None] = lambda: None
    # The Scope installs the distro's pip with apt but not python3-venv; read when asked.
    venv_package_missing: Callable[[], bool] = lambda: False
    # The command runs when a container starts (an ENTRYPOINT script), not in the build.
    at_start: bool = False
    # The Scope is a dev container Feature's install script (see Scope).
    dev_container_feature: bool = False

    def checks_marker(self, pip: PipCall) -> bool:
        """Whether pip checks the system Python's PEP 668 marker for this command: an install
        or uninstall into the system Python (not a venv's, not with --target/--prefix/--root),
        not told to break system packages."""
        if not pip.modifies or pip.kind not in ("pip", "python -m pip", "uv pip"):
            return False
        if pip.kind == "uv pip" and not pip.has("--system"):
            return False
        if pip.names_other_interpreter or (
            not pip.names_system_interpreter and self.venv_active is not False
        ):
            return False
        return not pip.explicit_target and not self.breaks_system_packages(pip)

    def breaks_system_packages(self, pip: PipCall) -> bool:
        """The command is told to install past PEP 668's marker: `--break-system-packages`,
        PIP_BREAK_SYSTEM_PACKAGES / UV_BREAK_SYSTEM_PACKAGES, or pip's configuration."""
        return (
            pip.has("--break-system-packages")
            or self.pip_config_breaks is not None
            or any(
                pip_env_true(self.env.get(name))
                for name in ("PIP_BREAK_SYSTEM_PACKAGES", "UV_BREAK_SYSTEM_PACKAGES")
            )
        )

    @property
    def pairs_pip_with_python(self) -> bool:
        """The file itself makes `pip` on PATH the pip of the Python it means: an active venv
        or conda env, or a Python put in place to take installs (python:* images, conda,
        setup-python, UsePythonVersion, pyenv)."""
        return bool(self.venv_active) or self.python in ("official", "conda", "managed", "pyenv")

    @property
    def system_python(self) -> bool:
        """`python`/`pip` resolve to an interpreter whose site-packages the system owns."""
        return self.python in ("official", "distro", "source")

    def python_named(self, command: str) -> Python | None:
        """The Python an interpreter or pip command belongs to, as the environment shows:
        through PATH, or /usr/bin's, the distro's own."""
        if "/" not in command:
            return resolve(self.pythons, command)
        directory, _, name = command.rpartition("/")
        if directory in ("/usr/bin", "/bin"):
            return next((p for p in self.pythons if p.origin == "distro" and p.runs(name)), None)
        return None

    def python_of(self, pip: PipCall) -> Python | None:
        """The Python whose site-packages a pip command changes, where the environment shows
        it (never inside a venv)."""
        if pip.kind in ("pip", "python -m pip"):
            return self.python_named(pip.program)
        if pip.kind == "uv pip" and pip.has("--system"):
            return self.python_named("python3")
        return None


class EnvContext(Record):
    """A variable set for later commands (ENV, `export`, a prefix assignment, CI `env:`)."""

    name: str
    value: str | None
    span: Span
    host: str = "unknown"  # as in Context
    venv_package_missing: Callable[[], bool] = lambda: False  # as in Context
    # The command a prefix assignment is set for alone (`VAR=1 make bios`); None for one that
    # later commands see.
    prefixed: Command | None = None


class UserSwitch(Record):
    """`USER app` after earlier commands of the Scope ran as root."""

    user: str
    span: Span
    root_user_installs: tuple[PipCall, ...]


FIX_NONE = "none"
FIX_SOMETIMES = "sometimes"
FIX_ALWAYS = "always"


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    url: ClassVar[str]
    fix: ClassVar[str] = FIX_NONE
    # Codes of more specific rules: when one of them fires on a command, this one does not.
    superseded_by: ClassVar[tuple[str, ...]] = ()
    # Whether a file another one runs (a script, a composite action) can get this finding
    # from its caller's state (user, image, venv, sudo) rather than from its own text.
    caller_dependent: ClassVar[bool] = True

    def on_command(self, context: Context) -> Iterable[Hit]:
        return ()

    def on_env(self, env: EnvContext) -> Iterable[Hit]:
        return ()

    def on_user_switch(self, switch: UserSwitch) -> Iterable[Hit]:
        return ()

    def on_python_use(self, use: PythonUse) -> Iterable[Hit]:
        return ()

    @classmethod
    def documentation(cls) -> str:
        import textwrap  # only `pipwarden rule` and SARIF read the explanations

        return textwrap.dedent(cls.__doc__ or "").strip()


class RuleHit(Record):
    """A rule's hit where the analysis made it."""

    rule: Rule
    hit: Hit
    called: bool = False  # in a file another one runs, its call already named
    # The shell functions it was made in, each with the call that ran it, outermost first.
    functions: tuple[tuple[str, Span], ...] = ()


def spelled(python: str, context: Context) -> str:
    """An interpreter command as the file names its Python: `$(PYTHON)` in a Makefile whose
    `PYTHON ?= python3`, for `python3` (or the unversioned guess `python`)."""
    variable = context.command.script.python_variable
    if variable is None:
        return python
    spelling, value = variable
    guesses = ("python", "python3")
    return spelling if python == value or (python in guesses and value in guesses) else python


class Layout(Record):
    python: str  # the venv's interpreter, as a command of this shell
    anchored: str  # the venv from anywhere: later shells may start elsewhere
    bin: str  # the anchored venv's folder of programs


def venv_layout(venv: str, shell: str, windows: bool) -> Layout:
    """How `shell` names the venv's programs: `.\\venv\\Scripts\\python` in PowerShell,
    `venv\\Scripts\\python` in cmd, `venv/Scripts/python` in Git Bash on Windows,
    `venv/bin/python` elsewhere."""
    absolute = venv.startswith(("/", "$", "~", "%")) or venv[1:3] in (":\\", ":/")
    if shell in ("pwsh", "cmd"):
        native = venv.replace("/", "\\")
        here = "$PWD" if shell == "pwsh" else "%CD%"
        anchored = native if absolute else f"{here}\\{native}"
        local = native if absolute or shell == "cmd" else f".\\{native}"
        return Layout(f"{local}\\Scripts\\python", anchored, f"{anchored}\\Scripts")
    folder = "Scripts" if windows else "bin"
    anchored = venv if absolute else f"$PWD/{venv}"
    return Layout(f"{venv}/{folder}/python", anchored, f"{anchored}/{folder}")


# Debian and Ubuntu ship venv's ensurepip apart from python3-pip.
ADD_VENV_PACKAGE = "add `python3-venv` to the apt install of python3-pip, then "


def venv_remedy(context: Context) -> str:
    """Installing into a venv, in the terms of the file the command is in: Python code
    names the interpreter running it; an image build puts the venv on PATH for every later
    instruction (a script run when the container starts makes its own); a Makefile names its
    own Python; Windows has the `py` launcher and the venv's `Scripts` folder, and a Windows
    image keeps PATH in the registry, which `setx /M` writes. Debian and Ubuntu need
    python3-venv for `python3 -m venv` where apt installed only python3-pip."""
    if context.command.script.origin.startswith("python-"):
        if context.pip is not None and context.pip.runs_this_python:
            # `[sys.executable, "-m", "pip", ...]` already: the venv is where the code runs.
            return "run the code from a virtual environment"
        return (
            'install for the interpreter running this code, `[sys.executable, "-m", "pip", '
            '"install", ...]`, and run the code from a virtual environment'
        )
    if context.windows and context.host == "build" and not context.at_start:
        path = "$env:PATH" if context.command.script.shell == "pwsh" else "%PATH%"
        return (
            "install into a venv on PATH: `RUN python -m venv C:\\venv`, "
            f'`RUN setx /M PATH "C:\\venv\\Scripts;{path}"`, then `RUN python -m pip install ...`'
        )
    if context.windows:  # in the step's own shell: PowerShell, cmd, or Git Bash
        shell = context.command.script.shell
        then = "; " if shell == "pwsh" else " && "
        python = venv_layout(".venv", shell, True).python
        return (
            "create a venv and install with its own interpreter: "
            f"`py -m venv .venv{then}{python} -m pip install ...`"
        )
    venv_package = ADD_VENV_PACKAGE if context.venv_package_missing() else ""
    if context.dev_container_feature:
        # The installed package is for whoever runs python3 later: a venv at a fixed path,
        # which `containerEnv` puts on their PATH ("A set of name value pairs that sets or
        # overrides environment variables", https://containers.dev/implementors/features/).
        return (
            f"install into a venv at a fixed path: {venv_package}`python3 -m venv /opt/venv "
            "&& /opt/venv/bin/python -m pip install ...`, and put it on PATH with "
            '`"containerEnv": {"PATH": "/opt/venv/bin:${PATH}"}` in devcontainer-feature.json'
        )
    if context.host == "build" and not context.at_start:
        return (
            f"install into a venv on PATH: {venv_package}`RUN python3 -m venv /opt/venv`, "
            "`ENV PATH=/opt/venv/bin:$PATH`, then `RUN python -m pip install ...`"
        )
    return (
        f"create a venv and install with its own interpreter: {venv_package}"
        f"{venv_commands(context)}"
    )


def venv_commands(context: Context) -> str:
    """Making a venv and installing with its interpreter, on a POSIX machine, in the file's
    own terms: its `$(PYTHON)`; for Python 2's pip, virtualenv (Python 2 has no venv)."""
    pip = context.pip
    if pip is not None and pip.program.rsplit("/", 1)[-1].startswith(("pip2", "python2")):
        made = "virtualenv -p python2 .venv"
    else:
        made = f"{spelled('python3', context)} -m venv .venv"
    return f"`{made} && .venv/bin/python -m pip install ...`"


def code(text: str) -> str:
    """Markdown-ish inline code for messages."""
    return f"`{text}`"


def evidence(*places: tuple[Span | None, str]) -> tuple[Related, ...]:
    """Related locations for the lines that made the state a finding rests on (a USER line,
    an activation), leaving out those the file does not show."""
    return tuple(Related(span, label) for span, label in places if span is not None)
