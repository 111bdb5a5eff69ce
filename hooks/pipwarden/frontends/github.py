"""GitHub Actions workflows (`.github/workflows/*.yml`) and composite actions (`action.yml`).

Each job is a Scope; each `run:` is a Script in its step's shell. `uses: actions/setup-python`
puts a user-writable Python in place; writes to `$GITHUB_PATH`/`$GITHUB_ENV` carry to later
steps; `${{ ... }}` expressions become unknown words of the same length.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pipwarden import environments
from pipwarden.frontends import Parsed
from pipwarden.frontends.expressions import UNKNOWN, Value, decide, evaluate, references, typed
from pipwarden.frontends.yamlci import (
    Document,
    env_items,
    mapping,
    placeholders,
    scalar,
    script_from,
    sequence,
)
from pipwarden.model import Span
from pipwarden.patterns import lazy
from pipwarden.shell.session import (
    Boundary,
    Call,
    Container,
    Image,
    Persist,
    Runner,
    Scope,
    ScopeItem,
    SetEnv,
    SetPython,
)

if TYPE_CHECKING:
    import yaml

BOUNDARY = Boundary(
    reason="each workflow step runs in a new shell",
    persist='put the venv on PATH for later steps with `echo "{bin}" >> "$GITHUB_PATH"`',
    url="https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-system-path",
    persist_in=(
        (
            "pwsh",
            'put the venv on PATH for later steps with `Add-Content $env:GITHUB_PATH "{bin}"`',
        ),
        ("cmd", "put the venv on PATH for later steps with `echo {bin}>> %GITHUB_PATH%`"),
    ),
)
PERSIST = (Persist("path", variable="GITHUB_PATH"), Persist("env", variable="GITHUB_ENV"))
EXPRESSIONS = placeholders(r"\$\{\{.*?\}\}")
_PYTHON_ACTIONS = {
    "actions/setup-python": "managed",
    "quansight-labs/setup-python": "managed",
    "deadsnakes/action": "managed",
    "conda-incubator/setup-miniconda": "conda",
    "mamba-org/setup-micromamba": "conda",
}
# Actions that put a venv of their own first on PATH for later steps, where it is not known
# ("sets `$VIRTUAL_ENV` and `$PATH` environment for the virtualenv", restore-virtualenv's
# README): which pip later steps find is then unknown.
_VENV_ACTIONS = frozenset({"syphar/restore-virtualenv"})
_SHELLS = {"bash": "bash", "sh": "sh", "pwsh": "pwsh", "powershell": "pwsh", "cmd": "cmd"}
# cross-platform-actions/action boots a VM and puts `cpa.sh` on PATH: a later step with
# `shell: cpa.sh {0}` runs there. cpa.sh hands the step's file to the action ("export
# INPUT_RUN="$(cat $1)""), which runs it in the VM as `exec "$sh" -e`, $sh the action's
# `shell` input (bash or sh) or, by default, the VM user's $SHELL, which the file does not
# say (cross-platform-actions/action cpa.sh and src/action/action.ts).
_VM_ACTION = "cross-platform-actions/action"
_VM_SHELLS = frozenset({"bash", "sh"})


def parse(document: Document, path: str) -> Parsed:
    top = mapping(document.root)
    root = _checkout(path)
    workflow_env = env_items(document, top.get("env"))
    scopes = []
    dependencies: list[str] = []
    runs = mapping(top.get("runs"))
    if scalar(runs.get("using")) == "composite":
        # Steps that exclude each other by `runner.os` never meet here either: one Scope per
        # system, each the action as it runs there (a caller walks them as alternatives).
        steps = sequence(runs.get("steps"))
        conditions = [scalar(mapping(step).get("if")) or "" for step in steps]
        systems = _SYSTEMS if any("runner.os" in c for c in conditions) else (None,)
        for system in systems:
            known: dict[str, Value] = {"runner.os": system} if system else {}
            chosen = [
                s
                for s, c in zip(steps, conditions, strict=True)
                if decide(c or "true", known) is not False
            ]
            items = _steps(document, chosen, "bash", root, None, known)
            name = f"action ({system})" if system else "action"
            scopes.append(
                Scope(name, tuple(items), BOUNDARY, persist=PERSIST, directory=root, host="ci")
            )
    for job_id, job_node in mapping(top.get("jobs")).items():
        job = mapping(job_node)
        if decide(scalar(job.get("if")) or "true", {}) is False:
            continue  # `if: false`: a job switched off
        combinations = _combinations(job)
        for known in combinations:
            name = job_id if len(combinations) == 1 else f"{job_id} ({_named(known)})"
            scopes.append(_job(document, top, job, name, known, root, workflow_env, dependencies))
    return Parsed(scopes, dependencies=dependencies)


def _container(
    image: str | None, where: Span, root: str | None, dependencies: list[str]
) -> list[ScopeItem]:
    """A job's `container:`: the image it names, or what the repository's own Dockerfile
    that builds that name gives (its base image, ENV and USER)."""
    ref = None if image is None or "${{" in image else image
    if image is not None and root is not None and (ref is None or environments.image(ref) is None):
        from pipwarden.frontends.images import built_image, dockerfile_of

        dockerfile = dockerfile_of(image, root, dependencies)
        if dockerfile is not None:
            return built_image(dockerfile, where)
    return [Image(ref, where)]


def _job(
    document: Document,
    top: dict[str, yaml.Node],
    job: dict[str, yaml.Node],
    name: str,
    known: dict[str, Value],
    root: str | None,
    workflow_env: list[SetEnv],
    dependencies: list[str],
) -> Scope:
    """One job as it runs where `known` decides the matrix values and the runner's OS: only
    the steps whose `if:` may hold there."""
    items: list[ScopeItem] = []
    runner = _runner(job, document, known)
    windows = (
        known.get("runner.os") == "Windows"
        if "runner.os" in known
        else bool(runner and runner.windows)
    )
    if runner is not None:
        items.append(runner._replace(windows=windows) if "runner.os" in known else runner)
    container = job.get("container")
    image = scalar(container) or scalar(mapping(container).get("image"))
    if container is not None:
        items.extend(_container(image, document.span(container), root, dependencies))
    job_env = _env(document, job.get("env"), known)
    items.extend(workflow_env)
    items.extend(job_env)
    shell = scalar(mapping(mapping(job.get("defaults")).get("run")).get("shell")) or scalar(
        mapping(mapping(top.get("defaults")).get("run")).get("shell")
    )
    default = shell or ("pwsh" if windows else "bash")
    directory = scalar(
        mapping(mapping(job.get("defaults")).get("run")).get("working-directory")
    ) or scalar(mapping(mapping(top.get("defaults")).get("run")).get("working-directory"))
    # A step's `if:` sees the `env` context (`if: env.USE_CONDA == 'true'`): the workflow's
    # and the job's values, until a step may write `$GITHUB_ENV`.
    # (A job's value the file does not decide is unknown, not the workflow's it overrides.)
    env: dict[str, Value] = {
        f"env.{e.name.lower()}": UNKNOWN if e.value is None else e.value
        for e in [*workflow_env, *job_env]
    }
    steps = []
    for step in sequence(job.get("steps")):
        fields = mapping(step)
        if decide(scalar(fields.get("if")) or "true", {**known, **env}) is not False:
            steps.append(step)
            if _may_set_env(fields):
                env = {}
    items.extend(_steps(document, steps, default, root, directory, known))
    return Scope(
        name,
        tuple(items),
        BOUNDARY,
        runs_in_image=container is not None,
        persist=PERSIST,
        directory=root,
        host="ci",
    )


def _may_set_env(step: dict[str, yaml.Node]) -> bool:
    """Whether a step may change the job's environment for the steps after it: a `run:` that
    writes `$GITHUB_ENV`, a local action (its own steps may), or a script action. Other
    actions set variables of their own, not the workflow's."""
    uses = (scalar(step.get("uses")) or "").split("@", 1)[0].lower()
    return (
        "GITHUB_ENV" in (scalar(step.get("run")) or "")
        or uses.startswith("./")
        or uses == "actions/github-script"
    )


