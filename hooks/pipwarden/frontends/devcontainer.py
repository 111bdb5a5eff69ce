"""Dev container configuration (`.devcontainer/devcontainer.json`,
`.devcontainer/*/devcontainer.json`, `.devcontainer.json`; JSON with comments).

The lifecycle commands (`onCreateCommand`, `updateContentCommand`, `postCreateCommand`,
`postStartCommand`, `postAttachCommand`) run in the container: a string through `/bin/sh -c`,
an array as the argument vector itself, an object as several commands in parallel, each
its own process (https://containers.dev/implementors/json_reference/#lifecycle-scripts).
They run as `remoteUser` (else `containerUser`, else the image's user) in `image`,
or the image and user the final stage of `build.dockerfile` gives.
"""

from __future__ import annotations

import os
import shlex

from pipwarden.frontends import Parsed, file_directory, starting_in
from pipwarden.frontends.compose import built_image
from pipwarden.frontends.jsonc import JsoncError, Value, add_json_string, read
from pipwarden.model import Span
from pipwarden.shell import SHELLS
from pipwarden.shell.session import (
    Image,
    ParseProblem,
    Scope,
    ScopeItem,
    Script,
    ScriptBuilder,
    SetUser,
)

LIFECYCLE = (
    "initializeCommand",
    "onCreateCommand",
    "updateContentCommand",
    "postCreateCommand",
    "postStartCommand",
    "postAttachCommand",
)


def parse(text: str, path: str) -> Parsed:
    try:
        root = read(text)
    except JsoncError as error:
        where = Span(error.offset, error.offset)
        return Parsed([], [ParseProblem(where, f"invalid devcontainer.json: {error}")])
    config = root.value if isinstance(root.value, dict) else {}
    image = config.get("image")
    ref = image.value if image is not None and isinstance(image.value, str) else None
    items: list[ScopeItem] = [Image(ref if ref and "$" not in ref else None, _span(image or root))]
    dependencies: list[str] = []
    build = config.get("build")
    dockerfile = build.value.get("dockerfile") if build and isinstance(build.value, dict) else None
    if dockerfile is not None and isinstance(dockerfile.value, str):
        # Relative to devcontainer.json, as the specification says.
        built = os.path.join(os.path.dirname(path), dockerfile.value)
        items = built_image(built, _span(dockerfile))
        dependencies.append(built)
    user = config.get("remoteUser") or config.get("containerUser")
    if user is not None and isinstance(user.value, str):
        items.append(SetUser(user.value if "$" not in user.value else None, _span(user)))
    # initializeCommand runs on the host, not in the container: it is read all the same, as
    # an unknown host would be, before the container's state applies.
    host = [_script(text, config[k]) for k in LIFECYCLE[:1] if k in config]
    inside = [
        _script(text, command)
        for key in LIFECYCLE[1:]
        if key in config
        for command in _commands(config[key])
    ]
    scopes = [
        Scope(
            path,
            tuple(items + [s for s in inside if s is not None]),
            runs_in_image=True,
            host="image",
        )
    ]
    if any(host):
        scopes.insert(0, Scope(path + ":host", tuple(s for s in host if s is not None)))
    # Lifecycle commands run in the workspace folder: the repository, mounted in the container.
    folder = file_directory(path)
    marker = (folder + "/").find("/.devcontainer/")
    workspace = folder[:marker] if marker != -1 else folder
    return Parsed(starting_in(scopes, workspace), dependencies=dependencies)


def _span(value: Value) -> Span:
    return Span(value.start, value.end)


def _commands(value: Value) -> list[Value]:
    """An object's values are separate commands run in parallel."""
    return list(value.value.values()) if isinstance(value.value, dict) else [value]


def _script(text: str, value: Value) -> Script | None:
    if isinstance(value.value, str):
        builder = ScriptBuilder()
        add_json_string(builder, text[value.start : value.end], value.start)
        return builder.script("sh")
    elements = value.value if isinstance(value.value, list) else []
    strings = [e for e in elements if isinstance(e.value, str)]
    if not strings or len(strings) != len(elements):
        return None
    program = strings[0].value.rsplit("/", 1)[-1]
    if (
        program in SHELLS
        and len(strings) >= 3
        and strings[1].value.startswith("-")
        and "c" in strings[1].value
    ):
        builder = ScriptBuilder()
        literal = strings[2]
        add_json_string(builder, text[literal.start : literal.end], literal.start)
        return builder.script(program)
    # The argument vector as words, each placed over its literal.
    builder = ScriptBuilder()
    for index, element in enumerate(strings):
        if index:
            builder.add_opaque(" ", element.start, element.start)
        builder.add_opaque(shlex.quote(element.value), element.start, element.end)
    return builder.script("")
