"""Discounting with the HM Treasury Green Book rates."""

from __future__ import annotations

import numpy as np

from ..exceptions import ParameterError
from ..validation import check_number

__all__ = ["GREEN_BOOK_RATE", "HEALTH_RATE", "declining_schedule", "discount_factors",
           "present_value"]

GREEN_BOOK_RATE = 0.035
"""The Green Book's social time preference rate (3.5% a year)."""
HEALTH_RATE = 0.015
"""The Green Book's rate for health effects valued in QALYs (1.5%)."""

# Green Book declining long-term schedule: (first year, last year, rate).
_DECLINING = ((0, 30, 0.035), (31, 75, 0.030), (76, 125, 0.025), (126, 200, 0.020),
              (201, 300, 0.015), (301, np.inf, 0.010))


def declining_schedule(years: int) -> np.ndarray:
    """The Green Book's declining rate for each year 1..years (3.5% to year 30, 3% to 75,
    2.5% to 125, 2% to 200, 1.5% to 300, 1% after)."""
    t = np.arange(1, years + 1)
    rate = np.empty(years)
    for first, last, r in _DECLINING:
        rate[(t >= first) & (t <= last)] = r
    return rate


def discount_factors(n_years: int, rate: float | str = GREEN_BOOK_RATE) -> np.ndarray:
    """Factors for years 0..n_years-1 (year 0 is undiscounted).

    ``rate="declining"`` applies the Green Book's declining schedule, compounding each
    year's rate.

    Examples
    --------
    >>> discount_factors(3).round(4)
    array([1.    , 0.9662, 0.9335])
    """
    check_number(n_years, "n_years", "discount_factors", low=1, integer=True)
    if isinstance(rate, str):
        if rate != "declining":
            raise ParameterError(f"The 'rate' parameter of discount_factors must be a float or "
                                 f"'declining'. Got {rate!r} instead.")
        per_year = declining_schedule(n_years - 1)
        return np.r_[1.0, np.cumprod(1 / (1 + per_year))]
    check_number(rate, "rate", "discount_factors", low=-0.05, high=0.25)
    return (1 + rate) ** -np.arange(n_years, dtype=float)


def present_value(flows, rate: float | str = GREEN_BOOK_RATE) -> float:
    """Present value of yearly flows (the first in year 0, undiscounted).

    Examples
    --------
    >>> round(present_value([0] * 10 + [100]), 2)   # GBP 100 in year 10 at 3.5%
    70.89
    """
    flows = np.asarray(flows, float)
    if flows.ndim != 1 or len(flows) == 0:
        raise ParameterError("present_value needs a non-empty 1-D sequence of yearly flows.")
    return float(flows @ discount_factors(len(flows), rate))