def _checkout(path: str) -> str | None:
    """The repository a workflow or action belongs to, which `run:` steps start in (the
    workspace is its checkout): the directory above `.github`."""
    absolute = os.path.abspath(path).replace(os.sep, "/")
    marker = absolute.rfind("/.github/")
    return absolute[:marker] if marker != -1 else None


def _steps(
    document: Document,
    steps: list[yaml.Node],
    default_shell: str,
    root: str | None,
    directory: str | None,
    known: dict[str, Value],
) -> list[ScopeItem]:
    items: list[ScopeItem] = []
    # setup-miniconda's environment, which bash steps get only as login shells (`shell: bash
    # -el {0}`): "Bash shells do not use ~/.profile or ~/.bashrc so these shells need to be
    # explicitly declared as `shell: bash -el {0}` on steps that need to be properly
    # activated" (its README, "IMPORTANT"). Put in place at the first step that has it, so
    # the plain steps before are the runner's; those after are not told apart.
    conda: SetPython | None = None
    vm_shell: str | None = None  # the shell cpa.sh steps run in, where the file says
    for step_node in steps:
        step = mapping(step_node)
        uses = scalar(step.get("uses")) or ""
        action = uses.split("@", 1)[0].lower()
        with_ = mapping(step.get("with"))
        if action in _PYTHON_ACTIONS and scalar(with_.get("update-environment")) != "false":
            # `update-environment: false` puts nothing on PATH (setup-python action.yml).
            version = scalar(with_.get("python-version"))
            python = SetPython(
                _PYTHON_ACTIONS[action],
                document.span(step_node),
                version if version and "${{" not in version else None,
            )
            if action == "conda-incubator/setup-miniconda":
                conda = python
            else:
                items.append(python)
        elif action in _VENV_ACTIONS:
            items.append(SetEnv("PATH", None, document.span(step_node)))
        elif action == _VM_ACTION:
            vm_shell = scalar(with_.get("shell"))
        elif uses.startswith("./") and root is not None and "${{" not in uses:
            # A local action runs in this job: a composite one's steps are this job's.
            folder = os.path.normpath(os.path.join(root, uses))
            name = (
                "action.yaml"
                if os.path.isfile(os.path.join(folder, "action.yaml"))
                else "action.yml"
            )
            items.append(Call(os.path.join(folder, name), document.span(step_node)))
        run = step.get("run")
        if scalar(run) is None:
            continue
        named = scalar(step.get("shell")) or default_shell
        in_vm = named.split()[:1] == ["cpa.sh"]
        shell = (vm_shell if vm_shell in _VM_SHELLS else None) if in_vm else _shell(named)
        if shell is None:
            continue  # `shell: python` and the like: not shell text
        if conda is not None and (shell not in ("bash", "sh") or _login(named)):
            items.append(conda)
            conda = None
        env: tuple[SetEnv, ...] = tuple(_env(document, step.get("env"), known))
        script = script_from(document, [run], shell, env=env, rewrite=EXPRESSIONS)
        if script is not None and in_vm:
            # Another machine, whose Python and user the workflow does not describe.
            script = script._replace(errexit=True, container=Container(None))
        elif script is not None and _stops_at_failure(named):
            script = script._replace(errexit=True)
        cwd = scalar(step.get("working-directory")) or directory
        if script is not None:
            items.append(script._replace(cwd=cwd) if cwd and "${{" not in cwd else script)
    return items


