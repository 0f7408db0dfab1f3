"""Small-number suppression: hand case, and no suppressed cell recoverable from totals."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog

import evaltools as et
from evaltools.disclosure import DisclosureError, feasible_intervals
from evaltools.exceptions import EvaltoolsInputError, ParameterError, SchemaError

S = et.disclosure.suppress


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


@given(st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=5), min_size=1, max_size=5)
       .filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_no_suppressed_cell_can_be_solved_from_the_margins(rows):
    """Any table, one-row and one-column ones included: either every suppressed cell keeps a
    feasible range wider than the threshold, checked here by an independent LP (bounds at
    0, so weaker than the audit's), or suppress refuses the table."""
    values = np.array(rows)
    try:
        out = S(pd.DataFrame(values), threshold=7, rounding=None)
    except DisclosureError:
        # Refused only when some small count has no non-zero cell left to hide behind.
        assert ((values >= 1) & (values <= 7)).any()
        return
    hidden = out.mask.to_numpy()
    primary = (values >= 1) & (values <= 7)
    assert hidden[primary].all()
    assert not (hidden & (values == 0)).any()  # a zero is never a complementary cell
    # Published cells and exact totals must not pin down any suppressed cell.
    if values.shape[0] > 1 and values.shape[1] > 1:
        assert not recoverable(values, hidden)
    assert (out.audit["width"] > 7).all()


def test_long_table():
    t = pd.DataFrame({"site": ["a", "b", "c"], "n": [5, 40, 0]})
    out = et.disclosure.suppress(t, count_col="n")
    assert out.table["n"].tolist() == ["*", 40, 0]


def test_non_integer_counts_are_refused():
    with pytest.raises(EvaltoolsInputError, match=r"whole-number counts; 1 cell\(s\).*"
                                                  r"\(0, 'A'\)"):
        et.disclosure.suppress(pd.DataFrame({"A": [2.5, 10]}))


@pytest.mark.parametrize("value,hidden", [(6, True), (7, True), (8, False)],
                         ids=["one-below", "at", "one-above"])
def test_primary_threshold_boundary(value, hidden):
    t = pd.DataFrame({"A": [value, 50], "B": [60, 70]})
    out = S(t, threshold=7, rounding=None)
    assert bool(out.mask.iloc[0, 0]) is hidden
    assert (out.table.iloc[0, 0] == "*") is hidden


def test_audit_width_boundary_forces_a_further_cell():
    """Row [1, 8, 40] at threshold 7: hiding 1 and its smallest partner 8 leaves their sum,
    9, so each lies in [1, 8], a range of 7 (not wider than 7): a third cell is hidden. With
    [1, 9, 40] the range is 8 and two cells suffice."""
    at = S(pd.DataFrame([[1, 8, 40]], columns=list("abc")), threshold=7, rounding=None)
    assert at.mask.to_numpy().tolist() == [[True, True, True]]
    above = S(pd.DataFrame([[1, 9, 40]], columns=list("abc")), threshold=7, rounding=None)
    assert above.mask.to_numpy().tolist() == [[True, True, False]]
    assert above.audit["width"].tolist() == [8.0, 8.0]
    # The audit itself: the interval is found by linear programming over exact totals.
    values = np.array([[1, 8, 40]])
    audit = feasible_intervals(values, np.array([[True, True, False]]), lower=1)
    assert audit[["lower", "upper", "width"]].to_numpy().tolist() == [[1, 8, 7], [1, 8, 7]]


def test_one_row_table_does_not_leak_through_totals():
    """Column totals of a one-row table are the cells themselves: none are published; the
    row total is, so a second cell is hidden beside the small one."""
    t = pd.DataFrame({"A": [3], "B": [20], "C": [40]}, index=["x"])
    out = S(t, rounding=None)
    assert "Total" not in out.table.index and out.table.loc["x", "Total"] == 63
    assert out.table.loc["x"].tolist() == ["*", "*", 40, 63]
    assert (out.audit["width"] > 7).all()


def test_one_column_table_does_not_leak_through_totals():
    t = pd.DataFrame({"n": [3, 25, 40]}, index=["a", "b", "c"])
    out = S(t, rounding=None)
    assert "Total" not in out.table.columns
    assert out.table["n"].tolist() == ["*", "*", 40, 68]
    assert out.audit["lower"].tolist() == [1.0, 1.0]
    assert out.audit["upper"].tolist() == [27.0, 27.0]


def test_a_zero_is_never_the_complementary_cell():
    t = pd.DataFrame({"A": [3, 30], "B": [0, 25], "C": [20, 40]})
    out = S(t, rounding=None)
    assert not out.mask.loc[0, "B"]
    assert out.mask.loc[0, "A"] and out.mask.loc[0, "C"]
    assert out.table.loc[0, "B"] == 0


def test_unprotectable_table_is_refused():
    t = pd.DataFrame({"A": [3], "B": [0], "C": [0]})
    with pytest.raises(DisclosureError, match=r"No suppression pattern protects this table: 1 "
                                              r"suppressed cell\(s\), e.g. \[\(0, 'A'\)\]"):
        S(t)


def test_audit_reports_each_suppressed_cell_range():
    t = pd.DataFrame({"A": [3, 40, 25], "B": [12, 30, 18]}, index=["x", "y", "z"])
    out = S(t)
    a = out.audit.set_index(["row", "column"])
    assert a.loc[("x", "A"), "lower"] == 1 and a.loc[("x", "A"), "upper"] == 14
    assert (a["width"] > 7).all()


@pytest.mark.parametrize("table,kwargs,error,match", [
    (pd.DataFrame({"a": [12.0, np.inf, 40]}), {}, SchemaError,
     r"1 cell\(s\) are infinite, e.g. at \(row, column\) \[\(1, 'a'\)\]"),
    (pd.DataFrame({"a": [12.0, np.nan, 40]}), {}, SchemaError, r"are missing \(NaN\)"),
    (pd.DataFrame({"a": [12, -3, 40]}), {}, SchemaError, r"1 cell\(s\) are negative"),
    (pd.DataFrame({"a": [12.5, 3, 40]}), {}, SchemaError, r"are not whole numbers"),
    (pd.DataFrame({"a": ["12", "3", "40"]}), {}, SchemaError, r"column\(s\) \['a'\] .* are "
                                                             r"not numeric"),
    ([[1, 2]], {}, SchemaError, r"needs a pandas DataFrame of counts .* Got list"),
    (pd.DataFrame(), {}, SchemaError, r"is empty"),
    (pd.DataFrame({"a": [12, 3]}), dict(threshold=0), ParameterError,
     r"'threshold' parameter of suppress must be an int in \[1, inf\). Got 0"),
    (pd.DataFrame({"a": [12, 3]}), dict(threshold=7.5), ParameterError, r"'threshold'"),
    (pd.DataFrame({"a": [12, 3]}), dict(rounding=0), ParameterError, r"'rounding'"),
    (pd.DataFrame({"a": [12, 3]}), dict(secondary="no"), ParameterError,
     r"'secondary' parameter of suppress must be True or False. Got 'no'"),
    (pd.DataFrame({"a": [12, 3]}), dict(margins="False"), ParameterError, r"'margins'"),
    (pd.DataFrame({"a": [12, 3]}), dict(suppress_zeros=1), ParameterError,
     r"'suppress_zeros'"),
    (pd.DataFrame({"site": ["a"], "k": [3]}), dict(count_col="n"), SchemaError,
     r"no column \['n'\]"),
    (pd.DataFrame({"site": ["a"], "n": [np.inf]}), dict(count_col="n"), SchemaError,
     r"infinite"),
], ids=["inf", "nan", "negative", "fraction", "text", "list", "empty", "threshold-0",
        "threshold-float", "rounding-0", "secondary-text", "margins-text", "zeros-int",
        "count-col-typo", "long-inf"])
def test_bad_input(table, kwargs, error, match):
    with pytest.raises(error, match=match):
        S(table, **kwargs)


@given(st.integers(1, 5), st.integers(1, 5), st.randoms(use_true_random=False))
def test_cycle_ranges_lie_inside_the_exact_feasible_ranges(n_rows, n_cols, rnd):
    """The quick audit of large patterns (moving counts around cycles of suppressed cells)
    only ever claims ranges an attacker truly cannot rule out."""
    values = np.array([[rnd.randint(0, 30) for _ in range(n_cols)] for _ in range(n_rows)])
    hidden = np.array([[rnd.random() < 0.5 for _ in range(n_cols)] for _ in range(n_rows)])
    if not hidden.any() or values.size == 1:
        return
    exact = feasible_intervals(values, hidden, lower=0)
    cycle = et.disclosure.cycle_intervals(values, hidden, lower=0)
    assert (cycle[:, 0] >= exact["lower"].to_numpy() - 1e-7).all()
    assert (cycle[:, 1] <= exact["upper"].to_numpy() + 1e-7).all()


def test_large_patterns_use_the_cycle_audit_and_stay_protected(monkeypatch):
    """With the exact limit at 0 every pattern goes through the quick audit; an independent
    LP still finds every suppressed cell's range wider than the threshold."""
    monkeypatch.setattr(et.disclosure, "EXACT_AUDIT_LIMIT", 0)
    values = np.random.default_rng(4).poisson(9, (8, 6))
    out = S(pd.DataFrame(values), rounding=None)
    assert set(out.audit["method"]) <= {"cycle (at least)", "linear programming"}
    assert "cycle (at least)" in set(out.audit["method"])
    exact = feasible_intervals(values, out.mask.to_numpy(), lower=1)
    assert (exact["width"] > 7).all()
