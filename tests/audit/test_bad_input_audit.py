"""The catalogue of wrong inputs is answered clearly: at least 95% name the argument or column,
and none returns a result without a word or hangs."""

from collections import Counter
from pathlib import Path

import pytest

from .catalogue import MARKER, all_cases, run_case

CASES = all_cases()


@pytest.fixture(scope="module")
def outcomes():
    Path(MARKER).unlink(missing_ok=True)
    return [run_case(case) for case in CASES]


def test_no_hostile_input_wrote_a_file(outcomes):
    assert not Path(MARKER).exists()


def test_catalogue_is_broad():
    assert len(CASES) >= 300
    assert len({c.area for c in CASES}) >= 12


def test_no_wrong_input_is_silent_or_slow(outcomes):
    bad = [f"[{o.kind}] {o.case.area}: {o.case.name}" for o in outcomes
           if o.kind in ("silent", "slow")]
    assert not bad, "\n".join(bad)


def test_wrong_inputs_are_answered_clearly(outcomes):
    kinds = Counter(o.kind for o in outcomes)
    share = kinds["clear"] / len(outcomes)
    unclear = [f"[{o.kind}] {o.case.area}: {o.case.name}: {o.message[:160]}"
               for o in outcomes if o.kind != "clear"]
    assert share >= 0.95, f"{share:.1%} clear ({dict(kinds)}):\n" + "\n".join(unclear)
