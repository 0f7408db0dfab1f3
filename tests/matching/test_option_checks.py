"""Options of match, balance_table, the weighting functions, match_risk_set and their result
methods: contradictory, ignored, impossible or oversized values are refused or warned about
with the parameter named."""

import time
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import ConvergenceWarning, DataWarning, EvaltoolsWarning, ParameterError
from evaltools.matching.subclass import coarsen

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def df():
    rng = np.random.default_rng(5)
    out = pd.DataFrame({"x": rng.normal(size=200), "z": rng.normal(size=200),
                        "site": rng.choice(["a", "b"], 200), "id": np.arange(200)})
    out["treated"] = (rng.random(200) < 0.3).astype(int)
    out["y"] = out.x + rng.normal(size=200)
    return out


@pytest.fixture(scope="module")
def m(df):
    return et.match(df, "treated", ["x", "z"])


# ------------------------------------------------------------------------------- match

@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(mahvars=["x"], distance="mahalanobis"), r"'mahvars' parameter of match .* cannot be "
                                                   r"used with distance='mahalanobis'"),
    (dict(caliper=0.2, distance="mahalanobis"), r"'caliper' parameter of match is in SDs of a "
                                                r"one-dimensional score"),
    (dict(exact=["treated"]), r"'exact' parameter of match names the treatment column "
                              r"'treated'"),
    (dict(ratio=10**6), r"'ratio' parameter of match must be an int in \[1, \d+\] \(the "
                        r"number of controls available\). Got 1000000"),
    (dict(distance=["a"] * 200), r"'distance' parameter of match must be numbers.*'a'"),
    (dict(distance="prognostic", outcome="site"), r"Column 'site' of the data table must be "
                                                  r"numeric"),
])
def test_match_refuses_contradictions_and_impossible_values(df, kwargs, message):
    with pytest.raises(ParameterError if "site" not in message else et.exceptions.SchemaError,
                       match=message):
        et.match(df, "treated", ["x", "z"], **kwargs)


def test_huge_ratio_is_refused_at_once(df):
    start = time.perf_counter()
    with pytest.raises(ParameterError, match="ratio"):
        et.match(df, "treated", ["x"], ratio=10**6)
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(("kwargs", "name", "reason"), [
    (dict(method="exact", mahvars=["x"]), "mahvars", "method='exact' forms subclasses"),
    (dict(method="cem", ratio=2), "ratio", "method='cem' forms subclasses"),
    (dict(outcome="y"), "outcome", "only distance='prognostic' models an outcome"),
    (dict(cutpoints={"x": 3}), "cutpoints", "only method='cem' coarsens covariates"),
    (dict(method="optimal", replace=True), "replace", "optimal matching uses each control once"),
    (dict(replace=True, order="random", random_state=1), "order", "with replace=True"),
    (dict(method="optimal", order="smallest"), "order", "optimal matching minimises the total"),
])
def test_match_warns_about_ignored_options(df, kwargs, name, reason):
    with pytest.warns(DataWarning, match=rf"'{name}' parameter of match is ignored: {reason}"):
        et.match(df, "treated", ["x", "z"], **kwargs)


def test_optimal_with_replace_is_optimal_without(df):
    small = df.iloc[:80]
    with pytest.warns(DataWarning):
        a = et.match(small, "treated", ["x"], method="optimal", replace=True)
    b = et.match(small, "treated", ["x"], method="optimal")
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    assert a.subclass.notna().any()  # matched sets kept, as without replacement


def test_exact_on_an_id_names_the_exact_columns(df):
    with pytest.warns(EvaltoolsWarning, match=r"No treated unit was matched: no stratum of "
                                              r"exact=\['id'\]"):
        et.match(df, "treated", ["x"], exact=["id"])


