"""Walks a Scope in order, keeps the environment state, and hands each command (and each
variable or user change) to the rules.

Within a Script the walk follows the shell once per entry state: each branch of an `if`,
`case`, `&&` or `||` starts from the state before it and where the branches meet their states
are joined (`paths`); a loop's body is walked until its state settles; a function's effect is
computed once per state it can see and reused at every call (`summary`); a subshell,
a pipeline's parts and `$( ... )` start from the shell's state and hand back only what they
do to the machine (installed packages, created venvs), not to the shell; a function's body
runs where it is called, in the caller's state; a child process (`bash x.sh`, `sh -c`) gets
the exported variables. State has two layers: what a Scope's Scripts inherit (`State`) and
what one shell process holds (`Session`). Unknown is a real value: a rule never fires on a
guess.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence

from pipwarden import commands, environments
from pipwarden.analysis import effects
from pipwarden.analysis.context import ScopeLook, command_context
from pipwarden.analysis.paths import Event, Path, distinct, labelled, merged
from pipwarden.analysis.state import Session, State
from pipwarden.analysis.summary import (
    IMPLICIT,
    assigned_first,
    correlations,
    deepest,
    local_names,
    parts,
    reads_arguments,
    touched,
)
from pipwarden.commands import InterpreterRun, PipCall
from pipwarden.environments import Environment
from pipwarden.locate import (
    Called,
    Loader,
    Where,
    called_file,
    called_makefile,
    expand_known,
    joined,
)
from pipwarden.model import Related, Span, line_ref
from pipwarden.patterns import lazy
from pipwarden.record import Record
from pipwarden.rules.base import Context, EnvContext, OwnEnvironment, Rule, RuleHit, UserSwitch
from pipwarden.rules.catalog import STRICT
from pipwarden.shell.command import Command, Ready, Word
from pipwarden.shell.expand import Handed, Simple, handed, readings
from pipwarden.shell.parse import (
    ROOT_TEST,
    Chain,
    Child,
    Fork,
    Function,
    Loop,
    ProgramNode,
    Seq,
    Test,
    commands_in,
    parse_script,
    program,
)
from pipwarden.shell.session import (
    BuiltImage,
    Call,
    Container,
    Files,
    Image,
    OffsetMap,
    PythonUse,
    Runner,
    Scope,
    Script,
    SetDir,
    SetEnv,
    SetPython,
    SetUser,
)

__all__ = ["Loader", "RuleHit", "analyse"]


# How deep calls are followed (a script that runs a script that runs ..., a function that
# calls a function ...).
MAX_CALL_DEPTH = 8
# Commands one file's analysis walks (once per path each runs on), with the files it
# follows. Past it, function bodies and called files are no longer walked, their effects
# unknown: a library whose functions call each other in every state (devstack's 450 of
# them, searxng's utils) is otherwise walked for minutes. Whole repositories' largest
# install scripts stay far below it (see bench/).
MAX_COMMANDS_WALKED = 20_000
# Rounds of a loop's body walked before its state is taken as it is: the states a round
# leaves are joined with those before, so most loops settle in two.
MAX_ROUNDS = 4


class _Budget:
    """The commands walked so far, shared by the walks of one analysis."""

    def __init__(self, cut: list[str] | None = None) -> None:
        self.walked = 0
        self.noted = False
        self.cut = cut if cut is not None else []
        # Files followed and text handed to other shells so far: a function whose walk does
        # either can depend on any variable (`opaque`); the names each function's text has.
        self.opened = 0
        self.opaque: set[int] = set()
        self.names: dict[int, frozenset[str]] = {}
        # The summaries of the functions that do neither, by where they run and the state
        # they entered in: a library's helpers are walked once per state for every file
        # and Scope of the analysis that calls them the same way, not once per walk.
        self.summaries: dict[tuple[object, ...], _Summary] = {}
        # The objects whose ids those keys hold, kept alive so that no id is reused.
        self.keyed: list[object] = []
        self.arguments: dict[int, bool] = {}  # whether each function reads its arguments
        # The locals each function assigns first, and the commands that runs.
        self.assigned: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
        # How many calls deep each function's walk may go, by the functions it may reach.
        self.deepest: dict[tuple[int, frozenset[tuple[str, int]]], int] = {}
        # What few functions' walks read (`_FACTS`): the times a walk did, and the functions
        # whose walk did, whose summaries are keyed on it from then on; the others' are not.
        self.read = dict.fromkeys(_FACTS, 0)
        self.readers: dict[str, set[int]] = {fact: set() for fact in _FACTS}
        # Files run and text handed to other shells so far: a sourced file's walk that does
        # either depends on what the analysis followed before it (`_Calls.seen`, a walk's
        # containers), and is not summarised.
        self.ran = 0
        # The summaries of sourced files' walks, by what is kept whole of the state they
        # entered in (`_Walk._sourced_key`), each checked on the variables and functions
        # its walk could read; the names those walks under way may read, innermost last.
        self.sourced: dict[tuple[object, ...], list[_Sourced]] = {}
        self.reading: list[set[str]] = []
        # The functions the walks under way of functions and sourced files look up or
        # define, by name, innermost last: all a walk's result depends on of the shell's.
        self.looking: list[set[str]] = []
        self.file_names: dict[int, frozenset[str]] = {}

    @property
    def spent(self) -> bool:
        return self.walked > MAX_COMMANDS_WALKED


class _Calls:
    """What the walks of one analysis share to follow calls: the loader, and the entry
    states each called file was already analysed in."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self.seen: set[tuple[object, ...]] = set()
        self.scripts: dict[tuple[int, str], tuple[Script, Script]] = {}

    def as_run(self, script: Script, shell: str) -> Script:
        """A called file's Script as the shell `shell` runs it: the same object each time, so
        its Program is built once (`program` keeps them by identity), not once per call;
        the loaded Script itself where it already is that, so that every analysis of the
        run that calls the file shares its Program."""
        if shell == script.shell and script.container is None:
            return script
        key = (id(script), shell)
        held = self.scripts.get(key)
        if held is None or held[0] is not script:
            held = self.scripts[key] = (script, script._replace(shell=shell, container=None))
        return held[1]


class _Here(Record):
    """Which file a walk reads and how it got there."""

    path: str | None  # the file on disk
    script_dir: str | None  # its directory as the running Script sees it (`$(dirname "$0")`)
    call: Related | None = None  # the command or step that runs it
    sourced: bool = False  # run in the caller's own shell
    sudo: Span | None = None  # the sudo a caller runs it with (`sudo ./install.sh`)
    trail: tuple[str, ...] = ()  # the files on the way here, this one last, for cycles
    at_start: bool = False  # run when a container starts, not in the build


Hits = list[RuleHit]


class _Summary(Record):
    """A function's walk from one entry state: the ways it left, its hits, the `_FACTS` it
    read, the functions it called (for `_Walk._uncalled`), by identity, and those it looked
    up (for `_Sourced`), by name."""

    ways: list[Path]
    hits: Hits
    read: frozenset[str]
    called: frozenset[int]
    looked: frozenset[str]  # the functions its walk looked up or defined, by name


class _Sourced(Record):
    """A sourced file's walk from one entry state: the names it could read (the text of the
    files it walked, of the functions it called, and those the analysis reads whatever the
    text says) and what the entry state held of them, the functions it looked up or defined
    and which the entry state had, the ways it left (its other variables and functions
    come from each caller), its hits before the call names them, and the `_FACTS` it read."""

    names: frozenset[str]
    variables: tuple[object, ...]
    looked: frozenset[str]
    functions: tuple[tuple[str, int], ...]
    ways: list[Path]
    hits: Hits
    read: dict[str, object]  # the `_FACTS` it read, with what they were


# What few functions' walks read, so that their summaries are keyed on it only where the
# walk did: "apt", where the Scripts first installed with apt (read as a rule's evidence, or
# set); "file", which file and Scope the walk is in (the Scope's other commands a rule reads,
# the files on the way here where a call would close a cycle); "aliases", whether the shell
# expands aliases (read where it has any, or set by `shopt`); "directory", the working
# directory and the script's own (read where a command may run a file, make, change
# directory or make a project venv, or the text reads `$PWD`).
_FACTS = ("apt", "file", "aliases", "directory")


