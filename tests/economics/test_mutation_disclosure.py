"""Small-number suppression: thresholds at, below and above their boundary in every table
shape, rounding ties, margins, secondary patterns and the feasible-range audit, each in a
case built so that a one-line bug changes what is published (found by mutation testing,
``make mutation``).

Independent references: every suppression pattern and published figure below is traced by
hand in the comments (the greedy rule of the module docstring: in a line with exactly one
hidden cell, hide the smallest other non-zero cell); feasible ranges are worked out by hand
from the row, column and grand totals, or checked with an independent linear programme
(scipy's ``linprog`` on the equality constraints written out cell by cell); rounding is
"round half up" to a multiple of the base, the rule of NHS England's and OpenSAFELY's
output checking (a count of 15 rounds to 20 at base 10; numpy's banker's rounding would
give 20, and for 25 would give 20 where half-up gives 30).
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import evaltools as et
from evaltools import _disclosure_checks as checks
from evaltools import disclosure
from evaltools.disclosure import DisclosureError, cycle_intervals, feasible_intervals
from evaltools.exceptions import DataWarning, ParameterError, SchemaError

S = et.disclosure.suppress


def quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return S(*args, **kwargs)


def lp_range(values, hidden, cell, lower):
    """Independent feasible range of one hidden cell: published cells, each row and column
    total (lines of more than one cell) and the grand total fixed; hidden cells >= lower."""
    values = np.asarray(values, float)
    cells = [tuple(c) for c in np.argwhere(hidden)]
    n_rows, n_cols = values.shape
    a_eq, b_eq = [], []
    lines = ([("r", i) for i in range(n_rows)] if n_cols > 1 else []) + (
        [("c", j) for j in range(n_cols)] if n_rows > 1 else [])
    for kind, k in lines:
        row = [1.0 if (c[0] == k if kind == "r" else c[1] == k) else 0.0 for c in cells]
        if any(row):
            a_eq.append(row)
            b_eq.append(sum(values[c] * w for c, w in zip(cells, row, strict=True)))
    a_eq.append([1.0] * len(cells))
    b_eq.append(sum(values[c] for c in cells))
    goal = np.array([1.0 if c == cell else 0.0 for c in cells])
    lo = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=(lower, None)).fun
    hi = -linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=(lower, None)).fun
    return lo, hi


# --- primary threshold in every table shape ----------------------------------------------

@pytest.mark.parametrize("threshold,hidden", [
    (5, [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]),
    (6, [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]]),
    (7, [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]]),
    (8, [[1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 1, 0]]),
], ids=["below-both", "at-6", "at-7", "at-8"])
def test_two_way_threshold_boundaries(threshold, hidden):
    """Counts 6, 7 and 8 in one table. At 7: 6 and 7 share row x (two hidden, nothing more in
    the row); column A has one hidden cell, so its smallest other, 30, is hidden; column B
    likewise hides 40; row y then has two. The 8 at (z, C) is published. At 8 it is primary
    too: row z hides 35, column C hides 50 (smaller than 55), column B hides 40, row y hides
    30. At 5 nothing is small. At 6 only the 6 is primary; the 7 is then hidden as its row's
    smallest other cell and the same block results (1 primary and 3 more, not 2 and 2)."""
    t = pd.DataFrame({"A": [6, 30, 35], "B": [7, 40, 45], "C": [50, 55, 8],
                      "D": [60, 65, 70]}, index=list("xyz"))
    out = quiet(t, threshold=threshold, rounding=None)
    mask = out.mask.to_numpy()
    assert mask.astype(int).tolist() == hidden
    primary = (t.to_numpy() >= 1) & (t.to_numpy() <= threshold)
    assert mask[primary].all()
    assert out.table.loc["x", "A"] == ("*" if threshold >= 6 else 6)
    assert out.table.loc["x", "B"] == ("*" if threshold >= 6 else 7)
    assert out.table.loc["z", "C"] == ("*" if threshold >= 8 else 8)
    # Margins: of the true counts, in every shape of this table.
    assert out.table.loc["x", "Total"] == 123 and out.table.loc["z", "Total"] == 158
    assert out.table.loc["Total", "A"] == 71 and out.table.loc["Total", "C"] == 113
    assert out.table.loc["Total", "Total"] == 471
    primary_n, extra = int(primary.sum()), int(mask.sum() - primary.sum())
    assert f"({primary_n} cell(s)), {extra} more suppressed" in out.note
    assert out.note.startswith(f"Counts of 1 to {threshold} suppressed")


def test_two_way_audit_ranges_at_threshold_7():
    """Hidden block xA, xB, yA, yB: xA + xB = 13, yA + yB = 70, xA + yA = 36, xB + yB = 47,
    so xA runs over [1, 12] (xB >= 1), yA = 36 - xA over [24, 35], yB = 34 + xA over
    [35, 46]: each range is 11 wide, more than 7."""
    t = pd.DataFrame({"A": [6, 30, 35], "B": [7, 40, 45], "C": [50, 55, 8],
                      "D": [60, 65, 70]}, index=list("xyz"))
    out = quiet(t, rounding=None)
    a = out.audit.set_index(["row", "column"])
    assert a.loc[("x", "A"), ["lower", "upper", "width"]].tolist() == [1, 12, 11]
    assert a.loc[("x", "B"), ["lower", "upper", "width"]].tolist() == [1, 12, 11]
    assert a.loc[("y", "A"), ["lower", "upper", "width"]].tolist() == [24, 35, 11]
    assert a.loc[("y", "B"), ["lower", "upper", "width"]].tolist() == [35, 46, 11]
    assert a["value"].tolist() == [6, 7, 30, 40]
    assert set(a["method"]) == {"linear programming"}


def test_secondary_pattern_hides_the_smallest_partner_in_each_line():
    """Primary xA = 5. Pass 1: row x hides 20 (smallest of 20, 30); column A hides 15;
    column B hides 35 (of 40, 35). Pass 2: row y hides 40 (of 40, 50), row z hides 25 (of
    25, 45). Every line then has 0 or at least 2 hidden cells: 5 more cells."""
    t = pd.DataFrame({"A": [5, 15, 25], "B": [20, 40, 35], "C": [30, 50, 45]},
                     index=list("xyz"))
    out = quiet(t, rounding=None)
    assert out.mask.to_numpy().astype(int).tolist() == [[1, 1, 0], [1, 1, 0], [1, 1, 0]]
    assert "(1 cell(s)), 5 more suppressed" in out.note
    # Ranges by hand: rows give xA + xB = 25, yA + yB = 55, zA + zB = 60; column A 45.
    # xA <= 24 (xB >= 1); yA <= 45 - 1 - 1 = 43; yB = 55 - yA >= 12; zB = 60 - zA >= 17.
    a = out.audit.set_index(["row", "column"])
    assert a.loc[("x", "A"), ["lower", "upper"]].tolist() == [1, 24]
    assert a.loc[("y", "A"), ["lower", "upper"]].tolist() == [1, 43]
    assert a.loc[("y", "B"), ["lower", "upper"]].tolist() == [12, 54]
    assert a.loc[("z", "B"), ["lower", "upper"]].tolist() == [17, 59]
    for (row, col), r in a.iterrows():
        i, j = t.index.get_loc(row), t.columns.get_loc(col)
        assert (r["lower"], r["upper"]) == pytest.approx(
            lp_range(t.to_numpy(), out.mask.to_numpy(), (i, j), 1))
    assert out.table.loc["Total"].tolist() == [45, 95, 125, 265]
    assert out.table["Total"].tolist() == [55, 105, 105, 265]


@pytest.mark.parametrize("threshold,expected", [
    (6, ["*", 7, 8, 50, 71]), (7, ["*", "*", 8, 50, 71]), (8, ["*", "*", "*", 50, 71]),
], ids=["below", "at", "above"])
def test_one_column_threshold_boundaries(threshold, expected):
    """One column [6, 7, 8, 50]: the column total (71) is published, no row totals. At 6 the
    single hidden 6 would be the total minus the rest, so the smallest other, 7, is hidden:
    the pair sums to 13 and each lies in [1, 12] (11 wide). At 7 the two small cells hide
    each other; at 8 three are hidden."""
    t = pd.DataFrame({"n": [6, 7, 8, 50]}, index=list("abcd"))
    out = quiet(t, threshold=threshold, rounding=None)
    assert "Total" not in out.table.columns
    got = out.table["n"].tolist()
    if threshold == 6:
        assert got == ["*", "*", 8, 50, 71]
        assert out.audit[["lower", "upper"]].to_numpy().tolist() == [[1, 12], [1, 12]]
    else:
        assert got == expected


@pytest.mark.parametrize("threshold", [6, 7, 8])
def test_one_row_threshold_boundaries(threshold):
    """The one-row table has a row total and no column totals; cells from 1 to threshold
    are hidden, and the hidden cells' sum (13 or 21) leaves each a range wider than the
    threshold, so the 50 stays published."""
    t = pd.DataFrame([[7, 8, 50, 6]], columns=list("abcd"), index=["x"])
    out = quiet(t, threshold=threshold, rounding=None)
    assert "Total" not in out.table.index
    row = out.table.loc["x"].tolist()
    assert row[-1] == 71
    assert row[3] == "*"
    assert (row[0] == "*") is (threshold >= 7) or threshold == 6
    assert (row[1] == "*") is (threshold >= 8)
    assert row[2] == 50


def test_one_row_threshold_6_hides_the_smallest_partner():
    out = quiet(pd.DataFrame([[7, 8, 50, 6]], columns=list("abcd")), threshold=6,
                rounding=None)
    assert out.table.iloc[0].tolist() == ["*", 8, 50, "*", 71]


@pytest.mark.parametrize("threshold,expected", [
    (6, ["*", 7, 8, 0]), (7, ["*", "*", 8, 0]), (8, ["*", "*", "*", 0]),
], ids=["below", "at", "above"])
def test_long_table_threshold_boundaries(threshold, expected):
    t = pd.DataFrame({"site": list("abcd"), "n": [6, 7, 8, 0]})
    out = quiet(t, threshold=threshold, count_col="n", rounding=None)
    assert out.table["n"].tolist() == expected
    assert out.mask["n"].tolist() == [v == "*" for v in expected]
    assert out.table["site"].tolist() == list("abcd")
    k = sum(v == "*" for v in expected)
    assert out.note == (f"Counts of 1 to {threshold} suppressed ({k} row(s)); no secondary "
                        "suppression in a long table: publish no totals that include them.")
    assert out.meta["options"] == dict(threshold=threshold, rounding=None)


def test_long_table_zeros_and_rounding():
    t = pd.DataFrame({"site": list("abcde"), "n": [0, 3, 12, 13, 25]})
    out = quiet(t, count_col="n", suppress_zeros=True)
    assert out.table["n"].tolist() == ["*", "*", 10, 15, 25]
    kept = quiet(t, count_col="n")
    assert kept.table["n"].tolist() == [0, "*", 10, 15, 25]
    assert kept.mask["n"].tolist() == [False, True, False, False, False]
    assert kept.meta["options"] == dict(threshold=7, rounding=5)


def test_long_table_keeps_its_own_index():
    """Rows labelled by site: published counts stay on their rows."""
    t = pd.DataFrame({"n": [40, 3, 12]}, index=["north", "east", "south"])
    out = quiet(t, count_col="n", rounding=None)
    assert out.table["n"].to_dict() == {"north": 40, "east": "*", "south": 12}
    assert out.mask["n"].to_dict() == {"north": False, "east": True, "south": False}
    with pytest.raises(SchemaError, match=r"The table table has no column \['k'\]; it has "
                                          r"\['n'\]. Fix: pass the name of the count column"):
        S(t, count_col="k")


def test_long_table_refuses_a_column_name_that_is_not_one():
    t = pd.DataFrame({"site": list("ab"), "n": [3, 12]})
    with pytest.raises(ParameterError, match=r"'count_col' parameter of suppress must be a "
                                             r"column name \(str\) or None. Got True"):
        S(t, count_col=True)
    with pytest.raises(ParameterError, match=r"Got 1.5"):
        S(t, count_col=1.5)
    with pytest.raises(SchemaError, match=r"suppress needs a pandas DataFrame. Got list"):
        S([[1, 2]], count_col="n")
    by_position = S(pd.DataFrame({0: [3, 12]}), count_col=0)
    assert by_position.table[0].tolist() == ["*", 10]


# --- rounding ---------------------------------------------------------------------------

@pytest.mark.parametrize("base,counts,expected", [
    (10, [15, 25, 14, 16, 35], [20, 30, 10, 20, 40]),
    (5, [12, 13, 17, 18, 10], [10, 15, 15, 20, 10]),
    (2, [9, 11, 10, 13, 15], [10, 12, 10, 14, 16]),
    (3, [10, 11, 13, 14, 9], [9, 12, 12, 15, 9]),
], ids=["base10-ties", "base5", "base2-ties", "base3"])
def test_rounding_half_up(base, counts, expected):
    """Round half up: 15 -> 20 and 25 -> 30 at base 10; 9 -> 10, 11 -> 12 at base 2 (numpy's
    round-half-even would give 20, 20, 8, 12)."""
    t = pd.DataFrame({"n": counts})
    out = quiet(t, threshold=7, rounding=base, secondary=False, margins=False)
    assert out.table["n"].tolist() == expected


def test_margins_are_rounded_totals_of_the_true_counts():
    """Row [12, 12]: cells publish 10 and 10, the row total 24 publishes 25 (the sum of the
    rounded cells would be 20). Column totals 24 and 38 -> 25 and 40; grand total 62 -> 60."""
    t = pd.DataFrame({"A": [12, 12], "B": [12, 26]}, index=["x", "y"])
    out = quiet(t, rounding=5)
    assert out.table.to_numpy().tolist() == [[10, 10, 25], [10, 25, 40], [25, 40, 60]]
    assert list(out.table.index) == ["x", "y", "Total"]
    assert list(out.table.columns) == ["A", "B", "Total"]
    unrounded = quiet(t, rounding=None)
    assert unrounded.table.to_numpy().tolist() == [[12, 12, 24], [12, 26, 38], [24, 38, 62]]
    assert "counts rounded to the nearest 5" in out.note and "no rounding" in unrounded.note
    no_margins = quiet(t, rounding=5, margins=False)
    assert no_margins.table.to_numpy().tolist() == [[10, 10], [10, 25]]


def test_margins_of_one_row_and_one_column_tables():
    row = quiet(pd.DataFrame([[12, 26]], columns=["A", "B"], index=["x"]), rounding=None)
    assert row.table.to_numpy().tolist() == [[12, 26, 38]]
    col = quiet(pd.DataFrame({"n": [12, 26]}, index=["x", "y"]), rounding=None)
    assert col.table.to_numpy().tolist() == [[12], [26], [38]]
    assert list(col.table.index) == ["x", "y", "Total"]


@pytest.mark.parametrize("rounding,largest,warns", [
    (100, 49, True), (100, 50, False), (10, 4, True), (10, 5, False), (5, 1, True),
], ids=["100-below-half", "100-at-half", "10-below-half", "10-at-half", "5-one"])
def test_rounding_every_count_to_zero_warns(rounding, largest, warns):
    """A count below half the base rounds to 0 (49 -> 0 at base 100); at half it rounds up."""
    t = pd.DataFrame({"n": [largest, 0]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = S(t, threshold=1, rounding=rounding, secondary=False, margins=False)
    got = [w for w in caught if "rounds every count" in str(w.message)]
    assert bool(got) is warns
    if warns:
        assert got[0].category is DataWarning
        assert f"rounding={rounding} rounds every count (largest {largest}) to 0" in str(
            got[0].message)
    first = "*" if largest <= 1 else (0 if warns else rounding)  # 1 is at threshold=1
    assert out.table["n"].tolist() == [first, 0]


def test_all_zero_table_does_not_warn_about_rounding():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = S(pd.DataFrame({"n": [0, 0]}), rounding=5, secondary=False, margins=False)
    assert out.table["n"].tolist() == [0, 0]


# --- zeros ------------------------------------------------------------------------------

def test_suppressed_zeros_widen_the_audit_to_zero():
    """Column [0, 3, 40]. Zeros published: 3 is hidden with 40 (sum 43), each in [1, 42].
    Zeros suppressed: 0 and 3 are hidden, sum 3, each in [0, 3] (3 wide, not more than 7),
    so the 40 is hidden too: all three sum to 43, each in [0, 43]."""
    t = pd.DataFrame({"n": [0, 3, 40]})
    kept = quiet(t, rounding=None)
    assert kept.table["n"].tolist() == [0, "*", "*", 43]
    assert kept.audit[["lower", "upper"]].to_numpy().tolist() == [[1, 42], [1, 42]]
    hidden = quiet(t, rounding=None, suppress_zeros=True)
    assert hidden.table["n"].tolist() == ["*", "*", "*", 43]
    assert hidden.audit[["lower", "upper"]].to_numpy().tolist() == [[0, 43]] * 3
    assert "Counts of 1 to 7 and zeros suppressed (2 cell(s)), 1 more" in hidden.note
    assert hidden.meta["options"]["suppress_zeros"] is True


# --- secondary=False, one cell, refusals -------------------------------------------------

def test_secondary_false_hides_only_primary_cells_and_warns_about_margins():
    t = pd.DataFrame({"A": [3, 40], "B": [12, 30]})
    with pytest.warns(DataWarning, match=r"secondary=False with margins=True publishes totals"):
        out = S(t, secondary=False, rounding=None)
    assert out.mask.to_numpy().tolist() == [[True, False], [False, False]]
    assert out.audit.empty and list(out.audit.columns) == ["row", "column", "value", "lower",
                                                           "upper", "width"]
    assert out.table.loc["Total"].tolist() == [43, 42, 85]
    assert out.meta["options"]["secondary"] is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        S(t, secondary=False, margins=False)  # no totals: nothing to warn about
        S(pd.DataFrame({"A": [30, 40]}), secondary=False)  # nothing hidden


def test_table_without_small_counts_is_published_whole():
    t = pd.DataFrame({"A": [8, 40], "B": [12, 30]})
    out = quiet(t, rounding=None)
    assert not out.mask.to_numpy().any() and out.audit.empty
    assert "(0 cell(s)), 0 more suppressed" in out.note


def test_one_cell_table():
    """A single cell has no totals to leak through: it is hidden, its range unbounded."""
    out = quiet(pd.DataFrame({"n": [3]}), rounding=None)
    assert out.table.to_numpy().tolist() == [["*"]]
    assert out.audit[["lower", "upper", "width"]].to_numpy().tolist() == [[1, np.inf, np.inf]]
    got = feasible_intervals(np.array([[3]]), np.array([[True]]), lower=2)
    assert got[["value", "lower", "upper"]].to_numpy().tolist() == [[3, 2, np.inf]]


def test_unprotectable_two_way_table_names_its_cells():
    """Row x holds one small count beside zeros: its row total gives it away whatever else
    is hidden; the 40, hidden in vain, is then given away by row y's total."""
    t = pd.DataFrame({"A": [3, 0], "B": [0, 40]}, index=["x", "y"])
    with pytest.raises(DisclosureError, match=r"2 suppressed cell\(s\), e.g. \[\('x', 'A'\), "
                                              r"\('y', 'B'\)\], "
                                              r"could still be narrowed to a range of "
                                              r"threshold=7 or less"):
        S(t)


