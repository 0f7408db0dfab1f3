"""Same call, same answer as R's MatchIt 4.5.1 on its `lalonde` data.

Reference files come from tests/matching/reference/make_reference.R (R with MatchIt
4.5.1, Debian's r-cran-matchit); the suite itself does not need R. That MatchIt build
takes the lower neighbour in nearest-neighbour matching whatever the distances (its C++
search compares distances with an integer abs(), which also disables the distance
caliper), so nearest-neighbour matches are compared on a supplied distance where the lower
neighbour is the nearest one (every control below every treated unit), which checks the
order, the rounds of k:1 matching, exact strata, replacement and weights. (That build also
lets a treated unit take the same control twice in k:1 matching with replacement, an
off-by-one in its C++; replacement is compared 1:1.)
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import evaltools as et

REF = Path(__file__).parent / "reference"
COVARIATES = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]
SPECS = {
    "nearest": {},
    "ratio2": {"ratio": 2},
    "exact_race": {"exact": ["race"]},
    "smallest": {"order": "smallest"},
    "replace": {"replace": True},
}


@pytest.fixture(scope="module")
def lalonde():
    return pd.read_csv(REF / "lalonde.csv")


def test_same_propensity_scores_as_matchit(lalonde):
    ref = pd.read_csv(REF / "matchit_ps.csv")
    m = et.match(lalonde, "treat", COVARIATES)
    np.testing.assert_allclose(m.distance_.to_numpy(), ref["ps"].to_numpy(), rtol=1e-6)


@pytest.mark.parametrize("spec", SPECS)
def test_same_pairs_and_weights_as_matchit(lalonde, spec):
    pairs = pd.read_csv(REF / "matchit_pairs.csv")
    weights = pd.read_csv(REF / "matchit_weights.csv")
    m = et.match(lalonde, "treat", COVARIATES, distance=lalonde["dist"], **SPECS[spec])
    ours = sorted(zip(m.pairs.treated_id, m.pairs.control_id, strict=True))
    theirs = pairs[pairs.spec == spec]
    assert ours == sorted(zip(theirs.treated_id, theirs.control_id, strict=True))
    w = weights[weights.spec == spec].set_index("id").loc[lalonde.id, "weights"]
    np.testing.assert_allclose(m.weights.to_numpy(), w.to_numpy(), rtol=1e-9, atol=1e-12)


def test_same_balance_statistics_as_matchit(lalonde):
    ref = pd.read_csv(REF / "matchit_balance.csv").set_index("variable")
    m = et.match(lalonde, "treat", COVARIATES, distance=lalonde["dist"])
    ours = m.balance().table
    ours.index = [i.replace("race_", "race") for i in ours.index]
    stats = ["smd_before", "smd_after", "ecdf_mean_before", "ecdf_max_before",
             "ecdf_mean_after", "ecdf_max_after"]
    for var in ["age", "educ", "raceblack", "racehispan", "racewhite", "married", "re74"]:
        for col in stats:
            assert ours.loc[var, col] == pytest.approx(ref.loc[var, col], abs=1e-9), (var, col)
    for var in ["age", "re74", "re75"]:
        for col in ["var_ratio_before", "var_ratio_after"]:
            assert ours.loc[var, col] == pytest.approx(ref.loc[var, col], rel=1e-9), (var, col)


def test_same_exact_and_cem_weights_as_matchit(lalonde):
    ref = pd.read_csv(REF / "matchit_subclass_weights.csv")
    exact = et.match(lalonde, "treat", ["race", "married", "nodegree"], method="exact")
    np.testing.assert_allclose(exact.weights.to_numpy(), ref["exact"].to_numpy(), rtol=1e-9)
    cem = et.match(lalonde, "treat", ["age", "educ", "race", "married"], method="cem")
    np.testing.assert_allclose(cem.weights.to_numpy(), ref["cem"].to_numpy(), rtol=1e-9)
