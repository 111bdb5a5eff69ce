"""Azure Pipelines (`azure-pipelines.yml`): each job is a Scope and each `script`/`bash` step
a Script of its own; `##vso[task.prependpath]` carries a directory to later steps."""

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
from pipwarden.patterns import lazy
from pipwarden.shell.session import Boundary, Persist, Runner, Scope, ScopeItem, SetPython

if TYPE_CHECKING:
    import yaml

BOUNDARY = Boundary(
    reason="each pipeline step runs in a new process",
    persist='put the venv on PATH for later steps with `echo "##vso[task.prependpath]{bin}"`',
    url="https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands",
    persist_in=(
        (
            "pwsh",
            'put the venv on PATH for later steps with `Write-Host "##vso[task.prependpath]{bin}"`',
        ),
        ("cmd", "put the venv on PATH for later steps with `echo ##vso[task.prependpath]{bin}`"),
    ),
)
PERSIST = (Persist("path", marker="##vso[task.prependpath]"),)
# Macro syntax `$(Build.SourcesDirectory)` and template expressions are replaced by Azure
# before the shell runs.
MACROS = placeholders(r"\$\(\s*[A-Za-z_][\w]*\.[\w.]*\s*\)|\$\{\{.*?\}\}|\$\[.*?\]")
_STEP_SHELLS = {"bash": "bash", "script": "bash", "powershell": "pwsh", "pwsh": "pwsh"}


def parse(document: Document, path: str) -> Parsed:
    top = mapping(document.root)
    jobs: list[tuple[str, yaml.Node]] = []
    if "steps" in top:
        jobs.append(("pipeline", document.root))
    for job in sequence(top.get("jobs")):
        jobs.append((scalar(mapping(job).get("job")) or "job", job))
    for stage in sequence(top.get("stages")):
        for job in sequence(mapping(stage).get("jobs")):
            jobs.append((scalar(mapping(job).get("job")) or "job", job))
    scopes = []
    for name, node in jobs:
        job = mapping(node)
        pool = job.get("pool") or top.get("pool")
        named = scalar(mapping(pool).get("vmImage")) or ""
        images = _matrix_images(job, named)
        for entry, image in images:
            label = name if len(images) == 1 else f"{name} ({entry})"
            scopes.append(_job(document, top, job, pool, label, image))
    return Parsed(scopes)


def _matrix_images(job: dict[str, yaml.Node], image: str) -> list[tuple[str, str]]:
    """The images a job runs on: `vmImage: $(imageName)` takes each value the job's
    `strategy.matrix` entries give `imageName`, as one job each."""
    reference = _VARIABLE.fullmatch(image.strip())
    entries = mapping(mapping(job.get("strategy")).get("matrix"))
    if reference is None or not entries:
        return [("", image)]
    found = []
    for entry, variables in entries.items():
        value = scalar(mapping(variables).get(reference.group(1)))
        if value is None:
            return [("", image)]
        found.append((entry, value))
    return found


_VARIABLE = lazy(r"\$\(\s*([A-Za-z_][\w]*)\s*\)")


def _job(
    document: Document,
    top: dict[str, yaml.Node],
    job: dict[str, yaml.Node],
    pool: yaml.Node | None,
    name: str,
    image: str,
) -> Scope:
    """One job on `image`: each step in its own shell (`script` is cmd on Windows)."""
    windows = image.lower().startswith(("windows", "vs20"))
    items: list[ScopeItem] = []
    if image and pool is not None:
        items.append(Runner(None if "$" in image else image, document.span(pool), windows))
    items.extend(env_items(document, top.get("variables")))
    items.extend(env_items(document, job.get("variables")))
    for step_node in sequence(job.get("steps")):
        step = mapping(step_node)
        if (scalar(step.get("task")) or "").startswith("UsePythonVersion"):
            version = scalar(mapping(step.get("inputs")).get("versionSpec"))
            known = version if version and "$" not in version else None
            items.append(SetPython("managed", document.span(step_node), known))
        for key, shell in _STEP_SHELLS.items():
            if scalar(step.get(key)) is None:
                continue
            if key == "script" and windows:
                shell = "cmd"
            env = tuple(env_items(document, step.get("env")))
            script = script_from(document, [step[key]], shell, env=env, rewrite=MACROS)
            if script is not None:
                items.append(script)
    return Scope(name, tuple(items), BOUNDARY, persist=PERSIST, host="ci")
