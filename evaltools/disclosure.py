"""Small-number suppression for tables that leave a secure data environment.

Primary suppression hides counts from 1 to ``threshold`` (and zeros if asked). Secondary
suppression then hides, in every row and column of a two-way table that has exactly one
hidden cell, the smallest other non-zero cell (a zero protects nothing: it is known to be
the smallest possible value). Then, before anything is returned, every pattern is audited
by linear programming: for each hidden cell, the smallest and largest values consistent
with the published cells and the exact row, column and grand totals are found, and the
range must be wider than ``threshold`` (for patterns of more than ``EXACT_AUDIT_LIMIT``
cells, a range already shown by moving counts around a cycle of hidden cells spares that
cell its linear programmes). Where it is not, a further cell is hidden and the audit
repeated; a table that cannot be protected raises :class:`DisclosureError`. Rounding
(e.g. to the nearest 5) is applied to what is published, totals included, as secure
environments for English health data require. Thresholds differ between data owners, so
all are options.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from ._disclosure_checks import (
    check_counts,
    check_grid,
    check_work,
    warn_publication,
    warn_totals,
)
from ._shared import TableResult
from ._shared.calls import checked_call
from .exceptions import EvaltoolsInputError, ParameterError, SchemaError
from .validation import (
    check_bool,
    check_columns,
    check_number,
    no_estimates,
)

__all__ = ["suppress", "SuppressedTable", "DisclosureError", "feasible_intervals",
           "cycle_intervals"]


class DisclosureError(EvaltoolsInputError):
    """No suppression pattern protects the table: publishing it would reveal small counts."""


@dataclass(repr=False)
class SuppressedTable(TableResult):
    """The publishable table (suppressed cells shown as ``"*"``), the mask of suppressed
    cells, the margins computed from the unrounded counts (then rounded), and ``audit``:
    for each suppressed cell, the range of values an attacker cannot rule out from the
    published cells and exact totals (always wider than the threshold; ``method`` says
    whether it is the exact range or one a cycle of suppressed cells guarantees)."""

    mask: pd.DataFrame
    note: str
    audit: pd.DataFrame = field(default_factory=pd.DataFrame)
    _title = "Table after small-number suppression"

    def _notes(self) -> list[str]:
        return [self.note]

    def _estimates(self) -> pd.DataFrame:
        no_estimates(self)


def _constraints(shape: tuple[int, int]) -> list[tuple[int, np.ndarray]]:
    """Lines whose totals an attacker is assumed to know exactly: each row (when it has
    more than one cell), each column (likewise) and the grand total. In a one-row table the
    column 'totals' are the cells themselves, so they are not totals at all."""
    n_rows, n_cols = shape
    lines = []
    if n_cols > 1:
        lines += [(0, np.arange(n_rows) == i) for i in range(n_rows)]
    if n_rows > 1:
        lines += [(1, np.arange(n_cols) == j) for j in range(n_cols)]
    return lines


@checked_call
def feasible_intervals(values: np.ndarray, hidden: np.ndarray, *, lower: int = 0,
                       only: np.ndarray | None = None) -> pd.DataFrame:
    """For each hidden cell, the least and greatest value consistent with the published
    cells, the exact row, column and grand totals, and every hidden cell being at least
    ``lower`` (two linear programmes per cell; ``only`` limits them to some hidden cells,
    a boolean array in the order of ``np.argwhere(hidden)``).

    >>> v = np.array([[3, 20], [25, 30]])
    >>> feasible_intervals(v, v < 4, lower=1)[["lower", "upper"]].to_numpy().tolist()
    [[3.0, 3.0]]
    """
    values, hidden = check_grid(values, hidden, lower, "feasible_intervals")
    cells = np.argwhere(hidden)
    if len(cells) == 0:
        return pd.DataFrame(columns=["row", "column", "value", "lower", "upper", "width"])
    rows_eq, rhs = [], []
    for axis, selected in _constraints(values.shape):
        line = selected[cells[:, axis]]
        if line.any():
            rows_eq.append(line.astype(float))
            rhs.append(float(values[cells[line, 0], cells[line, 1]].sum()))
    if values.size > 1:  # the grand total (of a single cell it is the cell itself)
        rows_eq.append(np.ones(len(cells)))
        rhs.append(float(values[hidden].sum()))
    if not rows_eq:
        return pd.DataFrame({"row": cells[:, 0], "column": cells[:, 1],
                             "value": values[hidden], "lower": float(lower),
                             "upper": np.inf, "width": np.inf})
    a_eq, b_eq = np.vstack(rows_eq), np.array(rhs)
    bounds = np.full((len(cells), 2), np.nan)
    for k in np.flatnonzero(np.ones(len(cells), bool) if only is None else only):
        goal = np.zeros(len(cells))
        goal[k] = 1.0
        for side, sign in ((0, 1.0), (1, -1.0)):
            res = linprog(sign * goal, A_eq=a_eq, b_eq=b_eq, bounds=(lower, None),
                          method="highs")
            bounds[k, side] = sign * res.fun if res.status == 0 else np.nan
    keep = slice(None) if only is None else only
    return pd.DataFrame({"row": cells[keep, 0], "column": cells[keep, 1],
                         "value": values[hidden][keep], "lower": bounds[keep, 0],
                         "upper": bounds[keep, 1], "width": (bounds[:, 1] - bounds[:, 0])[keep]})


def _hide_smallest(values: np.ndarray, hidden: np.ndarray, allowed: np.ndarray) -> bool:
    """Hide the smallest non-zero, not yet hidden cell where ``allowed``; False if none."""
    candidates = np.where(allowed & ~hidden & (values > 0), values.astype(float), np.inf)
    if np.isinf(candidates).all():
        return False
    hidden[np.unravel_index(np.argmin(candidates), values.shape)] = True
    return True


def _secondary(values: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Hide the smallest further non-zero cell in any line (of more than one cell) with
    exactly one hidden cell, until no line has exactly one."""
    hidden = hidden.copy()
    changed = True
    while changed:
        changed = False
        for axis, selected in _constraints(values.shape):
            line = selected[:, None] if axis == 0 else selected[None, :]
            if (hidden & line).sum() == 1 and _hide_smallest(values, hidden, np.broadcast_to(
                    line, values.shape)):
                changed = True
    return hidden


