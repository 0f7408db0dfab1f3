"""Discounting with the HM Treasury Green Book rates.

The Green Book (HM Treasury 2022, Annex A6, "Discounting") discounts costs and benefits at
the social time preference rate, 3.5% a year in real terms, and at 1.5% for health and life
values measured as utility (QALYs), which leaves out the wealth effect. For effects beyond
30 years both rates decline in steps (the long-term discount rate table): the standard
rate to 3.0% for years 31-75, 2.5% for 76-125, 2.0% for 126-200, 1.5% for 201-300 and 1.0%
after; the health rate to 1.29%, 1.07%, 0.86%, 0.64% and 0.43% (the same steps scaled by
1.5 / 3.5, as printed). A year's factor compounds the rates of the years before it:
``D_t = D_{t-1} / (1 + r_t)``, so year 31 is ``D_30 / 1.03``.
"""

from __future__ import annotations

import numpy as np

from .._shared.calls import checked_call
from ..exceptions import ParameterError
from ..validation import check_number, check_option

__all__ = ["GREEN_BOOK_RATE", "HEALTH_RATE", "declining_schedule", "discount_factors",
           "present_value"]

GREEN_BOOK_RATE = 0.035
"""The Green Book's social time preference rate (3.5% a year)."""
HEALTH_RATE = 0.015
"""The Green Book's rate for health effects valued in QALYs (1.5%)."""

# Green Book long-term discount rates: first year of each step, standard and health rate.
_STEP_START = np.array([0, 31, 76, 126, 201, 301])
_DECLINING = {
    "standard": np.array([0.035, 0.030, 0.025, 0.020, 0.015, 0.010]),
    "health": np.array([0.015, 0.0129, 0.0107, 0.0086, 0.0064, 0.0043]),
}
_RATE_NAMES = {"declining": "standard", "declining_health": "health"}
MAX_YEARS = 100_000
"""Longest horizon discounted: far beyond the Green Book's last step (year 301 on)."""


@checked_call
def declining_schedule(years: int, kind: str = "standard") -> np.ndarray:
    """The Green Book's declining rate for each year 1..years.

    ``kind="standard"``: 3.5% to year 30, 3% to 75, 2.5% to 125, 2% to 200, 1.5% to 300,
    1% after. ``kind="health"``: 1.5% to year 30, then 1.29%, 1.07%, 0.86%, 0.64%, 0.43%.

    >>> declining_schedule(32, kind="health")[[0, 29, 30, 31]]
    array([0.015 , 0.015 , 0.0129, 0.0129])
    """
    check_number(years, "years", "declining_schedule", low=1, high=MAX_YEARS, integer=True)
    check_option(kind, "kind", "declining_schedule", list(_DECLINING))
    return _declining(years, kind)


def _declining(years: int, kind: str) -> np.ndarray:
    # Internal form that also takes 0 years (discount_factors(1, "declining") needs none).
    step = np.searchsorted(_STEP_START, np.arange(1, int(years) + 1), side="right") - 1
    return _DECLINING[kind][step]


def check_rate(rate, func: str):
    """A discount rate: a float in [-0.05, 0.25], or 'declining' / 'declining_health'."""
    if isinstance(rate, str):
        return check_option(rate, "rate", func, list(_RATE_NAMES))
    if isinstance(rate, (bool, np.bool_)) or not isinstance(
            rate, (int, float, np.integer, np.floating)):
        raise ParameterError(f"The 'rate' parameter of {func} must be a float in [-0.05, 0.25] "
                             f"or one of 'declining', 'declining_health'. Got {rate!r} instead.")
    return check_number(rate, "rate", func, low=-0.05, high=0.25)


