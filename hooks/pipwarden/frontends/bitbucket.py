"""Bitbucket Pipelines (`bitbucket-pipelines.yml`): every step runs in a fresh container, its
`script` lines in one shell; so each step is a Scope of one Script."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pipwarden.frontends import Parsed
from pipwarden.frontends.yamlci import Document, mapping, scalar, script_from, sequence
from pipwarden.shell.session import Image, Scope, ScopeItem

if TYPE_CHECKING:
    import yaml


def _steps(node: yaml.Node | None, depth: int = 0) -> Iterator[yaml.Node]:
    """Every `step:` under pipelines, through branches, parallel groups and stages."""
    if depth > 8:
        return
    for item in sequence(node):
        entry = mapping(item)
        if "step" in entry:
            yield entry["step"]
        for group in ("parallel", "stage"):
            inner = entry.get(group)
            yield from _steps(mapping(inner).get("steps") or inner, depth + 1)
    for value in mapping(node).values():
        yield from _steps(value, depth + 1)


def parse(document: Document, path: str) -> Parsed:
    top = mapping(document.root)
    default_image = top.get("image")
    scopes = []
    for index, step_node in enumerate(_steps(top.get("pipelines"))):
        step = mapping(step_node)
        image_node = step.get("image") or default_image
        image = scalar(image_node) or scalar(mapping(image_node).get("name"))
        items: list[ScopeItem] = [
            Image(None if not image or "$" in image else image, document.span(step_node))
        ]
        script = script_from(document, sequence(step.get("script")), "bash")
        if script is not None:
            items.append(script)
        name = scalar(step.get("name")) or f"step {index + 1}"
        scopes.append(Scope(name, tuple(items), runs_in_image=True, host="ci"))
    return Parsed(scopes)
