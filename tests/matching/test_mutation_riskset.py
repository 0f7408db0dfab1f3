"""Risk-set matching at its boundaries: who is offered as a control in which enrolment
month, prior use as of the offer, replacement across months, weights and counts.

Expected values are worked out by hand from the design stated in
``evaltools/matching/riskset.py`` (the Nuffield Trust's POPP evaluation): a participant
enrolled in month p is compared with people who, on the first day of p, were alive and
registered (a death or end of registration on that first day still counts as observed
that day), never participants, and not already used as a control (without replacement).
Prior use is counted over the ``prior_months`` calendar months before the offer date
(participants: their own index date), excluding events on that date itself
(``et.cohort.prior_use``). Matching on the Mahalanobis distance of age and prior use keeps
every choice checkable by hand (no propensity model).
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import SchemaError

MEASURES = {"emergency": et.cohort.Measure("setting == 'inpatient' and method == 'emergency'")}


@pytest.fixture(scope="module")
def cohort():
    persons = pd.DataFrame({
        "person_id": [1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18],
        "treated": [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        "index_date": pd.to_datetime(["2020-03-10", "2020-05-20", "2020-07-01", "2020-07-15"]
                                     + [None] * 9),
        "age": [80, 70, 60, 80, 80, 61, 50, 70.5, 70.2, 70.6, 70.1, 55, 85],
        # Participant 2 dies on its index date (allowed); control 13 dies on 1 May (offered
        # in May), 14 on 30 April (not offered in May).
        "death_date": pd.to_datetime([None, "2020-05-20", None, None, None, None, None,
                                      "2020-05-01", "2020-04-30", None, None, None, None]),
        # Control 15 leaves the register on 1 May (offered in May), 16 on 30 April (not).
        "end_date": pd.to_datetime([None] * 9 + ["2020-05-01", "2020-04-30", None, None]),
    })
    events = pd.DataFrame({
        "person_id": [11, 11, 12],
        # 11: exactly 3 months before 1 March (counted in March), and on 1 March itself
        # (not prior use in March; counted in May). 12: one day too early for March.
        "event_date": pd.to_datetime(["2019-12-01", "2020-03-01", "2019-11-30"]),
        "setting": "inpatient", "method": "emergency"})
    return persons, events


def run(persons, events, **kwargs):
    kw = dict(covariates=["age"], prior_measures=MEASURES, prior_months=3,
              distance="mahalanobis", caliper=None, progress=False)
    kw.update(kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return et.matching.match_risk_set(persons, events, **kw)


def pairs_by_subclass(m):
    md = m.matched_data
    return {int(g.loc[g.treated == 1, "person_id"].iloc[0]):
            sorted(g.loc[g.treated == 0, "person_id"].tolist())
            for _, g in md.groupby("subclass")}


def test_offers_at_the_first_of_the_month_without_replacement(cohort):
    persons, events = cohort
    m = run(persons, events)
    # March: 1 (80) takes 10 (80). May: 10 is used; 13 (death 1 May) and 15 (end 1 May)
    # are offered, 14 and 16 (30 April) are not: 2 (70) takes 13 (70.5). July (data order,
    # no score): 3 (60) takes 11 (61), then 4 (80) takes 18 (85).
    assert pairs_by_subclass(m) == {1: [10], 2: [13], 3: [11], 4: [18]}
    offered = m.flow_by_period.set_index("period")["controls offered"].to_dict()
    assert offered == {"2020-03": 9, "2020-05": 6, "2020-07": 4}
    data = m.data.set_index(["period", "person_id"])
    assert set(data.loc["2020-05"].index) == {2, 11, 12, 13, 15, 17, 18}
    assert set(data.loc["2020-07"].index) == {3, 4, 11, 12, 17, 18}
    # Participants are never offered as controls, not even before their own enrolment.
    assert set(data.loc["2020-03"].index) == {1, *range(10, 19)}
    flow = m.flow.set_index("step")["n"]
    assert flow.to_dict() == {"participants supplied": 4, "participants matched": 4,
                              "participants unmatched": 0,
                              "control offers (control x period)": 19, "controls matched": 4}
    md = m.matched_data
    assert md.person_id.is_unique and (md.weights == 1).all()
    assert sorted(md.subclass.unique()) == ["2020-03:1", "2020-05:1", "2020-07:1", "2020-07:2"]
    assert m.meta["options"]["method"] == "risk-set nearest"
    assert m.meta["random_state"] is None
    pd.testing.assert_frame_equal(m.meta["flow"], m.flow)


def test_prior_use_as_of_the_offer_date(cohort):
    persons, events = cohort
    m = run(persons, events)
    prior = m.data.set_index(["period", "person_id"])["prior_emergency"]
    assert prior[("2020-03", 11)] == 1  # 1 Dec 2019 is exactly 3 months before 1 March
    assert prior[("2020-03", 12)] == 0  # 30 Nov 2019 is a day too early
    assert prior[("2020-05", 11)] == 1  # 1 March counts in May, 1 December no longer
    assert prior[("2020-07", 11)] == 0
    index = m.data.set_index(["period", "person_id"])["index_date"]
    assert index[("2020-05", 11)] == pd.Timestamp("2020-05-01")  # offered, not matched
    # Matched controls take their participant's index date (pseudo index date).
    assert index[("2020-05", 13)] == pd.Timestamp("2020-05-20")
    assert index[("2020-07", 18)] == pd.Timestamp("2020-07-15")
    assert index[("2020-07", 11)] == pd.Timestamp("2020-07-01")
    assert index[("2020-07", 3)] == pd.Timestamp("2020-07-01")
    assert m.covariates == ["age", "prior_emergency"]


def test_two_look_back_windows_are_named_by_months(cohort):
    persons, events = cohort
    m = run(persons, events, prior_months=[3, 4])
    prior = m.data.set_index(["period", "person_id"])
    # 30 Nov 2019 is within 4 months of 1 March, not within 3.
    assert prior.loc[("2020-03", 12), "prior3_emergency"] == 0
    assert prior.loc[("2020-03", 12), "prior4_emergency"] == 1
    assert m.covariates == ["age", "prior3_emergency", "prior4_emergency"]


def test_with_replacement_controls_are_offered_again(cohort):
    persons, events = cohort
    m = run(persons, events, replace=True)
    offered = m.flow_by_period.set_index("period")["controls offered"].to_dict()
    assert offered == {"2020-03": 9, "2020-05": 7, "2020-07": 5}
    md = m.matched_data
    pairs = {p: sorted(g.loc[g.treated == 0, "person_id"]) for p, g in md.groupby("period")}
    # July: 3 (60) takes 11, 4 (80) takes 10 again (used in March).
    assert pairs == {"2020-03": [10], "2020-05": [13], "2020-07": [10, 11]}
    assert md.match_id.is_unique and (md.person_id == 10).sum() == 2
    assert md.subclass.isna().all()
    flow = m.flow.set_index("step")["n"]
    assert flow["control offers (control x period)"] == 21


def test_death_or_end_on_the_index_date_is_allowed_the_day_before_is_not(cohort):
    persons, events = cohort
    run(persons, events)  # participant 2 dies on its index date: fine
    for col in ("death_date", "end_date"):
        early = persons.assign(**{col: persons[col].mask(persons.person_id == 2,
                                                         pd.Timestamp("2020-05-19"))})
        with pytest.raises(SchemaError, match=r"1 participant\(s\) have a death or end date "
                                              r"before their 'index_date', e.g. person_id \[2\]"):
            run(early, events)


@pytest.mark.parametrize("col,pid,takes", [("death_date", 13, 15), ("end_date", 15, 13)])
def test_control_leaving_the_day_before_a_month_is_not_offered(cohort, col, pid, takes):
    """Move 13's death (or 15's end) to 30 April: May no longer offers it, and 2 (70)
    takes the other one of 70.5 and 70.6."""
    persons, events = cohort
    gone = persons.assign(**{col: persons[col].mask(persons.person_id == pid,
                                                    pd.Timestamp("2020-04-30"))})
    m = run(gone, events)
    offered = m.flow_by_period.set_index("period")["controls offered"].to_dict()
    assert offered == {"2020-03": 9, "2020-05": 5, "2020-07": 4}
    assert pairs_by_subclass(m)[2] == [takes]


def test_ratio_two_weights_within_each_month(cohort):
    """ratio=2 without replacement, matching on age alone (no prior use recorded). March:
    1 (80) takes 10 (80) and 18 (85). May: 2 (70) takes 13 (70.5) and 15 (70.6). July
    offers 11 (61), 12 (50) and 17 (55): round one, 3 (60) takes 11 and 4 (80) takes 17;
    round two, 3 takes 12 and nothing is left for 4. MatchIt's weights within July: 11 and
    12 get 1/2, 17 gets 1, scaled to the 3 controls used: 0.75, 0.75, 1.5."""
    persons, _ = cohort
    events = pd.DataFrame({"person_id": [11], "event_date": pd.to_datetime(["2020-01-10"]),
                           "setting": "outpatient", "method": "planned"})
    m = run(persons, events, ratio=2)
    md = m.matched_data
    groups = {p: sorted(g.person_id) for p, g in md.groupby("period")}
    assert groups == {"2020-03": [1, 10, 18], "2020-05": [2, 13, 15],
                      "2020-07": [3, 4, 11, 12, 17]}
    w = md.set_index("person_id")["weights"]
    np.testing.assert_allclose(w.loc[[1, 10, 18, 2, 13, 15, 3, 4, 11, 12, 17]],
                               [1, 1, 1, 1, 1, 1, 1, 1, 0.75, 0.75, 1.5])
    flow = m.flow.set_index("step")["n"]
    assert flow["participants matched"] == 4 and flow["controls matched"] == 7
    offered = m.flow_by_period.set_index("period")["controls offered"].to_dict()
    assert offered == {"2020-03": 9, "2020-05": 5, "2020-07": 3}
    assert m.meta["options"]["ratio"] == 2


def test_ratio_beyond_a_month_s_offers_matches_what_is_there(cohort):
    """ratio=3 when July offers a single control: 3 takes it and 4 goes unmatched; the
    month is not refused (the pool as a whole has enough controls)."""
    persons, _ = cohort
    events = pd.DataFrame({"person_id": [11], "event_date": pd.to_datetime(["2020-01-10"]),
                           "setting": "outpatient", "method": "planned"})
    m = run(persons, events, ratio=3)
    offered = m.flow_by_period.set_index("period")["controls offered"].to_dict()
    # March: 1 (80) takes 10, 18, 15 (80, 85, 70.6); May offers 11, 12, 13, 17 and 2 (70)
    # takes 13, 11, 17 (70.5, 61, 55); July offers 12 alone.
    assert offered == {"2020-03": 9, "2020-05": 4, "2020-07": 1}
    md = m.matched_data
    groups = {p: sorted(g.person_id) for p, g in md.groupby("period")}
    assert groups["2020-03"] == [1, 10, 15, 18]
    assert groups["2020-05"] == [2, 11, 13, 17]
    assert groups["2020-07"] == [3, 12]


def test_balance_sample_is_capped_per_month(cohort):
    """max_before_rows=3 over 3 months keeps 1 unmatched candidate per month besides the
    participants and matched controls."""
    persons, events = cohort
    m = run(persons, events, max_before_rows=3, random_state=5)
    counts = m.data.groupby("period").size().to_dict()
    assert counts == {"2020-03": 3, "2020-05": 3, "2020-07": 5}
    assert m.meta["random_state"] == 5
    assert (m.weights > 0).sum() == 8
    m = run(persons, events, max_before_rows=100)
    assert m.data.groupby("period").size().to_dict() == {"2020-03": 10, "2020-05": 7,
                                                        "2020-07": 6}


def test_propensity_caliper_within_each_month():
    """With the default propensity score and caliper 0.2 SD, each month's pairs lie within
    0.2 SD (n - 1) of that month's distance; the absolute caliper is not shared."""
    persons, events = et.datasets.popp_synthetic(n_participants=40, n_pool=300,
                                                 random_state=4)
    m = run(persons, events, covariates=["age", "risk_score"], prior_measures=None,
            prior_months=12, distance="logit_ps", caliper=0.2, random_state=0)
    flow = m.flow.set_index("step")["n"]
    assert flow["participants matched"] > 15
    md = m.matched_data
    assert (md.groupby("subclass").size() == 2).all()
    assert (md.groupby("subclass").treated.sum() == 1).all()
    assert (md.groupby("subclass").period.nunique() == 1).all()
    assert md.groupby("subclass").index_date.nunique().eq(1).all()


