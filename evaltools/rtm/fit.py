"""Fit the count model (mean, dispersion, stability) from a person-period panel."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._shared.calls import checked_call
from ..exceptions import ParameterError, SchemaError
from ..validation import check_columns, check_finite, check_frame, examples
from .counts import CountModel

__all__ = ["fit_count_model"]


@checked_call
def fit_count_model(data: pd.DataFrame, outcome: str, *, unit: str = "person_id",
                    time: str = "rel_period") -> CountModel:
    """Estimate a :class:`CountModel` by the method of moments.

    With ``m`` the mean count per person-period, ``v`` the variance across people within a
    period (averaged over periods) and ``c`` the covariance between a person's counts in
    adjacent periods (averaged over pairs): dispersion ``k = m^2 / (v - m)`` and stability
    ``rho = c / (v - m)`` (the correlation of the underlying rates), clipped to [0, 1].
    Needs a balanced panel of two or more periods (e.g. annual counts per person): ``data``
    has one row per ``unit`` (person) and ``time`` (period), with the count in ``outcome``.

    Examples
    --------
    >>> import evaltools as et
    >>> truth = et.rtm.CountModel(mean=0.4, dispersion=0.8, stability=0.6)
    >>> counts = truth.simulate(50_000, periods=3, random_state=0)
    >>> panel = pd.DataFrame({"person_id": np.repeat(np.arange(50_000), 3),
    ...                       "period": np.tile([0, 1, 2], 50_000), "y": counts.ravel()})
    >>> fit = et.rtm.fit_count_model(panel, "y", time="period")
    >>> round(fit.stability, 1)
    0.6
    """
    wide = person_period_table(data, outcome, unit, time, counts=True)
    if wide.shape[1] < 2:
        raise SchemaError(f"fit_count_model needs at least two periods in '{time}'; "
                          f"found {wide.shape[1]}. Fix: pass a panel of several periods.")
    if wide.shape[0] < 2:
        raise SchemaError(f"fit_count_model needs at least two people in '{unit}' to measure "
                          f"how their counts vary; found {wide.shape[0]}. Fix: pass the panel "
                          "of everyone the cohort was drawn from.")
    incomplete = wide.isna().any(axis=1)
    if incomplete.any():
        raise SchemaError(f"The panel is unbalanced: {int(incomplete.sum())} person(s) lack some "
                          f"periods, e.g. {unit} {list(wide.index[incomplete][:5])}. Fix: give "
                          "every person every period (zeros for no events).")
    y = wide.to_numpy(float)
    mean = y.mean()
    variance = y.var(axis=0, ddof=1).mean()
    excess = variance - mean
    if excess <= 0:
        raise SchemaError(f"The counts of '{outcome}' are not over-dispersed (variance "
                          f"{variance:.4g} <= mean {mean:.4g}), so people's rates do not "
                          "differ and there is no regression to the mean to model.")
    covariance = np.mean([np.cov(y[:, t], y[:, t + 1])[0, 1] for t in range(y.shape[1] - 1)])
    return CountModel(mean=float(mean), dispersion=float(mean**2 / excess),
                      stability=float(np.clip(covariance / excess, 0, 1)))


def person_period_table(data: pd.DataFrame, outcome: str, unit: str, time: str, *,
                        counts: bool = False) -> pd.DataFrame:
    """Wide table (person x period) of ``outcome``, refusing non-finite values, negative
    counts, periods that are not numbers and repeated person-periods rather than summing or
    sorting them silently."""
    func = "fit_count_model" if counts else "selection_trajectory"
    for name, value in (("outcome", outcome), ("unit", unit), ("time", time)):
        if not isinstance(value, (str, int, np.integer)) or isinstance(value, bool):
            raise ParameterError(f"The '{name}' parameter of {func} must be a column name "
                                 f"(str). Got {value!r} instead.")
    if len({outcome, unit, time}) < 3:
        raise ParameterError(f"The 'outcome', 'unit' and 'time' parameters of {func} must name "
                             f"three different columns. Got outcome={outcome!r}, unit={unit!r},"
                             f" time={time!r}.")
    check_frame(data, "data")
    check_columns(data, [unit, time, outcome], "data")
    if not pd.api.types.is_numeric_dtype(data[time]) or pd.api.types.is_bool_dtype(data[time]):
        raise SchemaError(f"Column '{time}' (time) of the data must hold period numbers "
                          f"(e.g. years or periods relative to an index date); it has dtype "
                          f"{data[time].dtype}, e.g. {examples(pd.unique(data[time])[:5])}. "
                          "Fix: convert it with pd.to_numeric, or number the periods.")
    check_finite(data, [time], "data", id_col=unit, fix="give every row its period")
    if pd.api.types.is_complex_dtype(data[outcome]):
        raise SchemaError(f"Column '{outcome}' of the data of {func} holds complex numbers "
                          f"(dtype {data[outcome].dtype}). Fix: keep the real part, e.g. "
                          "df[col] = df[col].to_numpy().real, if that is what was meant.")
    check_finite(data, [outcome], "data", id_col=unit,
                 fix="fill missing counts with 0 where the person had no events, or drop "
                     "the person")
    if counts and (data[outcome] < 0).any():
        bad = data[outcome] < 0
        raise SchemaError(f"Column '{outcome}' of the data must hold counts (>= 0); "
                          f"{int(bad.sum())} row(s) are negative, at {unit} "
                          f"{examples(data.loc[bad, unit])}.")
    dup = data.duplicated([unit, time], keep=False)
    if dup.any():
        raise SchemaError(f"The data has {int(dup.sum())} rows that repeat a ({unit}, "
                          f"{time}) pair, e.g. {unit} "
                          f"{examples(pd.unique(data.loc[dup, unit]))}. Fix: keep one row "
                          "per person and period (sum the events first).")
    return data.pivot(index=unit, columns=time, values=outcome)
