"""The ways through a shell script: each branch of an `if`, `case`, `&&` or `||` (and each
value a variable may hold where it is read) starts from the state before it. Where the ways
meet again their states are joined, as an abstract interpreter joins them: ways that differ
only in what variables hold become one whose variables hold each value (a command reading
one is read once per value); ways that differ in what a rule needs (the venv, the user, the
directory, the machine) are kept apart, as paths, each with the events that made it what it
is, up to MAX_PATHS, past which they are merged into one whose differences are unknown, so
a rule that needs them stays silent. The work is the script's size times at most MAX_PATHS,
not the number of its paths.

A join must not make a later test see values together that no way had together: where an
arm's test narrowed a variable and the arm set another that pip or Python commands read
(`if [ "$V" = system ]; then PY=/usr/bin/python3`), ways that differ in both stay apart (up
to MAX_APART of them), so a later test of it (`if [ "$V" != system ]; then $PY -m pip ...`)
takes each way's own arm, with its own values.

A finding that holds on some paths only says which: the events of the paths that make it,
less those every path shares ("when PIP_SUDO is `sudo -H` (line 7)").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pipwarden.model import Related, Span, line_ref
from pipwarden.record import Record

if TYPE_CHECKING:
    from pipwarden.analysis.state import Session, State
    from pipwarden.rules.base import RuleHit

MAX_PATHS = 8
MAX_APART = 4


class Event(Record):
    """Something a path did that another may not have: `kind` "set" (a variable took a
    value; `name` is the variable), "activate", or "branch" (an arm of an `if`, `case`,
    `&&`, `||` ran)."""

    kind: str
    name: str
    label: str
    span: Span


class Path:
    """One way through the script so far: what the image or machine holds (`state`), what
    the shell holds (`session`), and the events that set it apart."""

    __slots__ = ("done", "events", "failed", "session", "state")

    def __init__(
        self, state: State, session: Session, events: tuple[Event, ...] = (), done: str = ""
    ) -> None:
        self.state = state
        self.session = session
        self.events = events
        # "exit" once the shell has exited on this path, "return" once a function returned.
        self.done = done
        # Whether the command just run is known to fail (a command the shell does not have).
        self.failed = False

    def fork(self) -> Path:
        return Path(self.state.copy(), self.session.copy(), self.events, self.done)

    def child(self, session: Session) -> Path:
        """A shell this path starts (a subshell, a child process) with `session`: on the
        same machine, whose changes to it are this path's once the shell ends (the caller
        takes its state back), so the State is not copied."""
        return Path(self.state, session, self.events, self.done)

    def resumed(self, events: tuple[Event, ...]) -> Path:
        """A copy of where this path ended, with the history `events`."""
        copied = Path(self.state.copy(), self.session.copy(), events, self.done)
        copied.failed = self.failed
        return copied

    def with_event(self, event: Event) -> Path:
        """This path with `event`; a variable's earlier value is no longer what sets it apart."""
        kept = tuple(
            e for e in self.events if not (event.kind == "set" == e.kind and e.name == event.name)
        )
        self.events = (*kept, event)
        return self

    def key(self, values: bool = True, functions: bool = True) -> tuple[object, ...]:
        return (self.state.key(), self.session.key(values, functions), self.done)


def distinct(paths: Iterable[Path]) -> list[Path]:
    """Where ways meet: those that differ only in what variables hold are joined (a variable
    of the joined path holds each value, which a command reading it is run with, one reading
    each), keeping the events they share; venvs, users and directories stay told apart. More
    than MAX_PATHS are merged into one."""
    if not isinstance(paths, list):
        paths = list(paths)
    if len(paths) < 2:
        return paths
    alike: dict[tuple[object, ...], list[Path]] = {}
    for path in paths:
        alike.setdefault(path.key(values=False), []).append(path)
    # Each part is merged once, where it is kept (a join of joins is the join of all).
    parts = [part for group in alike.values() for part in _apart(group)]
    if len(parts) > MAX_PATHS:
        parts = list(alike.values())  # the values' ways first
    if len(parts) > MAX_PATHS:
        return [merged([path for group in parts for path in group])]
    return [merged(part) for part in parts]


