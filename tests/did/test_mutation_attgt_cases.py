"""att_gt on a small staggered panel against a hand computation of every cell: comparison
sets (never treated; not yet treated, which must exclude units treated in the period),
anticipation, universal and varying base periods, the min_cell boundary.

Independent computation: without covariates ATT(g,t) is the difference between the mean
outcome change (base period -> t) of group g and of its comparison units, and its
influence-function SE is the two-sample formula sqrt(var_g / n_g + var_c / n_c) with
population (ddof = 0) variances (Callaway & Sant'Anna 2021, section 4; R's did). The
comparison and base-period rules are those documented for R's did:
- base period: the last period before g - anticipation for post-treatment cells and with
  base_period="universal"; the period before t for pre-treatment cells otherwise;
- not-yet-treated comparisons at (g, t): never treated units and units with
  G > max(t, base) + anticipation, other than group g itself.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import SchemaError

ARGS = dict(outcome="y", unit="id", time="t", cohort="g")
SIZES = {3: 6, 4: 5, 5: 4, 0: 8}  # units per cohort (0 = never treated)
PERIODS = [1, 2, 3, 4, 5]


@pytest.fixture(scope="module")
def panel():
    rng = np.random.default_rng(2024)
    cohorts = np.repeat(list(SIZES), list(SIZES.values()))
    rows = []
    for i, g in enumerate(cohorts):
        level, slope = rng.normal(0, 2), rng.normal(0, 0.5)
        for t in PERIODS:
            effect = 1.0 + 0.5 * (t - g) if g and t >= g else 0.0
            rows.append((i, t, g, level + slope * t + effect + rng.normal(0, 1)))
    return pd.DataFrame(rows, columns=["id", "t", "g", "y"])


def base_period(g, t, anticipation, universal):
    if universal or t >= g:
        return g - 1 - anticipation
    return t - 1


def hand_cell(panel, g, t, *, notyet, anticipation=0, universal=False, strict=True):
    """ATT(g,t) and its SE by hand (``strict=False`` wrongly keeps units treated at the
    cutoff, to show the case separates the two rules)."""
    base = base_period(g, t, anticipation, universal)
    wide = panel.pivot(index="id", columns="t", values="y")
    cohort = panel.drop_duplicates("id").set_index("id")["g"]
    dy = wide[t] - wide[base]
    cutoff = max(t, base) + anticipation
    later = cohort > cutoff if strict else cohort >= cutoff
    control = (cohort == 0) | (notyet & later & (cohort != g))
    a, b = dy[cohort == g], dy[control]
    return a.mean() - b.mean(), np.sqrt(a.var(ddof=0) / len(a) + b.var(ddof=0) / len(b))


def cells_of(res):
    t = res.table
    return t[t["att"].notna() & t["note"].ne("reference period")]


@pytest.mark.parametrize("anticipation", [0, 1])
@pytest.mark.parametrize("base", ["varying", "universal"])
@pytest.mark.parametrize("control", ["nevertreated", "notyettreated"])
def test_every_cell_by_hand(panel, control, base, anticipation):
    res = et.did.att_gt(panel, **ARGS, control_group=control, base_period=base,
                        anticipation=anticipation)
    t = res.table
    # Which cells exist: a varying base leaves out the first period; groups need a
    # period before g - anticipation; the universal base period is a reference cell at 0.
    first = 1 if base == "varying" else 0
    groups = [g for g in (3, 4, 5) if g - anticipation > 2 - 1]
    assert list(zip(t["group"], t["time"], strict=True)) == [
        (g, p) for g in groups for p in PERIODS[first:]]
    for _, row in t.iterrows():
        g, p = row["group"], row["time"]
        ref_period = base_period(g, p, anticipation, base == "universal")
        assert row["post"] == (p >= g)
        if ref_period == p:
            assert row["att"] == 0 and row["note"] == "reference period"
            assert np.isnan(row["se"])
            continue
        att, se = hand_cell(panel, g, p, notyet=control == "notyettreated",
                            anticipation=anticipation, universal=base == "universal")
        assert row["att"] == pytest.approx(att, rel=1e-10, abs=1e-12), (g, p)
        assert row["se"] == pytest.approx(se, rel=1e-10), (g, p)
    # The simple aggregation averages post-treatment cells by group size (6, 5, 4).
    post = cells_of(res).query("post")
    w = post["group"].map(SIZES)
    assert res.aggregate("simple").estimate == pytest.approx(np.average(post["att"],
                                                                        weights=w))


def test_not_yet_treated_excludes_units_treated_in_the_period(panel):
    """ATT(3,4): cohort 4 is treated in period 4 and must not be a comparison; ATT(3,3)
    uses cohorts 4 and 5. Keeping units treated at the cutoff would move the estimate of
    ATT(3,4), ATT(3,5), ATT(4,5) and the pre-treatment ATT(4,3) by more than 0.004."""
    res = et.did.att_gt(panel, **ARGS, control_group="notyettreated")
    got = res.table.set_index(["group", "time"])
    for g, p in [(3, 4), (3, 5), (4, 5), (4, 3)]:
        right = hand_cell(panel, g, p, notyet=True)
        wrong = hand_cell(panel, g, p, notyet=True, strict=False)
        assert got.loc[(g, p), "att"] == pytest.approx(right[0], rel=1e-10)
        assert got.loc[(g, p), "se"] == pytest.approx(right[1], rel=1e-10)
        assert abs(right[0] - wrong[0]) > 0.004, (g, p)
    # The number of units in each comparison: 6 treated + comparisons.
    assert got.loc[(3, 3), "n"] == 6 + 8 + 5 + 4
    assert got.loc[(3, 4), "n"] == 6 + 8 + 4
    assert got.loc[(3, 5), "n"] == 6 + 8
    assert got.loc[(4, 3), "n"] == 5 + 8 + 4  # pre-period: cohort 3, treated at 3, excluded
    never = et.did.att_gt(panel, **ARGS)
    assert never.table.set_index(["group", "time"]).loc[(3, 3), "n"] == 6 + 8


def test_anticipation_moves_the_base_period_and_the_comparisons(panel):
    """anticipation = 1: ATT(4,4) compares with period 2 and excludes cohort 5 (treated
    in period 5 = 4 + 1) from the not-yet-treated comparisons."""
    res = et.did.att_gt(panel, **ARGS, control_group="notyettreated", anticipation=1)
    got = res.table.set_index(["group", "time"])
    att, se = hand_cell(panel, 4, 4, notyet=True, anticipation=1)
    assert got.loc[(4, 4), "att"] == pytest.approx(att, rel=1e-10)
    assert got.loc[(4, 4), "n"] == 5 + 8
    assert not got.loc[(4, 3), "post"]  # post means t >= g, whatever the anticipation
    # Without anticipation the base of ATT(4,4) is period 3: a different number.
    assert hand_cell(panel, 4, 4, notyet=True)[0] != pytest.approx(att, abs=1e-3)


def test_min_cell_boundary(panel):
    """Cohort 5 has 4 units: estimated with min_cell = 4, not with min_cell = 5; a
    comparison set of exactly min_cell units is kept too."""
    at = et.did.att_gt(panel, **ARGS, min_cell=4).table.set_index(["group", "time"])
    assert np.isfinite(at.loc[(5, 5), "att"])
    above = et.did.att_gt(panel, **ARGS, min_cell=5).table.set_index(["group", "time"])
    assert np.isnan(above.loc[(5, 5), "att"]) and np.isnan(above.loc[(5, 5), "se"])
    assert above.loc[(5, 5), "note"] == "too few units: 4 treated, 8 comparison"
    assert np.isfinite(above.loc[(4, 5), "att"])
    keep = et.did.att_gt(panel, **ARGS, min_cell=5).table
    assert keep["note"].str.startswith("too few").sum() == 4  # the four cells of cohort 5
    with pytest.raises(SchemaError, match="lower min_cell"):
        et.did.att_gt(panel, **ARGS, min_cell=9)
    # Comparison-side boundary: with 5 never-treated units, ATT(3,5) has only them as
    # not-yet-treated comparisons (6 treated): kept at min_cell = 5, not at 6.
    small = panel[~panel["id"].isin([15, 16, 17])]
    ok = et.did.att_gt(small, **ARGS, control_group="notyettreated", min_cell=5)
    assert np.isfinite(ok.table.set_index(["group", "time"]).loc[(3, 5), "att"])
    few = et.did.att_gt(small, **ARGS, control_group="notyettreated", min_cell=6)
    few = few.table.set_index(["group", "time"])
    assert few.loc[(3, 5), "note"] == "too few units: 6 treated, 5 comparison"
    assert np.isfinite(few.loc[(3, 4), "att"])  # 6 treated, 5 + 4 comparisons


def test_first_period_cohort_is_dropped_and_counted(panel):
    early = panel.assign(g=panel["g"].replace({3: 1}))
    with pytest.warns(Warning, match="Dropped 6 treated unit"):
        res = et.did.att_gt(early, **ARGS)
    flow = res.meta["flow"].set_index("step")["n"]
    assert flow["excluded: treated units not observed before treatment"] == 6
    assert flow["units in the analysis"] == 17
    assert sorted(res.table["group"].unique()) == [4, 5]
    assert res.aggregate("simple").n == 17


def test_groups_without_a_period_before_treatment_with_anticipation(panel):
    """anticipation = 2: cohort 3 has no period before 3 - 2 = 1, so it is dropped;
    cohort 4 compares with period 1."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = et.did.att_gt(panel, **ARGS, anticipation=2)
    got = res.table.set_index(["group", "time"])
    assert sorted(res.table["group"].unique()) == [4, 5]
    att, _ = hand_cell(panel, 4, 4, notyet=False, anticipation=2)
    assert got.loc[(4, 4), "att"] == pytest.approx(att, rel=1e-10)
