"""Checks shared by the regression difference-in-differences functions.

``did_2x2``, ``twfe``, ``event_study``, ``bacon_decomposition`` and ``matched_did`` call
these before any work, so that a panel that cannot answer the question (no comparison
units, no pre-period, treatment that switches off, duplicated unit-periods, clusters that
are not clusters) is refused with a message that names the column, counts the offending
rows or units, shows a few of them and says what to do.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..exceptions import DataWarning, ParameterError, SchemaError
from ..validation import (
    check_binary,
    check_columns,
    check_finite,
    check_plain_columns,
    examples,
)

__all__ = ["absorbed_by_effects", "check_absorbing", "check_balanced", "check_binary_varies",
           "check_cluster", "check_exposure", "check_hashable", "check_panel", "check_twfe_identified",
           "check_unit_time", "note_covariates"]


def check_panel(data: pd.DataFrame, func: str, *, numeric: list[str], other: list[str],
                unit: str | None = None, nullable: tuple[str, ...] = ()) -> None:
    """Every named column exists; outcome/covariate/exposure columns are numeric and finite;
    ``other`` columns have no missing values (``nullable`` ones may).

    >>> check_panel(pd.DataFrame({"y": [1.0], "u": [1]}), "twfe", numeric=["y"], other=["u"])
    """
    if not isinstance(data, pd.DataFrame):
        raise SchemaError(f"The data of {func} must be a pandas DataFrame. Got "
                          f"{type(data).__name__} instead.")
    cols = [c for c in [*numeric, *other, *nullable] if c is not None]
    check_columns(data, cols, "data", fix=f"pass the column names of your data to {func}")
    check_plain_columns(data, cols, "data")
    if len(data) == 0:
        raise SchemaError(f"The data of {func} has no rows.")
    complex_cols = [c for c in numeric if c is not None
                    and pd.api.types.is_complex_dtype(data[c])]
    if complex_cols:
        raise SchemaError(f"Column(s) {examples(complex_cols)} of the data of {func} hold "
                          "complex numbers. Fix: keep the real part, e.g. "
                          "df[col] = df[col].to_numpy().real, if that is what was meant.")
    check_finite(data, [c for c in numeric if c is not None], "data", id_col=unit)
    for col in (c for c in other if c is not None):
        if data[col].isna().any():
            bad = data[col].isna().to_numpy()
            where = data.loc[bad, unit] if unit and col != unit else data.index[bad]
            label = f"{unit} " if unit and col != unit else "row index "
            raise SchemaError(f"Column '{col}' of the data has {int(bad.sum())} missing "
                              f"value(s), at {label}{examples(where)}. Fix: fill or drop "
                              "these rows before calling, and count them in your flow.")


def check_binary_varies(data: pd.DataFrame, column: str, role: str, func: str) -> pd.Series:
    """A 0/1 column that takes both values (treatment, post), returned as int8.

    >>> check_binary_varies(pd.DataFrame({"p": [0, 1]}), "p", "post", "did_2x2").tolist()
    [0, 1]
    """
    s = check_binary(data, column, "data")
    if s.nunique() < 2:
        value = int(s.iloc[0])
        meaning = {"treatment": ("treated", "comparison"), "post": ("post", "pre")}[role]
        have, lack = (meaning[0], meaning[1]) if value == 1 else (meaning[1], meaning[0])
        raise SchemaError(
            f"The {role} column '{column}' of {func} is {value} in all {len(s)} rows: every "
            f"row is {have}, so there is no {lack} row and the effect is not identified. "
            f"Fix: include {lack} rows, or check that '{column}' is the {role} column.")
    return s


def check_unit_time(data: pd.DataFrame, unit: str, time: str, func: str) -> None:
    """One row per unit and period, and a numeric period column."""
    if not pd.api.types.is_numeric_dtype(data[time]) or pd.api.types.is_bool_dtype(data[time]):
        raise SchemaError(f"The time column '{time}' of {func} must hold numbered periods "
                          f"(e.g. years 2004, 2005); it has dtype {data[time].dtype}. Fix: "
                          "number the periods in order.")
    check_finite(data, [time], "data", id_col=unit, fix="every row needs a finite period")
    dup = data.duplicated([unit, time], keep=False)
    if dup.any():
        raise SchemaError(f"The data of {func} has {int(dup.sum())} rows that repeat a "
                          f"({unit}, {time}) pair, e.g. {unit} "
                          f"{examples(pd.unique(data.loc[dup, unit]))}. Fix: keep one row "
                          "per unit and period (aggregate or drop the duplicates).")


def check_balanced(data: pd.DataFrame, unit: str, time: str, func: str) -> None:
    """Every unit observed in every period (the Bacon decomposition's weights need it)."""
    counts = data.groupby(unit, sort=False)[time].nunique()
    n_periods = data[time].nunique()
    short = counts < n_periods
    if short.any():
        raise SchemaError(
            f"{func} needs a balanced panel, but {int(short.sum())} of {len(counts)} units are "
            f"not observed in all {n_periods} periods, e.g. {unit} "
            f"{examples(counts.index[short])}. Fix: keep the units observed in every period.")


def check_absorbing(data: pd.DataFrame, unit: str, time: str, treatment: str,
                    func: str) -> None:
    """Treatment never switches off: once 1 in a unit, 1 in its later periods."""
    d = data[[unit, time, treatment]].sort_values([unit, time])
    step = d.groupby(unit, sort=False)[treatment].diff()
    off = step < 0
    if off.any():
        units = pd.unique(d.loc[off, unit])
        raise SchemaError(
            f"{func} needs treatment that stays on once it starts, but '{treatment}' turns "
            f"off (1 then 0) in {len(units)} unit(s), e.g. {unit} {examples(units)}. Fix: "
            "code treatment as 1 from the first treated period on, or use did_2x2 on "
            "periods before and after.")


def check_twfe_identified(data: pd.DataFrame, unit: str, time: str, treatment: str,
                          func: str) -> None:
    """Treatment must vary within units and within periods, else fixed effects absorb it."""
    within_unit = data.groupby(unit, sort=False)[treatment].nunique()
    if (within_unit < 2).all():
        raise SchemaError(
            f"No unit switches treatment in {func}: '{treatment}' is constant within each of "
            f"the {len(within_unit)} units, so the unit effects absorb it. Fix: '{treatment}' "
            "must be 1 only in the periods a unit is treated (0 before it starts).")
    within_time = data.groupby(time, sort=False)[treatment].nunique()
    if (within_time < 2).all():
        raise SchemaError(
            f"All units are treated at once in {func}: in every one of the "
            f"{len(within_time)} periods '{treatment}' is the same for all units, so the "
            "period effects absorb it and there are no comparison units. Fix: add units "
            "that are not (yet) treated.")


def check_cluster(data: pd.DataFrame, cluster: str | None, unit: str | None,
                  func: str) -> None:
    """At least two clusters, and the same cluster for all rows of a unit."""
    if cluster is None:
        return
    check_hashable(data, cluster, func)
    n = data[cluster].nunique()
    if n < 2:
        raise ParameterError(
            f"The 'cluster' column '{cluster}' of {func} has {n} distinct value(s); "
            "clustered standard errors need at least two clusters (and are unreliable with "
            "fewer than about 30). Fix: cluster on a coarser or different column.")
    if unit is not None and unit != cluster:
        varying = data.groupby(unit, sort=False)[cluster].nunique() > 1
        if varying.any():
            raise ParameterError(
                f"The 'cluster' column '{cluster}' of {func} varies within "
                f"{int(varying.sum())} unit(s), e.g. {unit} "
                f"{examples(varying.index[varying])}. Fix: clusters must contain whole units"
                f" (e.g. the area a unit belongs to).")


def check_hashable(data: pd.DataFrame, column: str, func: str) -> None:
    """Labels (units, clusters) must be plain values that can be grouped, not lists/dicts.

    >>> check_hashable(pd.DataFrame({"c": [1, 2]}), "c", "twfe")
    """
    try:
        pd.unique(data[column])
    except TypeError:
        kinds = data[column].map(lambda v: type(v).__name__)
        odd = kinds[~data[column].map(lambda v: isinstance(v, (str, int, float, np.generic)))]
        raise SchemaError(
            f"Column '{column}' of the data of {func} holds values that cannot be grouped "
            f"({int(len(odd))} row(s) of type {examples(odd.unique())}). Fix: use one plain "
            "label (text or number) per row.") from None


def check_exposure(data: pd.DataFrame, exposure: str | None, unit: str | None,
                   func: str) -> None:
    """Person-time for a count model: finite and positive (its log is the offset)."""
    if exposure is None:
        return
    if pd.api.types.is_bool_dtype(data[exposure]):
        raise SchemaError(f"The exposure column '{exposure}' of {func} is True/False, not "
                          "person-time. Fix: pass the time each row was observed (e.g. days "
                          "alive and registered).")
    check_finite(data, [exposure], "data", id_col=unit)
    bad = (data[exposure] <= 0).to_numpy()
    if bad.any():
        where = data.loc[bad, unit] if unit else data.index[bad]
        raise SchemaError(
            f"The exposure column '{exposure}' of {func} must be positive (its log is the "
            f"offset); {int(bad.sum())} row(s) are zero or negative, at "
            f"{f'{unit} ' if unit else 'row index '}{examples(where)} (values "
            f"{examples(data.loc[bad, exposure])}). Fix: drop rows with no person-time.")


def note_covariates(dropped: dict[str, str], func: str) -> list[str]:
    """Warn about covariates left out and return the note for the result."""
    if not dropped:
        return []
    reasons = "; ".join(f"{k}: {v}" for k, v in dropped.items())
    warnings.warn(f"{func} left out {len(dropped)} covariate(s) that carry no information of "
                  f"their own ({reasons}); the result's notes record this.", DataWarning,
                  stacklevel=4)
    return [f"Covariates left out ({reasons})."]


def absorbed_by_effects(x: pd.DataFrame, groups: dict[str, np.ndarray],
                        tol: float = 1e-10) -> dict[str, str]:
    """Columns of ``x`` that do not vary within any group of one of ``groups``.

    >>> x = pd.DataFrame({"a": [1.0, 1, 2, 2], "b": [1.0, 2, 3, 5]})
    >>> absorbed_by_effects(x, {"unit": np.array([1, 1, 2, 2])})
    {'a': 'constant within each unit (absorbed by the unit effects)'}
    """
    out: dict[str, str] = {}
    for name, g in groups.items():
        spread = (x - x.groupby(g).transform("mean")).abs().max()
        scale = np.maximum(1.0, x.abs().max())
        for col in x.columns[(spread <= tol * scale).to_numpy()]:
            out.setdefault(str(col), f"constant within each {name} (absorbed by the "
                                     f"{name} effects)")
    return out