def analyse(
    scopes: Sequence[Scope],
    rules: Sequence[Rule],
    loader: Loader | None = None,
    path: str | None = None,
    cut: list[str] | None = None,
) -> Iterator[RuleHit]:
    """The rule hits in `scopes`, read from the file `path`; with a `loader`, the repository
    files its Scripts run are analysed in the state they run in. Where a bound stopped the
    walk, `cut` gets what was not followed."""
    calls = _Calls(loader) if loader is not None else None
    budget = _Budget(cut)
    finished: dict[str, State] = {}
    found: Hits = []
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
        walk = _Walk(scope, rules, state, calls, here, budget)
        found.extend(walk.run())
        finished[scope.name] = walk.state
    yield from _through_functions(found)


def _through_functions(hits: Hits) -> Iterator[RuleHit]:
    """Hits made in shell functions, once per place, naming every call that makes them."""
    merged_hits: dict[tuple[str, Span, str], RuleHit] = {}
    for rule_hit in hits:
        if not rule_hit.functions:
            yield rule_hit
            continue
        key = (rule_hit.rule.code, rule_hit.hit.span, rule_hit.hit.message)
        known = merged_hits.get(key)
        if known is None:
            merged_hits[key] = rule_hit
        else:
            calls = tuple(dict.fromkeys((*known.functions, *rule_hit.functions)))
            merged_hits[key] = known._replace(functions=calls)
    for rule_hit in merged_hits.values():
        name = rule_hit.functions[-1][0]
        lines = [line_ref(span.start) for n, span in rule_hit.functions if n == name]
        said = lines[0] if len(lines) == 1 else ", ".join(lines[:-1]) + " and " + lines[-1]
        hit = rule_hit.hit
        calls = tuple(Related(span, f"calls `{n}`") for n, span in rule_hit.functions)
        yield rule_hit._replace(
            hit=hit._replace(
                message=f"{hit.message} (in `{name}`, called on line{'s' if len(lines) > 1 else ''} {said})",
                related=(*dict.fromkeys(calls), *hit.related),
            )
        )


