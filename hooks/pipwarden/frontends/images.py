"""Images the repository builds itself: which of its Dockerfiles a name like
`ghcr.io/org/ci:latest` comes from, where a workflow (`docker build -t NAME -f FILE CONTEXT`,
docker/build-push-action's `tags`, `file` and `context`) or a compose file (a service with
both `image:` and `build:`) says so. A CI job whose `container:` names such an image runs in
what that Dockerfile's final stage gives, not in an unknown image.

Read only when a `container:` names an image the facts do not classify."""

from __future__ import annotations

import functools
import glob
import os
import re
import shlex
from collections.abc import Iterator
from typing import Any

from pipwarden.frontends.dockerfile import final_stage
from pipwarden.model import Span
from pipwarden.patterns import lazy
from pipwarden.shell.session import BuiltImage, Image, ScopeItem, SetEnv, SetUser

_WORKFLOWS = (".github/workflows/*.yml", ".github/workflows/*.yaml")
_COMPOSE = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
_DOCKER_BUILD = lazy(r"docker\s+(?:buildx\s+)?build\b((?:\\\n|[^\n])*)")


def built_image(dockerfile: str, where: Span) -> list[ScopeItem]:
    """A container built from `dockerfile`: the image, environment (a venv its ENV puts on
    PATH) and user its final stage names, then, where the analysis can read the Dockerfile,
    all its stages leave (the Pythons they install)."""
    built = final_stage(dockerfile)
    items: list[ScopeItem] = [Image(built.image, where)]
    items.extend(SetEnv(name, value, where) for name, value in built.env)
    if built.user is not None:
        items.append(SetUser(built.user or None, where))
    items.append(BuiltImage(dockerfile, where))
    return items


def dockerfile_of(name: str, root: str, dependencies: list[str]) -> str | None:
    """The repository's Dockerfile that builds the image `name` (its tag aside), where a
    workflow or compose file under `root` says so; the files read join `dependencies`."""
    wanted = _repository(name)
    for tags, dockerfile in _builds(root, dependencies):
        if wanted in {_repository(tag) for tag in tags} and os.path.isfile(dockerfile):
            dependencies.append(dockerfile)
            return dockerfile
    return None


def _repository(name: str) -> str:
    """An image name without its tag or digest: `ghcr.io/org/ci:3.12` → `ghcr.io/org/ci`."""
    name = name.strip().strip("\"'").split("@", 1)[0].lower()
    head, colon, tag = name.rpartition(":")
    return head if colon and "/" not in tag else name


def _builds(root: str, read: list[str]) -> tuple[tuple[tuple[str, ...], str], ...]:
    """Each image build the repository's workflows and compose files describe: its names
    and the Dockerfile it builds. Every job `container:` of a repository asks, so each set
    of files, as they are on disk, is read once."""
    found = [
        path for pattern in _WORKFLOWS for path in sorted(glob.glob(os.path.join(root, pattern)))
    ]
    workflows = len(found)
    found.extend(
        path for path in (os.path.join(root, name) for name in _COMPOSE) if os.path.isfile(path)
    )
    read.extend(found)
    stamps = []
    for path in found:
        try:
            status = os.stat(path)
        except OSError:
            continue
        stamps.append((path, status.st_mtime_ns, status.st_size))
    return _builds_in(root, tuple(stamps), workflows)


@functools.lru_cache(maxsize=16)
def _builds_in(
    root: str, files: tuple[tuple[str, int, int], ...], workflows: int
) -> tuple[tuple[tuple[str, ...], str], ...]:
    """`_builds` of `files`, the first `workflows` of them workflows, the rest compose files."""
    builds: list[tuple[tuple[str, ...], str]] = []
    for index, (path, _, _) in enumerate(files):
        document = _mapping(_load(path))
        if index < workflows:
            for job in _mapping(document.get("jobs")).values():
                for step in _sequence(_mapping(job).get("steps")):
                    builds.extend(_step_builds(_mapping(step), root))
            continue
        for service in _mapping(document.get("services")).values():
            service = _mapping(service)
            image, build = service.get("image"), service.get("build")
            if not isinstance(image, str) or build is None:
                continue
            context = build if isinstance(build, str) else _mapping(build).get("context", ".")
            file = _mapping(build).get("dockerfile", "Dockerfile")
            if isinstance(context, str) and isinstance(file, str):
                builds.append(((image,), os.path.normpath(os.path.join(root, context, file))))
    return tuple(builds)


def _step_builds(step: dict[str, Any], root: str) -> Iterator[tuple[tuple[str, ...], str]]:
    uses, run, given = step.get("uses"), step.get("run"), _mapping(step.get("with"))
    if isinstance(uses, str) and uses.startswith("docker/build-push-action"):
        tags = given.get("tags")
        names = re.split(r"[\s,]+", tags) if isinstance(tags, str) else []
        context = given.get("context", ".")
        context = context if isinstance(context, str) else "."
        file = given.get("file")
        dockerfile = file if isinstance(file, str) else os.path.join(context, "Dockerfile")
        yield tuple(n for n in names if n), os.path.normpath(os.path.join(root, dockerfile))
    if isinstance(run, str):
        for found in _DOCKER_BUILD.finditer(run):
            build = _docker_build(found.group(1).replace("\\\n", " "), root)
            if build is not None:
                yield build


def _docker_build(arguments: str, root: str) -> tuple[tuple[str, ...], str] | None:
    """`-t NAME [-f FILE] CONTEXT` of a `docker build` command line."""
    try:
        words = shlex.split(arguments.split("&&", 1)[0].split(";", 1)[0])
    except ValueError:
        return None
    tags: list[str] = []
    file: str | None = None
    positional: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        option, has_value, value = word.partition("=")
        if option in ("-t", "--tag", "-f", "--file") and not has_value:
            value = words[index + 1] if index + 1 < len(words) else ""
            index += 1
        if option in ("-t", "--tag"):
            tags.append(value)
        elif option in ("-f", "--file"):
            file = value
        elif not word.startswith("-"):
            positional.append(word)
        index += 1
    if not tags or not positional:
        return None
    context = positional[-1]
    dockerfile = os.path.join(root, file) if file else os.path.join(root, context, "Dockerfile")
    return tuple(tags), os.path.normpath(dockerfile)


def _load(path: str) -> Any:
    import yaml

    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError):
        return None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
