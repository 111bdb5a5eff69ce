"""Settings: `[tool.pipwarden]` in the nearest pyproject.toml, or `.pipwarden.toml`, merged
with the command line (the command line wins)."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from pipwarden.discover import IgnoreRules
from pipwarden.record import Record
from pipwarden.rules.catalog import CATALOG, DEFAULT, STRICT, code_for

KEYS = frozenset(
    {
        "select",
        "extend-select",
        "ignore",
        "exclude",
        "extend-exclude",
        "per-file-ignores",
        "output-format",
        "fail-on",
        "cache-dir",
        "follow-calls",
        "strict",
    }
)
OUTPUT_FORMATS = (
    "full",
    "concise",
    "grouped",
    "json",
    "json-lines",
    "github",
    "gitlab",
    "sarif",
    "junit",
)
FAIL_ON = ("error", "warning", "info")
# Vendored copies of other projects, whose pip habits are their authors' to fix: skipped
# unless `exclude` says otherwise (`extend-exclude` adds to it), as ruff's default list is.
DEFAULT_EXCLUDE = ("_vendor/", "_vendored/", "vendored/")
_DEFAULT_DIRECTORIES = frozenset(pattern.rstrip("/") for pattern in DEFAULT_EXCLUDE)
# A subtree that git-subrepo brought in holds this file at its top.
SUBREPO_MARKER = ".gitrepo"


class ConfigError(Exception):
    """A configuration or command-line value pipwarden cannot use (exit 2)."""


class Settings(Record):
    enabled: frozenset[str]
    root: str = "."
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    output_format: str | None = None
    source: str | None = None  # the file the settings came from
    fail_on: str = "info"  # the lowest severity that makes the exit code 1
    cache_dir: str = ".pipwarden_cache"  # where results of earlier runs are kept
    # Analyse the repository scripts a file runs in the state the file gives them.
    follow_calls: bool = True
    # Strict-tier rules not selected, whose findings a default run counts (not reports), so
    # that its summary can say how many the strict tier holds.
    hidden: frozenset[str] = frozenset()
    # Skip git-subrepo subtrees (part of the default exclusions).
    skip_subrepos: bool = True

    def relative(self, path: str) -> str | None:
        """`path` relative to the root, `/`-separated; None outside it. Cut from the
        absolute path (os.path.relpath costs a run a stat-sized share of each file)."""
        absolute = os.path.abspath(path)
        root = os.path.abspath(self.root)
        inside = os.path.join(root, "")
        if absolute.startswith(inside):
            return absolute[len(inside) :].replace(os.sep, "/")
        return "." if absolute == root else None

    def excluded(self, path: str) -> bool:
        root, relative = self.root, self.relative(path)
        if relative is None:
            # A file outside the root (`pipwarden check ../other`): the patterns that match
            # in any directory (the default `_vendor/`) still do; those anchored at the root
            # cannot.
            root = os.path.abspath(os.sep)
            relative = os.path.abspath(path)[len(root) :].replace(os.sep, "/")
        if self.exclude == DEFAULT_EXCLUDE:  # directories by name: no pathspec to import
            if _DEFAULT_DIRECTORIES.intersection(relative.split("/")[:-1]):
                return True
        elif self.exclude and _spec(self.exclude).match(relative):
            return True
        return self.skip_subrepos and _in_subrepo(root, relative)

    def ignored_here(self, path: str) -> frozenset[str]:
        relative = self.relative(path)
        if relative is None or not self.per_file_ignores:
            return frozenset()
        codes: set[str] = set()
        for pattern, ignored in self.per_file_ignores:
            if _spec((pattern,)).match(relative):
                codes |= ignored
        return frozenset(codes)


def _in_subrepo(root: str, relative: str) -> bool:
    """Whether a directory above the file, below `root`, is a git-subrepo subtree."""
    parent = relative.rpartition("/")[0]
    return bool(parent) and _below_subrepo(root, parent)


@functools.cache  # once per directory a run meets (`forget_subrepos`)
def _below_subrepo(root: str, directory: str) -> bool:
    up = directory.rpartition("/")[0]
    return is_subrepo(os.path.join(root, directory)) or (bool(up) and _below_subrepo(root, up))


@functools.cache  # once per directory a run meets (`forget_subrepos`)
def is_subrepo(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, SUBREPO_MARKER))


def forget_subrepos() -> None:
    """Which directories are subrepos, asked again (at each run's start; a `.gitrepo` that
    came or went in the language server)."""
    is_subrepo.cache_clear()
    _below_subrepo.cache_clear()


@functools.cache
def _spec(patterns: tuple[str, ...]) -> IgnoreRules:
    return IgnoreRules(patterns)


def resolve_selectors(selectors: Iterable[str], where: str) -> set[str]:
    """Codes for `ALL`, a prefix (`PW3`), a code (`PW301`) or a name (`pip-outside-venv`)."""
    codes: set[str] = set()
    for selector in selectors:
        if not isinstance(selector, str):
            raise ConfigError(f"{where}: expected rule codes as strings, got {selector!r}")
        key = selector.strip()
        if key.upper() == "ALL":
            codes |= set(CATALOG)
            continue
        code = code_for(key)
        if code is not None:
            codes.add(code)
            continue
        matching = {code for code in CATALOG if code.startswith(key.upper())}
        if not matching or not key.upper().startswith("PW"):
            raise ConfigError(f"{where}: unknown rule code or name {selector!r}")
        codes |= matching
    return codes


def _load_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None


def find_config(start: str) -> tuple[str, dict[str, Any]] | None:
    """The nearest `.pipwarden.toml`, or pyproject.toml with a [tool.pipwarden] table."""
    directory = os.path.abspath(start)
    while True:
        dotfile = os.path.join(directory, ".pipwarden.toml")
        if os.path.isfile(dotfile):
            data = _load_toml(dotfile)
            return dotfile, data.get("tool", {}).get("pipwarden", data)
        pyproject = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(pyproject):
            data = _load_toml(pyproject)
            table = data.get("tool", {}).get("pipwarden")
            if table is not None:
                return pyproject, table
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _string_list(table: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings")
    return value


def load(
    config_path: str | None,
    *,
    select: list[str] | None = None,
    extend_select: list[str] | None = None,
    ignore: list[str] | None = None,
    exclude: list[str] | None = None,
    output_format: str | None = None,
    fail_on: str | None = None,
    cache_dir: str | None = None,
    follow_calls: bool | None = None,
    strict: bool | None = None,
    start: str | None = None,
) -> Settings:
    """The settings of a run: from `config_path`, else the nearest configuration above
    `start` (the files checked; the current directory by default), with the command line's
    values over them."""
    found: tuple[str, dict[str, Any]] | None
    if config_path is not None:
        data = _load_toml(config_path)
        table = data.get("tool", {}).get("pipwarden", data)
        found = (config_path, table)
    else:
        found = find_config(start or os.getcwd())
    table: Mapping[str, Any] = found[1] if found else {}
    where = found[0] if found else "configuration"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.pipwarden] must be a table")
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r} in pipwarden settings "
            f"(known: {', '.join(sorted(KEYS))})"
        )
    home = os.path.dirname(os.path.abspath(found[0])) if found else os.getcwd()
    # Without a configuration, paths are excluded relative to the tree checked; the cache
    # stays in the current directory.
    root = home if found or start is None else os.path.abspath(start)

    selectors = select or _string_list(table, "select", where)
    enabled = (
        resolve_selectors(selectors, "--select" if select else where) if selectors else set(DEFAULT)
    )
    strict_tier = table.get("strict", False) if strict is None else strict
    if not isinstance(strict_tier, bool):
        raise ConfigError(f"{where}: `strict` must be true or false")
    if strict_tier:
        enabled |= STRICT
    enabled |= resolve_selectors(_string_list(table, "extend-select", where), where)
    enabled |= resolve_selectors(extend_select or [], "--extend-select")
    ignored = resolve_selectors(_string_list(table, "ignore", where), where)
    ignored |= resolve_selectors(ignore or [], "--ignore")
    enabled -= ignored
    # Only a run on the default selection says what the strict tier would add: one that
    # names its rules chose them.
    hidden = frozenset() if selectors else frozenset(STRICT - enabled - ignored)

    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{where}: `per-file-ignores` must be a table of pattern = [codes]")
    per_file_ignores = tuple(
        (pattern, frozenset(resolve_selectors(_string_list(per_file, pattern, where), where)))
        for pattern in per_file
    )
    # As in ruff: `exclude` replaces the default list, `extend-exclude` adds to it.
    replaced = "exclude" in table
    patterns = _string_list(table, "exclude", where) if replaced else list(DEFAULT_EXCLUDE)
    patterns += _string_list(table, "extend-exclude", where) + (exclude or [])
    fmt = output_format or table.get("output-format")
    if fmt is not None and fmt not in OUTPUT_FORMATS:
        raise ConfigError(
            f"{where}: unknown output format {fmt!r} (choose from {', '.join(OUTPUT_FORMATS)})"
        )
    threshold = fail_on or table.get("fail-on", "info")
    if threshold not in FAIL_ON:
        raise ConfigError(
            f"{where}: `fail-on` must be one of {', '.join(FAIL_ON)}, not {threshold!r}"
        )
    configured_cache = table.get("cache-dir")
    if configured_cache is not None and not isinstance(configured_cache, str):
        raise ConfigError(f"{where}: `cache-dir` must be a path")
    # Relative to the configuration file, as `exclude` is; on the command line, to the
    # current directory.
    cache = (
        os.path.abspath(cache_dir)
        if cache_dir
        else os.path.join(home, configured_cache or ".pipwarden_cache")
    )
    follow = table.get("follow-calls", True) if follow_calls is None else follow_calls
    if not isinstance(follow, bool):
        raise ConfigError(f"{where}: `follow-calls` must be true or false")
    return Settings(
        frozenset(enabled),
        root,
        tuple(patterns),
        per_file_ignores,
        fmt,
        found[0] if found else None,
        threshold,
        cache,
        follow,
        hidden,
        not replaced,
    )
