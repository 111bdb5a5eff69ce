"""Travis CI (`.travis.yml`): Travis runs every phase of a job in the same bash session, so
the phases are one Script; `language: python` jobs run inside a virtualenv Travis made."""

from __future__ import annotations

from pipwarden.frontends import Parsed
from pipwarden.frontends.yamlci import (
    Document,
    env_items,
    mapping,
    scalar,
    script_from,
    sequence,
)
from pipwarden.shell.session import Scope, ScopeItem, venv_first_on_path

PHASES = (
    "before_install",
    "install",
    "before_script",
    "script",
    "after_success",
    "after_failure",
    "after_script",
)


def parse(document: Document, path: str) -> Parsed:
    top = mapping(document.root)
    items: list[ScopeItem] = []
    if scalar(top.get("language")) == "python":
        # Travis activates ~/virtualenv/pythonX.Y before the first phase.
        items.extend(venv_first_on_path("~/virtualenv/python", document.span(top["language"])))
    # `env: [A=1 B=2]`, or `env: {global: [...], jobs: [...]}`: every job gets the global
    # ones and one entry of `jobs`, so any entry may be in effect.
    env = top.get("env")
    for node in [env, *(mapping(env).get(key) for key in ("global", "jobs", "matrix"))]:
        items.extend(env_items(document, node))
    lines = []
    for phase in PHASES:
        node = top.get(phase)
        lines.extend(sequence(node) or ([node] if scalar(node) is not None else []))
    script = script_from(document, lines, "bash")
    if script is not None:
        items.append(script)
    return Parsed([Scope("travis", tuple(items), host="ci")])
