"""Wrong inputs to regression to the mean, sensitivity, economics, evidence, disclosure and reporting: every parameter of every public function."""

from __future__ import annotations

from .catalogue import Case


def cases() -> list[Case]:
    return []
