"""Two-period, two-group ATT estimators with influence functions (panel data).

For one (g, t) cell: ``dy`` is each unit's outcome change from the base period to ``t``,
``d`` marks the group's units (1) against the comparison units (0), ``x`` the covariates
(with a constant). The estimators are those of R's DRDID package that R's did uses:
outcome regression ("reg", Heckman, Ichimura & Todd 1997), normalised inverse probability
weighting ("ipw", Abadie 2005) and the doubly robust estimator ("dr", Sant'Anna & Zhao 2020,
``drdid_panel``), and the improved doubly robust estimator ("dr_imp", ``drdid_imp_panel``,
in :mod:`cells_imp`). Each returns the ATT and its influence function over the cell's units.

The estimation-effect terms are written as ``score_i * x_i' (H^-1 m)`` rather than as an
n x k matrix times ``m``: the same numbers without n x k temporaries.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from .cells_imp import TRIM_LEVEL, drdid_imp

__all__ = ["EST_METHODS", "cell_att"]

EST_METHODS = ("dr", "dr_imp", "ipw", "reg")


def _propensity(x, d):
    """Logit propensity (unpenalised) and the inverse of its Hessian / n (R: vcov * n)."""
    if x.shape[1] == 1:
        p = np.full(len(d), d.mean())
    else:
        model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10,
                                   max_iter=200).fit(x[:, 1:], d)
        p = expit(model.decision_function(x[:, 1:]))
    p = np.minimum(p, 1 - 1e-6)
    hessian = (x * (p * (1 - p))[:, None]).T @ x / len(d)
    return p, np.linalg.inv(hessian)


def _controls_ols(x, d, cache):
    """Inverse of X'X / n over the comparison units (shared by every period of a cell set)."""
    if "xpx_inv" not in cache:
        xc = x[d == 0]
        cache["xpx_inv"] = np.linalg.inv(xc.T @ xc / len(d))
    return cache["xpx_inv"]


def cell_att(dy: np.ndarray, d: np.ndarray, x: np.ndarray, method: str,
             cache: dict | None = None) -> tuple[float, np.ndarray]:
    """ATT of one 2x2 comparison and its influence function (one value per unit).

    ``cache`` (one dict per set of units) keeps the propensity fit and the comparison
    units' X'X across the periods that compare the same units: with never-treated
    comparisons and covariates fixed in time, each group's models are fitted once.
    """
    cache = {} if cache is None else cache
    if method == "dr_imp":
        return drdid_imp(dy, d, x, cache)
    w_treat = d
    mean_treat = w_treat.mean()
    control = 1.0 - d
    if method in ("reg", "dr"):
        xpx_inv = _controls_ols(x, d, cache)
        beta = xpx_inv @ (x.T @ (control * dy)) / len(d)
        resid = dy - x @ beta
        ols_score = control * resid  # the OLS influence is ols_score_i * x_i' XpX^-1

    if method == "reg":
        eta_treat = (w_treat * dy).mean() / mean_treat
        fitted = dy - resid
        eta_cont = (w_treat * fitted).mean() / mean_treat
        inf_treat = (w_treat * dy - w_treat * eta_treat) / mean_treat
        m1 = (w_treat[:, None] * x).mean(axis=0)
        inf_cont = (w_treat * fitted - w_treat * eta_cont
                    + ols_score * (x @ (xpx_inv @ m1))) / mean_treat
        return eta_treat - eta_cont, inf_treat - inf_cont

    if "propensity" not in cache:
        cache["propensity"] = _propensity(x, d)
    p, h_inv = cache["propensity"]
    ps_score = d - p  # the propensity influence is ps_score_i * x_i' H^-1
    # DRDID trims comparison units with a score of 0.995 or more (trim.level).
    w_cont = (p < TRIM_LEVEL) * p * control / (1 - p)
    mean_cont = w_cont.mean()
    if method == "ipw":
        eta_treat = (w_treat * dy).mean() / mean_treat
        eta_cont = (w_cont * dy).mean() / mean_cont
        inf_treat = (w_treat * dy - w_treat * eta_treat) / mean_treat
        m2 = ((w_cont * (dy - eta_cont))[:, None] * x).mean(axis=0)
        inf_cont = (w_cont * dy - w_cont * eta_cont + ps_score * (x @ (h_inv @ m2))) / mean_cont
        return eta_treat - eta_cont, inf_treat - inf_cont

    eta_treat = (w_treat * resid).mean() / mean_treat
    eta_cont = (w_cont * resid).mean() / mean_cont
    m1 = (w_treat[:, None] * x).mean(axis=0)
    inf_treat = (w_treat * resid - w_treat * eta_treat
                 - ols_score * (x @ (xpx_inv @ m1))) / mean_treat
    m2 = ((w_cont * (resid - eta_cont))[:, None] * x).mean(axis=0)
    m3 = (w_cont[:, None] * x).mean(axis=0)
    inf_cont = (w_cont * resid - w_cont * eta_cont + ps_score * (x @ (h_inv @ m2))
                - ols_score * (x @ (xpx_inv @ m3))) / mean_cont
    return eta_treat - eta_cont, inf_treat - inf_cont