class _Walk:
    def __init__(
        self,
        scope: Scope,
        rules: Sequence[Rule],
        state: State,
        calls: _Calls | None,
        here: _Here,
        budget: _Budget,
    ) -> None:
        self.scope = scope
        self.rules = rules
        self.state = state
        self.calls = calls
        self.here = here
        self.budget = budget
        budget.keyed.append(scope.items)
        # The environments of containers and hosts the Scope hands text to, by where.
        self.containers: dict[Container, tuple[State, Session]] = {}
        self.look = ScopeLook(scope, budget.read)  # what the rest of the Scope shows
        # The functions being run (for recursion) and those called at least once; the one
        # nothing calls being judged on its own.
        self.function_stack: list[str] = []
        self.functions_called: set[int] = set()
        # The functions called in each function's walk under way, for its summary.
        self.calls_made: list[set[int]] = []
        # Calls already walked, by the function and the state they entered in: the states
        # they left. A helper called from every branch of a long script (`err_msg`,
        # `info_msg`) is walked once per state, not once per call. Here those that follow
        # files or hand text to other shells (`opaque`), which depend on this walk's own
        # calls and containers; the others are the analysis's (`_Budget.summaries`).
        self.calls_walked: dict[tuple[object, ...], _Summary] = {}
        # What a function's hits depend on besides its entry state: the Scope's settings and
        # how the file is run; which file and Scope it is, where the walk reads that.
        self.file = (id(scope.items), scope.name, here.path, here.trail)
        self.place = (
            scope.boundary,
            scope.runs_in_image,
            scope.persist,
            scope.directory,
            scope.image_paths,
            scope.host,
            here.sudo,
            here.at_start,
            scope.dev_container_feature,
        )
        self.uncalled: Function | None = None
        # The Script whose commands are being walked.
        self.current_script = Script("", OffsetMap([]))
        # The commands (by identity) whose failure the script ignores, and whether the one
        # being walked is one.
        self.failure_ignored: set[int] = set()
        self.ignoring = False

    def run(self) -> Hits:
        hits: Hits = []
        self._venvs_later()
        for item in self.scope.items:
            if isinstance(item, Script):
                hits.extend(self._script(item))
            elif isinstance(item, SetDir):
                path = expand_known(item.path, self.state.env)
                self.state.cwd = joined(self.state.cwd, path)
            elif isinstance(item, Files):
                target = joined(self.state.cwd, item.target)
                if target is not None:
                    self.state.writable().files.insert(0, item._replace(target=target))
            elif isinstance(item, Call):
                hits.extend(self._call_item(item))
            elif isinstance(item, BuiltImage):
                self._built_image(item)
            elif isinstance(item, Image):
                self._image(item)
            elif isinstance(item, SetEnv):
                hits.extend(self._set_env(item))
            elif isinstance(item, SetUser):
                hits.extend(self._set_user(item))
            elif isinstance(item, SetPython):
                effects.set_python(self.state, item)
            elif isinstance(item, Runner):
                self._runner(item)
            elif isinstance(item, PythonUse):
                hits.extend(
                    RuleHit(rule, hit) for rule in self.rules for hit in rule.on_python_use(item)
                )
        return hits

    # Inherited state ------------------------------------------------------------------------

    def _image(self, image: Image) -> None:
        environment = environments.image(image.ref) if image.ref else None
        self._enter(environment, image.span, self.scope.runs_in_image)

    def _runner(self, runner: Runner) -> None:
        environment = (
            environments.runner(runner.label)
            if runner.label
            else environments.any_runner(runner.choices)
        )
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
            environment.pythons
            if environment and environment.pythons is not None
            else (environments.UNKNOWN,)
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

    def _set_env(self, item: SetEnv) -> Hits:
        state = self.state
        value = expand_known(item.value, state.env) if item.value is not None else None
        state.writable().env[item.name] = value
        venv = effects.venv_from_variable(self.state, item.name, value, item.span)
        if venv is not None:
            state.venv = venv
            state.lost_activation = None
        elif item.name == "PATH" and value is None:
            state.venv_known = False
        return self._dispatch_env(EnvContext(item.name, value, item.span, self.scope.host))

    def _set_user(self, item: SetUser) -> Hits:
        state = self.state
        user = _user_name(item.user)
        previous = state.user
        state.user = user
        state.user_origin = item.span
        hits: Hits = []
        if previous == "root" and user not in ("root", None) and state.root_user_installs:
            switch = UserSwitch(user, item.span, tuple(state.root_user_installs))
            hits = [RuleHit(r, hit) for r in self.rules for hit in r.on_user_switch(switch)]
            state.writable().root_user_installs.clear()
        return hits

    # Shell processes ------------------------------------------------------------------------

    def _script(self, script: Script) -> Hits:
        """One shell process the Scope runs: from the inherited state, through its program;
        what it leaves on the machine is the next Script's inherited state."""
        state = self.state
        cwd = joined(state.cwd, script.cwd) if script.cwd else state.cwd
        session = Session(
            state.venv, state.venv_known, dict(state.env), cwd, script.shell != "bash"
        )
        session.errexit = script.errexit
        entry = Path(state, session)
        self.current_script = script
        hits = self._env_items(script, entry)
        body = program(script).body
        start = entry.fork()
        found, paths = self._walk(body, [entry])
        hits.extend(found)
        hits.extend(self._uncalled(body, start))
        for path in paths:
            activated = path.session.activated
            if activated is not None and path.state.venv is None:
                path.state.lost_activation = activated
                path.state.lost_boundary = script.offsets.span(len(script.text), len(script.text))
        self.state = merged(paths).state
        return hits

    def _env_items(self, script: Script, path: Path) -> Hits:
        """A CI step's `env:`: variables set for this process only."""
        hits: Hits = []
        for item in script.env:
            path.session.set(item.name, item.value, item.span, exported=True)
            venv = effects.venv_from_variable(self.state, item.name, item.value, item.span)
            if venv is not None:
                path.session.venv = venv
            hits.extend(
                self._dispatch_env(EnvContext(item.name, item.value, item.span, self.scope.host))
            )
        return hits

    def _uncalled(self, body: Seq, start: Path) -> Hits:
        """Functions the script defines and never calls: judged once each, in the state the
        script starts in. What they find holds where the script is run on its own: where a
        repository file runs or sources it (`. tools/ci.sh && ci_build`), that file's walk
        judges the functions it calls, in its state."""
        hits: Hits = []
        for function in _functions(body):
            if id(function) in self.functions_called:
                continue
            self.functions_called.add(id(function))
            self.current_script = function.script
            self.uncalled = function
            try:
                found, _ = self._walk(function.body, [start.fork()])
            finally:
                self.uncalled = None
            hits.extend(h._replace(hit=h.hit._replace(alone=True)) for h in found)
        return hits

    def _walk(self, node: ProgramNode, paths: list[Path]) -> tuple[Hits, list[Path]]:
        """The hits of `node` and the paths after it; paths that have exited pass through."""
        ended = [p for p in paths if p.done]
        active = [p for p in paths if not p.done] if ended else paths
        if not active:
            return [], paths
        if isinstance(node, Seq):
            hits: Hits = []
            current = active
            for item in node.items:
                found, current = self._walk(item, current)
                hits.extend(found)
                if isinstance(item, (Simple, Ready, Child)):
                    for path in current:
                        if path.failed and path.session.errexit and not path.done:
                            path.done = "failed"  # `set -e`, and a command that fails
            return hits, current + ended
        if isinstance(node, Simple):
            hits, after = self._simple(node, active)
        elif isinstance(node, Ready):
            hits, after = self._ready(node, active)
        elif isinstance(node, Fork):
            hits, after = self._fork(node, active)
        elif isinstance(node, Chain):
            hits, after = self._chain(node, active)
        elif isinstance(node, Loop):
            hits, after = self._loop(node, active)
        elif isinstance(node, Child):
            hits = []
            for path in active:
                found, inside = self._walk(node.body, [path.child(path.session.copy())])
                hits.extend(found)
                path.state = merged(inside).state  # the machine keeps what it did
                path.failed = _subshell_failed(node.body, inside)
            after = active
        else:  # a function definition
            if self.budget.looking:
                self.budget.looking[-1].add(node.name)
            for path in active:
                path.session.define(node)
            hits, after = [], active
        return hits, after + ended

    def _loop(self, loop: Loop, paths: list[Path]) -> tuple[Hits, list[Path]]:
        """The body from the entry state, then again from the states each round leaves that
        no round started from, to a fixed point (at most MAX_ROUNDS rounds: a variable that
        grows each round does not converge); after it, the state of any round."""
        entry = paths if loop.at_least_once else [p.fork() for p in paths]
        seen = {_settled(p) for p in entry}
        hits, rounds = self._walk(loop.body, entry)
        left = [] if loop.at_least_once else list(paths)
        for _ in range(MAX_ROUNDS - 1):
            left = distinct([*left, *rounds])
            again = [p.fork() for p in rounds if not p.done and _settled(p) not in seen]
            if not again:
                return hits, left
            seen.update(_settled(p) for p in again)
            more, rounds = self._walk(loop.body, again)
            hits.extend(h for h in more if h not in hits)
        return hits, distinct([*left, *rounds])

    def _fork(self, fork: Fork, paths: list[Path]) -> tuple[Hits, list[Path]]:
        """Each arm from each path; where the `if` tests a variable a path knows, only the arm
        its answer takes, and in each arm the variable holds what the arm admits."""
        hits: Hits = []
        after: list[Path] = []
        entering: list[list[Path]] = [[] for _ in fork.arms]
        passing: list[Path] = []
        for path in paths:
            arms = fork.arms_taken(path.session.lookup)
            indices = [i for i in range(len(fork.arms)) if arms is None or i in arms]
            passes = not fork.exhaustive and (arms is None or -1 in arms)
            if passes:
                passing.append(path)
            for number, index in enumerate(indices):
                # A path that goes one way only is that way itself, not a copy.
                last = number == len(indices) - 1 and not passes
                way = path if last else path.fork()
                self._release_checked(fork, index, way)
                self._narrowed(fork, index, way)
                span = _first_span(fork.arms[index]) or fork.span
                if arms is None:
                    _learned(way, fork.test, passed=index == 0)
                entering[index].append(way.with_event(Event("branch", "", "", span)))
            if passes and arms is None:
                _learned(path, fork.test, passed=False)
        for way in passing:
            self._release_checked(fork, -1, way)
            self._narrowed(fork, -1, way)
            for test in fork.either_of:  # no arm ran: each test of `a || b` failed
                _learned(way, test, passed=False)
                self._release_known(way, test, False, fork.span)
        for arm, entered in zip(fork.arms, entering, strict=True):
            if entered:
                found, out = self._walk(arm, entered)
                hits.extend(found)
                after.extend(out)
        return hits, distinct(_root_only(fork.test, after + passing))

    def _narrowed(self, fork: Fork, index: int, way: Path) -> None:
        """A way through arm `index` of `fork` (-1: none) with the variable the fork looks at
        holding only what takes that way: a later test of it is decided where the way's
        values are (`if [ "$V" = system ]; then PY=/usr/bin/python3; fi` ... `if [ "$V" !=
        system ]; then $PY -m pip` never runs /usr/bin/python3). Who runs the shell is
        `_learned`'s."""
        name = fork.test.name if fork.test else fork.subject
        if name is None or name == ROOT_TEST:
            return
        admitted = fork.admitted(index, way.session.lookup(name))
        if admitted is not None:
            way.session.narrow(name, admitted, self._correlating(fork))

    def _correlating(self, fork: Fork) -> frozenset[str]:
        """The variables the arms of `fork` assign that a command running pip or Python reads
        (`if [ "$V" = system ]; then PREFIX=/usr`): what they hold with what the fork's test
        narrows keeps ways apart."""
        return correlations(program(self.current_script).body).get(id(fork), frozenset())

    def _release_checked(self, fork: Fork, index: int, way: Path) -> None:
        """An `if` or `case` arm (`index`; -1: none) taken on `way`, as `_release_known`."""
        if fork.test is not None:
            words = fork.test.admitted(passed=index == 0)  # `= a || = b`: either
            if words:
                self._release_said(way, fork.test.name, words, fork.span)
        elif fork.subject is not None and 0 <= index < len(fork.patterns):
            patterns = fork.patterns[index] or ()
            if not any(_GLOB.search(p) for p in patterns):
                self._release_said(way, fork.subject, patterns, fork.span)

    def _release_known(self, way: Path, test: Test, holds: bool, span: Span) -> None:
        """A test of a variable's value that holds (or fails) on `way`."""
        if test.operator in ("=", "==", "!=") and holds == (test.operator != "!="):
            self._release_said(way, test.name, (test.value.strip("\"'"),), span)

    def _release_said(self, way: Path, name: str, values: tuple[str, ...], span: Span) -> None:
        """On a machine nothing else describes, the Debian or Ubuntu release the script checks
        for on the way it takes (`if [ "$VERSION_CODENAME" = noble ]`, a `case` arm of
        `$(lsb_release -cs)`'s names, past `[ "$VERSION_ID" != 22.04 ] && exit 1`): from there
        on, that release's facts."""
        if way.state.environment is not None or self.scope.host not in ("unknown", "developer"):
            return
        environment = effects.release_checked(name, values, way.session)
        if environment is not None:
            # That release as installed: its Pythons are those the script puts there.
            way.state = way.state.copy()
            way.state.environment, way.state.image_origin = environment, span
            way.state.pythons = tuple(p for p in way.state.pythons if p is not environments.UNKNOWN)

    def _chain(self, chain: Chain, paths: list[Path]) -> tuple[Hits, list[Path]]:
        """`a && b || c`: each part runs on the paths where what ran before succeeded (`&&`)
        or failed (`||`); after a test, whose answer is not known, both ways are kept."""
        for path in paths:
            path.failed = False  # a first part with no command in it (a test) has not failed
        # Commands whose failure the script ignores (`cmd || true`).
        pieces = (chain.first, *(part for _, part, _ in chain.rest))
        for piece, (operator, _, outcome) in zip(pieces, chain.rest, strict=False):
            if isinstance(piece, (Simple, Ready)) and operator == "||" and outcome == "ok":
                self.failure_ignored.add(id(piece))
        hits, after = self._walk(chain.first, paths)
        tests = chain.tests or (None,) * (1 + len(chain.rest))
        # Each way with its status and the test that gave it, where one did.
        ways = [(path, _decided(chain.outcome, tests[0], path), tests[0]) for path in after]
        test_span = _first_span(chain.first)
        for (operator, part, outcome), test in zip(chain.rest, tests[1:], strict=True):
            span = _first_span(part)
            going: list[tuple[Path, str, Test | None]] = []
            running: list[Path] = []
            for path, status, asked in ways:
                # A job done is taken to succeed, but a fallback after it may run.
                known = {"act": "ok" if operator == "&&" else "either"}.get(status, status)
                wanted = "ok" if operator == "&&" else "fail"
                if path.done or known not in (wanted, "either"):
                    going.append((path, known, None))
                    continue
                if known == "either":
                    skipped = path.fork()
                    if status == "either" and test_span is not None:
                        said = "the test fails" if operator == "&&" else "the test succeeds"
                        skipped.with_event(Event("branch", "", said, test_span))
                    if status == "either":
                        _learned(skipped, asked, passed=operator == "||")
                        _learned(path, asked, passed=operator == "&&")
                        # `[ "$VERSION_ID" != 22.04 ] && exit 1`
                        checked = (asked.span if asked else None) or test_span or span
                        if asked is not None and checked is not None:
                            self._release_known(skipped, asked, operator == "||", checked)
                            self._release_known(path, asked, operator == "&&", checked)
                    going.append((skipped, "fail" if operator == "&&" else "ok", None))
                    if span is not None:
                        path = path.with_event(Event("branch", "", "", span))
                running.append(path)
            if running:
                for path in running:
                    path.failed = False
                found, ran = self._walk(part, running)
                hits.extend(found)
                going.extend((path, _decided(outcome, test, path), test) for path in ran)
            ways = going
            test_span = span
        paths = [path for path, _, _ in ways]
        for test in chain.tests:
            paths = _root_only(test, paths)
        return hits, distinct(paths)

    def _simple(self, simple: Simple, paths: list[Path]) -> tuple[Hits, list[Path]]:
        """A command on each path: read with each value its variables may hold there (a
        value of several is a path of its own), judged, and what it changes applied."""
        outcomes: list[tuple[tuple[Event, ...], Hits]] = []
        after: list[Path] = []
        self.budget.walked += len(paths)
        self.ignoring = id(simple) in self.failure_ignored
        for path in paths:
            session = path.session
            if session.aliases:
                self.budget.read["aliases"] += 1
            aliases = session.aliases_at(self.current_script, simple.span.start)
            empty: list[tuple[tuple[str, str, Span | None], ...]] = []
            found = readings(
                simple, self.current_script, session.lookup, aliases, empty, session.positional
            )
            # `$SUDO` read as `sudo` alone: nothing runs with those values
            outcomes.extend(
                ((*path.events, *(_assumed(a, simple) for a in assumed)), []) for assumed in empty
            )
            if not found:
                after.append(path)
                continue
            ways = [path] if len(found) == 1 else [path.fork() for _ in found]
            for (command, assumptions), way in zip(found, ways, strict=True):
                for assumed in assumptions:
                    way.with_event(_assumed(assumed, simple))
                events = way.events
                hits, out = self._run(command, way)
                outcomes.append((events, hits))
                after.extend(out)
        return _one_per_command(labelled(outcomes)), distinct(after)

    def _ready(self, ready: Ready, paths: list[Path]) -> tuple[Hits, list[Path]]:
        outcomes: list[tuple[tuple[Event, ...], Hits]] = []
        after: list[Path] = []
        self.ignoring = id(ready) in self.failure_ignored
        for path in paths:
            hits, out = self._run(ready.command, path, ready.handed)
            outcomes.append((path.events, hits))
            after.extend(out)
        return _one_per_command(labelled(outcomes)), distinct(after)

    def _run(
        self, command: Command, path: Path, handed_script: Script | None = None
    ) -> tuple[Hits, list[Path]]:
        """One command on one path: the rules' hits, and the paths it leaves."""
        container = command.script.container
        if container is not None:
            # Text run in a container or on another host: that environment, not this shell's.
            self.budget.opened += 1
            outer = self.state
            state, session = self._container(container)
            self.state = state
            try:
                hits, _ = self._command_here(command, Path(state, session))
            finally:
                self.state = outer
            return hits, [path]
        self.state = path.state
        path.failed = False
        program_name = command.program
        if program_name == "exit" and command.words:
            path.done = "exit"
            return [], [path]
        if program_name == "return" and self.function_stack:
            path.done = "return"
            return [], [path]
        if program_name == "shift":
            text = command.words[1].text if len(command.words) > 1 else "1"
            count = int(text) if text and text.isascii() and text.isdigit() else None
            if path.session.positional is None:
                effects.shift_positional(path.session, count)
            else:
                positional = path.session.positional
                path.session.positional = None if count is None else positional[count:]
            return [], [path]
        function = path.session.functions.get(command.name or "") if command.words else None
        if self.budget.looking and command.words:
            self.budget.looking[-1].add(command.name or "")
        if function is not None and not command.wrappers:
            return self._call_function(function, command, path)
        hits, paths = self._command_here(command, path)
        nested = Handed(handed_script) if handed_script else handed(command)
        if nested is not None:
            for way in paths:
                hits.extend(self._handed(nested, command, way))
        # (`$PYENV exec pip ...` is pyenv's exec: the unknown word runs it, not the shell.)
        if command.unknown_wrapper is None and any(w.text == "exec" for w in command.wrappers):
            for way in paths:
                way.done = "exit"  # the shell is replaced: nothing after it runs
        return hits, paths

    def _handed(self, nested: Handed, command: Command, path: Path) -> Hits:
        """Shell text a command hands to another shell: a child process (in a container or
        on another host, in that environment; as another user, with that user)."""
        script, user = nested.script, nested.user
        self.budget.opened += 1
        outer_script, outer_state = self.current_script, self.state
        self.current_script = script
        try:
            if script.container is not None:
                state, session = self._container(script.container)
                hits, paths = self._walk(program(script).body, [Path(state, session)])
                self.containers[script.container] = (merged(paths).state, session)
                return hits
            child = path.child(path.session.child(script.shell, clean=nested.env_reset))
            if user is not None:
                child.session.runs_as = (user, command.span)
            hits, paths = self._walk(program(script).body, [child])
        finally:
            self.current_script, self.state = outer_script, outer_state
        path.state = merged(paths).state
        self.state = path.state
        return hits

    def _call_function(
        self, function: Function, command: Command, path: Path
    ) -> tuple[Hits, list[Path]]:
        """A function's body, run where it is called: in the caller's shell (a body in
        parentheses, in a subshell of it), its hits naming the call. Its `$1`... are its
        own, not followed (so one summary serves every call): the caller's come back after."""
        held = [(name, path.session.held(name)) for name in effects.POSITIONAL]
        effects.set_positional(path.session, None)
        hits, paths = self._function_body(function, command, path)
        for way in (path, *paths):
            for name, value in held:
                way.session.restore(name, value)
        return hits, paths

    def _function_body(
        self, function: Function, command: Command, path: Path
    ) -> tuple[Hits, list[Path]]:
        if function.name in self.function_stack or len(self.function_stack) >= MAX_CALL_DEPTH:
            return [], [path]
        if self.budget.spent:
            self._over_budget()
            path.session.maybe_activated = path.session.maybe_activated or command.span
            return [], [path]
        self.functions_called.add(id(function))
        for made in self.calls_made:
            made.add(id(function))
        call = (function.name, command.span)
        # The function's summary: the states it leaves and its hits, by what its walk can
        # depend on (all of the state where it runs files or hands text to other shells).
        session = path.session
        names: frozenset[str] | None = None
        opaque = id(function) in self.budget.opaque
        if not opaque or self.budget.reading:
            aliases = [a.value for a in session.aliases.values()]
            reads, reached = touched(function, session.functions, aliases, self.budget.names)
            if self.budget.reading:  # a sourced file's walk under way reads what this call does
                self.budget.reading[-1].update(reads)
        if opaque:
            entered: tuple[object, ...] = (
                id(function),
                id(self.uncalled),
                len(self.function_stack),
                path.key(),
            )
        else:
            names = reads
            if "PWD" in names:  # read as the directory where no variable holds it
                self.budget.readers["directory"].add(id(function))
            names |= IMPLICIT | session.implicit_names()
            depth = len(self.function_stack)
            calling = names.intersection(self.function_stack)
            names = names - self._assigned_first(function, session)
            entered = (
                self.place,
                id(function),
                id(self.uncalled),  # what the rules see of the interpreters the file runs
                # Where it cannot reach MAX_CALL_DEPTH, how deep it is called does not matter.
                depth if self._reaches(depth, function, session, reached) else -1,
                calling,
                reached,
                path.state.key(apt_installs=False),
                session.key(False, False, expand_aliases=False, directory=False),
                path.done,
                session.variables_of(names),
                # A function that reads its arguments: walked once per call's words.
                command.words[1:] if self._reads_arguments(function) else None,
            )
        apt = path.state.apt_installs
        facts = {
            "apt": apt,
            "file": self.file,
            "aliases": session.expand_aliases,
            "directory": (session.cwd, session.moved, self.here.script_dir),
        }
        readers = self.budget.readers
        reads_apt = id(function) in readers["apt"]
        reads_aliases = id(function) in readers["aliases"]
        reads_directory = id(function) in readers["directory"]
        summaries = self.calls_walked if names is None else self.budget.summaries
        left = summaries.get((*entered, *_read_facts(function, facts, readers)))
        if left is not None:
            for fact in left.read:
                self.budget.read[fact] += 1
            if self.budget.looking:
                self.budget.looking[-1].update(left.looked)
            self.functions_called |= left.called
            for made in self.calls_made:
                made |= left.called
            paths = [way.resumed(path.events) for way in left.ways]
            for way in paths:
                way.session.positional = session.positional
                # As they were, where the walk kept them.
                if not reads_apt:
                    way.state.apt_installs = apt
                if not reads_aliases:
                    way.session.expand_aliases = session.expand_aliases
                if not reads_directory:
                    way.session.cwd, way.session.moved = session.cwd, session.moved
                if names is not None:
                    way.session.passed_through(session, names)
            return [h._replace(functions=(call, *h.functions)) for h in left.hits], paths
        entry = path.fork() if function.subshell else path
        arguments = session.positional
        entry.session.positional = command.words[1:]
        self.function_stack.append(function.name)
        caller = self.current_script
        self.current_script = function.script
        opened, read = self.budget.opened, dict(self.budget.read)
        self.calls_made.append(set())
        locals_ = frozenset() if function.subshell else local_names(function)
        saved = [session.held(name) for name in locals_]
        # A local PATH or VIRTUAL_ENV: what the function activates ends with it.
        venv = (session.venv, session.venv_known) if {"PATH", "VIRTUAL_ENV"} & locals_ else None
        self.budget.looking.append(set())
        try:
            hits, paths = self._walk(function.body, [entry])
        finally:
            self.function_stack.pop()
            self.current_script = caller
            called = frozenset(self.calls_made.pop())
            looked = frozenset(self.budget.looking.pop())
        if self.budget.looking:
            self.budget.looking[-1].update(looked)
        for way in paths:
            if way.done == "return":
                way.done = ""
            way.session.positional = arguments
            for name, held in zip(locals_, saved, strict=True):
                way.session.restore(name, held)
            if venv is not None:
                way.session.venv, way.session.venv_known = venv
        if function.subshell:
            path.state = merged(paths).state
            path.failed = _subshell_failed(function.body, paths)
            paths = [path]
        if self.budget.opened != opened:
            self.budget.opaque.add(id(function))  # keyed on the whole state from now on
        facts_read = frozenset(f for f in _FACTS if self.budget.read[f] != read[f])
        for fact in facts_read:
            readers[fact].add(id(function))  # keyed on it from now on
        if names is None or self.budget.opened == opened:
            kept = [way.resumed(()) for way in paths]
            if names is not None:  # the rest comes from the caller where it is reused
                for way in kept:
                    way.session.keep_only(names)
            key = (*entered, *_read_facts(function, facts, readers))
            summaries[key] = _Summary(kept, hits, facts_read, called, looked)
        return [h._replace(functions=(call, *h.functions)) for h in hits], paths

    def _reaches(
        self, depth: int, function: Function, session: Session, reached: frozenset[tuple[str, int]]
    ) -> bool:
        """Whether a call of `function` at `depth` may go MAX_CALL_DEPTH calls deep."""
        if depth + len(reached) < MAX_CALL_DEPTH:
            return False
        key = (id(function), reached)
        below = self.budget.deepest.get(key)
        if below is None:
            names = self.budget.names
            below = self.budget.deepest[key] = deepest(function, session.functions, reached, names)
        return depth + below >= MAX_CALL_DEPTH

    def _assigned_first(self, function: Function, session: Session) -> frozenset[str]:
        """The locals the function assigns before it reads them (`assigned_first`), where
        nothing it runs first may be a function or alias of this shell."""
        found = self.budget.assigned.get(id(function))
        if found is None:
            found = self.budget.assigned[id(function)] = assigned_first(function)
        assigned, commands = found
        if not assigned or session.aliases or not commands.isdisjoint(session.functions):
            return frozenset()
        return assigned

    def _reads_arguments(self, function: Function) -> bool:
        """Whether the function's own text reads its arguments (`"$@"`)."""
        found = self.budget.arguments.get(id(function))
        if found is None:
            found = self.budget.arguments[id(function)] = reads_arguments(function)
        return found

    def _over_budget(self) -> None:
        """Say once that calls are no longer followed: the run warns that the file was not
        fully checked."""
        if not self.budget.noted:
            self.budget.noted = True
            self.budget.cut.append(
                f"{MAX_COMMANDS_WALKED} commands walked: the functions and files it calls "
                "after that were not followed (their effects are unknown)"
            )

    def _container(self, container: Container) -> tuple[State, Session]:
        if container not in self.containers:
            state = State()
            environment = environments.image(container.image) if container.image else None
            state.environment = environment
            if environment is not None and environment.pythons is not None:
                state.pythons = environment.pythons
            state.python = _python_kind(environment)
            state.user = container.user or (environment.default_user if environment else None)
            state.venv_known = environment is not None
            self.containers[container] = (state, Session(None, state.venv_known, {}, None))
        return self.containers[container]

    def _command_here(self, command: Command, path: Path) -> tuple[Hits, list[Path]]:
        session = path.session
        env = session.env
        hits: Hits = []
        for assignment in command.assignments:
            value = assignment.value.text if assignment.value else None
            hits.extend(
                self._dispatch_env(
                    EnvContext(
                        assignment.name,
                        value,
                        assignment.span,
                        self.scope.host,
                        prefixed=command if command.words else None,
                    )
                )
            )
        if not command.words:
            effects.assign(command, path, exported=False)
            return hits, [path]
        pip = commands.pip_call(command)
        if command.assignments:
            env = {
                **env,
                **{a.name: a.value.text if a.value else None for a in command.assignments},
            }
        if command.unknown_wrapper is not None:
            # Whether and as whom it runs is not known: only the habits in its own words (the
            # strict tier's) are reported, and the state it would leave is not assumed.
            if pip is not None or commands.may_be_judged(command):
                hits.extend(self._dispatch(self._context(command, pip, session, env), STRICT))
            effects.maybe_applied(command, path)
            return hits, [path]
        if pip is not None or commands.may_be_judged(command):
            context = self._context(command, pip, session, env)
            hits.extend(self._dispatch(context))
        called = self._called_file(command, session) if self.calls is not None else None
        if called is not None:
            found, paths = self._follow(called, command, path)
            return hits + found, paths
        apt = path.state.apt_installs
        self.budget.read["aliases"] += command.program == "shopt"
        self.budget.read["directory"] += effects.reads_directory(command, session)
        effects.apply(command, pip, path, self.scope, self.here.script_dir)
        self.budget.read["apt"] += path.state.apt_installs is not apt
        path.failed = path.failed or any(rule_hit.hit.fails for rule_hit in hits)
        return hits, [path]

    def _context(
        self, command: Command, pip: PipCall | None, session: Session, env: dict[str, str | None]
    ) -> Context:
        state = self.state
        return command_context(
            command,
            pip,
            state,
            session,
            env,
            look=self.look,
            run_by_sudo=self.here.sudo,
            at_start=self.here.at_start,
            failure_ignored=self.ignoring,
            interpreters=self._interpreters,
            apt_installs=lambda: self._apt_installs(state),
            venv_package_missing=self._venv_package_missing,
            own_environment=lambda runs_in: self._own_environment(command, runs_in),
        )

    def _own_environment(self, command: Command, session: Session) -> OwnEnvironment | None:
        """A project tool's environment made before `command` that the Scope runs the
        project in after it (`poetry install`, then `poetry run pytest`), where no venv is
        active."""
        if session.venv is not None or session.maybe_activated:
            return None
        tool_runs = self.look.tool_runs()
        for tool, made in self.state.own_environments.items():
            after = (s for t, s in tool_runs if t == tool and s.start > command.span.end)
            run = next(after, None)
            if made is not None and run is not None and not self._configured(tool, session):
                return OwnEnvironment(tool, made, run)
        return None

    def _configured(self, tool: str, session: Session) -> bool:
        """Whether a project file may tell the tool otherwise (a poetry.toml may say
        `create = false`), or whether there is one cannot be known."""
        if tool != "poetry":
            return False
        if self.calls is None:
            return True
        self.budget.read["directory"] += 1
        places = {d for d in (session.cwd, self.scope.directory) if d is not None}
        return any(self.calls.loader.exists(posixpath.join(d, "poetry.toml")) for d in places)

    def _interpreters(self) -> tuple[InterpreterRun, ...]:
        """The Python interpreters this Scope runs code with, in order (read once, when a
        rule first asks); in a function nothing calls, those of its own body: what else
        the file runs need not run where it does."""
        if self.uncalled is not None:
            body = commands_in(self.uncalled.body, self.uncalled.script)
            return tuple(run for c in body if (run := commands.interpreter_run(c)) is not None)
        return self.look.interpreter_runs()

    def _apt_installs(self, state: State) -> Span | None:
        """Where the Scripts first install with apt, for a rule: before `state`, else
        anywhere in the Scope."""
        self.budget.read["apt"] += 1
        return state.apt_installs or self.look.first_apt_install()

    def _venv_package_missing(self) -> bool:
        """apt installed the distro's pip (here or before this file was run), and nothing
        in the Scope brings venv."""
        return self.look.venv_package_missing(self.state.pip_without_venv)

    def _venvs_later(self) -> None:
        """The venvs the Scope makes at a known absolute path (`RUN python3 -m venv
        /opt/venv`, Poetry's in-project `.venv` under a WORKDIR): until then, an ENV PATH
        (here or in the stage it builds on) that names one finds no pip there."""
        state = self.state
        cwd, env, later = state.cwd, dict(state.env), set()
        for item in self.scope.items:
            if isinstance(item, SetDir):
                cwd = joined(cwd, expand_known(item.path, env))
            elif isinstance(item, SetEnv):
                env[item.name] = expand_known(item.value, env) if item.value is not None else None
            elif isinstance(item, Script) and item.container is None:
                activated = False  # Poetry then installs into the active venv
                for command in parse_script(item, commands.may_be_judged_name):
                    activated = activated or commands.activation(command) is not None
                    created = commands.venv_created(command)
                    named = (
                        created.text
                        if created
                        else None
                        if activated
                        else commands.project_venv(command, env)
                    )
                    made = joined(cwd, expand_known(named, env)) if named else None
                    if made is not None and made.startswith("/") and "$" not in made:
                        later.add(made.rstrip("/"))
        later -= set(state.venvs_created)
        if not later:
            return
        state.venvs_later = frozenset(later)
        if state.venv is not None and state.venv.how == "PATH" and state.venv.path in later:
            state.venv = None  # PATH finds the pip after it, which the image's is

    def _dispatch(self, context: Context, only: frozenset[str] | None = None) -> Hits:
        """The rules' hits on a command (`only`: of these rules)."""
        rules = self.rules if only is None else [r for r in self.rules if r.code in only]
        made_on = context.command.span
        hits = [
            RuleHit(rule, hit._replace(command=made_on))
            for rule in rules
            for hit in rule.on_command(context)
        ]
        # One finding per command across tiers: where a default rule speaks for the command,
        # the strict tier adds nothing on it. A hit that holds only for the script run on
        # its own (`alone`) supersedes nothing here: the others stay for where a repository
        # file runs it, and the run keeps one of the two (`run._alone_unless_called`).
        fired = {h.rule.code for h in hits if not h.hit.alone}
        proven = not fired <= STRICT
        return [
            h
            for h in hits
            if not fired.intersection(h.rule.superseded_by)
            and not (proven and h.rule.code in STRICT)
        ]

    def _dispatch_env(self, env: EnvContext) -> Hits:
        env = env._replace(venv_package_missing=self._venv_package_missing)
        return [RuleHit(rule, hit) for rule in self.rules for hit in rule.on_env(env)]

    # Calls into other files of the repository ---------------------------------------------

    def _called_file(self, command: Command, session: Session) -> Called | None:
        assert self.calls is not None
        where = Where(
            session.cwd,
            session.env,
            self.here.script_dir,
            self.state.files if self.scope.image_paths else None,
            session.moved,
        )
        loader = self.calls.loader
        if commands.script_call(command) is not None or commands.make_call(command) is not None:
            self.budget.read["directory"] += 1  # where it looks for the file
        return called_file(command, where, loader) or called_makefile(command, where, loader)

    def _follow(self, called: Called, command: Command, path: Path) -> tuple[Hits, list[Path]]:
        """A repository file a command runs or sources: its Scripts in this state (sourced,
        in this shell, whose paths go on after it; run, in a child process, whose changes to
        the machine come back)."""
        assert self.calls is not None
        here, calls, call = self.here, self.calls, called.call
        if called.disk in here.trail or len(here.trail) > MAX_CALL_DEPTH:
            self.look.counted()  # the files on the way here
            why = "a cycle" if called.disk in here.trail else f"deeper than {MAX_CALL_DEPTH} calls"
            calls.loader.note(f"{called.disk}: not followed from {here.path}: {why}")
            return [], [path]
        if self.budget.spent:
            self._over_budget()
            if call.sourced:
                path.session.maybe_activated = path.session.maybe_activated or command.span
            return [], [path]
        self.budget.opened += 1
        state, session = path.state, path.session
        user, origin = effects.user_of(command, self.state, session)
        # A Makefile's recipe shells get no arguments: what follows `make` are its goals.
        arguments = _arguments(command, call.path) if called.shells_in is None else ()
        if not call.sourced:
            self.budget.ran += 1
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
                tuple(scope.name for scope in called.scopes),  # a Makefile's goals
                tuple(w.text for w in arguments) if arguments is not None else None,
                called.variables,  # and the variables make is run with
            )
            if entry in calls.seen:
                return [], [path]
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
            command.script.at_start or here.at_start,
        )
        if call.sourced:
            # bash, zsh and ksh give a file sourced with words those as its `$1`... until it
            # ends; dash ignores them (checked by running both); another sh: not known.
            shell, environment = command.script.shell, state.environment
            dash = shell == "dash" or (
                shell == "sh" and environment is not None and environment.sh == "dash"
            )
            held = []
            if arguments != () and not dash:
                held = [(name, session.held(name)) for name in effects.POSITIONAL]
                passed = arguments if shell in ("bash", "zsh", "ksh") else None
                effects.set_positional(session, passed)
            hits, paths = self._sourced(called, command, path, inner)
            for way in (path, *paths) if held else ():
                for name, value in held:
                    way.session.restore(name, value)
            self.state = path.state
            return _from_call(hits, inner), paths
        child = path.child(session.child(call.shell, clean=command.env_reset))
        effects.set_positional(child.session, arguments)
        if user != state.user:
            child.session.runs_as = (user, origin)
        hits, paths = self._walk_called(called, command, path, [child], inner)
        path.state = merged(paths).state
        self.state = path.state
        return _from_call(hits, inner), [path]

    def _walk_called(
        self, called: Called, command: Command, path: Path, paths: list[Path], inner: _Here
    ) -> tuple[Hits, list[Path]]:
        """The Scripts of a called file walked from `paths` (on `path`'s machine): their hits,
        before the call names them, and the paths after them."""
        assert self.calls is not None
        started = paths[0]
        hits: Hits = []
        for scope in called.scopes:
            walk = _Walk(
                self._callee(scope), self.rules, path.state, self.calls, inner, self.budget
            )
            walk.function_stack = self.function_stack
            for item in scope.items:
                if not isinstance(item, Script):
                    continue
                if command.script.container is not None:
                    continue  # text run elsewhere by the callee; its own file says where
                if called.shells_in is not None:
                    paths = [self._own_shell(paths, started, called.shells_in)]
                shell = called.call.shell or item.shell or command.script.shell
                walk.current_script = self.calls.as_run(item, shell)
                found, paths = walk._walk(program(walk.current_script).body, paths)
                hits.extend(found)
        return hits, paths

    def _sourced(
        self, called: Called, command: Command, path: Path, inner: _Here
    ) -> tuple[Hits, list[Path]]:
        """A sourced file walked in this shell, or its summary from a walk that entered in
        a state alike in all it could read: a library sourced by every script of a
        repository (and by each of the recipes that run them) is walked once per such state.
        Its hits are those before the call names them."""
        budget, session = self.budget, path.session
        key = self._sourced_key(called, command, path, inner)
        implicit = session.implicit_names()
        facts = {
            "apt": path.state.apt_installs,
            "file": inner.trail,
            "aliases": None,  # kept whole in the key
            "directory": (session.cwd, session.moved),
        }
        for summary in budget.sourced.get(key, ()):
            if (
                implicit <= summary.names
                and all(facts[fact] == held for fact, held in summary.read.items())
                and summary.variables == session.variables_of(summary.names)
                and summary.functions == _functions_of(session, summary.looked)
            ):
                return list(summary.hits), self._resumed(summary, path)
        entry = session.copy()  # as it was: the walk changes this shell's own
        reading = set(self._file_names(called)) | implicit
        for alias in session.aliases.values():
            reading.update(_NAME.findall(alias.value))
        budget.reading.append(reading)
        budget.looking.append(set())
        ran, read, noted = budget.ran, dict(budget.read), budget.noted
        # Walked with a history of its own, which the caller's goes before: the file's hits
        # are told apart by what happens in it, the caller's history being every way's.
        history, path.events = path.events, ()
        try:
            hits, paths = self._walk_called(called, command, path, [path], inner)
        finally:
            budget.reading.pop()
            looked = frozenset(budget.looking.pop())
        if budget.reading:
            budget.reading[-1].update(reading)
            budget.looking[-1].update(looked)
        stored = budget.ran == ran and budget.noted == noted and not budget.spent
        kept = [way.resumed(way.events) for way in paths] if stored else []
        for way in paths:
            _after(history, way)
        if not stored:
            return hits, paths
        names = frozenset(reading)
        facts_read = {f: facts[f] for f in _FACTS if budget.read[f] != read[f]}
        budget.sourced.setdefault(key, []).append(
            _Sourced(
                names,
                entry.variables_of(names),
                looked,
                _functions_of(entry, looked),
                kept,
                hits,
                facts_read,
            )
        )
        return hits, paths

    def _resumed(self, summary: _Sourced, path: Path) -> list[Path]:
        """The ways a sourced file's summary left, from the caller's `path`: the variables
        and functions outside those its walk could read are the caller's."""
        budget, session = self.budget, path.session
        for fact in summary.read:
            budget.read[fact] += 1
        if budget.reading:
            budget.reading[-1].update(summary.names)
            budget.looking[-1].update(summary.looked)
        ways = []
        for left in summary.ways:
            way = _after(path.events, left.resumed(left.events))
            # As they were, where the walk kept them.
            if "apt" not in summary.read:
                way.state.apt_installs = path.state.apt_installs
            if "directory" not in summary.read:
                way.session.cwd, way.session.moved = session.cwd, session.moved
            way.session.passed_through(session, summary.names)
            own = way.session.functions
            way.session.functions = {
                **session.functions,
                **{name: own[name] for name in own.keys() & summary.looked},
            }
            way.session.functions_key = None
            ways.append(way)
        return ways

    def _sourced_key(
        self, called: Called, command: Command, path: Path, inner: _Here
    ) -> tuple[object, ...]:
        """What a sourced file's summary is keyed on whole: how and where it is run, the
        machine, the shell but its variables and functions, and the way's history (the hits
        are labelled by it)."""
        session = path.session
        self.budget.keyed.append(called.scopes)
        return (
            called.disk,
            called.named,
            called.call.shell,
            called.shells_in,
            called.variables,
            id(called.scopes),
            command.script.shell,
            command.script.container,
            self.place,
            inner.sudo,
            inner.at_start,
            tuple(self.function_stack),
            _whole(path.state),
            session.key(values=False, functions=False, directory=False),
            session.positional,
            session.narrowed,
            session.correlated,
            path.done,
            path.failed,
        )

    def _file_names(self, called: Called) -> frozenset[str]:
        """The names a called file's text has, with the positional parameters."""
        found = self.budget.file_names.get(id(called.scopes))
        if found is None:
            texts = (i.text for s in called.scopes for i in s.items if isinstance(i, Script))
            found = frozenset(_NAME.findall(" ".join(texts))) | frozenset(effects.POSITIONAL)
            self.budget.file_names[id(called.scopes)] = found
        return found

    @staticmethod
    def _own_shell(paths: list[Path], started: Path, directory: str) -> Path:
        """A shell the call starts for one Script (make's for a recipe line): on the machine
        the Scripts before it left, with the environment and user the call began with, in
        `directory`."""
        shell = Path(merged(paths).state, started.session.copy(), started.events)
        shell.session.cwd = directory
        return shell

    def _call_item(self, item: Call) -> Hits:
        """A local composite action: its steps run in this job, one after another."""
        if self.calls is None or item.path in self.here.trail:
            return []
        if len(self.here.trail) > MAX_CALL_DEPTH:
            self.calls.loader.note(f"{item.path}: not followed: deeper than {MAX_CALL_DEPTH} calls")
            return []
        scopes = self.calls.loader.load(item.path)
        if not scopes:
            return []
        inner = _Here(
            item.path,
            None,
            Related(item.span, "runs this action in the job"),
            trail=(*self.here.trail, item.path),
        )
        # An action's Scopes are alternatives (one per system its steps tell apart, where
        # they do): each starts from the job's state, and the job goes on from all of them.
        hits: Hits = []
        left: list[State] = []
        for scope in scopes:
            entry = self.state.copy() if len(scopes) > 1 else self.state
            walk = _Walk(self._callee(scope), self.rules, entry, self.calls, inner, self.budget)
            hits.extend(_from_call(walk.run(), inner))
            left.append(walk.state)
        self.state = left[0].merged(left[1:]) if len(left) > 1 else left[0]
        return hits

    def _built_image(self, item: BuiltImage) -> None:
        """A container of the image the repository's Dockerfile builds: the state its stages
        leave (walked without rules: its own check judges it), in this Scope's directory."""
        scopes = self.calls.loader.load(item.path) if self.calls is not None else None
        if not scopes or item.path in self.here.trail:
            return  # what the final stage names (the items before this one) is all known
        here = self.here._replace(path=item.path, trail=(*self.here.trail, item.path))
        finished: dict[str, State] = {}
        for scope in scopes:
            inherited = finished.get(scope.inherits or "")
            state = inherited.copy() if inherited else State()
            if inherited is None:
                state.cwd = "/"
            walk = _Walk(scope, (), state, self.calls, here, self.budget)
            walk.run()
            finished[scope.name] = walk.state
        state = finished[scopes[-1].name].copy()
        state.cwd, state.files, state.lost_activation = self.scope.directory, [], None
        self.state = state

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


