"""Input handling of att_gt where a one-line change moves a number or a count: cohorts
after the window or infinite (never treated, as R's did), time-varying covariates with two
values per unit, the flow of an unbalanced panel, duplicated unit-periods that differ, and
the messages that name the table, the function and the fix.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import ParameterError, SchemaError

ARGS = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")


def never_units(mpdta, k):
    return mpdta.loc[mpdta["first.treat"] == 0, "countyreal"].unique()[:k]


def test_cohort_after_the_window_is_never_treated(mpdta, res):
    """R's did: a first treatment after the last period counts as never treated. Recoding
    30 never-treated counties to 2010 leaves every estimate and SE unchanged."""
    late = mpdta.assign(**{"first.treat": np.where(
        mpdta["countyreal"].isin(never_units(mpdta, 30)), 2010, mpdta["first.treat"])})
    got = et.did.att_gt(late, **ARGS)
    pd.testing.assert_frame_equal(got.table, res.table)
    flow = got.meta["flow"].set_index("step")["n"]
    assert flow["treated after the last period: counted as never treated"] == 30


def test_infinite_cohort_is_never_treated_without_a_flow_entry(mpdta, res):
    inf = mpdta.assign(**{"first.treat": np.where(
        mpdta["countyreal"].isin(never_units(mpdta, 30)), np.inf, mpdta["first.treat"])})
    got = et.did.att_gt(inf, **ARGS)
    pd.testing.assert_frame_equal(got.table, res.table)
    assert got.meta["flow"]["step"].tolist() == ["units supplied", "units in the analysis"]
    assert got.meta["flow"]["n"].tolist() == [500, 500]


def test_covariate_with_two_values_per_unit_varies_in_time(mpdta):
    """lpop shifted by a unit-specific amount from 2005 on takes two values per county, so
    it is a time-varying covariate: each cell uses the values of its earlier period (R's
    did). Cells whose earlier period is 2003 or 2004 equal the fit with the 2003 values
    held fixed; cells whose earlier period is 2005 or later differ from it."""
    rng = np.random.default_rng(3)
    units = mpdta["countyreal"].rank(method="dense").astype(int) - 1
    shift = rng.normal(scale=0.5, size=500)[units] * (mpdta["year"] >= 2005)
    varying = mpdta.assign(x=mpdta["lpop"] + shift)
    fixed = mpdta.assign(x=mpdta["lpop"])
    a = et.did.att_gt(varying, **ARGS, covariates=["x"], est_method="reg").table
    b = et.did.att_gt(fixed, **ARGS, covariates=["x"], est_method="reg").table
    base = np.where(a["time"] >= a["group"], a["group"] - 1, a["time"] - 1)
    earlier = np.minimum(base, a["time"])
    same = earlier <= 2004
    np.testing.assert_allclose(a.loc[same, "att"], b.loc[same, "att"], rtol=1e-10)
    assert (np.abs(a.loc[~same, "att"] - b.loc[~same, "att"]) > 1e-4).all()
    assert (~same).sum() == 4  # (2006,2006), (2006,2007), (2007,2006), (2007,2007)


def test_formula_term_containing_a_role_name_is_allowed(mpdta):
    """Only a list naming the unit, time or cohort column is refused; a formula whose
    covariate name merely contains 'year' is fine."""
    data = mpdta.assign(lpop_year=mpdta["lpop"])
    a = et.did.att_gt(data, **ARGS, covariates="~ lpop_year", est_method="reg")
    b = et.did.att_gt(mpdta, **ARGS, covariates="~ lpop", est_method="reg")
    np.testing.assert_allclose(a.table["att"], b.table["att"], rtol=1e-12)


def test_unbalanced_flow_counts(mpdta):
    drop = mpdta.index[(mpdta["countyreal"].isin(never_units(mpdta, 7)))
                       & (mpdta["year"] == 2005)]
    gappy = mpdta.drop(drop)
    kept = et.did.att_gt(gappy, **ARGS, allow_unbalanced_panel=True)
    flow = kept.meta["flow"]
    assert flow["step"].tolist() == [
        "units supplied", "units missing some periods (kept: each comparison uses the units "
        "observed in both of its periods)", "units in the analysis"]
    assert flow["n"].tolist() == [500, 7, 500]
    with pytest.warns(Warning, match="7 unit"):
        balanced = et.did.att_gt(gappy, **ARGS)
    assert balanced.meta["flow"]["n"].tolist() == [500, 7, 493]
    assert balanced.meta["flow"]["step"].iloc[1] == ("excluded: unbalanced panel (missing "
                                                     "periods)")


def test_messages_name_the_table_and_the_fix(mpdta):
    with pytest.raises(SchemaError, match=r"The data table has no column \['nope'\] \(the "
                                          r"'outcome' parameter of att_gt\)"):
        et.did.att_gt(mpdta, **dict(ARGS, outcome="nope"))
    twice = pd.concat([mpdta, mpdta[["lemp"]]], axis=1)
    with pytest.raises(SchemaError, match=r"The data table has 1 duplicate column name"):
        et.did.att_gt(twice, **ARGS)
    no_id = mpdta.assign(countyreal=mpdta["countyreal"].where(mpdta.index != 3))
    with pytest.raises(SchemaError, match=r"Column 'countyreal' of the data table has 1 "
                                          r"missing value\(s\), at row index \[3\]\. Fix: every "
                                          r"row needs a unit id\."):
        et.did.att_gt(no_id, **ARGS)
    gap = mpdta.assign(lemp=mpdta["lemp"].where(mpdta.index != 3))
    with pytest.raises(SchemaError, match=r"Fix: drop these rows \(the units then count as "
                                          r"unobserved in those periods\) or fill them, and "
                                          r"count them in your flow\."):
        et.did.att_gt(gap, **ARGS)
    with pytest.raises(SchemaError, match="The outcome column 'lemp' of the data table of "
                                          "att_gt is 1 in all 2500 rows"):
        et.did.att_gt(mpdta.assign(lemp=1.0), **ARGS)
    with pytest.raises(Exception, match="att_gt"):
        et.did.att_gt(mpdta, **ARGS, covariates="~ nope")


def test_duplicated_unit_periods_with_different_values(mpdta):
    again = mpdta.head(2).assign(lemp=[0.0, 1.0])
    with pytest.raises(SchemaError, match=r"2 rows share a \(countyreal, year\) pair.*"
                                          r"duplicated rows"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            et.did.att_gt(pd.concat([mpdta.head(1), again.head(1)]).pipe(
                lambda d: pd.concat([mpdta.iloc[1:], d])), **ARGS)


def test_cells_without_estimate_count_no_units_and_estimated_cells_no_note(mpdta):
    """A cell left out by min_cell has n = 0 and its reason; estimated cells have an empty
    note and the number of units compared; whole periods stay integers (2004, not 2004.0)."""
    keep = mpdta.loc[mpdta["first.treat"] == 2006, "countyreal"].unique()[2:]
    res = et.did.att_gt(mpdta[~mpdta["countyreal"].isin(keep)], **ARGS, min_cell=3)
    t = res.table
    missing = t["att"].isna()
    assert (t.loc[missing, "n"] == 0).all() and t["n"].dtype.kind == "i"
    assert (t.loc[~missing, "note"] == "").all()
    assert t.loc[~missing, "n"].tolist()[:4] == [329] * 4  # 20 + 309 never treated
    assert t["group"].dtype == np.int64 and t["time"].dtype == np.int64


def test_two_clusters_are_enough(mpdta):
    half = mpdta.assign(c=(mpdta["countyreal"].rank(method="dense") > 250).astype(int))
    res = et.did.att_gt(half, **ARGS, cluster="c")
    assert "clustered (2 clusters)" in str(res)


def test_bare_covariate_name_is_refused_naming_att_gt(mpdta):
    with pytest.raises(ParameterError, match="The 'covariates' parameter of att_gt must be a "
                                             "list of column names or a formula"):
        et.did.att_gt(mpdta, **ARGS, covariates="lpop")


def test_fractional_cohort_below_the_first_period_is_refused(mpdta):
    odd = mpdta.assign(**{"first.treat": mpdta["first.treat"].replace({2007: 0.5})})
    with pytest.raises(SchemaError, match=r"has values \[0.5\] that are not periods"):
        et.did.att_gt(odd, **ARGS)


def test_time_varying_covariate_after_dropping_an_unbalanced_unit(mpdta):
    """The covariate cube is aligned to the units kept: dropping a county with a missing
    period gives the fit of the data without that county."""
    x = mpdta["lpop"] + 0.01 * (mpdta["year"] - 2003) * (mpdta["countyreal"] % 3)
    data = mpdta.assign(x=x)
    gap = data.drop(data.index[(data["countyreal"] == 8001) & (data["year"] == 2005)])
    with pytest.warns(Warning, match="1 unit"):
        a = et.did.att_gt(gap, **ARGS, covariates=["x"], est_method="reg").table
    b = et.did.att_gt(data[data["countyreal"] != 8001], **ARGS, covariates=["x"],
                      est_method="reg").table
    pd.testing.assert_frame_equal(a, b)


def test_missing_period_and_no_treated_unit_messages(mpdta):
    no_year = mpdta.assign(year=mpdta["year"].where(mpdta.index != 3))
    with pytest.raises(SchemaError, match=r"Column 'year' of the data table has 1 missing and 0 "
                                          r"infinite value\(s\), at countyreal \[8001\]"):
        et.did.att_gt(no_year, **ARGS)
    with pytest.raises(SchemaError, match=r"No unit is ever treated within the periods "
                                          r"\('first.treat' is 0, NaN"):
        et.did.att_gt(mpdta.assign(**{"first.treat": 0}), **ARGS)