@pytest.mark.parametrize(("cutpoints", "message"), [
    ({"xx": 3}, r"'cutpoints' parameter of match names \['xx'\], which are not matching "
                r"covariates"),
    ({"x": -3}, r"'cutpoints\['x'\]' parameter of match must be an int in \[1, 10000\]"),
    ({"x": 0}, r"cutpoints\['x'\]"),
    ({"x": 2.5}, r"cutpoints\['x'\]"),
    ({"x": 10**9}, r"cutpoints\['x'\].*Got 1000000000"),
    ({"x": [0.5]}, r"must give 'x' a number of bins, a rule .* or at least two distinct"),
    ({"x": [np.nan, 0, 1]}, r"at least two distinct finite cut points"),
    ({"x": "median"}, r"'cutpoints\['x'\]' parameter of match must be one of 'sturges'"),
    ({"site": 2}, r"cutpoints\['site'\] of match: column 'site' is not numeric"),
])
def test_cem_cutpoints_are_checked(df, cutpoints, message):
    with pytest.raises(ParameterError, match=message):
        et.match(df, "treated", ["x", "site"], method="cem", cutpoints=cutpoints)


def test_coarsen_bins_by_hand():
    d = pd.DataFrame({"age": [60.0, 65, 70, 75, 80, 61, 79, 72]})
    # Two equal-width bins of [60, 80]: edges 60, 70, 80; 70 falls in the first (right-closed).
    assert coarsen(d, ["age"], {"age": 2})["age"].tolist() == [0, 0, 0, 1, 1, 0, 1, 1]
    # Cut points as given; Sturges' rule on 8 values: ceil(log2(8) + 1) = 4 bins of width 5.
    assert coarsen(d, ["age"], {"age": [60, 62, 80]})["age"].tolist() == [0, 1, 1, 1, 1, 0, 1, 1]
    assert coarsen(d, ["age"], {"age": "sturges"})["age"].tolist() == [0, 0, 1, 2, 3, 0, 3, 2]
    assert coarsen(d, ["age"], None)["age"].tolist() == [0, 0, 1, 2, 3, 0, 3, 2]