def test_protect_adds_a_cell_for_each_weak_cell():
    """One row [1, 8, 40, 9] at threshold 7: 1 and its smallest partner 8 sum to 9, each in
    [1, 8] (7 wide, not more than 7): each weak cell hides the smallest cell left in its
    lines (9, then 40). One row [1, 9, 40, 12]: 1 and 9 sum to 10, each in [1, 9], 8 wide,
    so the 12 and the 40 are published."""
    out = quiet(pd.DataFrame([[1, 8, 40, 9]], columns=list("abcd")), rounding=None)
    assert out.mask.to_numpy().tolist() == [[True, True, True, True]]
    # The four sum to 58, the other three >= 1: each in [1, 55].
    assert out.audit["width"].tolist() == [54, 54, 54, 54]
    ok = quiet(pd.DataFrame([[1, 9, 40, 12]], columns=list("abcd")), rounding=None)
    assert ok.mask.to_numpy().tolist() == [[True, True, False, False]]
    assert ok.audit["width"].tolist() == [8, 8]


# --- the audits ---------------------------------------------------------------------------

def test_feasible_intervals_only_some_cells():
    """Doc example [[3, 20], [25, 30]], all hidden, lower 1: rows, columns and total leave
    one degree of freedom, x00 = 3 + d, x01 = 20 - d, x10 = 25 - d, x11 = 30 + d, and every
    cell >= 1 gives d in [-2, 19] (x00 >= 1, x01 >= 1). With lower 0, d in [-3, 20]."""
    v = np.array([[3, 20], [25, 30]])
    hidden = np.ones((2, 2), bool)
    cols = ["row", "column", "value", "lower", "upper", "width"]
    full = feasible_intervals(v, hidden, lower=1)
    assert full[cols].to_numpy().tolist() == [[0, 0, 3, 1, 22, 21], [0, 1, 20, 1, 22, 21],
                                              [1, 0, 25, 6, 27, 21], [1, 1, 30, 28, 49, 21]]
    some = feasible_intervals(v, hidden, lower=1, only=np.array([False, False, True, True]))
    assert some[cols].to_numpy().tolist() == [[1, 0, 25, 6, 27, 21], [1, 1, 30, 28, 49, 21]]
    first = feasible_intervals(v, hidden, lower=1, only=np.array([True, False, False, False]))
    assert first[cols].to_numpy().tolist() == [[0, 0, 3, 1, 22, 21]]
    at_zero = feasible_intervals(v, hidden, lower=0)
    assert at_zero[["lower", "upper"]].to_numpy().tolist() == [[0, 23], [0, 23], [5, 28],
                                                               [27, 50]]
    empty = feasible_intervals(v, np.zeros((2, 2), bool))
    assert empty.empty and list(empty.columns) == ["row", "column", "value", "lower", "upper",
                                                   "width"]


