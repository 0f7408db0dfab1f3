"""Thresholds of match's and match_risk_set's checks, exactly at and either side of each
boundary, with the counts their messages must give (worked out by hand)."""

import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning, ParameterError, SchemaError
from evaltools.matching.checks import check_ratio_size, warn_few_controls
from evaltools.matching.covariates import (
    TREATED,
    check_levels,
    finite_array,
    resolve_treatment,
    used_columns,
)


def no_warning(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return func(*args, **kwargs)


def frame(n_t, n_c):
    return pd.DataFrame({"treated": [1] * n_t + [0] * n_c,
                         "d": np.arange(n_t + n_c, dtype=float)})


# ------------------------------------------------------------------------- few controls

def test_as_many_controls_as_treated_gives_no_warning():
    df = frame(3, 3)
    m = no_warning(et.match, df, "treated", distance=df.d)
    assert len(m.pairs) == 3


def test_one_control_short_warns_with_counts():
    df = frame(3, 2)
    with pytest.warns(DataWarning, match=r"^Fewer control units \(2\) than treated units "
                                         r"\(3\); at least 1 treated unit\(s\) will get no "
                                         r"match\. The flow counts them\.$"):
        et.match(df, "treated", distance=df.d)


def test_ratio_needs_ratio_times_the_treated():
    df = frame(2, 4)
    no_warning(et.match, df, "treated", distance=df.d, ratio=2)
    df = frame(2, 3)
    with pytest.warns(DataWarning, match=r"^Only 3 control units for 2 treated units at "
                                         r"ratio=2 \(needs 4\); not every treated unit will "
                                         r"get 2 matches\.$"):
        et.match(df, "treated", distance=df.d, ratio=2)


def test_few_controls_in_exact_strata_are_counted_by_stratum():
    df = pd.DataFrame({"treated": [1, 1, 0, 1, 0, 0, 1],
                       "site": ["a", "a", "a", "b", "b", "b", "c"], "d": np.arange(7.0)})
    with pytest.warns(DataWarning, match=r"^Fewer control units \(1\) than treated units \(3\) "
                                         r"in some exact strata \(2 of 3 strata\); at least 2 "
                                         r"treated unit\(s\) will get no match"):
        m = et.match(df, "treated", distance=df.d, exact=["site"])
    flow = m.flow.set_index("step")["n"]
    assert flow["treated unmatched: no control in exact stratum"] == 1
    assert flow["treated unmatched: no control within caliper or none left"] == 1
    df = df.assign(site=["a", "a", "a", "a", "b", "b", "b"], treated=[1, 1, 0, 0, 1, 0, 0])
    # Site a: 2 treated, 2 controls (needs 4); site b: 1 treated, 2 controls (enough).
    with pytest.warns(DataWarning, match=r"^Only 2 control units for 2 treated units in some "
                                         r"exact strata at ratio=2 \(needs 4\)"):
        et.match(df, "treated", distance=df.d, exact=["site"], ratio=2)


def test_atc_names_the_groups_the_other_way_round():
    df = frame(2, 3)
    with pytest.warns(DataWarning, match=r"^Fewer treated units \(2\) than control units \(3\); "
                                         r"at least 1 control unit\(s\) will get no match"):
        et.match(df, "treated", distance=df.d, estimand="ATC")


def test_replacement_never_runs_short():
    df = frame(3, 1)
    m = no_warning(et.match, df, "treated", distance=df.d, replace=True)
    assert len(m.pairs) == 3
    warn_few_controls(np.array([True, True, False]), np.zeros(3, int), 1, True, "ATT")


def test_ratio_up_to_the_number_of_controls():
    check_ratio_size(4, 4, "match")
    with pytest.raises(ParameterError, match=r"'ratio' parameter of match must be an int in "
                                             r"\[1, 4\] \(the number of controls available\)\. "
                                             r"Got 5 instead"):
        check_ratio_size(5, 4, "match")
    check_ratio_size(1, 0, "match")  # no controls: refused elsewhere, not here
    df = frame(1, 3)
    m = no_warning(et.match, df, "treated", distance=df.d, ratio=3)
    assert len(m.pairs) == 3
    with pytest.raises(ParameterError, match=r"\[1, 3\]"):
        et.match(df, "treated", distance=df.d, ratio=4)


# ------------------------------------------------------------------------------ options

@pytest.mark.parametrize("caliper", [0, -0.1, np.inf, np.nan, "0.2"])
def test_caliper_must_be_positive_and_finite(caliper):
    df = frame(2, 2)
    with pytest.raises(ParameterError, match=r"'caliper' parameter of match must be a float "
                                             r"in \(0, inf\)"):
        et.match(df, "treated", distance=df.d, caliper=caliper)


def test_smallest_positive_caliper_is_accepted():
    df = pd.DataFrame({"treated": [1, 0], "d": [0.0, 0.0]})
    m = no_warning(et.match, df, "treated", distance=df.d, caliper=1e-300)
    assert len(m.pairs) == 1  # distance 0 is within any caliper


@pytest.mark.parametrize("ratio", [0, 1.5, True])
def test_ratio_must_be_a_positive_int(ratio):
    df = frame(2, 2)
    with pytest.raises(ParameterError, match=r"'ratio' parameter of match must be an int"):
        et.match(df, "treated", distance=df.d, ratio=ratio)


@pytest.mark.parametrize("state", [-1, True, 1.0, "1"])
def test_random_state_values(state):
    df = frame(2, 2)
    with pytest.raises(ParameterError, match=r"'random_state' parameter of match must be None, "
                                             r"a non-negative int or a numpy Generator"):
        et.match(df, "treated", distance=df.d, random_state=state)


def test_random_state_accepts_zero_and_a_generator():
    df = frame(2, 2)
    no_warning(et.match, df, "treated", distance=df.d, order="random", random_state=0)
    no_warning(et.match, df, "treated", distance=df.d, order="random",
               random_state=np.random.default_rng(0))
    no_warning(et.match, df, "treated", distance=df.d, order="random",
               random_state=np.int64(3))


@pytest.mark.parametrize(("kwargs", "name"), [
    (dict(method="exact", caliper=0.2), "caliper"),
    (dict(method="exact", replace=True), "replace"),
    (dict(method="cem", outcome="d"), "outcome"),
    (dict(method="exact", cutpoints={"d": 2}), "cutpoints"),
    (dict(distance="mahalanobis", order="smallest"), "order"),
])
def test_ignored_options_warn(kwargs, name):
    df = frame(3, 4).assign(x=[0.1, 0.5, 0.2, 0.9, 0.3, 0.6, 0.8], z=[1.0, 0, 2, 1, 0, 1, 3])
    with pytest.warns(DataWarning, match=rf"'{name}' parameter of match is ignored"):
        et.match(df, "treated", ["x", "z"], **kwargs)


def test_options_that_are_not_ignored_do_not_warn():
    df = frame(3, 4).assign(x=[0.1, 0.5, 0.2, 0.9, 0.3, 0.6, 0.8], z=[1.0, 0, 2, 1, 0, 1, 3])
    no_warning(et.match, df, "treated", ["x", "z"], distance="mahalanobis", order="largest")
    no_warning(et.match, df, "treated", ["x", "z"], distance="mahalanobis", order="data")
    no_warning(et.match, df, "treated", ["x", "z"], replace=True)
    no_warning(et.match, df, "treated", ["x", "z"], method="optimal")


def test_outcome_and_cutpoints_types():
    df = frame(2, 2)
    with pytest.raises(ParameterError, match=r"'outcome' parameter of match must be a column "
                                             r"name or None"):
        et.match(df, "treated", distance=df.d, outcome=3)
    with pytest.raises(ParameterError, match=r"'cutpoints' parameter of match must be a dict"):
        et.match(df, "treated", ["d"], method="cem", cutpoints=[2])


# ------------------------------------------------------------------- prepare and inputs

def test_missing_rows_dropped_are_counted_and_the_distance_follows():
    df = pd.DataFrame({"treated": [1, 0, 1, 0, 0], "x": [0.0, np.nan, 1.0, np.inf, 1.1]})
    d = pd.Series([0.0, 0.05, 1.0, 0.1, 1.1], index=[0, 1, 2, 3, 4])
    with pytest.warns(DataWarning, match=r"Fewer control units \(1\) than treated units "
                                         r"\(2\)"):
        m = et.match(df, "treated", ["x"], distance=d.iloc[::-1], missing="drop")
    flow = m.flow.set_index("step")["n"]
    assert flow["excluded: missing or infinite covariate values"] == 2
    assert flow["treated supplied"] == 2 and flow["controls supplied"] == 3
    # The supplied Series is aligned on the index (given reversed here): 2 takes 4, and
    # 0 takes nothing (rows 1 and 3 are gone).
    assert list(zip(m.pairs.treated_id, m.pairs.control_id, strict=True)) == [(2, 4)]
    with pytest.raises(SchemaError, match=r"Missing or infinite values in covariate\(s\) "
                                          r"\{'x': 2\} at rows \[1, 3\]"):
        et.match(df, "treated", ["x"], distance=d)


def test_supplied_series_must_cover_every_row():
    df = frame(2, 2)
    with pytest.raises(ParameterError, match=r"no value for 1 row\(s\) of data, e.g. index "
                                             r"\[3\]"):
        et.match(df, "treated", distance=pd.Series([0.0, 1, 2], index=[0, 1, 2]))


@pytest.mark.parametrize("values,message", [
    ([0.0, np.nan, 1.0, np.inf], r"has 1 missing and 1 infinite value\(s\), at positions "
                                 r"\[1, 3\]"),
    ([0.0, 1.0], r"must have one number per row of data \(4\)\. Got shape \(2,\)"),
])
def test_finite_array_messages(values, message):
    with pytest.raises(ParameterError, match=message):
        finite_array(values, "distance", "match", 4)


def test_text_levels_at_half_the_rows():
    n = 8
    check_levels(pd.DataFrame({"g": list("abcd") * 2}), ["g"], "match")  # 4 = n / 2: kept
    with pytest.raises(SchemaError, match=r"\['g'\] of match have \[5\] distinct values for 8 "
                                          r"rows"):
        check_levels(pd.DataFrame({"g": list("abcde") + list("abc")}), ["g"], "match")
    check_levels(pd.DataFrame({"g": ["a", "b", "b"]}), ["g"], "match")  # 2 levels always
    assert n == 8


def test_indicator_cells_at_the_memory_bound(monkeypatch):
    import evaltools.matching.covariates as cov

    df = pd.DataFrame({"g": list("ab") * 5})  # 10 rows x 2 levels = 20 cells
    monkeypatch.setattr(cov, "MAX_CELLS", 20)
    check_levels(df, ["g"], "match")
    monkeypatch.setattr(cov, "MAX_CELLS", 19)
    with pytest.raises(SchemaError, match=r"would expand to 20 indicator cells"):
        check_levels(df, ["g"], "match")


def test_formula_left_hand_side_and_used_columns():
    assert resolve_treatment(TREATED, "t ~ age", "match") == "t"
    assert resolve_treatment("t", "t ~ age", "match") == "t"
    assert resolve_treatment("t", "~ age", "match") == "t"
    assert resolve_treatment(TREATED, ["age"], "match") == "treated"
    with pytest.raises(ParameterError, match=r"names 't' as the treatment"):
        resolve_treatment("other", "t ~ age", "match")
    with pytest.raises(ParameterError, match=r"'treatment' parameter of match must be a "
                                             r"column name"):
        resolve_treatment("", ["age"], "match")
    cols = pd.DataFrame(columns=["t", "age", "region", "agex"])
    assert used_columns(cols, "t ~ age + C(region)") == ["age", "region"]
    assert used_columns(cols, "age") == ["age"]
    assert used_columns(cols, None) == []


# --------------------------------------------------------------------------- risk sets

@pytest.fixture(scope="module")
def small():
    persons = pd.DataFrame({
        "person_id": [1, 10, 11],
        "treated": [1, 0, 0],
        "index_date": pd.to_datetime(["2020-03-10", None, None]),
        "age": [80, 79, 60]})
    events = pd.DataFrame({"person_id": [10], "event_date": pd.to_datetime(["2020-03-10"]),
                           "setting": "inpatient", "method": "emergency"})
    return persons, events


def run(persons, events, **kwargs):
    kw = dict(covariates=["age"], progress=False, caliper=None, distance="mahalanobis",
              prior_measures={"e": et.cohort.Measure("setting == 'inpatient'")})
    kw.update(kwargs)
    return et.matching.match_risk_set(persons, events, **kw)


def test_index_date_on_the_last_event_date_does_not_warn(small):
    persons, events = small
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        run(persons, events)
    later = persons.assign(index_date=persons.index_date.mask(persons.person_id == 1,
                                                              pd.Timestamp("2020-03-11")))
    with pytest.warns(DataWarning, match=r"1 participant\(s\) have a 'index_date' after the "
                                         r"last event in the events table \(2020-03-10\), "
                                         r"e.g. person_id \[1\]"):
        run(later, events)


@pytest.mark.parametrize("months", [1, 1200, [1, 1200]])
def test_prior_months_bounds_are_accepted(small, months):
    persons, events = small
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = run(persons, events, prior_months=months)
    assert m.summary().loc["Matched", "Treated"] == 1


@pytest.mark.parametrize("months", [0, 1201, 2.5, "12", [12, 12]])
def test_prior_months_outside_the_bounds_are_refused(small, months):
    persons, events = small
    with pytest.raises(ParameterError, match=r"'prior_months' parameter of match_risk_set"):
        run(persons, events, prior_months=months)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(max_before_rows=0), r"'max_before_rows' parameter of match_risk_set must be an int "
                              r"in \[1, inf\)"),
    (dict(progress="no"), r"'progress' parameter of match_risk_set must be True or False"),
    (dict(order="first"), r"'order' parameter of match_risk_set must be one of"),
    (dict(distance="prognostic"), r"'distance' parameter of match_risk_set must be one of "
                                  r"'ps', 'logit_ps', 'mahalanobis'"),
    (dict(caliper=0), r"'caliper' parameter of match_risk_set must be a float in \(0, inf\)"),
    (dict(ratio=0), r"'ratio' parameter of match_risk_set must be an int"),
    (dict(random_state=-1), r"'random_state' parameter of match_risk_set"),
    (dict(id_col=""), r"'id_col' parameter of match_risk_set must be a column name \(str\)\. "),
    (dict(death_col=3), r"'death_col' parameter of match_risk_set must be a column name "
                        r"\(str\) or None"),
    (dict(covariates=["treated"]), r"includes the treatment column 'treated'"),
    (dict(covariates=["index_date"]), r"includes the index date column 'index_date'"),
])
def test_risk_set_option_messages(small, kwargs, message):
    persons, events = small
    with pytest.raises(ParameterError, match=message):
        run(persons, events, **kwargs)


