"""AWS CodeBuild build specifications (`buildspec*.yml`).

In buildspec version 0.2 CodeBuild runs all the commands of a build in one shell instance, so
an activation or `cd` carries from phase to phase (install, pre_build, build, post_build and
their `finally` blocks); in version 0.1 each command runs in a shell of its own
(https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-cmd.html).
`env.variables` are set for every command; `runtime-versions: python:` in the install phase
puts a managed Python in place; `env.shell` names the shell.
"""

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
from pipwarden.shell.session import Boundary, Scope, ScopeItem, SetPython

BOUNDARY = Boundary(
    reason="in buildspec version 0.1 each command runs in a shell of its own",
    persist="use buildspec `version: 0.2`, where a build's commands share one shell",
    url="https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-cmd.html",
)
PHASES = ("install", "pre_build", "build", "post_build")


def parse(document: Document, path: str) -> Parsed:
    top = mapping(document.root)
    env = mapping(top.get("env"))
    shell = (scalar(env.get("shell")) or "bash").rsplit("/", 1)[-1]
    shell = {"powershell.exe": "pwsh", "powershell": "pwsh", "cmd.exe": "cmd"}.get(shell, shell)
    items: list[ScopeItem] = list(env_items(document, env.get("variables")))
    phases = mapping(top.get("phases"))
    runtimes = mapping(mapping(phases.get("install")).get("runtime-versions"))
    if "python" in runtimes:
        items.append(SetPython("managed", document.span(runtimes["python"])))
    commands = [
        command
        for phase in PHASES
        for block in (
            mapping(phases.get(phase)),
            mapping(mapping(phases.get(phase)).get("finally")),
        )
        for command in sequence(block.get("commands"))
    ]
    if scalar(top.get("version")) == "0.1":
        scripts = [script_from(document, [command], shell) for command in commands]
    else:
        scripts = [script_from(document, commands, shell)] if commands else []
    items.extend(script for script in scripts if script is not None)
    return Parsed([Scope("build", tuple(items), BOUNDARY, host="ci")])
