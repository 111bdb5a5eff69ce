"""CI configuration files: YAML read once with positions, then the front-end of its service."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from pipwarden.discover import Kind
from pipwarden.frontends import Parsed, file_directory, starting_in
from pipwarden.frontends.yamlci import Document, load

# The front-end module of each service, imported when a file of its kind is first read: a
# run over one workflow pays for the GitHub reader, not for nine others.
FRONTENDS: dict[Kind, str] = {
    Kind.GITHUB: "github",
    Kind.GITLAB: "gitlab",
    Kind.CIRCLECI: "circleci",
    Kind.AZURE: "azure",
    Kind.BITBUCKET: "bitbucket",
    Kind.TRAVIS: "travis",
    Kind.CODEBUILD: "codebuild",
    Kind.READTHEDOCS: "readthedocs",
    Kind.TASKFILE: "taskfile",
    Kind.COMPOSE: "compose",
}


def parser(kind: Kind) -> Callable[[str, str], Parsed]:
    module = importlib.import_module(f"pipwarden.frontends.{FRONTENDS[kind]}")
    parse_document: Callable[[Document, str], Parsed] = module.parse

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
