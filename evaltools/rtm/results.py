"""Result objects of the regression-to-the-mean tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._shared import ResultMixin

__all__ = ["RTMEstimate"]

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
        se = float(np.std(self.draws, ddof=1)) if self.draws is not None else np.nan
        n = self.inputs.get("n")
        return pd.DataFrame({"term": ["expected change"], "estimate": [float(self.change)],
                             "std_error": [se], "n": [np.nan if n is None else n]})

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """The expected change with its simulation interval (percentiles of the draws)."""
        out = super().tidy(level)
        if self.draws is not None:
            tail = (1 - level) / 2
            out[["conf_low", "conf_high"]] = np.quantile(self.draws, [tail, 1 - tail])
        return out

    def _notes(self) -> list[str]:
        return [f"Model: {self.model}; inputs {self.inputs}.", ASSUMPTION]

    @property
    def meta(self) -> dict[str, Any]:
        return {"options": dict(model=self.model, **self.inputs)}
