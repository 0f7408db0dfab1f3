"""Optimal pair and 1:k matching: minimum total distance (scipy's assignment solver)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from ..exceptions import EvaltoolsInputError

__all__ = ["optimal_match"]

_MAX_CELLS = 60_000_000  # treated x controls cells per stratum (about 500 MB of float64)


def optimal_match(coords: np.ndarray, treated: np.ndarray, controls: np.ndarray, ratio: int,
                  caliper: float | None, score: np.ndarray | None = None,
                  score_caliper: float | None = None):
    """Pairs minimising the total distance; each treated unit gets up to ``ratio`` controls.

    Pairs beyond the caliper (on ``coords``), or whose ``score`` differs by more than
    ``score_caliper`` (Mahalanobis matching within a propensity caliper), are forbidden
    (given an infinite-like cost) and dropped.
    """
    if len(treated) * ratio * len(controls) > _MAX_CELLS:
        raise EvaltoolsInputError(
            f"Optimal matching of {len(treated)} treated x {ratio} to {len(controls)} controls "
            "needs a dense cost matrix that is too large. Fix: add exact strata (exact=...) to "
            "split the problem, or use method='nearest'.")
    cost = cdist(coords[treated], coords[controls])
    big = cost.max() * 1e3 + 1 if cost.size else 1.0
    if caliper is not None:
        cost = np.where(cost > caliper, big, cost)
    if score_caliper is not None:
        gap = np.abs(score[treated][:, None] - score[controls][None, :])
        cost = np.where(gap > score_caliper, big, cost)
    rows, cols = linear_sum_assignment(np.repeat(cost, ratio, axis=0))
    t = treated[rows // ratio]
    d = np.repeat(cost, ratio, axis=0)[rows, cols]
    keep = d < big
    return t[keep], controls[cols][keep], d[keep]
