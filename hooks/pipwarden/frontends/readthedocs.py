"""Read the Docs configuration (`.readthedocs.yaml`).

Read the Docs runs each command of `build.jobs` and `build.commands` in a shell of its own
(https://docs.readthedocs.io/en/stable/build-customization.html), so nothing a command
activates carries to the next. The Python `build.tools.python` names is put in place first;
from `create_environment` on, the jobs run inside the virtualenv Read the Docs created
(its `bin` first on PATH), unless `create_environment` is overridden. `build.commands`
replaces the whole build, virtualenv included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipwarden.frontends import Parsed
from pipwarden.frontends.yamlci import Document, mapping, script_from, sequence
from pipwarden.shell.session import Boundary, Scope, ScopeItem, SetPython, venv_first_on_path

if TYPE_CHECKING:
    import yaml

BOUNDARY = Boundary(
    reason="Read the Docs runs each command in a shell of its own",
    persist="call the virtualenv's interpreter by its path, or join the commands with `&&`",
    url="https://docs.readthedocs.io/en/stable/build-customization.html",
)
# The build's steps in the order Read the Docs runs them; the virtualenv exists from
# create_environment on.
STEPS = (
    "post_checkout",
    "pre_system_dependencies",
    "post_system_dependencies",
    "pre_create_environment",
    "create_environment",
    "post_create_environment",
    "pre_install",
    "install",
    "post_install",
    "pre_build",
    "build",
    "post_build",
)


def parse(document: Document, path: str) -> Parsed:
    if document.root is None:
        return Parsed()
    build = mapping(mapping(document.root).get("build"))
    items: list[ScopeItem] = []
    tools = build.get("tools")
    if "python" in mapping(tools):
        items.append(SetPython("managed", document.span(mapping(tools)["python"])))
    jobs_node = build.get("jobs")
    jobs = mapping(jobs_node)
    commands = sequence(build.get("commands"))
    if commands:
        items.extend(_each(commands, document))
    else:
        for step in STEPS:
            if step == "create_environment" and step not in jobs:
                # Read the Docs' own virtualenv, first on PATH for every later step.
                where = document.span(jobs_node or document.root)
                items.extend(venv_first_on_path("$READTHEDOCS_VIRTUALENV_PATH", where))
            items.extend(_each(sequence(jobs.get(step)), document))
    return Parsed([Scope("build", tuple(items), BOUNDARY, host="ci")])


def _each(nodes: list[yaml.Node], document: Document) -> list[ScopeItem]:
    """One Script per command: each runs in a shell of its own."""
    return [s for s in (script_from(document, [n], "bash") for n in nodes) if s is not None]
