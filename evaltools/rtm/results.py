"""Result objects of the regression-to-the-mean tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._shared import ResultMixin

__all__ = ["RTMEstimate", "draw_estimates", "percentile_tidy"]


def draw_estimates(terms, estimates, draws, n) -> pd.DataFrame:
    """``_estimates()`` rows whose standard errors are the SDs of simulated or bootstrap
    draws (one column of ``draws`` per term; NaN where a term has no draws)."""
    draws = np.asarray(draws, float)
    se = np.full(draws.shape[1], np.nan)
    known = (~np.isnan(draws)).sum(axis=0) > 1  # components never drawn have no SE
    se[known] = np.nanstd(draws[:, known], axis=0, ddof=1)
    return pd.DataFrame({"term": list(terms), "estimate": np.asarray(estimates, float),
                         "std_error": se, "n": n})


def percentile_tidy(tidy: pd.DataFrame, draws, level: float) -> pd.DataFrame:
    """Replace the normal-theory limits of ``tidy`` by percentiles of the draws, as the
    result's own summary does (bootstrap and simulation intervals)."""
    draws = np.asarray(draws, float)
    tail = (1 - level) / 2
    known = ~np.isnan(draws).all(axis=0)
    out = tidy.copy()
    if known.any():
        limits = np.nanquantile(draws[:, known], [tail, 1 - tail], axis=0)
        out.loc[known, "conf_low"], out.loc[known, "conf_high"] = limits[0], limits[1]
    return out

ASSUMPTION = ("Assumes no intervention and a stable population: the measure's distribution "
              "and its period-to-period correlation are the same at both occasions.")


@dataclass(repr=False)
class RTMEstimate(ResultMixin):
    """Expected regression to the mean of a selected group.

    Attributes
    ----------
    change : float
        Expected change from selection to remeasurement (negative is a fall).
    selected_mean : float
        Expected mean of the selected group at selection.
    expected_after : float
        Expected mean of the selected group when remeasured, with no intervention.
    ci_low, ci_high : float or None
        Interval of ``change`` when the inputs are estimates.
    draws : ndarray or None
        Simulated changes behind the interval; ``tidy(level)`` takes its limits from their
        quantiles and its standard error from their SD. Without draws the inputs are taken
        as known and the standard error is missing.
    """

    change: float
    selected_mean: float
    expected_after: float
    ci_low: float | None = None
    ci_high: float | None = None
    model: str = "normal"
    inputs: dict[str, Any] = field(default_factory=dict)
    draws: np.ndarray | None = field(default=None, repr=False)
    _title = "Expected regression to the mean"

    @property
    def relative_change(self) -> float:
        """Change as a share of the selected group's mean at selection."""
        return self.change / self.selected_mean

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"value": {
            "mean at selection": self.selected_mean,
            "expected mean after (no intervention)": self.expected_after,
            "expected change": self.change,
            "relative change": self.relative_change,
            "ci_low": self.ci_low, "ci_high": self.ci_high}}, dtype=float)

    def _estimates(self) -> pd.DataFrame:
        n = self.inputs.get("n")
        draws = np.full((1, 1), np.nan) if self.draws is None else self.draws[:, None]
        return draw_estimates(["expected change"], [self.change], draws,
                              np.nan if n is None else n)

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """The expected change with its simulation interval (percentiles of the draws)."""
        out = super().tidy(level)
        return out if self.draws is None else percentile_tidy(out, self.draws[:, None], level)

    def _notes(self) -> list[str]:
        return [f"Model: {self.model}; inputs {self.inputs}.", ASSUMPTION]

    @property
    def meta(self) -> dict[str, Any]:
        return {"options": dict(model=self.model, **self.inputs)}
