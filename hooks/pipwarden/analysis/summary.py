"""What a shell function's walk can depend on, so that its effect is computed once per entry
state and reused at every call: the variables its text names (read, assigned, tested,
exported; through the functions it calls too), and those the analysis reads without the
text naming them (PATH, VIRTUAL_ENV, pip's and uv's settings). Two calls that agree on
these, and on everything else the walk keeps (venv, user, directory, functions, aliases,
the machine), walk alike; a variable outside them passes through the call unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from pipwarden.commands import python_program
from pipwarden.patterns import lazy
from pipwarden.shell.command import WRAPPERS, Command, Ready, Word
from pipwarden.shell.expand import ALL_ARGUMENTS, Simple
from pipwarden.shell.parse import Chain, Child, Fork, Function, Loop, ProgramNode, Seq

_NAME = lazy(r"[A-Za-z_]\w*")
# Read by the analysis and the rules whatever the text says (the venv on PATH, pip's and
# uv's environment settings, pyenv's version, `$PWD`).
IMPLICIT = frozenset({"PATH", "PWD", "OLDPWD", "HOME", "VIRTUAL_ENV", "CONDA_PREFIX"})
_IMPLICIT_NAME = lazy(
    r"(?:PATH|PWD|OLDPWD|HOME|(?:PIP_|UV_|PYENV|PYTHON|CONDA|VIRTUAL_ENV|VIRTUALENV)\w*)"
)


def implicit_among(names: Iterable[str]) -> frozenset[str]:
    """Those of `names` the analysis and the rules read whatever the text says (the venv on
    PATH, pip's and uv's settings, pyenv's version, `$PWD`). A session may hold a thousand
    variables and a walk asks at every call of a function: each name is matched once a run."""
    held = names if isinstance(names, (set, frozenset)) else set(names)
    for name in held - _IMPLICIT_SEEN.keys():
        _IMPLICIT_SEEN[name] = _IMPLICIT_NAME.fullmatch(name) is not None
    return frozenset(filter(_IMPLICIT_SEEN.__getitem__, held))


def is_implicit(name: str) -> bool:
    """Whether the analysis and the rules read `name` whatever the text says."""
    found = _IMPLICIT_SEEN.get(name)
    if found is None:
        found = _IMPLICIT_SEEN[name] = _IMPLICIT_NAME.fullmatch(name) is not None
    return found


# Whether each name met so far is one of those (`implicit_among`).
_IMPLICIT_SEEN: dict[str, bool] = {}


def _names(function: Function, read: dict[int, frozenset[str]]) -> frozenset[str]:
    """Every name the function's own text has (a superset of the variables it touches and
    the functions it calls), read once per function (`read`: by id, for one analysis)."""
    found = read.get(id(function))
    if found is None:
        text = function.script.text
        found = frozenset(_NAME.findall(" ".join(_texts(function.body, text))))
        read[id(function)] = found
    return found


def touched(
    function: Function,
    functions: Mapping[str, Function],
    aliases: Iterable[str],
    read: dict[int, frozenset[str]],
) -> tuple[frozenset[str], frozenset[tuple[str, int]]]:
    """The names a call of `function` may read or change, with the functions it may call
    (`functions`: those the calling shell has) followed, and the aliases' text (with those
    the analysis reads whatever the text says, `IMPLICIT`, not among them); and the
    functions it may reach, by name and identity."""
    names: set[str] = set()
    reached: dict[str, Function] = {}
    pending = [function]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        own = _names(current, read)
        names |= own
        for name in own & functions.keys():
            reached[name] = functions[name]
            pending.append(functions[name])
    for alias in aliases:
        names.update(_NAME.findall(alias))
    return frozenset(names), frozenset((n, id(f)) for n, f in reached.items())


def deepest(
    function: Function,
    functions: Mapping[str, Function],
    reached: frozenset[tuple[str, int]],
    read: dict[int, frozenset[str]],
) -> int:
    """How many calls deep below `function` its walk may go through the functions it may
    reach (`touched`'s): the longest chain of calls among them, or where they call each
    other in a cycle, as many as there are."""
    within = {name for name, _ in reached}
    longest: dict[str, int] = {}
    pending: list[tuple[str, bool]] = [(name, False) for name in _names(function, read) & within]
    entered: set[str] = set()
    while pending:
        name, done = pending.pop()
        if done:
            callees = _names(functions[name], read) & within
            longest[name] = 1 + max((longest[c] for c in callees), default=0)
            continue
        if name in longest:
            continue
        if name in entered:
            return len(reached)  # a cycle
        entered.add(name)
        pending.append((name, True))
        pending.extend((c, False) for c in _names(functions[name], read) & within)
    return max((longest[n] for n in _names(function, read) & within), default=0)


def _texts(node: ProgramNode, script_text: str) -> Iterator[str]:
    if isinstance(node, Simple):
        yield from _words(node.words)
        for assignment in node.assignments:
            yield assignment.name
            if assignment.value is not None:
                yield assignment.value.raw
        yield from _words(r.target for r in node.redirects)
        if node.stdin is not None:
            yield script_text[node.stdin[0] : node.stdin[1]]
    elif isinstance(node, Ready):
        yield from _command(node.command)
        if node.handed is not None:
            yield node.handed.text
    elif isinstance(node, Seq):
        for item in node.items:
            yield from _texts(item, script_text)
    elif isinstance(node, Fork):
        if node.test is not None:
            yield node.test.name
        if node.subject is not None:
            yield node.subject
        for arm in node.arms:
            yield from _texts(arm, script_text)
    elif isinstance(node, Chain):
        yield from (t.name for t in node.tests if t is not None)
        for part in (node.first, *(p for _, p, _ in node.rest)):
            yield from _texts(part, script_text)
    elif isinstance(node, (Loop, Child, Function)):
        if isinstance(node, Function):
            yield node.name
        yield from _texts(node.body, script_text)


def _command(command: Command) -> Iterator[str]:
    yield from _words(command.words)
    for assignment in command.assignments:
        yield assignment.name
        if assignment.value is not None:
            yield assignment.value.raw


def _words(words: Iterable[Word]) -> Iterator[str]:
    for word in words:
        yield word.raw


def reads_arguments(function: Function) -> bool:
    """Whether the function's own text reads its arguments as the walk follows them (a word
    `"$@"`; a `shift` changes only what that reads): its walk then depends on the words of
    each call."""
    return any(word.raw in ALL_ARGUMENTS for word in _simple_words(function.body))


def _simple_words(node: ProgramNode) -> Iterator[Word]:
    """The words of the commands the walk reads in `node` (not assignments: `services=$@`
    holds text the walk does not know)."""
    if isinstance(node, Simple):
        yield from node.words
    for part in parts(node):
        yield from _simple_words(part)


def local_names(function: Function) -> frozenset[str]:
    """The variables the function declares `local` (or `declare`/`typeset` without `-g`, in
    bash): the shell gives them back their caller's values when it returns."""
    return frozenset(_locals(function.body))