EXACT_AUDIT_LIMIT = 150
"""Suppressed cells up to which every feasible range is computed exactly by linear
programming; above it, a cell whose range a cycle of suppressed cells already shows to be
wide enough needs no linear programme (the rest still get one)."""


@checked_call
def cycle_intervals(values: np.ndarray, hidden: np.ndarray, *, lower: int = 0) -> np.ndarray:
    """A range each hidden cell can take for certain, found by moving counts around a
    cycle of hidden cells (x_ij + d, x_ij' - d, x_i'j - d, x_i'j' + d keeps every total);
    in a one-row or one-column table, between two hidden cells of the line. Returns an
    array (cells x 2) of lower and upper limits, inside the exact feasible range.

    >>> v = np.array([[3, 12], [25, 18]])
    >>> cycle_intervals(v, np.ones((2, 2), bool), lower=1).tolist()[0]
    [1.0, 14.0]
    """
    values, hidden = check_grid(values, hidden, lower, "cycle_intervals")
    cells = np.argwhere(hidden)
    slack = np.where(hidden, values - lower, -np.inf).astype(float)
    out = np.empty((len(cells), 2))
    n_rows, n_cols = values.shape
    for k, (i, j) in enumerate(cells):
        if n_rows == 1 or n_cols == 1:
            line = slack.ravel().copy()
            line[i * n_cols + j] = -np.inf  # the cell itself; partners are the others
            partner = line.max()
            up, down = (partner, slack[i, j]) if np.isfinite(partner) else (0.0, 0.0)
        else:
            # Partners (i', j'): d up needs slack at (i, j') and (i', j); down needs slack at
            # (i, j) and (i', j'); the best cycle maximises the total range.
            up_room = np.minimum(slack[i, :][None, :], slack[:, j][:, None])
            down_room = np.minimum(slack[i, j], slack)
            ok = np.isfinite(up_room) & np.isfinite(down_room)
            ok[i, :], ok[:, j] = False, False
            total = np.where(ok, up_room + down_room, -np.inf)
            best = np.unravel_index(np.argmax(total), total.shape)
            up, down = ((up_room[best], down_room[best]) if np.isfinite(total[best])
                        else (0.0, 0.0))
        out[k] = values[i, j] - down, values[i, j] + up
    return out