def test_feasible_intervals_of_a_line_use_only_the_line_total():
    """One column [4, 9, 30] with 4 and 9 hidden: sum 13, lower 2 -> each in [2, 11]."""
    got = feasible_intervals(np.array([[4], [9], [30]]), np.array([[True], [True], [False]]),
                             lower=2)
    assert got[["row", "column", "lower", "upper", "width"]].to_numpy().tolist() == [
        [0, 0, 2, 11, 9], [1, 0, 2, 11, 9]]


def test_cycle_intervals_hand_cases():
    """x00 of [[5, 10, 30], [20, 8, 40], [12, 25, 9]] (all hidden, lower 0): the cycle
    through (1, 2) moves up by min(x02, x10) = 20 and down by min(x00, x12) = 5, the best
    of the four partners ((1, 1): 10 + 5; (2, 1): 10 + 5; (2, 2): 12 + 5)."""
    v = np.array([[5, 10, 30], [20, 8, 40], [12, 25, 9]])
    got = cycle_intervals(v, np.ones((3, 3), bool), lower=0)
    assert got[0].tolist() == [0, 25]
    # With lower 1 every slack falls by one: up min(29, 19) = 19, down min(4, 39) = 4.
    assert cycle_intervals(v, np.ones((3, 3), bool), lower=1)[0].tolist() == [1, 24]
    # Only x00, x02, x10, x12 hidden: the one cycle left is through (1, 2).
    hidden = np.array([[1, 0, 1], [1, 0, 1], [0, 0, 0]], bool)
    # One degree of freedom: x00 = 5 + d, x02 = 30 - d, x10 = 20 - d, x12 = 40 + d with d
    # in [-5, 20], the exact ranges.
    assert cycle_intervals(v, hidden, lower=0).tolist() == [[0, 25], [10, 35], [0, 25],
                                                            [35, 60]]
    # A hidden cell with no cycle keeps its own value as its (empty) range.
    lone = np.array([[1, 0, 0], [0, 0, 0], [0, 0, 1]], bool)
    assert cycle_intervals(v, lone, lower=0).tolist() == [[5, 5], [9, 9]]


