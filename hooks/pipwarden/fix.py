"""Applying fixes: a non-overlapping set of edits per pass, passes repeated (bounded) until
nothing applicable is left, so a second `--fix` changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pipwarden.model import SAFE, Edit, Finding, Fix

MAX_PASSES = 8


def applicable(findings: Iterable[Finding], unsafe: bool) -> list[Finding]:
    return [f for f in findings if f.fix is not None and (unsafe or f.fix.applicability == SAFE)]


def apply_edits(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply every fix whose edits do not overlap an earlier accepted fix's; returns the new
    text and how many fixes were applied. The same edit proposed twice (two uses of one make
    variable) is applied once."""
    accepted: list[Edit] = []
    applied = 0
    for fix in sorted(fixes, key=lambda f: min(e.span.start for e in f.edits)):
        edits = [e for e in dict.fromkeys(fix.edits) if e not in accepted]
        if any(_overlaps(edit, other) for edit in edits for other in accepted):
            continue
        accepted.extend(edits)
        applied += 1
    for edit in sorted(accepted, key=lambda e: (e.span.start, e.span.end), reverse=True):
        text = text[: edit.span.start] + edit.content + text[edit.span.end :]
    return text, applied


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.span.start == a.span.end == b.span.start == b.span.end:
        return True  # two insertions at one place: their order would be a guess
    return a.span.start < b.span.end and b.span.start < a.span.end


def fix_text(
    text: str,
    check: Callable[[str], list[Finding]],
    unsafe: bool,
    findings: list[Finding] | None = None,
) -> tuple[str, list[Finding], list[Finding]]:
    """Fix `text` until nothing applicable is left: (new text, the findings fixed, the
    findings left). `findings` are the text's findings where the run knows more than a
    check of the text alone (those a caller's state makes in a script)."""
    fixed: list[Finding] = []
    if findings is None:
        findings = check(text)
    for _ in range(MAX_PASSES):
        todo = applicable(findings, unsafe)
        if not todo:
            break
        new_text, count = apply_edits(text, [f.fix for f in todo if f.fix is not None])
        if count == 0 or new_text == text:
            break
        fixed.extend(todo[:count] if count < len(todo) else todo)
        text = new_text
        findings = check(text)
    return text, fixed, findings
