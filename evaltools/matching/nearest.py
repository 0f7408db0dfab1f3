"""Greedy nearest-neighbour matching, in MatchIt's order and rounds.

Treated units are taken in the requested order; in round ``r`` (1..ratio) each treated
unit that still wants a match takes the closest available control. On a one-dimensional
score the controls are kept sorted and "next available" pointers (union-find with path
compression) skip used controls, so a match costs about O(log n) and no treated unit is
ever compared with every control. Ties in distance go to the control first in data order.
"""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import NearestNeighbors

__all__ = ["greedy_1d", "nearest_with_replacement", "greedy_multivariate"]


def _find(parent: list[int], i: int) -> int:
    """Root of i with path halving: the nearest available slot in one direction."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def greedy_1d(score: np.ndarray, treated: np.ndarray, controls: np.ndarray, ratio: int,
              caliper: float | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (treated, control, |score difference|) without replacement.

    ``treated`` are positions in matching order; ``controls`` are candidate positions.
    """
    order = np.lexsort((controls, score[controls]))  # by score, ties by data order
    sorted_controls = controls[order]
    values = score[sorted_controls]
    n = len(values)
    # right[i]: first available slot >= i (n = none); left[i + 1]: last available <= i.
    right, left = list(range(n + 1)), list(range(n + 1))
    start = np.searchsorted(values, score[treated]).tolist()
    t_out, c_out, d_out = [], [], []
    for _ in range(ratio):
        before = len(t_out)
        for t, pos in zip(treated.tolist(), start, strict=True):
            r = _find(right, pos)
            l_slot = _find(left, pos) - 1
            s = score[t]
            dr = values[r] - s if r < n else np.inf
            dl = s - values[l_slot] if l_slot >= 0 else np.inf
            if dl < dr or (dl == dr and l_slot >= 0 and sorted_controls[l_slot]
                           < (sorted_controls[r] if r < n else np.inf)):
                j, d = l_slot, dl
            else:
                j, d = r, dr
            if not np.isfinite(d) or (caliper is not None and d > caliper):
                continue
            t_out.append(t)
            c_out.append(sorted_controls[j])
            d_out.append(d)
            right[j], left[j + 1] = j + 1, j  # slot j is used: skip it in both directions
        if len(t_out) == before:  # a round with no match: later rounds cannot match either
            break
    return np.array(t_out, int), np.array(c_out, int), np.array(d_out, float)


def nearest_with_replacement(coords: np.ndarray, treated: np.ndarray, controls: np.ndarray,
                             ratio: int, caliper: float | None, score: np.ndarray | None = None,
                             score_caliper: float | None = None):
    """Each treated unit takes its ``ratio`` nearest controls; controls may be reused."""
    k = min(len(controls), ratio if score_caliper is None else len(controls))
    nn = NearestNeighbors(n_neighbors=k).fit(coords[controls])
    dist, idx = nn.kneighbors(coords[treated])
    cand = controls[idx]
    ok = np.ones_like(dist, bool) if caliper is None else dist <= caliper
    if score_caliper is not None:
        ok &= np.abs(score[cand] - score[treated][:, None]) <= score_caliper
    rank = np.cumsum(ok, axis=1)
    keep = ok & (rank <= ratio)
    rows = np.nonzero(keep)
    return treated[rows[0]], cand[rows], dist[rows]


def greedy_multivariate(coords: np.ndarray, treated: np.ndarray, controls: np.ndarray,
                        ratio: int, score: np.ndarray | None = None,
                        score_caliper: float | None = None):
    """Greedy Mahalanobis matching without replacement (optionally within a score caliper).

    Each treated unit asks a KD-tree for its nearest controls, widening the search until
    an available one (inside the caliper) turns up.
    """
    nn = NearestNeighbors().fit(coords[controls])
    used = np.zeros(len(controls), bool)
    n_used = 0
    t_out, c_out, d_out = [], [], []
    for _ in range(ratio):
        before = len(t_out)
        for t in treated.tolist():
            if used.all():
                break
            k = min(8 + n_used, len(controls))  # n_used nearest may all be taken
            while True:
                dist, idx = nn.kneighbors(coords[[t]], n_neighbors=k)
                dist, idx = dist[0], idx[0]
                ok = ~used[idx]
                if score_caliper is not None:
                    ok &= np.abs(score[controls[idx]] - score[t]) <= score_caliper
                if ok.any() or k == len(controls):
                    break
                k = min(4 * k, len(controls))
            if ok.any():
                j = idx[np.argmax(ok)]
                used[j] = True
                n_used += 1
                t_out.append(t)
                c_out.append(controls[j])
                d_out.append(dist[np.argmax(ok)])
        if len(t_out) == before:  # a round with no match: later rounds cannot match either
            break
    return np.array(t_out, int), np.array(c_out, int), np.array(d_out, float)