_DECLARING = frozenset({"local", "declare", "typeset"})


def assigned_first(function: Function) -> tuple[frozenset[str], frozenset[str]]:
    """The variables the function declares `local` and assigns before anything reads them,
    in the declarations and assignments it starts with (`local xtrace; xtrace=$(set +o)`):
    no caller's value of theirs is ever seen, and each caller's comes back after it. With
    the commands those run, as a function or alias of one of their names could read them."""
    read: set[str] = set()
    assigned: set[str] = set()
    commands: set[str] = set()
    for item in _leading(function.body):
        if isinstance(item, Child):
            called = set(_first_words(item))
            if None in called:
                break  # a command not known: it may read any variable
            commands.update(called)  # type: ignore[arg-type]
        read.update(name for text in _texts(item, function.script.text) for name in _reads(text))
        if isinstance(item, Child):
            continue
        assert isinstance(item, Simple)
        commands.update(w.text for w in item.words[:1] if w.text)
        assigned.update(
            a.name for a in item.assignments if a.value is not None and a.name not in read
        )
    implicit = implicit_among(assigned)
    return frozenset(assigned & local_names(function) - IMPLICIT - implicit), frozenset(commands)


def _leading(body: Seq) -> Iterator[ProgramNode]:
    """The declarations and assignments a body starts with, and the `$( ... )` they run."""
    for item in body.items:
        if isinstance(item, Seq):
            for part in item.items:
                if not (isinstance(part, Child) or _declares(part)):
                    return
                yield part
        elif isinstance(item, Child) or _declares(item):
            yield item
        else:
            return


def _declares(node: ProgramNode) -> bool:
    """An assignment, or `local`/`declare`/`typeset` of plain names (no options)."""
    if not isinstance(node, Simple) or node.stdin is not None:
        return False
    words = node.words
    return not words or (
        words[0].text in _DECLARING
        and all(w.text is not None and not w.text.startswith("-") for w in words[1:])
    )


