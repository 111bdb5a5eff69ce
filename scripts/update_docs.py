"""Regenerate docs/rules/*.md and the rules table in README.md from the rules themselves
(their metadata and docstrings are the one source), and README.md's table of environment
facts from pipwarden/environments.py. tests/test_docs.py fails when these are
stale."""

from __future__ import annotations

from pathlib import Path

from pipwarden.rules.docs import generated_pages, with_environments_table, with_rules_table
from pipwarden.rules.registry import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    readme = ROOT / "README.md"
    text = with_rules_table(readme.read_text(encoding="utf-8"), ALL_RULES)
    readme.write_text(with_environments_table(text), encoding="utf-8")
    pages = ROOT / "docs" / "rules"
    pages.mkdir(parents=True, exist_ok=True)
    wanted = generated_pages(ALL_RULES)
    for stale in pages.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (pages / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
