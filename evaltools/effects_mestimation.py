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

- propensity score: ``(t - p) x`` with ``p = expit(x'gamma)``; or, for entropy balancing
  (ATT), ``(t (1 - pi) / pi - (1 - t) exp(x'gamma)) x`` with the marginal probability
  ``pi``: the control weights ``exp(x'gamma)`` sum to the number of controls and
  reproduce the treated means (the dual solution is this root);
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


def _weight_model(kind, x, t, eta, pi):
    """Estimating functions of the weight model and their Jacobian blocks:
    ``(psi, d psi / d gamma', d psi / d pi or None)``."""
    if kind == "logistic":
        p = expit(eta)
        return (t - p)[..., None] * x, -_outer_sum(p * (1 - p), x, x), None
    # Entropy balancing for the ATT, as a just-identified moment condition: control weights
    # exp(x'gamma) (x with intercept) reproduce (1 - pi) / pi times the treated sums, i.e.
    # they sum to the number of controls and match the treated means.
    pi = np.asarray(pi)[..., None]
    odds = np.exp(eta)
    psi = (t * (1 - pi) / pi - (1 - t) * odds)[..., None] * x
    d_pi = np.einsum("...n,...nk->...k", -t / pi**2, x)
    return psi, -_outer_sum((1 - t) * odds, x, x), d_pi


def stacked_sandwich(x, t, gamma, z, y, beta, *, estimand: str = "ATT", pi=None,
                     family: str = "gaussian", offset=None, observed=None, cluster=None,
                     weight_model: str = "logistic"):
    """Covariance of the outcome coefficients ``beta`` from the stacked M-estimator.

    Parameters are the weight model's design ``x`` (n x k, with intercept) and
    coefficients ``gamma`` (a logistic propensity model, or with
    ``weight_model="entropy"`` the entropy-balancing tilt ``exp(x'gamma)`` of the controls,
    ATT only); the 0/1 treatment ``t``; the outcome design ``z`` (n x m), outcome ``y`` and
    coefficients ``beta``; ``pi`` the marginal treatment probability, a parameter of
    stabilised ATE weights and of entropy balancing (else None); ``observed`` marks units
    whose outcome enters (all by default); ``cluster`` integer cluster codes (no batch
    dimension).

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
    entropy = weight_model == "entropy"
    w, c_gamma, c_pi = ipw_weights(eta, t, "ATT" if entropy else estimand,
                                   None if entropy else pi)
    lin = np.einsum("...nm,...m->...n", z, beta) + (0 if offset is None else offset)
    mu, dmu = (np.exp(lin), np.exp(lin)) if family == "poisson" else (lin, np.ones_like(lin))
    o = np.ones_like(y) if observed is None else observed.astype(float)
    r = np.where(o > 0, y - mu, 0.0)
    n, k, m = x.shape[-2], x.shape[-1], z.shape[-1]
    stab = pi is not None
    psi_w, jac_ww, jac_wpi = _weight_model(weight_model, x, t, eta, pi)
    psi = [psi_w]
    if stab:
        psi.append((t - np.asarray(pi)[..., None])[..., None])
    psi.append((o * w * r)[..., None] * z)
    psi = np.concatenate(psi, axis=-1)
    size = k + stab + m
    jac = np.zeros((*x.shape[:-2], size, size))
    jac[..., :k, :k] = jac_ww
    b0 = k + stab
    jac[..., b0:, :k] = _outer_sum(o * r * c_gamma, z, x)
    if stab:
        jac[..., k, k] = -n
        if jac_wpi is not None:
            jac[..., :k, k] = jac_wpi
        if c_pi is not None:
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