def _reads(text: str) -> Iterator[str]:
    """The variables a text reads: `$NAME`, `${NAME...}`, and any name in arithmetic."""
    yield from _READ.findall(text)
    if "((" in text or "[[" in text:
        yield from _NAME.findall(text)


def _first_words(node: ProgramNode) -> Iterator[str | None]:
    """The commands `node` runs, None for one not known."""
    if isinstance(node, Simple):
        yield from (w.text for w in node.words[:1])
    elif isinstance(node, Ready):
        yield None
    for part in parts(node):
        yield from _first_words(part)


def _locals(node: ProgramNode) -> Iterator[str]:
    if isinstance(node, Simple):
        texts = [w.text for w in node.words]
        if texts and texts[0] in ("local", "declare", "typeset") and "-g" not in texts:
            yield from (a.name for a in node.assignments)
            yield from (t for t in texts[1:] if t and _NAME.fullmatch(t))
    elif not isinstance(node, (Function, Child)):  # their own locals, their own shell
        for part in parts(node):
            yield from _locals(part)


_READ = lazy(r"\$\{?([A-Za-z_]\w*)")


def correlations(body: Seq) -> dict[int, frozenset[str]]:
    """The forks of a program's `body` (by identity) whose arms assign variables a command
    running pip, Python or a venv reads (`if [ "$V" = system ]; then PREFIX=/usr` ...
    `$PREFIX/bin/python3 -m pip`), with those variables. A variable counts as read there
    through the assignments that give it to another (`PATH=$PREFIX/bin:$PATH`), and those the
    analysis reads whatever the text says always do. Found once per program, as the program
    is read once (`parse.program`), for every analysis that walks it."""
    held = _CORRELATIONS.get(id(body))
    if held is not None and held[0] is body:
        return held[1]
    found = _correlations(body)
    if len(_CORRELATIONS) >= _CACHE_SIZE:
        _CORRELATIONS.pop(next(iter(_CORRELATIONS)))
    _CORRELATIONS[id(body)] = (body, found)
    return found


_CACHE_SIZE = 4096
_CORRELATIONS: dict[int, tuple[Seq, dict[int, frozenset[str]]]] = {}


def _correlations(body: Seq) -> dict[int, frozenset[str]]:
    read: set[str] = set()
    given: dict[str, set[str]] = {}
    forks: dict[int, set[str]] = {}
    _assigned(body, read, given, forks, [])
    read |= implicit_among(given)
    pending = list(read)
    while pending:
        for name in given.get(pending.pop(), ()):
            if name not in read:
                read.add(name)
                pending.append(name)
    return {key: frozenset(names & read) for key, names in forks.items() if names & read}


def _assigned(
    node: ProgramNode,
    read: set[str],
    given: dict[str, set[str]],
    forks: dict[int, set[str]],
    inside: list[set[str]],
) -> None:
    """What the Python commands in `node` read goes to `read`, what each assignment reads to
    `given`, and the variables it assigns to each fork it is `inside` (in `forks`)."""
    if isinstance(node, (Simple, Ready)):
        words, assignments = (
            (node.words, node.assignments)
            if isinstance(node, Simple)
            else (node.command.words, node.command.assignments)
        )
        first = words[0].text if words else ""
        if first is None or first in WRAPPERS or python_program(first):
            read.update(name for word in words for name in _READ.findall(word.raw))
        for assignment in assignments:
            if assignment.value is not None:
                found = _READ.findall(assignment.value.raw)
                given.setdefault(assignment.name, set()).update(found)
            for names in inside:
                names.add(assignment.name)
        return
    if isinstance(node, Fork):
        inside.append(forks.setdefault(id(node), set()))
    for part in parts(node):
        _assigned(part, read, given, forks, inside)
    if isinstance(node, Fork):
        inside.pop()


def parts(node: ProgramNode) -> tuple[ProgramNode, ...]:
    """The nodes directly inside `node`: a sequence's items, the arms of a fork, the parts
    of a chain, the body of a loop, subshell or function."""
    if isinstance(node, Seq):
        return node.items
    if isinstance(node, Fork):
        return node.arms
    if isinstance(node, Chain):
        return (node.first, *(p for _, p, _ in node.rest))
    if isinstance(node, (Loop, Child, Function)):
        return (node.body,)
    return ()
