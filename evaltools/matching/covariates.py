"""Covariates given as a list of columns or a formula, turned into numeric design matrices.

Shared by matching, balance, weighting and effect estimation, so that every function
that takes ``covariates`` reads them the same way:

- a list of column names: numeric (and boolean) columns are used as they are; text or
  categorical columns are expanded to indicators, first level left out (as R's
  ``model.matrix`` does for a factor);
- a formula string, ``"treated ~ age + I(age**2) + C(region)"`` or ``"~ age + C(region)"``,
  read safely by :func:`evaltools._shared.covariate_matrix`. The left-hand side, when
  present, names the treatment column (as in MatchIt's ``matchit(treat ~ x, data)``).

Missing or infinite values are refused with the column and rows named.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from .._shared import covariate_matrix
from ..exceptions import DataWarning, ParameterError, SchemaError
from ..validation import (
    check_columns,
    check_finite,
    check_no_missing,
    check_plain_columns,
    check_real,
    drop_redundant,
    examples,
)

__all__ = ["TREATED", "resolve_treatment", "design", "model_design", "used_columns",
           "dropped_note", "finite_array", "check_levels"]


class _DefaultName(str):
    """A column name used as a default, so that an explicit argument can be told apart."""


TREATED = _DefaultName("treated")


def resolve_treatment(treatment, covariates, func: str) -> str:
    """The treatment column: the formula's left-hand side unless ``treatment`` says otherwise.

    >>> resolve_treatment(TREATED, "treat ~ age", "match")
    'treat'
    >>> resolve_treatment("treat", ["age"], "match")
    'treat'
    """
    if not isinstance(treatment, str) or not treatment:
        raise ParameterError(f"The 'treatment' parameter of {func} must be a column name "
                             f"(str). Got {treatment!r} instead.")
    lhs = _lhs(covariates)
    if lhs is None:
        return str(treatment)
    if isinstance(treatment, _DefaultName) or treatment == lhs:
        return lhs
    raise ParameterError(
        f"The formula {covariates!r} of {func} names '{lhs}' as the treatment on its left-hand "
        f"side, but treatment={treatment!r} was passed. Fix: make them agree, or write the "
        f"formula without a left-hand side ('~ ...').")


def _lhs(covariates) -> str | None:
    if isinstance(covariates, str) and "~" in covariates:
        lhs = covariates.partition("~")[0].strip()
        return lhs or None
    return None


def used_columns(data: pd.DataFrame, covariates) -> list[str]:
    """Data columns a list or a formula's right-hand side refers to (for missing values).

    >>> used_columns(pd.DataFrame(columns=["t", "age", "region"]), "t ~ log(age) + C(region)")
    ['age', 'region']
    """
    if isinstance(covariates, str):
        rhs = covariates.partition("~")[2] if "~" in covariates else covariates
        names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rhs))
        return [c for c in data.columns if c in names]
    return list(covariates or [])


def design(data: pd.DataFrame, covariates, *, func: str, table: str = "data") -> pd.DataFrame:
    """Numeric covariate columns (no intercept) from a list or a formula, checked finite.

    >>> df = pd.DataFrame({"age": [70, 80, 90], "sex": ["f", "m", "f"]})
    >>> list(design(df, ["age", "sex"], func="match").columns)
    ['age', 'sex_m']
    """
    if isinstance(covariates, str):
        return covariate_matrix(data, covariates, func=func, table=table)[0]
    if not isinstance(covariates, (list, tuple, pd.Index)) or not len(covariates) or not all(
            isinstance(c, str) for c in covariates):
        raise ParameterError(
            f"The 'covariates' parameter of {func} must be a non-empty list of column names or "
            f"a formula such as 'treated ~ age + C(region)'. Got {covariates!r} instead.")
    cols = list(covariates)
    if len(set(cols)) != len(cols):
        raise ParameterError(f"The 'covariates' parameter of {func} names a column twice: "
                             f"{cols!r}.")
    check_columns(data, cols, table)
    check_plain_columns(data, cols, table)
    dates = [c for c in cols if pd.api.types.is_datetime64_any_dtype(data[c])
             or pd.api.types.is_timedelta64_dtype(data[c])]
    if dates:
        raise SchemaError(f"Covariate(s) {dates} of {func} hold dates or durations, which a model "
                          "cannot use as they are. Fix: convert them to numbers first, e.g. "
                          "age in years or days since a reference date.")
    numeric = [c for c in cols if pd.api.types.is_numeric_dtype(data[c])
               or pd.api.types.is_bool_dtype(data[c])]
    check_real(data, numeric, table)
    check_finite(data, numeric, table)
    check_no_missing(data, [c for c in cols if c not in numeric], table)
    check_levels(data, [c for c in cols if c not in numeric], func)
    x = pd.get_dummies(data[cols], drop_first=True, dtype=float)
    return x.astype("float64")


MAX_CELLS = 200_000_000  # indicator cells (1.6 GB of float64) a design may hold


def check_levels(data: pd.DataFrame, text: list[str], func: str) -> None:
    """Text covariates become one indicator per level: an identifier-like column (more
    levels than half the rows) or one whose indicators would not fit in memory is refused.

    >>> check_levels(pd.DataFrame({"sex": ["f", "m", "f", "m"]}), ["sex"], "match")
    """
    n = len(data)
    levels = {c: int(data[c].nunique()) for c in text}
    ids = [c for c, k in levels.items() if k > 2 and k > n / 2]
    if ids:
        raise SchemaError(f"Text covariate(s) {ids} of {func} have {[levels[c] for c in ids]} "
                          f"distinct values for {n} rows: they look like identifiers, and one "
                          "indicator per value would describe each unit by itself. Fix: leave "
                          "them out, or group them (e.g. practice -> area).")
    cells = n * sum(levels.values())
    if cells > MAX_CELLS:
        raise SchemaError(f"Text covariate(s) {levels} of {func} would expand to {cells:.3g} "
                          f"indicator cells ({cells * 8 / 1e9:.1f} GB). Fix: group rare levels "
                          "or use fewer text covariates.")


def model_design(data: pd.DataFrame, covariates, *, func: str, what: str = "covariate",
                 table: str = "data") -> tuple[pd.DataFrame, dict[str, str]]:
    """:func:`design` without constant or collinear columns; returns ``{dropped: reason}``.

    A propensity model, a Mahalanobis distance or an outcome regression cannot use a
    covariate that is constant (e.g. prior A&E visits when the data hold no A&E records)
    or a linear combination of others; such columns are dropped with a
    :class:`~evaltools.exceptions.DataWarning` and the reasons go into the result's notes.

    >>> import warnings
    >>> df = pd.DataFrame({"a": [1.0, 2, 3], "b": [5.0, 5, 5]})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     x, dropped = model_design(df, ["a", "b"], func="match")
    >>> list(x.columns), dropped
    (['a'], {'b': 'constant (5)'})
    """
    x = design(data, covariates, func=func, table=table)
    kept, dropped = drop_redundant(x, what=what, warn=False)
    if dropped:
        reasons = "; ".join(f"{k}: {v}" for k, v in dropped.items())
        warnings.warn(f"{func} dropped {len(dropped)} {what}(s) that carry no information of "
                      f"their own ({reasons}); the result's notes record this.", DataWarning,
                      stacklevel=3)
    if kept.shape[1] == 0:
        raise ParameterError(f"No usable {what} is left for {func}: every one is constant or "
                             f"collinear ({dropped}). Fix: choose covariates that vary.")
    return kept, dropped


def dropped_note(dropped: dict[str, str], what: str) -> list[str]:
    """A note line for a result, or nothing."""
    if not dropped:
        return []
    return [f"Dropped {what}(s) with no information of their own: "
            + "; ".join(f"{k} ({v})" for k, v in dropped.items()) + "."]


def finite_array(values, name: str, func: str, n: int) -> np.ndarray:
    """A supplied numeric vector (e.g. a distance) of length ``n`` with no NaN or inf."""
    try:
        arr = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        raise ParameterError(f"The '{name}' parameter of {func} must be numbers, one per row "
                             f"of data. Got values such as "
                             f"{examples(pd.unique(np.asarray(values, object).ravel()))}."
                             ) from None
    if arr.shape != (n,):
        raise ParameterError(f"The '{name}' parameter of {func} must have one number per row "
                             f"of data ({n}). Got shape {arr.shape} instead.")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ParameterError(
            f"The '{name}' parameter of {func} has {int(np.isnan(arr).sum())} missing and "
            f"{int(np.isinf(arr).sum())} infinite value(s), at positions "
            f"{examples(np.flatnonzero(bad))}. Fix: drop those rows or correct the values.")
    return arr