def _audit(values, hidden, lower, threshold) -> pd.DataFrame:
    """Feasible ranges of the hidden cells: exact (linear programming) for small patterns;
    for large ones the cycle range where it is already wider than ``threshold``."""
    cells = np.argwhere(hidden)
    if len(cells) <= EXACT_AUDIT_LIMIT:
        return feasible_intervals(values, hidden, lower=lower).assign(
            method="linear programming")
    cycle = cycle_intervals(values, hidden, lower=lower)
    sure = cycle[:, 1] - cycle[:, 0] > threshold
    audit = pd.DataFrame({"row": cells[:, 0], "column": cells[:, 1],
                          "value": values[hidden], "lower": cycle[:, 0], "upper": cycle[:, 1],
                          "width": cycle[:, 1] - cycle[:, 0], "method": "cycle (at least)"})
    if not sure.all():
        exact = feasible_intervals(values, hidden, lower=lower, only=~sure)
        audit.loc[~sure, ["lower", "upper", "width"]] = exact[
            ["lower", "upper", "width"]].to_numpy()
        audit.loc[~sure, "method"] = "linear programming"
    return audit


def _protect(values: np.ndarray, hidden: np.ndarray, threshold: int, lower: int,
             index, columns) -> tuple[np.ndarray, pd.DataFrame]:
    """Audit the pattern and hide more cells until every hidden cell's feasible range is
    wider than ``threshold``; raise :class:`DisclosureError` if no pattern does."""
    for _ in range(values.size + 1):
        audit = _audit(values, hidden, lower, threshold)
        weak = audit[~(audit["width"] > threshold)]
        if weak.empty:
            return hidden, audit
        added = False
        for i, j in zip(weak["row"].astype(int), weak["column"].astype(int), strict=True):
            near = np.zeros_like(hidden)
            near[i, :], near[:, j] = True, True
            added |= _hide_smallest(values, hidden, near)
        if not (added or _hide_smallest(values, hidden, np.ones_like(hidden))):
            break
        hidden = _secondary(values, hidden)
    cells = [(index[int(r)], columns[int(c)]) for r, c in zip(weak["row"], weak["column"],
                                                             strict=True)]
    raise DisclosureError(
        f"No suppression pattern protects this table: {len(cells)} suppressed cell(s), e.g. "
        f"{cells[:5]}, could still be narrowed to a range of threshold={threshold} or less from "
        "the other cells and the totals, and no non-zero cell is left to hide. Fix: merge "
        "small rows or columns, check the threshold, or publish the table without totals "
        "after review.")


