"""Speed and memory of pipwarden on a synthetic repository, each number beside a reference
measured in the same run on the same machine.

    .venv/bin/python bench/bench.py [--files 10000] [--repeat 5]

Targets (2-core machine): a pre-commit-sized run (5 files) within 2x of
`python -c "import yaml"`; the whole tree within 15x of `grep -rl pip` over it.
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


def generate(root: Path, count: int, seed: int = 668) -> int:
    rng = random.Random(seed)
    total = 0
    kinds = [
        ("scripts/tool{}.sh", QUIET_SHELL, 25),
        ("scripts/install{}.sh", PIP_SHELL, 3),
        ("docker/svc{}/Dockerfile", QUIET_DOCKERFILE, 8),
        ("docker/py{}/Dockerfile", PIP_DOCKERFILE, 2),
        ("mk/part{}.mk", MAKEFILE, 7),
        (".github/workflows/wf{}.yml", WORKFLOW, 5),
        ("src/pkg/mod{}.py", PYTHON, 30),
        ("docs/page{}.md", OTHER, 20),
    ]
    weights = [k[2] for k in kinds]
    for index in range(count):
        pattern, text, _ = rng.choices(kinds, weights)[0]
        path = root / pattern.format(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
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


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="pipwarden-bench-"))
    try:
        size = generate(root, args.files)
        mb = size / 1e6
        best_of(
            [*PIPWARDEN, "check", "--exit-zero", "-q", str(root)], 1
        )  # warm up: bytecode, disk cache
        grep = best_of(["grep", "-rl", "pip", str(root)], args.repeat)
        tree = best_of(
            [*PIPWARDEN, "check", "--exit-zero", "-q", "--output-format", "concise", str(root)],
            args.repeat,
        )
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss

        five = sorted(str(p) for p in root.rglob("*") if p.is_file())[:: max(1, args.files // 5)][
            :5
        ]
        import_yaml = best_of([sys.executable, "-c", "import yaml"], args.repeat * 2)
        small = best_of([*PIPWARDEN, "check", "--exit-zero", "-q", *five], args.repeat * 2)
        small_pip = best_of(
            [
                *PIPWARDEN,
                "check",
                "--exit-zero",
                "-q",
                *(str(p) for p in sorted(root.glob("docker/py*/Dockerfile"))[:5]),
            ],
            args.repeat * 2,
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)

    rows = [
        (
            "tree",
            f"{args.files} files, {mb:.1f} MB",
            f"{tree:.3f} s",
            f"grep -rl pip {grep:.3f} s",
            tree / grep,
            15,
        ),
        (
            "  throughput",
            f"{args.files / tree:,.0f} files/s, {mb / tree:.1f} MB/s",
            "",
            "",
            None,
            None,
        ),
        (
            "5 files",
            "mixed kinds",
            f"{small * 1000:.0f} ms",
            f"import yaml {import_yaml * 1000:.0f} ms",
            small / import_yaml,
            2,
        ),
        (
            "5 files",
            "Dockerfiles with pip",
            f"{small_pip * 1000:.0f} ms",
            f"import yaml {import_yaml * 1000:.0f} ms",
            small_pip / import_yaml,
            2,
        ),
        ("peak RSS", "largest child process", f"{peak_kib / 1024:.0f} MiB", "", None, None),
    ]
    print(f"pipwarden benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for name, what, value, reference, ratio, target in rows:
        verdict = (
            ""
            if ratio is None
            else f"{ratio:5.1f}x (target <= {target}x) {'ok' if ratio <= target else 'OVER'}"
        )
        print(f"{name:<12} {what:<34} {value:>10}   {reference:<26} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
