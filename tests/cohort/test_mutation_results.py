"""What a panel result shows, dates read by the ISO rule, NaN amounts on files, and the
options of SortedEvents; each case built so a one-line change alters what is shown.

Reference values are the documented ones: rates are per 1,000 person-periods of
exposure; plots label the x axis in the panel's period unit; text dates follow ISO 8601
(``YYYY-MM-DD`` with an optional time, either separator); NaN in a float column counts
as missing on both engines (``evaltools.cohort.compile`` docstring).
"""

import matplotlib
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import evaltools as et
from evaltools.cohort import SortedEvents
from evaltools.exceptions import ParameterError, SchemaError

matplotlib.use("Agg")
D = pd.Timestamp


@pytest.fixture(scope="module")
def result():
    persons = pd.DataFrame({"person_id": [1, 2], "index_date": [D("2020-02-01"),
                                                                 D("2020-03-01")],
                            "group": ["a", "b"]})
    events = pd.DataFrame({"person_id": [1, 2, 2],
                           "event_date": pd.to_datetime(["2020-01-05", "2020-02-20",
                                                         "2020-03-14"])})
    return et.cohort.build_panel(persons, events, measures={"ae_visits": et.cohort.Measure()},
                                 window=(-1, 1), period="week", carry=["group"],
                                 span=("2020-01-01", "2020-12-31"))


def test_text_and_html_name_units_window_span_engine_and_flow(result):
    text = str(result)
    assert "2 units x periods (-1, 1) (weeks); span ('2020-01-01', '2020-12-31'); " \
           "engine pandas." in text
    assert "Rates are per 1,000 person-periods of exposure" in text
    html = result._repr_html_()
    assert "<strong>Flow</strong>" in html
    assert "events supplied" in html and "excluded: outside the window" in html
    assert html.count("<table") == 2


def test_summary_table_layout(result):
    s = result.summary()
    assert s.index.name == "measure"
    assert list(s.index) == ["ae_visits"] and list(s.columns) == [
        "total", "rate_before", "rate_from_index"]
    # Weeks: person 1 [01-25, 02-01) and [02-01, 02-08), person 2 [02-23, 03-01) and
    # [03-01, 03-08): one event before (02-20 is week -2 of person 2: outside), none from.
    assert s.loc["ae_visits", "total"] == 0


def test_plot_labels_and_index_line(result):
    ax = result.plot("ae_visits", by="group")
    assert ax.get_xlabel() == "weeks relative to index date (0 = first week from index)"
    assert ax.get_ylabel() == "ae visits per person per week"
    line = [ln for ln in ax.get_lines() if list(ln.get_xdata()) == [0, 0]][0]
    assert line.get_linewidth() == 1 and line.get_linestyle() == "--"
    assert ax.get_legend() is not None
    matplotlib.pyplot.close("all")


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_iso_dates_with_mixed_time_forms(engine, tmp_path):
    # All are ISO 8601: the date alone, with 'T' and with a space, with seconds and
    # fractions. Each must be read as its own calendar day.
    persons = pd.DataFrame({"person_id": [1], "index_date": ["2020-01-05"]})
    events = pd.DataFrame({"person_id": [1] * 4,
                           "event_date": ["2020-01-05", "2020-01-06T10:30",
                                          "2020-01-07 23:59:59.5", "2020-01-04 10:00:00"]})
    res = et.cohort.build_panel(persons, events, measures={"n": et.cohort.Measure()},
                                window=(-1, 3), period="day", engine=engine)
    assert res.data["n"].tolist() == [1, 1, 1, 1]
    with pytest.raises(SchemaError, match="1 value"):
        et.cohort.build_panel(persons, events.assign(event_date=["2020-01-05", "05/01/2020",
                                                                 "2020-01-07", "2020-01-04"]),
                              measures={"n": et.cohort.Measure()}, window=(-1, 3),
                              period="day", engine=engine)