@checked_call
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
        Complementary suppression so that suppressed cells cannot be recovered, or narrowed
        to a range of ``threshold`` or less, from the other cells and the row, column and
        grand totals. Every pattern is audited by linear programming before it is returned
        (``.audit`` gives each suppressed cell's feasible range); ``secondary=False`` skips
        both, for tables whose totals are never published (then pass ``margins=False``).
        More than 1,000 primary-suppressed cells are refused: their audit would take minutes
        to hours.
    margins : bool
        Add row and column totals (of the true counts, then rounded). A one-row table gets
        no column totals and a one-column table no row totals: they would repeat the cells.

    Examples
    --------
    >>> t = pd.DataFrame({"A": [3, 40, 25], "B": [12, 30, 18]}, index=["x", "y", "z"])
    >>> suppress(t).table.loc["x", "A"]
    '*'
    """
    check_number(threshold, "threshold", "suppress", low=1, high=np.inf, closed="left",
                 integer=True)
    check_number(rounding, "rounding", "suppress", low=1, high=np.inf, closed="left",
                 integer=True, allow_none=True)
    suppress_zeros = check_bool(suppress_zeros, "suppress_zeros", "suppress")
    secondary = check_bool(secondary, "secondary", "suppress")
    margins = check_bool(margins, "margins", "suppress")
    if count_col is not None:
        return _suppress_long(table, count_col, threshold, rounding, suppress_zeros)
    values = check_counts(table)
    hidden = (values <= threshold) & ((values > 0) | suppress_zeros)
    primary = int(hidden.sum())
    if secondary:
        check_work(values, primary)
    audit = pd.DataFrame(columns=["row", "column", "value", "lower", "upper", "width"])
    if secondary and hidden.any():
        hidden, audit = _protect(values, _secondary(values, hidden), threshold,
                                 0 if suppress_zeros else 1, table.index, table.columns)
        audit = audit.assign(row=table.index[audit["row"].to_numpy(int)],
                             column=table.columns[audit["column"].to_numpy(int)])
    warn_publication(values, hidden, rounding, secondary, margins)
    warn_totals(table)
    out = _publish(table, values, hidden, rounding, margins)
    mask = pd.DataFrame(hidden, index=table.index, columns=table.columns)
    note = (f"Counts of 1 to {threshold}{' and zeros' if suppress_zeros else ''} suppressed "
            f"({primary} cell(s)), {int(hidden.sum()) - primary} more suppressed so that none "
            f"can be narrowed to a range of {threshold} or less from the other cells and the "
            "totals (checked by linear programming); "
            f"{'counts rounded to the nearest ' + str(rounding) if rounding else 'no rounding'}.")
    return SuppressedTable(table=out, mask=mask, note=note, audit=audit, meta={"options": dict(
        threshold=threshold, rounding=rounding, suppress_zeros=suppress_zeros,
        secondary=secondary, margins=margins)})


def _publish(table, values, hidden, rounding, margins) -> pd.DataFrame:
    published = _round(values, rounding).astype(object)
    published[hidden] = "*"
    index, columns = list(table.index), list(table.columns)
    n_rows, n_cols = values.shape
    if margins and n_cols > 1:  # row totals (in a one-column table they repeat the cells)
        published = np.column_stack([published, _round(values.sum(axis=1), rounding)])
        columns.append("Total")
    if margins and n_rows > 1:
        bottom = list(_round(values.sum(axis=0), rounding))
        if n_cols > 1:
            bottom += list(_round(np.array([values.sum()]), rounding))
        published = np.vstack([published, np.array(bottom, dtype=object)])
        index.append("Total")
    return pd.DataFrame(published, index=index, columns=columns, dtype=object)


def _round(values: np.ndarray, base: int | None) -> np.ndarray:
    if base is None:
        return values
    return (np.floor(values / base + 0.5) * base).astype(np.int64)


def _suppress_long(table, count_col, threshold, rounding, suppress_zeros):
    if not isinstance(table, pd.DataFrame):
        raise SchemaError(f"suppress needs a pandas DataFrame. Got {type(table).__name__}.")
    if not isinstance(count_col, (str, int, np.integer)) or isinstance(count_col, bool):
        raise ParameterError("The 'count_col' parameter of suppress must be a column name "
                             f"(str) or None. Got {count_col!r} instead.")
    check_columns(table, [count_col], "table", fix="pass the name of the count column as "
                                                   "count_col")
    values = check_counts(table[[count_col]]).ravel()
    hidden = (values <= threshold) & ((values > 0) | suppress_zeros)
    published = pd.Series(_round(values, rounding), index=table.index, dtype=object)
    published[hidden] = "*"
    out = table.copy()
    out[count_col] = published  # assign(**{...}) would refuse a column label that is an int
    mask = pd.DataFrame({count_col: hidden}, index=table.index)
    note = (f"Counts of 1 to {threshold} suppressed ({int(hidden.sum())} row(s)); no "
            "secondary suppression in a long table: publish no totals that include them.")
    return SuppressedTable(table=out, mask=mask, note=note,
                           meta={"options": dict(threshold=threshold, rounding=rounding)})
