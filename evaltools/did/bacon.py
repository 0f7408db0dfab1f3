"""Goodman-Bacon (2021) decomposition of the two-way fixed-effects estimate."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .._shared import TableResult, run_meta
from .._shared.calls import checked_call
from ..exceptions import DataWarning, SchemaError
from ..validation import examples
from .checks import (
    check_absorbing,
    check_balanced,
    check_binary_varies,
    check_panel,
    check_twfe_identified,
    check_unit_time,
)
from .options import (
    check_ax,
    check_outcome_varies,
    check_role_columns,
    check_roles,
    plot_kwargs,
)
from .regression import fit_panel

__all__ = ["bacon_decomposition", "BaconResult"]


@dataclass(repr=False)
class BaconResult(TableResult):
    """The 2x2 comparisons behind a TWFE estimate: estimate, weight and type."""

    twfe_estimate: float
    model: Any = None
    _title = "Goodman-Bacon decomposition"

    def _estimates(self) -> pd.DataFrame:
        """The TWFE coefficient (with its clustered standard error from ``model``) and each
        2x2 comparison (no standard error: the decomposition is descriptive)."""
        t = self.table
        terms = t["treated"].astype(str) + " vs " + t["control"].astype(str)
        twfe = pd.DataFrame({"term": ["twfe"], "estimate": [float(self.model.params.iloc[0])],
                             "std_error": [float(self.model.std_errors.iloc[0])],
                             "n": [int(self.model.nobs)], "df": [float(self.model.df_resid)]})
        parts = pd.DataFrame({"term": terms, "estimate": t["estimate"], "std_error": np.nan,
                              "n": t["n_units"], "df": np.inf})
        return pd.concat([twfe, parts], ignore_index=True)

    def _notes(self) -> list[str]:
        bad = self.table.loc[self.table.type == "later vs earlier treated", "weight"].sum()
        return [f"Weighted sum of the 2x2 estimates = TWFE estimate {self.twfe_estimate:.4f}. "
                f"{bad:.0%} of the weight is on comparisons that use already-treated units as "
                "controls, which are biased when effects change over time."]

    def plot(self, ax=None, **kwargs):
        """Each 2x2 estimate against its weight, with the TWFE estimate. Returns the Axes."""
        check_ax(ax, "BaconResult.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        for kind, part in self.table.groupby("type"):
            with plot_kwargs("BaconResult.plot", kwargs, "scatter"):
                ax.scatter(part["weight"], part["estimate"], label=kind, **kwargs)
        ax.axhline(self.twfe_estimate, color="black", linestyle="--", label="TWFE")
        ax.set_xlabel("weight")
        ax.set_ylabel("2x2 DiD estimate (outcome units)")
        ax.legend(fontsize="small")
        return ax


def _dd(y, units_a, units_b, pre, post):
    return ((y[units_a][:, post].mean() - y[units_a][:, pre].mean())
            - (y[units_b][:, post].mean() - y[units_b][:, pre].mean()))


def _check(data, outcome, unit, time, treatment, func):
    check_panel(data, func, numeric=[outcome], other=[unit, time, treatment], unit=unit)
    check_unit_time(data, unit, time, func)
    check_outcome_varies(data, outcome, func)
    check_binary_varies(data, treatment, "treatment", func)
    check_balanced(data, unit, time, func)
    check_absorbing(data, unit, time, treatment, func)
    check_twfe_identified(data, unit, time, treatment, func)
    first = data[time].min()
    always = data.loc[(data[time] == first) & (data[treatment] == 1), unit]
    if len(always):
        raise SchemaError(
            f"{len(always)} unit(s) are treated from the first period in {func}, e.g. {unit} "
            f"{examples(always)}; these always-treated units have no pre-period. Fix: drop "
            "them (they identify nothing about the effect).")


def _comparisons(y, start, periods):
    """Every 2x2 comparison with its unnormalised Goodman-Bacon weight (his eq. 10)."""
    T = len(periods)
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
                         _dd(y, start == k, never, slice(0, k), slice(k, T)),
                         int((start == k).sum() + never.sum())))
        for j in timing:
            if j <= k:
                continue
            nk, nl = share[k], share[j]
            nkl = nk / (nk + nl)
            dl = (T - j) / T
            n = int((start == k).sum() + (start == j).sum())
            w_early = ((nk + nl) * (1 - dl)) ** 2 * nkl * (1 - nkl) * (dk - dl) / (1 - dl) \
                * (1 - dk) / (1 - dl)
            rows.append(("earlier vs later treated", periods[k], periods[j], w_early,
                         _dd(y, start == k, start == j, slice(0, k), slice(k, j)), n))
            w_late = ((nk + nl) * dk) ** 2 * nkl * (1 - nkl) * dl / dk * (dk - dl) / dk
            rows.append(("later vs earlier treated", periods[j], periods[k], w_late,
                         _dd(y, start == j, start == k, slice(k, j), slice(j, T)), n))
    return pd.DataFrame(rows, columns=["type", "treated", "control", "weight", "estimate",
                                       "n_units"])


@checked_call
def bacon_decomposition(data: pd.DataFrame, *, outcome: str, unit: str, time: str,
                        treatment: str) -> BaconResult:
    """Decompose TWFE with staggered adoption into 2x2 comparisons (balanced panel,
    absorbing treatment): treated vs never treated, earlier vs later treated (before the
    later group starts), and later vs earlier treated (after the earlier one started),
    with Goodman-Bacon's (2021) variance weights, which sum to one.

    R equivalent: ``bacondecomp::bacon(outcome ~ treatment, data, id_var = unit,
    time_var = time)`` (``outcome ~ treatment`` is its ``formula``, ``unit`` its ``id_var``,
    ``time`` its ``time_var``). ``.model`` is the TWFE fit (linearmodels PanelOLS) whose
    coefficient the weighted comparisons reproduce.

    Examples
    --------
    >>> import evaltools as et
    >>> panel, _ = et.datasets.area_rollout(n_areas=40, random_state=1)
    >>> res = et.did.bacon_decomposition(panel, outcome="rate_per_1000", unit="area",
    ...                                  time="year", treatment="treated")
    >>> float(round(res.table.weight.sum(), 6))
    1.0
    """
    func = "bacon_decomposition"
    roles = {"outcome": outcome, "unit": unit, "time": time, "treatment": treatment}
    check_roles(func, roles)
    check_role_columns(data, func, roles)
    if isinstance(data, pd.DataFrame) and treatment in data and \
            isinstance(data[treatment].dtype, pd.CategoricalDtype):  # 0/1 stored as categories
        data = data.assign(**{treatment: np.asarray(data[treatment]).astype(object)})
    _check(data, outcome, unit, time, treatment, func)
    wide = data.pivot(index=unit, columns=time, values=outcome).sort_index(axis=1)
    d = data.pivot(index=unit, columns=time, values=treatment).sort_index(axis=1).to_numpy()
    start = np.where(d.any(axis=1), d.argmax(axis=1), -1)  # first treated column
    table = _comparisons(wide.to_numpy(float), start, wide.columns.to_numpy())
    table["weight"] /= table["weight"].sum()
    estimate = float(table.weight @ table.estimate)
    panel = data.set_index([unit, time])
    fit = fit_panel(panel[outcome].astype(float), panel[[treatment]].astype(float), None, func)
    if not np.isclose(estimate, fit.params.iloc[0], rtol=1e-6, atol=1e-9):
        warnings.warn(f"The weighted 2x2 comparisons ({estimate:.6g}) do not reproduce the "
                      f"TWFE coefficient ({fit.params.iloc[0]:.6g}); check the panel.",
                      DataWarning, stacklevel=2)
    return BaconResult(table=table, twfe_estimate=estimate, model=fit, meta=run_meta(dict(
        outcome=outcome, unit=unit, time=time, treatment=treatment)))
