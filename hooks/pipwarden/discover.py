"""Walk the paths given on the command line and classify each file into a Kind.

Directories are listed by git where they are inside a work tree (so .gitignore is honoured
exactly as git does it); elsewhere they are walked, with `pathspec` reading a top-level
.gitignore. Symlinks met while walking are not followed.
"""

from __future__ import annotations

import enum
import fnmatch
import functools
import os
import re
import stat
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import pathspec

SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        ".pipwarden_cache",
        "__pycache__",
        "build",
        "dist",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".eggs",
    }
)


class Kind(enum.Enum):
    SHELL = "shell"
    DOCKERFILE = "dockerfile"
    MAKEFILE = "makefile"
    PYTHON = "python"
    GITHUB = "github-actions"
    GITLAB = "gitlab-ci"
    CIRCLECI = "circleci"
    AZURE = "azure-pipelines"
    BITBUCKET = "bitbucket-pipelines"
    TRAVIS = "travis"
    CODEBUILD = "aws-codebuild"
    READTHEDOCS = "readthedocs"
    TASKFILE = "taskfile"
    COMPOSE = "compose"
    TOX = "tox"
    JUST = "just"
    JENKINS = "jenkins"
    DEVCONTAINER = "devcontainer"


# Files whose kind only their first line tells (`#!/bin/bash`).
SHEBANG = "shebang"
# YAML under no CI path: GitLab CI if the repository's .gitlab-ci.yml includes it.
YAML = "yaml"

_SHELL_SUFFIXES = (".sh", ".bash", ".ksh", ".zsh", ".ps1", ".psm1", ".bat", ".cmd")
_TEMPLATE_SUFFIXES = frozenset({"template", "tmpl", "tpl", "in", "j2", "jinja", "jinja2"})
_MAKEFILES = frozenset({"Makefile", "makefile", "GNUmakefile"})


def classify_name(path: str) -> Kind | str | None:
    """The Kind a file's name tells, SHEBANG when only its content can, or None."""
    name = os.path.basename(path)
    lower = name.lower()
    parts = lower.split(".")
    if "dockerfile" in parts or "containerfile" in parts:
        return Kind.DOCKERFILE
    if parts[0].startswith(("dockerfile", "containerfile")) and (
        len(parts) == 1 or parts[-1] in _TEMPLATE_SUFFIXES
    ):
        return Kind.DOCKERFILE  # Dockerfile-linux.template, Dockerfile_dev
    if lower.endswith(_SHELL_SUFFIXES):
        return Kind.SHELL
    if name in _MAKEFILES or lower.endswith((".mk", ".make")):
        return Kind.MAKEFILE
    if lower.endswith((".yml", ".yaml")):
        return _ci_kind(path.replace("\\", "/"), name) or YAML
    if lower.endswith((".py", ".pyw")):
        return Kind.PYTHON
    if lower in ("tox.ini", "tox.toml", "pyproject.toml"):
        return Kind.TOX
    if lower in ("justfile", ".justfile") or lower.endswith(".just"):
        return Kind.JUST
    if lower == "jenkinsfile" or lower.startswith("jenkinsfile.") or lower.endswith(".jenkinsfile"):
        return Kind.JENKINS
    if lower == ".devcontainer.json" or (
        lower == "devcontainer.json" and "/.devcontainer/" in "/" + path.replace("\\", "/")
    ):
        return Kind.DEVCONTAINER
    if "." not in name.lstrip("."):
        return SHEBANG
    return None


def _ci_kind(path: str, name: str) -> Kind | None:
    """CI configuration is known by where it lives; other YAML is not ours."""
    anchored = "/" + path
    if "/.github/workflows/" in anchored or name in ("action.yml", "action.yaml"):
        return Kind.GITHUB
    if "gitlab-ci" in name or "/.gitlab/ci/" in anchored:
        return Kind.GITLAB
    if "/.circleci/" in anchored:
        return Kind.CIRCLECI
    if name.startswith(("azure-pipelines", ".azure-pipelines")) or "/.azure-pipelines/" in anchored:
        return Kind.AZURE
    if name.startswith("bitbucket-pipelines."):
        return Kind.BITBUCKET
    if name == ".travis.yml":
        return Kind.TRAVIS
    if name.lower().startswith("buildspec"):
        return Kind.CODEBUILD
    if name.lstrip(".").rsplit(".", 1)[0] == "readthedocs":
        return Kind.READTHEDOCS
    if name.lower().rsplit(".", 1)[0] in ("taskfile", "taskfile.dist"):
        return Kind.TASKFILE
    if name.lower().startswith(("compose.", "docker-compose")):
        return Kind.COMPOSE
    return None


