"""Input checks and warnings of small-number suppression: counts, the arrays of the
interval audits, work that would never finish, and publication options that defeat it."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .exceptions import DataWarning, ParameterError, SchemaError
from .validation import check_number, check_unique_index, examples

__all__ = ["MAX_AUDITED_CELLS", "check_counts", "check_grid", "check_work", "warn_publication",
           "warn_totals"]


def check_counts(table, what: str = "table") -> np.ndarray:
    if not isinstance(table, pd.DataFrame):
        raise SchemaError(f"suppress needs a pandas DataFrame of counts (the {what}). Got "
                          f"{type(table).__name__} instead.")
    if table.empty:
        raise SchemaError(f"The {what} is empty: there is nothing to publish.")
    check_unique_index(table, what)
    if not table.columns.is_unique:
        dup = pd.unique(table.columns[table.columns.duplicated()])
        raise SchemaError(f"The {what} repeats column label(s) {examples(dup)}: published "
                          "cells could not be told apart. Fix: rename the columns so each "
                          "label is used once.")
    text = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])
            or pd.api.types.is_bool_dtype(table[c]) or pd.api.types.is_complex_dtype(table[c])]
    if text:
        raise SchemaError(f"suppress needs numeric counts; column(s) {examples(text)} of the "
                          f"{what} are not numeric (dtype {table[text[0]].dtype}). Fix: convert "
                          "them to whole numbers, or move labels into the index.")
    values = table.to_numpy(dtype=float)
    problems = {"missing (NaN)": np.isnan(values), "infinite": np.isinf(values),
                "negative": values < 0,
                "not whole numbers": np.isfinite(values) & (values != np.round(values))}
    for label, bad in problems.items():
        if bad.any():
            rows, cols = np.nonzero(bad)
            where = [(table.index[r], table.columns[c]) for r, c in zip(rows[:5], cols[:5],
                                                                        strict=True)]
            raise SchemaError(
                f"suppress needs non-negative whole-number counts; {int(bad.sum())} cell(s) "
                f"are {label}, e.g. at (row, column) {where}. Fix: pass counts, not rates "
                "or means, with no missing or infinite values.")
    return values.astype(np.int64)


MAX_AUDITED_CELLS = 1_000
"""Most primary-suppressed cells whose pattern is audited by linear programming (about ten
seconds); more would take minutes to hours."""


def check_work(values: np.ndarray, primary: int) -> None:
    if primary > MAX_AUDITED_CELLS:
        raise ParameterError(
            f"suppress would audit {primary:,} small cells of a {values.shape[0]:,} x "
            f"{values.shape[1]:,} table by linear programming, which takes minutes to hours; "
            f"the limit is {MAX_AUDITED_CELLS:,} suppressed cells. Fix: aggregate categories "
            "or split the table into the parts that are published together, or pass "
            "secondary=False for a table whose totals are never published.")


def check_grid(values, hidden, lower, func: str):
    """A two-way table of counts and a boolean mask of the same shape, for the audits."""
    try:
        values = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"The 'values' parameter of {func} must be a 2-D array of "
                             f"counts. Got {values!r} instead.") from None
    if values.ndim != 2 or not np.isfinite(values).all() or (values < 0).any():
        raise ParameterError(f"The 'values' parameter of {func} must be a 2-D array of finite "
                             f"counts >= 0. Got shape {values.shape} with "
                             f"{int((~np.isfinite(values)).sum())} non-finite and "
                             f"{int((values < 0).sum())} negative value(s).")
    hidden = np.asarray(hidden)
    if hidden.dtype != bool or hidden.shape != values.shape:
        raise ParameterError(f"The 'hidden' parameter of {func} must be a boolean array of the "
                             f"shape of values {values.shape}. Got dtype {hidden.dtype}, shape "
                             f"{hidden.shape}. Fix: e.g. hidden=values < 8.")
    check_number(lower, "lower", func, low=0, high=np.inf, closed="left", integer=True)
    return values, hidden


def warn_publication(values, hidden, rounding, secondary, margins) -> None:
    """Options that make the published table useless or unsafe are named."""
    if rounding is not None and values.max() > 0 and (values < rounding / 2).all():
        warnings.warn(f"suppress: rounding={rounding} rounds every count (largest "
                      f"{int(values.max())}) to 0. Fix: round to a smaller base, e.g. 5.",
                      DataWarning, stacklevel=3)
    if not secondary and margins and hidden.any():
        warnings.warn("suppress: secondary=False with margins=True publishes totals that can "
                      "give suppressed cells away (a row with one suppressed cell reveals it). "
                      "Fix: margins=False, or keep secondary=True.", DataWarning, stacklevel=3)


_TOTAL_LABELS = {"total", "totals", "all", "overall"}


def warn_totals(table) -> None:
    """A table that already holds its totals (e.g. pd.crosstab(..., margins=True)) is
    audited as if they were cells, so a small cell can be recovered by subtraction."""
    found = [str(x) for x in [*table.index, *table.columns]
             if str(x).strip().lower() in _TOTAL_LABELS]
    if found:
        warnings.warn(f"suppress: the table already has total row(s) or column(s) {found}; "
                      "they are treated as ordinary cells, so suppressed counts could be "
                      "recovered by subtracting the others from them. Fix: pass the table "
                      "without its totals (e.g. crosstab without margins); suppress adds "
                      "protected totals itself.", DataWarning, stacklevel=3)
