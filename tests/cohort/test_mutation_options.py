"""Option limits of the cohort functions, each exactly at, just inside and just past its
documented boundary (docstrings of build_panel, prior_use, Period, check_span and
schema.MAX_AMOUNT): a window reaching 200 years, look-backs of 1 to 1,200 months, period
steps, a span of one day, and amounts up to 1e150.
"""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.cohort import Period, add_months
from evaltools.cohort.options import (
    check_months,
    check_span,
    check_window,
    check_window_reach,
)
from evaltools.exceptions import ParameterError, SchemaError


@pytest.mark.parametrize("unit, reach", [
    ("month", 12 * 200), ("year", 200), ("day", 73050),  # 200 * 365.25 days
    ("week", 10435),  # 10,435 weeks = 73,045 days, within 200 years; 10,436 is past them
])
def test_window_reach_at_200_years(unit, reach):
    period = Period(unit)
    check_window_reach((-reach, 1), period)
    check_window_reach((0, reach), period)
    with pytest.raises(ParameterError, match="at most 200 are allowed"):
        check_window_reach((-reach - 1, 1), period)
    with pytest.raises(ParameterError, match="at most 200 are allowed"):
        check_window_reach((0, reach + 1), period)


def test_window_reach_counts_multi_month_steps():
    # Quarters (3-month steps): 800 quarters are 200 years.
    check_window_reach((0, 800), Period("month", 3))
    with pytest.raises(ParameterError, match="reaches 200 years"):
        check_window_reach((0, 801), Period("month", 3))


def test_window_must_be_increasing():
    assert check_window((-1, 0)) == (-1, 0)
    assert check_window(np.array([2, 5])) == (2, 5)
    for bad in [(0, 0), (3, 2), (0.0, 1), (True, 2), (0, 1, 2), "0,1"]:
        with pytest.raises(ParameterError, match="'window' parameter"):
            check_window(bad)


def test_months_from_1_to_1200():
    assert check_months(1, "prior_use") == 1
    assert check_months(1200, "prior_use") == 1200
    assert check_months(np.int64(7), "prior_use") == 7
    for bad in (0, 1201, -1, True, 12.0):
        with pytest.raises(ParameterError, match=r"int in \[1, 1200\]"):
            check_months(bad, "prior_use")
    with pytest.raises(ParameterError, match=r"'window' parameter of f must be an int in \[1, 5\]"):
        check_months(6, "f", name="window", high=5)


def test_period_step_limits_and_lengths():
    assert Period("month", 12000).months == 12000
    assert Period("year", 2).months == 24
    assert Period("week", 2).days == 14 and Period("week").months is None
    assert Period("day", 3).days == 3 and Period("month").days == 0
    for step in (0, 12001, True, 1.0):
        with pytest.raises(ParameterError, match="'step' parameter of Period"):
            Period("month", step)
    # Two-week periods: period 1 of index 2020-01-01 starts 2020-01-15.
    p = Period("week", 2)
    index = np.array(["2020-01-01"], dtype="M8[D]")
    assert p.boundary(index, np.array([1]))[0] == np.datetime64("2020-01-15")
    dates = np.array(["2020-01-14", "2020-01-15", "2019-12-31", "2019-12-18"], dtype="M8[D]")
    assert p.relative(np.repeat(index, 4), dates).tolist() == [0, 1, -1, -1]
    # Quarters: index 2020-01-31, quarter 1 starts 2020-04-30 (clipped), -1 on 2019-10-31.
    q = Period("month", 3)
    idx = np.repeat(np.array(["2020-01-31"], dtype="M8[D]"), 4)
    d = np.array(["2020-04-29", "2020-04-30", "2019-10-31", "2019-10-30"], dtype="M8[D]")
    assert q.relative(idx, d).tolist() == [0, 1, -1, -2]


def test_add_months_limits():
    day = np.array(["2000-03-31"], dtype="M8[D]")
    assert add_months(day, -1)[0] == np.datetime64("2000-02-29")
    assert add_months(day, 12000)[0] == np.datetime64("3000-03-31")
    assert add_months(day, np.array([1.0]))[0] == np.datetime64("2000-04-30")
    for bad in (12001, -12001, 1.5, np.nan):
        with pytest.raises(ParameterError, match="whole numbers of months"):
            add_months(day, bad)
    with pytest.raises(ParameterError, match="must hold dates"):
        add_months(np.array([20200101]), 1)
    assert add_months(np.array([], dtype="M8[D]"), 1).size == 0


def test_span_of_one_day_and_reversed():
    first, last = check_span(("2020-01-01", "2020-01-01"), "build_panel")
    assert first == last == np.datetime64("2020-01-01")
    assert check_span(np.array(["2020-01-01", "2020-02-01"]), "f")[1] == np.datetime64(
        "2020-02-01")
    with pytest.raises(ParameterError, match="first <= last"):
        check_span(("2020-01-02", "2020-01-01"), "build_panel")
    for bad in (("2020-01-01",), (1, 2), ("2020-01-01", None), "2020-01-01", ("x", "y")):
        with pytest.raises(ParameterError, match="must be two dates"):
            check_span(bad, "build_panel")


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_amounts_up_to_1e150(engine):
    persons = pd.DataFrame({"person_id": [1], "index_date": [pd.Timestamp("2020-01-05")]})
    events = pd.DataFrame({"person_id": [1, 1], "event_date": pd.to_datetime(
        ["2020-01-05", "2020-01-06"]), "cost": [1e150, 0.0]})
    measures = {"cost": et.cohort.Measure(value="cost", agg="sum")}
    res = et.cohort.build_panel(persons, events, measures=measures, window=(0, 1),
                                engine=engine)
    assert res.data["cost"].iloc[0] == 1e150
    with pytest.raises(SchemaError, match="1 value"):
        et.cohort.build_panel(persons, events.assign(cost=[1.0000001e150, 0.0]),
                              measures=measures, window=(0, 1), engine=engine)
    with pytest.raises(SchemaError, match="1 negative"):
        et.cohort.build_panel(persons, events.assign(cost=[-0.01, 0.0]), measures=measures,
                              window=(0, 1), engine=engine)