_GLOB = lazy(r"[*?\[]")
_NAME = lazy(r"[A-Za-z_]\w*")


def _from_call(hits: Hits, here: _Here) -> Hits:
    """Hits in a called file, with the call as a related location (outermost first, as
    each caller adds its own) and named in the message by the one that runs the line."""
    call = here.call
    assert call is not None
    verb = "sourced" if here.sourced else "run"
    result = []
    for rule_hit in hits:
        hit = rule_hit.hit
        message = hit.message
        if not rule_hit.called:
            message += f" ({verb} by line {line_ref(call.span.start)})"
        result.append(
            rule_hit._replace(
                hit=hit._replace(message=message, related=(call, *hit.related)),
                called=True,
            )
        )
    return result


def _after(history: tuple[Event, ...], way: Path) -> Path:
    """`way`, walked from no history, after `history`."""
    events, way.events = way.events, history
    for event in events:
        way.with_event(event)
    return way


def _functions_of(session: Session, names: frozenset[str]) -> tuple[tuple[str, int], ...]:
    """Which of `names` the shell has as functions, and which functions they are."""
    functions = session.functions
    return tuple(sorted((n, id(functions[n])) for n in functions.keys() & names))


def _whole(state: State) -> tuple[object, ...]:
    """All a State holds but where apt first installed (a `_FACTS`), where a walk's result
    is kept for another with the same: its key with the lines that made it and the files
    and installs it lists."""
    return (
        state.key(apt_installs=False),
        state.image_origin,
        state.user_origin,
        state.python_origin,
        state.lost_boundary,
        state.venvs_later,
        tuple(state.files),
        tuple(state.root_user_installs),
        frozenset(state.users.items()),
        frozenset(state.venvs_created.items()),
    )


