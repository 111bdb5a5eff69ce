"""`pipwarden server`: pipwarden as a language server. It needs the `server` extra (pygls);
nothing here is imported by a check."""

from __future__ import annotations

import sys


def main() -> int:
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        sys.stderr.write(
            "pipwarden: error: the language server needs its extra: pip install 'pipwarden[server]'\n"
        )
        return 2
    from pipwarden.server.lsp import serve

    return serve()
