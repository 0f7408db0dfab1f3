"""Two-period, two-group ATT estimators with influence functions (panel data).

For one (g, t) cell: ``dy`` is each unit's outcome change from the base period to ``t``,
``d`` marks the group's units (1) against the comparison units (0), ``x`` the covariates
(with a constant). The estimators are those of R's DRDID package that R's did uses:
outcome regression ("reg", Heckman, Ichimura & Todd 1997), normalised inverse probability
weighting ("ipw", Abadie 2005) and the doubly robust estimator ("dr", Sant'Anna & Zhao 2020,
``drdid_panel``). Each returns the ATT and its influence function over the cell's units.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

__all__ = ["cell_att"]


def _ols(x, y, w):
    xw = x * w[:, None]
    return np.linalg.solve(xw.T @ x, xw.T @ y)


def _propensity(x, d):
    """Logit propensity (unpenalised) and the asymptotic linear representation of its
    coefficients, as glm() + vcov() * n in DRDID."""
    if x.shape[1] == 1:
        p = np.full(len(d), d.mean())
    else:
        model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10,
                                   max_iter=200).fit(x[:, 1:], d)
        p = model.predict_proba(x[:, 1:])[:, 1]
    p = np.minimum(p, 1 - 1e-6)
    hessian = (x * (p * (1 - p))[:, None]).T @ x / len(d)
    score = (d - p)[:, None] * x
    return p, score @ np.linalg.inv(hessian)


def cell_att(dy: np.ndarray, d: np.ndarray, x: np.ndarray, method: str
             ) -> tuple[float, np.ndarray]:
    """ATT of one 2x2 comparison and its influence function (one value per unit)."""
    n = len(d)
    w_treat = d.astype(float)
    if method == "reg":
        beta = _ols(x[d == 0], dy[d == 0], np.ones((d == 0).sum()))
        fitted = x @ beta
        att_treat = w_treat * dy
        att_cont = w_treat * fitted
        eta_treat, eta_cont = att_treat.mean() / w_treat.mean(), att_cont.mean() / w_treat.mean()
        w_ols = 1.0 - d
        xpx = (x * w_ols[:, None]).T @ x / n
        lin_ols = (w_ols * (dy - fitted))[:, None] * x @ np.linalg.inv(xpx)
        inf_treat = (att_treat - w_treat * eta_treat) / w_treat.mean()
        inf_cont_1 = att_cont - w_treat * eta_cont
        inf_cont_2 = lin_ols @ (w_treat[:, None] * x).mean(axis=0)
        return eta_treat - eta_cont, inf_treat - (inf_cont_1 + inf_cont_2) / w_treat.mean()
    p, lin_ps = _propensity(x, d)
    w_cont = p * (1 - d) / (1 - p)
    if method == "ipw":
        eta_treat = (w_treat * dy).mean() / w_treat.mean()
        eta_cont = (w_cont * dy).mean() / w_cont.mean()
        inf_treat = (w_treat * dy - w_treat * eta_treat) / w_treat.mean()
        inf_cont_1 = w_cont * dy - w_cont * eta_cont
        m2 = (w_cont * (dy - eta_cont))[:, None] * x
        inf_cont = (inf_cont_1 + lin_ps @ m2.mean(axis=0)) / w_cont.mean()
        return eta_treat - eta_cont, inf_treat - inf_cont
    beta = _ols(x[d == 0], dy[d == 0], np.ones((d == 0).sum()))
    fitted = x @ beta
    att_treat, att_cont = w_treat * (dy - fitted), w_cont * (dy - fitted)
    eta_treat, eta_cont = att_treat.mean() / w_treat.mean(), att_cont.mean() / w_cont.mean()
    w_ols = 1.0 - d
    xpx = (x * w_ols[:, None]).T @ x / n
    lin_ols = (w_ols * (dy - fitted))[:, None] * x @ np.linalg.inv(xpx)
    inf_treat = (att_treat - w_treat * eta_treat
                 - lin_ols @ (w_treat[:, None] * x).mean(axis=0)) / w_treat.mean()
    m2 = ((w_cont * (dy - fitted - eta_cont))[:, None] * x).mean(axis=0)
    m3 = (w_cont[:, None] * x).mean(axis=0)
    inf_cont = (att_cont - w_cont * eta_cont + lin_ps @ m2 - lin_ols @ m3) / w_cont.mean()
    return eta_treat - eta_cont, inf_treat - inf_cont
