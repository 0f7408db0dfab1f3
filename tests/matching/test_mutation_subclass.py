"""Exact and coarsened exact matching: subclasses, MatchIt's subclass weights for the ATT
and the ATC, Sturges' bins at their edges, cut points and flows, worked out by hand.

Sources: MatchIt 4.x ``?matchit`` ("How matching weights are computed"): in a subclass
with n_t treated and n_c controls, focal units weigh 1 and the others n_focal / n_other,
then the other group's weights are scaled to sum to its number of matched units. CEM bins
(``?method_cem``, R's ``cem``): Sturges' rule, ceiling(log2(n) + 1) equal-width bins
between the minimum and the maximum, intervals closed on the right with the lowest value
included (R's ``cut(..., include.lowest = TRUE)``).
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import EvaltoolsWarning, ParameterError
from evaltools.matching.subclass import coarsen, exact_subclasses


def quiet_match(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return et.match(*args, **kwargs)


@pytest.fixture(scope="module")
def strata():
    """F: 2 treated, 1 control; M: 1 treated, 3 controls; X: treated only; Y: control only."""
    return pd.DataFrame({"treated": [1, 1, 0, 1, 0, 0, 0, 1, 0],
                         "sex": list("FFFMMMMXY")})


def test_exact_att_weights_by_hand(strata):
    m = quiet_match(strata, "treated", ["sex"], method="exact")
    # Controls: F 2/1 = 2, M 1/3 each (sum 3), scaled to the 4 matched controls: x 4/3.
    np.testing.assert_allclose(m.weights.to_numpy(),
                               [1, 1, 8 / 3, 1, 4 / 9, 4 / 9, 4 / 9, 0, 0], rtol=1e-12)
    assert m.subclass.iloc[:7].tolist() == [1, 1, 1, 2, 2, 2, 2]
    assert m.subclass.iloc[7:].isna().all()
    flow = m.flow.set_index("step")["n"]
    assert flow["treated matched"] == 3 and flow["controls matched"] == 4
    assert flow["treated unmatched: no control with the same (coarsened) values"] == 1
    s = m.summary()
    # Kish: (8/3 + 4/3)^2 / ((8/3)^2 + 3 (4/9)^2) = 16 / (64/9 + 16/27) = 2.077
    assert s.loc["Matched (ESS)", "Control"] == pytest.approx(round(16 / (64 / 9 + 16 / 27), 2))
    assert s.loc["Matched", "Control"] == 4 and s.loc["Unmatched", "Treated"] == 1
    assert m.meta["options"]["method"] == "exact" and m.estimand == "ATT"
    assert m.distance_ is None and m.pairs.empty


def test_exact_atc_weights_and_flow_by_hand(strata):
    m = quiet_match(strata, "treated", ["sex"], method="exact", estimand="ATC")
    # Controls are focal (1); treated: F 1/2 each, M 3/1 (sum 4), scaled to the 3 matched
    # treated: x 3/4.
    np.testing.assert_allclose(m.weights.to_numpy(),
                               [3 / 8, 3 / 8, 1, 9 / 4, 1, 1, 1, 0, 0], rtol=1e-12)
    flow = m.flow.set_index("step")["n"]
    assert flow["controls matched"] == 4 and flow["treated matched"] == 3
    assert flow["controls unmatched: no treated with the same (coarsened) values"] == 1
    assert flow["treated supplied"] == 4 and flow["controls supplied"] == 5
    s = m.summary()
    assert s.loc["Matched", "Treated"] == 3 and s.loc["Matched", "Control"] == 4
    assert s.loc["Matched (ESS)", "Treated"] == pytest.approx(round(9 / (9 / 32 + 81 / 16), 2))
    assert m.estimand == "ATC"


def test_atc_pair_flow_names_the_focal_controls():
    """With estimand="ATC" the controls are matched (to treated units): the flow says so,
    and its counts add up to the controls supplied."""
    df = pd.DataFrame({"treated": [0, 0, 0, 1, 1], "site": list("aabab")})
    d = np.array([0.1, 0.2, 0.9, 0.15, 0.8])
    m = quiet_match(df, "treated", distance=d, exact=["site"], estimand="ATC")
    flow = m.flow.set_index("step")["n"]
    # Site a: controls 0 (0.1) and 1 (0.2), treated 3 (0.15); the largest focal score goes
    # first, so control 1 takes 3 and control 0 is left. Site b: control 2 takes 4.
    assert flow["controls matched"] == 2
    assert flow["controls unmatched: no treated within caliper or none left"] == 1
    assert flow["controls unmatched: no treated in exact stratum"] == 0
    assert flow["treated matched (distinct)"] == 2
    assert sorted(zip(m.pairs.treated_id, m.pairs.control_id, strict=True)) == [(1, 3), (2, 4)]


def test_exact_subclasses_numbered_in_sorted_key_order():
    keys = pd.DataFrame({"a": ["z", "y", "z", "y", "x", "x"], "b": [1, 1, 1, 1, 2, 2]})
    treated = np.array([True, False, False, True, True, True])
    # Sorted keys: (x, 2) treated only -> -1; (y, 1) -> 0; (z, 1) -> 1.
    assert exact_subclasses(keys, treated).tolist() == [1, 0, 1, 0, -1, -1]


def test_exact_with_a_missing_key_is_its_own_stratum():
    keys = pd.DataFrame({"a": [1.0, np.nan, np.nan, 1.0]})
    treated = np.array([True, True, False, False])
    assert exact_subclasses(keys, treated).tolist() == [0, 1, 1, 0]


# ------------------------------------------------------------------------------ CEM bins

def test_sturges_bins_by_hand():
    # n = 8: ceiling(log2 8 + 1) = 4 bins of width 2 on [0, 8]: (0,2] incl. 0, (2,4], ...
    df = pd.DataFrame({"age": [0.0, 2.0, 2.5, 4.0, 4.1, 6.0, 7.9, 8.0]})
    assert coarsen(df, ["age"], None)["age"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    # n = 9: ceiling(log2 9 + 1) = 5 bins of width 1.6 on [0, 8].
    df = pd.DataFrame({"age": [0.0, 1.6, 1.7, 3.2, 3.3, 4.8, 6.4, 6.5, 8.0]})
    assert coarsen(df, ["age"], None)["age"].tolist() == [0, 0, 1, 1, 2, 2, 3, 4, 4]


def test_cutpoints_count_list_and_rule():
    df = pd.DataFrame({"age": [0.0, 2.0, 2.5, 4.0, 4.1, 6.0, 7.9, 8.0]})
    assert coarsen(df, ["age"], {"age": 2})["age"].tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    assert coarsen(df, ["age"], {"age": 1})["age"].tolist() == [0] * 8
    # Cut points (duplicates and order do not matter): (-1, 2.5] and (2.5, 9].
    got = coarsen(df, ["age"], {"age": [9, 2.5, -1, 2.5]})["age"].tolist()
    assert got == [0, 0, 0, 1, 1, 1, 1, 1]
    assert coarsen(df, ["age"], {"age": "sturges"})["age"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3]


def test_three_valued_numeric_covariate_is_binned_binary_is_kept():
    # Values 0, 1, 10 over n = 4: 3 Sturges bins of width 10/3, so 0 and 1 share a bin.
    df = pd.DataFrame({"x": [0, 1, 10, 1], "flag": [0, 1, 1, 0], "sex": list("fmfm")})
    out = coarsen(df, ["x", "flag", "sex"], None)
    assert out["x"].tolist() == [0, 0, 2, 0]
    assert out["flag"].tolist() == [0, 1, 1, 0] and out["sex"].tolist() == list("fmfm")
    # A binary column named in cutpoints is binned as asked.
    assert coarsen(df, ["flag"], {"flag": 1})["flag"].tolist() == [0, 0, 0, 0]


def test_cem_matches_within_coarsened_values():
    """Ages 60 and 61 share a bin (2 bins on [60, 80]): they match under CEM but not under
    exact matching."""
    df = pd.DataFrame({"treated": [1, 0, 1, 0, 0], "age": [60.0, 61, 80, 79, 70]})
    cem = quiet_match(df, "treated", ["age"], method="cem", cutpoints={"age": 2})
    # Bins [60, 70] (70 is its right edge) and (70, 80]: 1 treated, 2 controls (1/2 each)
    # and 1 treated, 1 control (1); scaled to the 3 controls: 0.75, 1.5, 0.75.
    np.testing.assert_allclose(cem.weights.to_numpy(), [1, 0.75, 1, 1.5, 0.75])
    assert cem.subclass.tolist() == [1, 1, 2, 2, 1]
    exact = quiet_match(df, "treated", ["age"], method="exact")
    assert (exact.weights == 0).all()
    with pytest.warns(EvaltoolsWarning, match=r"No treated unit was matched"):
        et.match(df, "treated", ["age"], method="exact")
    assert cem.meta["options"]["cutpoints"] == {"age": 2}


def test_exact_from_a_formula():
    df = pd.DataFrame({"treated": [1, 0, 1, 0], "sex": list("fmmf")})
    m = quiet_match(df, "treated", "treated ~ C(sex)", method="exact")
    assert m.subclass.tolist() == [1, 2, 2, 1]
    m = quiet_match(df, "treated", "~ C(sex)", method="cem")
    assert m.subclass.tolist() == [1, 2, 2, 1]


def test_formula_terms_are_coarsened_by_cem_only():
    """Ages 60 and 61 differ exactly, but share the first of Sturges' 3 bins of [60, 80]
    (n = 4): CEM pairs them, exact matching does not."""
    df = pd.DataFrame({"treated": [1, 0, 1, 0], "age": [60.0, 61, 80, 70]})
    cem = quiet_match(df, "treated", "treated ~ age", method="cem")
    assert cem.subclass.iloc[:2].tolist() == [1, 1] and cem.weights.iloc[3] == 0
    exact = quiet_match(df, "treated", "treated ~ age", method="exact")
    assert (exact.weights == 0).all()


@pytest.mark.parametrize("bins", [0, 10_001, 2.5])
def test_bin_counts_outside_one_to_ten_thousand_are_refused(bins):
    df = pd.DataFrame({"age": [1.0, 2, 3]})
    with pytest.raises(ParameterError, match=r"cutpoints\['age'\]"):
        coarsen(df, ["age"], {"age": bins})


@pytest.mark.parametrize("bins", [1, 10_000])
def test_bin_counts_at_the_bounds_are_accepted(bins):
    df = pd.DataFrame({"age": [1.0, 2, 3]})
    assert len(coarsen(df, ["age"], {"age": bins})) == 3


@pytest.mark.parametrize("cuts", [[1.0], [2.0, 2.0], [1.0, np.inf], [[1.0, 2.0]], ["a", "b"]])
def test_cut_lists_need_two_distinct_finite_points(cuts):
    df = pd.DataFrame({"age": [1.0, 2, 3]})
    with pytest.raises(ParameterError, match=r"at least two distinct finite cut points"):
        coarsen(df, ["age"], {"age": cuts})


def test_cutpoints_for_text_or_unknown_columns_are_refused():
    df = pd.DataFrame({"age": [1.0, 2, 3], "sex": list("fmf")})
    with pytest.raises(ParameterError, match=r"column 'sex' is not numeric"):
        coarsen(df, ["age", "sex"], {"sex": 2})
    with pytest.raises(ParameterError, match=r"names \['bmi'\], which are not matching"):
        coarsen(df, ["age"], {"bmi": 2})
    with pytest.raises(ParameterError, match=r"cutpoints\['age'\]"):
        coarsen(df, ["age"], {"age": "doane"})
