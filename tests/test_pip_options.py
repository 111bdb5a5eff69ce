"""pip's option table is data; it must hold every long option of the pip installed beside the
tests, with whether it takes a value, and abbreviations resolve as pip's parser does."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipwarden import pip_options
from pipwarden.check import Checker
from pipwarden.config import Settings
from pipwarden.discover import Kind
from pipwarden.rules.catalog import DEFAULT

LIST_OPTIONS = """
import json
from pip._internal.commands import create_command
table = {}
for name in ("install", "uninstall", "download", "wheel"):
    parser = create_command(name).parser
    table[name] = {s: o.takes_value() for o in parser._get_all_options() for s in o._long_opts}
print(json.dumps(table))
"""


def test_the_table_holds_the_installed_pips_options() -> None:
    found = subprocess.run(
        [sys.executable, "-c", LIST_OPTIONS], capture_output=True, text=True, check=True
    )
    installed = json.loads(found.stdout)
    for subcommand, options in installed.items():
        table = pip_options.BY_SUBCOMMAND[subcommand]
        assert {o: table.get(o) for o in options} == options, subcommand


def codes(text: str) -> list[str]:
    findings = Checker(Settings(DEFAULT | {"PW304"})).check_text(text, "x.sh", Kind.SHELL)
    return [f"{f.start.line}:{f.start.column} {f.code}" for f in findings]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("python3 -m pip install --break-system-pack x", ["2:24 PW304"]),
        ("python3 -m pip install --break x", ["2:24 PW304"]),
        # Ambiguous: --user, --use-feature, --use-pep517, ... pip refuses; nothing is claimed.
        (". .venv/bin/activate && python -m pip install --us x", []),
        (". .venv/bin/activate && python -m pip install --use x", []),
        (". .venv/bin/activate && python -m pip install --user x", ["2:47 PW303"]),
    ],
)
def test_abbreviations_resolve_as_pip_does(line: str, expected: list[str]) -> None:
    assert codes(f"#!/bin/sh\n{line}\n") == expected


def test_options_take_values_as_pips_table_says() -> None:
    """On Windows, pip refuses to upgrade itself through pip.exe (PW202): `--requirement pip`
    names a requirements file, not pip; `--no-cache` (for `--no-cache-dir`) takes no value,
    so `pip` is pip itself."""
    script = "pip install --upgrade --requirement pip\npip install --upgrade --no-cache pip\n"
    findings = Checker(Settings(DEFAULT)).check_text(script, "x.ps1", Kind.SHELL)
    assert [(f.start.line, f.code) for f in findings] == [(2, "PW202")]
