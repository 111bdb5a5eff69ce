"""Python code that runs pip: `subprocess` and `os` calls, and uses of pip's own modules.

A string run through a shell (`os.system("...")`, `shell=True`, `create_subprocess_shell`)
becomes a Script for the shell layer, mapped into the string literal (plain, raw, implicitly
concatenated, f-strings with their placeholders unknown, `"..." + name`). An argument list run
without a shell (`subprocess.run(["pip", ...])`) becomes a Script of origin "python-argv"
whose words are the list's literals.

libcst is imported only for files whose text mentions a way to run a process or pip's
modules (the reading itself is in `pythoncst`), and only positions and qualified names are
computed.
"""

from __future__ import annotations

import re

from pipwarden.frontends import Parsed

_WORTH_PARSING = re.compile(
    r"subprocess|os\.|system|popen|spawn|exec|pip\.|from pip\b|import pip\b"
)


def parse(text: str, path: str) -> Parsed:
    if not _WORTH_PARSING.search(text):
        return Parsed()
    from pipwarden.frontends import pythoncst

    return pythoncst.parse(text, path)
