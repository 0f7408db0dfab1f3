"""Weighting (ipw, entropy_balance, WeightResult): weights, their summaries and the options
that change them, in cases built so that a one-line bug changes a number (found by mutation
testing, ``make mutation``).

Independent computations: the propensity model refitted with statsmodels' ``Logit``
(maximum likelihood, as R's ``glm(binomial)``); WeightIt's definitions of ATT / ATE /
stabilised weights (``?get_w_from_ps``); trimming at a quantile of each group's weights
(WeightIt's ``trim(at = q)``); Kish's effective sample size (sum w)^2 / sum w^2;
entropy balancing's defining constraints (Hainmueller 2012: controls' weighted means equal
the treated means, control weights sum to the number of controls, weights of the form
exp(x'gamma)).
"""

import os
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import evaltools as et
from evaltools.exceptions import ConvergenceWarning, DataWarning, ParameterError
from evaltools.weighting import entropy_weights

# mutmut calls every mutated function through a trampoline, which adds frames: warnings'
# stacklevels cannot be checked there.
UNDER_MUTMUT = "MUTANT_UNDER_TEST" in os.environ


@pytest.fixture(scope="module")
def df():
    rng = np.random.default_rng(42)
    n = 300
    d = pd.DataFrame({"x": rng.normal(size=n), "z": rng.binomial(1, 0.4, n)})
    d["treated"] = (rng.random(n) < 1 / (1 + np.exp(0.3 - 0.9 * d.x - 0.6 * d.z))).astype(int)
    d["y"] = 1 + d.x + d.z + 2 * d.treated + rng.normal(size=n)
    return d


def logit_p(d, cols=("x", "z")):
    x = sm.add_constant(d[list(cols)].astype(float))
    fit = sm.Logit(d.treated.astype(float), x).fit(disp=0, tol=1e-12)
    return fit.predict(x).to_numpy(), fit.params.to_numpy()


def test_att_weights_and_propensity_model_against_statsmodels(df):
    p, coef = logit_p(df)
    t = df.treated.to_numpy() == 1
    w = et.weighting.ipw(df, "treated", ["x", "z"])
    np.testing.assert_allclose(w.weights, np.where(t, 1.0, p / (1 - p)), rtol=1e-7)
    assert w.weights.index.equals(df.index)
    prop = w.propensity
    assert prop["kind"] == "logistic" and prop["estimand"] == "ATT"
    assert prop["stabilize"] is False
    assert prop["terms"] == ["(Intercept)", "x", "z"]
    np.testing.assert_allclose(prop["coef"], coef, rtol=1e-6)
    np.testing.assert_array_equal(prop["x"], np.column_stack([np.ones(len(df)), df.x, df.z]))
    assert (w.estimand, w.method, w.treatment) == ("ATT", "inverse probability weighting",
                                                   "treated")
    assert w.meta["options"] == dict(estimand="ATT", stabilize=False, trim=None,
                                     dropped_covariates=None)
    np.testing.assert_allclose(w.weighted_data["weights"], w.weights)


@pytest.mark.parametrize("stabilize", [False, True])
def test_ate_weights_stabilised_or_not(df, stabilize):
    """ATE: 1/p and 1/(1-p); stabilised, times P(T=1) and P(T=0)."""
    p, _ = logit_p(df)
    t = df.treated.to_numpy() == 1
    w = et.weighting.ipw(df, "treated", ["x", "z"], estimand="ATE", stabilize=stabilize)
    want = np.where(t, 1 / p, 1 / (1 - p))
    if stabilize:
        want *= np.where(t, t.mean(), 1 - t.mean())
    np.testing.assert_allclose(w.weights, want, rtol=1e-7)
    assert w.propensity["stabilize"] is stabilize
    assert w.propensity["estimand"] == "ATE" and w.estimand == "ATE"