def test_nan_amounts_in_a_parquet_file_are_missing(tmp_path):
    # A file written with real NaN (not null) in a float column: DuckDB must treat NaN
    # as missing, as pandas does, in 'is null', 'is not null' and comparisons.
    table = pa.table({"person_id": pa.array([1, 1, 1]),
                      "event_date": pa.array(pd.to_datetime(["2020-01-05", "2020-01-06",
                                                             "2020-01-07"]).values),
                      "los": pa.array(np.array([2.0, np.nan, 0.0]), from_pandas=False)})
    path = tmp_path / "nan.parquet"
    pq.write_table(table, path)
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-01-05")]})
    measures = {"null": et.cohort.Measure("los is null"),
                "known": et.cohort.Measure("los is not null"),
                "pos": et.cohort.Measure("los >= 0"), "neq": et.cohort.Measure("los != 2"),
                "inl": et.cohort.Measure("los not in [2]")}
    expected = {"null": 1, "known": 2, "pos": 2, "neq": 1, "inl": 1}
    for source, engine in ((path, "duckdb"), (pd.read_parquet(path), "pandas")):
        res = et.cohort.build_panel(persons, source, measures=measures, window=(0, 1),
                                    engine=engine)
        assert res.data[list(expected)].iloc[0].to_dict() == expected, engine
        # A NaN amount on an event the measure sums is refused on both engines.
        with pytest.raises(SchemaError, match="missing for 1 and infinite for 0"):
            et.cohort.build_panel(persons, source, engine=engine, window=(0, 1), measures={
                "los": et.cohort.Measure(value="los", agg="sum")})


def test_sorted_events_duplicates_error_and_bad_option():
    events = pd.DataFrame({"person_id": [1, 1], "event_date": pd.to_datetime(
        ["2020-01-05", "2020-01-05"])})
    with pytest.raises(SchemaError, match="1 exact duplicate"):
        SortedEvents(events, {"n": et.cohort.Measure()}, duplicates="error")
    with pytest.raises(ParameterError, match="'duplicates' parameter of SortedEvents"):
        SortedEvents(events, {"n": et.cohort.Measure()}, duplicates="first")


@pytest.mark.parametrize("engine", ["pandas", "duckdb", "duckdb-file"])
def test_measure_selecting_nothing_names_the_values_seen(engine, tmp_path):
    events = pd.DataFrame({"person_id": [1, 1, 1, 1],
                           "event_date": pd.to_datetime(["2020-01-05", "2020-01-06",
                                                         "2020-01-07", "2020-01-08"]),
                           "setting": ["op", "inpatient", "ae", "op"]})
    source = events
    if engine == "duckdb-file":
        source = tmp_path / "events.parquet"
        events.to_parquet(source)
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-01-05")]})
    with pytest.warns(et.exceptions.DataWarning) as caught:
        et.cohort.build_panel(persons, source, measures={"m": et.cohort.Measure(
            "setting == 'AE'")}, window=(0, 1), engine=engine.split("-")[0])
    assert str(caught[0].message).startswith(
        "Measure 'm' (setting == 'AE') selects none of the 4 events; 'setting' has "
        "['ae', 'inpatient', 'op']. Its totals are all zero.")


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_text_dates_with_missing_values(engine):
    # Death dates as ISO text with a gap (alive): person 1 dies 2020-01-10, in period 0 of
    # 31 days [01-05, 02-05), 6 days observed; person 2 is alive throughout.
    persons = pd.DataFrame({"person_id": [1, 2], "index_date": ["2020-01-05", "2020-01-05"],
                            "death_date": ["2020-01-10", None]})
    events = pd.DataFrame({"person_id": [1, 2], "event_date": ["2020-01-05", "2020-02-04"]})
    res = et.cohort.build_panel(persons, events, measures={"n": et.cohort.Measure()},
                                window=(0, 1), engine=engine)
    assert res.data["exposure"].tolist() == pytest.approx([6 / 31, 1.0])
    assert res.data["n"].tolist() == [1, 1]


def test_rates_by_a_categorical_column_show_only_groups_present():
    persons = pd.DataFrame({"person_id": [1, 2], "index_date": [D("2020-01-05")] * 2,
                            "arm": pd.Categorical(["a", "b"], categories=["a", "b", "c"])})
    events = pd.DataFrame({"person_id": [1, 2, 2], "event_date": pd.to_datetime(
        ["2020-01-05", "2020-01-06", "2020-01-07"])})
    res = et.cohort.build_panel(persons, events, measures={"n": et.cohort.Measure()},
                                window=(0, 1), carry=["arm"], span=("2020-01-01", "2020-12-31"))
    r = res.rates("n", by="arm")
    assert list(r["arm"]) == ["a", "b"] and r["rate"].tolist() == [1.0, 2.0]


