"""Rule documentation, generated from each rule's docstring: `pipwarden rule`, `pipwarden
rules --output-format json`."""

from __future__ import annotations

from pipwarden.rules.base import Rule


def rule_text(rule: Rule) -> str:
    header = f"{rule.code} {rule.name} ({rule.severity})\n\n{rule.summary}\n\n"
    footer = f"\nDocumentation: {rule.url}\n" if rule.url else ""
    return header + rule.documentation() + "\n" + footer


def rule_json(rule: Rule) -> dict[str, object]:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": str(rule.severity),
        "summary": rule.summary,
        "fix": rule.fix,
        "url": rule.url or None,
        "explanation": rule.documentation(),
    }