def test_ratio_beyond_what_any_round_can_fill_stops_early(df):
    # 3 treated and 5 controls: a ratio of 5 fills every control once, rounds beyond stop.
    small = pd.DataFrame({"x": [0.0, 1, 2, 0.1, 0.9, 2.2, 5, 6], "treated": [1, 1, 1, 0, 0, 0,
                                                                          0, 0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        res = et.match(small, "treated", distance=small["x"].to_numpy(), ratio=5)
    assert sorted(res.pairs.control_id) == [3, 4, 5, 6, 7]


# ------------------------------------------------------------------------ result methods

@pytest.mark.parametrize(("call", "message"), [
    (lambda m: m.plot(kind="loveplot"), r"'kind' parameter of MatchResult.plot must be one of "
                                        r"'love', 'overlap'"),
    (lambda m: m.plot(ax="axes"), r"'ax' parameter of MatchResult.plot must be a matplotlib "
                                  r"Axes or None"),
    (lambda m: m.plot("overlap", bins=0), r"'bins' parameter of plot must be an int"),
    (lambda m: m.balance(estimand="ATE"), r"MatchResult.balance\(\) takes covariates and "
                                          r"thresholds only; \['estimand'\]"),
    (lambda m: m.balance(weights=np.ones(3)), r"\['weights'\] are fixed by the MatchResult"),
    (lambda m: m.tidy(), r"A MatchResult holds no estimate with a standard error"),
    (lambda m: m.balance().tidy(), r"A BalanceTable holds no estimate"),
    (lambda m: m.balance().plot(ax=3), r"'ax' parameter of BalanceTable.plot"),
])
def test_result_methods_check_their_arguments(m, call, message):
    with pytest.raises(ParameterError, match=message):
        call(m)


def test_balance_keeps_thresholds(m):
    assert m.balance(thresholds={"smd": 0.2}).thresholds["smd"] == 0.2


# ------------------------------------------------------------------------------ balance

def test_balance_refuses_weights_that_leave_out_a_group(df):
    w = df["treated"].to_numpy(float)
    with pytest.raises(ParameterError, match=r"'weights' parameter of balance_table is zero for "
                                             r"every control unit \(\d+ rows\)"):
        et.balance_table(df, "treated", ["x"], weights=w)
    with pytest.raises(ParameterError, match=r"'weights' parameter of balance_table must be "
                                             r"numbers .* such as \['a'\]"):
        et.balance_table(df, "treated", ["x"], weights=["a"] * len(df))


def test_balance_refuses_the_treatment_as_a_covariate(df):
    with pytest.raises(ParameterError, match=r"includes the treatment column 'treated'"):
        et.balance_table(df, "treated", ["x", "treated"])
    with pytest.raises(ParameterError, match=r"includes the treatment column 'treated'"):
        et.balance_table(df, covariates="treated ~ x + treated")


def test_balance_warns_when_the_sd_group_has_one_unit(df):
    one = df.assign(treated=(df.index == 0).astype(int))
    with pytest.warns(DataWarning, match=r"Only one treated unit in 'treated'"):
        table = et.balance_table(one, "treated", ["x"]).table
    assert np.isnan(table.loc["x", "smd_before"])
    # For the ATC the control SD standardises: defined, so no warning and a number.
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        atc = et.balance_table(one, "treated", ["x"], estimand="ATC").table
    sd_c = one.loc[one.treated == 0, "x"].std(ddof=1)
    expected = (one.x[0] - one.loc[one.treated == 0, "x"].mean()) / sd_c
    assert atc.loc["x", "smd_before"] == pytest.approx(expected)


# ---------------------------------------------------------------------------- weighting

def test_ipw_warns_that_stabilize_is_for_the_ate(df):
    with pytest.warns(DataWarning, match=r"'stabilize' parameter of ipw is ignored"):
        a = et.weighting.ipw(df, "treated", ["x"], stabilize=True)
    b = et.weighting.ipw(df, "treated", ["x"])
    np.testing.assert_array_equal(a.weights, b.weights)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(moments=True), r"'moments' parameter of entropy_balance must be one of 1, 2. Got True"),
    (dict(tol=np.inf), r"'tol' parameter of entropy_balance must be a float in \(0, 0.001\]"),
    (dict(tol=1.0), r"'tol' parameter of entropy_balance"),
])
def test_entropy_balance_options(df, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        et.weighting.entropy_balance(df, "treated", ["x"], **kwargs)


def test_entropy_balance_names_what_it_cannot_balance(df):
    far = df.assign(x=np.where(df.treated == 1, df.x + 50, df.x))
    with pytest.warns(ConvergenceWarning, match=r"did not reach exact balance on \['x .*SD\)'\]"
                                                r"; the treated mean of \['x'\] lies outside"):
        et.weighting.entropy_balance(far, "treated", ["x", "z"])


def test_weighting_results_refuse_clashing_arguments(df):
    w = et.weighting.ipw(df, "treated", ["x"])
    with pytest.raises(ParameterError, match=r"WeightResult.balance\(\) takes covariates"):
        w.balance(estimand="ATE")
    with pytest.raises(ParameterError, match=r"A WeightResult holds no estimate"):
        w.conf_int()
    with pytest.raises(ParameterError, match=r"'covariates' parameter of ipw must be a list .*"
                                             r"Got '  '"):
        et.weighting.ipw(df, "treated", "  ")


# ----------------------------------------------------------------------------- risk set

@pytest.fixture(scope="module")
def popp():
    return et.datasets.popp_synthetic(30, 300, random_state=2)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(prior_months=[3, 3]), r"'prior_months' parameter of match_risk_set must be an int or "
                                r"a non-empty list of distinct ints"),
    (dict(prior_months=[]), r"'prior_months' parameter"),
    (dict(prior_months=10**6), r"'prior_months' parameter of match_risk_set must be an int in "
                               r"\[1, 1200\]"),
    (dict(ratio=10**6), r"'ratio' parameter of match_risk_set must be an int in \[1, 300\]"),
    (dict(prior_measures={}), r"'prior_measures' parameter of match_risk_set must be None"),
    (dict(prior_measures={"ae": "setting == 'ae'"}), r"'prior_measures' parameter"),
    (dict(distance="mahalanobis"), r"'caliper' parameter of match_risk_set .* pass "
                                   r"caliper=None"),
])
def test_risk_set_options(popp, kwargs, message):
    persons, events = popp
    with pytest.raises(ParameterError, match=message):
        et.matching.match_risk_set(persons, events, covariates=["age"], progress=False,
                                   **kwargs)