def test_cycle_intervals_of_one_line():
    """One row [3, 20, 40] with 3 and 20 hidden, lower 1: the partner's slack moves each
    (3 up to 22; 20 down to 1)."""
    v = np.array([[3, 20, 40]])
    got = cycle_intervals(v, np.array([[True, True, False]]), lower=1)
    assert got.tolist() == [[1, 22], [1, 22]]
    col = cycle_intervals(v.T, np.array([[True], [True], [False]]), lower=0)
    assert col.tolist() == [[0, 23], [0, 23]]
    alone = cycle_intervals(v, np.array([[False, True, False]]), lower=1)
    assert alone.tolist() == [[20, 20]]


def test_quick_audit_falls_back_to_linear_programming_at_the_threshold(monkeypatch):
    """All nine cells of [[1, 8, 7], [13, 1, 11], [3, 9, 6]] hidden, lower 1: the best cycle
    of x00 moves it over [1, 8], exactly 7 wide, so at threshold 7 it is not sure and gets
    its exact range (13 wide by linear programming); every other cycle range is wider."""
    monkeypatch.setattr(disclosure, "EXACT_AUDIT_LIMIT", 0)
    v = np.array([[1, 8, 7], [13, 1, 11], [3, 9, 6]])
    hidden = np.ones((3, 3), bool)
    cycle = cycle_intervals(v, hidden, lower=1)
    assert (cycle[0, 1] - cycle[0, 0]) == 7 and ((cycle[1:, 1] - cycle[1:, 0]) > 7).all()
    audit = disclosure._audit(v, hidden, 1, 7)
    assert audit["method"].tolist() == ["linear programming"] + ["cycle (at least)"] * 8
    lo, hi = lp_range(v, hidden, (0, 0), 1)
    assert audit.loc[0, ["lower", "upper", "width"]].tolist() == pytest.approx([lo, hi, 13])
    assert audit.loc[1:, "width"].tolist() == (cycle[1:, 1] - cycle[1:, 0]).tolist()
    assert audit.loc[1:, "lower"].tolist() == cycle[1:, 0].tolist()
    assert audit.loc[1:, "upper"].tolist() == cycle[1:, 1].tolist()
    assert audit[["row", "column"]].to_numpy().tolist() == np.argwhere(hidden).tolist()
    assert audit["value"].tolist() == v.ravel().tolist()
    assert set(disclosure._audit(v, hidden, 1, 6)["method"]) == {"cycle (at least)"}


