"""Walk the paths given on the command line and classify each file into a Kind.

Directories are listed by git where they are inside a work tree (so .gitignore is honoured
exactly as git does it); elsewhere they are walked, with `pathspec` reading a top-level
.gitignore, and the walk is kept in the cache until a directory it listed changes. Symlinks met
while walking are not followed.
"""

from __future__ import annotations

import enum
import fnmatch
import functools
import os
import re
import stat
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pipwarden.patterns import lazy
from pipwarden.record import Record

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
# The files make reads when no `-f` names one, in its order.
MAKEFILE_NAMES = ("GNUmakefile", "makefile", "Makefile")


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
    if name in MAKEFILE_NAMES or lower.endswith((".mk", ".make")):
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


_INCLUDE_ENTRY = lazy(r"""^\s*(?:-\s*)?(?:local:\s*)?['"]?(/?[\w./*-]+\.ya?ml)['"]?\s*$""")


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


def kind_by_name(path: str, dependencies: list[str] | None = None) -> Kind | str | None:
    """The kind a file's name and place tell (SHEBANG or YAML where only its content can),
    or None: not a file pipwarden reads. YAML under no CI path is GitLab CI where the
    .gitlab-ci.yml includes it (which then goes to `dependencies`), else read only where its
    place says it may be CI configuration."""
    kind = classify_name(path)
    if kind != YAML:
        return kind
    if dependencies is not None:
        dependencies.append(os.path.abspath(".gitlab-ci.yml"))
    if included_by_gitlab_ci(path):
        return Kind.GITLAB
    return YAML if may_be_ci_by_content(path) else None


_CONTENT_DIRS = frozenset({"examples", "example", "ci", ".ci", "templates", "template"})
_CONTENT_NAME = lazy(r".*(workflow|pipeline).*\.ya?ml", re.IGNORECASE)


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


class Candidate(Record):
    path: str
    explicit: bool  # named on the command line (errors reading it are reported)


def discover(paths: list[str], walks: Walks | None = None) -> Iterator[Candidate | OSError]:
    """Candidate files under `paths`, in a stable order; an OSError for a path that does not
    exist. Workflows GitHub does not run (see `unrun_workflow`) are not candidates. With
    `walks`, a directory outside git that is as it was is not walked again."""
    for path in paths:
        if os.path.isdir(path):
            absolute = os.path.abspath(path)
            root = work_tree(absolute) or absolute
            for found in walks.listing(path) if walks is not None else _listing(path):
                if not unrun_workflow(found, root):
                    yield Candidate(found, explicit=False)
        elif os.path.lexists(path):
            yield Candidate(path, explicit=True)
        else:
            yield FileNotFoundError(2, "No such file or directory", path)


def _listing(directory: str, marks: list[list[Any]] | None = None) -> list[str]:
    listed = _git_files(directory)
    if listed is None:
        return sorted(_walk(directory, marks))
    found = []
    for relative, tracked in listed:
        skipped = SKIPPED_DIRS.intersection(relative.split("/")[:-1])
        # A build directory the repository commits (generated files it ships) is its own.
        if skipped and not (tracked and skipped <= _TRACKED_BUILD_DIRS):
            continue
        full = os.path.join(directory, relative) if directory != "." else relative
        if kind_by_name(full) is not None and _regular_file(full):
            found.append(full)
    return sorted(found)


class Walks:
    """The walks of directories outside git, kept between runs (in the cache): one stands
    while every directory it listed, the .gitignore it read and the .gitlab-ci.yml that says
    which YAML is ours are as they were (a directory's times change with each name added,
    removed or renamed in it), and gives the files it found without listing any directory.
    `recorded` is JSON: the directory as given and the current one → [marks, files]."""

    def __init__(self, recorded: dict[str, Any], own: str | None = None) -> None:
        self.recorded = recorded
        self.changed = False
        # A directory (the cache's, ending in a separator) that changes at each save: its
        # files are not ours to check, and its times do not count.
        self.own = own

    def listing(self, directory: str) -> list[str]:
        if "GIT_DIR" in os.environ or work_tree(os.path.abspath(directory)) is not None:
            return _listing(directory)  # git's answer depends on more than directories
        here = os.getcwd()
        key = f"{directory}\n{here}"  # the paths found are written as `directory` is
        record = self.recorded.get(key)
        if _standing(record):
            return list(record[1])
        read = [os.path.join(directory, ".gitignore"), os.path.join(here, ".gitlab-ci.yml")]
        marks = [[path, _marks(path)] for path in read]
        listed: list[list[Any]] = []
        found = _listing(directory, listed)
        marks += [mark for mark in listed if not self._owned(mark[0])]
        # A walk that saw a racy change is not kept.
        recent = (time.time() - RACY_SECONDS) * 1e9
        if all(max(mark[1:]) < recent for _, mark in marks if mark):
            self.recorded[key] = [marks, found]
        else:
            self.recorded.pop(key, None)
        self.changed = True
        return found

    def _owned(self, folder: str) -> bool:
        return self.own is not None and os.path.join(os.path.abspath(folder), "").startswith(
            self.own
        )


