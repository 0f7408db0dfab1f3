"""Rate ratios of estimate_att: estimates, log-scale and delta-method standard errors,
negative-binomial dispersion, person-time offsets, zero-weight rows (found by mutation
testing, ``make mutation``).

Independent computations, written here from the definitions:

- the Poisson MLE with a treatment indicator only and offset log(person-time) has the closed
  form rate ratio (sum_t w y / sum_t w T) / (sum_c w y / sum_c w T);
- its HC0 sandwich is (Z' diag(w mu) Z)^-1 (sum_i w_i^2 (y_i - mu_i)^2 z_i z_i')
  (Z' diag(w mu) Z)^-1 (R: ``sandwich::vcovHC(glm(..., weights = w), type = "HC0")``);
  clustered, the meat sums scores within clusters and is scaled by G / (G - 1)
  (``sandwich::vcovCL``'s default for glm, as the effects module states);
- the rate ratio's standard error is exp(b) * se(b) (delta method);
- the negative-binomial (NB2) dispersion is the method-of-moments value
  sum w ((y - mu)^2 - y) / sum w mu^2 from the Poisson fit (E[(y - mu)^2] = mu + a mu^2),
  and the NB2 coefficients solve sum w (y - mu) / (1 + a mu) z = 0 (solved here by Newton's
  method), with the observed-information sandwich.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import evaltools as et
from evaltools.exceptions import DataWarning


@pytest.fixture(scope="module")
def rates():
    """100 people: 40 treated followed for 0.5 or 1 year, 60 controls for 1 or 3 years
    (follow-up differs by group). Controls have 120 events in 120 person-years (unit
    weights) and the treated 21 in 30: the rate ratio is exactly 0.70. Without the offset
    it would be (21/40) / (120/60) = 0.2625."""
    treated = np.r_[np.ones(40), np.zeros(60)].astype(int)
    years = np.r_[np.tile([0.5, 1.0], 20), np.tile([1.0, 3.0], 30)]
    rng = np.random.default_rng(17)
    y = np.zeros(100, int)
    # Events spread unevenly (overdispersed), with fixed totals per group.
    y[:40] = rng.multinomial(21, rng.dirichlet(np.full(40, 0.7) * years[:40]))
    y[40:] = rng.multinomial(120, rng.dirichlet(np.full(60, 0.7) * years[40:]))
    x = rng.normal(size=100) + 0.3 * y
    sets = np.r_[np.arange(40) // 4, np.arange(60) // 6]  # 10 sets: 4 treated + 6 controls
    return pd.DataFrame({"treated": treated, "years": years, "events": y, "x": x,
                         "weights": 1.0, "subclass": sets})


# Treated weight 1, controls' weights vary (as after matching with a ratio).
WEIGHTS = np.r_[np.ones(40), np.tile([0.5, 1.5, 1.0], 20)]


def poisson_two_group(y, t, years, w):
    """Closed-form Poisson fit with a treatment indicator: (log rate ratio, mu)."""
    rate = {g: np.sum(w[t == g] * y[t == g]) / np.sum(w[t == g] * years[t == g])
            for g in (0, 1)}
    mu = years * np.where(t == 1, rate[1], rate[0])
    return np.log(rate[1] / rate[0]), mu


def sandwich(z, w, resid, info_weight, cluster=None):
    """(Z' diag(info) Z)^-1 meat (.)^-1 with scores w * resid * z; clustered meat times
    G / (G - 1)."""
    bread = np.linalg.inv((z * info_weight[:, None]).T @ z)
    scores = (w * resid)[:, None] * z
    if cluster is not None:
        scores = pd.DataFrame(scores).groupby(cluster).sum().to_numpy()
        g = len(scores)
        meat = scores.T @ scores * g / (g - 1)
    else:
        meat = scores.T @ scores
    return bread @ meat @ bread


def test_rate_ratio_is_0_70_with_the_person_time_offset(rates):
    res = et.estimate_att(rates, "events", model="poisson", exposure="years", se="robust")
    assert res.estimate == pytest.approx(0.70, rel=1e-9)
    assert res.scale == "rate ratio" and res.method == "poisson"
    # The same data without the offset compare counts, not rates.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        counts = et.estimate_att(rates, "events", model="poisson", se="robust")
    assert counts.estimate == pytest.approx(0.2625, rel=1e-9)


@pytest.mark.parametrize("se", ["robust", "cluster"])
def test_log_and_delta_method_standard_errors(rates, se):
    """Weighted (controls' weights vary), against the hand sandwich; se = RR * log_se;
    the 95% interval is exp(log RR -/+ 1.96 log_se) and the p-value from z = log RR /
    log_se."""
    d = rates.assign(weights=WEIGHTS)
    res = et.estimate_att(d, "events", model="poisson", exposure="years", se=se)
    y, t, yrs, w = (d[c].to_numpy(float) for c in ("events", "treated", "years", "weights"))
    log_rr, mu = poisson_two_group(y, t, yrs, w)
    z = np.column_stack([np.ones(100), t])
    v = sandwich(z, w, y - mu, w * mu, d.subclass.to_numpy() if se == "cluster" else None)
    log_se = np.sqrt(v[1, 1])
    assert np.log(res.estimate) == pytest.approx(log_rr, rel=1e-9)
    assert res.log_se == pytest.approx(log_se, rel=1e-6)
    assert res.se == pytest.approx(np.exp(log_rr) * log_se, rel=1e-6)
    q = stats.norm.ppf(0.975)
    assert res.ci_low == pytest.approx(np.exp(log_rr - q * log_se), rel=1e-6)
    assert res.ci_high == pytest.approx(np.exp(log_rr + q * log_se), rel=1e-6)
    assert res.p_value == pytest.approx(2 * stats.norm.sf(abs(log_rr) / log_se), rel=1e-5)
    assert res._estimates().log_se.iloc[0] == pytest.approx(log_se, rel=1e-6)
    if se == "robust":  # HC0 for the two-group model: the groups' variances add
        by_group = sum(np.sum((w * (y - mu))[t == g] ** 2) / np.sum((w * mu)[t == g]) ** 2
                       for g in (0, 1))
        assert res.log_se == pytest.approx(np.sqrt(by_group), rel=1e-6)


def test_poisson_with_a_covariate_against_the_hand_fit(rates):
    """Adjusted Poisson: the coefficients solve sum w (y - mu) z = 0 (checked at the
    returned fit) and the HC0 sandwich is the expected-information one."""
    res = et.estimate_att(rates, "events", model="poisson", exposure="years",
                          covariates=["x"], se="robust")
    y, t, yrs, x = (rates[c].to_numpy(float) for c in ("events", "treated", "years", "x"))
    z = np.column_stack([np.ones(100), t, x])
    beta = newton(z, y, np.log(yrs), np.ones(100), alpha=0.0)
    mu = np.exp(z @ beta + np.log(yrs))
    v = sandwich(z, np.ones(100), y - mu, mu)
    assert np.log(res.estimate) == pytest.approx(beta[1], rel=1e-7)
    assert res.log_se == pytest.approx(np.sqrt(v[1, 1]), rel=1e-6)


def newton(z, y, offset, w, alpha, iterations=50):
    """Weighted NB2 (Poisson when alpha = 0) MLE of the log-link coefficients with known
    alpha: the root of sum w (y - mu) / (1 + alpha mu) z."""
    beta = np.zeros(z.shape[1])
    for _ in range(iterations):
        mu = np.exp(z @ beta + offset)
        score = z.T @ (w * (y - mu) / (1 + alpha * mu))
        info = (z * (w * mu / (1 + alpha * mu))[:, None]).T @ z
        beta = beta + np.linalg.solve(info, score)
    return beta


def test_negative_binomial_dispersion_estimate_and_se(rates):
    """The dispersion is the method-of-moments value from the Poisson fit, and the NB2
    rate ratio and its HC0 log-scale SE follow from it (differs from the Poisson ratio
    because follow-up varies within groups)."""
    d = rates.assign(weights=WEIGHTS)
    res = et.estimate_att(d, "events", model="negbin", exposure="years", se="robust")
    y, t, yrs, w = (d[c].to_numpy(float) for c in ("events", "treated", "years", "weights"))
    _, mu = poisson_two_group(y, t, yrs, w)
    alpha = np.sum(w * ((y - mu) ** 2 - y)) / np.sum(w * mu**2)
    assert alpha > 0.1  # overdispersed by construction
    assert res.model.family.alpha == pytest.approx(alpha, rel=1e-9)
    z = np.column_stack([np.ones(100), t])
    beta = newton(z, y, np.log(yrs), w, alpha)
    mu_nb = np.exp(z @ beta + np.log(yrs))
    # The bread is the observed information sum w mu (1 + a y) / (1 + a mu)^2 z z'
    # (statsmodels' GLM for a non-canonical link); R's sandwich on glm.nb uses the expected
    # information w mu / (1 + a mu), 0.17% larger here.
    v = sandwich(z, w, (y - mu_nb) / (1 + alpha * mu_nb),
                 w * mu_nb * (1 + alpha * y) / (1 + alpha * mu_nb) ** 2)
    assert np.log(res.estimate) == pytest.approx(beta[1], rel=1e-7)
    assert abs(np.log(res.estimate) - np.log(0.7)) > 1e-3  # not the Poisson ratio
    assert res.log_se == pytest.approx(np.sqrt(v[1, 1]), rel=1e-6)
    assert res.se == pytest.approx(res.estimate * np.sqrt(v[1, 1]), rel=1e-6)
    assert res.method == "negbin" and res.scale == "rate ratio"


def test_underdispersed_counts_keep_a_tiny_positive_dispersion():
    """Counts less variable than Poisson give a negative moment estimate: the dispersion
    is floored at 1e-8, so the NB2 fit is the Poisson one."""
    d = pd.DataFrame({"treated": np.r_[np.ones(30), np.zeros(30)].astype(int),
                      "events": np.r_[np.tile([1, 2], 15), np.tile([2, 3], 15)],
                      "years": 1.0, "weights": 1.0})
    res = et.estimate_att(d, "events", model="negbin", exposure="years", se="robust")
    assert res.model.family.alpha == 1e-8
    assert res.estimate == pytest.approx(1.5 / 2.5, rel=1e-7)


def test_zero_weight_rows_leave_the_estimate_and_every_se_unchanged(rates):
    """Rows with weight 0 (unmatched units) carry no information: not counted, not a
    cluster, not in the HC1 factor n / (n - k) of the linear model."""
    extra = pd.DataFrame({"treated": [1, 0, 0], "years": [0.1, 0.1, 5.0],
                          "events": [30, 0, 40], "x": [9.0, -9.0, 9.0], "weights": 0.0,
                          "subclass": [10, 11, 11]})
    padded = pd.concat([rates, extra], ignore_index=True)
    for kwargs in (dict(model="difference", se="robust"), dict(model="difference"),
                   dict(model="regression", covariates=["x"], se="robust"),
                   dict(model="poisson", exposure="years", se="cluster")):
        ours = et.estimate_att(padded, "events", **kwargs)
        plain = et.estimate_att(rates, "events", **kwargs)
        assert (ours.n_treated, ours.n_control) == (40, 60)
        assert ours.estimate == pytest.approx(plain.estimate, rel=1e-10)
        assert ours.se == pytest.approx(plain.se, rel=1e-10)
        flow = ours.meta["flow"].set_index("step")["n"]
        assert flow["rows supplied"] == 103 and flow["treated analysed"] == 40
        assert flow["controls analysed"] == 60


def test_a_model_that_cannot_be_fitted_is_said():
    """Person-time so small that exp(offset) underflows: statsmodels refuses, and the error
    names the model."""
    d = pd.DataFrame({"treated": [1, 0] * 10, "events": [5, 2] * 10, "years": 1.0,
                      "weights": 1.0})
    d.loc[0, "years"] = 1e-300
    with pytest.raises(et.exceptions.EvaltoolsInputError, match=r"The poisson outcome model of "
                                                                r"estimate_att could not be "
                                                                r"fitted"):
        et.estimate_att(d, "events", model="poisson", exposure="years")
