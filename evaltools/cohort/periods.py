"""Calendar arithmetic for periods relative to an index date.

Period ``k`` covers ``[index + k*step, index + (k+1)*step)``. Months are calendar
months: adding a month to 31 January gives the last day of February, the convention of
``pandas.DateOffset`` and of DuckDB's ``date + to_months(n)``, so both engines draw the
same boundaries. All dates are handled at day resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._shared.calls import checked_call
from ..exceptions import ParameterError
from ..validation import check_option, examples

__all__ = ["Period", "add_months"]

_DAY = np.timedelta64(1, "D")
_MAX_MONTHS = 12 * 1000  # a thousand years: far beyond any record, well inside datetime64


@checked_call
def add_months(dates: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Add whole calendar months to ``datetime64[D]`` dates, clipping to the month end.

    ``dates`` and ``months`` broadcast against each other (e.g. a column of index dates
    and a row of period offsets give every period boundary of every person).

    >>> add_months(np.array(["2020-01-31"], dtype="M8[D]"), 1)
    array(['2020-02-29'], dtype='datetime64[D]')
    """
    dates, months = _check_add_months(dates, months)
    month = dates.astype("M8[M]").astype(np.int64)  # months since 1970-01
    day = dates.astype(np.int64) - month.astype("M8[M]").astype("M8[D]").astype(np.int64)
    target = month + np.asarray(months, dtype=np.int64)
    if target.size == 0:
        return target.astype("M8[D]")
    # First day of every month in range, as days since the epoch: a small lookup table.
    lo = target.min()
    firsts = np.arange(lo, target.max() + 2).astype("M8[M]").astype("M8[D]").astype(np.int64)
    first = firsts[target - lo]
    days_in_month = firsts[target - lo + 1] - first
    return (first + np.minimum(day, days_in_month - 1)).astype("M8[D]")


def _check_add_months(dates, months) -> tuple[np.ndarray, np.ndarray]:
    """Dates as datetime64[D] (numbers are refused: they are not dates) and whole months."""
    raw = np.asarray(dates)
    if raw.dtype.kind in "iufcb":
        raise ParameterError(f"The 'dates' parameter of add_months must hold dates. Got "
                             f"numbers ({raw.dtype}) instead. Fix: pass datetime64 values.")
    try:
        dates = raw.astype("M8[D]")
    except (TypeError, ValueError) as err:
        raise ParameterError(f"The 'dates' parameter of add_months must hold dates "
                             f"(datetime64 or ISO text). Got {examples(raw.ravel()[:5])}: "
                             f"{err}.") from None
    months = np.asarray(months)
    whole = months.dtype.kind in "iu" or (
        months.dtype.kind == "f" and np.isfinite(months).all()
        and (months == np.round(months)).all())
    if not whole or (months.size and np.abs(months).max() > _MAX_MONTHS):
        raise ParameterError(f"The 'months' parameter of add_months must be whole numbers of "
                             f"months in [-{_MAX_MONTHS}, {_MAX_MONTHS}]. Got "
                             f"{examples(months.ravel()[:5])} instead.")
    return dates, months.astype(np.int64)


@dataclass(frozen=True)
class Period:
    """A period unit: ``"month"``, ``"year"``, ``"week"`` or ``"day"``, times ``step``."""

    unit: str = "month"
    step: int = 1

    def __post_init__(self) -> None:
        check_option(self.unit, "period", "build_panel", ["month", "year", "week", "day"])
        ok = (isinstance(self.step, (int, np.integer)) and not isinstance(self.step, bool)
              and 1 <= self.step <= _MAX_MONTHS)
        if not ok:
            raise ParameterError(f"The 'step' parameter of Period must be an int in [1, "
                                 f"{_MAX_MONTHS}]. Got {self.step!r} instead.")

    @property
    def months(self) -> int | None:
        """Length in calendar months, or None for day-based periods."""
        return {"month": 1, "year": 12}.get(self.unit, 0) * self.step or None

    @property
    def days(self) -> int:
        return {"week": 7, "day": 1}.get(self.unit, 0) * self.step

    def boundary(self, index: np.ndarray, k: np.ndarray) -> np.ndarray:
        """Start of period ``k`` for each index date."""
        if self.months:
            return add_months(index, k * self.months)
        return index + (k * self.days).astype("m8[D]")

    def relative(self, index: np.ndarray, dates: np.ndarray) -> np.ndarray:
        """The period ``k`` that contains each date, relative to its index date."""
        if not self.months:
            return np.floor_divide((dates - index).astype(np.int64), self.days)
        months = (dates.astype("M8[M]") - index.astype("M8[M]")).astype(np.int64)
        k = np.floor_divide(months, self.months)
        return k - (dates < self.boundary(index, k))

    # SQL versions, for the DuckDB engine: the same definitions, written once here.
    def sql_boundary(self, index: str, k: str) -> str:
        if self.months:
            return f"CAST({index} + to_months(CAST(({k}) * {self.months} AS INTEGER)) AS DATE)"
        return f"CAST({index} + to_days(CAST(({k}) * {self.days} AS INTEGER)) AS DATE)"

    def sql_relative(self, index: str, date: str) -> str:
        if not self.months:
            return f"CAST(floor(date_diff('day', {index}, {date}) / {self.days}) AS BIGINT)"
        k = (f"CAST(floor(((year({date}) - year({index})) * 12 + month({date}) - month({index}))"
             f" / {self.months}) AS BIGINT)")
        return f"({k} - CASE WHEN {date} < {self.sql_boundary(index, k)} THEN 1 ELSE 0 END)"
