"""GitLab CI (`.gitlab-ci.yml` and the local files it includes).

Each job is a Scope. `before_script` and `script` run in one shell, so they are one Script;
`after_script` runs in a new shell, another Script. `default:`, `extends:` (any depth, hashes
merged key by key), YAML anchors and `!reference` tags (nested too) are followed where the
text says what they point at. A hidden job is judged through the jobs that extend it, and in
`.gitlab-ci.yml`, on its own where none does; a file it includes leaves its hidden jobs to
the jobs of the including file.
"""

from __future__ import annotations

import os

import yaml

from pipwarden.frontends import Parsed
from pipwarden.frontends.yamlci import (
    MAX_SCRIPT_LINES,
    Document,
    env_items,
    key_node,
    load,
    mapping,
    placeholders,
    scalar,
    script_from,
    sequence,
)
from pipwarden.model import Span
from pipwarden.shell.session import Boundary, Image, Runner, Scope, ScopeItem

BOUNDARY = Boundary(
    reason="after_script runs in a new shell",
    persist="activate the venv again in after_script",
    url="https://docs.gitlab.com/ci/yaml/#after_script",
)
KEYWORDS = frozenset(
    [
        "default",
        "include",
        "stages",
        "variables",
        "workflow",
        "image",
        "services",
        "before_script",
        "after_script",
        "cache",
        "spec",
    ]
)
# `$[[ inputs.x ]]` is replaced before the job runs; the shell never sees it.
INPUTS = placeholders(r"\$\[\[.*?\]\]")


class _Jobs:
    """Job definitions from the file and its local includes, with `extends:` resolved."""

    def __init__(self, document: Document, path: str) -> None:
        self.document = document
        self.definitions: dict[str, tuple[Document, yaml.Node]] = {}
        self.read: list[str] = []  # the included files, for the cache
        self.merged: dict[str, dict[str, list[tuple[Document, yaml.Node]]]] = {}
        for name, node in mapping(document.root).items():
            self.definitions[name] = (document, node)
        self._include(mapping(document.root).get("include"), path)

    def _include(self, node: yaml.Node | None, path: str) -> None:
        """`include: local:` files add job definitions (for `extends`); they are read, never
        executed, and only when they are plain files under the same directory tree."""
        root = os.path.dirname(os.path.abspath(path))
        entries = sequence(node) or ([node] if node is not None else [])
        for entry in entries[:50]:
            local = scalar(entry) or scalar(mapping(entry).get("local"))
            if not local or "://" in local or "*" in local or "$" in local:
                continue
            candidate = os.path.normpath(os.path.join(root, local.lstrip("/")))
            try:
                with open(candidate, encoding="utf-8", errors="surrogateescape") as handle:
                    text = handle.read(1_000_000)
            except OSError:
                continue
            self.read.append(candidate)
            included, _ = load(text)
            if included is None:
                continue
            for name, job in mapping(included.root).items():
                self.definitions.setdefault(name, (included, job))

    def parents(self, name: str) -> list[str]:
        if name not in self.definitions:
            return []
        extends = mapping(self.definitions[name][1]).get("extends")
        if extends is None:
            return []
        return [p for p in [scalar(extends), *map(scalar, sequence(extends))] if p]

    def resolved(self, name: str, depth: int = 0) -> dict[str, list[tuple[Document, yaml.Node]]]:
        """A job's keywords after `extends:`, GitLab's way: later parents over earlier ones,
        the job's own over them all, and a hash (`variables:`) merged key by key, so each
        keyword is its layers, the one that wins last."""
        if name in self.merged:
            return self.merged[name]
        if name not in self.definitions or depth > 10:
            return {}
        document, node = self.definitions[name]
        merged: dict[str, list[tuple[Document, yaml.Node]]] = {}
        self.merged[name] = merged  # a cycle of `extends:` ends here
        layers = [self.resolved(parent, depth + 1) for parent in self.parents(name)]
        layers.append({key: [(document, value)] for key, value in mapping(node).items()})
        for layer in layers:
            for key, found in layer.items():
                deep = key in merged and all(isinstance(n, yaml.MappingNode) for _, n in found)
                merged[key] = [*merged[key], *found] if deep else found
        return merged

    def lines(
        self, found: tuple[Document, yaml.Node], depth: int = 0
    ) -> list[tuple[Document, yaml.Node]]:
        """The script lines a keyword means, each with its file, `!reference [.job, key]`
        followed (references in references too, ten deep, as GitLab does); nested lists are
        the script reader's to flatten. At most MAX_SCRIPT_LINES of them."""
        owner, node = found
        items: list[tuple[Document, yaml.Node]] = []
        for item in sequence(node) or [node]:
            if len(items) > MAX_SCRIPT_LINES:
                break
            if item.tag != "!reference":
                items.append((owner, item))
                continue
            path = [scalar(n) or "" for n in sequence(item)]
            target = self.resolved(path[0]) if path else {}
            if len(path) >= 2 and path[1] in target and depth < 10:
                items.extend(self.lines(target[path[1]][-1], depth + 1))
        return items


