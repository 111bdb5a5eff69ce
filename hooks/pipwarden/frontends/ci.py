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
    github,
    gitlab,
    readthedocs,
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
        return parse_document(document, path)

    return parse
