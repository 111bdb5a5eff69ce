"""What every CI front-end needs from YAML: a node tree with positions (PyYAML's compose, with
the C loader where present), and scalars turned into Scripts whose offsets map back to the
exact file line and column, for block (`|`, `>`), plain and quoted scalars alike.

Aliases stay shared nodes (compose does not copy them), so a billion-laughs document costs
no more than its text; the readers below visit the paths a CI service reads, never the whole
graph, and cap how many script lines one job may have.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from pipwarden.model import SourceText, Span
from pipwarden.patterns import lazy
from pipwarden.shell.session import ParseProblem, Script, ScriptBuilder, SetEnv

if TYPE_CHECKING:
    import yaml

MAX_SCRIPT_LINES = 2_000
MAX_VISITED = 100_000


class Document:
    def __init__(self, text: str, root: yaml.Node | None) -> None:
        self.text = text
        self.source = SourceText(text)
        self.root = root

    def offset(self, mark: yaml.Mark) -> int:
        return min(self.source.offset(mark.line + 1, mark.column + 1), len(self.text))

    def span(self, node: yaml.Node) -> Span:
        return Span(self.offset(node.start_mark), self.offset(node.end_mark))


def load(text: str) -> tuple[Document | None, ParseProblem | None]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for root in yaml.compose_all(text, Loader=loader):
            if root is not None:
                return Document(text, root), None
        return Document(text, None), None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        source = SourceText(text)
        start = source.offset(mark.line + 1, mark.column + 1) if mark else 0
        return None, ParseProblem(
            Span(start, start), f"invalid YAML: {error.problem or error.context}"
        )
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        return None, ParseProblem(Span(0, 0), f"invalid YAML: {error}")


def mapping(node: yaml.Node | None) -> dict[str, yaml.Node]:
    """A mapping node as a dict of its scalar keys, with `<<` merge keys applied; {} for
    anything else."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    result: dict[str, yaml.Node] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.tag == "tag:yaml.org,2002:merge" or key.value == "<<":
            merged = [value] if isinstance(value, yaml.MappingNode) else sequence(value)
            for source in merged:
                for name, item in mapping(source).items():
                    result.setdefault(name, item)
            continue
        result[key.value] = value
    return result


