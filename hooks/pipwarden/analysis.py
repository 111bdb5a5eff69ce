"""Walks a Scope in order, keeps the environment state, and hands each command (and each
variable or user change) to the rules.

State has two layers: what a Scope's Scripts inherit (ENV, USER, the base image, venvs that
exist on disk, installed packages) and what lives only as long as one shell process (an
activated venv, exported variables). Unknown is a real value: a rule never fires on a guess.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple, Protocol

from pipwarden import commands, environments
from pipwarden.commands import InterpreterRun, PipCall
from pipwarden.environments import UNKNOWN, Environment, Python
from pipwarden.model import Hit, Related, Span, line_ref
from pipwarden.rules.base import Context, EnvContext, Rule, UserSwitch, Venv
from pipwarden.shell.parse import Command, Wanted, Word, parse_script
from pipwarden.shell.session import (
    Call,
    Container,
    Files,
    Image,
    Persist,
    PythonUse,
    Runner,
    Scope,
    Script,
    SetDir,
    SetEnv,
    SetPython,
    SetUser,
)


class RuleHit(NamedTuple):
    rule: Rule
    hit: Hit
    called: bool = False  # in a file another one runs, its call already named


class _Session:
    """What one shell process knows; starts from the Scope's inherited state. (Plain classes
    here: importing dataclasses costs a pre-commit run 8 ms.)"""

    __slots__ = ("activated", "cwd", "env", "maybe_activated", "venv", "venv_known")

    def __init__(
        self, venv: Venv | None, venv_known: bool, env: dict[str, str | None], cwd: str | None
    ) -> None:
        self.venv = venv
        self.venv_known = venv_known
        self.env = env
        self.cwd = cwd  # the working directory, where known
        self.activated: Venv | None = None  # an activation this process made
        self.maybe_activated: Span | None = None  # a sourced helper that may have activated one

    def child(self) -> _Session:
        """The session of a child process: the environment (an activation exports
        VIRTUAL_ENV and PATH) and the directory carry over, the shell's own state does not."""
        return _Session(self.venv, self.venv_known, dict(self.env), self.cwd)


class State:
    """What a Scope's Scripts inherit, kept while walking it."""

    __slots__ = (
        "cwd",
        "env",
        "environment",
        "files",
        "image_origin",
        "lost_activation",
        "lost_boundary",
        "python",
        "python_origin",
        "pythons",
        "root_user_installs",
        "user",
        "user_origin",
        "users",
        "venv",
        "venv_known",
        "venvs_created",
        "windows",
    )

    def __init__(self) -> None:
        # The image or runner the Scripts run in, where known, and the line that says so.
        self.environment: Environment | None = None
        self.image_origin: Span | None = None
        self.user_origin: Span | None = None  # the USER line that set `user`
        # The working directory of the next Script, where known, and the repository files
        # a build put in the image (path → `Files`), newest first.
        self.cwd: str | None = None
        self.files: list[Files] = []
        # Where the Script that made `lost_activation` ended.
        self.lost_boundary: Span | None = None
        # Whether "no venv active" is known at the start of each Script.
        self.venv_known = False
        self.venv: Venv | None = None
        self.user: str | None = None
        self.env: dict[str, str | None] = {}
        # Where the Python that `python`/`pip` find comes from ("official", "distro", "conda",
        # "managed", "pyenv", "runner", "source"), and the line that put it in place.
        self.python: str | None = None
        self.python_origin: Span | None = None
        # The environment's Pythons in the order PATH finds them (UNKNOWN: others may come
        # first).
        self.pythons: tuple[Python, ...] = (UNKNOWN,)
        self.venvs_created: dict[str, Span] = {}
        self.users: dict[str, commands.UserCreation] = {}
        self.root_user_installs: list[PipCall] = []
        self.lost_activation: Venv | None = None
        self.windows = False

    def copy(self) -> State:
        copied = State()
        for name in self.__slots__:
            value = getattr(self, name)
            setattr(copied, name, value.copy() if isinstance(value, (dict, list)) else value)
        return copied


class Loader(Protocol):
    """How the analysis reads the other files of the repository that a Script runs: the
    engine parses them (each at its own offset base, so spans stay unique) and says what
    it could not follow."""

    root: str  # calls that leave this directory are not followed

    def exists(self, path: str) -> bool: ...

    def load(self, path: str) -> Sequence[Scope] | None: ...

    def note(self, message: str) -> None: ...


# How deep calls are followed (a script that runs a script that runs ...).
MAX_CALL_DEPTH = 8