def test_stabilize_is_ignored_for_the_att(df):
    with pytest.warns(DataWarning, match=r"'stabilize' parameter of ipw is ignored: ATT weights"):
        w = et.weighting.ipw(df, "treated", ["x", "z"], stabilize=True)
    np.testing.assert_allclose(w.weights, et.weighting.ipw(df, "treated", ["x", "z"]).weights)
    assert w.propensity["stabilize"] is False


@pytest.mark.parametrize("estimand", ["ATT", "ATE"])
def test_trimming_caps_each_group_at_its_quantile(df, estimand):
    plain = et.weighting.ipw(df, "treated", ["x", "z"], estimand=estimand).weights.to_numpy()
    t = df.treated.to_numpy() == 1
    w = et.weighting.ipw(df, "treated", ["x", "z"], estimand=estimand, trim=0.9)
    want = plain.copy()
    for g in (t, ~t):
        want[g] = np.minimum(plain[g], np.quantile(plain[g], 0.9))
    np.testing.assert_allclose(w.weights, want, rtol=1e-12)
    assert (w.weights.to_numpy() < plain).any()
    assert w.propensity is None  # trimmed weights no longer follow their model
    # trim must lie in (0.5, 1]: 1 keeps every weight.
    np.testing.assert_allclose(et.weighting.ipw(df, "treated", ["x", "z"], estimand=estimand,
                                                trim=1).weights, plain, rtol=1e-12)
    with pytest.raises(ParameterError, match=r"'trim' parameter of ipw"):
        et.weighting.ipw(df, "treated", ["x", "z"], trim=0.5)


def test_summary_effective_sizes_and_notes(df):
    w = et.weighting.ipw(df, "treated", ["x", "z"])
    t = df.treated.to_numpy() == 1
    v = w.weights.to_numpy()
    s = w.summary()
    assert list(s.index) == ["Control", "Treated"]
    assert s.loc["Control", "n"] == (~t).sum() and s.loc["Treated", "n"] == t.sum()
    kish = v[~t].sum() ** 2 / (v[~t] ** 2).sum()
    assert s.loc["Control", "effective n"] == pytest.approx(kish, rel=1e-12)
    assert s.loc["Treated", "effective n"] == pytest.approx(t.sum(), rel=1e-12)
    assert s.loc["Control", "max weight"] == pytest.approx(v[~t].max(), rel=1e-12)
    assert s.loc["Treated", "max weight"] == 1.0
    notes = w._notes()
    assert notes[0].startswith("Method: inverse probability weighting; estimand ATT; options")
    assert "'stabilize': False" in notes[0]
    assert notes[-1] == "Estimates assume no unmeasured confounding given the covariates."
    assert str(w).startswith("Weighting")


def test_balance_uses_the_weights_estimand_and_thresholds(df):
    w = et.weighting.ipw(df, "treated", ["x", "z"], estimand="ATE")
    bt = w.balance(thresholds={"smd": 0.05, "var_ratio": 1.5})
    ref = et.balance_table(df, "treated", ["x", "z"], weights=w.weights.to_numpy(),
                           estimand="ATE", thresholds={"smd": 0.05, "var_ratio": 1.5})
    pd.testing.assert_frame_equal(bt.table, ref.table)
    assert bt.estimand == "ATE" and bt.thresholds == {"smd": 0.05, "var_ratio": 1.5}
    assert bt.weighted
    # Other covariates than the weighting ones, by name.
    only_x = w.balance(["x"]).table
    assert list(only_x.index) == ["x"]
    assert only_x.loc["x", "smd_after"] == pytest.approx(ref.table.loc["x", "smd_after"])
    with pytest.raises(ParameterError, match=r"WeightResult.balance\(\) takes covariates"):
        w.balance(weights=np.ones(len(df)))


