"""The cohort picked in one period, followed before and after: the frequent-users chart."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .._shared import TableResult, run_meta
from .._shared.calls import checked_call
from ..exceptions import DataWarning, ParameterError, SchemaError
from ..validation import check_ax, check_number, plot_options
from .fit import person_period_table

__all__ = ["selection_trajectory", "TrajectoryResult"]


@dataclass(repr=False)
class TrajectoryResult(TableResult):
    """Mean use of a selected cohort and of everyone, period by period."""

    outcome: str
    select_period: Any
    n_selected: int
    _title = "Selection trajectory"

    def _estimates(self) -> pd.DataFrame:
        t = self.table
        return pd.DataFrame({"term": [f"relative period {p}" for p in t["relative_period"]],
                             "estimate": t["cohort_mean"], "std_error": t["std_error"],
                             "n": t["n"]})

    def _notes(self) -> list[str]:
        return [f"{self.n_selected} people selected on '{self.outcome}' in period "
                f"{self.select_period}; 95% intervals are normal-approximation intervals of "
                "the cohort mean.",
                "With no intervention, a cohort picked for high use rises to the selection "
                "period and falls after it: regression to the mean."]

    def plot(self, ax=None, **kwargs):
        """Cohort mean with its interval against the whole population's mean; ``kwargs`` go
        to the cohort's line (``Axes.plot``)."""
        check_ax(ax, "TrajectoryResult.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        t = self.table
        with plot_options("TrajectoryResult.plot", kwargs):
            ax.plot(t["relative_period"], t["cohort_mean"], marker="o", label="selected cohort",
                    **kwargs)
        ax.fill_between(t["relative_period"], t["ci_low"], t["ci_high"], alpha=0.2)
        ax.plot(t["relative_period"], t["population_mean"], linestyle="--", color="grey",
                label="everyone")
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("periods relative to the selection period (0 = selected)")
        ax.set_ylabel(f"mean {self.outcome.replace('_', ' ')} per person per period")
        ax.legend()
        return ax


@checked_call
def selection_trajectory(data: pd.DataFrame, *, outcome: str, select_period,
                         threshold: float | None = None, top: float | None = None,
                         unit: str = "person_id", time: str = "rel_period",
                         before: int = 5, after: int = 5) -> TrajectoryResult:
    """Pick the people who met a rule in one period and follow their mean use.

    Parameters
    ----------
    data : DataFrame
        Long table (a person-period panel) with one row per person and period (``unit``,
        ``time``, ``outcome``); periods are consecutive integers, e.g. calendar years.
    select_period
        The period in which the rule is applied.
    threshold : float, optional
        Select people with ``outcome >= threshold`` in ``select_period``.
    top : float, optional
        Select the highest ``top`` share by ``outcome`` (ties broken by person order).
    before, after : int
        Periods to show either side of the selection period (as far as the panel goes).

    Examples
    --------
    >>> import evaltools as et
    >>> model = et.rtm.CountModel(mean=0.3, dispersion=0.5, stability=0.6)
    >>> y = model.simulate(5000, periods=5, random_state=1)
    >>> panel = pd.DataFrame({"person_id": np.repeat(np.arange(5000), 5),
    ...                       "year": np.tile(np.arange(5), 5000), "admissions": y.ravel()})
    >>> traj = et.rtm.selection_trajectory(panel, outcome="admissions", select_period=2,
    ...                                    threshold=3, time="year")
    >>> ax = traj.plot()
    """
    check_number(before, "before", "selection_trajectory", low=0, integer=True)
    check_number(after, "after", "selection_trajectory", low=0, integer=True)
    wide = person_period_table(data, outcome, unit, time)
    check_number(select_period, "select_period", "selection_trajectory")
    if select_period not in wide.columns:
        raise SchemaError(f"select_period {select_period!r} is not a value of '{time}' "
                          f"(periods run {wide.columns.min()} to {wide.columns.max()}).")
    span = wide.columns.max() - wide.columns.min()
    # The default of 5 is left quiet on short panels; a larger value beyond the data is a slip.
    wide_of = {k: v for k, v in (("before", before), ("after", after)) if v > max(span, 5)}
    if wide_of:
        warnings.warn(
            f"selection_trajectory: {', '.join(f'{k}={v}' for k, v in wide_of.items())} "
            f"reaches beyond the data, whose periods of '{time}' span only {span} "
            f"({wide.columns.min()} to {wide.columns.max()}); the trajectory covers the "
            "periods observed. Fix: give before/after within the data.",
            DataWarning, stacklevel=2)
    at_selection = wide[select_period]
    chosen = _choose(at_selection, threshold, top)
    periods = [p for p in wide.columns
               if select_period - before <= p <= select_period + after]
    cohort = wide.loc[chosen, periods]
    n = cohort.notna().sum()
    mean, se = cohort.mean(), cohort.std(ddof=1) / np.sqrt(n)
    table = pd.DataFrame({
        "period": periods, "relative_period": [p - select_period for p in periods],
        "cohort_mean": mean.to_numpy(), "std_error": se.to_numpy(),
        "ci_low": (mean - 1.96 * se).to_numpy(),
        "ci_high": (mean + 1.96 * se).to_numpy(), "n": n.to_numpy(),
        "population_mean": wide[periods].mean().to_numpy()})
    return TrajectoryResult(table=table, outcome=outcome, select_period=select_period,
                            n_selected=int(chosen.sum()),
                            meta=run_meta(dict(threshold=threshold, top=top, before=before,
                                               after=after)))


def _choose(values: pd.Series, threshold, top) -> pd.Series:
    if (threshold is None) == (top is None):
        raise ParameterError("Give exactly one selection rule: threshold= or top=.")
    if threshold is not None:
        check_number(threshold, "threshold", "selection_trajectory", low=-np.inf, high=np.inf,
                     closed="neither")
        chosen = values >= threshold
    else:
        check_number(top, "top", "selection_trajectory", low=0, high=1, closed="right")
        k = int(round(top * values.notna().sum()))
        ranked = values.rank(method="first", ascending=False)
        chosen = ranked <= k
    if not chosen.any():
        raise ParameterError(f"Nobody meets the rule (threshold={threshold}, top={top}) in the "
                             f"selection period; the highest value is {values.max()}.")
    return chosen
