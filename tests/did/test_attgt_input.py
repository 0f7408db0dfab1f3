"""att_gt: every bad input gets an evaltools error (or a counted warning) that names the
column, the offending units and the fix; and the result shape (tidy/conf_int terms)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import evaltools as et
from evaltools.exceptions import DataWarning, ExclusionWarning, ParameterError, SchemaError

ARGS = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")


def fit(data, **kwargs):
    return et.did.att_gt(data, **{**ARGS, **kwargs})


def test_binary_cohort_is_refused(mpdta):
    binary = mpdta.assign(**{"first.treat": (mpdta["first.treat"] > 0).astype(int)})
    with pytest.raises(SchemaError, match="only 0 and 1, which looks like a treatment indicator"):
        fit(binary)
    on_index = mpdta.assign(year=mpdta["year"] - 2003)  # periods 0..4: cohort 1 is valid
    on_index["first.treat"] = np.where(mpdta["first.treat"] > 0, 1, 0)
    assert len(fit(on_index, est_method="reg").table) == 4


def test_cohort_values_checked(mpdta):
    with pytest.raises(SchemaError, match=r"'first.treat' has values \[2005.5\] that are not "
                                          "periods of 'year'"):
        fit(mpdta.assign(**{"first.treat": mpdta["first.treat"].replace(2006, 2005.5)}))
    with pytest.raises(SchemaError, match="has 1 negative value"):
        bad = mpdta.copy()
        bad.loc[bad.index[0], "first.treat"] = -1
        fit(bad)
    with pytest.raises(SchemaError, match="must hold the first treated period as a number"):
        fit(mpdta.assign(**{"first.treat": mpdta["first.treat"].astype(str)}))
    varying = mpdta.copy()
    varying.loc[varying.index[0], "first.treat"] = 2006
    with pytest.raises(SchemaError, match=r"varies within 1 unit\(s\), e.g. \[8001\]"):
        fit(varying)


def test_nan_cohort_means_never_treated(mpdta):
    nan = mpdta.assign(**{"first.treat": mpdta["first.treat"].replace(0, np.nan)})
    pd.testing.assert_frame_equal(fit(nan).summary(), fit(mpdta).summary())


def test_duplicate_unit_periods(mpdta):
    with pytest.raises(SchemaError, match=r"2 rows share a \(countyreal, year\) pair.*"
                                          "duplicated rows"):
        fit(pd.concat([mpdta, mpdta.head(1)]))


@pytest.mark.parametrize("value,counts", [(np.nan, "1 missing and 0 infinite"),
                                          (np.inf, "0 missing and 1 infinite")])
def test_missing_or_infinite_outcome(mpdta, value, counts):
    bad = mpdta.copy()
    bad.loc[bad.index[7], "lemp"] = value
    with pytest.raises(SchemaError, match=f"Column 'lemp' of the data table has {counts}"):
        fit(bad)


@pytest.mark.parametrize("value,counts", [(np.nan, "1 missing"), (-np.inf, "1 infinite")])
def test_missing_or_infinite_covariate(mpdta, value, counts):
    bad = mpdta.copy()
    bad.loc[bad.index[3], "lpop"] = value
    with pytest.raises(SchemaError, match=f"Column 'lpop' of the data table has .*{counts}"):
        fit(bad, covariates=["lpop"])
    with pytest.raises(SchemaError, match="Column 'lpop'"):
        fit(bad, covariates="~ lpop")


def test_treated_units_never_observed_before_treatment(mpdta):
    # Drop every 2003 and 2005 row of two 2006 counties: unobserved before treatment.
    ids = mpdta.loc[mpdta["first.treat"] == 2006, "countyreal"].unique()[:2]
    holes = mpdta[~(mpdta.countyreal.isin(ids) & mpdta.year.isin([2003, 2004, 2005]))]
    with pytest.warns(ExclusionWarning, match="Dropped 2 treated unit.*never observed before"):
        res = fit(holes, allow_unbalanced_panel=True)
    flow = res.meta["flow"].set_index("step")["n"]
    assert flow["excluded: treated units not observed before treatment"] == 2
    late = mpdta[mpdta.year >= 2004].assign(**{"first.treat": lambda d: d["first.treat"]
                                                .replace({2006: 2004, 2007: 2004})})
    with pytest.raises(SchemaError, match="No treated unit is observed before its treatment"):
        fit(late, allow_unbalanced_panel=True)


def test_treated_in_first_period_dropped_with_warning(mpdta):
    early = mpdta.assign(**{"first.treat": mpdta["first.treat"].replace(2004, 2003)})
    with pytest.warns(ExclusionWarning, match="Dropped 20 treated unit"):
        res = fit(early)
    assert set(res.table["group"]) == {2006, 2007}


def test_no_never_treated_names_the_alternative(mpdta):
    never = mpdta[mpdta["first.treat"] > 0]
    with pytest.raises(SchemaError, match="No never-treated units.*control_group="
                                          "'notyettreated'"):
        fit(never)
    res = fit(never, control_group="notyettreated")
    assert np.isfinite(res.table.set_index(["group", "time"]).loc[(2004, 2004), "att"])


def test_no_treated_unit(mpdta):
    with pytest.raises(SchemaError, match="No unit is ever treated"):
        fit(mpdta.assign(**{"first.treat": 0}))


def test_anticipation_too_large(mpdta):
    with pytest.raises(ParameterError, match="'anticipation' parameter of att_gt is too large"):
        fit(mpdta, anticipation=4)
    with pytest.raises(ParameterError, match="'anticipation' parameter of att_gt must be an int"):
        fit(mpdta, anticipation=-1)


def test_constant_covariate_dropped_with_note(mpdta):
    with pytest.warns(DataWarning, match=r"Dropped 1 covariate.*one: constant \(1\)"):
        res = fit(mpdta.assign(one=1.0), covariates=["lpop", "one"])
    assert res.meta["options"]["covariates"] == ["lpop"]
    assert "Covariate left out: one (constant (1))." in str(res)
    ref = fit(mpdta, covariates=["lpop"])
    pd.testing.assert_frame_equal(res.summary(), ref.summary())


def test_options_and_columns(mpdta):
    with pytest.raises(ParameterError, match="'est_method' parameter of att_gt must be one of"
                                             " 'dr', 'dr_imp', 'ipw', 'reg'"):
        fit(mpdta, est_method="imp")
    with pytest.raises(ParameterError, match="'allow_unbalanced_panel' parameter"):
        fit(mpdta, allow_unbalanced_panel="False")
    with pytest.raises(SchemaError, match=r"no column \['y'\]"):
        et.did.att_gt(mpdta, outcome="y", time="year", unit="countyreal", cohort="first.treat")
    with pytest.raises(SchemaError, match="needs a pandas DataFrame"):
        et.did.att_gt(mpdta.to_numpy(), **ARGS)
    with pytest.raises(SchemaError, match="Column 'year' of the data table must be numeric"):
        fit(mpdta.assign(year=mpdta.year.astype(str)))
    with pytest.raises(SchemaError, match="has no rows"):
        fit(mpdta.iloc[:0])
    with pytest.raises(SchemaError, match="at least two"):
        fit(mpdta[mpdta.year == 2004])


def test_tidy_terms_and_pointwise_intervals(mpdta):
    res = fit(mpdta)
    tidy = res.tidy()
    assert tidy["term"].iloc[0] == "ATT(2004,2004)"
    z = stats.norm.ppf(0.975)
    np.testing.assert_allclose(tidy["conf_low"], res.table["att"] - z * res.table["se"])
    assert (tidy["n"] == res.table["n"]).all() and tidy["n"].iloc[0] == 329
    dynamic = res.aggregate("dynamic").conf_int(0.9)
    assert list(dynamic.index[:3]) == ["overall (dynamic)", "event time -3", "event time -2"]
    assert res.aggregate("group").tidy()["term"].iloc[1] == "group 2004"
    assert res.aggregate("simple").tidy()["term"].tolist() == ["overall (simple)"]
