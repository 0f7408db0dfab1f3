"""Multiplier bootstrap of influence functions, as R's did (``mboot``).

Each draw multiplies the influence function of every unit (or, with clusters, the sum of
the influence functions of the units in each cluster) by an independent weight with mean 0
and variance 1, and averages over the ``n`` units. R's did draws Rademacher weights (-1 or
+1 with probability 1/2; BMisc's ``multiplier_bootstrap``); Mammen's two-point weights
(which also match the third moment) are an option. Standard errors are the interquartile
range of the draws divided by that of a standard normal; the critical value of a uniform
band is a quantile of the largest absolute t-statistic across estimates (R's type 1
quantiles, i.e. order statistics).

The weights are generated again from the stored seed whenever they are needed (for the
aggregations of a result), so every estimate of one fit uses the same draws and no
n_boot x n matrix is kept.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from ..exceptions import ParameterError

__all__ = ["BOOT_WEIGHTS", "bootstrap_se", "cluster_sums", "influence_se", "multiplier_draws",
           "multiplier_weights", "new_seed", "uniform_critical_value"]

BOOT_WEIGHTS = ("rademacher", "mammen")
_IQR_NORMAL = stats.norm.ppf(0.75) - stats.norm.ppf(0.25)
_CHUNK = 2**22  # weights generated per block: bounded memory for any number of units
_TINY = np.sqrt(np.finfo(float).eps) * 10  # R did's threshold for a degenerate estimate


def new_seed(random_state) -> int:
    """The integer seed of a fit's bootstrap (fresh entropy when ``random_state`` is None).

    >>> new_seed(5)
    5
    """
    if random_state is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(random_state, np.random.SeedSequence):
        return int(random_state.generate_state(1, np.uint64)[0])
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(2**63))
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool) \
            and random_state >= 0:
        return int(random_state)
    raise ParameterError("The 'random_state' parameter of att_gt must be a non-negative int, a "
                         f"numpy Generator or None. Got {random_state!r} instead.")


def multiplier_weights(rng: np.random.Generator, shape, kind: str = "rademacher") -> np.ndarray:
    """Bootstrap multipliers with mean 0 and variance 1.

    >>> w = multiplier_weights(np.random.default_rng(0), (2, 3))
    >>> sorted(set(w.ravel().tolist()))
    [-1.0, 1.0]
    """
    if kind == "rademacher":
        return rng.integers(0, 2, size=shape, dtype=np.int8).astype(float) * 2 - 1
    k1, k2 = (1 - np.sqrt(5)) / 2, (1 + np.sqrt(5)) / 2
    p1 = (np.sqrt(5) + 1) / (2 * np.sqrt(5))
    return np.where(rng.random(shape) < p1, k1, k2)


def cluster_sums(inf: np.ndarray, codes: np.ndarray | None) -> np.ndarray:
    """The influence functions summed within clusters (``codes`` 0..C-1 per unit).

    >>> cluster_sums(np.array([[1.0], [2.0], [4.0]]), np.array([0, 1, 0])).ravel().tolist()
    [5.0, 2.0]
    """
    if codes is None:
        return inf
    out = np.zeros((int(codes.max()) + 1, inf.shape[1]))
    np.add.at(out, codes, inf)
    return out


def influence_se(inf: np.ndarray, codes: np.ndarray | None = None) -> np.ndarray:
    """Analytic standard errors from influence functions: sqrt(sum_c S_c^2) / n, where S_c
    is a unit's value (or a cluster's sum, as R did's cluster-robust variance).

    >>> influence_se(np.array([[1.0], [-1.0]])).tolist()
    [0.7071067811865476]
    """
    s = cluster_sums(inf, codes)
    return np.sqrt(np.einsum("ij,ij->j", s, s)) / inf.shape[0]


def multiplier_draws(inf: np.ndarray, *, n_boot: int, seed: int, kind: str = "rademacher",
                     codes: np.ndarray | None = None) -> np.ndarray:
    """``n_boot`` x k draws of (1/n) sum_c V_c S_c, the bootstrap distribution of the
    estimates around their value (one column per column of ``inf``).

    >>> inf = np.random.default_rng(1).normal(size=(500, 2))
    >>> d = multiplier_draws(inf, n_boot=200, seed=3)
    >>> d.shape, bool(np.allclose(d, multiplier_draws(inf, n_boot=200, seed=3)))
    ((200, 2), True)
    """
    s = cluster_sums(inf, codes)
    rng = np.random.default_rng(seed)
    block = max(1, _CHUNK // max(len(s), 1))
    draws = np.empty((n_boot, inf.shape[1]))
    for start in range(0, n_boot, block):
        b = min(block, n_boot - start)
        draws[start:start + b] = multiplier_weights(rng, (b, len(s)), kind) @ s
    return draws / inf.shape[0]


def bootstrap_se(draws: np.ndarray) -> np.ndarray:
    """Standard errors from the interquartile range of the draws (NaN where degenerate).

    >>> d = np.random.default_rng(0).normal(scale=2.0, size=(20000, 1))
    >>> round(float(bootstrap_se(d)[0]), 1)
    2.0
    """
    q = np.quantile(draws, [0.75, 0.25], axis=0, method="inverted_cdf")
    se = (q[0] - q[1]) / _IQR_NORMAL
    degenerate = np.sqrt((draws**2).sum(axis=0)) <= _TINY
    return np.where(degenerate | (se <= _TINY), np.nan, se)


def uniform_critical_value(draws: np.ndarray, se: np.ndarray, level: float = 0.95) -> float:
    """Critical value of a uniform band over the columns with a standard error: the
    ``level`` quantile of max_j |draw_j / se_j|.

    >>> d = np.random.default_rng(0).normal(size=(20000, 1))
    >>> abs(uniform_critical_value(d, np.ones(1)) - 1.96) < 0.05
    True
    """
    ok = np.isfinite(se)
    if not ok.any():
        return float("nan")
    t_max = np.abs(draws[:, ok] / se[ok]).max(axis=1)
    return float(np.quantile(t_max, level, method="inverted_cdf"))
