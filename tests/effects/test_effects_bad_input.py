"""Bad input to estimate_att, balance_table and the weighting functions: each class gets a
clear evaltools error or a counted warning, never a NaN estimate or a raw library error."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import (
    ConvergenceWarning,
    DataWarning,
    EvaltoolsInputError,
    ExclusionWarning,
    ParameterError,
    SchemaError,
)


@pytest.fixture
def df():
    rng = np.random.default_rng(11)
    n = 300
    out = pd.DataFrame({"x": rng.normal(size=n), "z": rng.binomial(1, 0.5, n)})
    out["treated"] = (rng.random(n) < 1 / (1 + np.exp(0.5 - out.x))).astype(int)
    out["y"] = out.x + out.treated + rng.normal(size=n)
    out["visits"] = rng.poisson(np.exp(0.3 * out.x))
    out["years"] = rng.uniform(0.5, 1, n)
    return out


@pytest.fixture
def matched(df):
    return et.match(df, "treated", ["x", "z"])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_missing_or_infinite_outcome_is_refused_or_dropped_and_counted(matched, bad):
    md = matched.matched_data
    md.loc[md.index[:3], "y"] = bad
    with pytest.raises(SchemaError, match=r"missing or infinite values in \{'y': 3\} \(3 row"
                                          r"\(s\), at row index .*missing='drop'"):
        et.estimate_att(md, "y")
    with pytest.warns(ExclusionWarning, match=r"left out 3 row\(s\) with missing or infinite "
                                              r"values in \{'y': 3\}"):
        res = et.estimate_att(md, "y", missing="drop")
    assert np.isfinite(res.estimate) and np.isfinite(res.se)
    flow = res.meta["flow"].set_index("step")["n"]
    assert flow["excluded: missing or infinite values"] == 3
    assert flow["treated analysed"] + flow["controls analysed"] == len(md) - 3


@pytest.mark.parametrize(("column", "bad"), [("weights", np.nan), ("weights", np.inf),
                                             ("years", np.inf), ("years", np.nan)])
def test_missing_or_infinite_weights_and_exposure(matched, column, bad):
    md = matched.matched_data.assign(years=1.0)
    md.loc[md.index[5], column] = bad
    with pytest.raises(SchemaError, match=rf"missing or infinite values in \{{'{column}': 1\}}"):
        et.estimate_att(md, "visits", model="poisson", exposure="years")


def test_ipw_missing_outcome_dropped_keeps_the_propensity_model(df):
    df.loc[[3, 8], "y"] = np.nan
    w = et.weighting.ipw(df, "treated", ["x", "z"])
    with pytest.warns(ExclusionWarning, match=r"left out 2 row\(s\)"):
        res = et.estimate_att(w, "y", missing="drop")
    assert res.se_type == "m-estimation" and np.isfinite(res.se)
    assert res.n_treated + res.n_control == len(df) - 2


def test_treatment_checks(matched):
    md = matched.matched_data
    with pytest.raises(SchemaError, match=r"must be 0/1; found values \[2\]"):
        et.estimate_att(md.assign(treated=md.treated * 2), "y")
    with pytest.raises(SchemaError, match=r"all \d+ rows are treated \(1\)"):
        et.estimate_att(md[md.treated == 1], "y")


def test_constant_and_collinear_adjustment_covariates_are_dropped_with_a_note(matched):
    md = matched.matched_data.assign(prior_ae=0.0)
    md["x_twice"] = 2 * md["x"]
    with pytest.warns(DataWarning, match=r"prior_ae: constant \(0\); x_twice: collinear with x"):
        res = et.estimate_att(md, "y", model="regression",
                              covariates=["x", "prior_ae", "x_twice"])
    plain = et.estimate_att(md, "y", model="regression", covariates=["x"])
    assert res.estimate == pytest.approx(plain.estimate, rel=1e-10)
    assert any("prior_ae (constant (0))" in n for n in res._notes())


def test_difference_ignores_covariates_with_a_warning(matched):
    with pytest.warns(DataWarning, match="model='difference' ignores covariates"):
        et.estimate_att(matched, "y", covariates=["x"])


def test_negative_counts_and_non_unique_index(matched):
    md = matched.matched_data
    with pytest.raises(EvaltoolsInputError, match=r"Outcome 'y' has \d+ negative value\(s\).*"
                                                  r"needs counts"):
        et.estimate_att(md, "y", model="poisson")
    with pytest.raises(SchemaError, match=r"index of the data table repeats"):
        et.estimate_att(md.set_axis([0] * len(md)), "y")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"se": "jackknife"}, r"'se' parameter of estimate_att must be one of 'cluster', "
                          r"'robust', 'bootstrap', 'm-estimation'"),
    ({"progress": "no"}, r"'progress' parameter of estimate_att must be True or False"),
    ({"missing": "skip"}, r"'missing' parameter of estimate_att must be one of"),
    ({"n_boot": 5, "se": "bootstrap"}, r"'n_boot' parameter of estimate_att must be an int "
                                       r"in \[10, inf\)"),
    ({"random_state": -1}, r"'random_state' parameter of estimate_att"),
    ({"se": "m-estimation"}, r"se='m-estimation' of estimate_att needs estimated weights"),
])
def test_options(matched, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        et.estimate_att(matched, "y", **kwargs)


def test_cluster_needs_matched_sets(df):
    m = et.match(df, "treated", ["x"], replace=True)
    with pytest.raises(EvaltoolsInputError, match=r"se='cluster' needs a matched-set column"):
        et.estimate_att(m, "y", se="cluster")
    assert et.estimate_att(m, "y").se_type == "robust"  # the default without matched sets


def test_balance_table_bad_input(df):
    with pytest.raises(SchemaError, match=r"Column 'x' of the data table has 0 missing and 1 "
                                          r"infinite"):
        et.balance_table(df.assign(x=df.x.where(df.index != 4, np.inf)), "treated", ["x"])
    w = np.ones(len(df))
    w[7] = np.nan
    with pytest.raises(ParameterError, match=r"'weights' parameter of balance_table must be "
                                             r"finite and non-negative; 1 weight"):
        et.balance_table(df, "treated", ["x"], weights=w)
    with pytest.raises(SchemaError, match=r"all 300 rows are control"):
        et.balance_table(df.assign(treated=0), "treated", ["x"])


def test_weighting_bad_input(df):
    df["prior_ae"] = 0
    with pytest.warns(DataWarning, match=r"ipw dropped 1 covariate\(s\).*prior_ae: constant"):
        w = et.weighting.ipw(df, "treated", ["x", "prior_ae"])
    assert any("prior_ae" in n for n in w._notes())
    with pytest.warns(DataWarning, match="entropy_balance dropped"):
        et.weighting.entropy_balance(df, "treated", ["x", "prior_ae"])
    with pytest.raises(ParameterError, match=r"'stabilize' parameter of ipw must be True or "
                                             r"False. Got 'no'"):
        et.weighting.ipw(df, "treated", ["x"], estimand="ATE", stabilize="no")
    with pytest.raises(SchemaError, match="must have both treated"):
        et.weighting.ipw(df.assign(treated=1), "treated", ["x"])
    df["perfect"] = df.treated + 0.01 * df.x
    with pytest.warns(ConvergenceWarning, match=r"propensity model of ipw shows \(quasi-\)"
                                                 r"complete separation: covariate\(s\) "
                                                 r"\['perfect'\]"):
        et.weighting.ipw(df, "treated", ["perfect"])


def test_ipw_poisson_with_a_missing_exposure_dropped(df):
    df.loc[[2, 6], "years"] = np.nan
    w = et.weighting.ipw(df, "treated", ["x"])
    with pytest.warns(ExclusionWarning, match=r"left out 2 row\(s\).*\{'years': 2\}"):
        res = et.estimate_att(w, "visits", model="poisson", exposure="years", missing="drop")
    assert res.se_type == "m-estimation" and np.isfinite(res.log_se)
