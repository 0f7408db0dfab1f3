"""estimate_att's options: column names of the wrong kind or role, options the model or the
result makes meaningless (warned and ignored), impossible sizes and weights, and the result
methods' arguments."""

import time
import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning, EvaltoolsInputError, ParameterError, SchemaError


@pytest.fixture(scope="module")
def df():
    rng = np.random.default_rng(21)
    n = 300
    out = pd.DataFrame({"x": rng.normal(size=n), "z": rng.binomial(1, 0.5, n)})
    out["treated"] = (rng.random(n) < 1 / (1 + np.exp(0.5 - out.x))).astype(int)
    out["y"] = out.x + out.treated + rng.normal(size=n)
    out["visits"] = rng.poisson(np.exp(0.3 * out.x))
    out["years"] = rng.uniform(0.5, 1, n)
    return out


@pytest.fixture(scope="module")
def matched(df):
    return et.match(df, "treated", ["x", "z"])


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(outcome=None), r"'outcome' parameter of estimate_att must be a column name \(str\). "
                         r"Got None"),
    (dict(outcome=["y"]), r"'outcome' parameter of estimate_att must be a column name"),
    (dict(outcome="treated"), r"'outcome' parameter of estimate_att names 'treated', which is "
                              r"the treatment column"),
    (dict(outcome="weights"), r"which is the weights column"),
    (dict(model="regression", covariates=["x", "y"]), r"'covariates' parameter of estimate_att "
                                                      r"includes the outcome 'y'"),
    (dict(model="poisson", outcome="visits", exposure=3), r"'exposure' parameter of "
                                                          r"estimate_att must be a column name"),
    (dict(cluster=3), r"'cluster' parameter of estimate_att must be a column name \(str\) or "
                      r"None. Got 3"),
    (dict(se="bootstrap", n_boot=2_000_000), r"'n_boot' parameter of estimate_att must be an "
                                             r"int in \[10, 10000\]. Got 2000000"),
])
def test_wrong_names_and_sizes_are_refused(matched, kwargs, message):
    kwargs = {"outcome": "y", **kwargs}
    with pytest.raises(ParameterError, match=message):
        et.estimate_att(matched, progress=False, **kwargs)


def test_huge_n_boot_is_refused_before_any_draw(matched):
    start = time.perf_counter()
    with pytest.raises(ParameterError, match="n_boot"):
        et.estimate_att(matched, "y", se="bootstrap", n_boot=10**8, progress=False)
    assert time.perf_counter() - start < 2


def test_m_or_data_of_the_wrong_type(df):
    with pytest.raises(ParameterError, match=r"'m_or_data' parameter of estimate_att must be a "
                                             r"MatchResult, a WeightResult or a DataFrame. Got "
                                             r"NoneType"):
        et.estimate_att(None, "y")


