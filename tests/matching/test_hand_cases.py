"""Which control each treated unit gets, worked out by hand."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.matching.nearest import greedy_1d
from evaltools.matching.optimal import optimal_match
from evaltools.matching.results import pair_weights, subclass_weights

# Positions 0-2 treated, 3-6 controls.
SCORE = np.array([0.90, 0.50, 0.45, 0.88, 0.47, 0.46, 0.10])
TREATED_LARGEST_FIRST = np.array([0, 1, 2])
CONTROLS = np.array([3, 4, 5, 6])


def pairs(t, c):
    return sorted(zip(t.tolist(), c.tolist(), strict=True))


def test_greedy_in_order_of_largest_score():
    t, c, d = greedy_1d(SCORE, TREATED_LARGEST_FIRST, CONTROLS, ratio=1, caliper=None)
    # 0.90 -> 0.88; 0.50 -> 0.47 (closest); 0.45 -> 0.46 (0.47 is taken).
    assert pairs(t, c) == [(0, 3), (1, 4), (2, 5)]
    assert d == pytest.approx([0.02, 0.03, 0.01])


def test_order_changes_who_gets_the_close_control():
    t, c, _ = greedy_1d(SCORE, np.array([2, 1, 0]), CONTROLS, ratio=1, caliper=None)
    # 0.45 first takes 0.46; 0.50 then takes 0.47.
    assert pairs(t, c) == [(0, 3), (1, 4), (2, 5)]
    t, c, _ = greedy_1d(SCORE, np.array([2, 0]), np.array([4, 5]), ratio=1, caliper=None)
    assert pairs(t, c) == [(0, 4), (2, 5)]  # 0.90 gets what is left


def test_caliper_leaves_far_treated_unmatched():
    t, c, _ = greedy_1d(SCORE, TREATED_LARGEST_FIRST, CONTROLS, ratio=1, caliper=0.025)
    assert pairs(t, c) == [(0, 3), (2, 5)]  # 0.50's nearest free control is 0.03 away


def test_ratio_matches_in_rounds():
    t, c, _ = greedy_1d(SCORE, TREATED_LARGEST_FIRST, CONTROLS, ratio=2, caliper=None)
    # Round 1 as above; round 2: 0.90 takes 0.10 (the only one left); others get none.
    assert pairs(t, c) == [(0, 3), (0, 6), (1, 4), (2, 5)]


def test_ties_go_to_the_control_first_in_data_order():
    score = np.array([0.5, 0.4, 0.6])  # treated 0; controls 1 and 2 equally far
    t, c, _ = greedy_1d(score, np.array([0]), np.array([2, 1]), ratio=1, caliper=None)
    assert c.tolist() == [1]


def test_optimal_beats_greedy_on_total_distance():
    score = np.array([0.50, 0.60, 0.55, 0.90])
    g = greedy_1d(score, np.array([1, 0]), np.array([2, 3]), ratio=1, caliper=None)
    o = optimal_match(score[:, None], np.array([0, 1]), np.array([2, 3]), 1, None)
    assert g[2].sum() == pytest.approx(0.45)
    assert o[2].sum() == pytest.approx(0.35)
    assert pairs(o[0], o[1]) == [(0, 2), (1, 3)]


def test_matchit_weights_for_ratio_and_replacement():
    # Treated 0 has controls 2 and 3; treated 1 has control 3 (reused).
    w = pair_weights(4, np.array([0, 0, 1]), np.array([2, 3, 3]))
    # Raw control weights 1/2 and 1/2 + 1 = 1.5; scaled to sum to 2 controls used.
    assert w.tolist() == pytest.approx([1, 1, 0.5, 1.5])
    sub = subclass_weights(np.array([0, 0, 0, 1, 1, -1]),
                           np.array([True, False, False, True, False, False]))
    # Subclass 0: 1 treated, 2 controls -> 1/2 each; subclass 1: 1/1; scaled to sum 3.
    assert sub.tolist() == pytest.approx([1, 0.75, 0.75, 1, 1.5, 0])


def test_exact_matching_public_api():
    df = pd.DataFrame({"treated": [1, 1, 0, 0, 0, 1], "sex": list("FMFFMF"),
                       "band": [1, 1, 1, 2, 1, 3]})
    m = et.match(df, "treated", ["sex", "band"], method="exact")
    md = m.matched_data
    assert set(md.index) == {0, 1, 2, 4}  # (F,1): 0 & 2; (M,1): 1 & 4; (F,3) no control
    assert md.groupby("subclass").treated.agg(["min", "max"]).eq([0, 1]).all().all()
    flow = m.flow.set_index("step")["n"]
    assert flow["treated unmatched: no control with the same (coarsened) values"] == 1


def test_public_api_on_a_known_ordering():
    # One covariate: the propensity score is monotone in x, so with x spread far apart the
    # matches follow x.
    df = pd.DataFrame({"x": [10.0, 5.0, 9.6, 5.2, 0.0, 1.0, 9.0, 2.0],
                       "treated": [1, 1, 0, 0, 0, 1, 0, 0]})
    m = et.match(df, "treated", ["x"])
    got = dict(zip(m.pairs.treated_id, m.pairs.control_id, strict=True))
    # x=10 (largest score) first takes 9.6; x=5 takes 5.2; x=1 takes 0 or 2, whichever is
    # nearer on the probability scale.
    assert got[0] == 2 and got[1] == 3 and got[5] in (4, 7)
    assert m.matched_data.weights.eq(1).all()
    assert m.pairs.subclass.tolist() == [1, 2, 3]


def test_prognostic_distance_matches_on_predicted_outcome():
    """The prognostic score is a Poisson model of the outcome fitted on controls only
    (Hansen 2008): controls are matched on predicted use, not on the treatment model."""
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"x": rng.normal(size=400), "z": rng.normal(size=400)})
    df["treated"] = (rng.random(400) < 1 / (1 + np.exp(-df.z))).astype(int)
    df["visits"] = rng.poisson(np.exp(0.5 + 0.8 * df.x))
    m = et.match(df, "treated", ["x", "z"], distance="prognostic", outcome="visits")
    import statsmodels.api as sm

    ctrl = df.treated == 0
    fit = sm.GLM(df.visits[ctrl], sm.add_constant(df.loc[ctrl, ["x", "z"]]),
                 family=sm.families.Poisson()).fit()
    np.testing.assert_allclose(m.distance_, sm.add_constant(df[["x", "z"]]) @ fit.params)
    bal = m.balance().table
    assert abs(bal.loc["x", "smd_after"]) < abs(bal.loc["x", "smd_before"]) + 0.05


def test_atc_mahvars_and_optimal_ratio():
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"x": rng.normal(size=300), "z": rng.normal(size=300)})
    df["treated"] = (rng.random(300) < 0.6).astype(int)
    atc = et.match(df, "treated", ["x"], estimand="ATC")
    # ATC: every control is the focal unit and gets a treated match.
    assert set(atc.pairs.treated_id) <= set(df.index[df.treated == 0])
    mah = et.match(df, "treated", ["x", "z"], mahvars=["x", "z"], caliper=0.5)
    gap = (mah.distance_[mah.pairs.treated_id].to_numpy()
           - mah.distance_[mah.pairs.control_id].to_numpy())
    assert np.abs(gap).max() <= 0.5 * mah.distance_.std(ddof=1) + 1e-12
    opt = et.match(df[df.index < 150], "treated", ["x"], method="optimal", ratio=2,
                   estimand="ATC")
    assert (opt.pairs.groupby("treated_id").size() <= 2).all()
    assert not opt.pairs.control_id.duplicated().any()
