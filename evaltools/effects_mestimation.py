"""Standard errors of weighted outcome models that account for estimated weights.

Inverse-probability weights come from a fitted logistic propensity model; treating them
as known ignores that fit. M-estimation (Stefanski & Boos 2002; Lunceford & Davidian
2004; Reifeis & Hudgens 2022 for the ATT) stacks the propensity model's estimating
equations with the weighted outcome model's and takes the sandwich
``A^-1 B A^-T`` of the stacked system, as R's WeightIt does for ``glm_weightit`` /
``lm_weightit`` with ``vcov = "asympt"`` (HC0; with clusters the meat sums within
clusters and is scaled by G / (G - 1), as ``sandwich::vcovCL``).

For unit i with treatment t, propensity covariates x (with intercept), outcome y and
outcome design z (intercept, treatment, covariates) the equations are

- propensity score: ``(t - p) x`` with ``p = expit(x'gamma)``;
- (stabilised ATE only) the marginal probability: ``t - pi``;
- outcome: ``w(gamma, pi) (y - mu(z'beta)) z`` with ``mu`` the identity (linear models)
  or ``exp`` with an offset (Poisson models), ATT weights ``t + (1 - t) p / (1 - p)``,
  ATE weights ``t / p + (1 - t) / (1 - p)`` (times ``t pi + (1 - t)(1 - pi)`` when
  stabilised).

All arrays may carry leading batch dimensions (many data sets at once), which the
simulation test of coverage uses.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

__all__ = ["ipw_weights", "stacked_sandwich"]


def ipw_weights(eta, t, estimand: str, pi=None):
    """IPW weights and their derivative factors from the linear predictor ``eta``.

    Returns ``(w, c_gamma, c_pi)``: the weights, ``dw/dgamma = c_gamma * x`` and
    ``dw/dpi`` (None unless stabilised).

    >>> w, c, _ = ipw_weights(np.array([0.0, 0.0]), np.array([1.0, 0.0]), "ATT")
    >>> w.tolist(), c.tolist()
    ([1.0, 1.0], [0.0, 1.0])
    """
    p = expit(eta)
    if estimand == "ATT":
        odds = np.exp(eta)
        return t + (1 - t) * odds, (1 - t) * odds, None
    w = t / p + (1 - t) / (1 - p)
    c = -t * (1 - p) / p + (1 - t) * p / (1 - p)
    if pi is None:
        return w, c, None
    pi = np.asarray(pi)[..., None]
    s = t * pi + (1 - t) * (1 - pi)
    return w * s, c * s, w * (2 * t - 1)


def _outer_sum(scale, a, b):
    """sum_i scale_i a_i b_i' over the unit axis (second to last), batch-aware."""
    return np.einsum("...n,...ni,...nj->...ij", scale, a, b)


def stacked_sandwich(x, t, gamma, z, y, beta, *, estimand: str = "ATT", pi=None,
                     family: str = "gaussian", offset=None, observed=None, cluster=None):
    """Covariance of the outcome coefficients ``beta`` from the stacked M-estimator.

    Parameters are the propensity design ``x`` (n x k, with intercept) and coefficients
    ``gamma``; the 0/1 treatment ``t``; the outcome design ``z`` (n x m), outcome ``y`` and
    coefficients ``beta``; ``pi`` the marginal treatment probability for stabilised ATE
    weights (else None); ``observed`` marks units whose outcome enters (all by default);
    ``cluster`` integer cluster codes (no batch dimension).

    >>> rng = np.random.default_rng(0)
    >>> x = np.column_stack([np.ones(200), rng.normal(size=200)])
    >>> t = (rng.random(200) < expit(x[:, 1])).astype(float)
    >>> z = np.column_stack([np.ones(200), t])
    >>> y = x[:, 1] + t + rng.normal(size=200)
    >>> gamma = np.array([0.0, 1.0])
    >>> w, _, _ = ipw_weights(x @ gamma, t, "ATT")
    >>> beta = np.linalg.solve((z * w[:, None]).T @ z, (z * w[:, None]).T @ y)
    >>> stacked_sandwich(x, t, gamma, z, y, beta).shape
    (2, 2)
    """
    eta = np.einsum("...nk,...k->...n", x, gamma)
    p = expit(eta)
    w, c_gamma, c_pi = ipw_weights(eta, t, estimand, pi)
    lin = np.einsum("...nm,...m->...n", z, beta) + (0 if offset is None else offset)
    mu, dmu = (np.exp(lin), np.exp(lin)) if family == "poisson" else (lin, np.ones_like(lin))
    o = np.ones_like(y) if observed is None else observed.astype(float)
    r = np.where(o > 0, y - mu, 0.0)
    n, k, m = x.shape[-2], x.shape[-1], z.shape[-1]
    stab = c_pi is not None
    psi = [(t - p)[..., None] * x]
    if stab:
        psi.append((t - np.asarray(pi)[..., None])[..., None])
    psi.append((o * w * r)[..., None] * z)
    psi = np.concatenate(psi, axis=-1)
    size = k + stab + m
    jac = np.zeros((*x.shape[:-2], size, size))
    jac[..., :k, :k] = -_outer_sum(p * (1 - p), x, x)
    b0 = k + stab
    jac[..., b0:, :k] = _outer_sum(o * r * c_gamma, z, x)
    if stab:
        jac[..., k, k] = -n
        jac[..., b0:, k] = np.einsum("...n,...nm->...m", o * r * c_pi, z)
    jac[..., b0:, b0:] = -_outer_sum(o * w * dmu, z, z)
    meat = _meat(psi, cluster)
    bread = np.linalg.inv(jac)
    vcov = bread @ meat @ np.swapaxes(bread, -1, -2)
    return vcov[..., b0:, b0:]


def _meat(psi, cluster):
    """sum_i psi_i psi_i' (HC0), or over cluster sums scaled by G / (G - 1)."""
    if cluster is None:
        return np.einsum("...ni,...nj->...ij", psi, psi)
    codes = np.unique(cluster, return_inverse=True)[1]
    g = int(codes.max()) + 1
    sums = np.column_stack([np.bincount(codes, weights=psi[:, j], minlength=g)
                            for j in range(psi.shape[-1])])  # a loop over parameters only
    return sums.T @ sums * g / (g - 1)
