import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import (
    ConvergenceWarning,
    EvaltoolsWarning,
    ParameterError,
    SchemaError,
)


@pytest.fixture
def df():
    rng = np.random.default_rng(1)
    out = pd.DataFrame({"x": rng.normal(size=200), "z": rng.normal(size=200),
                        "site": rng.choice(["a", "b"], 200)})
    out["treated"] = (rng.random(200) < 0.3).astype(int)
    return out


def test_non_binary_treatment(df):
    df.loc[3, "treated"] = 2
    with pytest.raises(SchemaError, match=r"'treated' of the data table must be 0/1; found "
                                          r"values \[2\]"):
        et.match(df, "treated", ["x"])


def test_missing_covariates_error_or_counted_drop(df):
    df.loc[[4, 9], "x"] = np.nan
    with pytest.raises(SchemaError, match=r"Missing values in covariate\(s\) \{'x': 2\} at rows "
                                          r"\[4, 9\].*missing='drop'"):
        et.match(df, "treated", ["x", "z"])
    m = et.match(df, "treated", ["x", "z"], missing="drop")
    assert m.flow.set_index("step").loc["excluded: missing covariate values", "n"] == 2


def test_stratum_without_controls_reports_unmatched(df):
    df.loc[df.site == "b", "treated"] = 1
    m = et.match(df, "treated", ["x"], exact=["site"])
    flow = m.flow.set_index("step")["n"]
    assert flow["treated unmatched: no control in exact stratum"] == (df.site == "b").sum()


def test_separation_warns(df):
    df["perfect"] = df["treated"] * 1.0 + np.linspace(0, 0.1, len(df))
    with pytest.warns(ConvergenceWarning, match="separation"):
        et.match(df, "treated", ["perfect"])


def test_constant_and_duplicated_covariates(df):
    df["one"] = 1.0
    with pytest.raises(SchemaError, match=r"\['one'\] are constant"):
        et.match(df, "treated", ["x", "one"])
    df["x2"] = df["x"]
    with pytest.raises(SchemaError, match=r"\['x2'\] duplicate other covariates"):
        et.match(df, "treated", ["x", "x2"])


def test_caliper_so_tight_nobody_matches(df):
    with pytest.warns(EvaltoolsWarning, match="No treated unit was matched"):
        m = et.match(df, "treated", ["x"], caliper=1e-12)
    assert m.matched_data.empty


def test_bad_options(df):
    with pytest.raises(ParameterError, match=r"The 'caliper' parameter of match must be a float "
                                             r"in \(0, inf\) or None. Got -1 instead."):
        et.match(df, "treated", ["x"], caliper=-1)
    with pytest.raises(ParameterError, match=r"'method' parameter of match must be one of"):
        et.match(df, "treated", ["x"], method="genetic")
    with pytest.raises(ParameterError, match="needs outcome="):
        et.match(df, "treated", ["x"], distance="prognostic")


def test_overlap_and_love_plots(df):
    m = et.match(df, "treated", ["x", "z"])
    assert "distance" in m.plot(kind="overlap").get_xlabel()
    assert "standardised" in m.plot().get_xlabel()
    cem = et.match(df, "treated", ["x"], method="cem")
    with pytest.raises(ParameterError, match="no one-dimensional distance"):
        cem.plot(kind="overlap")
