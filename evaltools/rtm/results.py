"""Result objects of the regression-to-the-mean tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    """

    change: float
    selected_mean: float
    expected_after: float
    ci_low: float | None = None
    ci_high: float | None = None
    model: str = "normal"
    inputs: dict[str, Any] = field(default_factory=dict)
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

    def _notes(self) -> list[str]:
        return [f"Model: {self.model}; inputs {self.inputs}.", ASSUMPTION]

    @property
    def meta(self) -> dict[str, Any]:
        return {"options": dict(model=self.model, **self.inputs)}