def _standing(record: Any) -> bool:
    """Whether a walk kept in the cache stands: well formed (a cache file someone edited or
    cut short is no walk) and every mark in it as it was."""
    try:
        marks, found = record
        return isinstance(found, list) and all(_marks(path) == mark for path, mark in marks)
    except (TypeError, ValueError):
        return False


# A file or directory changed this close to now may change again within the file system's
# clock resolution without its times moving ("racy git").
RACY_SECONDS = 2.0


def _marks(path: str) -> list[int]:
    """What changes when a directory's names or a file's content change: its size, its
    modification and its change times ([] where there is nothing)."""
    try:
        status = os.stat(path)
    except OSError:
        return []
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns]


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
    """Whether `path` is a workflow GitHub never runs: one in a `.github/workflows` directory
    below the top of the repository `root` (by default the work tree the file is in), as a
    vendored project's, a documentation example's or a test fixture's is, or in a folder
    inside `.github/workflows`, which GitHub does not read either.
    https://docs.github.com/en/actions/using-workflows/triggering-a-workflow (the root:
    github/docs#32458; no subfolders: actions/runner#2102)"""
    if "/.github/workflows/" not in "/" + path.replace("\\", "/"):
        return False
    if os.path.basename(path) in ("action.yml", "action.yaml"):
        return False  # a composite action runs wherever a step's `uses:` names it
    absolute = os.path.abspath(path)
    at = absolute.replace(os.sep, "/").rfind("/.github/workflows/")
    owner = absolute[:at]
    inside = absolute[at + len("/.github/workflows/") :]
    top = root or work_tree(owner) or owner
    return os.sep in inside or owner.startswith(os.path.join(top, ""))


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


def _walk(directory: str, marks: list[list[Any]] | None = None) -> Iterator[str]:
    """The files under `directory` that may be ours; with `marks`, each directory listed
    and its `_marks` (taken before listing it, so a change while listing shows next time)."""
    ignore = _gitignore(directory)
    # Entries' paths start with `directory` and a separator: what follows is their path
    # relative to it, which a .gitignore matches.
    start = len(os.path.join(directory, ""))
    pending = [directory]
    while pending:
        folder = pending.pop()
        if marks is not None:
            marks.append([folder, _marks(folder)])
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue  # unreadable directory: nothing in it can be listed
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_DIRS and not (
                    ignore and ignore.match(_slashed(entry.path[start:]) + "/")
                ):
                    pending.append(entry.path)
            elif kind_by_name(entry.path) is not None and not (
                ignore and ignore.match(_slashed(entry.path[start:]))
            ):
                yield os.path.normpath(entry.path)


def _slashed(path: str) -> str:
    return path if os.sep == "/" else path.replace(os.sep, "/")


def _gitignore(directory: str) -> IgnoreRules | None:
    path = os.path.join(directory, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    return IgnoreRules(lines)


class IgnoreRules:
    """Patterns as a .gitignore writes them, matched by `pathspec`, behind one regular
    expression that joins pathspec's own: a path none of them matches (most paths) costs one
    search instead of one per pattern."""

    __slots__ = ("_any", "_spec")

    def __init__(self, lines: Iterable[str]) -> None:
        import pathspec

        self._spec = pathspec.GitIgnoreSpec.from_lines(lines)
        self._any = _joined(self._spec.patterns)

    def __bool__(self) -> bool:
        return bool(self._spec.patterns)

    def match(self, path: str) -> bool:
        """Whether `path` (relative, `/`-separated; a directory's ends with `/`) is matched."""
        if self._any is not None and self._any.search(path) is None:
            return False
        return bool(self._spec.match_file(path))


# The start of pathspec's regular expression for a pattern without a slash, which matches in
# any directory: joined once in front of all such patterns, not tried once for each.
_ANY_DIRECTORY = "^(?:.+/)?"
# pathspec's ending of a pattern that names a file or a directory, its group renamed.
_DIRECTORY_OR_END = "(?:(?:/)|$)"
_NAMED_GROUP = lazy(r"\(\?P<\w+>")


def _joined(patterns: Sequence[object]) -> re.Pattern[str] | None:
    """One expression that matches a path wherever one of `patterns` (pathspec's) does, or
    None where they are not all regular expressions it can join."""
    anywhere: list[str] = []
    others: list[str] = []
    for pattern in patterns:
        if getattr(pattern, "include", None) is None:
            continue  # a comment or a blank line: matches nothing
        regex = getattr(pattern, "regex", None)
        if not isinstance(regex, re.Pattern) or not isinstance(regex.pattern, str):
            return None
        if regex.flags != re.UNICODE or "(?P=" in regex.pattern:
            return None
        source = _NAMED_GROUP.sub("(?:", regex.pattern)  # the same group name in each
        rest = source[len(_ANY_DIRECTORY) :]
        # The start is shared only where the rest has no `|` of its own (one at its top
        # level would leave the start): pathspec's ending keeps its `|` inside a group.
        if source.startswith(_ANY_DIRECTORY) and "|" not in rest.replace(_DIRECTORY_OR_END, ""):
            anywhere.append(rest)
        else:
            others.append(f"(?:{source})")
    if anywhere:
        others.append(f"{_ANY_DIRECTORY}(?:{'|'.join(anywhere)})")
    try:
        return re.compile("|".join(others) or "(?!)")
    except re.error:
        return None