class _Calls:
    """What the walks of one analysis share to follow calls: the loader, and the entry
    states each called file was already analysed in."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self.seen: set[tuple[object, ...]] = set()


class _Here(NamedTuple):
    """Which file a walk reads and how it got there."""

    path: str | None  # the file on disk
    script_dir: str | None  # its directory as the running Script sees it (`$(dirname "$0")`)
    call: Related | None = None  # the command or step that runs it
    sourced: bool = False  # run in the caller's own shell
    sudo: Span | None = None  # the sudo a caller runs it with (`sudo ./install.sh`)
    trail: tuple[str, ...] = ()  # the files on the way here, this one last, for cycles


def analyse(
    scopes: Sequence[Scope],
    rules: Sequence[Rule],
    loader: Loader | None = None,
    path: str | None = None,
) -> Iterator[RuleHit]:
    """The rule hits in `scopes`, read from the file `path`; with a `loader`, the repository
    files its Scripts run are analysed in the state they run in."""
    calls = _Calls(loader) if loader is not None else None
    finished: dict[str, State] = {}
    for scope in scopes:
        inherited = finished.get(scope.inherits or "")
        state = inherited.copy() if inherited else State()
        if inherited is None:
            state.cwd = scope.directory or ("/" if scope.image_paths else None)
        state.lost_activation = None
        # `$0` is a file's own path only where the file is the script (not a CI step's).
        standalone = path is not None and scope.directory is None and not scope.image_paths
        here = _Here(
            path,
            posixpath.dirname(path) if standalone and path else None,
            trail=(path,) if path else (),
        )
        yield from _Walk(scope, rules, state, calls, here).run()
        finished[scope.name] = state


class _Walk:
    def __init__(
        self,
        scope: Scope,
        rules: Sequence[Rule],
        state: State,
        calls: _Calls | None,
        here: _Here,
    ) -> None:
        self.scope = scope
        self.rules = rules
        self.state = state
        self.calls = calls
        self.here = here
        # The environments of containers and hosts the Scope hands text to, by where.
        self.containers: dict[Container, tuple[State, _Session]] = {}
        # What the Scope's Scripts do, read when a rule first needs it: the interpreters
        # they run code with, the venvs they activate.
        self.interpreter_runs: tuple[InterpreterRun, ...] | None = None
        self.activated: list[str | None] | None = None

    def run(self) -> Iterator[RuleHit]:
        for item in self.scope.items:
            if isinstance(item, Script):
                yield from self._script(item)
            elif isinstance(item, SetDir):
                self.state.cwd = _joined(self.state.cwd, item.path)
            elif isinstance(item, Files):
                target = _joined(self.state.cwd, item.target)
                if target is not None:
                    self.state.files.insert(0, item._replace(target=target))
            elif isinstance(item, Call):
                yield from self._call_item(item)
            elif isinstance(item, Image):
                self._image(item)
            elif isinstance(item, SetEnv):
                yield from self._set_env(item)
            elif isinstance(item, SetUser):
                yield from self._set_user(item)
            elif isinstance(item, SetPython):
                self._set_python(item)
            elif isinstance(item, Runner):
                self._runner(item)
            elif isinstance(item, PythonUse):
                yield from (
                    RuleHit(rule, hit) for rule in self.rules for hit in rule.on_python_use(item)
                )

    # Inherited state ------------------------------------------------------------------------

    def _image(self, image: Image) -> None:
        environment = environments.image(image.ref) if image.ref else None
        self._enter(environment, image.span, self.scope.runs_in_image)

    def _runner(self, runner: Runner) -> None:
        environment = environments.runner(runner.label) if runner.label else None
        self.state.windows = runner.windows or bool(environment and environment.windows)
        if environment is not None:
            self._enter(environment, runner.span, True)
            self.state.user = None  # the runner's own user, who has sudo

    def _enter(self, environment: Environment | None, origin: Span, inside: bool) -> None:
        """The Scripts run in `environment` from here on (`inside`: in it, not in the caller's
        unknown one), which the line at `origin` names."""
        state = self.state
        state.environment = environment
        state.image_origin = origin
        state.pythons = (
            environment.pythons if environment and environment.pythons is not None else (UNKNOWN,)
        )
        state.python = _python_kind(environment)
        state.python_origin = None
        state.user = environment.default_user if environment else None
        state.user_origin = None
        state.venv = None
        state.venv_known = environment is not None and inside
        state.env = {}
        if self.scope.image_paths:
            state.cwd, state.files = "/", []

    def _set_python(self, item: SetPython) -> None:
        """setup-python, UsePythonVersion, setup-miniconda: a Python first on PATH."""
        state = self.state
        state.python, state.python_origin = item.source, item.span
        names = {"python", "python3", "pip", "pip3"}
        if item.version and re.fullmatch(r"3\.\d+(\.[\dx*]+)?", item.version):
            minor = ".".join(item.version.split(".")[:2])
            names |= {f"python{minor}", f"pip{minor}"}
        origin = "conda" if item.source == "conda" else "toolcache"
        self._first_on_path(Python(origin, frozenset(names), item.version, False))

    def _first_on_path(self, python: Python) -> None:
        self.state.pythons = (python, *(p for p in self.state.pythons if p != python))

    def _set_env(self, item: SetEnv) -> Iterator[RuleHit]:
        state = self.state
        value = _expand(item.value, state.env) if item.value is not None else None
        state.env[item.name] = value
        venv = self._venv_from_variable(item.name, value, item.span)
        if venv is not None:
            state.venv = venv
            state.lost_activation = None
        elif item.name == "PATH" and value is None:
            state.venv_known = False
        yield from self._dispatch_env(EnvContext(item.name, value, item.span, self.scope.host))

    def _set_user(self, item: SetUser) -> Iterator[RuleHit]:
        state = self.state
        user = _user_name(item.user)
        previous = state.user
        state.user = user
        state.user_origin = item.span
        if previous == "root" and user not in ("root", None) and state.root_user_installs:
            switch = UserSwitch(user, item.span, tuple(state.root_user_installs))
            for rule in self.rules:
                for hit in rule.on_user_switch(switch):
                    yield RuleHit(rule, hit)
            state.root_user_installs.clear()

    def _venv_from_variable(self, name: str, value: str | None, span: Span) -> Venv | None:
        if value is None:
            return None
        if name == "VIRTUAL_ENV" and value:
            return Venv(value, "VIRTUAL_ENV", span)
        if name == "CONDA_PREFIX" and value:
            return Venv(value, "conda", span)
        if name != "PATH":
            return None
        for entry in value.split(":"):
            directory = commands.venv_of_bin_dir(entry.strip("\"'"))
            if directory is None or directory in ("/usr", "/usr/local", "", "/"):
                continue
            if commands.is_conda_dir(directory):
                return Venv(directory, "conda", span)
            if (
                directory in self.state.venvs_created
                or directory == self.state.env.get("VIRTUAL_ENV")
                or commands.looks_like_venv(directory)
            ):
                return Venv(directory, "PATH", span)
            if not directory.startswith("$"):
                break  # an ordinary bin directory comes first on PATH
        return None

    # Shell processes ------------------------------------------------------------------------

    def _script(self, script: Script) -> Iterator[RuleHit]:
        state = self.state
        cwd = _joined(state.cwd, script.cwd) if script.cwd else state.cwd
        session = _Session(state.venv, state.venv_known, dict(state.env), cwd)
        yield from self._run_script(script, session)
        if session.activated is not None and state.venv is None:
            state.lost_activation = session.activated
            state.lost_boundary = script.offsets.span(len(script.text), len(script.text))

    def _run_script(self, script: Script, session: _Session) -> Iterator[RuleHit]:
        for item in script.env:
            session.env[item.name] = item.value
            venv = self._venv_from_variable(item.name, item.value, item.span)
            if venv is not None:
                session.venv = venv
            yield from self._dispatch_env(
                EnvContext(item.name, item.value, item.span, self.scope.host)
            )
        wanted = commands.relevant_program
        if self.scope.persist:
            wanted = _with_output_commands
        if self.calls is not None:
            wanted = _with_calls(wanted)
        readings: dict[int, list[tuple[Assumptions, list[RuleHit]]]] = {}
        for command in parse_script(script, wanted):
            reading = command.reading
            if reading is None:
                yield from self._command(command, session)
                continue
            # A command read once per possible value of its variables: judged each way, then
            # reported once, saying which values a finding needs when it needs some.
            group = readings.setdefault(reading.group, [])
            group.append((reading.assumptions, list(self._command(command, session))))
            if len(group) == reading.count:
                yield from _merge_readings(readings.pop(reading.group), reading.count)
        # A reading that gave no command (`$CMD` read as `sudo` alone) leaves its group short.
        for group in readings.values():
            yield from _merge_readings(group, len(group) + 1)

    def _command(self, command: Command, session: _Session) -> Iterator[RuleHit]:
        container = command.script.container
        if container is not None:
            # Text run in a container or on another host: that environment, not this shell's.
            outer = self.state
            self.state, session = self._container(container)
            try:
                yield from self._command_here(command, session)
            finally:
                self.state = outer
            return
        yield from self._command_here(command, session)

    def _container(self, container: Container) -> tuple[State, _Session]:
        if container not in self.containers:
            state = State()
            environment = environments.image(container.image) if container.image else None
            state.environment = environment
            if environment is not None and environment.pythons is not None:
                state.pythons = environment.pythons
            state.python = _python_kind(environment)
            state.user = container.user or (environment.default_user if environment else None)
            state.venv_known = environment is not None
            self.containers[container] = (state, _Session(None, state.venv_known, {}, None))
        return self.containers[container]

    def _command_here(self, command: Command, session: _Session) -> Iterator[RuleHit]:
        env = session.env
        for assignment in command.assignments:
            value = assignment.value.text if assignment.value else None
            yield from self._dispatch_env(
                EnvContext(assignment.name, value, assignment.span, self.scope.host)
            )
        if not command.words:
            self._assign(command, session)
            return
        pip = commands.pip_call(command)
        if command.assignments:
            env = {
                **env,
                **{a.name: a.value.text if a.value else None for a in command.assignments},
            }
        context = self._context(command, pip, session, env)
        yield from self._dispatch(context)
        called = self._called_file(command, session) if self.calls is not None else None
        if called is not None:
            yield from self._follow(called, command, session)
        else:
            self._effects(command, pip, session)

    def _context(
        self, command: Command, pip: PipCall | None, session: _Session, env: dict[str, str | None]
    ) -> Context:
        state = self.state
        environment = state.environment
        user = self._user(command)
        venv_active: bool | None = True if session.venv else (False if session.venv_known else None)
        lost = state.lost_activation if session.venv is None else None
        sh, sh_label = self._shell(command.script)
        return Context(
            command=command,
            pip=pip,
            venv_active=venv_active,
            venv=session.venv,
            maybe_activated=session.maybe_activated if session.venv is None else None,
            lost_activation=lost,
            reactivated=lost is not None and self._activations(lost.path) > 1,
            lost_boundary=state.lost_boundary if lost else None,
            boundary=self.scope.boundary,
            user=user,
            user_origin=command.elevated_by
            or (command.wrappers[0].span if command.run_as and command.wrappers else None)
            or state.user_origin,
            run_by_sudo=self.here.sudo if command.elevated_by is None else None,
            image_origin=state.image_origin,
            shell_user=state.user,
            user_home=self._home(user),
            python="pyenv" if env.get("PYENV_VERSION") is not None else state.python,
            python_origin=state.python_origin,
            pythons=state.pythons,
            environment=environment,
            interpreters=self._interpreters,
            host=self.scope.host if command.script.container is None else "unknown",
            posix_sh=sh,
            sh_label=sh_label,
            # A PowerShell or cmd step is written for Windows, whatever the runner.
            windows=state.windows
            or bool(environment and environment.windows)
            or command.script.shell in ("pwsh", "cmd"),
            env=env,
        )

    def _activations(self, venv: str | None) -> int:
        """How many commands of the Scope activate the venv at `venv`."""
        if self.activated is None:
            self.activated = [
                found.venv
                for item in self.scope.items
                if isinstance(item, Script)
                for command in parse_script(item, commands.relevant_program)
                if (found := commands.activation(command)) is not None
            ]
        return self.activated.count(venv)

    def _interpreters(self) -> tuple[InterpreterRun, ...]:
        """The Python interpreters this Scope runs code with, in order (read once, when a
        rule first asks)."""
        if self.interpreter_runs is None:
            self.interpreter_runs = tuple(
                run
                for item in self.scope.items
                if isinstance(item, Script) and item.container is None
                for command in parse_script(item, commands.relevant_program)
                if command.script.container is None
                and (run := commands.interpreter_run(command)) is not None
            )
        return self.interpreter_runs

    def _user(self, command: Command) -> str | None:
        """Who runs `command`: the user sudo names, root under sudo, or the shell's user."""
        if command.run_as is not None:
            return command.run_as
        return "root" if command.elevated_by else self.state.user

    def _shell(self, script: Script) -> tuple[bool, str]:
        if script.shell == "dash":
            return True, "dash"
        if script.shell != "sh":
            return False, script.shell
        environment = self.state.environment
        if environment is not None:
            distro = (environment.distro or "").capitalize()
            return environment.sh == "dash", f"/bin/sh (dash on {distro}-based images)"
        if self.scope.runs_in_image or script.container is not None:
            return False, "/bin/sh"
        # A script that names /bin/sh must run wherever /bin/sh is POSIX sh: dash on Debian
        # and Ubuntu.
        return True, "/bin/sh (dash on Debian and Ubuntu)"

    def _home(self, user: str | None) -> bool | None:
        if user is None or user == "root":
            return None
        created = self.state.users.get(user)
        if created is not None:
            if created.home is None and self.state.environment is not None:
                # useradd without -m: Debian and Ubuntu create no home, RHEL-likes do.
                return self.state.environment.distro in ("fedora", "rhel")
            return created.home
        if user in ("nobody", "www-data"):
            return False  # homes that do not exist or that root owns
        environment = self.state.environment
        if user.isdigit() and environment and environment.distro in ("debian", "ubuntu", "alpine"):
            # No passwd entry in these images: HOME is /, which the user cannot write.
            return False
        return None

    def _dispatch(self, context: Context) -> Iterator[RuleHit]:
        hits = [RuleHit(rule, hit) for rule in self.rules for hit in rule.on_command(context)]
        fired = {h.rule.code for h in hits}
        for rule_hit in hits:
            if not fired.intersection(rule_hit.rule.superseded_by):
                yield rule_hit

    def _dispatch_env(self, env: EnvContext) -> Iterator[RuleHit]:
        for rule in self.rules:
            for hit in rule.on_env(env):
                yield RuleHit(rule, hit)

    # Calls into other files of the repository ---------------------------------------------

    def _called_file(self, command: Command, session: _Session) -> _Called | None:
        """The repository file `command` runs or sources, and the path the Script names it
        by; None when it names none that can be known."""
        call = commands.script_call(command)
        if call is None or commands.activation(command) is not None:
            return None
        named = _expanded(call.path, session.env, self.here.script_dir)
        if named is None:
            return None
        return self._locate(named, session.cwd, call)

    def _locate(self, named: str, cwd: str | None, call: commands.ScriptCall) -> _Called | None:
        assert self.calls is not None
        root = self._root
        if named.startswith("/") or cwd is not None:
            candidates = [posixpath.normpath(posixpath.join(cwd or "/", named))]
        elif self.here.script_dir is not None:
            # A script's directory is unknown to the script itself; the usual ones are its
            # own and the repository's root.
            candidates = [posixpath.normpath(posixpath.join(self.here.script_dir, named))]
            candidates.append(posixpath.normpath(posixpath.join(root, named)))
        else:
            return None
        for candidate in candidates:
            disk = self._on_disk(candidate)
            if disk is None or not _within(disk, root):
                continue
            if self.calls.loader.exists(disk):
                # A file that is no script pipwarden reads (a binary, a Python program) is
                # a command like any other.
                scopes = self.calls.loader.load(disk)
                return _Called(disk, candidate, call, scopes) if scopes else None
        return None

    def _on_disk(self, path: str) -> str | None:
        """Where the repository holds `path` of the Script's filesystem."""
        if not self.scope.image_paths:
            return path
        for files in self.state.files:  # the newest COPY first
            inside = self._copied_from(files, path)
            if inside is None:
                continue
            for context in files.contexts:
                if not _within(context, self._root):
                    break
                found = posixpath.normpath(posixpath.join(context, inside))
                if self.calls is not None and self.calls.loader.exists(found):
                    return found
        return None

    def _copied_from(self, files: Files, path: str) -> str | None:
        """The path in the build context that `files` put at `path`, if it did."""
        import fnmatch

        target, source = files.target.rstrip("/") or "/", files.source
        inside = posixpath.relpath(path, target) if _within(path, target) else None
        if any(c in source for c in "*?["):  # `COPY *.sh /tmp/`
            pattern = posixpath.basename(source)
            if files.into and inside and "/" not in inside and fnmatch.fnmatchcase(inside, pattern):
                return posixpath.join(posixpath.dirname(source), inside)
            return None
        if path == posixpath.join(target, posixpath.basename(source)) or (
            path == target and not files.into
        ):  # `COPY install.sh /tmp/` or `/tmp/install.sh` (or into a directory /tmp)
            return source
        # `COPY scripts/ /opt/scripts/`: a directory's content
        return posixpath.join(source, inside) if inside and inside != "." else None

    @property
    def _root(self) -> str:
        assert self.calls is not None
        return self.calls.loader.root

    def _follow(self, called: _Called, command: Command, session: _Session) -> Iterator[RuleHit]:
        assert self.calls is not None
        here, calls, call = self.here, self.calls, called.call
        if called.disk in here.trail or len(here.trail) > MAX_CALL_DEPTH:
            why = "a cycle" if called.disk in here.trail else f"deeper than {MAX_CALL_DEPTH} calls"
            calls.loader.note(f"{called.disk}: not followed from {here.path}: {why}")
            return
        state = self.state
        user = self._user(command)
        if not call.sourced:
            entry = (
                called.disk,
                call.shell,
                user,
                state.environment,
                state.python,
                state.pythons,
                session.venv.path if session.venv else None,
                session.venv_known,
                session.cwd,
                state.windows,
            )
            if entry in calls.seen:
                return
            calls.seen.add(entry)
        verb = "sources" if call.sourced else "runs"
        who = f" as {user}" if user is not None and not call.sourced else ""
        label = f"{verb} {posixpath.basename(called.named)}{who}"
        inner = _Here(
            called.disk,
            posixpath.dirname(called.named),
            Related(command.span, label),
            call.sourced,
            command.elevated_by or here.sudo,
            (*here.trail, called.disk),
        )
        outer_user, outer_origin = state.user, state.user_origin
        if user != state.user:
            state.user, state.user_origin = user, command.elevated_by
        try:
            for scope in called.scopes:
                walk = _Walk(self._callee(scope), self.rules, state, calls, inner)
                for item in scope.items:
                    if not isinstance(item, Script):
                        continue
                    shell = call.shell or item.shell or command.script.shell
                    script = item._replace(shell=shell, container=command.script.container)
                    if script.container is not None:
                        continue  # text run elsewhere by the callee; its own file says where
                    target = session if call.sourced else session.child()
                    yield from walk._called(walk._run_script(script, target))
        finally:
            state.user, state.user_origin = outer_user, outer_origin

    def _call_item(self, item: Call) -> Iterator[RuleHit]:
        """A local composite action: its steps run in this job, one after another."""
        if self.calls is None or item.path in self.here.trail:
            return
        if len(self.here.trail) > MAX_CALL_DEPTH:
            self.calls.loader.note(f"{item.path}: not followed: deeper than {MAX_CALL_DEPTH} calls")
            return
        scopes = self.calls.loader.load(item.path)
        if not scopes:
            return
        inner = _Here(
            item.path,
            None,
            Related(item.span, "runs this action in the job"),
            trail=(*self.here.trail, item.path),
        )
        for scope in scopes:
            walk = _Walk(self._callee(scope), self.rules, self.state, self.calls, inner)
            yield from walk._called(walk.run())

    def _callee(self, scope: Scope) -> Scope:
        """A called file's Scope as it runs here: in the caller's image, path space and
        persistence, within the caller's shell process or step."""
        caller = self.scope
        return scope._replace(
            boundary=caller.boundary,
            runs_in_image=caller.runs_in_image,
            persist=caller.persist,
            image_paths=caller.image_paths,
            host=caller.host,
        )

    def _called(self, hits: Iterator[RuleHit]) -> Iterator[RuleHit]:
        """Hits in a called file, with the call as a related location (outermost first, as
        each caller adds its own) and named in the message by the one that runs the line."""
        call = self.here.call
        assert call is not None
        verb = "sourced" if self.here.sourced else "run"
        for rule_hit in hits:
            hit = rule_hit.hit
            message = hit.message
            if not rule_hit.called:
                message += f" ({verb} by line {line_ref(call.span.start)})"
            yield RuleHit(
                rule_hit.rule,
                hit._replace(message=message, related=(call, *hit.related)),
                called=True,
            )

    # What commands change -------------------------------------------------------------------

    def _assign(self, command: Command, session: _Session) -> None:
        for assignment in command.assignments:
            value = _assigned_value(assignment.value.raw if assignment.value else "")
            session.env[assignment.name] = value
            venv = self._venv_from_variable(assignment.name, value, assignment.span)
            if venv is not None:
                session.venv = venv
                session.activated = venv

    def _persist(self, command: Command, session: _Session) -> None:
        """`echo "$PWD/.venv/bin" >> "$GITHUB_PATH"` and the like: state for later Scripts."""
        words = [w for w in command.words[1:] if not (w.text or "").startswith("-")]
        if command.program == "printf" and words:
            words = words[-1:]
        written = " ".join(_assigned_value(w.raw) for w in words)
        targets = [r.target.raw for r in command.redirects if r.operator in (">", ">>")]
        for persist in self.scope.persist:
            if persist.variable is not None:
                if not any(re.search(rf"\$\{{?{persist.variable}\b", t) for t in targets):
                    continue
                self._apply_persisted(persist, written, command, session)
            elif persist.marker is not None and written.startswith(persist.marker):
                self._apply_persisted(persist, written[len(persist.marker) :], command, session)

    def _apply_persisted(
        self, persist: Persist, written: str, command: Command, session: _Session
    ) -> None:
        state = self.state
        written = written.strip()
        active = session.venv
        if active is not None and active.path:
            # `echo "$VIRTUAL_ENV/bin" >> "$GITHUB_PATH"` after an activation names that venv.
            written = re.sub(r"\$\{?VIRTUAL_ENV\}?", lambda _: active.path or "", written)
        if persist.kind == "path":
            venv = self._venv_from_variable("PATH", written + ":$PATH", command.span)
        elif persist.kind == "env":
            name, _, value = written.partition("=")
            name = name.strip()
            state.env[name] = value
            venv = self._venv_from_variable(name, value, command.span)
            # `echo "PATH=$PATH" >> "$GITHUB_ENV"`: the PATH the activation made, venv first.
            if venv is None and active and name == "PATH" and re.search(r"\$\{?PATH\b", value):
                venv = active._replace(how="PATH", span=command.span)
        else:
            activated = re.fullmatch(r"(?:source|\.)\s+(\S+)", written)
            found = None
            if activated:
                target = activated.group(1).strip("\"'")
                found = re.fullmatch(r"(.*?)/(?:bin|Scripts)/activate", target)
            venv = Venv(found.group(1), "activate", command.span) if found else None
            if venv is None and written.startswith("export "):
                name, _, value = written[len("export ") :].partition("=")
                venv = self._venv_from_variable(name.strip(), value, command.span)
        if venv is not None:
            state.venv = venv
            state.lost_activation = None

    def _effects(self, command: Command, pip: PipCall | None, session: _Session) -> None:
        state = self.state
        program = command.program
        if program in ("export", "declare", "typeset", "local", "readonly"):
            self._assign(command, session)
            return
        if program in _DIRECTORY_COMMANDS:
            words = [w for w in command.words[1:] if not (w.text or "").startswith("-")]
            named = _expanded(words[0], session.env, self.here.script_dir) if words else None
            session.cwd = _joined(session.cwd, named) if program != "popd" and named else None
            return
        if program in _OUTPUT_COMMANDS:
            self._persist(command, session)
            return
        created = commands.venv_created(command)
        if created is not None and created.text is not None:
            state.venvs_created[created.text.rstrip("/")] = created.span
            return
        activation = commands.activation(command)
        if activation is not None:
            # Even where `source` is not found (PW306), the activation says what the file
            # means: later commands are judged as they will run once `source` is fixed.
            venv = Venv(activation.venv, "conda" if activation.conda else "activate", command.span)
            session.venv = session.activated = venv
            state.lost_activation = None
            return
        if commands.sources_venv_helper(command):
            session.venv, session.venv_known = None, False
            session.maybe_activated = command.span
            return
        if commands.deactivation(command):
            session.venv = None
            session.venv_known = True
            return
        if program == "unset":
            for word in command.words[1:]:
                if (
                    word.text in ("VIRTUAL_ENV", "CONDA_PREFIX")
                    and session.venv
                    and session.venv.how != "PATH"
                ):
                    session.venv = None
            return
        user = commands.user_created(command)
        if user is not None:
            for key in (user.name, user.uid):
                if key:
                    state.users[key] = user
            return
        packages = commands.distro_python_packages(command)
        if packages:
            self._distro_python(packages, command.span)
            return
        version = commands.pyenv_version(command)
        if version is not None:
            state.python, state.python_origin = "pyenv", command.span
            minor = ".".join(version.split(".")[:2]) if re.match(r"\d+\.\d+", version) else ""
            names = {"python", "python3", "pip", "pip3"}
            if minor:
                names |= {f"python{minor}", f"pip{minor}"}
            self._first_on_path(Python("pyenv", frozenset(names), version or None, False))
            return
        build = commands.python_built(command, session.cwd, session.env)
        if build is not None:
            self._python_built(build, command.span)
            return
        if commands.bootstraps_pip(command) and command.name:
            found = environments.resolve(state.pythons, command.name.rsplit("/", 1)[-1])
            if found is not None:  # get-pip puts its pip in /usr/local/bin, first on PATH
                self._first_on_path(found.with_pip(command.span))
            return
        if state.python is None and commands.conda_environment_used(command):
            state.python = "conda"
            state.python_origin = command.span
            return
        as_root = state.user == "root" and command.run_as in (None, "root")
        if pip is not None and pip.installs and pip.has("--user") and as_root:
            state.root_user_installs.append(pip)

    def _distro_python(self, packages: tuple[str, ...], span: Span) -> None:
        """`apt-get install python3-pip python3.11`: the distro's Python (with its pip where a
        pip package is named), and each other release named, a Python of its own."""
        state = self.state
        if state.python is None:
            state.python, state.python_origin = "distro", span
        template = state.environment.distro_python if state.environment else None
        if template is None:
            return
        others = set()
        for name in packages:
            found = re.fullmatch(r"python(3\.\d+)(?:-\w+)?", name)
            if found and found.group(1) != template.version:
                others.add(found.group(1))
            else:
                with_pip = any(package.endswith("-pip") for package in packages)
                python = template.with_pip(span) if with_pip else template
                self._installed(python._replace(installed_at=span))
        for version in sorted(others):
            # Another release beside the distro's own (deadsnakes, universe): whether its
            # package carries the marker is not known.
            names = frozenset({f"python{version}"})
            self._installed(Python("distro", names, version, None, installed_at=span))

    def _installed(self, python: Python) -> None:
        """A Python the distro installs into /usr/bin: after those in /usr/local and the
        like, unless it is one the environment has already."""
        pythons = list(self.state.pythons)
        for index, known in enumerate(pythons):
            if known.origin == python.origin and known.version == python.version:
                pythons[index] = known._replace(
                    commands=known.commands | python.commands,
                    installed_at=known.installed_at or python.installed_at,
                    pip_from=known.pip_from or python.pip_from,
                )
                break
        else:
            pythons.append(python)
        self.state.pythons = tuple(pythons)

    def _python_built(self, build: commands.PythonBuild, span: Span) -> None:
        """CPython's `make install`/`make altinstall` into /usr/local, before /usr/bin on
        PATH; it installs pip (ensurepip) and no EXTERNALLY-MANAGED."""
        state = self.state
        names: set[str] = set()
        if build.version:
            names |= {f"python{build.version}", f"pip{build.version}"}
        if not build.altinstall:
            names |= {"python3", "pip3"}
        if state.python is None:
            state.python, state.python_origin = "source", span
        self._first_on_path(
            Python(
                "source", frozenset(names), build.version, False, installed_at=span, pip_from=span
            )
        )