def test_entropy_balance_constraints_and_model(df):
    eb = et.weighting.entropy_balance(df, "treated", ["x", "z"])
    t = df.treated.to_numpy() == 1
    v = eb.weights.to_numpy()
    x = df[["x", "z"]].to_numpy(float)
    np.testing.assert_allclose(v[t], 1.0)
    assert v[~t].sum() == pytest.approx((~t).sum(), rel=1e-10)
    np.testing.assert_allclose(v[~t] @ x[~t] / v[~t].sum(), x[t].mean(axis=0), atol=1e-8)
    prop = eb.propensity
    assert prop["kind"] == "entropy" and prop["estimand"] == "ATT" and prop["tol"] == 1e-8
    assert prop["terms"] == ["(Intercept)", "x", "z"] and prop["stabilize"] is False
    np.testing.assert_allclose(np.exp(prop["x"][~t] @ prop["coef"]), v[~t], rtol=1e-10)
    assert (eb.estimand, eb.method) == ("ATT", "entropy balancing")
    assert eb.meta["options"]["moments"] == 1 and eb.meta["options"]["iterations"] >= 1
    # Entropy balancing is the minimum-KL solution: among weights meeting the constraints,
    # a perturbation along the constraints' null space only increases sum w log w.
    kl = np.sum(v[~t] * np.log(v[~t]))
    basis = np.column_stack([np.ones((~t).sum()), x[~t]])
    step = np.random.default_rng(0).normal(size=(~t).sum())
    step -= basis @ np.linalg.lstsq(basis, step, rcond=None)[0]
    other = v[~t] + 1e-3 * step
    assert np.sum(other * np.log(other)) > kl


def test_entropy_balance_second_moments_and_binary_squares(df):
    eb = et.weighting.entropy_balance(df, "treated", ["x", "z"], moments=2)
    t = df.treated.to_numpy() == 1
    v = eb.weights.to_numpy()
    # z is 0/1: its square is z itself and is not balanced twice.
    assert eb.propensity["terms"] == ["(Intercept)", "x", "z", "(x)^2"]
    for col in (df.x, df.z, df.x**2):
        assert np.average(col[~t], weights=v[~t]) == pytest.approx(col[t].mean(), abs=1e-7)
    assert eb.meta["options"]["moments"] == 2


def test_entropy_weights_direct():
    """Four units by hand: the two controls (x = 1 and 3) must average the treated mean
    2.25 with weights summing to 2: w = (0.75, 1.25), and log(w) is linear in x."""
    x = np.array([[1.0], [2.0], [3.0], [2.5]])
    w, coef, nit, gap = entropy_weights(x, np.array([False, True, False, True]))
    np.testing.assert_allclose(w, [0.75, 1.0, 1.25, 1.0], rtol=1e-8)
    np.testing.assert_allclose(coef, [np.log(0.75) - (np.log(1.25 / 0.75) / 2),
                                      np.log(1.25 / 0.75) / 2], rtol=1e-7)
    assert gap < 1e-8 and nit >= 1


def test_entropy_balance_names_what_it_cannot_reach():
    """A treated mean outside the controls' range cannot be reached: the warning names
    that covariate, its remaining gap in SDs, and says it lies outside the range; a
    covariate that is balanced is not named."""
    d = pd.DataFrame({"treated": [1, 1, 1, 0, 0, 0, 0, 0, 0],
                      "x": [5.0, 6.0, 7.0, 0.0, 1.0, 2.0, 0.5, 1.5, 2.5],
                      "z": [0.0, 1.0, 0.5, 0.0, 1.0, 0.0, 1.0, 0.5, 0.5]})
    with pytest.warns(ConvergenceWarning) as caught:
        et.weighting.entropy_balance(d, "treated", ["x", "z"])
    msg = str(caught[0].message)
    assert "did not reach exact balance on ['x (" in msg and "SD)']" in msg
    assert "the treated mean of ['x'] lies outside the controls' range" in msg
    # An exactly reachable problem gives no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        et.weighting.entropy_balance(d.assign(x=[1.0, 2.0, 1.5, 0.0, 1.0, 2.0, 0.5, 1.5, 2.5]),
                                     "treated", ["x", "z"])


