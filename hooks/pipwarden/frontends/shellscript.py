"""Shell script files: the whole file is one Script in one Scope. PowerShell (`*.ps1`,
`*.psm1`) and cmd (`*.bat`, `*.cmd`) files are Scripts for those shells, which run on
Windows (the shell layer reads them with its own small reader)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pipwarden.patterns import lazy
from pipwarden.shell import SHELLS

if TYPE_CHECKING:
    from pipwarden.frontends import Parsed

_SHEBANG = lazy(r"#!\s*(?P<path>\S+)(?:[ \t]+(?P<arg>\S+))?")
_EXTENSION_SHELL = {
    ".sh": "",
    ".bash": "bash",
    ".ksh": "ksh",
    ".zsh": "zsh",
    ".ps1": "pwsh",
    ".psm1": "pwsh",
    ".bat": "cmd",
    ".cmd": "cmd",
}


def shebang_shell(first_line: str) -> str | None:
    """`#!/bin/sh` → "sh", `#!/usr/bin/env bash` → "bash"; None if not a shell shebang."""
    match = _SHEBANG.match(first_line)
    if not match:
        return None
    program = match.group("path").rsplit("/", 1)[-1]
    if program in ("env", "with-contenv"):
        # s6-overlay's `with-contenv bash` runs the shell with the container's environment.
        arg = match.group("arg") or ""
        if arg == "-S":
            rest = first_line[match.end() :].split()
            arg = rest[0] if rest else ""
        program = arg.rsplit("/", 1)[-1]
    # Home Assistant's bashio is bash with its library sourced.
    program = "bash" if program == "bashio" else program
    return program if program in SHELLS else None


def parse(text: str, path: str) -> Parsed:
    from pipwarden.frontends import Parsed
    from pipwarden.shell.session import OffsetMap, Scope, Script

    first_line = text.split("\n", 1)[0]
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    shell = _EXTENSION_SHELL.get(suffix, "")
    if shell not in ("pwsh", "cmd"):
        shell = shebang_shell(first_line) or shell
    script = Script(text, OffsetMap.identity(0, len(text)), shell)
    folder, name = os.path.split(path)
    if name != "install.sh":
        return Parsed([Scope(path, (script,))])
    # A dev container Feature's install.sh sits next to its devcontainer-feature.json
    # (https://containers.dev/implementors/features/): the result depends on that file too.
    feature = os.path.abspath(os.path.join(folder, "devcontainer-feature.json"))
    scope = Scope(path, (script,), dev_container_feature=os.path.isfile(feature))
    return Parsed([scope], dependencies=[feature])
