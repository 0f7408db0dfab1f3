"""Goodman-Bacon (2021) decomposition of the two-way fixed-effects estimate."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .._shared import TableResult
from ..validation import check_columns

__all__ = ["bacon_decomposition", "BaconResult"]


@dataclass(repr=False)
class BaconResult(TableResult):
    """The 2x2 comparisons behind a TWFE estimate: estimate, weight and type."""

    twfe_estimate: float
    _title = "Goodman-Bacon decomposition"

    def _notes(self) -> list[str]:
        bad = self.table.loc[self.table.type == "later vs earlier treated", "weight"].sum()
        return [f"Weighted sum of the 2x2 estimates = TWFE estimate {self.twfe_estimate:.4f}. "
                f"{bad:.0%} of the weight is on comparisons that use already-treated units as "
                "controls, which are biased when effects change over time."]

    def plot(self, ax=None, **kwargs):
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        for kind, part in self.table.groupby("type"):
            ax.scatter(part["weight"], part["estimate"], label=kind, **kwargs)
        ax.axhline(self.twfe_estimate, color="black", linestyle="--", label="TWFE")
        ax.set_xlabel("weight")
        ax.set_ylabel("2x2 DiD estimate (outcome units)")
        ax.legend(fontsize="small")
        return ax


def _dd(y, units_a, units_b, pre, post):
    return ((y[units_a][:, post].mean() - y[units_a][:, pre].mean())
            - (y[units_b][:, post].mean() - y[units_b][:, pre].mean()))


def bacon_decomposition(data: pd.DataFrame, outcome: str, *, unit: str, time: str,
                        treat: str) -> BaconResult:
    """Decompose TWFE with staggered adoption into 2x2 comparisons (balanced panel,
    absorbing treatment): treated vs never treated, earlier vs later treated (before the
    later group starts), and later vs earlier treated (after the earlier one started),
    with Goodman-Bacon's variance weights, which sum to one.

    Examples
    --------
    >>> import evaltools as et
    >>> panel, _ = et.datasets.area_rollout(n_areas=40, seed=1)
    >>> res = et.did.bacon_decomposition(panel, "rate_per_1000", unit="area", time="year",
    ...                                  treat="treated")
    >>> float(round(res.table.weight.sum(), 6))
    1.0
    """
    check_columns(data, [outcome, unit, time, treat], "data")
    wide = data.pivot(index=unit, columns=time, values=outcome)
    d = data.pivot(index=unit, columns=time, values=treat).to_numpy()
    y = wide.to_numpy(float)
    periods = wide.columns.to_numpy()
    T = len(periods)
    start = np.where(d.any(axis=1), d.argmax(axis=1), -1)  # first treated column
    timing = sorted(set(start[start >= 0]))
    share = {s: np.mean(start == s) for s in timing}
    never = start == -1
    rows = []
    for k in timing:
        dk = (T - k) / T  # share of periods treated
        if never.any():
            nu = never.mean()
            w = (share[k] + nu) ** 2 * (share[k] / (share[k] + nu)) * (nu / (share[k] + nu)) \
                * dk * (1 - dk)
            rows.append(("treated vs never treated", periods[k], "never", w,
                         _dd(y, start == k, never, slice(0, k), slice(k, T))))
        for j in timing:
            if j <= k:
                continue
            nk, nl = share[k], share[j]
            nkl = nk / (nk + nl)
            dl = (T - j) / T
            w_early = ((nk + nl) * (1 - dl)) ** 2 * nkl * (1 - nkl) * (dk - dl) / (1 - dl) \
                * (1 - dk) / (1 - dl)
            rows.append(("earlier vs later treated", periods[k], periods[j], w_early,
                         _dd(y, start == k, start == j, slice(0, k), slice(k, j))))
            w_late = ((nk + nl) * dk) ** 2 * nkl * (1 - nkl) * dl / dk * (dk - dl) / dk
            rows.append(("later vs earlier treated", periods[j], periods[k], w_late,
                         _dd(y, start == j, start == k, slice(k, j), slice(j, T))))
    table = pd.DataFrame(rows, columns=["type", "treated", "control", "weight", "estimate"])
    table["weight"] /= table["weight"].sum()
    estimate = float(table.weight @ table.estimate)
    return BaconResult(table=table, twfe_estimate=estimate,
                       meta={"options": dict(unit=unit, time=time, treat=treat)})
