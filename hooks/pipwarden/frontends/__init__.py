"""One module per file kind; each turns a file's text into Scopes of Scripts."""

from __future__ import annotations

from pipwarden.shell.session import ParseProblem, Scope


class Parsed:
    """What a front-end read from a file. A plain class: the dataclasses module alone would
    cost every run that reads a file 7 ms of imports."""

    __slots__ = ("dependencies", "problems", "scopes", "unread")

    def __init__(
        self,
        scopes: list[Scope] | None = None,
        problems: list[ParseProblem] | None = None,
        *,
        dependencies: list[str] | None = None,
        unread: list[str] | None = None,
    ) -> None:
        self.scopes = scopes or []
        self.problems = problems or []
        # Parts of the file that could not be read (Python syntax this interpreter does not
        # know): the rest was checked; the run says the file was not fully checked.
        self.unread = unread or []
        # Other files whose content this result depends on (a GitLab include, the project
        # file that says a Python file is pip's own): a cached result holds only while they
        # are unchanged.
        self.dependencies = dependencies or []


def starting_in(scopes: list[Scope], directory: str) -> list[Scope]:
    """`scopes` whose Scripts start in `directory` where they do not say otherwise (make,
    just, tox and CI jobs start where their file, or the checkout, is)."""
    return [s if s.directory else s._replace(directory=directory) for s in scopes]


def file_directory(path: str) -> str:
    import os

    return os.path.dirname(os.path.abspath(path))
