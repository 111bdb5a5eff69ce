"""What a rule sees at one command (`Context`): the walk's state and shell there, and what the
rest of the command's Scope shows (the interpreters it runs code with, the venvs it activates,
where it first installs with apt, the project tools it runs), read once a Scope, when a rule
first asks."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pipwarden import commands
from pipwarden.analysis import effects
from pipwarden.analysis.state import Session, State
from pipwarden.commands import InterpreterRun, PipCall
from pipwarden.model import Span
from pipwarden.rules.base import Context, OwnEnvironment
from pipwarden.shell.command import Command
from pipwarden.shell.parse import parse_script
from pipwarden.shell.session import Scope, Script


class ScopeLook:
    """What the commands of one Scope show, wherever the walk stands in it. A look makes
    the walk's result depend on which Scope it is in: each counts as reading that fact
    (`read["file"]`, one of the analysis's `_FACTS`)."""

    def __init__(self, scope: Scope, read: dict[str, int]) -> None:
        self.scope = scope
        self._read = read
        self._interpreter_runs: tuple[InterpreterRun, ...] | None = None
        self._activated: list[str | None] | None = None
        self._first_apt: tuple[Span | None] | None = None
        self._venv_packages: set[bool | None] | None = None  # apt installs' pip and venv
        self._tool_runs: list[tuple[str, Span]] | None = None

    def counted(self) -> None:
        """The walk reads something of the Scope beyond where it stands."""
        self._read["file"] += 1

    def judged_commands(self) -> Iterator[Command]:
        """The commands of the Scope's Scripts that a rule may judge, read with no state."""
        for item in self.scope.items:
            if isinstance(item, Script) and item.container is None:
                yield from parse_script(item, commands.may_be_judged_name)

    def interpreter_runs(self) -> tuple[InterpreterRun, ...]:
        """The Python interpreters the Scope runs code with, in order."""
        if self._interpreter_runs is None:
            self._interpreter_runs = tuple(
                run
                for c in self.judged_commands()
                if (run := commands.interpreter_run(c)) is not None
            )
        self.counted()
        return self._interpreter_runs

    def activations(self, venv: str | None) -> int:
        """How many commands of the Scope activate the venv at `venv`."""
        if self._activated is None:
            self._activated = [
                found.venv
                for c in self.judged_commands()
                if (found := commands.activation(c)) is not None
            ]
        self.counted()
        return self._activated.count(venv)

    def first_apt_install(self) -> Span | None:
        """The first apt install among the Scope's commands, wherever it is."""
        if self._first_apt is None:
            found = (c.span for c in self.judged_commands() if commands.installs_with_apt(c))
            self._first_apt = (next(found, None),)
        self.counted()
        return self._first_apt[0]

    def venv_package_missing(self, pip_without_venv: Span | None) -> bool:
        """apt installed the distro's pip (here, or before the file was run where
        `pip_without_venv` says so), and nothing in the Scope brings venv."""
        if self._venv_packages is None:
            self._venv_packages = {commands.apt_pip_without_venv(c) for c in self.judged_commands()}
        self.counted()
        found = self._venv_packages
        return (pip_without_venv is not None or True in found) and False not in found

    def tool_runs(self) -> list[tuple[str, Span]]:
        """The commands that run the project in a tool's environment (`poetry run`)."""
        if self._tool_runs is None:
            self._tool_runs = [
                (tool, c.span)
                for c in self.judged_commands()
                if (tool := commands.environment_run(c)) is not None
            ]
        self.counted()
        return self._tool_runs


def command_context(
    command: Command,
    pip: PipCall | None,
    state: State,
    session: Session,
    env: dict[str, str | None],
    *,
    look: ScopeLook,
    run_by_sudo: Span | None,
    at_start: bool,
    failure_ignored: bool,
    interpreters: Callable[[], tuple[InterpreterRun, ...]],
    apt_installs: Callable[[], Span | None],
    venv_package_missing: Callable[[], bool],
    own_environment: Callable[[Session], OwnEnvironment | None],
) -> Context:
    """The Context of `command` where the walk has `state` and `session` (`env`: the
    variables it runs with): who runs it, which venv and Python it finds, and, for the rules
    that ask, what else its Scope and the file show (`interpreters`, `apt_installs`,
    `venv_package_missing`, `own_environment`, each read only when asked)."""
    scope = look.scope
    environment = state.environment
    user, user_origin = effects.user_of(command, state, session)
    if command.env_reset:  # sudo's secure PATH: not the venv's pip or python
        session = session.child(command.script.shell, clean=True)
    own_path = effects.prefix_venv(command, state, session)
    if own_path is not None:  # `PATH=.venv/bin:$PATH pip ...`: found on that PATH
        session = session.copy()
        session.venv = own_path
    venv_active: bool | None = True if session.venv else (False if session.venv_known else None)
    root_only = (
        session.root_only if command.elevated_by is None and user in (None, "root") else None
    )
    if root_only is not None and venv_active is None and not session.maybe_activated:
        # Run by sudo (whose secure_path leaves a venv's bin out) or from root's shell: no
        # venv is active unless the script activates one.
        venv_active = False
    lost = state.lost_activation if session.venv is None else None
    sh, sh_label = effects.posix_sh(command.script, state, scope)
    return Context(
        command=command,
        pip=pip,
        venv_active=venv_active,
        venv=session.venv,
        maybe_activated=session.maybe_activated if session.venv is None else None,
        lost_activation=lost,
        reactivated=lost is not None and look.activations(lost.path) > 1,
        lost_boundary=state.lost_boundary if lost else None,
        boundary=scope.boundary,
        user=user,
        user_origin=user_origin,
        run_by_sudo=run_by_sudo if command.elevated_by is None else None,
        root_only=root_only,
        image_origin=state.image_origin,
        shell_user=session.runs_as[0] if session.runs_as else state.user,
        user_home=user_home(state, user),
        python="pyenv" if env.get("PYENV_VERSION") is not None else state.python,
        python_origin=state.python_origin,
        pythons=state.pythons,
        environment=environment,
        interpreters=interpreters,
        host=scope.host if command.script.container is None else "unknown",
        posix_sh=sh,
        sh_label=sh_label,
        # A PowerShell or cmd step is written for Windows, whatever the runner.
        windows=state.windows
        or bool(environment and environment.windows)
        or command.script.shell in ("pwsh", "cmd"),
        env=env,
        apt_installs=apt_installs,
        venv_package_missing=venv_package_missing,
        at_start=command.script.at_start or at_start,
        dev_container_feature=scope.dev_container_feature,
        pip_config_breaks=state.pip_config_breaks,
        failure_ignored=failure_ignored,
        own_environment=lambda: own_environment(session),
    )


def user_home(state: State, user: str | None) -> bool | None:
    """Whether `user` has a home directory pip could fall back to (None: root, or not
    known)."""
    if user is None or user == "root":
        return None
    created = state.users.get(user)
    if created is not None:
        if created.home is None and state.environment is not None:
            # useradd without -m: Debian and Ubuntu create no home, RHEL-likes do.
            return state.environment.distro in ("fedora", "rhel")
        return created.home
    if user in ("nobody", "www-data"):
        return False  # homes that do not exist or that root owns
    environment = state.environment
    if user.isdigit() and environment and environment.distro in ("debian", "ubuntu", "alpine"):
        # No passwd entry in these images: HOME is /, which the user cannot write.
        return False
    return None