def key_node(node: yaml.Node | None, name: str) -> yaml.Node | None:
    """The key node itself (for positions), not its value."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == name:
                return key
    return None


def sequence(node: yaml.Node | None) -> list[yaml.Node]:
    import yaml

    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def scalar(node: yaml.Node | None) -> str | None:
    import yaml

    return node.value if isinstance(node, yaml.ScalarNode) else None


def add_scalar(document: Document, node: yaml.Node, builder: ScriptBuilder) -> None:
    """Append a scalar's value to `builder`, each piece mapped to where it stands in the file.

    The value is aligned with the file's lines: the text of each line is found in the value in
    order and copied from the file; what lies between (folded line breaks, indentation, escapes
    YAML resolved) is opaque. A value that does not align maps, whole, to the scalar.
    """
    value: str = node.value
    start, end = document.offset(node.start_mark), document.offset(node.end_mark)
    text = document.text
    if node.style in ("|", ">"):
        newline = text.find("\n", start)
        content_start = end if newline == -1 or newline >= end else newline + 1
    elif node.style in ("'", '"'):
        content_start, end = start + 1, max(start + 1, end - 1)
    else:
        content_start = start
    pieces: list[tuple[str, int, int]] = []  # (gap before, file offset, length)
    position = 0
    line_start = content_start
    for line in text[content_start:end].split("\n"):
        content = line.strip()
        if content:
            found = value.find(content, position)
            if found == -1:
                builder.add_opaque(value, start, document.offset(node.end_mark))
                return
            pieces.append((value[position:found], line_start + line.index(content), len(content)))
            position = found + len(content)
        line_start += len(line) + 1
    for gap, offset, length in pieces:
        builder.add_opaque(gap, offset, offset)
        builder.add(text[offset : offset + length], offset)
    tail = value[position:]
    builder.add_opaque(tail, end, end)


def script_from(
    document: Document,
    nodes: list[yaml.Node] | list[tuple[Document, yaml.Node]],
    shell: str,
    *,
    env: tuple[SetEnv, ...] = (),
    rewrite: Callable[[str], str] | None = None,
    elsewhere: Span | None = None,
) -> Script | None:
    """One Script from scalars run one after another in the same shell (a job's script
    lines). `rewrite` replaces CI expressions with same-length placeholders. Lines that come
    from another file (a GitLab include) run too, but are placed at `elsewhere` in this one."""
    builder = ScriptBuilder()
    count = 0
    for owner, node in _owned(document, nodes):
        count += 1
        if count > MAX_SCRIPT_LINES:
            break
        if owner is document:
            add_scalar(document, node, builder)
            end = document.offset(node.end_mark)
        else:
            where = elsewhere or Span(0, 0)
            builder.add_opaque(node.value, where.start, where.end)
            end = where.end
        builder.add_opaque("\n", end, end)
    if count == 0:
        return None
    script = builder.script(shell)
    if rewrite is not None:
        script = Script(rewrite(script.text), script.offsets, shell)
    if env:
        script = Script(script.text, script.offsets, script.shell, env=env)
    return script


def _owned(
    document: Document, nodes: list[yaml.Node] | list[tuple[Document, yaml.Node]]
) -> Iterator[tuple[Document, yaml.Node]]:
    for item in nodes:
        owner, node = item if isinstance(item, tuple) else (document, item)
        for leaf in flatten([node]):
            yield owner, leaf


def flatten(nodes: list[yaml.Node]) -> Iterator[yaml.Node]:
    """Scalars of possibly nested sequences (GitLab flattens nested script arrays), in order.

    Nested aliases can make a small document stand for billions of items; at most
    MAX_VISITED nodes are looked at, whatever the nesting."""
    import yaml

    budget = MAX_VISITED
    pending = list(reversed(nodes))
    while pending and budget > 0:
        budget -= 1
        node = pending.pop()
        if isinstance(node, yaml.ScalarNode):
            yield node
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(reversed(node.value))


_ASSIGNMENT = lazy(r"([A-Za-z_]\w*)=(\"[^\"]*\"|'[^']*'|\S*)")


def env_items(document: Document, node: yaml.Node | None) -> list[SetEnv]:
    """`env:`/`variables:` entries: a mapping (a value that is not a plain scalar, GitLab's
    `{value: ..., description: ...}`, contributes its `value`), or a list of `{name, value}`
    (Azure) or of `NAME=value ...` strings (Travis)."""
    items = []
    for entry in sequence(node):
        named = mapping(entry)
        if "name" in named:
            name = scalar(named["name"])
            if name:
                value = scalar(named.get("value"))
                items.append(SetEnv(name, _unknown_if_expression(value), document.span(entry)))
            continue
        text = scalar(entry)
        if text is None:
            continue
        start = document.offset(entry.start_mark)
        # A plain or quoted scalar on one line stands as written: place each assignment.
        verbatim = (
            document.text.find(text, start, document.offset(entry.end_mark))
            if "\n" not in text
            else -1
        )
        for match in _ASSIGNMENT.finditer(text):
            where = (
                Span(verbatim + match.start(), verbatim + match.end())
                if verbatim != -1
                else document.span(entry)
            )
            value = match.group(2).strip("\"'")
            items.append(SetEnv(match.group(1), _unknown_if_expression(value), where))
    for name, value in mapping(node).items():
        text = scalar(value)
        if text is None:
            text = scalar(mapping(value).get("value"))
        key = key_node(node, name)
        span = (
            Span(document.offset(key.start_mark), document.offset(value.end_mark))
            if key
            else document.span(value)
        )
        items.append(SetEnv(name, _unknown_if_expression(text), span))
    return items


_EXPRESSION = lazy(r"\$\{\{.*?\}\}|\$\(\s*[A-Za-z_][\w.]*\s*\)|\$\[\[.*?\]\]", re.S)


def _unknown_if_expression(text: str | None) -> str | None:
    """A value computed by the CI service (`${{ ... }}`, `$(var)`) is not known here."""
    if text is None or _EXPRESSION.search(text):
        return None
    return text


def placeholders(pattern: str) -> Callable[[str], str]:
    """Replace each match of `pattern` by an unknown shell word of the same length, so every
    offset after it still holds."""
    compiled = lazy(pattern, re.S)

    def rewrite(text: str) -> str:
        return compiled.sub(lambda m: _placeholder(len(m.group(0))), text)

    return rewrite


def _placeholder(length: int) -> str:
    if length < 2:
        return "_" * length
    return "$" + "_" * (length - 1)
