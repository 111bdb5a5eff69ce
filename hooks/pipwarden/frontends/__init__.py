"""One module per file kind; each turns a file's text into Scopes of Scripts."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipwarden.shell.session import ParseProblem, Scope


@dataclass
class Parsed:
    scopes: list[Scope] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    # Other files whose content this result depends on (a GitLab include, the project file
    # that says a Python file is pip's own): a cached result holds only while they are
    # unchanged.
    dependencies: list[str] = field(default_factory=list)
