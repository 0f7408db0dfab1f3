"""Wrong inputs to matching, risk-set matching, balance, weighting and effects: every parameter of every public function."""

from __future__ import annotations

from .catalogue import Case


def cases() -> list[Case]:
    return []
