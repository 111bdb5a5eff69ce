"""What the analysis knows while it walks: a Scope's inherited state (`State`: the image or
runner, its Pythons, ENV, USER, the venvs and users made so far) and one shell process's own
(`Session`: an activation, variables, the directory, functions and aliases). Unknown is a real
value. (Plain classes with slots: importing dataclasses costs a pre-commit run 8 ms.)"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar

from pipwarden.analysis.summary import implicit_among, is_implicit
from pipwarden.commands import ENVIRONMENT_ELSEWHERE
from pipwarden.environments import UNKNOWN, Environment, Python
from pipwarden.model import Span
from pipwarden.record import Record
from pipwarden.shell.command import Word
from pipwarden.shell.expand import Values
from pipwarden.shell.session import Files

if TYPE_CHECKING:
    from pipwarden.commands import PipCall, UserCreation
    from pipwarden.rules.base import Venv
    from pipwarden.shell.parse import Function
    from pipwarden.shell.session import Script


_V = TypeVar("_V")
# Variables the walk reads otherwise where no value is set than where it is unknown: the
# directory and root where the script checked it (`Session.lookup`), a project tool's
# setting (`effects._own_environment`).
READ_WHEN_UNSET = frozenset(
    {"PWD", "EUID", "UID", *(name for name, _ in ENVIRONMENT_ELSEWHERE.values())}
)


class Read(Record):
    """A point in the text the shell reads: what is defined there (an alias, `shopt -s
    expand_aliases`) applies to commands read after it, not to the rest of its own line or
    compound command. `script` None: from the start."""

    script: Script | None
    offset: int

    def before(self, script: Script, offset: int) -> bool:
        return self.script is not script or offset >= self.offset


class Alias(Record):
    value: str
    span: Span
    read: Read


def _same(values: Sequence[object]) -> bool:
    return all(v == values[0] for v in values[1:])


def _agreed(values: Sequence[object], otherwise: object = None) -> object:
    """The value every path agrees on, else `otherwise` (unknown)."""
    return values[0] if _same(values) else otherwise


def _merged_env(envs: Sequence[dict[str, str | None]]) -> dict[str, str | None]:
    """What every environment agrees a variable holds, else None (unknown); the first itself
    where they all agree (most joins: ways that share it, or set nothing different)."""
    first = envs[0]
    result = None
    for env in envs[1:]:
        if env == first:
            continue
        for name, _ in first.items() ^ env.items():  # only where they differ
            if result is None:
                result = dict(first)
            result[name] = None
    return first if result is None else result


def _joined(maps: Sequence[dict[str, _V]]) -> dict[str, _V]:
    """The entries of all `maps`, a later one's winning; the first itself where the others
    are it."""
    first = maps[0]
    more = [m for m in maps[1:] if m != first]
    if not more:
        return first
    result = dict(first)
    for other in more:
        result.update(other)
    return result


def _listed(lists: Sequence[list[_V]]) -> list[_V]:
    """The items of all `lists`, each once, in order; the first itself where the others are it."""
    first = lists[0]
    more = [m for m in lists[1:] if m != first]
    if not more:
        return first
    result = list(first)
    for other in more:
        result.extend(item for item in other if item not in result)
    return result


class State:
    """What a Scope's Scripts inherit, kept while walking it."""

    __slots__ = (
        "apt_installs",
        "cwd",
        "env",
        "environment",
        "files",
        "image_origin",
        "lost_activation",
        "lost_boundary",
        "own_environments",
        "pip_config_breaks",
        "pip_without_venv",
        "python",
        "python_origin",
        "pythons",
        "root_user_installs",
        "shared",
        "user",
        "user_origin",
        "users",
        "venv",
        "venv_known",
        "venvs_created",
        "venvs_later",
        "windows",
    )

    def __init__(self) -> None:
        # The image or runner the Scripts run in, where known, and the line that says so.
        self.environment: Environment | None = None
        self.image_origin: Span | None = None
        self.user_origin: Span | None = None  # the USER line that set `user`
        # The working directory of the next Script, where known, and the repository files
        # a build put in the image, newest first.
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
        # The venvs the Scope makes later at a known absolute path: until one is made, a
        # PATH entry naming it finds no pip there.
        self.venvs_later: frozenset[str] = frozenset()
        self.users: dict[str, UserCreation] = {}
        self.root_user_installs: list[PipCall] = []
        self.lost_activation: Venv | None = None
        self.windows = False
        # Where a pip configuration file was told to break system packages: PEP 668's
        # marker no longer stops pip, for the Pythons here and those installed later.
        self.pip_config_breaks: Span | None = None
        # Where the Scripts first install with apt: the machine is Debian's or Ubuntu's.
        self.apt_installs: Span | None = None
        # Where apt installed the distro's pip and, so far, nothing that brings venv.
        self.pip_without_venv: Span | None = None
        # The project tools that made an environment of their own (`poetry install`), with
        # where; None for one told to make none.
        self.own_environments: dict[str, Span | None] = {}
        # Whether the dicts and lists above may be another State's too (`copy`).
        self.shared = False

    def copy(self) -> State:
        """A copy that shares the dicts and lists until one side writes (`writable`): most
        ways through a script change none of them."""
        copied = State.__new__(State)
        for name in self.__slots__:
            setattr(copied, name, getattr(self, name))
        self.shared = copied.shared = True
        return copied

    def writable(self) -> State:
        """This State with dicts and lists of its own, to change them."""
        if self.shared:
            self.shared = False
            for name in _STATE_MAPS:
                setattr(self, name, getattr(self, name).copy())
        return self

    def key(self, apt_installs: bool = True) -> tuple[object, ...]:
        """What tells States apart; without `apt_installs`, for a walk that neither reads nor
        sets where apt first installed."""
        return (
            self.environment,
            self.user,
            self.venv,
            self.venv_known,
            self.python,
            self.pythons,
            self.cwd,
            self.lost_activation,
            frozenset(self.env.items()),
            frozenset(self.users),
            frozenset(self.venvs_created),
            len(self.root_user_installs),
            self.windows,
            self.pip_config_breaks,
            self.apt_installs if apt_installs else None,
            self.pip_without_venv,
            frozenset(self.own_environments.items()),
        )

    def merged(self, others: Sequence[State]) -> State:
        """One State for several ways through a script: what they agree on, else unknown."""
        if _alike(self, others, _STATE_FIELDS):
            return self.copy()  # most joins: ways that did nothing different to the machine
        states = [self, *others]
        result = self.copy()  # sharing what every way shares; the rest joined afresh
        for name in ("environment", "user", "python", "cwd", "lost_activation", "user_origin"):
            setattr(result, name, _agreed([getattr(s, name) for s in states]))
        if not _same([s.pythons for s in states]):
            result.pythons = (UNKNOWN,)
        # On one way configured to break system packages: pip may not refuse.
        result.pip_config_breaks = next(
            (s.pip_config_breaks for s in states if s.pip_config_breaks), None
        )
        result.apt_installs = next((s.apt_installs for s in states if s.apt_installs), None)
        result.pip_without_venv = _agreed([s.pip_without_venv for s in states])  # type: ignore[assignment]
        if not _same([s.venv for s in states]):
            result.venv, result.venv_known = None, False
        result.venv_known = result.venv_known and all(s.venv_known for s in states)
        result.env = _merged_env([s.env for s in states])
        result.own_environments = _joined([s.own_environments for s in states])
        result.users = _joined([s.users for s in states])
        result.venvs_created = _joined([s.venvs_created for s in states])
        result.root_user_installs = _listed([s.root_user_installs for s in states])
        result.files = _listed([s.files for s in states])
        result.windows = any(s.windows for s in states)
        return result