def test_more_than_six_empty_months_are_summarised():
    """Participants enrolled in each month from January to August 2020; the one control
    dies on 31 January: seven months offer nobody. The warning names six and counts the
    seventh."""
    persons = pd.DataFrame({
        "person_id": list(range(1, 9)) + [20, 21],
        "treated": [1] * 8 + [0, 0],
        "index_date": pd.to_datetime([f"2020-{k:02d}-15" for k in range(1, 9)] + [None] * 2),
        "age": [70, 71, 72, 73, 74, 75, 76, 77, 70, 60],
        "death_date": pd.to_datetime([None] * 8 + ["2020-01-31", "2020-01-31"])})
    events = pd.DataFrame({"person_id": [20], "event_date": pd.to_datetime(["2019-12-01"]),
                           "setting": "inpatient", "method": "emergency"})
    with pytest.warns(et.exceptions.ExclusionWarning,
                      match=r"No control was available in 7 enrolment month\(s\): 2020-02 \(1 "
                            r"participant\(s\)\), .*2020-07 \(1 participant\(s\)\) and 1 more\. "
                            r"Their 7 participant\(s\) are unmatched"):
        m = et.matching.match_risk_set(persons, events, covariates=["age"],
                                       prior_measures=MEASURES, caliper=None,
                                       distance="mahalanobis", progress=False)
    flow = m.flow.set_index("step")["n"]
    assert flow["participants matched"] == 1 and flow["participants unmatched"] == 7
