"""The outcome models behind :func:`evaltools.estimate_att` and their standard errors.

Weighted least squares for differences and regressions, Poisson and negative-binomial
GLMs (with a person-time offset) for rate ratios; robust or matched-set-clustered
covariances from statsmodels, the stacked M-estimation sandwich of
:mod:`evaltools.effects_mestimation` for inverse-probability weights, and a bootstrap.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import SpecificationWarning
from tqdm.auto import tqdm

from .effects_mestimation import ipw_weights, stacked_sandwich
from .exceptions import ConvergenceWarning, DataWarning, EvaltoolsInputError, ParameterError
from .matching.covariates import design as covariate_design
from .validation import drop_redundant

__all__ = ["design", "fit_model", "mestimation_se", "bootstrap_se"]


def design(d: pd.DataFrame, treatment: str, covariates) -> tuple[pd.DataFrame, dict]:
    """Intercept, treatment and covariates; covariates that are constant or collinear with
    the treatment and earlier covariates are dropped (returned as ``{name: reason}``).

    >>> d = pd.DataFrame({"t": [0, 1, 0, 1], "age": [60.0, 70, 65, 80], "one": 1.0})
    >>> z, dropped = design(d, "t", ["age", "one"])
    >>> list(z.columns), dropped
    (['const', 't', 'age'], {'one': 'constant (1)'})
    """
    z = d[[treatment]].astype(float)
    if covariates is not None:
        x = covariate_design(d, covariates, func="estimate_att")
        if x.shape[1] == 0:
            warnings.warn(f"The 'covariates' formula {covariates!r} of estimate_att has no "
                          "terms, so the model adjusts for nothing (a difference in means or "
                          "an unadjusted rate ratio).", DataWarning, stacklevel=3)
        z, dropped = drop_redundant(pd.concat([z, x], axis=1), what="adjustment covariate",
                                    warn=True)
    else:
        dropped = {}
    return sm.add_constant(z, has_constant="add"), dropped


def _fit_arrays(z, y, w, model, offset, groups, se):
    cov = {"cov_type": "cluster", "cov_kwds": {"groups": groups}} if se == "cluster" else {
        "cov_type": "HC1" if model in ("difference", "regression") else "HC0"}
    if model in ("difference", "regression"):
        return sm.WLS(y, z, weights=w).fit(**cov)
    family = sm.families.Poisson()
    if model == "negbin":
        pois = sm.GLM(y, z, family=family, offset=offset, var_weights=w).fit()
        mu = pois.fittedvalues
        # Method-of-moments NB2 dispersion from the Poisson fit: E[(y-mu)^2 - y] = a mu^2.
        alpha = max(np.sum(w * ((y - mu) ** 2 - y)) / np.sum(w * mu**2), 1e-8)
        family = sm.families.NegativeBinomial(alpha=alpha)
    with warnings.catch_warnings():
        # Sandwich covariances with var_weights match R's glm(weights=) + sandwich
        # (tests/effects check this against R); statsmodels warns that it is not sure.
        warnings.simplefilter("ignore", SpecificationWarning)
        return sm.GLM(y, z, family=family, offset=offset, var_weights=w).fit(**cov)


def _arrays(z, d, outcome, s, exposure):
    y = d[outcome].to_numpy(float)
    offset = np.log(d[exposure].to_numpy(float)) if exposure else None
    return y, d[s.weights].to_numpy(float), offset


def fit_model(z, d, outcome, s, model, exposure, groups, se):
    """The statsmodels fit on the rows whose outcome enters."""
    y, w, offset = _arrays(z, d, outcome, s, exposure)
    keep = np.ones(len(d), bool) if s.observed is None else s.observed
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit = _fit_arrays(z[keep], y[keep], w[keep], model,
                              None if offset is None else offset[keep],
                              None if groups is None else groups[keep], se)
    except (ValueError, np.linalg.LinAlgError) as err:
        raise EvaltoolsInputError(f"The {model} outcome model of estimate_att could not be "
                                  f"fitted: {err}. Fix: check the outcome and covariates.") \
            from None
    if any("converge" in str(c.message).lower() or "separation" in str(c.message).lower()
           for c in caught) or not np.isfinite(fit.params).all():
        warnings.warn(f"The {model} outcome model of estimate_att did not converge cleanly "
                      "(e.g. an outcome that is zero for everyone in one group); treat the "
                      "estimate with caution.", ConvergenceWarning, stacklevel=3)
    return fit


def mestimation_se(z, d, outcome, s, fit, model, exposure, groups) -> float:
    """Standard error of the treatment coefficient from the stacked M-estimator."""
    p = s.propensity
    t = d[s.treatment].to_numpy(float)
    entropy = p["kind"] == "entropy"
    pi = t.mean() if p["stabilize"] or entropy else None
    w = ipw_weights(p["x"] @ p["coef"], t, p["estimand"], None if entropy else pi)[0]
    if not np.allclose(w, d[s.weights].to_numpy(float), rtol=1e-6, atol=1e-12):
        raise ParameterError("The weights no longer match their propensity model (were they "
                             "changed after et.weighting.ipw?). Fix: use se='robust' or "
                             "se='bootstrap'.")
    y, _, offset = _arrays(z, d, outcome, s, exposure)
    observed = np.ones(len(d), bool) if s.observed is None else s.observed
    if offset is not None:
        offset = np.where(observed, offset, 0.0)
    vcov = stacked_sandwich(p["x"], t, p["coef"], z.to_numpy(float), y,
                            fit.params.to_numpy(float), estimand=p["estimand"], pi=pi,
                            family="poisson" if model == "poisson" else "gaussian",
                            offset=offset, observed=observed, cluster=groups,
                            weight_model=p["kind"])
    j = list(z.columns).index(s.treatment)
    return float(np.sqrt(vcov[j, j]))


def _reweight(p, x, t):
    """The weights re-estimated on a bootstrap sample (same model, same options)."""
    from .matching.distance import fit_logistic
    from .weighting import entropy_weights

    if p["kind"] == "entropy":
        return entropy_weights(x[:, 1:], t == 1, p["tol"])[0]
    coef = fit_logistic(pd.DataFrame(x[:, 1:]), t == 1)[2]
    return ipw_weights(x @ coef, t, p["estimand"], t.mean() if p["stabilize"] else None)[0]


def bootstrap_se(z, d, outcome, s, model, exposure, groups, n_boot, random_state,
                 progress) -> float:
    """SD of the treatment coefficient over resampled matched sets (or units); IPW weights
    and entropy-balancing weights are re-estimated in each draw, as WeightIt's
    ``vcov = "BS"``."""
    y, w_all, offset = _arrays(z, d, outcome, s, exposure)
    units = groups if groups is not None else np.arange(len(d))
    order = np.argsort(units, kind="stable")
    members = np.split(order, np.flatnonzero(np.diff(units[order])) + 1)
    observed = np.ones(len(d), bool) if s.observed is None else s.observed
    rng = np.random.default_rng(random_state)
    j = list(z.columns).index(s.treatment)
    zv, t_all, p = z.to_numpy(float), d[s.treatment].to_numpy(float), s.propensity
    draws, failed = [], 0
    start = time.perf_counter()
    for i in tqdm(range(n_boot), desc="bootstrap", disable=not progress):
        if i == 10:
            _check_projected_time(time.perf_counter() - start, n_boot, len(d))
        rows = np.concatenate([members[i] for i in rng.integers(0, len(members),
                                                                 len(members))])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                w = w_all[rows]
                if p is not None:
                    w = _reweight(p, p["x"][rows], t_all[rows])
                keep = observed[rows]
                if not _both_groups(t_all[rows][keep], w[keep]):
                    raise ValueError("a draw without treated or without controls")
                fit = _fit_arrays(zv[rows][keep], y[rows][keep], w[keep], model,
                                  None if offset is None else offset[rows][keep], None,
                                  "robust")
            draws.append(float(np.asarray(fit.params)[j]))
        except (ValueError, np.linalg.LinAlgError):
            failed += 1  # e.g. a draw without treated units
    if len(draws) < 2:
        raise EvaltoolsInputError(f"Only {len(draws)} of {n_boot} bootstrap draws could be "
                                  "fitted (most lack treated or control units): the sample is "
                                  "too small to bootstrap. Fix: use se='robust'.")
    if failed:
        warnings.warn(f"{failed} of {n_boot} bootstrap draws could not be fitted (e.g. no "
                      "treated or no control unit drawn) and were left out.",
                      ConvergenceWarning, stacklevel=3)
    return float(np.std(draws, ddof=1))


def _both_groups(t: np.ndarray, w: np.ndarray) -> bool:
    """A draw estimates a treatment effect only if it holds weighted treated and controls."""
    return bool(((t == 1) & (w > 0)).any() and ((t == 0) & (w > 0)).any())


MAX_BOOT_SECONDS = 3600.0


def _check_projected_time(elapsed: float, n_boot: int, n_rows: int) -> None:
    """After ten draws, refuse a bootstrap projected to take more than an hour."""
    projected = elapsed / 10 * n_boot
    if projected > MAX_BOOT_SECONDS:
        raise ParameterError(
            f"The 'n_boot' parameter of estimate_att asks for {n_boot} draws, which would take "
            f"about {projected / 3600:.1f} hours on {n_rows} rows ({elapsed / 10:.2f} s per "
            "draw). Fix: fewer draws (999 is usual), or se='cluster' / 'robust' / "
            "'m-estimation'.")
