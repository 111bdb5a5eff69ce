"""CircleCI `.circleci/config.yml`: each job is a Scope, each `run` step a Script in a new
shell; lines appended to `$BASH_ENV` run at the start of every later step."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from pipwarden.shell.session import Boundary, Image, Persist, Scope, ScopeItem

if TYPE_CHECKING:
    import yaml

BOUNDARY = Boundary(
    reason="each CircleCI run step starts a new shell",
    persist="activate it for later steps with `echo '. {venv}/bin/activate' >> \"$BASH_ENV\"`",
    url="https://circleci.com/docs/set-environment-variable/#set-an-environment-variable-in-a-shell-command",
    # $BASH_ENV is read by bash only: a PowerShell or cmd step calls the venv's python.
    persist_in=(("pwsh", ""), ("cmd", "")),
)
PERSIST = (Persist("script", variable="BASH_ENV"),)
PARAMETERS = placeholders(r"<<\s*[\w.-]+\s*>>")


def parse(document: Document, path: str) -> Parsed:
    top = mapping(document.root)
    executors = mapping(top.get("executors"))
    scopes = []
    for name, node in mapping(top.get("jobs")).items():
        job = mapping(node)
        executor = job.get("executor")
        executor_name = scalar(executor) or scalar(mapping(executor).get("name"))
        runtime = mapping(executors.get(executor_name or "")) if executor_name else job
        docker = sequence(runtime.get("docker"))
        items: list[ScopeItem] = []
        if docker:
            image = scalar(mapping(docker[0]).get("image"))
            items.append(
                Image(None if not image or "<<" in image else image, document.span(docker[0]))
            )
            items.extend(env_items(document, mapping(docker[0]).get("environment")))
        items.extend(env_items(document, job.get("environment")))
        default = "pwsh" if _windows(runtime, executor_name) else "bash"
        for step in sequence(job.get("steps")):
            run = mapping(step).get("run")
            command = run if scalar(run) is not None else mapping(run).get("command")
            if scalar(command) is None:
                continue
            named = (scalar(mapping(run).get("shell")) or default).split()[0]
            shell = named.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")
            shell = "pwsh" if shell == "powershell" else shell
            env = tuple(env_items(document, mapping(run).get("environment")))
            script = script_from(document, [command], shell, env=env, rewrite=PARAMETERS)
            if script is not None:
                items.append(script)
        scopes.append(
            Scope(
                name,
                tuple(items),
                BOUNDARY,
                runs_in_image=bool(docker),
                persist=PERSIST,
                host="ci",
            )
        )
    return Parsed(scopes)


def _windows(runtime: dict[str, yaml.Node], executor: str | None) -> bool:
    """A Windows machine, whose steps run in PowerShell unless they name a shell: the
    `win/...` orb's executors, a `windows-server-*` machine image, a `windows.*` class.
    https://circleci.com/docs/using-windows/"""
    image = scalar(mapping(runtime.get("machine")).get("image")) or ""
    resource = scalar(runtime.get("resource_class")) or ""
    return (
        (executor or "").startswith("win/")
        or image.startswith("windows")
        or (resource.startswith("windows."))
    )