@pytest.mark.parametrize("n_hidden,method", [(150, {"linear programming"}),
                                             (151, {"cycle (at least)"})])
def test_exact_audit_limit_boundary(n_hidden, method):
    """Patterns of up to 150 hidden cells get their exact ranges, larger ones the quick
    audit (every cycle range here is 38 wide, more than 7)."""
    values = np.full((13, 12), 20)
    hidden = np.zeros(values.size, bool)
    hidden[:n_hidden] = True
    audit = disclosure._audit(values, hidden.reshape(values.shape), 1, 7)
    assert set(audit["method"]) == method and len(audit) == n_hidden


# --- input checks -------------------------------------------------------------------------

def test_check_work_boundary():
    """1,000 primary cells are audited; 1,001 are refused before any work."""
    values = np.zeros((40, 30), int)
    checks.check_work(values, 1000)
    with pytest.raises(ParameterError, match=r"suppress would audit 1,001 small cells of a 40 x "
                                             r"30 table .* the limit is 1,000"):
        checks.check_work(values, 1001)
    big = pd.DataFrame(np.ones((40, 30), int) * 3)
    with pytest.raises(ParameterError, match=r"would audit 1,200 small cells"):
        S(big)
    # Without the audit the same table is suppressed at once.
    assert S(big, secondary=False, margins=False).mask.to_numpy().all()


