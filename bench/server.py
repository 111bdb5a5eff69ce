"""How fast `pipwarden server` answers a change, measured through the server as an editor
sees it: a client (pygls) on the server's stdio opens a 500-line file, then changes one line
at a time and times each change to the diagnostics for it.

    python bench/server.py [--changes N] [--kind shell|dockerfile|workflow]

Target: after the first check, diagnostics within 100 ms of a change (the server's debounce,
10 ms, included).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

TARGET = 0.100
OPTIONS: dict[str, object] = {}
LINES = 500


# A file: its name, the editor's language for it, its text with a mark, and what the mark
# becomes for a finding and for none.
Bench = tuple[str, str, str, tuple[str, str, str]]


def shell_script() -> Bench:
    """A 500-line install script of functions that make venvs and install into them; its
    third line switches between a `source` (PW306 in /bin/sh) and a `.`."""
    lines = ["#!/bin/sh", "set -eu", "@ACTIVATE@ .venv/bin/activate"]
    step = 0
    while len(lines) < LINES - 8:
        lines += [
            f"install_part_{step}() {{",
            f'    echo "part {step}"',
            f"    python3 -m venv /opt/part{step}",
            f"    /opt/part{step}/bin/python -m pip install -r requirements/part{step}.txt",
            f"    pip install --upgrade tool{step}",
            "}",
            "",
        ]
        step += 1
    lines += [f"install_part_{i}" for i in range(LINES - len(lines))]
    text = "\n".join(lines[:LINES]) + "\n"
    return "install.sh", "shellscript", text, ("@ACTIVATE@", "source", ".")


def dockerfile() -> Bench:
    """A 500-line Dockerfile of multi-line RUNs that install system packages and then
    Python ones into a venv, a COPY every few steps; its third line switches between a
    `source` (PW306: /bin/sh is dash) and a `.`."""
    lines = [
        "FROM python:3.12-slim",
        "RUN python -m venv /opt/venv",
        "RUN @ACTIVATE@ /opt/venv/bin/activate && pip install --upgrade pip",
    ]
    step = 0
    while len(lines) < LINES:
        if step % 5 == 0:
            lines.append(f"COPY requirements/part{step}.txt /tmp/requirements/")
        lines += [
            f"# part {step}",
            "RUN apt-get update \\",
            f"    && apt-get install -y --no-install-recommends libpart{step}-dev \\",
            "    && rm -rf /var/lib/apt/lists/*",
            f"RUN /opt/venv/bin/python -m pip install --no-cache-dir part{step}==1.{step}",
            f"ENV PART{step}_HOME=/opt/part{step}",
            "",
        ]
        step += 1
    text = "\n".join(lines[:LINES]) + "\n"
    return "Dockerfile", "dockerfile", text, ("@ACTIVATE@", "source", ".")


def workflow() -> Bench:
    lines = ["name: ci", "on: push", "jobs:"]
    step = 0
    while len(lines) < LINES - 8:
        lines += [
            f"  job{step}:",
            "    runs-on: @RUNNER@" if step == 0 else "    runs-on: ubuntu-latest",
            "    steps:",
            "      - uses: actions/checkout@v4",
            "      - run: |",
            "          python -m venv .venv",
            "          pip3 install --upgrade pip" if step == 0 else "          echo ready",
            "          python -m pip install -r requirements.txt",
        ]
        step += 1
    text = "\n".join(lines[:LINES]) + "\n"
    return ".github/workflows/ci.yml", "yaml", text, ("@RUNNER@", "macos-latest", "ubuntu-latest")


KINDS = {"shell": shell_script, "dockerfile": dockerfile, "workflow": workflow}


async def measure(kind: str, changes: int) -> list[float]:
    name, language, template, (mark, bad, good) = KINDS[kind]()
    arrived: dict[str, asyncio.Event] = {}
    latest: list[types.PublishDiagnosticsParams] = []
    client = LanguageClient("bench", "1")

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: types.PublishDiagnosticsParams) -> None:
        latest.append(params)
        arrived.setdefault(str(params.version), asyncio.Event()).set()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.replace(mark, good))
        await client.start_io(sys.executable, "-m", "pipwarden", "server")
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=Path(folder).as_uri(),
                initialization_options=OPTIONS,
            )
        )
        client.initialized(types.InitializedParams())
        uri = path.as_uri()
        start = time.perf_counter()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri,
                    language_id=language,
                    version=1,
                    text=template.replace(mark, bad),
                )
            )
        )
        await asyncio.wait_for(arrived.setdefault("1", asyncio.Event()).wait(), 60)
        first = time.perf_counter() - start
        assert latest[-1].diagnostics, "the file must have a finding to toggle"
        times = []
        for version in range(2, changes + 2):
            # Each change adds or takes away the finding: the diagnostics must change.
            text = template.replace(mark, bad if version % 2 else good)
            start = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
                )
            )
            await asyncio.wait_for(arrived.setdefault(str(version), asyncio.Event()).wait(), 60)
            times.append(time.perf_counter() - start)
            assert bool(latest[-1].diagnostics) == bool(version % 2)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    print(f"{kind}: {LINES} lines; first check {first * 1000:.0f} ms")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--kind", choices=sorted(KINDS), action="append")
    args = parser.parse_args()
    failed = False
    for kind in args.kind or sorted(KINDS):
        times = sorted(asyncio.run(measure(kind, args.changes)))
        p90 = times[int(len(times) * 0.9) - 1]
        verdict = "ok" if p90 <= TARGET else "OVER"
        failed |= p90 > TARGET
        print(
            f"  change to diagnostics over {len(times)} changes: median "
            f"{statistics.median(times) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, "
            f"max {times[-1] * 1000:.0f} ms (target {TARGET * 1000:.0f} ms: {verdict})"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