def _read_facts(
    function: Function, facts: dict[str, object], readers: dict[str, set[int]]
) -> tuple[object, ...]:
    """The `_FACTS` a function's summary is keyed on: those its walks read."""
    return tuple((facts[f],) if id(function) in readers[f] else None for f in _FACTS)


def _arguments(command: Command, script: Word) -> tuple[Word, ...] | None:
    """The words a command hands the script it runs (`bash x.sh yara` → `yara`); None where
    the script's word is not among the command's (read through a variable)."""
    for index, word in enumerate(command.words):
        if word.span == script.span:
            return command.words[index + 1 :]
    return None


def _settled(path: Path) -> tuple[object, ...]:
    """What a round of a loop's body walked from `path` depends on: its key, with a variable
    that holds no known value the same as one never set (the shell reads both as unknown:
    `for f in $LIST` leaves `f` so, and a round from there reads as the first did)."""
    session = path.session
    values = frozenset(
        (name, held and frozenset(held))
        for name, held in session.values.items()
        if held is not None or not session.unknown_as_unset(name)
    )
    return (path.key(values=False), values, session.positional)


def _decided(outcome: str, test: Test | None, path: Path) -> str:
    """A part's outcome on a path: a test of a variable the path knows is decided; a command
    the shell does not have fails."""
    if path.failed:
        return "fail"
    if outcome != "either" or test is None:
        return outcome
    verdict = test.verdict(path.session.lookup(test.name))
    return "either" if verdict is None else ("ok" if verdict else "fail")