def test_risk_set_named_columns_must_exist(popp):
    persons, events = popp
    for arg in ("death_col", "end_col"):
        with pytest.raises(et.exceptions.SchemaError, match=r"persons table has no column "
                                                            r"\['gone'\]"):
            et.matching.match_risk_set(persons, events, covariates=["age"], progress=False,
                                       **{arg: "gone"})
    with pytest.raises(et.exceptions.SchemaError, match=r"events table must be a pandas"):
        et.matching.match_risk_set(persons, None, covariates=["age"], progress=False)
    # The default columns are optional: a pool without them is followed to the end.
    m = et.matching.match_risk_set(persons.drop(columns=["death_date", "end_date"]), events,
                                   covariates=["age"], progress=False, random_state=0)
    assert m.flow.set_index("step").loc["participants matched", "n"] > 0


# ------------------------------------------------------------------- columns and roles

def test_date_covariates_are_refused(df):
    dated = df.assign(day=pd.Timestamp("2020-01-01") + pd.to_timedelta(df["id"], "D"))
    for call in (lambda: et.match(dated, "treated", ["x", "day"]),
                 lambda: et.weighting.ipw(dated, "treated", ["x", "day"]),
                 lambda: et.balance_table(dated, "treated", ["x", "day"])):
        with pytest.raises(et.exceptions.SchemaError, match=r"Covariate\(s\) \['day'\] of \w+ "
                                                            r"hold dates or durations"):
            call()


def test_missing_drop_that_leaves_nothing(df):
    with pytest.raises(et.exceptions.SchemaError, match=r"Every row has missing or infinite "
                                                        r"values in covariate\(s\) \{'x': 200\}"):
        et.match(df.assign(x=np.nan), "treated", ["x", "z"], missing="drop")


def test_columns_the_result_replaces_are_named(df):
    with pytest.warns(DataWarning, match=r"match: data column\(s\) \['weights'\] will be "
                                         r"replaced"):
        m = et.match(df.assign(weights=2.0), "treated", ["x"])
    assert set(m.matched_data["weights"]) != {2.0}
    with pytest.warns(DataWarning, match=r"ipw: data column\(s\) \['weights'\]"):
        et.weighting.ipw(df.assign(weights=2.0), "treated", ["x"])


def test_order_without_a_score_is_ignored(df):
    with pytest.warns(DataWarning, match=r"'order' parameter of match is ignored: "
                                         r"distance='mahalanobis' has no score"):
        a = et.match(df, "treated", ["x", "z"], distance="mahalanobis", order="smallest")
    b = et.match(df, "treated", ["x", "z"], distance="mahalanobis", order="data")
    pd.testing.assert_frame_equal(a.pairs, b.pairs)


@pytest.mark.parametrize("key", ["smd", "var_ratio"])
def test_infinite_balance_thresholds(df, key):
    with pytest.raises(ParameterError, match=rf"'thresholds\['{key}'\]' parameter of "
                                             r"balance_table must be finite"):
        et.balance_table(df, "treated", ["x"], thresholds={key: np.inf})


def test_risk_set_roles_and_ids(popp):
    persons, events = popp
    kw = dict(progress=False)
    with pytest.raises(ParameterError, match=r"includes the treatment column 'treated'"):
        et.matching.match_risk_set(persons, events, covariates=["age", "treated"], **kw)
    with pytest.raises(et.exceptions.SchemaError, match=r"already has column\(s\) "
                                                        r"\['prior_ae_visits'\]"):
        et.matching.match_risk_set(persons.assign(prior_ae_visits=1), events,
                                   covariates=["age"], **kw)
    ids = persons.astype({"person_id": float})
    ids.loc[0, "person_id"] = np.nan
    with pytest.raises(et.exceptions.SchemaError, match=r"Column 'person_id' of the persons "
                                                        r"table has 1 missing value"):
        et.matching.match_risk_set(ids, events, covariates=["age"], **kw)


def test_exact_matching_that_matches_nobody(df):
    with pytest.warns(EvaltoolsWarning, match=r"No treated unit was matched: no subclass of "
                                              r"\['id'\] holds both"):
        m = et.match(df, "treated", ["id"], method="exact")
    assert (m.weights == 0).all()