@checked_call
def discount_factors(n_years: int, rate: float | str = GREEN_BOOK_RATE) -> np.ndarray:
    """Factors for years 0..n_years-1 (year 0 is undiscounted).

    ``rate="declining"`` applies the Green Book's declining schedule of the standard rate,
    ``rate="declining_health"`` that of the health rate, compounding each year's rate.

    Examples
    --------
    >>> discount_factors(3).round(4)
    array([1.    , 0.9662, 0.9335])
    >>> round(float(discount_factors(32, "declining_health")[31]), 4)   # 1.015^-30 / 1.0129
    0.6316
    """
    check_number(n_years, "n_years", "discount_factors", low=1, high=MAX_YEARS,
                 integer=True)
    rate = check_rate(rate, "discount_factors")
    if isinstance(rate, str):
        per_year = _declining(int(n_years) - 1, _RATE_NAMES[rate])
        return np.r_[1.0, np.cumprod(1 / (1 + per_year))]
    return (1 + rate) ** -np.arange(int(n_years), dtype=float)


@checked_call
def present_value(flows, rate: float | str = GREEN_BOOK_RATE) -> float:
    """Present value of yearly flows (the first in year 0, undiscounted), at a fixed rate or
    a Green Book declining schedule (``"declining"``, ``"declining_health"`` for QALYs).

    Examples
    --------
    >>> round(present_value([0] * 10 + [100]), 2)   # GBP 100 in year 10 at 3.5%
    70.89
    >>> round(present_value([0] * 40 + [100], "declining_health"), 2)
    56.28
    """
    rate = check_rate(rate, "present_value")
    flows = finite_array(flows, "flows", "present_value")
    if flows.ndim != 1 or len(flows) == 0:
        raise ParameterError("The 'flows' parameter of present_value must be a non-empty 1-D "
                             f"sequence of yearly amounts. Got shape {flows.shape} instead.")
    if len(flows) > MAX_YEARS:
        raise ParameterError(f"The 'flows' parameter of present_value has {len(flows):,} yearly "
                             f"amounts; the limit is {MAX_YEARS:,} years (the Green Book's "
                             "schedule ends after year 300). Fix: check that flows are yearly, "
                             "not daily or per person.")
    with np.errstate(over="ignore"):  # an overflow is refused just below
        value = float(flows @ discount_factors(len(flows), rate))
    if not np.isfinite(value):
        raise ParameterError("The 'flows' parameter of present_value holds amounts too large "
                             f"to add up (largest {np.abs(flows).max():.3g}); the sum overflows. "
                             "Fix: express the flows in thousands or millions.")
    return value


def _is_text(values) -> bool:
    if isinstance(values, (str, bytes)):
        return True
    try:
        arr = np.asarray(values, dtype=object).ravel()
    except (TypeError, ValueError):
        return False
    return any(isinstance(v, (str, bytes)) for v in arr)


def finite_array(values, name: str, func: str) -> np.ndarray:
    """``values`` as a float array, refusing text, NaN and inf with counts and positions."""
    if _is_text(values):
        # numpy would silently read "50" as 50.0; an amount typed as text is a mistake.
        raise ParameterError(f"The '{name}' parameter of {func} must be numbers, not text. Got "
                             f"{values!r} instead. Fix: convert with float() or pd.to_numeric.")
    kind = _dtype_kind(values)
    if kind in "mMcb":
        raise ParameterError(f"The '{name}' parameter of {func} must be real amounts. Got "
                             f"{_dtype_kind(values, name=True)} values instead. Fix: convert them to "
                             "numbers (dates, durations, complex and True/False are not amounts).")
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"The '{name}' parameter of {func} must be numbers. Got "
                             f"{values!r} instead.") from None
    bad = ~np.isfinite(arr)
    if bad.any():
        where = np.argwhere(bad)[:5].squeeze(-1) if arr.ndim == 1 else np.argwhere(bad)[:5]
        raise ParameterError(
            f"The '{name}' parameter of {func} has {int(np.isnan(arr).sum())} missing and "
            f"{int(np.isinf(arr).sum())} infinite value(s), at position(s) {where.tolist()}. "
            "Fix: fill or remove them; every amount must be a finite number.")
    return arr


def _dtype_kind(values, name: bool = False) -> str:
    """numpy's dtype kind (or name) of ``values``; "O" for ragged input numpy cannot read."""
    try:
        dtype = np.asarray(values).dtype
    except (TypeError, ValueError):
        return "object" if name else "O"
    return str(dtype) if name else dtype.kind