@pytest.mark.parametrize("engine", ["pandas", "duckdb-file"])
def test_three_events_are_enough_to_name_an_outlier(engine, tmp_path):
    # Three dates: k = 1, so the middle one (2020-01-01) sets both limits (a year either
    # side); 2010-01-01 is far outside.
    events = pd.DataFrame({"person_id": 1, "event_date": pd.to_datetime(
        ["2010-01-01", "2020-01-01", "2020-01-02"])})
    source = events
    if engine == "duckdb-file":
        source = tmp_path / "e.parquet"
        events.to_parquet(source)
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-01-01")]})
    with pytest.warns(et.exceptions.DataWarning, match=r"1 event date\(s\) lie far outside "
                                                       r"the rest \(2020-01-01 to 2020-01-02\)"):
        et.cohort.build_panel(persons, source, measures={"n": et.cohort.Measure()},
                              window=(0, 1), engine=engine.split("-")[0])


@pytest.mark.parametrize("engine", ["pandas", "duckdb", "duckdb-file"])
def test_empty_events_cannot_give_a_span(engine, tmp_path):
    events = pd.DataFrame({"person_id": pd.Series([], dtype="int64"),
                           "event_date": pd.Series([], dtype="datetime64[ns]")})
    source = events
    if engine == "duckdb-file":
        source = tmp_path / "empty.parquet"
        events.to_parquet(source)
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-01-01")]})
    kwargs = dict(measures={"n": et.cohort.Measure()}, window=(0, 1),
                  engine=engine.split("-")[0])
    with pytest.warns(et.exceptions.DataWarning, match="no rows"):
        with pytest.raises(SchemaError, match="events table is empty"):
            et.cohort.build_panel(persons, source, **kwargs)
    with pytest.warns(et.exceptions.DataWarning, match="no rows"):
        res = et.cohort.build_panel(persons, source, span=("2020-01-01", "2020-12-31"),
                                    **kwargs)
    assert res.data["n"].tolist() == [0] and res.data["exposure"].tolist() == [1.0]


def test_parquet_column_types_read_by_duckdb(tmp_path):
    # DATE event dates, SMALLINT and UINTEGER counts, FLOAT amounts, and two time-zone-aware
    # columns: each is read with its kind, so comparisons are checked and computed as for a
    # DataFrame.
    table = pa.table({
        "person_id": pa.array([1, 1, 1], pa.int64()),
        "event_date": pa.array(pd.to_datetime(["2020-01-05", "2020-01-06", "2020-01-07"])
                               .date, pa.date32()),
        "n16": pa.array([1, 2, 3], pa.int16()), "u32": pa.array([5, 6, 7], pa.uint32()),
        "f32": pa.array([0.5, np.nan, 2.5], pa.float32()),
        "t1": pa.array(pd.to_datetime(["2020-01-05 12:00"] * 3).tz_localize("UTC")),
        "t2": pa.array(pd.to_datetime(["2020-01-05 23:30"] * 3).tz_localize("UTC")),
    })
    path = tmp_path / "types.parquet"
    pq.write_table(table, path)
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-01-05")]})
    measures = {"a": et.cohort.Measure("n16 >= 2"), "b": et.cohort.Measure("u32 < 7"),
                "c": et.cohort.Measure("f32 is null"),
                "d": et.cohort.Measure("t2 >= date '2020-01-05'")}
    res = et.cohort.build_panel(persons, path, measures=measures, window=(0, 1),
                                engine="duckdb")
    assert res.data[["a", "b", "c", "d"]].iloc[0].tolist() == [2, 2, 1, 3]
    for where, kind in (("n16 == 'x'", "number"), ("u32 == 'x'", "number"),
                        ("f32 == 'x'", "float")):
        with pytest.raises(ParameterError, match=rf"column '{where[:3]}' \({kind}\)"):
            et.cohort.build_panel(persons, path, measures={"m": et.cohort.Measure(where)},
                                  window=(0, 1), engine="duckdb")


def test_event_dates_of_a_time_type_are_refused(tmp_path):
    table = pa.table({"person_id": pa.array([1], pa.int64()),
                      "event_date": pa.array([12 * 3600 * 10**6], pa.time64("us"))})
    path = tmp_path / "time.parquet"
    pq.write_table(table, path)
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-01-05")]})
    with pytest.raises(SchemaError, match="has type TIME, not a date"):
        et.cohort.build_panel(persons, path, measures={"n": et.cohort.Measure()},
                              window=(0, 1), engine="duckdb")
