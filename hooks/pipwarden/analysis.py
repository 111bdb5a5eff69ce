"""Walks a Scope in order, keeps the environment state, and hands each command (and each
variable or user change) to the rules.

State has two layers: what a Scope's Scripts inherit (ENV, USER, the base image, venvs that
exist on disk, installed packages) and what lives only as long as one shell process (an
activated venv, exported variables). Unknown is a real value: a rule never fires on a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from pipwarden import commands, images
from pipwarden.commands import PipCall
from pipwarden.model import Hit, Related, Span, line_ref
from pipwarden.rules.base import Context, EnvContext, Rule, UserSwitch, Venv
from pipwarden.shell.parse import Command, parse_script
from pipwarden.shell.session import (
    Container,
    Image,
    Persist,
    PythonUse,
    Runner,
    Scope,
    Script,
    SetEnv,
    SetPython,
    SetUser,
)


class RuleHit(NamedTuple):
    rule: Rule
    hit: Hit


class _Session:
    """What one shell process knows; starts from the Scope's inherited state. (Plain classes
    here: importing dataclasses costs a pre-commit run 8 ms.)"""

    __slots__ = ("activated", "env", "maybe_activated", "venv", "venv_known")

    def __init__(self, venv: Venv | None, venv_known: bool, env: dict[str, str | None]) -> None:
        self.venv = venv
        self.venv_known = venv_known
        self.env = env
        self.activated: Venv | None = None  # an activation this process made
        self.maybe_activated: Span | None = None  # a sourced helper that may have activated one


class State:
    """What a Scope's Scripts inherit, kept while walking it."""

    __slots__ = (
        "env",
        "lost_activation",
        "platform",
        "python",
        "python_origin",
        "python_run",
        "root_user_installs",
        "user",
        "users",
        "venv",
        "venv_known",
        "venvs_created",
        "windows",
    )

    def __init__(self) -> None:
        self.platform: images.Platform | None = None
        # Whether "no venv active" is known at the start of each Script.
        self.venv_known = False
        self.venv: Venv | None = None
        self.user: str | None = None
        self.env: dict[str, str | None] = {}
        self.python: str | None = None
        self.python_origin: Span | None = None
        self.python_run: tuple[str, Span] | None = None
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


def analyse(scopes: Sequence[Scope], rules: Sequence[Rule]) -> Iterator[RuleHit]:
    finished: dict[str, State] = {}
    for scope in scopes:
        inherited = finished.get(scope.inherits or "")
        state = inherited.copy() if inherited else State()
        state.lost_activation = None
        yield from _Walk(scope, rules, state).run()
        finished[scope.name] = state