def _python_kind(environment: Environment | None) -> str | None:
    """Where the Python `python`/`pip` find comes from, for the rules: a hosted runner's own
    ("runner"), an image's ("official", "conda", "managed"), or None: none known."""
    if environment is None:
        return None
    if environment.hosted:
        return "runner"
    return environment.python


Assumptions = tuple[tuple[str, str, Span], ...]


def _merge_readings(
    group: list[tuple[Assumptions, list[RuleHit]]], count: int
) -> Iterator[RuleHit]:
    """One finding per rule and place across the readings of a command; one that holds for
    only some readings names the values it needs: "when PIP_SUDO is `sudo -H` (line 4)"."""
    seen: dict[tuple[str, Span], list[tuple[Assumptions, RuleHit]]] = {}
    for assumptions, hits in group:
        for rule_hit in hits:
            key = (rule_hit.rule.code, rule_hit.hit.span)
            seen.setdefault(key, []).append((assumptions, rule_hit))
    for found in seen.values():
        assumptions, first = found[0]
        if len(found) == count or not assumptions:
            yield first
            continue
        when = " and ".join(
            f"{name} is {f'`{value}`' if value else 'empty'} (line {line_ref(span.start)})"
            for name, value, span in assumptions
        )
        hit = first.hit
        yield first._replace(
            hit=hit._replace(
                message=f"{hit.message} (when {when})",
                related=(
                    *hit.related,
                    *(Related(span, f"{name} assigned here") for name, _, span in assumptions),
                ),
            )
        )