def test_risk_set_column_clash_and_missing_index(small):
    persons, events = small
    with pytest.raises(SchemaError, match=r"already has column\(s\) \['prior_e'\]"):
        run(persons.assign(prior_e=0), events)
    with pytest.raises(SchemaError, match=r"1 participant\(s\) have no 'index_date'"):
        run(persons.assign(index_date=pd.NaT), events)
    with pytest.warns(DataWarning, match=r"events table of match_risk_set has no rows"):
        run(persons, events.iloc[:0])


def test_strata_without_treated_units_are_not_counted():
    """Site d holds controls only: the message counts 2 of the 3 strata with treated units."""
    df = pd.DataFrame({"treated": [1, 1, 0, 1, 0, 0, 1, 0],
                       "site": ["a", "a", "a", "b", "b", "b", "c", "d"], "d": np.arange(8.0)})
    with pytest.warns(DataWarning, match=r"in some exact strata \(2 of 3 strata\)"):
        et.match(df, "treated", distance=df.d, exact=["site"])


def test_weights_follow_the_index_after_rows_are_dropped():
    df = pd.DataFrame({"treated": [1, 0, 1, 0, 0], "x": [0.0, np.nan, 1.0, 0.1, 1.1]},
                      index=[10, 11, 12, 13, 14])
    m = no_warning(et.match, df, "treated", ["x"], distance=np.array([0.0, 9, 1.0, 0.1, 1.1]),
                   missing="drop", random_state=4)
    assert m.weights.index.tolist() == [10, 12, 13, 14]
    assert m.weights.tolist() == [1, 1, 1, 1]
    assert m.matched_data.index.tolist() == [10, 12, 13, 14]
    assert m.meta["random_state"] == 4
    pd.testing.assert_frame_equal(m.meta["flow"], m.flow)
    assert list(m.flow.columns) == ["step", "n"]


