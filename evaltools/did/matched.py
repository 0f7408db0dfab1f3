"""Matched difference-in-differences: participants' change minus their controls' change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._shared import run_meta
from ..validation import check_columns
from .regression import DiDResult

__all__ = ["matched_did"]


def matched_did(panel: pd.DataFrame, matched: pd.DataFrame, *, outcome: str,
                pre: tuple[int, int] = (-12, 0), post: tuple[int, int] = (0, 12),
                exposure: str = "exposure", key: str = "match_id",
                period_col: str = "rel_period", weights: str = "weights",
                subclass: str = "subclass", treatment: str = "treated",
                rates: bool = True) -> DiDResult:
    """Participant-minus-control change from a pre window to a post window.

    ``panel`` is a long person-period table (e.g. from ``build_panel(..., key_col=
    "match_id")``) and ``matched`` the matched sample (one row per ``key``, with
    treatment, weights and subclass). With ``rates=True`` each person's use in a window is
    divided by their person-time in it (so deaths do not look like falls); windows are
    half-open ``[start, stop)`` in ``period_col`` units. The standard error comes from
    the variance of the matched sets' contributions (clustered on ``subclass``).

    Examples
    --------
    >>> panel = pd.DataFrame({"match_id": [1, 1, 2, 2], "rel_period": [-1, 0, -1, 0],
    ...                       "y": [4, 1, 4, 2], "exposure": [1, 1, 1, 1]})
    >>> matched = pd.DataFrame({"match_id": [1, 2], "treated": [1, 0], "weights": [1, 1],
    ...                         "subclass": [1, 1]})
    >>> matched_did(panel, matched, outcome="y", pre=(-1, 0), post=(0, 1)).estimate
    -1.0
    """
    check_columns(panel, [key, period_col, outcome, exposure], "panel")
    check_columns(matched, [key, treatment, weights, subclass], "matched")
    change = []
    for start, stop in (pre, post):
        part = panel[(panel[period_col] >= start) & (panel[period_col] < stop)]
        sums = part.groupby(key)[[outcome, exposure]].sum()
        change.append(sums[outcome] / sums[exposure] if rates else sums[outcome])
    delta = (change[1] - change[0]).rename("delta")
    d = matched.set_index(key).join(delta, how="inner").dropna(subset=["delta"])
    t = d[treatment] == 1
    w = d[weights].astype(float)
    estimate = (np.average(d.delta[t], weights=w[t]) - np.average(d.delta[~t], weights=w[~t]))
    # Contribution of each matched set to the estimate; clustered variance across sets.
    contrib = np.where(t, w / w[t].sum(), -w / w[~t].sum()) * (
        d.delta - np.where(t, np.average(d.delta[t], weights=w[t]),
                           np.average(d.delta[~t], weights=w[~t])))
    by_set = pd.Series(contrib, index=d.index).groupby(d[subclass].to_numpy()).sum()
    g = len(by_set)
    se = float(np.sqrt(g / max(g - 1, 1) * (by_set**2).sum()))
    return DiDResult(float(estimate), se, int(len(d)), meta=run_meta(dict(
        outcome=outcome, pre=pre, post=post, rates=rates)))
