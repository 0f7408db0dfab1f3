"""Input and parameter checks shared by every module.

Parameter messages follow one shape (as scikit-learn's):
``The 'caliper' parameter of match must be a float in (0, inf). Got -1 instead.``
Table messages name the column, count the offending rows, show a few example ids and
say what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import ParameterError, SchemaError

__all__ = [
    "check_option",
    "check_number",
    "check_columns",
    "check_unique",
    "check_no_missing",
    "check_binary",
    "examples",
]


def examples(values: Iterable[Any], k: int = 5) -> str:
    """A short, readable list of up to ``k`` example values."""
    values = list(values)
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in values[:k])
    more = f" and {len(values) - k} more" if len(values) > k else ""
    return f"[{shown}{more}]"


def check_option(value: Any, name: str, func: str, allowed: Sequence[Any]) -> Any:
    """Check that ``value`` is one of ``allowed``.

    >>> check_option("nearest", "method", "match", ["nearest", "optimal"])
    'nearest'
    """
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ParameterError(
            f"The '{name}' parameter of {func} must be one of {options}. Got {value!r} instead."
        )
    return value


def check_number(
    value: Any,
    name: str,
    func: str,
    *,
    low: float | None = None,
    high: float | None = None,
    closed: str = "both",
    integer: bool = False,
    allow_none: bool = False,
) -> Any:
    """Check a number against an interval; ``closed`` is 'both', 'left', 'right' or 'neither'.

    >>> check_number(0.2, "caliper", "match", low=0, closed="neither")
    0.2
    """
    if value is None and allow_none:
        return value
    kind = "an int" if integer else "a float"
    lo = "-inf" if low is None else low
    hi = "inf" if high is None else high
    left = "[" if closed in ("both", "left") and low is not None else "("
    right = "]" if closed in ("both", "right") and high is not None else ")"
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if ok and integer:
        ok = float(value).is_integer()
    if ok:
        v = float(value)
        ok = not np.isnan(v)
        if ok and low is not None:
            ok = v >= low if left == "[" else v > low
        if ok and high is not None:
            ok = v <= high if right == "]" else v < high
    if not ok:
        none = " or None" if allow_none else ""
        raise ParameterError(
            f"The '{name}' parameter of {func} must be {kind} in {left}{lo}, {hi}{right}{none}. "
            f"Got {value!r} instead."
        )
    return value


def check_columns(df: pd.DataFrame, columns: Iterable[str], table: str, *, fix: str = "") -> None:
    """Raise a :class:`SchemaError` naming every required column missing from ``df``."""
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"The {table} table must be a pandas DataFrame. Got {type(df).__name__}.")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        have = examples(list(df.columns), k=12)
        hint = fix or "rename your columns or pass the matching *_col argument"
        raise SchemaError(
            f"The {table} table has no column {examples(missing)}; it has {have}. Fix: {hint}."
        )


def check_unique(df: pd.DataFrame, column: str, table: str) -> None:
    """Raise if ``column`` has duplicate values, naming how many and which."""
    dup = df[column].duplicated(keep=False)
    if dup.any():
        ids = pd.unique(df.loc[dup, column])
        raise SchemaError(
            f"Column '{column}' of the {table} table must be unique, but {len(ids)} value(s) "
            f"appear more than once ({int(dup.sum())} rows), e.g. {examples(ids)}. "
            f"Fix: keep one row per {column}."
        )


def check_no_missing(
    df: pd.DataFrame, columns: Iterable[str], table: str, *, id_col: str | None = None, fix: str = ""
) -> None:
    """Raise if any of ``columns`` has missing values, naming the rows (by ``id_col`` if given)."""
    for col in columns:
        bad = df[col].isna().to_numpy()
        if bad.any():
            where = df.loc[bad, id_col] if id_col else df.index[bad]
            label = f"{id_col} " if id_col else "row index "
            hint = fix or "fill or drop these rows before calling, and count them in your flow"
            raise SchemaError(
                f"Column '{col}' of the {table} table has {int(bad.sum())} missing value(s), "
                f"at {label}{examples(where)}. Fix: {hint}."
            )


def check_binary(df: pd.DataFrame, column: str, table: str) -> pd.Series:
    """Check a 0/1 (or boolean) column and return it as int8."""
    s = df[column]
    values = pd.unique(s.dropna())
    if s.isna().any() or not set(np.asarray(values).tolist()) <= {0, 1}:
        odd = [v for v in values if v not in (0, 1)]
        n_missing = int(s.isna().sum())
        raise SchemaError(
            f"Column '{column}' of the {table} table must be 0/1; found values {examples(odd)} "
            f"and {n_missing} missing. Fix: recode it as 1 = treated, 0 = control."
        )
    return s.astype("int8")