@pytest.mark.parametrize("table,match", [
    (pd.DataFrame({"a": [3, 12]}, index=[1, 1]), r"index of the table table repeats 1"),
    (pd.DataFrame([[3, 12]], columns=["a", "a"]), r"repeats column label\(s\) \['a'\]"),
    (pd.DataFrame({"a": [True, False]}), r"column\(s\) \['a'\] of the table are not numeric "
                                         r"\(dtype bool\)"),
    (pd.DataFrame({"a": [1 + 0j, 3 + 0j]}), r"are not numeric \(dtype complex128\)"),
    (pd.DataFrame({"a": [3.0, 12.0], "b": [2.0, np.nan]}),
     r"1 cell\(s\) are missing \(NaN\), e.g. at \(row, column\) \[\(1, 'b'\)\]"),
], ids=["dup-index", "dup-columns", "bool", "complex", "nan-where"])
def test_check_counts_refusals(table, match):
    with pytest.raises(SchemaError, match=match):
        S(table)


def test_check_counts_returns_whole_numbers():
    got = checks.check_counts(pd.DataFrame({"a": [3.0, 12.0], "b": [0, 7]}))
    assert got.dtype == np.int64 and got.tolist() == [[3, 0], [12, 7]]


@pytest.mark.parametrize("values,hidden,lower,match", [
    ("abc", [[True]], 0, r"'values' parameter of feasible_intervals must be a 2-D array of "
                         r"counts. Got 'abc'"),
    ([1, 2], [True, False], 0, r"must be a 2-D array of finite counts >= 0. Got shape \(2,\) "
                               r"with 0 non-finite and 0 negative"),
    ([[1, np.inf]], [[True, False]], 0, r"Got shape \(1, 2\) with 1 non-finite and 0 negative"),
    ([[1, -2]], [[True, False]], 0, r"with 0 non-finite and 1 negative"),
    ([[1, 2]], [[1, 0]], 0, r"'hidden' parameter of feasible_intervals must be a boolean array "
                            r"of the shape of values \(1, 2\). Got dtype int64, shape \(1, 2\)"),
    ([[1, 2]], [[True]], 0, r"Got dtype bool, shape \(1, 1\)"),
    ([[1, 2]], [[True, False]], -1, r"'lower' parameter of feasible_intervals"),
], ids=["text", "1-d", "inf", "negative", "int-mask", "shape", "lower"])
def test_check_grid_refusals(values, hidden, lower, match):
    with pytest.raises(ParameterError, match=match):
        feasible_intervals(values, np.asarray(hidden), lower=lower)


def test_check_grid_names_the_function():
    with pytest.raises(ParameterError, match=r"'hidden' parameter of cycle_intervals"):
        cycle_intervals([[1, 2]], np.array([[1, 0]]))


@pytest.mark.parametrize("label", ["Total", "totals", " ALL ", "Overall"])
def test_tables_with_their_own_totals_warn(label):
    t = pd.DataFrame({"A": [30, 40], "B": [12, 30]}, index=["x", label])
    with pytest.warns(DataWarning, match=r"already has total row\(s\) or column\(s\) "
                                         rf"\['{label}'\]"):
        S(t)
    t2 = pd.DataFrame({"A": [30, 40], label: [12, 30]})
    with pytest.warns(DataWarning, match=r"already has total"):
        S(t2)


def test_labels_like_totals_but_not_totals_do_not_warn():
    t = pd.DataFrame({"A": [30, 40], "subtotal": [12, 30]}, index=["all ages", "x"])
    quiet(t)