def test_plot_keywords_matplotlib_refuses_are_named(m):
    with pytest.raises(ParameterError, match=r"plot passes \['colour'\] to matplotlib's bar"):
        m.plot("overlap", colour="red")
    with pytest.raises(ParameterError, match=r"plot passes \['colour'\] to matplotlib's "
                                             r"scatter"):
        m.balance().plot(colour="red")
    assert m.plot("overlap", edgecolor="black") is not None


def test_balance_weights_of_the_wrong_type(df):
    with pytest.raises(ParameterError, match=r"'weights' parameter of balance_table must be a "
                                             r"column name, a Series or an array of numbers. Got "
                                             r"dict"):
        et.balance_table(df, "treated", ["x"], weights={"a": 1})


def test_risk_set_index_dates_after_the_events(popp):
    persons, events = popp
    late = persons.assign(index_date=persons["index_date"].where(persons["treated"] == 0,
                                                                 pd.Timestamp("2040-01-01")))
    # Participants still alive and registered in 2040: only the events end early.
    ends = late[["death_date", "end_date"]].where(late["treated"] == 0)
    late = late.assign(**ends)
    with pytest.warns(DataWarning, match=r"\d+ participant\(s\) have a 'index_date' after the "
                                         r"last event"):
        et.matching.match_risk_set(late, events, covariates=["age"], progress=False,
                                   random_state=0)


def test_prognostic_outcome_must_be_its_own_column(df):
    for kwargs in (dict(covariates=["x", "y"], outcome="y"), dict(covariates=["x"],
                                                                  outcome="treated")):
        with pytest.raises(ParameterError, match=r"'outcome' parameter of match names '\w+', "
                                                 r"which is the treatment or a matching "
                                                 r"covariate"):
            et.match(df, "treated", distance="prognostic", **kwargs)


def test_balance_formula_without_terms(df):
    with pytest.raises(ParameterError, match=r"formula 'treated ~ 1' of balance_table has no "
                                             r"terms"):
        et.balance_table(df, covariates="treated ~ 1")


def test_risk_set_column_name_parameters(popp):
    persons, events = popp
    for kwargs, name in ((dict(id_col=3), "id_col"), (dict(index_col=None), "index_col"),
                         (dict(death_col=["death_date"]), "death_col")):
        with pytest.raises(ParameterError, match=rf"'{name}' parameter of match_risk_set must "
                                                 r"be a column name \(str\)"):
            et.matching.match_risk_set(persons, events, covariates=["age"], progress=False,
                                       **kwargs)
    with pytest.warns(DataWarning, match=r"events table of match_risk_set has no rows"):
        et.matching.match_risk_set(persons, events.iloc[:0], covariates=["age"],
                                   progress=False, random_state=0)


def test_mahalanobis_rounds_stop_when_controls_run_out(df):
    # Asking for every control per treated unit gives each control exactly once, as many
    # rounds as needed and no more (the rounds after the controls run out are skipped).
    small = df.iloc[:60]
    n_c = int((small.treated == 0).sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        m = et.match(small, "treated", ["x", "z"], distance="mahalanobis", ratio=n_c)
    assert sorted(m.pairs.control_id) == sorted(small.index[small.treated == 0])
    per_treated = m.pairs.groupby("treated_id").size()
    assert per_treated.max() - per_treated.min() <= 1  # rounds: one control each in turn


def test_identifier_like_text_covariates(df, monkeypatch):
    named = df.assign(code=[f"p{i}" for i in range(len(df))])
    for call in (lambda: et.match(named, "treated", ["x", "code"]),
                 lambda: et.balance_table(named, "treated", ["code"]),
                 lambda: et.weighting.ipw(named, "treated", ["x", "code"])):
        with pytest.raises(et.exceptions.SchemaError, match=r"Text covariate\(s\) \['code'\] of "
                                                            r"\w+ have \[200\] distinct values "
                                                            r"for 200 rows"):
            call()
    import evaltools.matching.covariates as cov

    monkeypatch.setattr(cov, "MAX_CELLS", 100)
    with pytest.raises(et.exceptions.SchemaError, match=r"would expand to 400 indicator cells"):
        et.match(df, "treated", ["x", "site"])
