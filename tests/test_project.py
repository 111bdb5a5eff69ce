"""The project keeps its own promises: it passes its own check, its docs are current, the
README's commands are the ones CI runs."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipwarden.rules.registry import ALL_RULES

from .conftest import modules_loaded

ROOT = Path(__file__).resolve().parent.parent


def test_pipwarden_reports_nothing_on_its_own_repository() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipwarden", "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "All checks passed!\n", "")


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "python3 -m venv .venv && .venv/bin/python -m pip install -e '.[test]' && .venv/bin/python -m pytest"
    assert command in readme
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        "python3 -m venv .venv && .venv/bin/python -m pip install . && .venv/bin/pipwarden check ."
        in readme
    )


def test_python_m_pipwarden_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipwarden", "--version"], capture_output=True, text=True
    )
    assert result.stdout.startswith("pipwarden 0.")


def test_catalog_names_every_rule_as_the_rules_do() -> None:
    from pipwarden.rules.catalog import CATALOG

    assert {rule.code: rule.name for rule in ALL_RULES} == CATALOG


def test_a_file_without_pip_does_not_load_the_analysis(tmp_path: Path) -> None:
    # (`make` would be followed into a Makefile, as `./x.sh` into the script: not here.)
    (tmp_path / "build.sh").write_text("#!/bin/sh\ncmake --build build -j4\n")
    (tmp_path / "Dockerfile").write_text("FROM node:20\nRUN npm ci\n")
    heavy = ("pipwarden.analysis", "pipwarden.rules.registry", "tree_sitter", "pygls", "lsprotocol")
    assert modules_loaded(tmp_path, ["check", "build.sh", "Dockerfile"], heavy) == (0, [])


def importing_every_module(spy: str) -> str:
    """What a fresh interpreter prints while it imports every module of pipwarden, after
    `spy` (code that may print) has run."""
    code = (
        f"{spy}\n"
        "import importlib, pkgutil\n"
        "import pipwarden\n"
        "for module in pkgutil.walk_packages(pipwarden.__path__, 'pipwarden.'):\n"
        "    if module.name != 'pipwarden.__main__':  # which runs a check\n"
        "        importlib.import_module(module.name)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=10
    )
    return result.stdout


def test_importing_pipwarden_compiles_no_regular_expression() -> None:
    """Expressions are compiled at first use (`patterns.lazy`): a run pays for those of the
    kinds of file it reads, not for every module it imports."""
    spy = (
        "import re, sys\n"
        "compile = re.compile\n"
        "def spy(pattern, flags=0):\n"
        "    caller = sys._getframe(1).f_globals['__name__']\n"
        "    if caller.startswith('pipwarden') and caller != 'pipwarden.patterns':\n"
        "        print(caller, pattern)\n"
        "    return compile(pattern, flags)\n"
        "re.compile = spy"
    )
    assert importing_every_module(spy) == ""


def test_importing_pipwarden_makes_no_typing_named_tuple() -> None:
    """Records are `pipwarden.record.Record`s: a `typing.NamedTuple` compiles each field's
    annotation when its module is imported (a tenth of a five-file commit's run, for the
    eighty records a check imports)."""
    spy = (
        "import typing\n"
        "new = typing.NamedTupleMeta.__new__\n"
        "def spy(cls, name, bases, namespace):\n"
        "    if namespace['__module__'].startswith('pipwarden'):\n"
        "        print(namespace['__module__'], name)\n"
        "    return new(cls, name, bases, namespace)\n"
        "typing.NamedTupleMeta.__new__ = spy"
    )
    assert importing_every_module(spy) == ""


def test_no_fixture_file_is_ignored_by_git() -> None:
    """A fixture .gitignore hides passes here and fails on CI's clean clone."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    fixtures = [str(path.relative_to(ROOT)) for path in (ROOT / "tests" / "cases").rglob("*")]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=ROOT,
        input="\n".join(fixtures),
        capture_output=True,
        text=True,
    )
    assert ignored.stdout == ""


def test_ruff_check_and_format_are_clean() -> None:
    paths = ["hooks", "tests", "scripts", "bench"]
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *paths], cwd=ROOT, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout


def _imports(path: Path, module: str, modules: set[str]) -> set[str]:
    """The project modules `path` imports, at the top or inside functions alike."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            for alias in node.names:
                name = f"{base}.{alias.name}"
                found.add(name if name in modules else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found & modules


def test_no_module_imports_itself_through_others() -> None:
    root = Path(__file__).resolve().parent.parent / "hooks"
    files = {
        ".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__"): p
        for p in root.rglob("*.py")
    }
    graph = {name: _imports(path, name, set(files)) - {name} for name, path in files.items()}
    cycles = []
    for start in graph:
        # Depth-first from each module: a path back to it is a cycle.
        stack, seen = [(start, (start,))], set()
        while stack:
            name, trail = stack.pop()
            for target in graph[name]:
                if target == start:
                    cycles.append(" -> ".join((*trail, start)))
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, (*trail, target)))
    assert cycles == []
