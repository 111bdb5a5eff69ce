"""Speed and memory of pipwarden, each number beside a reference measured in the same run on
the same machine.

    python bench/bench.py repos DIR        # whole repositories, one per folder of DIR
    python bench/bench.py stress           # the synthetic stress trees of ../shared/bench
    python bench/bench.py commit           # a pre-commit run, a long module, following calls

The headline is `repos`: what users run pipwarden on. DIR holds one extracted repository per
folder (README.md says how to build it from bench/repositories.tsv); for each, the files in
it, pipwarden's time with no cache and its cached rerun, `grep -rl pip` over the same tree,
the ratios and pipwarden's peak memory, then the totals. `stress` times the 10,000-file mixed
and Python-heavy trees that `../shared/bench/gen_tree.py` writes; `commit` the five files of
a commit against `python -c "import yaml"`, a 6,000-line module that says pip only in its
docstring, and a tree where a fifth of the Dockerfiles and workflows run a repository script.

Targets (2 cores, default rules):
- repositories: in total within 8x `grep -rl pip`, none over 20x; cached reruns within 2x;
  peak memory under 100 MiB;
- stress trees: within 15x `grep -rl pip`;
- the five-file commit: within 1.3x `python -c "import yaml"`;
- following calls: within 1.1x a run that does not (`--no-follow-calls`).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# The console script, as pre-commit runs it.
PIPWARDEN = [str(Path(sys.executable).with_name("pipwarden"))]
# Installed packages have their bytecode compiled; an editable checkout gets it written on the
# first run, unless the environment forbids it.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PROJECT = Path(__file__).resolve().parent.parent
GEN_TREE = PROJECT.parent / "shared" / "bench" / "gen_tree.py"
MIB = 1024 * 1024


class Timing:
    """The best wall time of a few runs of a command, and the peak memory of its process tree."""

    def __init__(self, seconds: float, peak_kib: int) -> None:
        self.seconds = seconds
        self.peak_kib = peak_kib


def timed(command: list[str], repeat: int, cwd: Path | None = None) -> Timing:
    best = float("inf")
    peak = 0
    for _ in range(repeat):
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=ENVIRONMENT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # wait4's usage covers the process and the workers it waited for.
        _, _, usage = os.wait4(process.pid, 0)
        best = min(best, time.perf_counter() - start)
        peak = max(peak, usage.ru_maxrss)
        process.returncode = 0  # reaped above
    return Timing(best, peak)


def check(*args: str) -> list[str]:
    return [*PIPWARDEN, "check", "--exit-zero", "-q", "--output-format", "concise", *args]


def files_in(root: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(root))


def ratio(value: float, reference: float) -> float:
    return value / reference if reference > 0 else float("inf")


def verdict(value: float, target: float) -> str:
    return f"{value:5.1f}x (target <= {target}x) {'ok' if value <= target else 'OVER'}"


# --------------------------------------------------------------------------------------------
# Whole repositories


def repositories(folder: Path) -> Iterator[Path]:
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and not entry.name.startswith("."):
            yield entry


def bench_repositories(folder: Path, repeat: int) -> int:
    rows = []
    cache_root = Path(tempfile.mkdtemp(prefix="pipwarden-bench-cache-"))
    try:
        for tree in repositories(folder):
            timed(check("--no-cache", str(tree)), 1)  # warm up: bytecode, disk cache
            grep = timed(["grep", "-rl", "pip", str(tree)], repeat)
            first = timed(check("--no-cache", str(tree)), repeat)
            cache = cache_root / tree.name
            timed(check("--cache-dir", str(cache), str(tree)), 1)  # fill the cache
            cached = timed(check("--cache-dir", str(cache), str(tree)), repeat)
            rows.append((tree.name, files_in(tree), first, cached, grep))
    finally:
        shutil.rmtree(cache_root, ignore_errors=True)
    if not rows:
        print(f"no repositories in {folder}", file=sys.stderr)
        return 2
    print(
        f"pipwarden on {len(rows)} repositories, {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}, best of {repeat}"
    )
    header = f"{'repository':<40} {'files':>6} {'pipwarden':>10} {'cached':>8} {'grep':>7} "
    print(header + f"{'ratio':>6} {'cached':>7} {'peak':>8}")
    for name, files, first, cached, grep in rows:
        print(
            f"{name:<40} {files:>6} {first.seconds:>9.3f}s {cached.seconds:>7.3f}s "
            f"{grep.seconds:>6.3f}s {ratio(first.seconds, grep.seconds):>5.1f}x "
            f"{ratio(cached.seconds, grep.seconds):>6.1f}x {first.peak_kib / 1024:>6.0f}MiB"
        )
    total = sum(r[2].seconds for r in rows)
    total_cached = sum(r[3].seconds for r in rows)
    total_grep = sum(r[4].seconds for r in rows)
    worst = max(rows, key=lambda r: ratio(r[2].seconds, r[4].seconds))
    peak = max(rows, key=lambda r: r[2].peak_kib)
    print(
        f"{'total':<40} {sum(r[1] for r in rows):>6} {total:>9.3f}s {total_cached:>7.3f}s "
        f"{total_grep:>6.3f}s"
    )
    print(f"whole runs, in total:  {verdict(ratio(total, total_grep), 8)}")
    print(
        f"worst repository:      {verdict(ratio(worst[2].seconds, worst[4].seconds), 20)} "
        f"({worst[0]})"
    )
    print(f"cached reruns:         {verdict(ratio(total_cached, total_grep), 2)}")
    print(
        f"peak memory:           {peak[2].peak_kib / 1024:.0f} MiB ({peak[0]}; target < 100 MiB) "
        f"{'ok' if peak[2].peak_kib < 100 * 1024 else 'OVER'}"
    )
    return 0


# --------------------------------------------------------------------------------------------
# Stress trees


def bench_stress(gen_tree: Path, files: int, repeat: int) -> int:
    if not gen_tree.is_file():
        print(f"{gen_tree} not found: give its path with --gen-tree", file=sys.stderr)
        return 2
    root = Path(tempfile.mkdtemp(prefix="pipwarden-bench-"))
    try:
        print(f"stress trees of {files} files, {os.cpu_count()} cores, best of {repeat}")
        for label, extra in (("mixed", []), ("python-heavy", ["python-heavy"])):
            tree = root / label
            subprocess.run(
                [sys.executable, str(gen_tree), str(tree), str(files), *extra], check=True
            )
            timed(check("--no-cache", str(tree)), 1)
            grep = timed(["grep", "-rl", "pip", str(tree)], repeat)
            first = timed(check("--no-cache", str(tree)), repeat)
            print(
                f"{label:<14} {first.seconds:.3f} s, grep -rl pip {grep.seconds:.3f} s: "
                f"{verdict(ratio(first.seconds, grep.seconds), 15)}, "
                f"peak {first.peak_kib / 1024:.0f} MiB"
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


# --------------------------------------------------------------------------------------------
# A commit, a long module, following calls

DOCKERFILE = """FROM ubuntu:24.04
RUN apt-get update \\
 && apt-get install -y python3-pip \\
 && rm -rf /var/lib/apt/lists/*
RUN pip3 install --no-cache-dir -r requirements.txt
RUN useradd -m app
USER app
RUN python3 -m pip install gunicorn
"""
SCRIPT = """#!/bin/sh
set -e
python3 -m venv .venv
. .venv/bin/activate
pip install -r requirements.txt
sudo pip install awscli
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
PY_PIP = '''"""Bootstrap the tools this project needs."""

import subprocess
import sys


def bootstrap() -> None:
    subprocess.check_call(["pip", "install", "-r", "requirements-dev.txt"])
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-e", "."])
'''
QUIET_SHELL = """#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
for f in src/*.c; do
  gcc -O2 -c "$f" -o "build/$(basename "${f%.c}").o"
done
"""
QUIET_DOCKERFILE = """FROM node:20-bookworm
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
COPY . .
USER node
CMD ["node", "server.js"]
"""
PYTHON = '"""A module."""\n\nimport os\n\n\ndef main() -> None:\n    print(os.getcwd())\n'
OTHER = "# Notes\n\nNothing to see here.\n" * 5
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
CALLING_WORKFLOW = WORKFLOW.replace(
    "      - run: make test\n",
    "      - run: |\n"
    "          python3 -m venv .venv\n"
    '          echo "$PWD/.venv/bin" >> "$GITHUB_PATH"\n'
    "      - run: bash scripts/ci{0}.sh\n",
)
# (paths, texts, weight): a caller and the file it runs are written together.
CALLS = [
    (("scripts/tool{}.sh",), (QUIET_SHELL,), 25),
    (("docker/svc{}/Dockerfile",), (QUIET_DOCKERFILE,), 6),
    (("docker/py{}/Dockerfile",), (DOCKERFILE,), 2),
    (
        ("docker/app{0}/Dockerfile", "docker/app{0}/install.sh"),
        (CALLING_DOCKERFILE, CALLED_SCRIPT),
        2,
    ),
    ((".github/workflows/wf{}.yml",), (WORKFLOW,), 8),
    (
        (".github/workflows/calls{0}.yml", "scripts/ci{0}.sh"),
        (CALLING_WORKFLOW, CALLED_SCRIPT),
        2,
    ),
    (("src/pkg/mod{}.py",), (PYTHON,), 30),
    (("docs/page{}.md",), (OTHER,), 20),
]


def big_test_module(lines: int) -> str:
    """A long test module that runs processes but never pip."""
    head = '"""Tests. Run `pip install -e .[test]` first."""\n\nimport os\nimport subprocess\n\n'
    body = [
        f"def test_{i}():\n    assert subprocess.run(['true']).returncode == {i % 1}\n\n"
        for i in range(lines // 4)
    ]
    return head + "".join(body)


def write_calls_tree(root: Path, count: int) -> None:
    rng = random.Random(668)
    weights = [kind[2] for kind in CALLS]
    for index in range(count):
        paths, texts, _ = rng.choices(CALLS, weights)[0]
        for pattern, text in zip(paths, texts, strict=True):
            path = root / pattern.format(index)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.replace("{0}", str(index)))


def bench_commit(files: int, repeat: int) -> int:
    root = Path(tempfile.mkdtemp(prefix="pipwarden-bench-"))
    try:
        commit = []
        for name, text in (
            ("Dockerfile", DOCKERFILE),
            ("scripts/install.sh", SCRIPT),
            ("Makefile", MAKEFILE),
            (".github/workflows/ci.yml", WORKFLOW),
            ("tools/bootstrap.py", PY_PIP),
        ):
            path = root / "commit" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            commit.append(str(path))
        timed(check("--no-cache", *commit), 1)
        import_yaml = timed([sys.executable, "-c", "import yaml"], repeat * 2)
        small = timed(check("--no-cache", *commit), repeat * 2)
        print(
            f"five files of a commit  {small.seconds * 1000:.0f} ms, import yaml "
            f"{import_yaml.seconds * 1000:.0f} ms: "
            f"{ratio(small.seconds, import_yaml.seconds):.2f}x (target <= 1.3x) "
            f"{'ok' if small.seconds <= 1.3 * import_yaml.seconds else 'OVER'}"
        )
        big = root / "big_module.py"
        big.write_text(big_test_module(6000))
        empty = root / "empty.py"
        empty.write_text("")
        start_up = timed(check("--no-cache", str(empty)), repeat * 2)
        long_module = timed(check("--no-cache", str(big)), repeat * 2)
        print(
            f"6,000-line module       +{(long_module.seconds - start_up.seconds) * 1000:.0f} ms "
            f"beyond start-up ({start_up.seconds * 1000:.0f} ms)"
        )
        calls = root / "calls"
        write_calls_tree(calls, files)
        timed(check("--no-cache", str(calls)), 1)
        alone = timed(check("--no-cache", "--no-follow-calls", str(calls)), repeat)
        following = timed(check("--no-cache", str(calls)), repeat)
        print(
            f"following calls         {following.seconds:.3f} s, not following "
            f"{alone.seconds:.3f} s: {ratio(following.seconds, alone.seconds):.2f}x "
            f"(target <= 1.1x) {'ok' if following.seconds <= 1.1 * alone.seconds else 'OVER'}"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="what", required=True)
    repos = sub.add_parser("repos", help="whole repositories, one per folder of DIR")
    repos.add_argument("folder", metavar="DIR", type=Path)
    repos.add_argument("--repeat", type=int, default=3)
    stress = sub.add_parser("stress", help="the synthetic stress trees")
    stress.add_argument("--gen-tree", type=Path, default=GEN_TREE)
    stress.add_argument("--files", type=int, default=10_000)
    stress.add_argument("--repeat", type=int, default=3)
    commit = sub.add_parser("commit", help="a commit, a long module, following calls")
    commit.add_argument("--files", type=int, default=10_000)
    commit.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.what == "repos":
        return bench_repositories(args.folder, args.repeat)
    if args.what == "stress":
        return bench_stress(args.gen_tree, args.files, args.repeat)
    return bench_commit(args.files, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
