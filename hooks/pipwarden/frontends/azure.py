"""Azure Pipelines (`azure-pipelines.yml`): each job is a Scope (one per matrix entry or OS its
`condition:`s tell apart) and each `script`/`bash`/`pwsh`/`powershell` step, or the
CmdLine@2, Bash@3 and PowerShell@2 task, a Script of its own; `##vso[task.prependpath]`
carries a directory to later steps."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipwarden import environments
from pipwarden.frontends import Parsed
from pipwarden.frontends.expressions import Value, decide_azure
from pipwarden.frontends.yamlci import (
    Document,
    add_scalar,
    env_items,
    mapping,
    placeholders,
    scalar,
    script_from,
    sequence,
)
from pipwarden.patterns import lazy
from pipwarden.shell.session import (
    Boundary,
    Persist,
    Runner,
    Scope,
    ScopeItem,
    Script,
    ScriptBuilder,
    SetPython,
)

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
    # Each job with the `condition:`s it runs under: its stage's, then its own.
    jobs: list[tuple[str, yaml.Node, tuple[str, ...]]] = []
    if "steps" in top:
        jobs.append(("pipeline", document.root, ()))
    for job in sequence(top.get("jobs")):
        jobs.append((_name(job), job, _condition(job)))
    for stage in sequence(top.get("stages")):
        for job in sequence(mapping(stage).get("jobs")):
            jobs.append((_name(job), job, (*_condition(stage), *_condition(job))))
    scopes = []
    for name, node, conditions in jobs:
        job = mapping(node)
        pool = job.get("pool") or top.get("pool")
        steps = sequence(job.get("steps"))
        step_conditions = [_condition(step) for step in steps]
        runs = _runs(job, scalar(mapping(pool).get("vmImage")) or "", conditions, step_conditions)
        for entry, image, known in runs:
            if any(decide_azure(c, known) is False for c in conditions):
                continue
            chosen = [
                step
                for step, condition in zip(steps, step_conditions, strict=True)
                if not any(decide_azure(c, known) is False for c in condition)
            ]
            label = name if len(runs) == 1 else f"{name} ({entry})"
            windows = known.get(_AGENT_OS, _os(image)) == "Windows_NT"
            scopes.append(_job(document, top, job, chosen, pool, label, image, windows))
    return Parsed(scopes)


def _name(job: yaml.Node) -> str:
    return scalar(mapping(job).get("job")) or "job"


def _condition(node: yaml.Node) -> tuple[str, ...]:
    text = scalar(mapping(node).get("condition"))
    return (text,) if text else ()


_AGENT_OS = "variables.agent.os"
# What `Agent.OS` is on each kind of Microsoft-hosted image ("Windows_NT", "Darwin", "Linux":
# learn.microsoft.com/azure/devops/pipelines/build/variables#agent-variables).
_SYSTEMS = {"windows": "Windows_NT", "macos": "Darwin", "ubuntu": "Linux"}
_VARIABLE_READ = lazy(r"variables(?:\.([A-Za-z_][\w.]*)|\[\s*'([^']+)'\s*\])", re.I)


def _os(image: str) -> str | None:
    """`Agent.OS` on the hosted image `vmImage` names, where it names one."""
    environment = environments.runner(image) if image and "$" not in image else None
    return _SYSTEMS.get(environment.distro or "") if environment else None


def _runs(
    job: dict[str, yaml.Node],
    image: str,
    conditions: tuple[str, ...],
    step_conditions: list[tuple[str, ...]],
) -> list[tuple[str, str, dict[str, Value]]]:
    """Where the job runs, as the conditions can tell apart: one run per matrix entry whose
    image or variables the conditions read differ (`vmImage: $(imageName)` takes each
    entry's value), each with the variables it decides; where `Agent.OS` is read but no image
    decides it, one run per system, so steps that exclude each other never meet."""
    texts = [*conditions, *(c for step in step_conditions for c in step)]
    read = {(a or b).lower() for text in texts for a, b in _VARIABLE_READ.findall(text)}
    reference = _VARIABLE.fullmatch(image.strip())
    entries = mapping(mapping(job.get("strategy")).get("matrix"))
    runs: list[tuple[str, str, dict[str, Value]]] = []
    for entry, node in entries.items() if reference or read else ():
        variables = {k.lower(): scalar(v) for k, v in mapping(node).items()}
        if reference and variables.get(reference.group(1).lower()) is None:
            return [("", image, {})]  # an entry that does not name its image
        known: dict[str, Value] = {f"variables.{k}": v for k, v in variables.items() if k in read}
        run = (entry, variables[reference.group(1).lower()] if reference else image, known)
        if all(run[1:] != other[1:] for other in runs):
            runs.append(run)
            if len(runs) > _MAX_RUNS:
                break
    if not runs or len(runs) > _MAX_RUNS:
        runs = [("", image, {})]  # too many to judge apart: one job, its image unknown
    if "agent.os" not in read:
        return runs
    decided = []
    for entry, named, known in runs:
        system = _os(named)
        for name in [system] if system else _SYSTEMS.values():
            label = entry if system else ", ".join(part for part in (entry, name) if part)
            decided.append((label, named, {**known, _AGENT_OS: name}))
    return decided


_VARIABLE = lazy(r"\$\(\s*([A-Za-z_][\w]*)\s*\)")
_MAX_RUNS = 64


def _job(
    document: Document,
    top: dict[str, yaml.Node],
    job: dict[str, yaml.Node],
    steps: list[yaml.Node],
    pool: yaml.Node | None,
    name: str,
    image: str,
    windows: bool,
) -> Scope:
    """One job on `image` (on Windows where `windows`): each step in its own shell
    (`script` is cmd on Windows)."""
    items: list[ScopeItem] = []
    where = pool if pool is not None else document.root
    if (image and pool is not None) or windows:
        known = image if image and "$" not in image else None
        items.append(Runner(known, document.span(where), windows))
    items.extend(env_items(document, top.get("variables")))
    items.extend(env_items(document, job.get("variables")))
    for step_node in steps:
        step = mapping(step_node)
        task = (scalar(step.get("task")) or "").lower()
        inputs = mapping(step.get("inputs"))
        if task.startswith("usepythonversion"):
            version = scalar(inputs.get("versionSpec"))
            known = version if version and "$" not in version else None
            items.append(SetPython("managed", document.span(step_node), known))
        env = tuple(env_items(document, step.get("env")))
        for node, shell in _step_scripts(step, task, inputs, windows):
            script = script_from(document, [node], shell, env=env, rewrite=MACROS)
            if script is not None:
                items.append(script)
        path = inputs.get("filePath")
        if task.startswith("bash@") and _target(inputs) == "filepath" and scalar(path):
            items.append(_run_file(document, path))
    return Scope(name, tuple(items), BOUNDARY, persist=PERSIST, host="ci")


def _step_scripts(
    step: dict[str, yaml.Node], task: str, inputs: dict[str, yaml.Node], windows: bool
) -> list[tuple[yaml.Node, str]]:
    """The shell text a step runs, with its shell: the `script`/`bash`/`pwsh`/`powershell`
    shortcuts and the tasks they stand for, CmdLine@2 (cmd on Windows, bash elsewhere),
    Bash@3 and PowerShell@2 with `targetType: inline`.
    https://learn.microsoft.com/azure/devops/pipelines/yaml-schema/steps"""
    found = [
        (step[key], "cmd" if key == "script" and windows else shell)
        for key, shell in _STEP_SHELLS.items()
        if scalar(step.get(key)) is not None
    ]
    script = inputs.get("script")
    if scalar(script) is None:
        return found
    if task.startswith("cmdline@"):
        found.append((script, "cmd" if windows else "bash"))
    elif task.startswith(("bash@", "powershell@")) and _target(inputs) == "inline":
        found.append((script, "bash" if task.startswith("bash@") else "pwsh"))
    return found


def _target(inputs: dict[str, yaml.Node]) -> str:
    """Bash@3's and PowerShell@2's `targetType`, whose default is `filePath`."""
    return (scalar(inputs.get("targetType")) or "filePath").lower()


def _run_file(document: Document, path: yaml.Node) -> Script:
    """Bash@3 with `filePath`: bash runs that file, a call as `bash PATH` in a step would
    be. A path from the checkout's root (`$(Build.SourcesDirectory)/ci/test.sh`) is that
    file of the repository."""
    builder = ScriptBuilder()
    start = document.offset(path.start_mark)
    builder.add_opaque("bash ", start, start)
    root = _CHECKOUT.match(path.value)
    at = document.text.find(path.value, start) if root and "\n" not in path.value else -1
    if root and at != -1:
        builder.add_opaque(".", at, at + root.end())
        builder.add(path.value[root.end() :], at + root.end())
    else:
        add_scalar(document, path, builder)
    script = builder.script("bash")
    return script._replace(text=MACROS(script.text))


# The checkout of the pipeline's repository, as a path's first part (predefined variables:
# learn.microsoft.com/azure/devops/pipelines/build/variables).
_CHECKOUT = lazy(
    r"\$\(\s*(?:Build\.SourcesDirectory|System\.DefaultWorkingDirectory"
    r"|Build\.Repository\.LocalPath)\s*\)(?=[/\\])",
    re.IGNORECASE,
)