_INCLUDE_ENTRY = re.compile(r"""^\s*(?:-\s*)?(?:local:\s*)?['"]?(/?[\w./*-]+\.ya?ml)['"]?\s*$""")


@functools.cache
def gitlab_includes(root: str) -> tuple[str, ...]:
    """Patterns (relative to `root`) of the local files `root/.gitlab-ci.yml` includes, read
    as text: the `include:` block's `local:` entries and plain file names."""
    try:
        with open(
            os.path.join(root, ".gitlab-ci.yml"), encoding="utf-8", errors="replace"
        ) as handle:
            lines = handle.read(1_000_000).splitlines()
    except OSError:
        return ()
    patterns: list[str] = []
    inside = False
    for line in lines:
        if re.match(r"include:", line):
            inside = True
            rest = line[len("include:") :].strip()
            if rest:
                patterns.extend(m.group(1) for m in [_INCLUDE_ENTRY.match(rest)] if m)
            continue
        if inside and line and not line[0].isspace() and not line.startswith("-"):
            inside = False
        match = _INCLUDE_ENTRY.match(line) if inside else None
        if match and "://" not in match.group(1):
            patterns.append(match.group(1).lstrip("/"))
    return tuple(patterns)


def included_by_gitlab_ci(path: str) -> bool:
    """Whether the .gitlab-ci.yml of the current directory (the repository root, where
    pre-commit and CI run) includes this file."""
    relative = os.path.relpath(os.path.abspath(path)).replace(os.sep, "/")
    return any(fnmatch.fnmatchcase(relative, pattern) for pattern in gitlab_includes(os.getcwd()))


_CONTENT_DIRS = frozenset({"examples", "example", "ci", ".ci", "templates", "template"})
_CONTENT_NAME = re.compile(r".*(workflow|pipeline).*\.ya?ml", re.IGNORECASE)


def may_be_ci_by_content(path: str) -> bool:
    """YAML whose place or name suggests CI configuration its path does not prove:
    `examples/*.yml`, `ci/`, `.ci/`, `templates/`, `*workflow*.yml`, `*pipeline*.yml`."""
    parts = path.replace("\\", "/").split("/")
    return bool(_CONTENT_DIRS.intersection(parts[:-1])) or bool(_CONTENT_NAME.fullmatch(parts[-1]))


def _top_level(text: str, key: str) -> bool:
    return re.search(rf"(?m)^['\"]?{key}['\"]?\s*:", text) is not None


def ci_kind_by_content(text: str) -> Kind | None:
    """The CI service whose top level the YAML unmistakably has; None for plain YAML."""
    if (
        _top_level(text, "jobs")
        and _top_level(text, "on")
        and re.search(r"(?m)^\s+(runs-on|steps)\s*:", text)
    ):
        return Kind.GITHUB
    circleci_version = re.search(r"(?m)^version:\s*['\"]?2(\.\d)?\b", text)
    if (
        circleci_version
        and _top_level(text, "jobs")
        and re.search(r"(?m)^\s+(docker|machine|executor)\s*:", text)
    ):
        return Kind.CIRCLECI
    if any(_top_level(text, k) for k in ("trigger", "pool")) and re.search(
        r"(?m)^\s*-\s*(script|bash|task)\s*:", text
    ):
        return Kind.AZURE
    if any(_top_level(text, k) for k in ("stages", "image")) and re.search(
        r"(?m)^  script\s*:", text
    ):
        return Kind.GITLAB
    return None


class Candidate(NamedTuple):
    path: str
    explicit: bool  # named on the command line (errors reading it are reported)


def discover(paths: list[str]) -> Iterator[Candidate | OSError]:
    """Candidate files under `paths`, in a stable order; an OSError for a path that does not
    exist. Workflows GitHub does not run (see `unrun_workflow`) are not candidates."""
    for path in paths:
        if os.path.isdir(path):
            absolute = os.path.abspath(path)
            root = work_tree(absolute) or absolute
            for found in sorted(_list_directory(path)):
                if not unrun_workflow(found, root):
                    yield Candidate(found, explicit=False)
        elif os.path.lexists(path):
            yield Candidate(path, explicit=True)
        else:
            yield FileNotFoundError(2, "No such file or directory", path)


