"""Jenkins pipelines (`Jenkinsfile`, `*.jenkinsfile`, `Jenkinsfile.*`).

Each `sh`, `bat` and `powershell`/`pwsh` step runs in a shell of its own
(https://www.jenkins.io/doc/pipeline/steps/workflow-durable-task-step/), its text a Groovy
string, single-, double- or triple-quoted, also as `sh(script: ...)`. In double-quoted
strings Groovy interpolates `${...}` and `$name` before the shell runs: they are unknown words.
The pipeline's `agent { docker { image '...' } }` classifies where the steps run.
"""

from __future__ import annotations

import re

from pipwarden.frontends import Parsed, file_directory, starting_in
from pipwarden.model import Span
from pipwarden.patterns import lazy
from pipwarden.shell.session import (
    Boundary,
    Image,
    Scope,
    ScopeItem,
    Script,
    ScriptBuilder,
    SetUser,
)

BOUNDARY = Boundary(
    reason="each `sh` step runs in a shell of its own",
    persist="run the steps in one `sh` block, or call `{venv}/bin/python` directly",
    url="https://www.jenkins.io/doc/pipeline/steps/workflow-durable-task-step/",
    persist_in=(
        ("pwsh", "run the steps in one `powershell` block"),
        ("cmd", "run the steps in one `bat` block"),
    ),
)
_STEP = lazy(
    r"""(?<![\w.])(sh|bat|powershell|pwsh)\s*(?:\(\s*(?:script\s*:\s*)?)?('''|\"\"\"|'|")"""
)
_SHELLS = {"sh": "sh", "bat": "cmd", "powershell": "pwsh", "pwsh": "pwsh"}
_DOCKER_IMAGE = lazy(r"""docker\s*\{[^}]*?\bimage\s+(['"])([^'"]+)\1""", re.S)
_INTERPOLATION = lazy(r"\$\{[^}]*\}|\$[A-Za-z_]\w*(?:\.\w+)*|\\\$")


def parse(text: str, path: str) -> Parsed:
    items: list[ScopeItem] = []
    agent = _DOCKER_IMAGE.search(text)
    if agent is not None:
        image = agent.group(2)
        where = Span(agent.start(2), agent.end(2))
        # Jenkins runs the container as the agent's own uid (`docker run -u`), not the image's
        # user: who that is, this file does not say.
        items += [Image(None if "$" in image else image, where), SetUser(None, where)]
    position = 0
    while True:
        step = _STEP.search(text, position)
        if step is None:
            break
        quote = step.group(2)
        start = step.end()
        end = _closing(text, start, quote)
        position = end + len(quote)
        if _in_comment(text, step.start()):
            continue
        items.append(_script(text, start, end, quote.startswith('"'), _SHELLS[step.group(1)]))
    scope = Scope(path, tuple(items), BOUNDARY, runs_in_image=agent is not None, host="ci")
    return Parsed(starting_in([scope], file_directory(path)))


def _closing(text: str, i: int, quote: str) -> int:
    while i < len(text) and not text.startswith(quote, i):
        if len(quote) == 1 and text[i] == "\n":
            return i  # a one-line string that never closes: stop at its line
        i += 2 if text[i] == "\\" else 1
    return min(i, len(text))


def _in_comment(text: str, at: int) -> bool:
    line_start = text.rfind("\n", 0, at) + 1
    return "//" in text[line_start:at]


def _script(text: str, start: int, end: int, interpolated: bool, shell: str) -> Script:
    builder = ScriptBuilder()
    position = start
    if interpolated:
        for match in _INTERPOLATION.finditer(text, start, end):
            builder.add(text[position : match.start()], position)
            value = (
                "$" if match.group(0) == "\\$" else "$" + "_" * (match.end() - match.start() - 1)
            )
            builder.add_opaque(value, match.start(), match.end())
            position = match.end()
    builder.add(text[position:end], position)
    return builder.script(shell)