def test_entropy_balance_tolerance_bounds(df):
    et.weighting.entropy_balance(df, "treated", ["x"], tol=1e-3)  # the upper bound is allowed
    with pytest.raises(ParameterError, match=r"'tol' parameter of entropy_balance"):
        et.weighting.entropy_balance(df, "treated", ["x"], tol=0)
    with pytest.raises(ParameterError, match=r"'moments' parameter of entropy_balance"):
        et.weighting.entropy_balance(df, "treated", ["x"], moments=3)


def test_covariates_are_required(df):
    for bad in (None, "  "):
        with pytest.raises(ParameterError, match=r"'covariates' parameter of ipw must be a list"):
            et.weighting.ipw(df, "treated", bad)


@pytest.mark.skipif(UNDER_MUTMUT, reason="mutmut adds stack frames")
def test_weighting_warnings_point_at_one_frame(df):
    """ipw's warnings (a replaced 'weights' column, an ignored option) name the caller's line."""
    with pytest.warns(Warning) as caught:
        et.weighting.ipw(df.assign(weights=1.0), "treated", ["x", "z"])
        et.weighting.ipw(df, "treated", ["x", "z"], stabilize=True)
        et.weighting.entropy_balance(df.assign(weights=1.0), "treated", ["x", "z"])
    assert len(caught) == 3
    files = {w.filename for w in caught}
    assert files == {__file__}, files


def test_one_group_only_is_refused(df):
    with pytest.raises(et.exceptions.SchemaError, match=r"Column 'treated' of the data table "
                                                        r"must have both treated"):
        et.weighting.ipw(df.assign(treated=1), "treated", ["x"])


def test_a_weights_column_in_the_data_is_said_to_be_replaced(df):
    with pytest.warns(DataWarning, match=r"ipw: data column\(s\) \['weights'\] will be replaced"):
        w = et.weighting.ipw(df.assign(weights=5.0), "treated", ["x", "z"])
    assert (w.weighted_data["weights"] != 5.0).all()


def test_a_repeated_treatment_column_is_refused(df):
    d = pd.concat([df, df[["treated"]]], axis=1)
    with pytest.raises(et.exceptions.SchemaError, match=r"The data table has 1 duplicate "
                                                        r"column name\(s\)"):
        et.weighting.ipw(d, "treated", ["x", "z"])


def test_imbalance_inside_every_range_is_not_called_outside():
    """Controls on the diagonal (0, 0) and (1, 1) cannot average to the treated mean (1, 0),
    though each coordinate lies within the controls' range: the warning names both
    covariates' gaps and says nothing of ranges. A treated mean beyond the range of one
    covariate names only that covariate as outside."""
    d = pd.DataFrame({"treated": [1, 1, 0, 0, 0, 0], "x": [1.0, 1.0, 0.0, 1.0, 0.0, 1.0],
                      "z": [0.0, 0.0, 0.0, 1.0, 0.0, 1.0]})
    with pytest.warns(ConvergenceWarning) as caught:
        et.weighting.entropy_balance(d, "treated", ["x", "z"])
    msg = str(caught[0].message)
    assert re.search(r"did not reach exact balance on \['x \([0-9.e+-]+ SD\)', "
                     r"'z \([0-9.e+-]+ SD\)'\] \(poor overlap\)", msg), msg
    assert "outside" not in msg


def test_only_the_unbalanced_covariate_is_named():
    d = pd.DataFrame({"treated": [1, 1, 1, 0, 0, 0, 0, 0, 0],
                      "x": [5.0, 6.0, 7.0, 0.0, 1.0, 2.0, 0.5, 1.5, 2.5],
                      "z": [0.0, 1.0, 0.5, 0.0, 1.0, 0.0, 1.0, 0.5, 0.5]})
    with pytest.warns(ConvergenceWarning) as caught:
        et.weighting.entropy_balance(d, "treated", ["x", "z"])
    msg = str(caught[0].message)
    assert re.search(r"on \['x \([0-9.e+-]+ SD\)'\]; the treated mean of \['x'\] lies "
                     r"outside the controls' range", msg), msg