class _Called(NamedTuple):
    disk: str  # the repository file
    named: str  # its path where the Script runs
    call: commands.ScriptCall
    scopes: Sequence[Scope]  # what it holds, at its own offset base


_DIRECTORY_COMMANDS = frozenset({"cd", "pushd", "popd"})


def _with_calls(wanted: Wanted) -> Wanted:
    def wanted_with_calls(name: str) -> bool:
        return wanted(name) or name in _DIRECTORY_COMMANDS or commands.runs_file(name)

    return wanted_with_calls


def _within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _joined(cwd: str | None, path: str | None) -> str | None:
    """`cd path` from `cwd`; None when either is unknown (a relative path from nowhere)."""
    if path is None or "$" in path or path.startswith("~"):
        return None
    if path.startswith("/"):
        return posixpath.normpath(path)
    return posixpath.normpath(posixpath.join(cwd, path)) if cwd is not None else None


# `$(dirname "$0")`, `$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)`, `${0%/*}`: the running
# script's own directory (quotes removed first).
_DIRNAME = r"\$\(\s*dirname\s+(?:--\s+)?\$\{?(?:0|BASH_SOURCE(?:\[0\])?)\}?\s*\)"
_SCRIPT_DIR = re.compile(
    rf"\$\(\s*cd\s+(?:-P\s+)?(?:--\s+)?{_DIRNAME}(?:\s*&?>\s*/dev/null)?\s*(?:&&|;)\s*pwd(?:\s+-P)?\s*\)"
    rf"|{_DIRNAME}|\$\{{(?:0|BASH_SOURCE(?:\[0\])?)%/\*\}}"
)


