"""Risk-set matching: who is offered when, prior use as of the offer, pseudo index dates."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import SchemaError

MEASURES = {"emergency": et.cohort.Measure("setting == 'inpatient' and method == 'emergency'")}


@pytest.fixture
def small():
    persons = pd.DataFrame({
        "person_id": [1, 2, 10, 11, 12, 13],
        "treated": [1, 1, 0, 0, 0, 0],
        "index_date": pd.to_datetime(["2020-03-10", "2020-05-20", None, None, None, None]),
        "age": [80, 70, 79, 71, 75, 70],
        "death_date": pd.to_datetime([None, None, None, None, None, "2020-04-30"]),
    })
    events = pd.DataFrame({
        "person_id": [1, 10, 10, 11, 2],
        "event_date": pd.to_datetime(["2020-01-05", "2020-02-20", "2020-03-05", "2020-04-01",
                                      "2020-04-10"]),
        "setting": "inpatient", "method": "emergency"})
    return persons, events


def test_hand_case(small):
    persons, events = small
    m = et.matching.match_risk_set(persons, events, covariates=["age"],
                                   prior_measures=MEASURES, prior_months=3, distance=
                                   "mahalanobis", caliper=None, progress=False)
    md = m.matched_data.set_index("person_id")
    # March: participant 1 (80) is offered 10, 11, 12, 13; 10 (79) is nearest on age and
    # prior use (prior use of 10 as of 1 March: the 20 February stay = 1).
    assert md.loc[10, "period"] == "2020-03" and md.loc[10, "prior_emergency"] == 1
    assert md.loc[10, "index_date"] == pd.Timestamp("2020-03-10")  # participant's date
    assert md.loc[1, "prior_emergency"] == 1  # 5 January, within 3 months of 10 March
    # May: participant 2 (70, one stay on 10 April). 10 is used, 13 died in April: offered
    # 11 and 12; 11 (71, its 1 April stay counts as prior use as of 1 May) is nearest.
    assert md.loc[11, "period"] == "2020-05" and md.loc[11, "prior_emergency"] == 1
    assert md.loc[11, "index_date"] == pd.Timestamp("2020-05-20")
    assert 13 not in md.index
    offered = m.flow_by_period.set_index("period")["controls offered"]
    assert offered.to_dict() == {"2020-03": 4, "2020-05": 2}


def test_on_synthetic_cohort():
    persons, events = et.datasets.popp_synthetic(n_participants=150, n_pool=3000, random_state=2)
    m = et.matching.match_risk_set(
        persons, events, covariates=["age", "sex", "imd_quintile", "risk_score"],
        progress=False, random_state=0)
    md = m.matched_data
    controls, treated = md[md.treated == 0], md[md.treated == 1]
    assert controls.person_id.is_unique  # without replacement: nobody used twice
    # Every control was alive and registered at the start of its enrolment month.
    start = pd.to_datetime(controls.period)
    alive = controls.person_id.map(persons.set_index("person_id").death_date)
    assert not (alive < start).any()
    # Pairs share their enrolment month and index date.
    pairs = md.groupby("subclass").agg(n=("treated", "size"), t=("treated", "sum"),
                                       dates=("index_date", "nunique"))
    assert (pairs.n == 2).all() and (pairs.t == 1).all() and (pairs.dates == 1).all()
    assert set(treated.person_id) <= set(persons.person_id[persons.treated == 1])
    flow = m.flow.set_index("step")["n"]
    assert flow["participants matched"] + flow["participants unmatched"] == 150
    bal = m.balance().table
    assert (bal["smd_after"].abs() < bal["smd_before"].abs()).sum() >= len(bal) - 2


def test_with_replacement_controls_may_recur():
    persons, events = et.datasets.popp_synthetic(n_participants=100, n_pool=300, random_state=3)
    m = et.matching.match_risk_set(persons, events, covariates=["age", "risk_score"],
                                   replace=True, caliper=None, progress=False)
    md = m.matched_data
    assert md.match_id.is_unique
    assert md[md.treated == 1].shape[0] == 100


def test_constant_covariates_in_a_month_are_left_out_and_reported(small):
    persons, events = small  # only emergency stays: elective use etc. are all zero
    events = events.assign(los=2)
    m = et.matching.match_risk_set(persons, events, covariates=["age"], caliper=None,
                                   progress=False)
    left_out = m.flow_by_period["covariates left out (constant)"]
    assert left_out.str.contains("prior_elective_admissions").all()
    assert m.summary().loc["Matched", "Treated"] == 2


def test_month_without_controls_is_counted_and_named(small):
    """Everyone in the pool has died before May: May's participant cannot be offered a
    control. The month is named in a warning and counted in the flow (not an error: other
    months still match); when no month has a control it is an error."""
    persons, events = small
    persons = persons.assign(death_date=pd.to_datetime(
        [None, None, None, "2020-04-01", "2020-04-01", "2020-04-01"]))
    with pytest.warns(et.exceptions.ExclusionWarning,
                      match=r"No control was available in 1 enrolment month\(s\): 2020-05 \(1 "
                            r"participant\(s\)\)"):
        m = et.matching.match_risk_set(persons, events, covariates=["age"],
                                       prior_measures=MEASURES, caliper=None, progress=False)
    flow = m.flow.set_index("step")["n"]
    assert flow["participants matched"] == 1 and flow["participants unmatched"] == 1
    assert m.flow_by_period.set_index("period").loc["2020-05", "controls offered"] == 0
    gone = persons.assign(death_date=pd.Series(pd.Timestamp("2020-01-01"), persons.index)
                          .where(persons.treated == 0))
    with pytest.raises(et.exceptions.SchemaError, match="No control was available in any "
                                                         "enrolment month"):
        et.matching.match_risk_set(gone, events, covariates=["age"], prior_measures=MEASURES,
                                   progress=False)


def test_risk_set_options_and_dates_are_checked(small):
    persons, events = small
    with pytest.raises(et.exceptions.ParameterError,
                       match=r"'replace' parameter of match_risk_set must be True or False"):
        et.matching.match_risk_set(persons, events, covariates=["age"], replace="no")
    with pytest.raises(et.exceptions.SchemaError, match=r"'index_date' of the persons table "
                                                         r"must hold dates"):
        et.matching.match_risk_set(persons.assign(index_date=20200310), events,
                                   covariates=["age"])


@pytest.mark.parametrize("months", [{12, 24}, [[12]], {"a": 12}])
def test_prior_months_without_order_or_numbers_is_refused(small, months):
    persons, events = small
    with pytest.raises(et.exceptions.ParameterError, match=r"'prior_months' parameter of "
                                                           r"match_risk_set must be an int or a "
                                                           r"non-empty list of distinct ints"):
        et.matching.match_risk_set(persons, events, covariates=["age"], prior_months=months)


def test_participant_who_died_before_enrolment_is_refused(small):
    persons, events = small
    persons = persons.assign(death_date=persons["death_date"].mask(
        persons["person_id"] == 2, pd.Timestamp("2020-05-01")))
    with pytest.raises(SchemaError, match=r"1 participant\(s\) have a death or end date before "
                                          r"their 'index_date', e.g. person_id \[2\]"):
        et.matching.match_risk_set(persons, events, covariates=["age"], progress=False)


def test_infinite_covariate_of_a_control_is_refused():
    persons, events = et.datasets.popp_synthetic(40, 400, random_state=3)
    control = persons.index[persons["treated"] == 0][0]
    persons.loc[control, "risk_score"] = np.inf
    with pytest.raises(SchemaError, match=r"'risk_score' of the persons table has 0 missing "
                                          r"and 1 infinite value\(s\), at person_id"):
        et.matching.match_risk_set(persons, events, covariates=["age", "risk_score"],
                                   progress=False, random_state=1)