@pytest.mark.parametrize(("kwargs", "name", "reason"), [
    (dict(exposure="years"), "exposure", "model='difference' compares outcome means"),
    (dict(model="regression", covariates=["x"], exposure="years"), "exposure",
     "model='regression' compares outcome means"),
    (dict(n_boot=500), "n_boot", "the standard errors are 'cluster', not bootstrap"),
    (dict(treatment="z"), "treatment", "a MatchResult knows its own treatment column"),
    (dict(weights="years"), "weights", "a MatchResult knows its own weights column"),
    (dict(cluster="x"), "cluster", "a MatchResult knows its own cluster column"),
])
def test_ignored_options_are_named(matched, kwargs, name, reason):
    with pytest.warns(DataWarning, match=rf"'{name}' parameter of estimate_att is ignored: "
                                         rf"{reason}"):
        res = et.estimate_att(matched, "y", **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        plain = et.estimate_att(matched, "y", model=kwargs.get("model", "difference"),
                                covariates=kwargs.get("covariates"))
    # Ignored means ignored: the estimate and its standard error are those without it.
    assert res.estimate == pytest.approx(plain.estimate, rel=1e-12)
    assert res.se == pytest.approx(plain.se, rel=1e-12)


def test_regression_without_covariates_is_the_difference(matched):
    with pytest.warns(DataWarning, match=r"model='regression' was given no covariates, so it is "
                                         r"the difference in means"):
        reg = et.estimate_att(matched, "y", model="regression")
    diff = et.estimate_att(matched, "y")
    assert reg.estimate == pytest.approx(diff.estimate, rel=1e-12)


def test_a_named_cluster_column_must_exist(matched):
    md = matched.matched_data
    with pytest.raises(SchemaError, match=r"data table has no column \['pair'\].*name the "
                                          r"matched-set column with cluster="):
        et.estimate_att(md, "y", cluster="pair")
    # The default name is optional: without a 'subclass' column the errors are robust.
    res = et.estimate_att(md.drop(columns="subclass"), "y")
    assert res.se_type == "robust"


@pytest.mark.parametrize(("group", "name"), [(0, "control"), (1, "treated")])
def test_weights_that_leave_out_a_group(matched, group, name):
    md = matched.matched_data
    md["weights"] = np.where(md["treated"] == group, 0.0, md["weights"])
    with pytest.raises(EvaltoolsInputError, match=rf"Column 'weights' is zero for every {name} "
                                                  r"row \(\d+ rows\)"):
        et.estimate_att(md, "y")


@pytest.mark.parametrize(("level", "message"), [
    (95, r"'level' parameter of tidy must be a float in \(0, 1\). Got 95"),
    (1.0, r"'level' parameter of tidy"), ("95%", r"'level' parameter of tidy")])
def test_tidy_and_conf_int_levels(matched, level, message):
    res = et.estimate_att(matched, "y")
    with pytest.raises(ParameterError, match=message):
        res.conf_int(level)
    with pytest.raises(ParameterError, match=message):
        res.tidy(level)


def test_constant_outcome_is_said(matched):
    md = matched.matched_data.assign(y=1.0)
    with pytest.warns(DataWarning, match=r"Outcome 'y' is 1.0 for every analysed row"):
        res = et.estimate_att(md, "y")
    assert res.estimate == pytest.approx(0, abs=1e-12)


def test_missing_drop_that_leaves_nothing(matched):
    with pytest.raises(SchemaError, match=r"Every row has missing or infinite values in "
                                          r"\{'y': \d+\}"):
        et.estimate_att(matched.matched_data.assign(y=np.nan), "y", missing="drop")


def test_bool_exposure_and_formula_outcome(matched):
    md = matched.matched_data.assign(years=True)
    with pytest.raises(SchemaError, match=r"exposure column 'years' must be numeric"):
        et.estimate_att(md, "visits", model="poisson", exposure="years")
    with pytest.raises(ParameterError, match=r"'covariates' parameter of estimate_att includes "
                                             r"the outcome 'y'"):
        et.estimate_att(matched, "y", model="regression", covariates="~ x + y")


def test_weights_name_is_required(df):
    with pytest.raises(ParameterError, match=r"'weights' parameter of estimate_att must be a "
                                             r"column name \(str\). Got None.*assign\(weights"):
        et.estimate_att(df, "y", weights=None)


def test_a_bootstrap_projected_beyond_an_hour_is_stopped(matched, monkeypatch):
    import evaltools.effects_fit as fit

    monkeypatch.setattr(fit, "MAX_BOOT_SECONDS", 1e-9)
    with pytest.raises(ParameterError, match=r"'n_boot' parameter of estimate_att asks for 500 "
                                             r"draws, which would take about .* hours on \d+ "
                                             r"rows"):
        et.estimate_att(matched, "y", se="bootstrap", n_boot=500, progress=False)


def test_too_few_clusters(matched):
    md = matched.matched_data
    with pytest.raises(EvaltoolsInputError, match=r"Cluster column 'subclass' has 1 distinct "
                                                  r"value\(s\)"):
        et.estimate_att(md.assign(subclass=1), "y")
    with pytest.warns(DataWarning, match=r"Cluster column 'subclass' has only 3 distinct values"):
        et.estimate_att(md.assign(subclass=np.arange(len(md)) % 3), "y")


def test_formula_without_terms_and_empty_groups(matched):
    with pytest.warns(DataWarning, match=r"'covariates' formula '~ 1' of estimate_att has no "
                                         r"terms"):
        res = et.estimate_att(matched, "y", model="regression", covariates="~ 1")
    assert res.estimate == pytest.approx(et.estimate_att(matched, "y").estimate, rel=1e-12)
    md = matched.matched_data.assign(visits=lambda d: d["visits"] * (1 - d["treated"]))
    with pytest.warns(DataWarning, match=r"Outcome 'visits' is zero for every treated row: the "
                                         r"rate ratio is 0"):
        et.estimate_att(md, "visits", model="poisson")


def test_bootstrap_draws_without_a_group_are_left_out():
    # Four units: many draws of four hold only treated or only controls. Replaying the same
    # draws by hand, the SE is the SD of the difference in means over the usable draws.
    d = pd.DataFrame({"treated": [1, 0, 1, 0], "y": [3.0, 1.0, 5.0, 2.0], "weights": 1.0})
    rng = np.random.default_rng(3)
    t, y = d["treated"].to_numpy(), d["y"].to_numpy()
    diffs, failed = [], 0
    for _ in range(200):
        rows = rng.integers(0, 4, 4)
        if t[rows].min() == t[rows].max():
            failed += 1
            continue
        diffs.append(y[rows][t[rows] == 1].mean() - y[rows][t[rows] == 0].mean())
    assert failed > 0
    with pytest.warns(et.exceptions.ConvergenceWarning, match=rf"{failed} of 200 bootstrap "
                                                              r"draws could not be fitted"):
        res = et.estimate_att(d, "y", se="bootstrap", n_boot=200, random_state=3,
                              progress=False)
    assert res.se == pytest.approx(np.std(diffs, ddof=1), rel=1e-10)


def test_fewer_rows_than_parameters(df):
    two = df.iloc[[0, 1]].assign(treated=[1, 0], weights=1.0)
    with pytest.raises(EvaltoolsInputError, match=r"estimate_att has 2 analysed row\(s\) for 2 "
                                                  r"model parameters"):
        et.estimate_att(two, "y")


def test_the_weights_estimand_names_the_result(df):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        atc = et.match(df, "treated", ["x", "z"], estimand="ATC")
    res = et.estimate_att(atc, "y")
    md = atc.matched_data
    t = md["treated"] == 1
    by_hand = (np.average(md.y[t], weights=md.weights[t])
               - np.average(md.y[~t], weights=md.weights[~t]))
    assert res.estimate == pytest.approx(by_hand, rel=1e-10)
    assert res.estimand == "ATC" and str(res).startswith("Average treatment effect on the "
                                                         "controls (ATC)")
    ate = et.estimate_att(et.weighting.ipw(df, "treated", ["x"], estimand="ATE"), "y")
    assert ate.estimand == "ATE" and str(ate).startswith("Average treatment effect (ATE)")
    assert et.estimate_att(df.assign(weights=1.0), "y").estimand == "ATT"
