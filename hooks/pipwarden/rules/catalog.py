"""Rule codes and names, importable without loading a single rule (as ruff's codes table):
the command line, the configuration and suppression comments are checked against it, and the
rules themselves are imported only when a file mentions something they could find.

A test keeps this table and the rule classes in step.
"""

from __future__ import annotations

CATALOG: dict[str, str] = {
    "PW100": "unused-suppression",
    "PW101": "sudo-pip",
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
    "PW501": "global-cli-tool",
    "PW601": "subprocess-pip",
    "PW602": "pip-internal-api",
    "PW900": "parse-error",
}
_BY_NAME = {name: code for code, name in CATALOG.items()}
# House style rather than a fault: selected only by name, code, prefix or ALL (as ruff's
# opt-in rules). The default set is every other rule.
OPT_IN: frozenset[str] = frozenset({"PW203", "PW301", "PW304", "PW501"})
DEFAULT: frozenset[str] = frozenset(CATALOG) - OPT_IN


def code_for(key: str) -> str | None:
    """The code for a rule code (`pw201`) or kebab-case name (`bare-pip`)."""
    key = key.strip()
    if key.upper() in CATALOG:
        return key.upper()
    return _BY_NAME.get(key.lower())