def _env(document: Document, node: yaml.Node | None, known: dict[str, Value]) -> list[SetEnv]:
    """A job's or step's `env:`, a value that is one expression as this combination of the
    matrix decides it (`BIN: ${{ matrix.os == 'windows-latest' && 'Scripts' || 'bin' }}`)."""
    written = mapping(node)
    return [
        item._replace(value=evaluate(scalar(written.get(item.name)) or "", known))
        if item.value is None and item.name in written
        else item
        for item in env_items(document, node)
    ]


def _login(shell: str) -> bool:
    """`bash -el {0}`, `bash --login {0}`: a login shell, which reads the profile."""
    flags = [w for w in shell.split()[1:] if w.startswith("-")]
    return "--login" in flags or any("l" in f for f in flags if not f.startswith("--"))


def _shell(shell: str) -> str | None:
    """`bash`, `bash -el {0}`, `sh -e {0}`, `pwsh`; None for python and other interpreters."""
    words = shell.replace("{0}", "").split()
    program = words[0].rsplit("/", 1)[-1] if words else ""
    if program in _SHELLS:
        return _SHELLS[program]
    if "${{" in shell or program in ("script", "wsl-bash"):
        return "bash"
    return None


def _stops_at_failure(shell: str) -> bool:
    """GitHub runs `bash` as `bash --noprofile --norc -eo pipefail {0}` (and an unnamed shell
    as `bash -e {0}`), `sh` as `sh -e {0}`; a template of its own (`bash -l {0}`) only with
    `-e`. PowerShell does not stop at a native command that fails, nor does cmd.
    https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#defaultsrunshell"""
    words = shell.split()
    if not words or words[0].rsplit("/", 1)[-1] not in ("bash", "sh"):
        return False
    flags = [w for w in words[1:] if w.startswith("-") and not w.startswith("--")]
    return len(words) == 1 or any("e" in flag for flag in flags)