def _expanded(word: Word, env: dict[str, str | None], script_dir: str | None) -> str | None:
    """A path word's value with the variables the shell is known to hold and the script's own
    directory put in; None when part of it cannot be known."""
    if word.text is not None:
        return word.text
    value = word.raw.replace('"', "").replace("'", "")
    if script_dir is not None:
        value = _SCRIPT_DIR.sub(lambda _: script_dir, value)

    def known(match: re.Match[str]) -> str:
        found = env.get(match.group(1) or match.group(2))
        return found if found is not None else match.group(0)

    for _ in range(3):  # ROOT=$BASE/x: a few levels
        if "$" not in value:
            return value
        value = _REFERENCE.sub(known, value)
        if script_dir is not None:
            value = _SCRIPT_DIR.sub(lambda _: script_dir, value)
    return value if "$" not in value and "`" not in value else None


_OUTPUT_COMMANDS = frozenset({"echo", "printf"})


def _with_output_commands(program: str) -> bool:
    return program in _OUTPUT_COMMANDS or commands.relevant_program(program)


def _assigned_value(raw: str) -> str:
    """A shell assignment's value with quotes removed; expansions are kept as written so that
    `PATH="$PWD/.venv/bin:$PATH"` still shows its venv."""
    if not raw:
        return ""
    return re.sub(r"[\"']", "", raw)


_REFERENCE = re.compile(r"\$\{(\w+)(?::?[-=+][^}]*)?\}|\$(\w+)")


def _expand(value: str, env: dict[str, str | None]) -> str:
    """Docker-style `$VAR`/`${VAR}` substitution with what is known; unknown ones stay."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        known = env.get(name)
        return known if known is not None else match.group(0)

    return _REFERENCE.sub(substitute, value)


def _user_name(user: str | None) -> str | None:
    if user is None:
        return None
    name = user.split(":", 1)[0]
    return "root" if name in ("root", "0") else name
