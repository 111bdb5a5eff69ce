"""The analysis: a Scope's Scripts walked in order with the state the shells keep
(`state`), what each command changes (`effects`), the ways through a script (`paths`), and
the walk that hands each command to the rules (`walk`)."""

from __future__ import annotations

from pipwarden.analysis.walk import Loader, RuleHit, analyse

__all__ = ["Loader", "RuleHit", "analyse"]
