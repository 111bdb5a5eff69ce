"""CI configuration files: YAML read once with positions, then the front-end of its service."""

from __future__ import annotations

from collections.abc import Callable

from pipwarden.discover import Kind
from pipwarden.frontends import (
    Parsed,
    azure,
    bitbucket,
    circleci,
    codebuild,
    compose,
    file_directory,
    github,
    gitlab,
    readthedocs,
    starting_in,
    taskfile,
    travis,
)
from pipwarden.frontends.yamlci import Document, load

FRONTENDS: dict[Kind, Callable[[Document, str], Parsed]] = {
    Kind.GITHUB: github.parse,
    Kind.GITLAB: gitlab.parse,
    Kind.CIRCLECI: circleci.parse,
    Kind.AZURE: azure.parse,
    Kind.BITBUCKET: bitbucket.parse,
    Kind.TRAVIS: travis.parse,
    Kind.CODEBUILD: codebuild.parse,
    Kind.READTHEDOCS: readthedocs.parse,
    Kind.TASKFILE: taskfile.parse,
    Kind.COMPOSE: compose.parse,
}


def parser(kind: Kind) -> Callable[[str, str], Parsed]:
    parse_document = FRONTENDS[kind]

    def parse(text: str, path: str) -> Parsed:
        document, problem = load(text)
        if document is None:
            return Parsed([], [problem] if problem else [])
        parsed = parse_document(document, path)
        parsed.scopes = starting_in(parsed.scopes, checkout(path))
        return parsed

    return parse


def checkout(path: str) -> str:
    """Where a CI job's commands start: the checkout of the repository whose configuration
    this is, the directory above a hidden configuration folder (`.circleci/config.yml`) or
    the one holding the file."""
    directory = file_directory(path)
    name = directory.rsplit("/", 1)[-1]
    return directory.rsplit("/", 1)[0] or "/" if name.startswith(".") else directory