def _runner(
    job: dict[str, yaml.Node], document: Document, known: dict[str, Value]
) -> Runner | None:
    """The hosted runner `runs-on` names (one label, a list of labels, `labels:` of a
    group), with `${{ matrix.NAME }}` as `known` decides it; for a matrix or an expression
    it does not decide, an unknown runner that may be Windows, with the labels
    `${{ matrix.NAME }}` can take."""
    runs_on = job.get("runs-on")
    if runs_on is None:
        return None
    known_labels = _labels(runs_on, known)
    span = document.span(runs_on)
    if any("${{" in label for label in known_labels):
        matrix = any("matrix" in label for label in known_labels)
        values = _matrix_values(job) if matrix else []
        axis = _MATRIX_REFERENCE.fullmatch(known_labels[0]) if len(known_labels) == 1 else None
        choices = _matrix_axis(job, axis.group(1)) if axis else ()
        windows = any(v.lower().startswith("windows") for v in values)
        return Runner(None, span, windows, choices)
    if len(known_labels) == 1:
        return Runner(known_labels[0], span, known_labels[0].lower().startswith("windows"))
    # Several labels pick a self-hosted machine (`[self-hosted, linux]`): unknown.
    return Runner(None, span, any(label.lower() == "windows" for label in known_labels))


def _labels(runs_on: yaml.Node, known: dict[str, Value]) -> list[str]:
    """The labels of `runs-on`, each `${{ matrix.NAME }}` that `known` decides replaced."""
    labels = [scalar(runs_on)] + [scalar(n) for n in sequence(runs_on)]
    labels += [scalar(n) for n in sequence(mapping(runs_on).get("labels"))]
    found = []
    for label in labels:
        reference = _MATRIX_REFERENCE.fullmatch(label or "")
        value = known.get(f"matrix.{reference.group(1).lower()}") if reference else None
        if isinstance(value, str) and value:
            found.append(value)
        elif label:
            found.append(label)
    return found


def _os(labels: list[str]) -> str | None:
    """`runner.os` on the runner these labels pick: Linux, Windows or macOS, where they say."""
    for label in labels:
        lowered = label.lower()
        for prefix, name in (("ubuntu", "Linux"), ("linux", "Linux"), ("windows", "Windows")):
            if lowered.startswith(prefix):
                return name
        if lowered.startswith("macos"):
            return "macOS"
    return None


_MAX_COMBINATIONS = 64
# What `runner.os` can be on GitHub's runners.
_SYSTEMS = ("Linux", "Windows", "macOS")


def _combinations(job: dict[str, yaml.Node]) -> list[dict[str, Value]]:
    """The combinations of the job's matrix that its runner and step conditions tell apart,
    each as the values it decides (`matrix.os`, `runner.os`); [{}] where nothing is decided.
    Where `runner.os` is read but no label decides it, each OS is a combination of its own:
    steps that exclude each other still never meet."""
    steps = [mapping(step) for step in sequence(job.get("steps"))]
    conditions = [scalar(step.get("if")) or "" for step in steps]
    runs_on = job.get("runs-on")
    texts = [*conditions, *(scalar(n) or "" for n in [runs_on, *sequence(runs_on)])]
    axes = set().union(*(references(text) for text in texts))
    # The `env:` values that read the matrix (`${{ matrix.os == ... && 'Scripts' || 'bin' }}`),
    # told apart too where that keeps the combinations few enough.
    values = [
        scalar(value) or ""
        for env in [job.get("env"), *(step.get("env") for step in steps)]
        for value in mapping(env).values()
    ]
    valued = axes.union(*(references(value) for value in values))
    combinations = _projected(job, valued)
    if len(combinations) > _MAX_COMBINATIONS:
        combinations = _projected(job, axes)
    if len(combinations) > _MAX_COMBINATIONS:
        combinations = [{}]
    if not any("runner.os" in condition for condition in conditions):
        return combinations
    decided = []
    for known in combinations:
        system = _os(_labels(runs_on, known)) if runs_on is not None else None
        for name in [system] if system else _SYSTEMS:
            decided.append({**known, "runner.os": name})
    return decided