def test_atc_pair_result_records_its_estimand():
    df = frame(3, 2)
    m = no_warning(et.match, df, "treated", distance=df.d, estimand="ATC")
    assert m.estimand == "ATC" and m.meta["options"]["estimand"] == "ATC"


def test_optimal_method_is_not_greedy():
    """Greedy (largest first) pairs 0.60 with 0.55 and 0.50 with 0.90 (total 0.45); optimal
    pairs 0.50 with 0.55 and 0.60 with 0.90 (total 0.35)."""
    df = pd.DataFrame({"treated": [1, 1, 0, 0]})
    d = np.array([0.50, 0.60, 0.55, 0.90])
    greedy = no_warning(et.match, df, "treated", distance=d)
    optimal = no_warning(et.match, df, "treated", distance=d, method="optimal")
    assert greedy.pairs.distance.sum() == pytest.approx(0.45)
    assert optimal.pairs.distance.sum() == pytest.approx(0.35)
    assert sorted(zip(optimal.pairs.treated_id, optimal.pairs.control_id, strict=True)) == [
        (0, 2), (1, 3)]


def test_nobody_within_the_caliper_is_named_as_the_reason():
    df = frame(2, 2).assign(d=[0.0, 10.0, 5.0, 15.0])
    with pytest.warns(et.exceptions.EvaltoolsWarning, match=r"No treated unit was matched: no "
                                                            r"control lies within caliper=0.01"):
        et.match(df, "treated", distance=df.d, caliper=0.01)