def _apart(group: list[Path]) -> list[list[Path]]:
    """Ways that differ only in what variables hold, in parts by the values of the variables
    tests narrowed, where they also differ in one the narrowing branches assigned; one part
    where they do not (joining them loses nothing a later test could tell apart), or past
    MAX_APART parts."""
    if len(group) < 2 or not any(p.session.narrowed for p in group):
        return [group]
    narrowed: frozenset[str] = frozenset().union(*(p.session.narrowed for p in group))
    first = group[0].session.values
    differing: set[str] = set()
    for path in group[1:]:
        if path.session.values is not first:
            differing.update(name for name, _ in first.items() ^ path.session.values.items())
    correlated: frozenset[str] = frozenset().union(*(p.session.correlated for p in group))
    if not differing & narrowed or (differing - narrowed).isdisjoint(correlated):
        return [group]
    names = sorted(differing & narrowed)
    parts: dict[tuple[object, ...], list[Path]] = {}
    for path in group:
        values = path.session.values
        parts.setdefault(tuple(values.get(name) for name in names), []).append(path)
    return list(parts.values()) if len(parts) <= MAX_APART else [group]


def merged(paths: Sequence[Path]) -> Path:
    """One path standing for several: what they agree on is kept, the rest is unknown."""
    first = paths[0]
    if len(paths) == 1:
        return first
    state = first.state.merged([p.state for p in paths[1:]])
    session = first.session.merged([p.session for p in paths[1:]])
    events = first.events
    others = [set(p.events) for p in paths[1:] if p.events is not events]
    if others:
        events = tuple(e for e in events if all(e in o for o in others))
    done = first.done if all(p.done == first.done for p in paths) else ""
    return Path(state, session, events, done)


def labelled(outcomes: Sequence[tuple[tuple[Event, ...], list[RuleHit]]]) -> list[RuleHit]:
    """The hits of one command across the paths that reach it (each given by its events):
    once each; one made on some paths only names what sets those paths apart from the
    others: the events they all have and no other path has, else each path's own."""
    by_place: dict[tuple[str, Span], list[tuple[tuple[Event, ...], RuleHit]]] = {}
    for events, hits in outcomes:
        for rule_hit in hits:
            key = (rule_hit.rule.code, rule_hit.hit.span)
            by_place.setdefault(key, []).append((events, rule_hit))
    result = []
    for found in by_place.values():
        _, first = found[0]
        making = {events for events, _ in found}
        others = [set(events) for events, _ in outcomes if events not in making]
        if len(found) == len(outcomes) or not others:
            result.append(first)
            continue
        apart = [tuple(e for e in events if not any(e in o for o in others)) for events in making]
        shared = [e for e in apart[0] if all(e in a for a in apart[1:])]
        conditions = [_telling(tuple(shared))] if shared else []
        if not conditions:
            conditions = list(dict.fromkeys(_telling(a) for a in apart if a))
        conditions = [c for c in conditions if c]
        if not conditions:
            result.append(first)
            continue
        when = " or ".join(" and ".join(_said(e) for e in events) for events in conditions)
        hit = first.hit
        evidence = tuple(
            Related(e.span, _evidence(e))
            for events in conditions
            for e in events
            if not any(r.span == e.span for r in hit.related)
        )
        result.append(
            first._replace(
                hit=hit._replace(
                    message=f"{hit.message} (when {when})",
                    related=(*hit.related, *dict.fromkeys(evidence)),
                )
            )
        )
    return result


def _telling(events: tuple[Event, ...]) -> tuple[Event, ...]:
    """The events worth saying: what was set or activated, else the last branch taken."""
    return tuple(e for e in events if e.kind != "branch") or events[-1:]


def _said(event: Event) -> str:
    if event.kind == "branch" and not event.label:
        return f"line {line_ref(event.span.start)} runs"
    return f"{event.label} (line {line_ref(event.span.start)})"


def _evidence(event: Event) -> str:
    if event.kind == "set":
        return f"{event.name} assigned here"
    if event.kind == "activate":
        return "activated here"
    return "this branch runs"
