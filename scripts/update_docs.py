"""Regenerate the rules table in README.md from the rules' own metadata."""

from __future__ import annotations

from pathlib import Path

from pipwarden.rules.docs import with_rules_table
from pipwarden.rules.registry import ALL_RULES

README = Path(__file__).resolve().parent.parent / "README.md"

if __name__ == "__main__":
    README.write_text(
        with_rules_table(README.read_text(encoding="utf-8"), ALL_RULES), encoding="utf-8"
    )