class _Walk:
    def __init__(self, scope: Scope, rules: Sequence[Rule], state: State) -> None:
        self.scope = scope
        self.rules = rules
        self.state = state
        # The environments of containers and hosts the Scope hands text to, by where.
        self.containers: dict[Container, tuple[State, _Session]] = {}

    def run(self) -> Iterator[RuleHit]:
        for item in self.scope.items:
            if isinstance(item, Script):
                yield from self._script(item)
            elif isinstance(item, Image):
                self._image(item)
            elif isinstance(item, SetEnv):
                yield from self._set_env(item)
            elif isinstance(item, SetUser):
                yield from self._set_user(item)
            elif isinstance(item, SetPython):
                self.state.python = item.source
                self.state.python_origin = item.span
            elif isinstance(item, Runner):
                self.state.windows = item.os == "windows"
            elif isinstance(item, PythonUse):
                yield from (
                    RuleHit(rule, hit) for rule in self.rules for hit in rule.on_python_use(item)
                )

    # Inherited state ------------------------------------------------------------------------

    def _image(self, image: Image) -> None:
        platform = images.classify(image.ref) if image.ref else None
        state = self.state
        state.platform = platform
        state.python = platform.python if platform else None
        state.python_origin = state.python_run = None
        state.user = platform.default_user if platform else None
        state.venv = None
        state.venv_known = platform is not None and self.scope.runs_in_image
        state.env = {}

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
        yield from self._dispatch_env(EnvContext(item.name, value, item.span))

    def _set_user(self, item: SetUser) -> Iterator[RuleHit]:
        state = self.state
        user = _user_name(item.user)
        previous = state.user
        state.user = user
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
        session = _Session(state.venv, state.venv_known, dict(state.env))
        for item in script.env:
            session.env[item.name] = item.value
            venv = self._venv_from_variable(item.name, item.value, item.span)
            if venv is not None:
                session.venv = venv
            yield from self._dispatch_env(EnvContext(item.name, item.value, item.span))
        wanted = commands.relevant_program
        if self.scope.persist:
            wanted = _with_output_commands
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
        if session.activated is not None and state.venv is None:
            state.lost_activation = session.activated

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
            platform = images.classify(container.image) if container.image else None
            state.platform = platform
            state.python = platform.python if platform else None
            state.user = container.user or (platform.default_user if platform else None)
            state.venv_known = platform is not None
            self.containers[container] = (state, _Session(None, state.venv_known, {}))
        return self.containers[container]

    def _command_here(self, command: Command, session: _Session) -> Iterator[RuleHit]:
        env = session.env
        for assignment in command.assignments:
            value = assignment.value.text if assignment.value else None
            yield from self._dispatch_env(EnvContext(assignment.name, value, assignment.span))
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
        self._effects(command, pip, session)
        if self.state.python_run is None and commands.is_python(command) and command.name:
            self.state.python_run = (command.name, command.words[0].span)

    def _context(
        self, command: Command, pip: PipCall | None, session: _Session, env: dict[str, str | None]
    ) -> Context:
        state = self.state
        platform = state.platform
        user = (
            command.run_as
            if command.run_as is not None
            else ("root" if command.elevated_by else state.user)
        )
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
            boundary=self.scope.boundary,
            user=user,
            shell_user=state.user,
            user_home=self._home(user),
            python=state.python,
            python_origin=state.python_origin,
            python_run=state.python_run,
            externally_managed=platform.externally_managed if platform else None,
            unknown_image=platform is None
            and (
                self.scope.runs_in_image
                or (
                    command.script.container is not None
                    and command.script.container.image is not None
                )
            ),
            posix_sh=sh,
            sh_label=sh_label,
            # A PowerShell or cmd step is written for Windows, whatever the runner.
            windows=state.windows
            or bool(platform and platform.windows)
            or command.script.shell in ("pwsh", "cmd"),
            env=env,
        )

    def _shell(self, script: Script) -> tuple[bool, str]:
        if script.shell == "dash":
            return True, "dash"
        if script.shell != "sh":
            return False, script.shell
        platform = self.state.platform
        if platform is not None:
            distro = (platform.distro or "").capitalize()
            return platform.sh == "dash", f"/bin/sh (dash on {distro}-based images)"
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
            if created.home is None and self.state.platform is not None:
                # useradd without -m: Debian and Ubuntu create no home, RHEL-likes do.
                return self.state.platform.distro in ("fedora", "rhel")
            return created.home
        if user in ("nobody", "www-data"):
            return False  # homes that do not exist or that root owns
        platform = self.state.platform
        if user.isdigit() and platform is not None and platform.distro in ("debian", "alpine"):
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
        if commands.distro_python_installed(command) and state.python is None:
            state.python = "distro"
            state.python_origin = command.span
            return
        if commands.pyenv_selected(command):
            state.python = "pyenv"
            state.python_origin = command.span
            return
        if state.python is None and commands.conda_environment_used(command):
            state.python = "conda"
            state.python_origin = command.span
            return
        as_root = state.user == "root" and command.run_as in (None, "root")
        if pip is not None and pip.installs and pip.has("--user") and as_root:
            state.root_user_installs.append(pip)


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
