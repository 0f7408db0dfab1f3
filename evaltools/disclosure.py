"""Small-number suppression for tables that leave a secure data environment.

Primary suppression hides counts from 1 to ``threshold`` (and zeros if asked). Secondary
suppression then hides, in every row and column of a two-way table that has exactly one
hidden cell, the smallest other cell, until no hidden cell can be worked out by
subtracting the others from a row or column total. Rounding (e.g. to the nearest 5) is
applied to what is published, totals included, as secure environments for English health
data require. Thresholds differ between data owners, so all are options.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._shared import TableResult
from .exceptions import EvaltoolsInputError
from .validation import check_number

__all__ = ["suppress", "SuppressedTable"]


@dataclass(repr=False)
class SuppressedTable(TableResult):
    """The publishable table (suppressed cells shown as ``"*"``), the mask of suppressed
    cells and the margins computed from the unrounded counts, then rounded."""

    mask: pd.DataFrame
    note: str
    _title = "Table after small-number suppression"

    def _notes(self) -> list[str]:
        return [self.note]


def _check_counts(table: pd.DataFrame) -> None:
    values = table.to_numpy(dtype=float)
    bad = np.isnan(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        rows, cols = np.nonzero(bad)
        where = [(table.index[r], table.columns[c]) for r, c in zip(rows[:5], cols[:5],
                                                                    strict=True)]
        raise EvaltoolsInputError(
            f"suppress needs non-negative whole-number counts; {int(bad.sum())} cell(s) are "
            f"not, e.g. at (row, column) {where}. Fix: pass counts, not rates or means.")


def _secondary(values: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Hide the smallest further cell in any row or column with exactly one hidden cell."""
    hidden = hidden.copy()
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):
            counts = hidden.sum(axis=axis)
            for line in np.flatnonzero(counts == 1):
                cells = values[line] if axis == 1 else values[:, line]
                mask = hidden[line] if axis == 1 else hidden[:, line]
                candidates = np.where(mask, np.inf, cells.astype(float))
                if np.isinf(candidates).all():
                    continue
                j = int(np.argmin(candidates))
                if axis == 1:
                    hidden[line, j] = True
                else:
                    hidden[j, line] = True
                changed = True
    return hidden


def suppress(table: pd.DataFrame, threshold: int = 7, *, rounding: int | None = 5,
             suppress_zeros: bool = False, secondary: bool = True, margins: bool = True,
             count_col: str | None = None) -> SuppressedTable:
    """Suppress and round small counts so they cannot identify people.

    Parameters
    ----------
    table : DataFrame
        A two-way table of counts (rows x columns), or a long table with ``count_col``.
    threshold : int
        Counts from 1 to ``threshold`` are suppressed (NHS England and OpenSAFELY use 7).
    rounding : int or None
        Round published counts to the nearest multiple (5 by default).
    suppress_zeros : bool
        Also suppress zeros (some data owners treat zeros as disclosive).
    secondary : bool
        Complementary suppression so that suppressed cells cannot be recovered from the
        row and column totals (two-way tables only).
    margins : bool
        Add row and column totals (of the true counts, then rounded).

    Examples
    --------
    >>> t = pd.DataFrame({"A": [3, 40, 25], "B": [12, 30, 18]}, index=["x", "y", "z"])
    >>> suppress(t).table.loc["x", "A"]
    '*'
    """
    check_number(threshold, "threshold", "suppress", low=0, integer=True)
    check_number(rounding, "rounding", "suppress", low=1, integer=True, allow_none=True)
    if count_col is not None:
        return _suppress_long(table, count_col, threshold, rounding, suppress_zeros)
    _check_counts(table)
    values = table.to_numpy(dtype=np.int64)
    hidden = (values <= threshold) & ((values > 0) | suppress_zeros)
    primary = int(hidden.sum())
    if secondary and hidden.any():
        hidden = _secondary(values, hidden)
    published = _round(values, rounding).astype(object)
    published[hidden] = "*"
    if margins:  # totals of the true counts, rounded like the cells
        row_totals = _round(values.sum(axis=1), rounding)
        bottom = list(_round(values.sum(axis=0), rounding)) + list(
            _round(np.array([values.sum()]), rounding))
        published = np.vstack([np.column_stack([published, row_totals]), bottom])
        out = pd.DataFrame(published, index=[*table.index, "Total"],
                           columns=[*table.columns, "Total"], dtype=object)
    else:
        out = pd.DataFrame(published, index=table.index, columns=table.columns, dtype=object)
    mask = pd.DataFrame(hidden, index=table.index, columns=table.columns)
    note = (f"Counts of 1 to {threshold}{' and zeros' if suppress_zeros else ''} suppressed "
            f"({primary} cell(s)), {int(hidden.sum()) - primary} more suppressed so they "
            f"cannot be recovered from totals; "
            f"{'counts rounded to the nearest ' + str(rounding) if rounding else 'no rounding'}.")
    return SuppressedTable(table=out, mask=mask, note=note, meta={"options": dict(
        threshold=threshold, rounding=rounding, suppress_zeros=suppress_zeros,
        secondary=secondary)})


def _round(values: np.ndarray, base: int | None) -> np.ndarray:
    if base is None:
        return values
    return (np.floor(values / base + 0.5) * base).astype(np.int64)


def _suppress_long(table, count_col, threshold, rounding, suppress_zeros):
    _check_counts(table[[count_col]])
    values = table[count_col].to_numpy(dtype=np.int64)
    hidden = (values <= threshold) & ((values > 0) | suppress_zeros)
    published = pd.Series(_round(values, rounding), index=table.index, dtype=object)
    published[hidden] = "*"
    out = table.assign(**{count_col: published})
    mask = pd.DataFrame({count_col: hidden}, index=table.index)
    note = (f"Counts of 1 to {threshold} suppressed ({int(hidden.sum())} row(s)); no "
            "secondary suppression in a long table: publish no totals that include them.")
    return SuppressedTable(table=out, mask=mask, note=note,
                           meta={"options": dict(threshold=threshold, rounding=rounding)})
