"""Standard errors of estimate_att for differences and regressions, the bootstrap (replayed
draw by draw), and its options, in cases built so that a one-line bug changes a number
(found by mutation testing, ``make mutation``).

Independent computations, written here from the definitions:

- weighted least squares with its HC1 sandwich n / (n - k) (Z'WZ)^-1 (sum w^2 e^2 z z')
  (Z'WZ)^-1 (R: ``sandwich::vcovHC(lm(..., weights = w), type = "HC1")``) and the
  matched-set cluster sandwich with G / (G - 1) (n - 1) / (n - k) (R:
  ``sandwich::vcovCL(type = "HC1")``, MatchIt's vignette);
- the bootstrap replayed with the same generator: matched sets (or units) drawn with
  replacement, inverse-probability weights re-estimated in each draw by statsmodels'
  ``Logit`` (or entropy-balancing weights by minimising the dual written here), the
  outcome model refitted, the SD (n - 1) of the draws.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize

import evaltools as et
from evaltools.effects_fit import _check_projected_time
from evaltools.exceptions import ConvergenceWarning, DataWarning, ParameterError


@pytest.fixture(scope="module")
def sample():
    """120 units in 20 matched sets (2 treated + 4 controls each), varying weights."""
    rng = np.random.default_rng(23)
    n = 120
    d = pd.DataFrame({"subclass": np.repeat(np.arange(20), 6),
                      "treated": np.tile([1, 1, 0, 0, 0, 0], 20),
                      "x": rng.normal(size=n), "z": rng.binomial(1, 0.5, n)})
    d["weights"] = np.where(d.treated == 1, 1.0, rng.choice([0.5, 1.0, 2.0], n))
    d["y"] = (1 + d.x - d.z + 1.5 * d.treated + rng.normal(size=n)
              + np.repeat(rng.normal(size=20), 6))  # set-level noise
    return d


def wls_sandwich(z, y, w, cluster=None):
    """WLS coefficients and the HC1 or CR1 sandwich (statsmodels / R conventions)."""
    zw = z * w[:, None]
    bread = np.linalg.inv(zw.T @ z)
    beta = bread @ zw.T @ y
    scores = (w * (y - z @ beta))[:, None] * z
    n, k = z.shape
    if cluster is None:
        meat = scores.T @ scores * n / (n - k)
    else:
        sums = pd.DataFrame(scores).groupby(cluster).sum().to_numpy()
        g = len(sums)
        meat = sums.T @ sums * g / (g - 1) * (n - 1) / (n - k)
    return beta, bread @ meat @ bread


@pytest.mark.parametrize("se", ["robust", "cluster"])
@pytest.mark.parametrize("covariates", [None, ["x"], ["x", "z"]])
def test_linear_standard_errors_against_the_hand_sandwich(sample, se, covariates):
    model = "regression" if covariates else "difference"
    res = et.estimate_att(sample, "y", model=model, covariates=covariates, se=se)
    z = np.column_stack([np.ones(len(sample)), sample.treated,
                         *(sample[c] for c in covariates or [])])
    beta, v = wls_sandwich(z, sample.y.to_numpy(), sample.weights.to_numpy(),
                           sample.subclass.to_numpy() if se == "cluster" else None)
    assert res.estimate == pytest.approx(beta[1], rel=1e-10)
    assert res.se == pytest.approx(np.sqrt(v[1, 1]), rel=1e-8)
    assert res.log_se is None and res.scale == "difference" and res.se_type == se
    assert (res.n_treated, res.n_control) == (40, 80)
    assert res.ci_low == pytest.approx(beta[1] - 1.959964 * np.sqrt(v[1, 1]), rel=1e-6)
    if se == "cluster":  # the default for matched data with sets
        assert et.estimate_att(sample, "y", model=model, covariates=covariates).se == res.se


def test_result_fields_and_meta(sample):
    res = et.estimate_att(sample, "y", model="regression", covariates=["x", "z"])
    assert (res.outcome, res.treatment, res.method, res.estimand) == (
        "y", "treated", "regression", "ATT")
    assert res.meta["options"] == dict(model="regression", se="cluster", n_boot=None,
                                       covariates=["x", "z"], exposure=None, missing="error",
                                       dropped_covariates=None)
    s = res.summary()
    assert list(s.index) == ["y (difference)"]
    assert s.n_treated.iloc[0] == 40 and s.n_control.iloc[0] == 80
    assert res.tidy().n.iloc[0] == 120
    assert str(res).startswith("Average treatment effect on the treated (ATT)")
    assert "clustered on matched sets" in str(res)
    # A covariate collinear with the treatment is dropped and noted.
    with pytest.warns(DataWarning):
        dropped = et.estimate_att(sample.assign(copy=sample.treated * 2.0), "y",
                                  model="regression", covariates=["x", "copy"])
    assert dropped.meta["options"]["dropped_covariates"] == {"copy": pytest.approx(
        dropped.meta["options"]["dropped_covariates"]["copy"])}
    assert any("copy" in note for note in dropped.notes)


def test_bootstrap_over_matched_sets_replayed(sample):
    """Sets drawn with replacement (numpy's default_rng(5)), weighted difference refitted."""
    res = et.estimate_att(sample, "y", se="bootstrap", n_boot=40, random_state=5,
                          progress=False)
    rng = np.random.default_rng(5)
    sets = [np.flatnonzero(sample.subclass.to_numpy() == g) for g in range(20)]
    draws = []
    for _ in range(40):
        rows = np.concatenate([sets[i] for i in rng.integers(0, 20, 20)])
        d = sample.iloc[rows]
        t = d.treated == 1
        draws.append(np.average(d.y[t], weights=d.weights[t])
                     - np.average(d.y[~t], weights=d.weights[~t]))
    assert res.se == pytest.approx(np.std(draws, ddof=1), rel=1e-9)
    assert res.se_type == "bootstrap" and res.meta["options"]["n_boot"] == 40


def test_bootstrap_of_a_rate_ratio_keeps_the_offset():
    """Poisson with person-time: each draw's log rate ratio is the closed form
    log((sum_t y / sum_t T) / (sum_c y / sum_c T)), units resampled (no sets)."""
    rng = np.random.default_rng(9)
    n = 80
    t = np.r_[np.ones(30), np.zeros(50)].astype(int)
    years = np.where(t == 1, rng.uniform(0.2, 0.6, n), rng.uniform(1, 3, n))
    y = rng.poisson(years * np.where(t == 1, 1.4, 2.0))
    d = pd.DataFrame({"treated": t, "years": years, "events": y, "weights": 1.0})
    res = et.estimate_att(d, "events", model="poisson", exposure="years", se="bootstrap",
                          n_boot=30, random_state=2, progress=False)
    draw_rng = np.random.default_rng(2)
    draws = []
    for _ in range(30):
        rows = draw_rng.integers(0, n, n)
        tt, yy, ee = t[rows], y[rows], years[rows]
        draws.append(np.log(yy[tt == 1].sum() / ee[tt == 1].sum())
                     - np.log(yy[tt == 0].sum() / ee[tt == 0].sum()))
    assert res.log_se == pytest.approx(np.std(draws, ddof=1), rel=1e-6)
    assert res.se == pytest.approx(res.estimate * res.log_se, rel=1e-12)


@pytest.fixture(scope="module")
def confounded():
    rng = np.random.default_rng(31)
    n = 150
    d = pd.DataFrame({"x": rng.normal(size=n), "z": rng.binomial(1, 0.5, n)})
    d["treated"] = (rng.random(n) < 1 / (1 + np.exp(0.2 - d.x + 0.5 * d.z))).astype(int)
    d["y"] = 1 + 2 * d.x + d.z + d.treated * (1 + d.x) + rng.normal(size=n)
    return d


def _logit_weights(x, t, estimand, stabilize):
    fit = sm.Logit(t, x).fit(disp=0, tol=1e-12)
    p = fit.predict(x)
    if estimand == "ATT":
        return np.where(t == 1, 1.0, p / (1 - p))
    w = np.where(t == 1, 1 / p, 1 / (1 - p))
    return w * np.where(t == 1, t.mean(), 1 - t.mean()) if stabilize else w


@pytest.mark.parametrize(("estimand", "stabilize"), [("ATT", False), ("ATE", False),
                                                     ("ATE", True)])
def test_ipw_bootstrap_reestimates_the_weights_in_each_draw(confounded, estimand, stabilize):
    """Regression on x with weights re-estimated per draw (so the groups' relative weights,
    which stabilising changes, matter)."""
    w = et.weighting.ipw(confounded, "treated", ["x", "z"], estimand=estimand,
                         stabilize=stabilize)
    res = et.estimate_att(w, "y", model="regression", covariates=["x"], se="bootstrap",
                          n_boot=25, random_state=7, progress=False)
    x = np.column_stack([np.ones(len(confounded)), confounded.x, confounded.z])
    t = confounded.treated.to_numpy(float)
    y = confounded.y.to_numpy()
    rng = np.random.default_rng(7)
    draws = []
    for _ in range(25):
        rows = rng.integers(0, len(t), len(t))
        wd = _logit_weights(x[rows], t[rows], estimand, stabilize)
        z = np.column_stack([np.ones(len(rows)), t[rows], x[rows, 1]])
        draws.append(wls_sandwich(z, y[rows], wd)[0][1])
    assert res.se == pytest.approx(np.std(draws, ddof=1), rel=1e-5)


def _entropy_weights_by_dual(x, t):
    """Hainmueller's dual: minimise log sum_c exp((x_c - xbar_t)' lam); controls'
    weights proportional to exp(x_c' lam), scaled to sum to their number."""
    xc = x[t == 0] - x[t == 1].mean(axis=0)
    lam = optimize.minimize(lambda a: np.log(np.exp(xc @ a).sum()), np.zeros(x.shape[1]),
                            method="BFGS", options={"gtol": 1e-12}).x
    w = np.ones(len(t))
    e = np.exp(xc @ lam)
    w[t == 0] = e / e.sum() * (t == 0).sum()
    return w


def test_entropy_bootstrap_reestimates_the_weights(confounded):
    eb = et.weighting.entropy_balance(confounded, "treated", ["x", "z"])
    res = et.estimate_att(eb, "y", se="bootstrap", n_boot=20, random_state=4, progress=False)
    x = confounded[["x", "z"]].to_numpy(float)
    t = confounded.treated.to_numpy(float)
    y = confounded.y.to_numpy()
    rng = np.random.default_rng(4)
    draws = []
    for _ in range(20):
        rows = rng.integers(0, len(t), len(t))
        w = _entropy_weights_by_dual(x[rows], t[rows])
        tt, yy = t[rows] == 1, y[rows]
        draws.append(yy[tt].mean() - np.average(yy[~tt], weights=w[~tt]))
    assert res.se == pytest.approx(np.std(draws, ddof=1), rel=1e-4)


def test_failed_draws_are_counted_exactly():
    """Replaying the draws of four units: the warning gives the number left out."""
    d = pd.DataFrame({"treated": [1, 0, 1, 0], "y": [3.0, 1.0, 5.0, 2.0], "weights": 1.0})
    rng = np.random.default_rng(11)
    failed = sum(len(set(np.array([1, 0, 1, 0])[rng.integers(0, 4, 4)])) < 2
                 for _ in range(50))
    assert failed > 0
    with pytest.warns(ConvergenceWarning, match=rf"^{failed} of 50 bootstrap draws"):
        et.estimate_att(d, "y", se="bootstrap", n_boot=50, random_state=11, progress=False)


def test_projected_time_boundary():
    """After ten draws: refused when the projection exceeds one hour (3600 s), not at it."""
    _check_projected_time(10.0, 3600, 100)  # exactly one hour: allowed
    with pytest.raises(ParameterError, match=r"asks for 3601 draws, which would take about "
                                             r"1.0 hours on 100 rows \(1.00 s per draw\)"):
        _check_projected_time(10.0, 3601, 100)
    _check_projected_time(9.99, 3603, 100)  # 3599.4 s


def test_bootstrap_needs_two_usable_draws():
    """Two matched sets, one all treated and one all controls: a draw is usable only when
    it holds both. A seed whose ten draws (replayed) give one usable draw is refused."""
    d = pd.DataFrame({"treated": [1, 1, 0, 0], "y": [3.0, 4.0, 1.0, 2.0], "weights": 1.0,
                      "subclass": [0, 0, 1, 1]})

    def usable(seed):
        rng = np.random.default_rng(seed)
        return sum(len(set(rng.integers(0, 2, 2))) == 2 for _ in range(10))

    seed = next(s for s in range(5000) if usable(s) == 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(et.exceptions.EvaltoolsInputError,
                           match=r"Only 1 of 10 bootstrap draws could be fitted"):
            et.estimate_att(d, "y", se="bootstrap", n_boot=10, random_state=seed,
                            progress=False)
        two = next(s for s in range(5000) if usable(s) == 2)
        res = et.estimate_att(d, "y", se="bootstrap", n_boot=10, random_state=two,
                              progress=False)
    assert res.se == pytest.approx(0.0, abs=1e-12)  # both usable draws: the same two sets


def test_formula_covariates_give_the_listed_fit(sample):
    """A formula with the same terms is the same regression (hand WLS with x and z)."""
    res = et.estimate_att(sample, "y", model="regression", covariates="~ x + z", se="robust")
    z = np.column_stack([np.ones(len(sample)), sample.treated, sample.x, sample.z])
    beta, v = wls_sandwich(z, sample.y.to_numpy(), sample.weights.to_numpy())
    assert res.estimate == pytest.approx(beta[1], rel=1e-10)
    assert res.se == pytest.approx(np.sqrt(v[1, 1]), rel=1e-8)
    assert res.meta["options"]["covariates"] == "~ x + z"