def _alike(first: object, others: Sequence[object], fields: attrgetter[tuple[object, ...]]) -> bool:
    """Whether `others` hold what `first` holds in every field (a join of them is a copy)."""
    held = fields(first)
    return all(fields(other) == held for other in others)


# What a join compares (`shared` says how a State holds its maps, not what it knows).
_STATE_FIELDS = attrgetter(*(name for name in State.__slots__ if name != "shared"))
_STATE_MAPS = (
    "env",
    "files",
    "own_environments",
    "root_user_installs",
    "users",
    "venvs_created",
)


class Session:
    """What one shell process knows; starts from the Scope's inherited state."""

    __slots__ = (
        "activated",
        "aliases",
        "before_activation",
        "correlated",
        "cwd",
        "env",
        "errexit",
        "expand_aliases",
        "exported",
        "functions",
        "functions_key",
        "maybe_activated",
        "moved",
        "narrowed",
        "positional",
        "root_only",
        "runs_as",
        "shared",
        "values",
        "venv",
        "venv_known",
    )

    def __init__(
        self,
        venv: Venv | None,
        venv_known: bool,
        env: dict[str, str | None],
        cwd: str | None,
        expand_aliases: bool = True,
    ) -> None:
        self.venv = venv
        self.venv_known = venv_known
        # The variables: their text where known, and the literal values each may hold with
        # the line that assigned it (for `$PIP_SUDO pip ...`); what came from outside the
        # shell is exported.
        self.env = env
        self.values: dict[str, Values | None] = {
            name: None if value is None else ((value, None),) for name, value in env.items()
        }
        self.exported: set[str] = set(env)
        self.cwd = cwd  # the working directory, where known
        # The shell went to a directory that cannot be known (`cd "$1"`, `pushd $archive`): a
        # relative name no longer names a file beside the script or at the repository's root.
        self.moved = False
        self.activated: Venv | None = None  # an activation this process made
        # Where this shell has the `deactivate` function an activate script defines: the venv
        # state it restores (PATH as it was before the first activation). A child process
        # does not inherit functions: `deactivate` there is not found.
        self.before_activation: tuple[Venv | None, bool] | None = None
        self.errexit = False  # `set -e`: a command that fails ends the shell
        self.maybe_activated: Span | None = None  # a sourced helper that may have activated one
        self.functions: dict[str, Function] = {}
        self.functions_key: frozenset[tuple[str, int]] | None = frozenset()  # None: stale
        self.aliases: dict[str, Alias] = {}
        # bash expands aliases in a script only after `shopt -s expand_aliases`; sh, dash and
        # zsh always (checked by running them).
        self.expand_aliases: Read | None = Read(None, 0) if expand_aliases else None
        # The user this process runs as where it is not the Scope's (`su app -c '...'`), with
        # the command that switched.
        self.runs_as: tuple[str | None, Span | None] | None = None
        # Whether the variable maps and aliases may be another Session's too (`copy`).
        self.shared = False
        # The positional parameters (`"$@"`) inside a function: the words of its call, at
        # the call's place; None where they are not known (a script's own arguments).
        self.positional: tuple[Word, ...] | None = None
        # Where the script tested that it runs as root and stopped otherwise (`[ "$(id -u)"
        # -ne 0 ] && exit 1`): from there on it runs as root, with nothing saying sudo.
        self.root_only: Span | None = None
        # The variables whose values a test cut down on this way (`if [ "$X" = a ]`) where its
        # branches assign others a rule may read (`correlated`): where ways meet, ways that
        # differ in both stay apart (`paths.distinct`).
        self.narrowed: frozenset[str] = frozenset()
        self.correlated: frozenset[str] = frozenset()

    def aliases_at(self, script: Script, offset: int) -> dict[str, tuple[str, Span]]:
        """The aliases the shell expands in the command it reads at `offset` of `script`."""
        expanding = self.expand_aliases
        if expanding is None or not expanding.before(script, offset):
            return {}
        return {
            name: (alias.value, alias.span)
            for name, alias in self.aliases.items()
            if alias.read.before(script, offset)
        }

    def lookup(self, name: str) -> Values | None:
        if name in ("EUID", "UID") and self.root_only is not None and name not in self.values:
            return (("0", self.root_only),)
        found = self.values.get(name)
        if found is None and name == "PWD" and name not in self.values:
            # The directory, or where it is not known, a stand-in that still reads as a
            # path: `"$PWD/.venv/bin/pip"` is a venv's pip wherever the script runs.
            return ((self.cwd or "$PWD", None),)
        return found

    def set(self, name: str, text: str | None, span: Span | None, exported: bool = False) -> None:
        self.writable()
        self.env[name] = text
        self.values[name] = None if text is None else ((text, span),)
        if exported:
            self.exported.add(name)
        if name in self.narrowed:
            self.narrowed = self.narrowed - {name}

    def narrow(self, name: str, values: Values, correlated: frozenset[str]) -> None:
        """`name` holds only `values` from here on: a test said so, in a branch that assigns
        `correlated`."""
        self.writable()
        self.env[name] = values[0][0] if len(values) == 1 else None
        self.values[name] = values
        if correlated:
            self.narrowed = self.narrowed | {name}
            self.correlated = self.correlated | correlated

    def copy(self) -> Session:
        """The session of a subshell: everything, unexported variables and functions too
        (the variables and aliases shared until one side writes, `writable`; the functions
        until one side defines another: most ways through a script do neither)."""
        copied = Session.__new__(Session)
        for name in self.__slots__:
            setattr(copied, name, getattr(self, name))
        self.shared = copied.shared = True
        return copied

    def writable(self) -> Session:
        """This Session with variable maps and aliases of its own, to change them."""
        if self.shared:
            self.shared = False
            self.env, self.values = dict(self.env), dict(self.values)
            self.exported, self.aliases = set(self.exported), dict(self.aliases)
        return self

    def child(self, shell: str, clean: bool = False) -> Session:
        """The session of a child process running `shell`: the exported variables (an
        activation exports VIRTUAL_ENV and PATH, so the venv carries over) and the directory,
        not the shell's own variables, functions or aliases. `clean`: started with a fresh
        environment (sudo's secure PATH, `su`), where no venv is active."""
        expands = shell != "bash"  # see `expand_aliases`
        if clean:
            child = Session(None, True, {}, self.cwd, expands)
        else:
            env = {name: value for name, value in self.env.items() if name in self.exported}
            child = Session(self.venv, self.venv_known, env, self.cwd, expands)
            child.values = {name: self.values.get(name) for name in env}
        child.runs_as = self.runs_as
        child.moved = self.moved
        child.root_only = self.root_only
        return child

    def define(self, function: Function) -> None:
        self.functions = {**self.functions, function.name: function}
        self.functions_key = None

    def key(
        self,
        values: bool = True,
        functions: bool = True,
        expand_aliases: bool = True,
        directory: bool = True,
    ) -> tuple[object, ...]:
        """What tells Sessions apart; without `expand_aliases`, for a walk that neither
        reads aliases nor sets bash's option to expand them; without `directory`, for one
        that neither reads the working directory nor changes it."""
        if functions and self.functions_key is None:  # once per set of functions, not per path
            self.functions_key = frozenset((n, id(f)) for n, f in self.functions.items())
        return (
            self.venv,
            self.venv_known,
            self.cwd if directory else None,
            self.moved if directory else None,
            self.activated,
            self.before_activation,
            self.errexit,
            self.maybe_activated,
            # What each variable may hold, as a set: ways that met in another order hold
            # the same values in another order, and a loop that gets them back has settled.
            frozenset((n, v and frozenset(v)) for n, v in self.values.items()) if values else (),
            self.functions_key if functions else (),
            frozenset(self.aliases.items()),
            self.expand_aliases if expand_aliases else None,
            self.runs_as,
            self.positional if values else (),  # a function's walk keys on its own arguments
            self.root_only,
        )

    def implicit_names(self) -> frozenset[str]:
        """The variables the analysis and the rules read without a command naming them."""
        return implicit_among(self.values.keys() | self.env.keys())

    def variables_of(self, names: frozenset[str]) -> tuple[object, ...]:
        """What the variables `names` hold: with `key(values=False)`, all a function's walk
        can depend on."""
        held = (self.values.keys() | self.env.keys()) & names
        return tuple(
            (n, self.values.get(n), self.env.get(n), n in self.exported)
            for n in sorted(held)
            if not self.unknown_as_unset(n)
        )

    def unknown_as_unset(self, name: str) -> bool:
        """Whether `name` holds nothing known, and is read just as if it were never set (the
        shell reads both as unknown): a walk from here goes as one where it is not set."""
        return (
            self.values.get(name) is None
            and self.env.get(name) is None
            and name not in self.exported
            and name not in READ_WHEN_UNSET
            and not is_implicit(name)
        )

    def held(self, name: str) -> tuple[bool, Values | None, bool, str | None, bool]:
        """All this session has of `name`, for `restore`."""
        return (
            name in self.values,
            self.values.get(name),
            name in self.env,
            self.env.get(name),
            name in self.exported,
        )

    def restore(self, name: str, held: tuple[bool, Values | None, bool, str | None, bool]) -> None:
        """`name` as `held` found it, as a function's `local` ends."""
        if self.held(name) == held:
            return  # as it was: the maps others share stay shared
        in_values, values, in_env, text, exported = held
        self.writable()
        self.values.pop(name, None)
        self.env.pop(name, None)
        self.exported.discard(name)
        if in_values:
            self.values[name] = values
        if in_env:
            self.env[name] = text
        if exported:
            self.exported.add(name)

    def keep_only(self, names: frozenset[str]) -> None:
        """Only the variables `names`: a function's summary, whose other variables come
        from each caller (`passed_through`)."""
        self.writable()
        self.values = {n: self.values[n] for n in self.values.keys() & names}
        self.env = {n: self.env[n] for n in self.env.keys() & names}
        self.exported = self.exported & names

    def passed_through(self, caller: Session, names: frozenset[str]) -> None:
        """This session (where a function's walk left it) with the variables outside `names`
        as the caller holds them: the function neither read nor changed those."""
        self.writable()
        for own, theirs in ((self.values, caller.values), (self.env, caller.env)):
            kept = {n: own[n] for n in own.keys() & names}
            own.clear()
            own.update(theirs)
            for name in theirs.keys() & names:
                del own[name]
            own.update(kept)
        self.exported = (self.exported & names) | (caller.exported - names)

    def merged(self, others: Sequence[Session]) -> Session:
        """One Session for several ways through a script: a variable holds the values of all,
        anything else they disagree on is unknown."""
        if _alike(self, others, _SESSION_FIELDS):
            return self.copy()  # ways that did the same, or set variables back as they were
        sessions = [self, *others]
        result = self.copy()  # sharing what every way shares; the rest joined afresh
        if not _same([s.venv for s in sessions]):
            result.venv, result.venv_known = None, False
        result.venv_known = result.venv_known and all(s.venv_known for s in sessions)
        for name in (
            "cwd",
            "activated",
            "runs_as",
            "before_activation",
            "errexit",
            "positional",
            "root_only",
        ):
            setattr(result, name, _agreed([getattr(s, name) for s in sessions]))
        result.moved = any(s.moved for s in sessions)
        result.narrowed = self.narrowed.union(*(s.narrowed for s in others))
        result.correlated = self.correlated.union(*(s.correlated for s in others))
        result.maybe_activated = next(
            (s.maybe_activated for s in sessions if s.maybe_activated), None
        )
        result.env = _merged_env([s.env for s in sessions])
        differing = [s.values for s in others if s.values != self.values]
        if differing:
            values = result.values = dict(self.values)
            for theirs in differing:
                for name, _ in self.values.items() ^ theirs.items():  # only where they differ
                    ours, held = values.get(name), theirs.get(name)
                    if ours is None or held is None or name not in self.values:
                        values[name] = None  # unknown, or set on one way only
                    elif ours != held:
                        values[name] = tuple(dict.fromkeys((*ours, *held)))
        if any(s.functions_key != self.functions_key for s in others):
            result.functions_key = None
        functions = [s.functions for s in others if s.functions is not self.functions]
        if functions:
            result.functions = {**self.functions}
            for more in functions:
                result.functions.update(more)
        exported = [s.exported for s in others if s.exported != self.exported]
        if exported:
            result.exported = self.exported.union(*exported)
        if any(s.aliases != self.aliases for s in others):
            result.aliases = {
                name: value
                for name, value in self.aliases.items()
                if all(s.aliases.get(name) == value for s in others)
            }
        result.expand_aliases = _agreed([s.expand_aliases for s in sessions])  # type: ignore[assignment]
        return result


_SESSION_FIELDS = attrgetter(*(name for name in Session.__slots__ if name != "shared"))
