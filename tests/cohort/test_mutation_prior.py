"""prior_use, SortedEvents and the outlying-date warning at their boundaries.

Expected values are worked out by hand from the documented definitions: prior use covers
``[index - months calendar months, index)`` (the index day itself is not prior use; 31
March - 1 month = 29 February 2020); ``SortedEvents.window`` covers ``[start, stop)``;
an event date is an outlier when it lies more than ``max(365 days, a quarter of the core
range)`` beyond the ``k``-th date from either end, ``k = max(1, ceil(0.5% of events))``
(``events.outlying_dates``). Event amounts are powers of two, so each total says exactly
which events were counted.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.cohort import SortedEvents
from evaltools.exceptions import DataWarning, ExclusionWarning

ENGINES = ["pandas", "duckdb"]
D = pd.Timestamp
MEASURES = {"n": et.cohort.Measure(), "amount": et.cohort.Measure(value="amount", agg="sum"),
            "ae": et.cohort.Measure("setting == 'ae'")}

P1_DATES = ["2020-01-31", "2020-02-01", "2020-02-15", "2020-02-28", "2020-02-29",
            "2020-03-01", "2020-03-30", "2020-03-31"]


def prior_events():
    dates = P1_DATES + ["2020-02-29", "2020-03-31", "2019-06-30"]
    return pd.DataFrame({
        "person_id": [1] * 8 + [2, 2, 2],
        "event_date": pd.to_datetime(dates),
        "amount": [2.0 ** i for i in range(8)] + [256.0, 512.0, 1024.0],
        "setting": ["ae", "ip", "ae", "ip", "ae", "ip", "ae", "ip", "ae", "ae", "ae"]})


def amount_of(*dates):
    return sum(2.0 ** P1_DATES.index(d) for d in dates)


@pytest.mark.parametrize("engine", ENGINES)
def test_prior_use_look_back_edges(engine):
    offers = pd.DataFrame({"person_id": [1, 1, 2, 3],
                           "index_date": [D("2020-03-31"), D("2020-03-01"), D("2020-03-31"),
                                          D("2020-03-31")]},
                          index=[10, 11, 12, 13])
    persons = offers.assign(person_id=[1, 1, 2, 3])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        prior = et.cohort.prior_use(persons, prior_events(), measures=MEASURES, months=1,
                                    engine=engine)
    # Row 10: [2020-02-29, 2020-03-31): 02-29, 03-01, 03-30 (not 02-28, not the index day).
    # Row 11: [2020-02-01, 2020-03-01): 02-01, 02-15, 02-28, 02-29 (not 01-31, not 03-01).
    # Row 12: person 2, [02-29, 03-31): the 02-29 visit only.  Row 13: no events.
    assert prior["prior_n"].tolist() == [3, 4, 1, 0]
    assert prior["prior_amount"].tolist() == [
        amount_of("2020-02-29", "2020-03-01", "2020-03-30"),
        amount_of("2020-02-01", "2020-02-15", "2020-02-28", "2020-02-29"), 256.0, 0.0]
    assert prior["prior_ae"].tolist() == [2, 2, 1, 0]
    assert list(prior.index) == [10, 11, 12, 13]
    assert prior["prior_n"].dtype == np.int64 and prior["prior_amount"].dtype == np.float64
    # Eight months: [2019-07-31, 2020-03-31) leaves out person 2's 2019-06-30 event; nine
    # months start on that very day and take it, as do twelve.
    for months, expected in ((8, 1), (9, 2), (12, 2)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExclusionWarning)
            p = et.cohort.prior_use(persons.iloc[[2]], prior_events(), measures=MEASURES,
                                    months=months, engine=engine)
        assert p["prior_n"].tolist() == [expected]


@pytest.mark.parametrize("engine", ENGINES)
def test_short_look_back_warning_at_its_edge(engine):
    # The span starts 2019-06-30. Index 2020-06-30 with 12 months looks back to exactly
    # that day: no warning. Index 2020-06-29 looks back to 2019-06-29: one day short.
    events = prior_events()
    span = ("2019-06-30", "2020-12-31")
    ok = pd.DataFrame({"person_id": [1, 2], "index_date": [D("2020-06-30"), D("2020-07-31")]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        et.cohort.prior_use(ok, events, measures=MEASURES, engine=engine, span=span)
    short = ok.assign(index_date=[D("2020-06-29"), D("2020-06-28")])
    with pytest.warns(ExclusionWarning, match=r"^2 index date\(s\) are less than 12 months "
                                              r"after the start of the events \(2019-06-30\)"):
        et.cohort.prior_use(short, events, measures=MEASURES, engine=engine, span=span)
    # A later span start: from 2019-07-01, 2020-06-30 is one day short.
    with pytest.warns(ExclusionWarning, match=r"^1 index date\(s\).*\(2019-07-01\)"):
        et.cohort.prior_use(ok.iloc[[0]], events, measures=MEASURES, engine=engine,
                            span=("2019-07-01", "2020-12-31"))
    # Without a span the first event date (2019-06-30) is the start.
    if engine == "pandas":
        with pytest.warns(ExclusionWarning, match=r"^1 index date\(s\).*\(2019-06-30\)"):
            et.cohort.prior_use(short.iloc[[0]], events, measures=MEASURES)


@pytest.mark.parametrize("engine", ENGINES)
def test_prior_use_leaves_out_events_outside_the_span(engine):
    # Six months before 2020-03-01 is [2019-09-01, 2020-03-01); the span starts 2020-01-01,
    # so the 2019-12-31 event is outside the extract and not counted; 2020-01-01 is.
    events = pd.DataFrame({"person_id": [1, 1, 1], "event_date": pd.to_datetime(
        ["2019-12-31", "2020-01-01", "2020-02-10"])})
    offers = pd.DataFrame({"person_id": [1], "index_date": [D("2020-03-01")]})
    with pytest.warns(ExclusionWarning, match="fewer months"):
        prior = et.cohort.prior_use(offers, events, measures={"n": et.cohort.Measure()},
                                    months=6, span=("2020-01-01", "2020-12-31"), engine=engine)
    assert prior["prior_n"].tolist() == [2]


def test_sorted_events_windows_are_half_open_and_per_person():
    events = prior_events()
    index = SortedEvents(events, MEASURES)
    # Person 2's window starting before their first event must not pick up person 1's
    # running totals (person 1's events sort just before person 2's).
    got = index.window([2, 1, 2, 3, 1], np.array(["2018-01-01", "2020-02-29", "2020-03-01",
                                                  "2020-01-01", "2020-03-31"], dtype="M8[D]"),
                       np.array(["2019-07-01", "2020-03-31", "2020-03-31", "2021-01-01",
                                 "2020-03-31"], dtype="M8[D]"))
    assert got["prior_n"].tolist() == [1, 3, 0, 0, 0]
    assert got["prior_amount"].tolist() == [
        1024.0, amount_of("2020-02-29", "2020-03-01", "2020-03-30"), 0.0, 0.0, 0.0]
    # One date for everyone broadcasts; the person's last event is reached by stop.
    got = index.window([1, 2], "2020-03-31", "2020-04-01")
    assert got["prior_n"].tolist() == [1, 1]
    assert got["prior_amount"].tolist() == [128.0, 512.0]
    prior = index.prior([1, 2], np.datetime64("2020-03-31"), months=1)
    assert prior["prior_n"].tolist() == [3, 1]
    # The first event of the first person is counted (running total at position 0).
    first = index.window([1], "2020-01-31", "2020-02-01")
    assert first["prior_amount"].tolist() == [1.0] and first["prior_n"].tolist() == [1]


def test_sorted_events_duplicates_option():
    events = prior_events()
    events = pd.concat([events, events.iloc[[0]]], ignore_index=True)
    with pytest.warns(DataWarning, match="1 exact duplicate"):
        dropped = SortedEvents(events, MEASURES)
    with pytest.warns(DataWarning, match="kept as separate"):
        kept = SortedEvents(events, MEASURES, duplicates="keep")
    args = ([1], "2020-01-01", "2020-02-01")
    assert dropped.window(*args)["prior_n"].tolist() == [1]
    assert kept.window(*args)["prior_n"].tolist() == [2]
    assert kept.window(*args)["prior_amount"].tolist() == [2.0]


@pytest.mark.parametrize("engine", ENGINES)
def test_prior_use_duplicates_option(engine):
    events = prior_events()
    events = pd.concat([events, events.iloc[[8]]], ignore_index=True)
    offers = pd.DataFrame({"person_id": [2], "index_date": [D("2020-03-31")]})
    with pytest.warns(DataWarning, match="1 exact duplicate"):
        dropped = et.cohort.prior_use(offers, events, measures=MEASURES, months=1,
                                      engine=engine)
    with pytest.warns(DataWarning, match="kept as separate"):
        kept = et.cohort.prior_use(offers, events, measures=MEASURES, months=1, engine=engine,
                                   duplicates="keep")
    assert dropped["prior_n"].tolist() == [1] and kept["prior_n"].tolist() == [2]
    assert kept["prior_amount"].tolist() == [512.0]


# --- outlying event dates: the limit is max(365 days, a quarter of the core range) -------

def _outlier_events(dates):
    return pd.DataFrame({"person_id": 1, "event_date": pd.to_datetime(dates)})


CLUSTER = [f"2020-01-0{d}" for d in range(1, 10)]  # nine days; core range 7 days


def _warned(events, engine, tmp_path):
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-01-05")]})
    source = events
    if engine == "duckdb-file":
        source = tmp_path / "events.parquet"
        events.to_parquet(source)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        et.cohort.build_panel(persons, source, measures={"n": et.cohort.Measure()},
                              window=(0, 1), engine=engine.split("-")[0])
    return [str(w.message) for w in caught if issubclass(w.category, DataWarning)]


@pytest.mark.parametrize("engine", ["pandas", "duckdb-file"])
def test_outlying_dates_at_the_one_year_limit(engine, tmp_path):
    # Low outlier: the 2nd-lowest date (k = 1) is 2020-01-01, so the limit is 2019-01-01
    # (365 days before); exactly there is not an outlier, a day earlier is.
    assert _warned(_outlier_events(["2019-01-01", *CLUSTER]), engine, tmp_path) == []
    msgs = _warned(_outlier_events(["2018-12-31", *CLUSTER]), engine, tmp_path)
    assert len(msgs) == 1
    assert "1 event date(s) lie far outside the rest (2020-01-01 to 2020-01-09)" in msgs[0]
    assert "['2018-12-31']" in msgs[0]
    # High outlier: the 2nd-highest date is 2020-01-09; the limit is 2021-01-08.
    assert _warned(_outlier_events([*CLUSTER, "2021-01-08"]), engine, tmp_path) == []
    msgs = _warned(_outlier_events([*CLUSTER, "2021-01-09"]), engine, tmp_path)
    assert len(msgs) == 1 and "['2021-01-09']" in msgs[0]


@pytest.mark.parametrize("engine", ["pandas", "duckdb-file"])
def test_outlying_dates_beyond_a_quarter_of_a_long_range(engine, tmp_path):
    # Nine core dates 250 days apart and one low date: the 2nd-lowest and 2nd-highest
    # dates are the 1st and 8th core dates, 1,750 days apart, so the limit is
    # int(0.25 * 1750) = 437 days below the first core date.
    core = pd.date_range("2010-01-01", periods=9, freq="250D").strftime("%Y-%m-%d").tolist()
    low = pd.Timestamp("2010-01-01")
    at_limit = (low - pd.Timedelta(days=437)).strftime("%Y-%m-%d")
    beyond = (low - pd.Timedelta(days=438)).strftime("%Y-%m-%d")
    persons_index = "2012-01-01"
    for dates, n_warned in (([at_limit, *core], 0), ([beyond, *core], 1)):
        events = _outlier_events(dates)
        persons = pd.DataFrame({"person_id": [1], "index_date": [D(persons_index)]})
        source = events
        if engine == "duckdb-file":
            source = tmp_path / f"e{n_warned}.parquet"
            events.to_parquet(source)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            et.cohort.build_panel(persons, source, measures={"n": et.cohort.Measure()},
                                  window=(0, 1), engine=engine.split("-")[0])
        found = [w for w in caught if "far outside" in str(w.message)]
        assert len(found) == n_warned


@pytest.mark.parametrize("engine", ["pandas", "duckdb-file"])
def test_outlying_dates_k_grows_with_the_number_of_events(engine, tmp_path):
    # 201 events: k = ceil(0.005 * 201) = 2, so two far-off dates are both outliers
    # (with k = 1 the second one would set the limit and neither would be named).
    days = pd.date_range("2020-01-01", periods=199, freq="D").strftime("%Y-%m-%d").tolist()
    msgs = _warned(_outlier_events(["2015-01-01", "2015-01-02", *days]), engine, tmp_path)
    assert len(msgs) == 1 and "2 event date(s)" in msgs[0]
    # 200 events: k = 1, so the second far-off date is the reference and nothing is named.
    msgs = _warned(_outlier_events(["2015-01-01", "2015-01-02", *days[:-1]]), engine,
                   tmp_path)
    assert msgs == []
    # Fewer than three events: nothing to say.
    assert _warned(_outlier_events(["1990-01-01", "2020-01-05"]), engine, tmp_path) == []
