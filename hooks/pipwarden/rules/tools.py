"""Command-line applications installed like libraries."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence

from pipwarden.model import Hit, Severity, Span
from pipwarden.patterns import lazy
from pipwarden.rules.base import Context, Rule, code
from pipwarden.rules.environment import is_system_install

# Distributions people install for their commands, not to import them.
CLI_APPLICATIONS = frozenset(
    [
        "ansible",
        "ansible-core",
        "awscli",
        "aws-sam-cli",
        "black",
        "bump2version",
        "bumpversion",
        "commitizen",
        "cookiecutter",
        "copier",
        "cruft",
        "datasette",
        "flake8",
        "glances",
        "hatch",
        "httpie",
        "isort",
        "mkdocs",
        "nox",
        "pdm",
        "pipenv",
        "poetry",
        "pre-commit",
        "pycowsay",
        "pylint",
        "ruff",
        "tox",
        "twine",
        "yt-dlp",
        "youtube-dl",
    ]
)
_NAME = lazy(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Tools whose commands come from a dependency, which pipx exposes only with `--include-deps`:
# ansible's are ansible-core's (https://docs.ansible.com/ansible/latest/installation_guide/intro_installation.html#installing-and-upgrading-ansible-with-pipx).
_COMMANDS_IN_DEPENDENCIES = frozenset(["ansible"])


def _distribution(requirement: str) -> str | None:
    match = _NAME.match(requirement)
    return match.group(0).lower().replace("_", "-") if match else None


class GlobalCliTool(Rule):
    """
    ## What it finds
    A system-wide `pip install` (no venv, system Python) of a command-line application such as
    `tox`, `poetry`, `black`, `awscli` or `ansible`. Strict tier (`strict = true`): the
    install works, and pipx is the better home for a tool.

    ## Why it breaks
    The tool's dependencies share site-packages with everything else, so installing or
    upgrading it can replace a library another tool needs (`ERROR: pip's dependency resolver
    does not currently take into account all the packages that are installed`), and removing
    it leaves its dependencies behind.

    ## Example
    ```dockerfile
    FROM debian:11
    RUN apt-get update && apt-get install -y python3-pip
    RUN pip3 install tox
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update && apt-get install -y pipx
    RUN pipx install tox
    ```
    or `uv tool install tox`: each tool gets a venv of its own, its command lands on PATH.
    The help keeps what the pip command asked for: `pipx install 'black[d]'`, `pipx install
    --include-deps ansible` (its commands are ansible-core's), and `pipx inject mkdocs
    mkdocs-material` for a plugin installed beside its tool.

    ## Fix safety
    No automatic fix.

    ## References
    - https://packaging.python.org/en/latest/guides/installing-stand-alone-command-line-tools/
    - https://pipx.pypa.io/stable/#pip-vs-pipx
    - https://docs.astral.sh/uv/guides/tools/#installing-tools
    """

    code = "PW501"
    name = "global-cli-tool"
    severity = Severity.INFO
    summary = "command-line application installed globally with pip (strict tier)"
    url = "https://packaging.python.org/en/latest/guides/installing-stand-alone-command-line-tools/"
    superseded_by = ("PW101", "PW102", "PW305", "PW401")

    def on_command(self, context: Context) -> Iterable[Hit]:
        pip = context.pip
        if pip is None or not is_system_install(pip, context):
            return
        tools = [w for w in pip.arguments if w.text and _distribution(w.text) in CLI_APPLICATIONS]
        if not tools:
            return
        names = ", ".join(code(_distribution(w.text or "") or "") for w in tools)
        start, _ = pip.span_through_subcommand
        requirements = [w.text for w in pip.arguments if w.text and not w.text.startswith("-")]
        yield Hit(
            Span(start, tools[-1].span.end),
            f"{names} installed into the system Python: a command-line application shares "
            "its dependencies with everything else there",
            f"use {_pipx_commands(requirements)} (or `uv tool install`), which gives each tool "
            "its own venv",
        )


def _pipx_commands(requirements: Sequence[str]) -> str:
    """The pipx commands for what one pip command installs: each tool as it was asked for
    (extras and versions kept), and the plugins named after a tool (`mkdocs-material`)
    injected into that tool's venv, where its command imports them."""
    tools = [r for r in requirements if _distribution(r) in CLI_APPLICATIONS]
    said = []
    for tool in tools:
        name = _distribution(tool) or ""
        deps = " --include-deps" if name in _COMMANDS_IN_DEPENDENCIES else ""
        said.append(f"`pipx install{deps} {shlex.quote(tool)}`")
        plugins = [
            shlex.quote(r)
            for r in requirements
            if r not in tools and (_distribution(r) or "").startswith(name + "-")
        ]
        if plugins:
            said.append(f"`pipx inject {name} {' '.join(plugins)}`")
    return ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]