def _subshell_failed(body: ProgramNode, ways: list[Path]) -> bool:
    """Whether a subshell is known to fail: on every way it ended with a failure (`set -e`),
    or with a last command or list known to fail, whose status is the subshell's (under
    `set -e` that ends the script too, as bash and dash do with `(cd sub && source x)`)."""
    last = body.items[-1] if isinstance(body, Seq) and body.items else body
    status = isinstance(last, (Simple, Ready, Child, Chain))
    return all(way.done == "failed" or (status and not way.done and way.failed) for way in ways)


def _one_per_command(hits: Hits) -> Hits:
    """A command's hits on all the paths that reach it: where a default rule speaks for it on
    one path (`sudo pip` refused where the script installs with apt), the strict tier adds
    nothing on it from another (one that holds only for the script run on its own: see
    `_dispatch`)."""
    proven = {h.hit.span for h in hits if h.rule.code not in STRICT and not h.hit.alone}
    return [h for h in hits if h.rule.code not in STRICT or h.hit.span not in proven]


def _learned(path: Path, test: Test | None, passed: bool) -> None:
    """What a way through a test of who runs the shell knows after it: where it says the
    shell runs as root, it does from here on (`[ "$(id -u)" -ne 0 ] && exit 1` goes on as
    root)."""
    if test is None or test.name != ROOT_TEST or test.span is None:
        return
    if passed == (test.operator == "=="):
        path.session.root_only = test.span


