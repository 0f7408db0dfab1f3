"""Wrong inputs found by a hostile reading of the API: dtype variants, pipelines fed the wrong
object, result methods with wrong arguments, hostile text."""

from __future__ import annotations

from .catalogue import Case


def cases() -> list[Case]:
    return []
