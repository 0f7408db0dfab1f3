"""The pandas and DuckDB engines give identical panels and flows (property test)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import evaltools as et

SPAN = ("2019-01-01", "2022-12-31")
MEASURES = {
    "emergency": et.cohort.Measure("setting == 'inpatient' and method == 'emergency'"),
    "bed_days": et.cohort.Measure("setting == 'inpatient'", value="los", agg="sum"),
    "cost": et.cohort.Measure(value="cost", agg="sum"),
    "ae": et.cohort.Measure("setting == 'ae'"),
}


def day(lo, hi):
    return st.dates(min_value=pd.Timestamp(lo).date(), max_value=pd.Timestamp(hi).date())


@st.composite
def cohorts(draw):
    n = draw(st.integers(1, 6))
    index = draw(st.lists(day("2020-01-01", "2021-12-31"), min_size=n, max_size=n))
    death = draw(st.lists(st.none() | day("2019-06-01", "2022-12-31"), min_size=n, max_size=n))
    persons = pd.DataFrame({"person_id": np.arange(1, n + 1), "index_date": pd.to_datetime(index),
                            "death_date": pd.to_datetime(death)})
    m = draw(st.integers(0, 25))
    events = pd.DataFrame({
        "person_id": draw(st.lists(st.integers(1, n + 1), min_size=m, max_size=m)),
        "event_date": pd.to_datetime(draw(st.lists(day(*SPAN), min_size=m, max_size=m))),
        "setting": draw(st.lists(st.sampled_from(["inpatient", "ae", "outpatient"]),
                                 min_size=m, max_size=m)),
        "method": draw(st.lists(st.sampled_from(["emergency", "elective", None]), min_size=m,
                                max_size=m)),
        "los": draw(st.lists(st.integers(0, 30), min_size=m, max_size=m)),
        "cost": draw(st.lists(st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 2)),
                              min_size=m, max_size=m)),
    })
    start = draw(st.integers(-15, 0))
    window = (start, start + draw(st.integers(1, 15)))
    period = draw(st.sampled_from(["month", "year", "week", "day"]))
    return persons, events, window, period


@given(cohorts())
def test_engines_identical(case):
    persons, events, window, period = case
    kwargs = dict(measures=MEASURES, window=window, period=period, span=SPAN,
                  unknown_persons="drop")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", et.exceptions.ExclusionWarning)
        everyone_excluded = bool((persons["death_date"] < persons["index_date"]).all())
        if everyone_excluded:  # both engines refuse a panel with nobody in it
            for engine in ("pandas", "duckdb"):
                with pytest.raises(et.exceptions.SchemaError, match="No person is left"):
                    et.cohort.build_panel(persons, events, engine=engine, **kwargs)
            return
        a = et.cohort.build_panel(persons, events, engine="pandas", **kwargs)
        b = et.cohort.build_panel(persons, events, engine="duckdb", **kwargs)
    counts = ["person_id", "rel_period", "exposure", "emergency", "ae"]
    pd.testing.assert_frame_equal(a.data[counts], b.data[counts], check_exact=True)
    # Sums of non-integer amounts may differ in the last bit with summation order.
    pd.testing.assert_frame_equal(a.data[["bed_days", "cost"]], b.data[["bed_days", "cost"]],
                                  rtol=1e-12)
    pd.testing.assert_frame_equal(a.flow, b.flow)
    _flow_adds_up(a.flow, len(events))


def _flow_adds_up(flow, n_events):
    ev = flow[flow.unit == "events"].set_index("step")["n"]
    assert ev["events supplied"] == n_events
    assert ev.drop("events supplied").sum() == n_events  # every event is accounted for once


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_duckdb_reads_files(tmp_path, small_case, suffix):
    persons, events = small_case
    path = tmp_path / f"events{suffix}"
    events.to_parquet(path) if suffix == ".parquet" else events.to_csv(path, index=False)
    from_file = et.cohort.build_panel(persons, path, measures=et.cohort.STANDARD_MEASURES,
                                      window=(-1, 3), engine="duckdb")
    in_memory = et.cohort.build_panel(persons, events, measures=et.cohort.STANDARD_MEASURES,
                                      window=(-1, 3), engine="pandas")
    pd.testing.assert_frame_equal(from_file.data, in_memory.data)
    pd.testing.assert_frame_equal(from_file.flow, in_memory.flow)


def test_engines_identical_on_sample_cohort():
    persons, events = et.datasets.popp_synthetic(n_participants=100, n_pool=1000, random_state=3)
    treated = persons[persons.treated == 1]
    kwargs = dict(measures=et.cohort.STANDARD_MEASURES, unknown_persons="drop")
    a = et.cohort.build_panel(treated, events, engine="pandas", **kwargs)
    b = et.cohort.build_panel(treated, events, engine="duckdb", **kwargs)
    pd.testing.assert_frame_equal(a.data, b.data)
    pd.testing.assert_frame_equal(a.flow, b.flow)


@given(cohorts(), st.integers(1, 14), st.data())
def test_prior_use_engines_identical(case, months, data):
    persons, events, _, _ = case
    # Repeat persons with other index dates, as risk-set matching offers them.
    extra = persons.sample(n=data.draw(st.integers(0, len(persons))), replace=True,
                           random_state=1).assign(index_date=pd.Timestamp("2021-06-15"))
    offers = pd.concat([persons, extra], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", et.exceptions.ExclusionWarning)
        a = et.cohort.prior_use(offers, events, measures=MEASURES, months=months, span=SPAN)
        b = et.cohort.prior_use(offers, events, measures=MEASURES, months=months, span=SPAN,
                                engine="duckdb")
    pd.testing.assert_frame_equal(a[["prior_emergency", "prior_ae"]],
                                  b[["prior_emergency", "prior_ae"]], check_exact=True)
    pd.testing.assert_frame_equal(a, b, rtol=1e-9)
    # And by brute force for one row.
    row = offers.iloc[-1]
    since = row.index_date - pd.DateOffset(months=months)
    events = events.drop_duplicates()  # exact duplicates are dropped by default
    mine = events[(events.person_id == row.person_id) & (events.event_date >= since)
                  & (events.event_date < row.index_date)]
    assert a.iloc[-1]["prior_ae"] == (mine.setting == "ae").sum()


def test_parquet_timezone_aware_dates_are_local_on_both_engines(tmp_path):
    """A Parquet file of Europe/London timestamps: 00:30 BST on 1 June is 23:30 UTC on 31 May.
    Both engines take the wall-clock date (1 June), as for a DataFrame."""
    persons = pd.DataFrame({"person_id": [1, 2],
                            "index_date": pd.to_datetime(["2020-06-01", "2020-06-01"])})
    events = pd.DataFrame({
        "person_id": [1, 2, 1],
        "event_date": pd.to_datetime(["2020-06-01 00:30", "2020-05-31 23:30",
                                      "2020-05-15 12:00"]).tz_localize("Europe/London"),
        "setting": ["ae", "ae", "ae"]})
    path = tmp_path / "events.parquet"
    events.to_parquet(path)
    measures = {"ae": et.cohort.Measure("setting == 'ae'"),
                "june": et.cohort.Measure("event_date >= date '2020-06-01'")}
    kwargs = dict(measures=measures, window=(-1, 1), span=("2020-01-01", "2020-12-31"))
    by_hand = [1, 1, 1, 0]  # person 1: 15 May (period -1), 1 June (0); person 2: 31 May (-1)
    for source in (events, path):
        for engine in ("pandas", "duckdb"):
            data = et.cohort.build_panel(persons, source, engine=engine, **kwargs).data
            assert data["ae"].tolist() == by_hand, (engine, type(source))
            assert data["june"].tolist() == [0, 1, 0, 0]
    events.assign(event_date=events["event_date"].dt.tz_convert("America/New_York")).to_parquet(
        tmp_path / "events_ny.parquet")
    with pytest.raises(et.exceptions.SchemaError, match=r"holds timezone-aware timestamps in "
                                                        r"\['America/New_York', 'Europe/London'\]"):
        et.cohort.build_panel(persons, str(tmp_path / "events*.parquet"), engine="duckdb",
                              **kwargs)
