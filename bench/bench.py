"""Speed and memory of pipwarden on synthetic repositories, each number beside a reference
measured in the same run on the same machine.

    .venv/bin/python bench/bench.py [--files 10000] [--repeat 5]

Targets (2-core machine):
- the mixed 10,000-file tree within 10x `grep -rl pip` over it (first run, no cache);
- a Python-heavy 10,000-file tree within 15x `grep -rl pip` (first run, no cache);
- a second run over an unchanged tree, with the cache, within 4x `grep -rl pip`;
- five changed files of a commit (a Dockerfile and a script that use pip, a Makefile, a
  workflow, a Python module running pip) within 1.5x `python -c "import yaml"`;
- a 6,000-line Python module that mentions pip only in its docstring: under 20 ms beyond
  start-up (a run on an empty file);
- a 10,000-file tree where a fifth of the Dockerfiles and workflows run a repository script:
  following those calls within 1.1x a run that does not (`--no-follow-calls`).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The console script, as pre-commit runs it.
PIPWARDEN = [str(Path(sys.executable).with_name("pipwarden"))]
# Installed packages have their bytecode compiled; an editable checkout gets it written on the
# first run, unless the environment forbids it.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

# Files as real repositories have them: most never mention pip.
QUIET_SHELL = """#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
for f in src/*.c; do
  gcc -O2 -c "$f" -o "build/$(basename "${f%.c}").o"
done
if [[ -n "${CI:-}" ]]; then echo "running in CI"; fi
"""
PIP_SHELL = """#!/bin/sh
set -e
python3 -m venv .venv
. .venv/bin/activate
pip install -r requirements.txt
sudo pip install awscli
"""
QUIET_DOCKERFILE = """FROM node:20-bookworm
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
COPY . .
USER node
CMD ["node", "server.js"]
"""
PIP_DOCKERFILE = """FROM ubuntu:24.04
RUN apt-get update \\
 && apt-get install -y python3-pip \\
 && rm -rf /var/lib/apt/lists/*
RUN pip3 install --no-cache-dir -r requirements.txt
RUN useradd -m app
USER app
RUN python3 -m pip install gunicorn
"""
MAKEFILE = """.PHONY: all test
all: build
build:
\t$(CC) -o app main.c
test:
\t./run-tests
"""
WORKFLOW = """name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""
PYTHON = '''"""A module."""

import os


def main() -> None:
    print(os.getcwd())
'''
OTHER = "# Notes\n\nNothing to see here.\n" * 5
# The kinds read by name beside CI: mostly quiet, as real ones are.
TOX_INI = "[tox]\nenvlist = py312\n\n[testenv]\ndeps = pytest\ncommands = pytest {posargs}\n"
JUSTFILE = "test:\n    cargo test\n\nfmt:\n    cargo fmt\n"
TASKFILE = "version: '3'\ntasks:\n  build:\n    cmds:\n      - go build ./...\n"
COMPOSE = "services:\n  web:\n    image: nginx:1.27\n    ports: ['8080:80']\n"
JENKINSFILE = "pipeline {\n  agent any\n  stages {\n    stage('Build') {\n      steps { sh 'make' }\n    }\n  }\n}\n"
DEVCONTAINER = '{\n  // node\n  "image": "mcr.microsoft.com/devcontainers/javascript-node:20",\n  "postCreateCommand": "npm ci",\n}\n'
PIP_TASKFILE = "version: '3'\ntasks:\n  setup:\n    cmds:\n      - python3 -m venv .venv\n      - . .venv/bin/activate\n      - pip install -r requirements.txt\n"
# Python as real projects have it: docstrings that tell the reader to `pip install`, modules
# that run processes and say `source`, `exec`, `os.path`.
PY_DOCSTRING = '''"""Helpers for the build.

Install the extras first::

    pip install -e ".[dev]"

then source the environment and execute the tests.
"""

import os
import subprocess


def run(command: list[str]) -> str:
    """Execute `command` and return its output; the filesystem is left alone."""
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def source_files(root: str) -> list[str]:
    return [os.path.join(root, name) for name in sorted(os.listdir(root))]
'''
PY_PIP = '''"""Bootstrap the tools this project needs."""

import subprocess
import sys


def bootstrap() -> None:
    subprocess.check_call(["pip", "install", "-r", "requirements-dev.txt"])
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-e", "."])
'''


def big_test_module(lines: int) -> str:
    """A long test module that runs processes but never pip."""
    head = '"""Tests. Run `pip install -e .[test]` first."""\n\nimport os\nimport subprocess\n\n'
    body = []
    for i in range(lines // 4):
        body.append(
            f"def test_{i}():\n    assert subprocess.run(['true']).returncode == {i % 1}\n\n"
        )
    return head + "".join(body)


MIXED = [
    ("scripts/tool{}.sh", QUIET_SHELL, 25),
    ("scripts/install{}.sh", PIP_SHELL, 3),
    ("docker/svc{}/Dockerfile", QUIET_DOCKERFILE, 8),
    ("docker/py{}/Dockerfile", PIP_DOCKERFILE, 2),
    ("mk/part{}.mk", MAKEFILE, 7),
    (".github/workflows/wf{}.yml", WORKFLOW, 5),
    ("src/pkg/mod{}.py", PYTHON, 30),
    ("docs/page{}.md", OTHER, 20),
    ("svc{}/tox.ini", TOX_INI, 1),
    ("svc{}/justfile", JUSTFILE, 1),
    ("svc{}/Taskfile.yml", TASKFILE, 1),
    ("tools{}/Taskfile.yml", PIP_TASKFILE, 0.2),
    ("svc{}/compose.yaml", COMPOSE, 1),
    ("svc{}/Jenkinsfile", JENKINSFILE, 0.5),
    ("svc{}/.devcontainer/devcontainer.json", DEVCONTAINER, 0.5),
]
PYTHON_HEAVY = [
    ("src/pkg/mod{}.py", PY_DOCSTRING, 64),
    ("src/pkg/boot{}.py", PY_PIP, 3),
    ("scripts/tool{}.sh", QUIET_SHELL, 12),
    ("docker/svc{}/Dockerfile", QUIET_DOCKERFILE, 5),
    (".github/workflows/wf{}.yml", WORKFLOW, 4),
    ("docs/page{}.md", OTHER, 12),
]


# A Dockerfile and a workflow that run a script of the repository, each with its script.
CALLING_DOCKERFILE = """FROM python:3.12-slim
RUN useradd -m app
COPY install.sh /tmp/install.sh
USER app
RUN bash /tmp/install.sh
"""
CALLED_SCRIPT = """#!/bin/sh
set -eu
pip install -r requirements.txt
"""
CALLED = "\0"
CALLING_WORKFLOW = WORKFLOW.replace(
    "      - run: make test\n",
    "      - run: |\n"
    "          python3 -m venv .venv\n"
    '          echo "$PWD/.venv/bin" >> "$GITHUB_PATH"\n'
    "      - run: bash scripts/ci{0}.sh\n",
)
# (pattern, text, weight); a "|" in the pattern names a second file, whose text follows
# the first's after CALLED.
CALLS = [
    ("scripts/tool{}.sh", QUIET_SHELL, 25),
    ("docker/svc{}/Dockerfile", QUIET_DOCKERFILE, 6),
    ("docker/py{}/Dockerfile", PIP_DOCKERFILE, 2),
    (
        "docker/app{0}/Dockerfile|docker/app{0}/install.sh",
        CALLING_DOCKERFILE + CALLED + CALLED_SCRIPT,
        2,
    ),
    (".github/workflows/wf{}.yml", WORKFLOW, 8),
    (
        ".github/workflows/calls{0}.yml|scripts/ci{0}.sh",
        CALLING_WORKFLOW + CALLED + CALLED_SCRIPT,
        2,
    ),
    ("src/pkg/mod{}.py", PYTHON, 30),
    ("docs/page{}.md", OTHER, 20),
]


def generate(root: Path, count: int, kinds: list[tuple[str, str, float]], seed: int = 668) -> int:
    rng = random.Random(seed)
    total = 0
    weights = [k[2] for k in kinds]
    for index in range(count):
        patterns, texts, _ = rng.choices(kinds, weights)[0]
        for pattern, text in zip(patterns.split("|"), texts.split(CALLED), strict=True):
            path = root / pattern.format(index)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.replace("{0}", str(index)))
            total += len(text)
    return total


def best_of(command: list[str], repeat: int, cwd: Path | None = None) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            command,
            cwd=cwd,
            env=ENVIRONMENT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        times.append(time.perf_counter() - start)
    return min(times)


def check(*args: str) -> list[str]:
    return [*PIPWARDEN, "check", "--exit-zero", "-q", "--output-format", "concise", *args]


def tree_numbers(
    root: Path, files: int, kinds: list[tuple[str, str, float]], repeat: int
) -> dict[str, float]:
    size = generate(root, files, kinds)
    if kinds is PYTHON_HEAVY:
        for index in range(4):  # a few long test modules
            text = big_test_module(4000)
            (root / f"tests/test_long{index}.py").parent.mkdir(parents=True, exist_ok=True)
            (root / f"tests/test_long{index}.py").write_text(text)
            size += len(text)
    best_of(check("--no-cache", str(root)), 1)  # warm up: bytecode, disk cache
    grep = best_of(["grep", "-rl", "pip", str(root)], repeat)
    first = best_of(check("--no-cache", str(root)), repeat)
    # Files written in the last seconds are checked by hash (their timestamps may not tell
    # a rewrite yet); a repeat run meets files written longer ago.
    time.sleep(2.5)
    best_of(check("--cache-dir", str(root / ".cache"), str(root)), 1)  # fill the cache
    cached = best_of(check("--cache-dir", str(root / ".cache"), str(root)), repeat)
    return {"grep": grep, "first": first, "cached": cached, "mb": size / 1e6}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    rows: list[tuple[str, str, str, str, float | None, float | None]] = []
    root = Path(tempfile.mkdtemp(prefix="pipwarden-bench-"))
    try:
        for label, kinds, target in (("mixed", MIXED, 10), ("python", PYTHON_HEAVY, 15)):
            tree = root / label
            numbers = tree_numbers(tree, args.files, kinds, args.repeat)
            grep, first, cached = numbers["grep"], numbers["first"], numbers["cached"]
            rows += [
                (
                    f"{label} tree",
                    f"{args.files} files, {numbers['mb']:.1f} MB",
                    f"{first:.3f} s",
                    f"grep -rl pip {grep:.3f} s",
                    first / grep,
                    target,
                ),
                ("  throughput", f"{args.files / first:,.0f} files/s", "", "", None, None),
                ("  cached", "the same tree again", f"{cached:.3f} s", "", cached / grep, 4),
            ]
        calls = root / "calls"
        generate(calls, args.files, CALLS)
        best_of(check("--no-cache", str(calls)), 1)
        alone = best_of(check("--no-cache", "--no-follow-calls", str(calls)), args.repeat)
        following = best_of(check("--no-cache", str(calls)), args.repeat)
        rows.append(
            (
                "calls tree",
                "1 in 5 Dockerfiles, workflows call",
                f"{following:.3f} s",
                f"not following {alone:.3f} s",
                following / alone,
                1.1,
            )
        )
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss

        mixed = root / "mixed"
        commit = [
            sorted(mixed.glob("docker/py*/Dockerfile"))[0],
            sorted(mixed.glob("scripts/install*.sh"))[0],
            sorted(mixed.glob("mk/*.mk"))[0],
            sorted(mixed.glob(".github/workflows/*.yml"))[0],
            sorted((root / "python").glob("src/pkg/boot*.py"))[0],
        ]
        import_yaml = best_of([sys.executable, "-c", "import yaml"], args.repeat * 2)
        small = best_of(check("--no-cache", *map(str, commit)), args.repeat * 2)
        rows.append(
            (
                "5 files",
                "a commit: Docker, sh, make, wf, py",
                f"{small * 1000:.0f} ms",
                f"import yaml {import_yaml * 1000:.0f} ms",
                small / import_yaml,
                1.5,
            )
        )
        big = root / "big_module.py"
        big.write_text(big_test_module(6000))
        empty = root / "empty.py"
        empty.write_text("")
        start_up = best_of(check("--no-cache", str(empty)), args.repeat * 2)
        long_module = best_of(check("--no-cache", str(big)), args.repeat * 2)
        rows.append(
            (
                "6,000 lines",
                "pip only in the docstring",
                f"+{(long_module - start_up) * 1000:.0f} ms",
                f"start-up {start_up * 1000:.0f} ms",
                None,
                None,
            )
        )
        rows.append(
            ("peak RSS", "largest child process", f"{peak_kib / 1024:.0f} MiB", "", None, None)
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(f"pipwarden benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for name, what, value, reference, ratio, target in rows:
        verdict = (
            ""
            if ratio is None or target is None
            else f"{ratio:5.{2 if target < 2 else 1}f}x (target <= {target}x) "
            f"{'ok' if ratio <= target else 'OVER'}"
        )
        print(f"{name:<12} {what:<36} {value:>10}   {reference:<26} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
