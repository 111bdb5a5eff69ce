"""Compose files (`compose.yaml`, `docker-compose*.yml`).

Each service is a Scope: its `command` and `entrypoint` run in a container of its `image`
(classified as a Dockerfile's FROM would be) or, for a service it `build`s, of the image and
user the Dockerfile's final stage gives; as its `user`, with its `environment`. A string is
split into words as a shell would; a list is the argument vector itself, and `["sh", "-c", "..."]` hands its
text to that shell (https://docs.docker.com/reference/compose-file/services/#command).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pipwarden.frontends import Parsed
from pipwarden.frontends.images import built_image
from pipwarden.frontends.yamlci import (
    Document,
    env_items,
    mapping,
    placeholders,
    scalar,
    script_from,
    sequence,
)
from pipwarden.shell import SHELLS
from pipwarden.shell.session import (
    Image,
    Scope,
    ScopeItem,
    Script,
    ScriptBuilder,
    SetUser,
)

if TYPE_CHECKING:
    import yaml

# `${VAR}` and `$VAR` are interpolated by Compose before anything runs.
INTERPOLATION = placeholders(r"\$\{[^}]*\}")


def parse(document: Document, path: str) -> Parsed:
    scopes = []
    dependencies: list[str] = []
    for name, node in mapping(mapping(document.root).get("services")).items():
        service = mapping(node)
        image = scalar(service.get("image"))
        where = document.span(service.get("image") or node)
        items: list[ScopeItem] = [Image(None if not image or "$" in image else image, where)]
        build = service.get("build")
        if build is not None:
            context = scalar(build) or scalar(mapping(build).get("context")) or "."
            name = scalar(mapping(build).get("dockerfile")) or "Dockerfile"
            dockerfile = os.path.join(os.path.dirname(path), context, name)
            items = built_image(dockerfile, document.span(build))
            dependencies.append(dockerfile)
        user = service.get("user")
        if user is not None:
            text = scalar(user)
            items.append(SetUser(None if not text or "$" in text else text, document.span(user)))
        items.extend(env_items(document, service.get("environment")))
        for key in ("entrypoint", "command"):
            script = _script(document, service.get(key))
            if script is not None:
                items.append(script)
        # The command's paths are the container's: which repository files are there (a COPY,
        # a volume) is not modelled, so none is followed.
        scopes.append(Scope(name, tuple(items), runs_in_image=True, image_paths=True, host="image"))
    return Parsed(scopes, dependencies=dependencies)


def _script(document: Document, node: yaml.Node | None) -> Script | None:
    if scalar(node) is not None:
        return script_from(document, [node], "sh", rewrite=INTERPOLATION)
    elements = sequence(node)
    texts = [scalar(e) for e in elements]
    if len(texts) >= 3 and (texts[0] or "").rsplit("/", 1)[-1] in SHELLS and texts[1] == "-c":
        shell = (texts[0] or "").rsplit("/", 1)[-1]
        return script_from(document, [elements[2]], shell, rewrite=INTERPOLATION)
    if not elements:
        return None
    # The argument vector as words: each element whole, placed over its scalar.
    builder = ScriptBuilder()
    for index, element in enumerate(elements):
        span = document.span(element)
        if index:
            builder.add_opaque(" ", span.start, span.start)
        text = scalar(element)
        plain = (
            text is not None and text.replace("-", "").replace(".", "").replace("/", "").isalnum()
        )
        builder.add_opaque(text if plain else "${_}", span.start, span.end)
    return builder.script("")
