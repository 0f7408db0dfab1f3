"""Regression to the mean for counts: the gamma-Poisson model's probabilities, its
shrinkage formula, the exact sums over selection rules at their boundaries, simulation
moments and the method-of-moments fit, each against an independent computation (found by
mutation testing, ``make mutation``).

Independent references: the negative binomial probability written out from gamma
functions (a Poisson count whose rate is Gamma(shape k, mean mu)); the conjugate posterior
mean of a gamma rate after a Poisson count, (k + y) / (k / mu + 1) (e.g. Gelman et al.,
Bayesian Data Analysis, 3rd ed., section 2.6); the law of total expectation; the moments
of the model (mean mu, variance mu + mu^2 / k, covariance of two periods rho mu^2 / k);
selection sums written as plain loops over the support; sample moments from numpy.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

import evaltools as et
from evaltools.exceptions import ParameterError, SchemaError
from evaltools.rtm import counts as counts_module

MU, K, RHO = 0.8, 1.5, 0.4
MODEL = et.rtm.CountModel(mean=MU, dispersion=K, stability=RHO)
Y = np.arange(400)


def nb_pmf(y, mu, k):
    """Gamma-Poisson mixture: Gamma(y + k) / (Gamma(k) y!) (k/(k+mu))^k (mu/(k+mu))^y."""
    y = np.asarray(y, float)
    return np.exp(special.gammaln(y + k) - special.gammaln(k) - special.gammaln(y + 1)
                  + k * np.log(k / (k + mu)) + y * np.log(mu / (k + mu)))


def shrunk(y, mu, k, rho):
    """E[Y2 | Y1 = y]: the stable share rho of the rate keeps its posterior mean
    (k + y) / (k / mu + 1); the rest is a new draw with mean mu."""
    return rho * (k + y) / (k / mu + 1) + (1 - rho) * mu


def by_loop(weight_of_y, mu=MU, k=K, rho=RHO):
    p = nb_pmf(Y, mu, k)
    w = np.array([weight_of_y(y) for y in Y], float)
    mass = (p * w).sum()
    return ((p * w * Y).sum() / mass, (p * w * shrunk(Y, mu, k, rho)).sum() / mass, mass)


def top_weights(top, mu=MU, k=K):
    """Fill the top share from the highest count down; the last count is split."""
    p = nb_pmf(Y, mu, k)
    weights, left = np.zeros(len(Y)), top
    for y in Y[::-1]:
        take = min(p[y], left)
        weights[y] = take / p[y] if p[y] > 0 else 0.0
        left -= take
    return weights


def test_probabilities_variance_and_shrinkage():
    np.testing.assert_allclose(MODEL.pmf(np.arange(30)), nb_pmf(np.arange(30), MU, K),
                               rtol=1e-10)
    assert MODEL.variance == pytest.approx(MU + MU**2 / K, rel=1e-12)
    assert et.rtm.CountModel(2.0, 4.0, 0.5).variance == 3.0
    # Hand value: mu 0.5, k 2, rho 0.6, y 3: 0.6 (2 + 3) / (4 + 1) + 0.4 * 0.5 = 0.8.
    assert et.rtm.CountModel(0.5, 2.0, 0.6).expected_next(3) == pytest.approx(0.8)
    np.testing.assert_allclose(MODEL.expected_next(Y[:50]), shrunk(Y[:50], MU, K, RHO),
                               rtol=1e-12)
    # Law of total expectation: averaged over this period's counts, next period's mean is mu.
    p = nb_pmf(Y, MU, K)
    assert (p * MODEL.expected_next(Y)).sum() == pytest.approx(MU, rel=1e-10)


def test_support_reaches_the_far_tail():
    y = MODEL.support()
    top = stats.nbinom.isf(1e-13, K, K / (K + MU))
    assert y[0] == 0 and y[-1] == int(top) + 1 and len(y) == int(top) + 2
    assert 1 - nb_pmf(y, MU, K).sum() < 1e-13


@pytest.mark.parametrize("threshold", [0, 1, 2, 2.5, 3, 5])
def test_threshold_rule_sums(threshold):
    """At least ``threshold`` events: y >= 3 includes 3 (a count at the threshold is
    selected); a threshold of 2.5 selects from 3."""
    selected, after, mass = by_loop(lambda y: y >= threshold)
    est = et.rtm.expected_rtm_counts(MODEL, threshold=threshold)
    assert est.selected_mean == pytest.approx(selected, rel=1e-9)
    assert est.expected_after == pytest.approx(after, rel=1e-9)
    assert est.change == pytest.approx(after - selected, rel=1e-9)
    assert est.inputs["selected_share"] == pytest.approx(mass, rel=1e-9)
    assert est.inputs == dict(mean=MU, dispersion=K, stability=RHO, threshold=threshold,
                              top=None, selected_share=est.inputs["selected_share"])
    assert est.model.startswith("negative binomial")


def test_threshold_zero_is_everyone():
    est = et.rtm.expected_rtm_counts(MODEL, threshold=0)
    assert est.selected_mean == pytest.approx(MU, rel=1e-10)
    assert est.expected_after == pytest.approx(MU, rel=1e-10)
    assert est.inputs["selected_share"] == pytest.approx(1, rel=1e-12)


@pytest.mark.parametrize("top", [0.01, 0.05, 0.2, 0.5, 1.0])
def test_top_share_rule_sums(top):
    """The top share by count, ties at the last count split at random: filled from the
    highest count down."""
    w = top_weights(top)
    selected, after, mass = by_loop(lambda y: w[y])
    est = et.rtm.expected_rtm_counts(MODEL, top=top)
    assert mass == pytest.approx(top, rel=1e-9)
    assert est.inputs["selected_share"] == pytest.approx(top, rel=1e-9)
    assert est.selected_mean == pytest.approx(selected, rel=1e-9)
    assert est.expected_after == pytest.approx(after, rel=1e-9)


def test_selection_weights_of_the_top_share():
    w = counts_module.selection_weights(MODEL, Y, top=0.2)
    np.testing.assert_allclose(w, top_weights(0.2), atol=1e-12)
    assert set(np.round(w[w % 1 != 0], 6)) != set()  # one count is split
    np.testing.assert_array_equal(counts_module.selection_weights(MODEL, Y, threshold=2),
                                  (Y >= 2).astype(float))


@pytest.mark.parametrize("rho", [0.0, 1.0])
def test_stability_limits(rho):
    """rho 0: everyone regresses to mu; rho 1: the Bayes shrinkage of a stable rate."""
    model = et.rtm.CountModel(MU, K, rho)
    est = et.rtm.expected_rtm_counts(model, threshold=3)
    selected, after, _ = by_loop(lambda y: y >= 3, rho=rho)
    assert est.expected_after == pytest.approx(after, rel=1e-9)
    if rho == 0:
        assert est.expected_after == pytest.approx(MU, rel=1e-9)


@pytest.mark.parametrize("kwargs,match", [
    (dict(), r"exactly one selection rule"),
    (dict(threshold=2, top=0.1), r"exactly one selection rule"),
    (dict(threshold=-1), r"'threshold' parameter of expected_rtm_counts"),
    (dict(top=0.0), r"'top' parameter of expected_rtm_counts"),
    (dict(top=1.01), r"'top' parameter"),
    (dict(threshold=60), r"Nobody in the population passes the rule \(threshold=60, "
                         r"top=None\) under a mean of 0.8"),
], ids=["none", "both", "negative", "top-0", "top-above-1", "nobody"])
def test_rule_refusals(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        et.rtm.expected_rtm_counts(MODEL, **kwargs)


@pytest.mark.parametrize("kwargs,match", [
    (dict(mean=0.0), r"'mean' parameter of CountModel"),
    (dict(dispersion=-1.0), r"'dispersion' parameter of CountModel"),
    (dict(stability=-0.1), r"'stability' parameter of CountModel"),
    (dict(mean=np.inf), r"'mean' parameter of CountModel must be a float in \(0, inf\)"),
], ids=["mean-0", "dispersion-neg", "stability-neg", "mean-inf"])
def test_model_refusals(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        et.rtm.CountModel(**(dict(mean=MU, dispersion=K, stability=RHO) | kwargs))


def test_model_allows_its_limits():
    assert et.rtm.CountModel(MU, K, 0.0).stability == 0.0
    assert et.rtm.CountModel(MU, K, 1.0).stability == 1.0


@pytest.mark.parametrize("y,match", [
    ([1, -1], r"'y' parameter of CountModel.pmf must be finite counts >= 0; 1 value\(s\) "
              r"are not, e.g. \[-1.0\]"),
    ([np.nan, 2], r"1 value\(s\) are not, e.g. \[nan\]"),
    (["a"], r"'y' parameter of CountModel.pmf must be counts \(numbers >= 0\). Got \['a'\]"),
], ids=["negative", "nan", "text"])
def test_counts_are_checked(y, match):
    with pytest.raises(ParameterError, match=match):
        MODEL.pmf(y)
    with pytest.raises(ParameterError, match=r"CountModel.expected_next"):
        MODEL.expected_next(y)


def test_support_limit_is_stated_with_the_figures():
    huge = et.rtm.CountModel(mean=3e5, dispersion=0.5, stability=0.5)
    with pytest.raises(ParameterError, match=r"\(mean 300000, dispersion 0.5\) puts counts up "
                                             r"to about [\d,]+ within reach"):
        huge.support()
    assert len(et.rtm.CountModel(mean=5e4, dispersion=2, stability=0.5).support()) < 2_000_000


@pytest.mark.parametrize("rho", [0.0, 0.4, 1.0])
def test_simulated_counts_have_the_model_moments(rho):
    """300,000 people x 2 periods (seed 11): mean mu, variance mu + mu^2/k, covariance of
    the two periods rho mu^2 / k; tolerance four Monte Carlo SEs (the SE of a variance or
    covariance from the fourth moments, estimated from the sample itself)."""
    model = et.rtm.CountModel(MU, K, rho)
    y = model.simulate(300_000, random_state=11)
    assert y.shape == (300_000, 2)
    n = len(y)
    for t in range(2):
        v = y[:, t]
        assert v.mean() == pytest.approx(MU, abs=4 * v.std() / np.sqrt(n))
        se_var = np.std((v - v.mean()) ** 2) / np.sqrt(n)
        assert v.var() == pytest.approx(MU + MU**2 / K, abs=4 * se_var)
    prod = (y[:, 0] - y[:, 0].mean()) * (y[:, 1] - y[:, 1].mean())
    assert prod.mean() == pytest.approx(rho * MU**2 / K, abs=4 * prod.std() / np.sqrt(n))


def test_simulation_shape_and_limits():
    y = MODEL.simulate(7, periods=4, random_state=1)
    assert y.shape == (7, 4) and y.dtype.kind == "i"
    np.testing.assert_array_equal(y, MODEL.simulate(7, periods=4, random_state=1))
    with pytest.raises(ParameterError, match=r"'periods' parameter of CountModel.simulate"):
        MODEL.simulate(7, periods=0)
    with pytest.raises(ParameterError, match=r"'periods' parameter of CountModel.simulate must "
                                             r"be an int in \[1, 1000\]"):
        MODEL.simulate(7, periods=1001)
    with pytest.raises(ParameterError, match=r"'periods' parameter"):
        MODEL.simulate(7, periods=1.5)
    with pytest.raises(ParameterError, match=r"'n' parameter of CountModel.simulate must be an "
                                             r"int in \[1, 1000000000.0\]"):
        MODEL.simulate(2e9)
    with pytest.raises(ParameterError, match=r"'n' parameter of CountModel.simulate"):
        MODEL.simulate(0)
    with pytest.raises(ParameterError, match=r"would draw 200,000,001 counts"):
        MODEL.simulate(200_000_001, periods=1)
    assert MODEL.simulate(1, periods=1000, random_state=0).shape == (1, 1000)


# --- fit_count_model ---------------------------------------------------------------------

def panel_from(y, periods=None, shuffle=None):
    n, t = y.shape
    periods = np.arange(t) if periods is None else np.asarray(periods)
    d = pd.DataFrame({"person_id": np.repeat(np.arange(n), t), "rel_period": np.tile(periods, n),
                      "y": y.ravel()})
    return d.sample(frac=1, random_state=shuffle) if shuffle is not None else d


def moments(y):
    """Method of moments by hand: m the mean count, v the within-period variances (n - 1)
    averaged, c the adjacent-period covariances (n - 1) averaged."""
    m = y.mean()
    v = np.mean([np.var(y[:, t], ddof=1) for t in range(y.shape[1])])
    c = np.mean([np.cov(y[:, t], y[:, t + 1])[0, 1] for t in range(y.shape[1] - 1)])
    return m, m**2 / (v - m), c / (v - m)


def test_fit_by_hand_on_a_small_panel():
    """Five people, three periods, rows shuffled and periods labelled by year (2019-2021):
    adjacent means adjacent in time, not in row order."""
    y = np.array([[0, 1, 0], [2, 3, 1], [0, 0, 0], [5, 4, 1], [1, 0, 3]])
    m, k, rho = moments(y)
    assert 0 < rho < 1
    fit = et.rtm.fit_count_model(panel_from(y, [2019, 2020, 2021], shuffle=3), "y")
    assert (fit.mean, fit.dispersion, fit.stability) == pytest.approx((m, k, rho), rel=1e-12)
    # Hand check of the moments: mean 21/15 = 1.4; period variances 4.3, 3.3, 1.5 (mean
    # 3.0333); covariances of periods (1, 2) and (2, 3): 3.3 and -0.25 (mean 1.525); so
    # k = 1.96 / 1.6333 = 1.2 and rho = 1.525 / 1.6333 = 0.93367.
    assert (m, k, rho) == pytest.approx((1.4, 1.2, 1.525 / (9.1 / 3 - 1.4)), rel=1e-9)


def test_fit_with_unsorted_period_labels():
    y = np.array([[0, 1, 0], [2, 3, 1], [0, 0, 0], [5, 4, 1], [1, 0, 3]])
    order = [2, 0, 1]  # columns given in the order of labels 2021, 2019, 2020
    shuffled = panel_from(y[:, order], [2021, 2019, 2020])
    fit = et.rtm.fit_count_model(shuffled, "y")
    assert fit.stability == pytest.approx(moments(y)[2], rel=1e-12)


def test_fit_clips_the_stability():
    """Counts that alternate (negative covariance) give stability 0; counts more correlated
    than the excess variance allows give 1."""
    alternating = np.array([[0, 4], [4, 0], [0, 4], [4, 0], [1, 1]])
    assert moments(alternating)[2] < 0
    assert et.rtm.fit_count_model(panel_from(alternating), "y").stability == 0.0
    steady = np.array([[0, 1, 0], [2, 3, 1], [0, 0, 0], [5, 4, 6]])
    assert moments(steady)[2] > 1
    assert et.rtm.fit_count_model(panel_from(steady), "y").stability == 1.0


def test_fit_refusals():
    y = np.array([[0, 1], [2, 3], [0, 0], [5, 4]])
    with pytest.raises(SchemaError, match=r"at least two periods in 'rel_period'; found 1"):
        et.rtm.fit_count_model(panel_from(y[:, :1]), "y")
    with pytest.raises(SchemaError, match=r"at least two people in 'person_id' .* found 1"):
        et.rtm.fit_count_model(panel_from(y[:1]), "y")
    with pytest.raises(SchemaError, match=r"unbalanced: 1 person\(s\) lack some periods, e.g. "
                                          r"person_id \[3\]"):
        et.rtm.fit_count_model(panel_from(y).iloc[:-1], "y")
    equal = np.array([[1, 2], [3, 2], [2, 1], [2, 3]])  # variance 0.667 < mean 2
    with pytest.raises(SchemaError, match=r"not over-dispersed \(variance 0.6667 <= mean 2\)"):
        et.rtm.fit_count_model(panel_from(equal), "y")
    # Variance exactly equal to the mean is not over-dispersed either: 0, 1, 2 each period.
    exact = np.array([[0, 0], [1, 1], [2, 2]])
    with pytest.raises(SchemaError, match=r"variance 1 <= mean 1"):
        et.rtm.fit_count_model(panel_from(exact), "y")


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(unit=True), ParameterError, r"'unit' parameter of fit_count_model must be a column "
                                      r"name \(str\). Got True"),
    (dict(time=1.5), ParameterError, r"'time' parameter of fit_count_model"),
    (dict(time="y"), ParameterError, r"three different columns. Got outcome='y', "
                                     r"unit='person_id', time='y'"),
    (dict(time="label"), SchemaError, r"Column 'label' \(time\) of the data must hold period "
                                      r"numbers .* it has dtype"),
    (dict(time="flag"), SchemaError, r"Column 'flag' \(time\) .* dtype bool"),
    (dict(outcome="z"), SchemaError, r"holds complex numbers"),
], ids=["unit-bool", "time-float", "same-columns", "time-text", "time-bool", "complex"])
def test_panel_refusals(kwargs, error, match):
    d = panel_from(np.array([[0, 1], [2, 3], [0, 0], [5, 4]]))
    d["label"] = d["rel_period"].astype(str)
    d["flag"] = d["rel_period"] > 0
    d["z"] = d["y"] + 0j
    args = dict(outcome="y") | kwargs
    with pytest.raises(error, match=match):
        et.rtm.fit_count_model(d, **args)


def test_selection_trajectory_allows_negative_values_but_counts_do_not():
    d = panel_from(np.array([[0, 1], [2, 3], [0, 0], [5, 4]]))
    d.loc[0, "y"] = -1
    with pytest.raises(SchemaError, match=r"must hold counts \(>= 0\); 1 row\(s\) are negative"):
        et.rtm.fit_count_model(d, "y")
    traj = et.rtm.selection_trajectory(d, outcome="y", select_period=0, threshold=2)
    assert traj.n_selected == 2
