"""M-estimation standard errors with estimated weights, in the combinations the main test
(test_mestimation.py) does not cover, and the building blocks on their own (found by
mutation testing, ``make mutation``).

Independent computations: the stacked estimating functions written again from their
definitions (Lunceford & Davidian 2004 for ATE weights, Reifeis & Hudgens 2022 for the ATT,
Hainmueller 2012 for entropy balancing's moment conditions), differentiated numerically
(central differences), with the sandwich A^-1 B A^-T (B summed within clusters times
G / (G - 1), as sandwich::vcovCL); derivatives of the weights by central differences.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

import evaltools as et
from evaltools.effects_mestimation import ipw_weights, stacked_sandwich


def weights_of(eta, t, estimand, pi):
    p = expit(eta)
    if estimand == "ATT":
        return np.where(t == 1, 1.0, p / (1 - p))
    w = np.where(t == 1, 1 / p, 1 / (1 - p))
    return w if pi is None else w * np.where(t == 1, pi, 1 - pi)


@pytest.mark.parametrize(("estimand", "pi"), [("ATT", None), ("ATE", None), ("ATE", 0.3)])
def test_weights_and_their_derivatives(estimand, pi):
    eta = np.array([-1.2, 0.4, 2.0, -0.3])
    t = np.array([1.0, 0.0, 1.0, 0.0])
    w, c_gamma, c_pi = ipw_weights(eta, t, estimand, pi)
    np.testing.assert_allclose(w, weights_of(eta, t, estimand, pi), rtol=1e-12)
    h = 1e-6
    numeric = (weights_of(eta + h, t, estimand, pi) - weights_of(eta - h, t, estimand, pi)) / (
        2 * h)
    np.testing.assert_allclose(c_gamma, numeric, rtol=1e-6)
    if pi is None:
        assert c_pi is None
    else:
        d_pi = (weights_of(eta, t, estimand, pi + h) - weights_of(eta, t, estimand, pi - h)) / (
            2 * h)
        np.testing.assert_allclose(c_pi.ravel(), d_pi, rtol=1e-6)


def psi(theta, x, t, z, y, *, estimand, stab, poisson, offset, entropy, observed):
    """The stacked estimating functions, one row per unit."""
    k, m = x.shape[1], z.shape[1]
    gamma, beta = theta[:k], theta[-m:]
    eta = x @ gamma
    if entropy:
        pi = theta[k]
        w = np.where(t == 1, 1.0, np.exp(eta))
        first = (t * (1 - pi) / pi - (1 - t) * np.exp(eta))[:, None] * x
    else:
        w = weights_of(eta, t, estimand, theta[k] if stab else None)
        first = (t - expit(eta))[:, None] * x
    mu = np.exp(z @ beta + offset) if poisson else z @ beta
    resid = np.where(observed, y - mu, 0.0)
    parts = [first] + ([(t - theta[k])[:, None]] if stab else []) + [(w * resid)[:, None] * z]
    return np.hstack(parts)


def numerical_vcov(theta, args, kwargs, cluster):
    jac = np.empty((len(theta), len(theta)))
    for i in range(len(theta)):  # a loop over parameters
        h = 1e-6 * max(1.0, abs(theta[i]))
        e = np.zeros(len(theta))
        e[i] = h
        jac[:, i] = (psi(theta + e, *args, **kwargs).sum(0)
                     - psi(theta - e, *args, **kwargs).sum(0)) / (2 * h)
    p = psi(theta, *args, **kwargs)
    if cluster is not None:
        sums = pd.DataFrame(p).groupby(cluster).sum().to_numpy()
        meat = sums.T @ sums * len(sums) / (len(sums) - 1)
    else:
        meat = p.T @ p
    bread = np.linalg.inv(jac)
    return bread @ meat @ bread.T


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(12)
    n = 300
    d = pd.DataFrame({"x": rng.normal(size=n), "z": rng.binomial(1, 0.4, n),
                      "site": rng.integers(0, 20, n), "years": rng.uniform(0.3, 1.5, n)})
    d["treated"] = (rng.random(n) < expit(-0.3 + 0.7 * d.x - 0.4 * d.z)).astype(int)
    d["y"] = 1 + d.x + d.z + d.treated * (1 + 0.5 * d.x) + rng.normal(size=n)
    d["visits"] = rng.poisson(d.years * np.exp(0.3 + 0.4 * d.x - 0.4 * d.treated))
    return d


CASES = {
    "ATE poisson": dict(estimand="ATE", model="poisson", covariates=["x"]),
    "ATE stabilised poisson clustered": dict(estimand="ATE", stabilize=True, model="poisson",
                                             covariates=None, cluster="site"),
    "ATE stabilised missing clustered": dict(estimand="ATE", stabilize=True,
                                             model="regression", covariates=["x", "z"],
                                             cluster="site", missing=True),
    "ATT poisson missing": dict(estimand="ATT", model="poisson", covariates=["z"],
                                missing=True),
    "entropy regression clustered": dict(entropy=True, model="regression", covariates=["x"],
                                         cluster="site"),
    "entropy poisson missing": dict(entropy=True, model="poisson", covariates=["x"],
                                    missing=True),
}


@pytest.mark.parametrize("case", CASES)
def test_estimate_att_sandwich_against_the_numerical_one(data, case):
    spec = dict(CASES[case])
    entropy = spec.pop("entropy", False)
    w = (et.weighting.entropy_balance(data, "treated", ["x", "z"]) if entropy else
         et.weighting.ipw(data, "treated", ["x", "z"], estimand=spec.pop("estimand"),
                          stabilize=spec.pop("stabilize", False)))
    poisson = spec["model"] == "poisson"
    outcome = "visits" if poisson else "y"
    observed = np.ones(len(data), bool)
    if spec.pop("missing", False):  # outcomes missing for some units, who still inform the
        observed = data.index % 13 != 0  # weight model
        w.data = data.assign(**{outcome: data[outcome].where(observed)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", et.exceptions.ExclusionWarning)
        res = et.estimate_att(w, outcome, missing="drop",
                              exposure="years" if poisson else None, **spec)
    assert res.se_type == "m-estimation"
    t = data.treated.to_numpy(float)
    x = np.column_stack([np.ones(len(data)), data[["x", "z"]].to_numpy(float)])
    cols = spec["covariates"] or []
    z = np.column_stack([np.ones(len(data)), t, data[cols].to_numpy(float)])
    beta = res.model.params[["const", "treated", *cols]].to_numpy()
    stab = w.propensity["stabilize"] or entropy
    theta = np.r_[w.propensity["coef"], [t.mean()] if stab else [], beta]
    y = np.nan_to_num(w.data[outcome].to_numpy(float))
    kwargs = dict(estimand=w.estimand, stab=stab, poisson=poisson,
                  offset=np.log(data.years.to_numpy()) if poisson else 0.0, entropy=entropy,
                  observed=observed)
    # The fit is at the root of the outcome equations (weighted score zero).
    np.testing.assert_allclose(psi(theta, x, t, z, y, **kwargs).sum(0)[-z.shape[1]:], 0,
                               atol=1e-6)
    v = numerical_vcov(theta, (x, t, z, y), kwargs,
                       data[spec["cluster"]].to_numpy() if spec.get("cluster") else None)
    j = x.shape[1] + stab + 1
    assert (res.log_se if poisson else res.se) == pytest.approx(np.sqrt(v[j, j]), rel=1e-8)
    if poisson:
        assert res.se == pytest.approx(res.estimate * res.log_se, rel=1e-12)


def test_batched_sandwich_equals_one_data_set_at_a_time(data):
    """Leading batch dimensions (used by the coverage simulation) give each data set's own
    sandwich: stabilised ATE weights, a Poisson outcome with offset, a missing outcome."""
    rng = np.random.default_rng(4)
    n = 120
    xs, ts, zs, ys, gammas, betas, offs, obs = [], [], [], [], [], [], [], []
    for _ in range(3):
        x1 = rng.normal(size=n)
        x = np.column_stack([np.ones(n), x1])
        t = (rng.random(n) < expit(0.2 + x1)).astype(float)
        off = np.log(rng.uniform(0.5, 2, n))
        y = rng.poisson(np.exp(off + 0.2 * x1)).astype(float)
        xs.append(x), ts.append(t), zs.append(np.column_stack([np.ones(n), t]))
        ys.append(y), offs.append(off), obs.append(rng.random(n) > 0.1)
        gammas.append(rng.normal(0, 0.3, 2)), betas.append(rng.normal(0, 0.3, 2))
    pi = np.array([t.mean() for t in ts])
    batch = stacked_sandwich(np.stack(xs), np.stack(ts), np.stack(gammas), np.stack(zs),
                             np.stack(ys), np.stack(betas), estimand="ATE", pi=pi,
                             family="poisson", offset=np.stack(offs), observed=np.stack(obs))
    for r in range(3):
        one = stacked_sandwich(xs[r], ts[r], gammas[r], zs[r], ys[r], betas[r],
                               estimand="ATE", pi=pi[r], family="poisson", offset=offs[r],
                               observed=obs[r])
        np.testing.assert_allclose(batch[r], one, rtol=1e-10)
        theta = np.r_[gammas[r], pi[r], betas[r]]
        kwargs = dict(estimand="ATE", stab=True, poisson=True, offset=offs[r], entropy=False,
                      observed=obs[r])
        # Away from the root too, the sandwich is the same function of the parameters.
        v = numerical_vcov(theta, (xs[r], ts[r], zs[r], ys[r]), kwargs, None)
        np.testing.assert_allclose(one, v[3:, 3:], rtol=1e-5)
