"""Task (`Taskfile.yml`, `Taskfile.dist.yml`).

Task runs each entry of a task's `cmds` as a separate shell process (its own POSIX shell
interpreter), so an activation in one entry is gone in the next
(https://taskfile.dev/faq/). `env:` at the top and in a task is exported to the commands;
`vars:` are not (they are template values). Template expressions `{{ ... }}` are unknown
words. Each task is a Scope.
"""

from __future__ import annotations

from pipwarden.frontends import Parsed
from pipwarden.frontends.yamlci import (
    Document,
    env_items,
    mapping,
    placeholders,
    scalar,
    script_from,
    sequence,
)
from pipwarden.shell.session import Boundary, Scope, ScopeItem

BOUNDARY = Boundary(
    reason="Task runs each entry of `cmds` as a separate shell process",
    persist="run the commands as one multi-line entry (`- |`), or call `{venv}/bin/python` directly",
    url="https://taskfile.dev/faq/",
)
TEMPLATES = placeholders(r"\{\{.*?\}\}")


def parse(document: Document, path: str) -> Parsed:
    top = mapping(document.root)
    shared = env_items(document, top.get("env"))
    scopes = []
    for name, node in mapping(top.get("tasks")).items():
        task = mapping(node)
        items: list[ScopeItem] = [*shared, *env_items(document, task.get("env"))]
        for entry in sequence(task.get("cmds")):
            command = entry if scalar(entry) is not None else mapping(entry).get("cmd")
            if scalar(command) is None:
                continue  # `- task: other`, `- defer: ...`
            script = script_from(document, [command], "bash", rewrite=TEMPLATES)
            if script is not None:
                items.append(script)
        scopes.append(Scope(name, tuple(items), BOUNDARY, host="developer"))
    return Parsed(scopes)
