import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import (
    ConvergenceWarning,
    DataWarning,
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
    df.loc[11, "z"] = np.inf
    with pytest.raises(SchemaError, match=r"Missing or infinite values in covariate\(s\) "
                                          r"\{'x': 2, 'z': 1\} at rows \[4, 9, 11\]"
                                          r".*missing='drop'"):
        et.match(df, "treated", ["x", "z"])
    m = et.match(df, "treated", ["x", "z"], missing="drop")
    step = "excluded: missing or infinite covariate values"
    assert m.flow.set_index("step").loc[step, "n"] == 3


def test_stratum_without_controls_reports_unmatched(df):
    df.loc[df.site == "b", "treated"] = 1
    m = et.match(df, "treated", ["x"], exact=["site"])
    flow = m.flow.set_index("step")["n"]
    assert flow["treated unmatched: no control in exact stratum"] == (df.site == "b").sum()


def test_separation_warns(df):
    df["perfect"] = df["treated"] * 1.0 + np.linspace(0, 0.1, len(df))
    with pytest.warns(ConvergenceWarning, match=r"separation: covariate\(s\) \['perfect'\] "
                                                r"take values found only among treated"):
        et.match(df, "treated", ["perfect"])


def test_constant_and_collinear_covariates_are_dropped_with_a_note(df):
    """A prior-use measure that is zero for everyone (no A&E records in the data) used to
    stop the propensity model with a singular matrix; it is now dropped and noted."""
    df["prior_ae"] = 0.0
    df["x2"] = 2 * df["x"] + 1
    with pytest.warns(DataWarning, match=r"match dropped 2 propensity covariate\(s\).*"
                                          r"prior_ae: constant \(0\); x2: collinear with x"):
        m = et.match(df, "treated", ["x", "prior_ae", "x2"])
    assert any("prior_ae (constant (0))" in n for n in m._notes())
    plain = et.match(df, "treated", ["x"])
    pd.testing.assert_series_equal(m.weights, plain.weights)
    with pytest.warns(DataWarning, match="prior_ae: constant"):
        et.match(df, "treated", ["x", "z", "prior_ae"], distance="mahalanobis")
    with pytest.raises(ParameterError, match="No usable propensity covariate is left"):
        with pytest.warns(DataWarning):
            et.match(df, "treated", ["prior_ae"])


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


def test_treatment_not_binary_or_one_group(df):
    with pytest.raises(SchemaError, match=r"must have both treated \(1\) and control \(0\) "
                                          r"rows, but all 200 rows are control"):
        et.match(df.assign(treated=0), "treated", ["x"])
    with pytest.raises(SchemaError, match=r"must be 0/1; found values \['yes'\]"):
        et.match(df.assign(treated=df.treated.map({1: "yes", 0: 0})), "treated", ["x"])


def test_ratio_beyond_the_controls_warns_with_counts():
    df = pd.DataFrame({"x": np.arange(10.0), "treated": [1] * 6 + [0] * 4})
    with pytest.warns(DataWarning, match=r"Fewer control units \(4\) than treated units "
                                         r"\(6\); at least 2 treated unit\(s\) will get no "
                                         r"match"):
        m = et.match(df, "treated", ["x"], distance=df.x)
    assert m.summary().loc["Matched", "Treated"] == 4
    df = pd.DataFrame({"x": np.arange(10.0), "treated": [1] * 3 + [0] * 7})
    with pytest.warns(DataWarning, match=r"Only 7 control units for 3 treated units at "
                                         r"ratio=3 \(needs 9\); not every treated unit will "
                                         r"get 3 matches"):
        et.match(df, "treated", ["x"], distance=df.x, ratio=3)


def test_non_unique_index_is_refused(df):
    dup = df.set_axis([0, 0, 1, 1] + list(range(2, 198)))
    with pytest.raises(SchemaError, match=r"index of the data table repeats 2 label\(s\), e.g. "
                                          r"\[0, 1\].*reset_index"):
        et.match(dup, "treated", ["x"])


@pytest.mark.parametrize(("option", "value", "message"), [
    ("replace", "no", r"'replace' parameter of match must be True or False. Got 'no'"),
    ("replace", "False", r"'replace' parameter of match must be True or False"),
    ("ratio", 0, r"'ratio' parameter of match must be an int in \[1, inf\)"),
    ("ratio", 1.5, r"'ratio' parameter of match must be an int"),
    ("caliper", np.inf, r"'caliper' parameter of match must be a float in \(0, inf\)"),
    ("caliper", "0.2", r"'caliper' parameter of match must be a float"),
    ("order", "biggest", r"'order' parameter of match must be one of"),
    ("estimand", "ATE", r"'estimand' parameter of match must be one of 'ATT', 'ATC'"),
    ("random_state", "seed", r"'random_state' parameter of match must be None, a "
                             r"non-negative int"),
    ("exact", "site", r"'exact' parameter of match must be a list of column names"),
    ("missing", "ignore", r"'missing' parameter of match must be one of"),
    ("cutpoints", 5, r"'cutpoints' parameter of match must be a dict"),
])
def test_options_are_validated(df, option, value, message):
    with pytest.raises(ParameterError, match=message):
        et.match(df, "treated", ["x"], **{option: value})


def test_supplied_distance_must_be_finite(df):
    d = np.linspace(0, 1, 200)
    d[[5, 7]] = [np.nan, np.inf]
    with pytest.raises(ParameterError, match=r"'distance' parameter of match has 1 missing and 1 "
                                             r"infinite value\(s\), at positions \[5, 7\]"):
        et.match(df, "treated", ["x"], distance=d)


def test_prognostic_distance_needs_counts(df):
    df["y"] = df["x"]
    with pytest.raises(ParameterError, match=r"distance='prognostic' fits a Poisson model of "
                                             r"'y', which needs counts"):
        et.match(df, "treated", ["z"], distance="prognostic", outcome="y")


def test_options_a_method_ignores_are_named(df):
    with pytest.warns(DataWarning, match=r"'caliper' parameter of match is ignored: "
                                         r"method='exact' forms subclasses"):
        et.match(df, "treated", ["site"], method="exact", caliper=0.2)
