"""Wrong inputs to the difference-in-differences functions and their results: every parameter of every public function."""

from __future__ import annotations

from .catalogue import Case


def cases() -> list[Case]:
    return []