def parse(document: Document, path: str) -> Parsed:
    jobs = _Jobs(document, path)
    top = mapping(document.root)
    default = {key: (document, value) for key, value in mapping(top.get("default")).items()}
    # Before `default:` existed, these keywords were set at the top level.
    legacy = {
        key: (document, top[key])
        for key in ("image", "before_script", "after_script")
        if key in top
    }
    # A hidden job (`.template:`) runs only through the jobs that extend it; one that none
    # does is judged on its own.
    extended = {parent for name in top for parent in jobs.parents(name)}
    root_file = os.path.basename(path) == ".gitlab-ci.yml"
    scopes = []
    for name in top:
        hidden = name.startswith(".")
        if name in KEYWORDS or (hidden and (name in extended or not root_file)):
            continue
        layers = jobs.resolved(name)
        job = {**legacy, **default, **{key: found[-1] for key, found in layers.items()}}
        if "script" not in job:
            continue  # a trigger job, or not a job at all
        if _never_added(job):
            continue
        job_key = key_node(document.root, name)
        where = document.span(job_key) if job_key is not None else Span(0, 0)
        items: list[ScopeItem] = []
        image_node = job.get("image")
        image = None
        if image_node is not None:
            image = scalar(image_node[1]) or scalar(mapping(image_node[1]).get("name"))
        items.append(Image(None if image is None or "$" in image else image, where))
        tags = job.get("tags")
        windows = tags is not None and any(
            "windows" in (scalar(tag) or "").lower() for tag in sequence(tags[1])
        )
        if windows:
            items.append(Runner(None, tags[0].span(tags[1]), windows=True))
        items.extend(env_items(document, top.get("variables")))
        for layer in layers.get("variables", []):
            items.extend(env_items(*layer))
        main = [
            line
            for key in ("before_script", "script")
            if key in job
            for line in jobs.lines(job[key])
        ]
        for lines in (main, jobs.lines(job["after_script"]) if "after_script" in job else []):
            # The runner uses bash where the image has it, else sh (busybox ash on Alpine): both
            # know `source`. Windows runners use PowerShell.
            shell = "pwsh" if windows else "bash"
            script = script_from(document, lines, shell, rewrite=INPUTS, elsewhere=where)
            if script is not None:
                items.append(script)
        scopes.append(Scope(name, tuple(items), BOUNDARY, runs_in_image=True, host="ci"))
    return Parsed(scopes, dependencies=jobs.read)


def _never_added(job: dict[str, tuple[Document, yaml.Node]]) -> bool:
    """Whether the job's `rules:` never add it to a pipeline: each says `when: never`. An
    `if:` (and `only:`/`except:`) reads variables ($CI_COMMIT_BRANCH, $CI_PIPELINE_SOURCE)
    that the file does not decide, so it decides nothing: such a job may run.
    https://docs.gitlab.com/ci/yaml/#rules"""
    rules = sequence(job["rules"][1]) if "rules" in job else []
    return bool(rules) and all(scalar(mapping(rule).get("when")) == "never" for rule in rules)