def _projected(job: dict[str, yaml.Node], axes: set[str]) -> list[dict[str, Value]]:
    """The distinct combinations of the job's matrix as `axes` see them."""
    combinations: list[dict[str, Value]] = []
    for entry in _matrix(job) if axes else [{}]:
        # Listed, a combination without the name has it null; a matrix not listed: unknown.
        missing = None if entry else UNKNOWN
        projected = {f"matrix.{name}": entry.get(name, missing) for name in sorted(axes)}
        if projected not in combinations:
            combinations.append(projected)
    return combinations


def _matrix(job: dict[str, yaml.Node]) -> list[dict[str, Value]]:
    """Every combination of the job's matrix, as GitHub expands it (the product of its axes,
    less `exclude`, with `include` entries extending the combinations they do not contradict
    or added as new ones), axis names lower-case, each value typed as GitHub reads it (a list
    or mapping UNKNOWN); [{}] where the matrix is an expression or too large to list."""
    matrix = mapping(mapping(job.get("strategy")).get("matrix"))
    combinations: list[dict[str, Value]] = [{}]
    for name, node in matrix.items():
        if name in ("include", "exclude"):
            continue
        values = sequence(node)
        if not values or len(combinations) * len(values) > _MAX_COMBINATIONS * 4:
            return [{}]
        combinations = [{**c, name.lower(): _value(v)} for c in combinations for v in values]
    for entry in sequence(matrix.get("exclude")):
        excluded = {k.lower(): _value(v) for k, v in mapping(entry).items()}
        combinations = [c for c in combinations if any(c.get(k) != v for k, v in excluded.items())]
    original = [dict(c) for c in combinations]
    for entry in sequence(matrix.get("include")):
        fields = {k.lower(): _value(v) for k, v in mapping(entry).items()}
        extended = False
        for combination, before in zip(combinations, original, strict=True):
            if before and all(before.get(k, v) == v for k, v in fields.items()):
                combination.update(fields)
                extended = True
        if not extended:
            combinations.append(fields)
            original.append({})
    return [c for c in combinations if c] or [{}]


def _value(node: yaml.Node) -> Value:
    """A matrix value as GitHub types it; a list or mapping: not known here."""
    text = scalar(node)
    return UNKNOWN if text is None else typed(text, getattr(node, "style", None) is None)


def _named(known: dict[str, Value]) -> str:
    return ", ".join(
        value if isinstance(value, str) else "?" if value is UNKNOWN else str(value).lower()
        for value in known.values()
    )


_MATRIX_REFERENCE = lazy(r"\$\{\{\s*matrix\.([A-Za-z_][\w-]*)\s*\}\}")


def _matrix_axis(job: dict[str, yaml.Node], name: str) -> tuple[str, ...]:
    """Every value the matrix gives `name`: its list and the `include` entries that set it;
    nothing where one is not a plain label (an expression, a mapping) or an `include` entry
    without it may make a combination of its own (one that sets another axis: GitHub adds
    it as a new combination where it cannot extend one)."""
    matrix = mapping(mapping(job.get("strategy")).get("matrix"))
    axes = set(matrix) - {"include", "exclude"}
    axis = matrix.get(name)
    nodes = list(sequence(axis)) if axis is not None else []
    if axis is not None and not nodes:
        return ()  # `os: ${{ fromJSON(...) }}`
    for entry in sequence(matrix.get("include")):
        fields = mapping(entry)
        if name in fields:
            nodes.append(fields[name])
        elif axis is None or axes & set(fields):
            return ()
    values = tuple(scalar(node) or "" for node in nodes)
    if not values or any(not v or "${{" in v for v in values):
        return ()
    return values


def _matrix_values(job: dict[str, yaml.Node]) -> list[str]:
    matrix = mapping(mapping(job.get("strategy")).get("matrix"))
    values: list[str] = []
    for name, node in matrix.items():
        if name == "include":
            for entry in sequence(node):
                values.extend(v for v in (scalar(n) for n in mapping(entry).values()) if v)
        else:
            values.extend(v for v in (scalar(n) for n in sequence(node)) if v)
    return values
