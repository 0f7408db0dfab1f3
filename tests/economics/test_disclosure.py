"""Small-number suppression: hand case, and no suppressed cell recoverable from totals."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog

import evaltools as et
from evaltools.exceptions import EvaltoolsInputError


def test_hand_case():
    t = pd.DataFrame({"A": [3, 40, 25], "B": [12, 30, 18]}, index=["x", "y", "z"])
    out = et.disclosure.suppress(t)
    # 3 is primary; its row partner 12 and column partner 25 are secondary; then z's 18
    # (the only other hidden cell in row z and column B).
    assert out.mask.to_numpy().tolist() == [[True, True], [False, False], [True, True]]
    assert out.table.loc["y", "A"] == 40 and out.table.loc["Total", "Total"] == 130
    assert out.table.loc["x", "Total"] == 15  # 15 rounded to the nearest 5
    assert "suppressed" in out.note


def test_rounding_and_zeros():
    t = pd.DataFrame({"A": [0, 12], "B": [23, 31]})
    out = et.disclosure.suppress(t, threshold=10, rounding=5, secondary=False, margins=False)
    assert out.table.to_numpy().tolist() == [[0, 25], [10, 30]]
    zeros = et.disclosure.suppress(t, suppress_zeros=True, secondary=False, margins=False)
    assert zeros.table.iloc[0, 0] == "*"


def recoverable(values, hidden):
    """Cells whose value is fixed by the published cells and exact row/column totals."""
    n_rows, n_cols = values.shape
    cells = list(zip(*np.nonzero(hidden), strict=True))
    if not cells:
        return []
    a_eq, b_eq = [], []
    for axis, count in ((0, n_rows), (1, n_cols)):
        for line in range(count):
            row = [1.0 if (c[0] == line if axis == 0 else c[1] == line) else 0.0 for c in cells]
            if any(row):
                a_eq.append(row)
                b_eq.append(float(sum(values[c] for c in cells
                                      if (c[0] == line if axis == 0 else c[1] == line))))
    fixed = []
    for i in range(len(cells)):
        goal = np.zeros(len(cells))
        goal[i] = 1
        lo = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun
        hi = -linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun
        if hi - lo < 1e-6:
            fixed.append(cells[i])
    return fixed


@given(st.lists(st.lists(st.integers(0, 40), min_size=3, max_size=5), min_size=3, max_size=5)
       .filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_no_suppressed_cell_can_be_solved_from_the_margins(rows):
    values = np.array(rows)
    out = et.disclosure.suppress(pd.DataFrame(values), threshold=7, rounding=None)
    hidden = out.mask.to_numpy()
    primary = (values >= 1) & (values <= 7)
    assert hidden[primary].all()
    # Published cells and exact totals must not pin down any primary-suppressed cell.
    assert not [c for c in recoverable(values, hidden) if primary[c]]


def test_long_table():
    t = pd.DataFrame({"site": ["a", "b", "c"], "n": [5, 40, 0]})
    out = et.disclosure.suppress(t, count_col="n")
    assert out.table["n"].tolist() == ["*", 40, 0]


def test_non_integer_counts_are_refused():
    with pytest.raises(EvaltoolsInputError, match=r"whole-number counts; 1 cell\(s\).*"
                                                  r"\(0, 'A'\)"):
        et.disclosure.suppress(pd.DataFrame({"A": [2.5, 10]}))
