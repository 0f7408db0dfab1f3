"""Calipers at their boundary, MatchIt's weights for ``ratio`` and ``replace``, effective
sample sizes, Mahalanobis matching within a propensity caliper and the matching order:
cases built by hand so that a one-line bug changes which control is matched or a weight.

Sources of the expected numbers:

- the caliper is in standard deviations (``sd()``, denominator n - 1) of the distance over
  all units, and a pair exactly at the caliper is kept (MatchIt 4.x, ``?method_nearest``:
  "units whose distance is greater than the caliper are not matched"); the distances below
  are dyadic numbers whose SD is exactly 1, so ``caliper * sd`` is exact in floating point;
- k:1 and replacement weights (MatchIt ``?matchit``, "How matching weights are computed"):
  a treated unit weighs 1; a control gets ``1 / k_i`` from each treated unit ``i`` it is
  matched to, where ``k_i`` is the number of controls ``i`` has, and the control weights are
  then scaled to sum to the number of distinct matched controls;
- effective sample size: Kish's ``(sum w)^2 / sum w^2`` (as MatchIt's summary prints);
- Mahalanobis distance with the pooled within-group covariance matrix (MatchIt's
  ``mahalanobis_dist`` with a treatment, after Rubin 1980: within-group cross-products
  divided by n - 2), computed here with numpy;
- propensity scores and their logits from statsmodels' ``Logit`` (maximum likelihood).
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import evaltools as et
from evaltools.matching.results import effective_sample_size

# Sample SD (n - 1) of these six numbers is exactly 1.0.
SIX = np.array([0.0, 0.25, 1.0, 1.75, 2.0, 2.5])


def quiet_match(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return et.match(*args, **kwargs)


def links(m):
    return sorted(zip(m.pairs.treated_id.tolist(), m.pairs.control_id.tolist(), strict=True))


@pytest.fixture(scope="module")
def six():
    """Treated at 0 (row 0) and 2.5 (row 5); controls at 0.25, 1, 1.75, 2."""
    assert np.std(SIX, ddof=1) == 1.0
    return pd.DataFrame({"treated": [1, 0, 0, 0, 0, 1]}, index=[0, 1, 2, 3, 4, 5])


# ----------------------------------------------------------------------- caliper boundary

@pytest.mark.parametrize("method,replace", [("nearest", False), ("nearest", True),
                                            ("optimal", False)])
@pytest.mark.parametrize("caliper,expected", [
    (0.25, [(0, 1)]),              # exactly at the caliper: kept; 2.5 -> 2 is 0.5 away
    (0.25 - 1e-9, []),             # just below: the 0.25 pair goes too
    (0.25 + 1e-9, [(0, 1)]),
    (0.5, [(0, 1), (5, 4)]),       # second pair exactly at 0.5: kept
    (0.5 - 1e-9, [(0, 1)]),
    (0.5 + 1e-9, [(0, 1), (5, 4)]),
])
def test_caliper_at_and_either_side_of_its_boundary(six, method, replace, caliper, expected):
    m = quiet_match(six, "treated", distance=SIX, caliper=caliper, method=method,
                    replace=replace)
    assert links(m) == expected
    # In SDs (n - 1) of the distance: here SD = 1, so the absolute caliper is the caliper.
    assert m.meta["options"]["caliper_abs"] == pytest.approx(caliper, rel=1e-15)
    assert m.pairs.distance.tolist() == pytest.approx(
        [abs(SIX[t] - SIX[c]) for t, c in zip(m.pairs.treated_id, m.pairs.control_id,
                                              strict=True)])
    flow = m.flow.set_index("step")["n"]
    assert flow["treated matched"] == len(expected)
    assert flow["treated unmatched: no control within caliper or none left"] == 2 - len(expected)
    assert flow["controls matched (distinct)"] == len(expected)


def test_caliper_scales_with_the_sd_of_the_distance(six):
    """Doubling every distance doubles the SD and the absolute caliper: the same pairs."""
    m = quiet_match(six, "treated", distance=2 * SIX, caliper=0.25)
    assert links(m) == [(0, 1)]
    assert m.meta["options"]["caliper_abs"] == 0.5
    assert m.pairs.distance.tolist() == [0.5]


def test_no_caliper_matches_everyone(six):
    m = quiet_match(six, "treated", distance=SIX)
    # 2.5 first (largest) takes 2; 0 takes 0.25.
    assert links(m) == [(0, 1), (5, 4)]
    assert m.meta["options"]["caliper_abs"] is None
    assert m.pairs.subclass.tolist() == [1, 2]  # numbered in matching order
    assert m.pairs.treated_id.tolist() == [5, 0]


@pytest.fixture(scope="module")
def logistic():
    rng = np.random.default_rng(21)
    n = 300
    df = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n)})
    df["treated"] = (rng.random(n) < 1 / (1 + np.exp(-(-0.8 + 1.2 * df.x - 0.7 * df.z)))
                     ).astype(int)
    fit = sm.Logit(df.treated, sm.add_constant(df[["x", "z"]])).fit(disp=0, tol=1e-12)
    return df, np.asarray(fit.fittedvalues), np.asarray(fit.predict())


@pytest.mark.parametrize("distance", ["ps", "logit_ps"])
def test_caliper_on_the_logit_or_the_probability_scale(logistic, distance):
    """MatchIt's caliper is in SDs of the distance it matches on: the logit for
    ``logit_ps`` (MatchIt's ``link = "linear.logit"``), the probability for ``ps``."""
    df, linear, p = logistic
    score = linear if distance == "logit_ps" else p
    m = quiet_match(df, "treated", ["x", "z"], distance=distance, caliper=0.1)
    np.testing.assert_allclose(m.distance_.to_numpy(), score, rtol=1e-6, atol=1e-9)
    cal = 0.1 * np.std(score, ddof=1)
    assert m.meta["options"]["caliper_abs"] == pytest.approx(cal, rel=1e-6)
    t, c = m.pairs.treated_id.to_numpy(), m.pairs.control_id.to_numpy()
    np.testing.assert_allclose(m.pairs.distance, np.abs(score[t] - score[c]), rtol=1e-6,
                               atol=1e-9)
    assert (m.pairs.distance <= cal * (1 + 1e-9)).all()
    # Greedy without replacement: an unmatched treated unit has no unused control left
    # within the caliper (controls are never freed again), and every treated unit in reach
    # of one is matched.
    used = np.zeros(len(df), bool)
    used[c] = True
    free = np.flatnonzero((df.treated == 0).to_numpy() & ~used)
    unmatched = np.setdiff1d(np.flatnonzero(df.treated == 1), t)
    assert len(unmatched) > 0
    gaps = np.abs(score[unmatched][:, None] - score[free][None, :])
    assert (gaps > cal).all()
    assert len(t) == len(np.unique(t)) and len(c) == len(np.unique(c))


def test_logit_and_probability_calipers_choose_differently(logistic):
    """The same caliper value leaves a different number of treated units unmatched on the
    two scales (numbers from the statsmodels scores above, matched by hand below)."""
    df, linear, p = logistic
    counts = {}
    for distance in ("ps", "logit_ps"):
        m = quiet_match(df, "treated", ["x", "z"], distance=distance, caliper=0.05)
        counts[distance] = len(m.pairs)
        again = quiet_match(df, "treated", distance=linear if distance == "logit_ps" else p,
                            caliper=0.05)
        assert links(m) == links(again)
    assert counts["ps"] != counts["logit_ps"]


# -------------------------------------------------------- ratio, replace and their weights

@pytest.fixture(scope="module")
def five():
    """Treated at 0 (row 0) and 1 (row 1); controls at 0.1, 0.2, 1.1 and 5."""
    return (pd.DataFrame({"treated": [1, 1, 0, 0, 0, 0]}),
            np.array([0.0, 1.0, 0.1, 0.2, 1.1, 5.0]))


def test_ratio_two_with_replacement_weights_and_ess(five):
    df, d = five
    m = quiet_match(df, "treated", distance=d, ratio=2, replace=True)
    # 0 takes 0.1 and 0.2; 1 takes 1.1 and then 0.2 (0.8 away, nearer than 0.1 at 0.9).
    assert links(m) == [(0, 2), (0, 3), (1, 3), (1, 4)]
    # Raw control weights 1/2, 1/2 + 1/2, 1/2 (sum 2), scaled to the 3 distinct controls.
    np.testing.assert_allclose(m.weights.to_numpy(), [1, 1, 0.75, 1.5, 0.75, 0], rtol=1e-12)
    np.testing.assert_allclose(m.pairs.distance, [0.1, 0.2, 0.1, 0.8], rtol=1e-12)
    assert m.subclass.isna().all()  # no subclasses when controls are reused (as MatchIt)
    s = m.summary()
    assert s.loc["Matched (ESS)", "Control"] == pytest.approx(round(9 / 3.375, 2))
    assert s.loc["Matched (ESS)", "Treated"] == 2
    assert s.loc["Matched", "Control"] == 3 and s.loc["Unmatched", "Control"] == 1
    assert s.loc["All", "Control"] == 4 and s.loc["All", "Treated"] == 2
    md = m.matched_data
    assert md.index.tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(md.weights, [1, 1, 0.75, 1.5, 0.75])
    np.testing.assert_allclose(md.distance, d[:5])
    assert m.meta["options"]["order"] == "data"


def test_ratio_two_without_replacement_unequal_k(five):
    """Treated 1 (largest) goes first in each round; in round two, treated 0's nearest free
    control (5) is outside the caliper, so it keeps one control: weights 1/2, 1/2, 1."""
    df, d = five
    cal = 1.0  # SD of d (n - 1) is about 1.87: the absolute caliper is about 1.87
    m = quiet_match(df, "treated", distance=d, ratio=2, caliper=cal)
    assert m.meta["options"]["caliper_abs"] == pytest.approx(np.std(d, ddof=1))
    assert links(m) == [(0, 2), (1, 3), (1, 4)]
    np.testing.assert_allclose(m.weights.to_numpy(), [1, 1, 1.5, 0.75, 0.75, 0], rtol=1e-12)
    # Subclasses: one per treated unit, in matching order (1 first).
    assert m.subclass.tolist()[:5] == [2, 1, 2, 1, 1] and np.isnan(m.subclass.iloc[5])
    s = m.summary()
    assert s.loc["Matched (ESS)", "Control"] == pytest.approx(round(9 / 3.375, 2))
    # Without the caliper 0 takes 5 in round two: every control weighs 1.
    m = quiet_match(df, "treated", distance=d, ratio=2)
    assert links(m) == [(0, 2), (0, 5), (1, 3), (1, 4)]
    np.testing.assert_allclose(m.weights.to_numpy(), np.ones(6))
    assert m.summary().loc["Matched (ESS)", "Control"] == 4


def test_effective_sample_size_by_hand():
    assert effective_sample_size(np.array([1.0, 1.0, 2.0, 0.0])) == pytest.approx(16 / 6)
    assert effective_sample_size(np.array([0.0, 0.0])) == 0.0
    assert effective_sample_size(np.array([3.0])) == 1.0


def test_atc_weights_give_treated_units_the_weights(five):
    """ATC: controls are the focal units (weight 1) and treated units are matched to them."""
    df, d = five
    df = df.assign(treated=1 - df.treated)  # now 2 controls and 4 treated
    m = quiet_match(df, "treated", distance=d, ratio=2, replace=True, estimand="ATC")
    assert links(m) == [(0, 2), (0, 3), (1, 3), (1, 4)]  # (focal control, treated)
    np.testing.assert_allclose(m.weights.to_numpy(), [1, 1, 0.75, 1.5, 0.75, 0], rtol=1e-12)
    s = m.summary()
    assert s.loc["Matched (ESS)", "Treated"] == pytest.approx(round(9 / 3.375, 2))
    assert s.loc["Matched (ESS)", "Control"] == 2


# ------------------------------------------------------------ Mahalanobis within a caliper

@pytest.fixture(scope="module")
def mahal():
    """Treated rows 0 and 6; on x, z control 2 is nearest to 0, but its score is far. The
    sample SD (n - 1) of the scores is exactly 1."""
    df = pd.DataFrame({"treated": [1, 0, 0, 0, 0, 0, 1],
                       "x": [0.0, 1.0, 0.1, 5.0, 6.0, 7.0, 9.0],
                       "z": [0.0, 1.0, 0.0, -5.0, 3.0, 8.0, 1.0]})
    score = np.array([0.0, 0.25, 1.5, 1.0, 1.25, 1.75, 3.0])
    assert np.std(score, ddof=1) == 1.0
    return df, score


def pooled_mahalanobis(df, a, b):
    """Mahalanobis distance of rows a and b with the pooled within-group covariance."""
    x = df[["x", "z"]].to_numpy()
    t = df.treated.to_numpy() == 1
    centred = x.copy()
    centred[t] -= x[t].mean(axis=0)
    centred[~t] -= x[~t].mean(axis=0)
    cov = centred.T @ centred / (len(x) - 2)
    diff = x[a] - x[b]
    return float(np.sqrt(diff @ np.linalg.solve(cov, diff)))


def greedy_by_hand(df, score, caliper, replace):
    """Treated in descending score (data order with replacement), each taking the
    Mahalanobis-nearest control whose score is within the caliper."""
    treated = [0, 6] if replace else [6, 0]
    free, out = [1, 2, 3, 4, 5], {}
    for t in treated:
        ok = [c for c in free if caliper is None or abs(score[t] - score[c]) <= caliper]
        if ok:
            out[t] = min(ok, key=lambda c: pooled_mahalanobis(df, t, c))
            if not replace:
                free.remove(out[t])
    return out


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("caliper", [None, 0.25, 0.25 - 1e-9, 1.25, 1.5, 3.0])
def test_mahalanobis_within_a_score_caliper(mahal, replace, caliper):
    df, score = mahal
    m = quiet_match(df, "treated", distance=score, mahvars=["x", "z"], replace=replace,
                    caliper=caliper)
    expected = greedy_by_hand(df, score, caliper, replace)
    assert dict(links(m)) == expected
    for t, c, d in zip(m.pairs.treated_id, m.pairs.control_id, m.pairs.distance, strict=True):
        assert d == pytest.approx(pooled_mahalanobis(df, t, c), rel=1e-10)
    if caliper is not None:
        assert m.meta["options"]["caliper_abs"] == caliper


def test_mahalanobis_caliper_hand_numbers(mahal):
    """The cases above, spelt out: without a caliper 0 takes 2 (nearest on x and z); with
    caliper 0.25 (exactly |0 - 0.25|) it takes 1, the only control within reach; just
    below, nobody is matched; at 1.25 the score 3 unit reaches 1.75 (row 5)."""
    df, score = mahal
    assert greedy_by_hand(df, score, None, False)[0] == 2
    assert greedy_by_hand(df, score, 0.25, False) == {0: 1}
    assert greedy_by_hand(df, score, 0.25 - 1e-9, False) == {}
    assert greedy_by_hand(df, score, 1.25, False) == {6: 5, 0: 1}


def test_mahalanobis_distance_alone_uses_the_pooled_covariance(mahal):
    df, _ = mahal
    m = quiet_match(df, "treated", ["x", "z"], distance="mahalanobis")
    assert m.distance_ is None
    expected = {t: min(range(1, 6), key=lambda c: pooled_mahalanobis(df, t, c)) for t in (0, 6)}
    assert dict(links(m)) == expected
    for t, c, d in zip(m.pairs.treated_id, m.pairs.control_id, m.pairs.distance, strict=True):
        assert d == pytest.approx(pooled_mahalanobis(df, t, c), rel=1e-10)


# ---------------------------------------------------------------------- matching order

@pytest.fixture(scope="module")
def order_case():
    """Treated at 0.5 (row 0) and 0.6 (row 1); controls at 0.55 and 0.0."""
    return pd.DataFrame({"treated": [1, 1, 0, 0]}), np.array([0.5, 0.6, 0.55, 0.0])


@pytest.mark.parametrize("order,expected", [
    ("largest", [(0, 3), (1, 2)]),   # 0.6 first takes 0.55
    ("smallest", [(0, 2), (1, 3)]),  # 0.5 first takes 0.55
    ("data", [(0, 2), (1, 3)]),      # row 0 (0.5) first
])
def test_order_decides_who_gets_the_shared_control(order_case, order, expected):
    df, d = order_case
    m = quiet_match(df, "treated", distance=d, order=order)
    assert links(m) == expected
    first = 1 if order == "largest" else 0
    assert m.pairs.treated_id.iloc[0] == first  # pairs (and subclasses) in matching order
    assert m.meta["options"]["order"] == order


def test_data_order_is_not_score_order():
    df = pd.DataFrame({"treated": [1, 1, 0, 0]})
    d = np.array([0.6, 0.5, 0.55, 0.0])
    assert links(quiet_match(df, "treated", distance=d, order="data")) == [(0, 2), (1, 3)]
    assert links(quiet_match(df, "treated", distance=d, order="smallest")) == [(0, 3), (1, 2)]


def test_random_order_follows_the_seed(order_case):
    df, d = order_case
    seen = set()
    for seed in range(12):
        m = quiet_match(df, "treated", distance=d, order="random", random_state=seed)
        first = int(np.random.default_rng(seed).permutation([0, 1])[0])
        assert m.pairs.treated_id.iloc[0] == first  # numpy's permutation of the treated
        assert links(m) == ([(0, 2), (1, 3)] if first == 0 else [(0, 3), (1, 2)])
        seen.add(first)
        again = quiet_match(df, "treated", distance=d, order="random", random_state=seed)
        assert links(again) == links(m)
    assert seen == {0, 1}


def test_constant_mahalanobis_covariate_is_dropped_and_noted(mahal):
    df, score = mahal
    m = quiet_match(df.assign(c=1.0), "treated", distance=score, mahvars=["x", "z", "c"])
    assert dict(links(m)) == greedy_by_hand(df, score, None, False)
    assert m.meta["options"]["dropped_covariates"] == {"c": "constant (1.0)"} or \
        list(m.meta["options"]["dropped_covariates"]) == ["c"]
    assert any("c (constant" in note for note in m.notes)


def optimal_by_hand(df, score, caliper):
    """Every assignment of distinct controls (or none) to treated 0 and 6 within the score
    caliper: the most pairs, then the least total Mahalanobis distance."""
    best = None
    options = [None, 1, 2, 3, 4, 5]
    for a in options:
        for b in options:
            if a is not None and a == b:
                continue
            pairs = {t: c for t, c in ((0, a), (6, b)) if c is not None
                     and (caliper is None or abs(score[t] - score[c]) <= caliper)}
            if len(pairs) < sum(c is not None for c in (a, b)):
                continue
            key = (-len(pairs), sum(pooled_mahalanobis(df, t, c) for t, c in pairs.items()))
            if best is None or key < best[0]:
                best = (key, pairs)
    return best[1]


@pytest.mark.parametrize("caliper", [None, 0.25, 0.25 - 1e-9, 1.25, 1.5])
def test_optimal_mahalanobis_within_a_score_caliper(mahal, caliper):
    """Optimal matching on the Mahalanobis distance keeps the propensity caliper too: no
    pair may differ by more than the caliper on the score."""
    df, score = mahal
    m = quiet_match(df, "treated", distance=score, mahvars=["x", "z"], caliper=caliper,
                    method="optimal")
    assert dict(links(m)) == optimal_by_hand(df, score, caliper)
    gaps = np.abs(score[m.pairs.treated_id] - score[m.pairs.control_id])
    if caliper is not None:
        assert (gaps <= caliper).all()
    for t, c, d in zip(m.pairs.treated_id, m.pairs.control_id, m.pairs.distance, strict=True):
        assert d == pytest.approx(pooled_mahalanobis(df, t, c), rel=1e-10)


def test_optimal_cost_matrix_bound(monkeypatch):
    """2 treated x ratio 2 x 3 controls = 12 cells: refused only above the bound."""
    import evaltools.matching.optimal as opt
    from evaltools.exceptions import EvaltoolsInputError

    score = np.array([0.0, 1.0, 0.1, 0.9, 2.0])
    monkeypatch.setattr(opt, "_MAX_CELLS", 12)
    t, c, _ = opt.optimal_match(score[:, None], np.array([0, 1]), np.array([2, 3, 4]), 2, None)
    assert len(t) == 3
    monkeypatch.setattr(opt, "_MAX_CELLS", 11)
    with pytest.raises(EvaltoolsInputError, match=r"Optimal matching of 2 treated x 2 to 3 "
                                                  r"controls needs a dense cost matrix"):
        opt.optimal_match(score[:, None], np.array([0, 1]), np.array([2, 3, 4]), 2, None)