def _root_only(test: Test | None, paths: list[Path]) -> list[Path]:
    """After a test of who runs the shell: where every way that goes on runs as root (the
    others exited), the script runs only as root from here on; where one goes on as someone
    else (`SUDO=sudo` when not root), it may run as anyone."""
    if test is None or test.name != ROOT_TEST:
        return paths
    going = [p.session for p in paths if not p.done]
    if not all(session.root_only is not None for session in going):
        for session in going:
            if session.root_only == test.span:
                session.root_only = None
    return paths


def _assumed(assumed: tuple[str, str, Span | None], simple: Simple) -> Event:
    """A reading's value of a variable, as what sets its path apart."""
    name, value, span = assumed
    said = f"{name} is `{value}`" if value else f"{name} is empty"
    return Event("set", name, said, span or simple.span)


def _functions(node: ProgramNode) -> Iterator[Function]:
    """The function definitions anywhere in a program."""
    if isinstance(node, Function):
        yield node
    for part in parts(node):
        yield from _functions(part)


def _first_span(node: ProgramNode) -> Span | None:
    """Where a node's first command stands, for a branch's label."""
    if isinstance(node, Simple):
        return node.span
    if isinstance(node, Ready):
        return node.command.span
    if isinstance(node, Function):
        return node.span
    if isinstance(node, Fork):
        return node.span
    if isinstance(node, Chain):
        return _first_span(node.first)
    if isinstance(node, Seq):
        for item in node.items:
            found = _first_span(item)
            if found is not None:
                return found
        return None
    return _first_span(node.body)


def _python_kind(environment: Environment | None) -> str | None:
    """Where the Python `python`/`pip` find comes from, for the rules: a hosted runner's own
    ("runner"), an image's ("official", "conda", "managed"), or None: none known."""
    if environment is None:
        return None
    if environment.hosted:
        return "runner"
    return environment.python


def _user_name(user: str | None) -> str | None:
    if user is None:
        return None
    name = user.split(":", 1)[0]
    return "root" if name in ("root", "0") else name
