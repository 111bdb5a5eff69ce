"""Rule codes and names, importable without loading a single rule (as ruff's codes table):
the command line, the configuration and suppression comments are checked against it, and the
rules themselves are imported only when a file mentions something they could find.

A test keeps this table and the rule classes in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pipwarden.model import Finding

CATALOG: dict[str, str] = {
    "PW100": "unused-suppression",
    "PW101": "sudo-pip",
    "PW102": "sudo-pip-anywhere",
    "PW201": "bare-pip",
    "PW202": "self-upgrade-bare-pip",
    "PW203": "bare-pip-consistency",
    "PW301": "pip-outside-venv",
    "PW302": "activation-not-persisted",
    "PW303": "user-install-in-venv",
    "PW304": "break-system-packages",
    "PW305": "externally-managed",
    "PW306": "source-in-sh",
    "PW307": "activate-not-sourced",
    "PW401": "nonroot-system-install",
    "PW402": "root-user-install-then-switch",
    "PW403": "chown-site-packages",
    "PW404": "chown-site-packages-anywhere",
    "PW501": "global-cli-tool",
    "PW601": "subprocess-pip",
    "PW602": "pip-internal-api",
    "PW603": "subprocess-pip-anywhere",
    "PW900": "parse-error",
}
_BY_NAME = {name: code for code, name in CATALOG.items()}
# Two tiers, one product. The default tier reports failures the files show; the strict tier
# reports the anti-patterns themselves (sudo running pip, bare pip, installs outside a venv,
# breaking system packages, global tools, pip from PATH in Python code) wherever they are,
# each with its documented remedy. A strict rule is superseded on a command where a default
# rule speaks for it, so the tiers never report one command twice. Strict rules are selected
# by `strict = true` / `--strict`, or by name, code, prefix or ALL (as ruff's opt-in rules).
STRICT: frozenset[str] = frozenset({"PW102", "PW203", "PW301", "PW304", "PW404", "PW501", "PW603"})
DEFAULT: frozenset[str] = frozenset(CATALOG) - STRICT


def with_alone(
    findings: list[Finding],
    alone: list[Finding],
    hidden: list[tuple[str, int, int]],
    counted_only: frozenset[str],
    silenced: Iterable[tuple[int, int]] = (),
) -> tuple[list[Finding], list[tuple[str, int, int]]]:
    """A file's findings and its strict-tier count where it is judged as run on its own: its
    `alone` findings hold (those of rules the run only counts, `counted_only`, counted), and
    the strict findings on the commands of the default ones give way to them, one finding
    per command across tiers, also those whose default one is suppressed (`silenced`)."""
    proven = {(f.start.line, f.start.column) for f in alone if f.code not in STRICT}
    proven.update(silenced)
    shown = [f for f in [*findings, *alone] if not gives_way(f, proven)]
    counted = [
        *hidden,
        *((f.code, f.start.line, f.start.column) for f in alone if f.code in counted_only),
    ]
    return (
        sorted((f for f in shown if f.code not in counted_only or not f.alone), key=_order),
        sorted(h for h in counted if h[0] not in STRICT or (h[1], h[2]) not in proven),
    )


def gives_way(finding: Finding, proven: set[tuple[int, int]]) -> bool:
    return finding.code in STRICT and (finding.start.line, finding.start.column) in proven


def _order(finding: Finding) -> tuple[object, str]:
    return (finding.start, finding.code)


def tier(code: str) -> str:
    """ "default" or "strict"."""
    return "strict" if code in STRICT else "default"


def code_for(key: str) -> str | None:
    """The code for a rule code (`pw201`) or kebab-case name (`bare-pip`)."""
    key = key.strip()
    if key.upper() in CATALOG:
        return key.upper()
    return _BY_NAME.get(key.lower())
