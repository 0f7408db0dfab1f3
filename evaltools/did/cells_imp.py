"""The improved (locally efficient) doubly robust DiD estimator for panel data.

Sant'Anna & Zhao (2020), DRDID's ``drdid_imp_panel``: the propensity score is fitted by
inverse probability tilting (Graham, Pinto & Egel 2012; DRDID's ``pscore.cal``), which
makes the odds-weighted comparison units reproduce the treated units' covariate sums
exactly; the outcome regression of the comparison units is weighted least squares with
those odds as weights (``wols.br.panel``). With both fits chosen this way the estimation
effects cancel, so the influence function has no correction terms, and the estimator is
doubly robust and locally efficient. As DRDID, the score is capped at 1 - 1e-6 and
comparison units with a score of 0.995 or more are trimmed.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import expit

from ..exceptions import ConvergenceWarning

__all__ = ["drdid_imp", "ipt_propensity"]

TRIM_LEVEL = 0.995


def _logit(x, d, iterations=50):
    """Unpenalised logit by Newton's method (the starting values, as DRDID's glm)."""
    beta = np.zeros(x.shape[1])
    for _ in range(iterations):
        p = expit(x @ beta)
        step = np.linalg.lstsq((x * (p * (1 - p))[:, None]).T @ x, x.T @ (d - p), rcond=None)[0]
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def _tilting_loss(gamma, x, d):
    """DRDID's ``loss.ps.cal``: -mean(d x'g - (1 - d) exp(x'g)), its gradient and Hessian."""
    index = x @ gamma
    odds = np.where(d == 1, 0.0, np.exp(np.minimum(index, 700)))
    value = -np.mean(d * index - odds)
    grad = -((d - odds) @ x) / len(d)
    hess = (x * odds[:, None]).T @ x / len(d)
    return value, grad, hess


def ipt_propensity(x: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Propensity scores by inverse probability tilting (``x`` includes the constant).

    Damped Newton steps on the convex tilting loss from the logit fit; if it does not
    converge the logit scores are used with a :class:`ConvergenceWarning` (DRDID falls back
    the same way).

    >>> x = np.column_stack([np.ones(6), [0.0, 1, 2, 0, 1, 2]])
    >>> d = np.array([1.0, 1, 0, 0, 0, 1])
    >>> p = ipt_propensity(x, d)
    >>> w = p / (1 - p)
    >>> bool(np.allclose((w * (1 - d)) @ x, d @ x))  # odds-weighted controls match treated
    True
    """
    gamma = _logit(x, d)
    value, grad, hess = _tilting_loss(gamma, x, d)
    for _ in range(200):
        if np.max(np.abs(grad)) < 1e-10:
            return expit(x @ gamma)
        step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        size = 1.0
        while size > 1e-8:  # halve the step until the loss falls
            candidate = gamma - size * step
            new = _tilting_loss(candidate, x, d)
            if new[0] <= value:
                break
            size /= 2
        gamma, (value, grad, hess) = candidate, new
    warnings.warn("Inverse probability tilting did not converge; the logit propensity score is "
                  "used instead (as DRDID).", ConvergenceWarning, stacklevel=4)
    return expit(x @ _logit(x, d))


def drdid_imp(dy: np.ndarray, d: np.ndarray, x: np.ndarray,
              cache: dict) -> tuple[float, np.ndarray]:
    """ATT and influence function of DRDID's ``drdid_imp_panel`` for one 2x2 comparison.

    >>> rng = np.random.default_rng(0)
    >>> x = np.column_stack([np.ones(400), rng.normal(size=400)])
    >>> d = (rng.random(400) < 0.4).astype(float)
    >>> att, inf = drdid_imp(x[:, 1] + 2 * d + rng.normal(size=400), d, x, {})
    >>> bool(abs(att - 2) < 3 * np.sqrt(inf @ inf) / 400), abs(float(inf.mean())) < 1e-10
    (True, True)
    """
    if "ipt" not in cache:
        p = np.minimum(ipt_propensity(x, d), 1 - 1e-6)
        keep = np.where(d == 1, 1.0, (p < TRIM_LEVEL).astype(float))
        cache["ipt"] = (p, keep)
    p, keep = cache["ipt"]
    odds = p / (1 - p)
    control = d == 0
    xc, wc = x[control], odds[control]
    beta = np.linalg.lstsq(xc * np.sqrt(wc)[:, None], dy[control] * np.sqrt(wc), rcond=None)[0]
    summand = keep * np.where(control, -odds, 1.0) * (dy - x @ beta)
    mean_treat = d.mean()
    att = summand.mean() / mean_treat
    return float(att), keep * (summand - d * att) / mean_treat