def _list_directory(directory: str) -> Iterator[str]:
    listed = _git_files(directory)
    if listed is None:
        yield from _walk(directory)
        return
    for relative, tracked in listed:
        skipped = SKIPPED_DIRS.intersection(relative.split("/")[:-1])
        # A build directory the repository commits (generated files it ships) is its own.
        if skipped and not (tracked and skipped <= _TRACKED_BUILD_DIRS):
            continue
        full = os.path.join(directory, relative) if directory != "." else relative
        if classify_name(full) is not None and _regular_file(full):
            yield full


def _regular_file(path: str) -> bool:
    """A file, not a symlink (symlinks met while walking are not followed) nor a file git
    still lists but that is gone from the work tree."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


_TRACKED_BUILD_DIRS = frozenset({"build", "dist"})


@functools.cache
def work_tree(directory: str) -> str | None:
    """The work tree `directory` (absolute) is in: the nearest directory with a `.git`."""
    probe = directory
    while not os.path.exists(os.path.join(probe, ".git")):
        parent = os.path.dirname(probe)
        if parent == probe:
            return None
        probe = parent
    return probe


def unrun_workflow(path: str, root: str | None = None) -> bool:
    """Whether `path` is a workflow in a `.github/workflows` directory below the top of the
    repository `root` (by default the work tree the file is in): GitHub runs only the top's,
    so a vendored project's, a documentation example's or a test fixture's workflow never
    runs.
    https://docs.github.com/en/actions/using-workflows/triggering-a-workflow (the root:
    github/docs#32458)"""
    if "/.github/workflows/" not in "/" + path.replace("\\", "/"):
        return False
    absolute = os.path.abspath(path)
    owner = absolute[: absolute.replace(os.sep, "/").rfind("/.github/workflows/")]
    top = root or work_tree(owner) or owner
    return os.path.basename(path) not in ("action.yml", "action.yaml") and owner.startswith(
        os.path.join(top, "")
    )


def repository_root(directory: str) -> str:
    """The work tree `directory` belongs to, or the current directory when it is inside
    that, or `directory` itself: calls never leave it."""
    found = work_tree(directory)
    if found is not None:
        return found
    here = os.getcwd()
    return here if directory == here or directory.startswith(here.rstrip("/") + "/") else directory


def _git_files(directory: str) -> list[tuple[str, bool]] | None:
    """The files git lists under `directory` (tracked, and untracked but not ignored), each
    with whether git tracks it; None outside a work tree."""
    if "GIT_DIR" not in os.environ and work_tree(os.path.abspath(directory)) is None:
        return None  # no git to ask: spare a process
    import subprocess  # only walks of directories pay for it

    try:
        result = subprocess.run(
            [
                "git",
                "-C",
                directory,
                "ls-files",
                "--cached",
                "--others",
                "--exclude-standard",
                "-t",
                "-z",
            ],
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    entries = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    # `-t` tags each entry: "? " for untracked, a letter for what git tracks.
    listed = {entry[2:]: entry[0] != "?" for entry in entries if len(entry) > 2}
    return list(listed.items())


def _walk(directory: str) -> Iterator[str]:
    ignore = _gitignore(directory)
    pending = [directory]
    while pending:
        try:
            with os.scandir(pending.pop()) as listing:
                entries = list(listing)
        except OSError:
            continue  # unreadable directory: nothing in it can be listed
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_DIRS and not _ignored(
                    ignore, directory, entry.path, "/"
                ):
                    pending.append(entry.path)
            elif classify_name(entry.path) is not None and not _ignored(
                ignore, directory, entry.path
            ):
                yield os.path.normpath(entry.path)


def _ignored(
    ignore: pathspec.GitIgnoreSpec | None, directory: str, path: str, suffix: str = ""
) -> bool:
    return ignore is not None and ignore.match_file(os.path.relpath(path, directory) + suffix)


def _gitignore(directory: str) -> pathspec.GitIgnoreSpec | None:
    path = os.path.join(directory, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)
