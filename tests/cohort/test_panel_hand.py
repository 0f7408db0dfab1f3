"""build_panel on a small case whose every cell was worked out by hand."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et

MEASURES = et.cohort.STANDARD_MEASURES


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_hand_computed_panel(small_case, engine):
    persons, events = small_case
    panel = et.cohort.build_panel(persons, events, measures=MEASURES, window=(-1, 3),
                                  engine=engine, carry=["treated"])
    d = panel.data.set_index(["person_id", "rel_period"])
    # Person 1, index 2020-01-31. Period -1 = [2019-12-31, 2020-01-31): the 2020-01-30
    # emergency stay (3 days); the span starts 2020-01-01 (first event) so 30 of 31 days
    # are observed. Period 0 = [01-31, 02-29): the elective stay on the index date.
    # Period 1 = [02-29, 03-31): the outpatient visit on 02-29 (the boundary day).
    assert d.loc[(1, -1), "emergency_admissions"] == 1
    assert d.loc[(1, -1), "bed_days"] == 3
    assert d.loc[(1, -1), "exposure"] == pytest.approx(30 / 31)
    assert d.loc[(1, 0), "elective_admissions"] == 1
    assert d.loc[(1, 0), "emergency_admissions"] == 0
    assert d.loc[(1, 1), "outpatient_attendances"] == 1
    assert d.loc[(1, 1), "cost"] == 100.0
    # Person 2, index 03-15, died 04-14: period 0 = [03-15, 04-15) fully observed (the
    # death day counts), periods 1 and 2 unobserved. The A&E visit on 04-20 is after death.
    assert d.loc[(2, 0), "emergency_admissions"] == 1
    assert d.loc[(2, 0), "exposure"] == 1.0
    assert d.loc[(2, 1), "exposure"] == 0.0
    assert d.loc[(2, 2), "exposure"] == 0.0
    assert d.loc[(2, 0), "ae_visits"] + d.loc[(2, 1), "ae_visits"] == 0
    # Person 3, index 02-01: A&E on 01-01 is period -1; the 05-01 stay is period 3, outside.
    assert d.loc[(3, -1), "ae_visits"] == 1
    assert d.loc[(3, [0, 1, 2]), "emergency_admissions"].sum() == 0
    # Every person has every period; carried column present.
    assert len(panel.data) == 3 * 4
    assert d.loc[(2, 0), "treated"] == 0
    flow = panel.flow.set_index("step")["n"]
    assert flow["events supplied"] == 7
    assert flow["excluded: after death or end of registration"] == 1
    assert flow["excluded: outside the window"] == 1
    assert flow["events in the panel"] == 5


def test_dtypes_and_order(small_case):
    persons, events = small_case
    data = et.cohort.build_panel(persons, events, measures=MEASURES, window=(-1, 3)).data
    assert list(data.columns[:3]) == ["person_id", "rel_period", "exposure"]
    assert data["emergency_admissions"].dtype == np.int32  # counts are compact
    assert data["rel_period"].dtype == np.int32
    assert data["bed_days"].dtype == np.float64
    assert data["rel_period"].is_monotonic_increasing is False  # resets for each person
    assert (data.groupby("person_id")["rel_period"].apply(list) == [[-1, 0, 1, 2]] * 3).all()


def test_persons_without_events_get_zero_rows(small_case):
    persons, events = small_case
    extra = pd.concat([persons, pd.DataFrame({"person_id": [9], "index_date": [
        pd.Timestamp("2020-02-10")], "treated": [0]})], ignore_index=True)
    data = et.cohort.build_panel(extra, events, measures=MEASURES, window=(-2, 2)).data
    nine = data[data.person_id == 9]
    assert len(nine) == 4
    assert nine[list(MEASURES)].to_numpy().sum() == 0


def test_years_and_explicit_span(small_case):
    persons, events = small_case
    panel = et.cohort.build_panel(persons, events, measures=MEASURES, window=(-1, 1),
                                  period="year", span=("2019-01-01", "2020-12-31"))
    d = panel.data.set_index(["person_id", "rel_period"])
    # Person 1: year -1 = [2019-01-31, 2020-01-31), fully inside the span.
    assert d.loc[(1, -1), "exposure"] == 1.0
    assert d.loc[(1, -1), "emergency_admissions"] == 1
    assert d.loc[(1, 0), "elective_admissions"] == 1
    assert d.loc[(1, 0), "outpatient_attendances"] == 1
    # Person 2 died 2020-04-14: year 0 [2020-03-15, 2021-03-15) observed for 31 of 365 days.
    assert d.loc[(2, 0), "exposure"] == pytest.approx(31 / 365)
    # Person 3's 2020-05-01 stay is now inside year 0.
    assert d.loc[(3, 0), "emergency_admissions"] == 1


def test_prior_use_with_repeated_persons(small_case):
    persons, events = small_case
    # Person 1 offered at two pseudo index dates (as in risk-set matching).
    offers = pd.DataFrame({"person_id": [1, 1, 3],
                           "index_date": pd.to_datetime(["2020-03-01", "2020-01-31",
                                                         "2020-06-01"])})
    prior = et.cohort.prior_use(offers, events, measures=MEASURES, months=2,
                                span=("2019-01-01", "2020-12-31"))
    # [2020-01-01, 2020-03-01): emergency 01-30, elective 01-31, outpatient 02-29.
    assert prior.iloc[0].to_dict() == {
        "prior_emergency_admissions": 1, "prior_elective_admissions": 1,
        "prior_outpatient_attendances": 1, "prior_ae_visits": 0, "prior_bed_days": 4.0,
        "prior_cost": 1600.5}
    # [2019-11-30, 2020-01-31): only the emergency stay on 01-30 (the index day is excluded).
    assert prior.iloc[1]["prior_emergency_admissions"] == 1
    assert prior.iloc[1]["prior_elective_admissions"] == 0
    # Person 3, [2020-04-01, 2020-06-01): the 05-01 emergency stay.
    assert prior.iloc[2]["prior_emergency_admissions"] == 1
    assert list(prior.index) == list(offers.index)


def test_key_col_panel_for_repeated_persons(small_case):
    persons, events = small_case
    units = pd.DataFrame({"unit_id": ["a", "b"], "person_id": [1, 1],
                          "index_date": pd.to_datetime(["2020-01-31", "2020-02-29"])})
    panel = et.cohort.build_panel(units, events, measures=MEASURES, window=(0, 1),
                                  key_col="unit_id", unknown_persons="drop")
    d = panel.data.set_index("unit_id")
    assert d.loc["a", "elective_admissions"] == 1 and d.loc["a", "outpatient_attendances"] == 0
    assert d.loc["b", "outpatient_attendances"] == 1 and d.loc["b", "elective_admissions"] == 0
    assert (d["person_id"] == 1).all()


def test_result_renders(small_case):
    persons, events = small_case
    panel = et.cohort.build_panel(persons, events, measures=MEASURES, window=(-1, 3),
                                  carry=["treated"])
    assert "Person-period panel" in str(panel)
    assert "<table" in panel._repr_html_() and "Flow" in panel._repr_html_()
    summary = panel.summary()
    assert summary.loc["emergency_admissions", "total"] == 2
    ax = panel.plot("emergency_admissions", by="treated")
    assert "relative to index date" in ax.get_xlabel()
    assert panel.meta["options"]["engine"] == "pandas"
