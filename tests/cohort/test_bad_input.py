"""Bad input gets an error that names the column, the rows and the fix."""

import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning, ExclusionWarning, ParameterError, SchemaError

MEASURES = et.cohort.STANDARD_MEASURES


def build(persons, events, **kwargs):
    kwargs.setdefault("window", (-1, 3))
    return et.cohort.build_panel(persons, events, measures=kwargs.pop("measures", MEASURES),
                                 **kwargs)


def test_duplicate_person_ids(small_case):
    persons, events = small_case
    dup = pd.concat([persons, persons.iloc[[1]]], ignore_index=True)
    with pytest.raises(SchemaError, match=r"'person_id' of the persons table must be unique.*"
                                          r"1 value\(s\).*\[2\].*one row per person_id"):
        build(dup, events)


def test_events_for_unknown_persons(small_case):
    persons, events = small_case
    stray = pd.concat([events, events.iloc[[0]].assign(person_id=77)], ignore_index=True)
    with pytest.raises(SchemaError, match=r"1 event\(s\) for persons not in the persons table, "
                                          r"e.g. person_id \[77\].*unknown_persons='drop'"):
        build(persons, stray)
    for engine in ("pandas", "duckdb"):
        flow = build(persons, stray, unknown_persons="drop", engine=engine).flow
        assert flow.set_index("step").loc["excluded: person not in the persons table", "n"] == 1


@pytest.mark.parametrize("bad", [None, "not a date"])
def test_missing_or_unparseable_event_dates(small_case, bad):
    persons, events = small_case
    events = events.astype({"event_date": object})
    events.loc[2, "event_date"] = bad
    pattern = "missing value" if bad is None else "not ISO dates.*'not a date'"
    with pytest.raises(SchemaError, match=rf"'event_date' of the events table.*{pattern}"):
        build(persons, events)


def test_unparseable_index_date(small_case):
    persons, events = small_case
    persons = persons.astype({"index_date": object})
    persons.loc[0, "index_date"] = "31/31/2020"
    with pytest.raises(SchemaError, match=r"'index_date' of the persons table.*not ISO dates.*"
                                          r"person_id \[1\].*ISO dates"):
        build(persons, events)


def test_missing_index_date_error_or_counted_drop(small_case):
    persons, events = small_case
    persons.loc[2, "index_date"] = pd.NaT
    with pytest.raises(SchemaError, match=r"'index_date'.*1 missing value\(s\), at person_id "
                                          r"\[3\].*missing_index='drop'"):
        build(persons, events)
    flow = build(persons, events, missing_index="drop", unknown_persons="drop").flow
    flow = flow.set_index("step")["n"]
    assert flow["excluded: no index date"] == 1
    assert flow["persons in the panel"] == 2
    assert flow["excluded: person excluded above"] == 2  # person 3's two events


def test_index_dates_outside_span(small_case):
    persons, events = small_case
    persons.loc[0, "index_date"] = pd.Timestamp("2025-01-01")
    with pytest.raises(SchemaError, match=r"1 index date\(s\) outside the data's span 2020-01-01 "
                                          r"to 2020-05-01.*person_id \[1\]"):
        build(persons, events)


def test_index_date_after_death_is_excluded_and_counted(small_case):
    persons, events = small_case
    persons.loc[1, "death_date"] = pd.Timestamp("2020-03-01")  # index is 2020-03-15
    with pytest.warns(ExclusionWarning, match=r"1 person\(s\) have an index date after their "
                                              r"death.*person_id \[2\]"):
        panel = build(persons, events)
    flow = panel.flow.set_index("step")["n"]
    assert flow["excluded: index date after death"] == 1
    assert flow["excluded: person excluded above"] == 2
    assert set(panel.data.person_id) == {1, 3}


def test_negative_length_of_stay(small_case):
    persons, events = small_case
    events.loc[3, "los"] = -2
    with pytest.raises(SchemaError, match=r"'los' of the events table has 1 negative length of "
                                          r"stay.*person_id \[2\]"):
        build(persons, events)


def test_negative_values_from_files_with_duckdb(tmp_path, small_case):
    persons, events = small_case
    events.loc[3, "los"] = -2
    events.to_parquet(tmp_path / "ev.parquet")
    with pytest.raises(SchemaError, match=r"'los' of the events table has 1 negative"):
        build(persons, tmp_path / "ev.parquet", engine="duckdb")


def test_measure_naming_missing_column(small_case):
    persons, events = small_case
    measures = {"stays": et.cohort.Measure("admission_type == 'emergency'")}
    with pytest.raises(SchemaError, match=r"Measure 'stays' reads column\(s\) "
                                          r"\['admission_type'\].*does not have"):
        build(persons, events, measures=measures)
    measures = {"days": et.cohort.Measure(value="bed_days", agg="sum")}
    with pytest.raises(SchemaError, match=r"\['bed_days'\]"):
        build(persons, events, measures=measures)


def test_missing_columns(small_case):
    persons, events = small_case
    with pytest.raises(SchemaError, match=r"persons table has no column \['enrolment'\].*"
                                          r"index_col="):
        build(persons, events, index_col="enrolment")
    with pytest.raises(SchemaError, match=r"events table has no column \['person_id'\]"):
        build(persons, events.rename(columns={"person_id": "pid"}))


def test_bad_options(small_case):
    persons, events = small_case
    with pytest.raises(ParameterError, match=r"'engine' parameter of build_panel must be one of "
                                             r"'pandas', 'duckdb'. Got 'spark' instead"):
        build(persons, events, engine="spark")
    with pytest.raises(ParameterError, match=r"'window' parameter.*start < stop.*\(3, 1\)"):
        build(persons, events, window=(3, 1))
    with pytest.raises(ParameterError, match=r"'period' parameter.*Got 'fortnight'"):
        build(persons, events, period="fortnight")
    with pytest.raises(ParameterError, match=r"'value' parameter of Measure must name a column"):
        et.cohort.Measure(agg="sum")
    with pytest.raises(ParameterError, match=r"Measure name 'exposure'"):
        build(persons, events, measures={"exposure": et.cohort.Measure()})


def test_check_tables_describes_and_rejects(small_case):
    persons, events = small_case
    facts = et.cohort.check_tables(persons, events)["value"]
    assert facts["persons"] == 3 and facts["events"] == 7
    assert facts["first event date"] == "2020-01-01"
    assert facts["persons with a death_date"] == 1
    stray = pd.concat([events, events.iloc[[0]].assign(person_id=77)], ignore_index=True)
    assert et.cohort.check_tables(persons, stray)["value"][
        "events of persons not in the persons table"] == 1
    events.loc[0, "los"] = -1
    with pytest.raises(SchemaError, match="negative length of stay"):
        et.cohort.check_tables(persons, events)


# --- dates, ids, duplicates, outlying dates, amounts, sizes: every engine -----------------

ENGINES = ["pandas", "duckdb", "duckdb-file"]


def on(engine, events, tmp_path, suffix=".parquet"):
    """The events as the engine will read them: a DataFrame, or a file for DuckDB."""
    if engine != "duckdb-file":
        return events, engine
    path = tmp_path / f"events{suffix}"
    events.to_parquet(path) if suffix == ".parquet" else events.to_csv(path, index=False)
    return path, "duckdb"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("dtype", ["int64", "float64"])
def test_numeric_event_dates_refused(small_case, engine, dtype, tmp_path):
    persons, events = small_case
    events = events.assign(event_date=events.event_date.astype("int64").astype(dtype))
    source, eng = on(engine, events, tmp_path)
    with pytest.raises(SchemaError, match=r"'event_date' of the events table holds numbers "
                                          r"\((int64|float64|BIGINT|DOUBLE)\), not dates"):
        build(persons, source, engine=eng)


def test_numeric_index_dates_refused(small_case):
    persons, events = small_case
    persons = persons.assign(index_date=persons.index_date.astype("int64").astype(float))
    with pytest.raises(SchemaError, match=r"'index_date' of the persons table holds numbers "
                                          r"\(float64\).*nanoseconds.*unit='D'"):
        build(persons, events)
    with pytest.raises(SchemaError, match=r"'index_date' of the persons table holds numbers"):
        et.cohort.prior_use(persons, events, measures=MEASURES)


@pytest.mark.parametrize("engine", ENGINES)
def test_day_first_text_dates_refused_by_one_rule(small_case, engine, tmp_path):
    persons, events = small_case
    events = events.assign(event_date=events.event_date.dt.strftime("%d/%m/%Y"))
    source, eng = on(engine, events, tmp_path, suffix=".csv")
    with pytest.raises(SchemaError, match=r"'event_date' of the events table has 7 value\(s\) "
                                          r"that are not ISO dates \(YYYY-MM-DD\), e.g. "
                                          r"\['30/01/2020'.*format=\"%d/%m/%Y\""):
        build(persons, source, engine=eng)


@pytest.mark.parametrize("engine", ENGINES)
def test_iso_text_dates_read_the_same_everywhere(small_case, engine, tmp_path):
    persons, events = small_case
    expected = build(persons, events).data
    text = events.assign(event_date=events.event_date.dt.strftime("%Y-%m-%dT%H:%M"))
    source, eng = on(engine, text, tmp_path, suffix=".csv")
    pd.testing.assert_frame_equal(build(persons, source, engine=eng).data, expected)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_timezone_aware_dates_are_local_dates(engine):
    # 22:00 in New York on 31 January is 03:00 UTC on 1 February: the local date counts.
    persons = pd.DataFrame({"person_id": [1], "index_date": pd.to_datetime(
        ["2020-02-01 08:00"]).tz_localize("America/New_York")})
    events = pd.DataFrame({"person_id": [1, 1], "event_date": pd.to_datetime(
        ["2020-01-31 22:00", "2020-02-01 01:00"]).tz_localize("America/New_York"),
        "setting": ["ae", "ae"]})
    panel = et.cohort.build_panel(persons, events, measures={"ae": et.cohort.Measure(
        "setting == 'ae'")}, window=(-1, 1), engine=engine, span=("2020-01-01", "2020-03-31"))
    assert panel.data["ae"].tolist() == [1, 1]  # period -1 (31 Jan) and 0 (1 Feb)


@pytest.mark.parametrize("engine", ENGINES)
def test_id_dtypes_that_differ(small_case, engine, tmp_path):
    persons, events = small_case
    source, eng = on(engine, events.assign(person_id=events.person_id.astype(str)), tmp_path)
    with pytest.raises(SchemaError, match=r"'person_id' has dtype int64 in the persons table but "
                                          r"(str|object|VARCHAR) in the events table.*astype"):
        build(persons, source, engine=eng)
    if engine == "pandas":
        with pytest.raises(SchemaError, match=r"'person_id' has dtype int64"):
            et.cohort.prior_use(persons, events.assign(person_id=events.person_id.astype(str)),
                                measures=MEASURES)
        with pytest.raises(SchemaError, match=r"'person_id' has dtype int64"):
            et.cohort.check_tables(persons, events.assign(person_id=events.person_id.astype(str)))


@pytest.mark.parametrize("engine", ENGINES)
def test_exact_duplicates_dropped_counted_and_warned(small_case, engine, tmp_path):
    persons, events = small_case
    doubled = pd.concat([events, events.iloc[[0, 3]]], ignore_index=True)
    source, eng = on(engine, doubled, tmp_path)
    with pytest.warns(DataWarning, match=r"2 exact duplicate row\(s\) \(of 9\), e.g. for "
                                         r"person_id \[1, 2\]; they are dropped and counted"):
        panel = build(persons, source, engine=eng)
    flow = panel.flow.set_index("step")["n"]
    assert flow["events supplied"] == 9
    assert flow["excluded: exact duplicate rows"] == 2
    pd.testing.assert_frame_equal(panel.data, build(persons, events).data)
    with pytest.warns(DataWarning, match="kept as separate events"):
        kept = build(persons, source, engine=eng, duplicates="keep")
    assert kept.data["emergency_admissions"].sum() == 4  # 2 + the 2 repeated stays
    with pytest.raises(SchemaError, match=r"2 exact duplicate row\(s\).*duplicates='drop'"):
        build(persons, source, engine=eng, duplicates="error")
    with pytest.raises(ParameterError, match=r"'duplicates' parameter of build_panel must be "
                                             r"one of 'drop', 'keep', 'error'"):
        build(persons, source, engine=eng, duplicates="ignore")


def test_prior_use_and_check_tables_see_duplicates(small_case):
    persons, events = small_case
    doubled = pd.concat([events, events.iloc[[0]]], ignore_index=True)
    offers = persons[["person_id", "index_date"]]
    for engine in ("pandas", "duckdb"):
        with pytest.warns(DataWarning, match="1 exact duplicate"):
            prior = et.cohort.prior_use(offers, doubled, measures=MEASURES, engine=engine,
                                        span=("2019-01-01", "2020-12-31"))
        assert prior["prior_emergency_admissions"].tolist() == [1, 0, 0]
    with pytest.warns(DataWarning, match="1 exact duplicate"):
        facts = et.cohort.check_tables(persons, doubled)["value"]
    assert facts["exact duplicate event rows"] == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_outlying_dates_stretching_the_span(small_case, engine, tmp_path):
    persons, events = small_case
    late = pd.concat([events, events.iloc[[2]].assign(event_date=pd.Timestamp("2099-01-01"))],
                     ignore_index=True)
    source, eng = on(engine, late, tmp_path)
    with pytest.warns(DataWarning, match=r"1 event date\(s\) lie far outside the rest "
                                         r"\(2020-01-01 to 2020-05-01\), e.g. \['2099-01-01'\].*"
                                         r"span=\('2020-01-01', '2020-05-01'\)"):
        build(persons, source, engine=eng, unknown_persons="drop")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)  # an explicit span says nothing
        build(persons, source, engine=eng, span=("2020-01-01", "2020-12-31"))
        build(persons, events, engine=eng)  # no outlier: no warning


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_missing_or_infinite_amounts_on_selected_events(small_case, engine, bad, tmp_path):
    persons, events = small_case
    events = events.astype({"los": float})
    events.loc[3, "los"] = bad  # an inpatient stay: bed_days sums it
    source, eng = on(engine, events, tmp_path)
    n_missing, n_inf = (1, 0) if np.isnan(bad) else (0, 1)
    with pytest.raises(SchemaError, match=rf"Measure 'bed_days' sums column 'los', which is "
                                          rf"missing for {n_missing} and infinite for {n_inf} of "
                                          r"the events it selects, e.g. person_id \[2\].*"
                                          r"never counted as zero.*los is not null"):
        build(persons, source, engine=eng)


@pytest.mark.parametrize("engine", ENGINES)
def test_missing_amounts_on_events_not_selected_are_fine(small_case, engine, tmp_path):
    persons, events = small_case
    events = events.astype({"los": float})
    events.loc[events.setting != "inpatient", "los"] = np.nan  # not summed by bed_days
    source, eng = on(engine, events, tmp_path)
    measures = {"bed_days": et.cohort.Measure("setting == 'inpatient'", value="los", agg="sum")}
    assert build(persons, source, engine=eng, measures=measures).data["bed_days"].sum() == 9


def test_impossible_panel_sizes_refused_up_front(small_case):
    persons, events = small_case
    # A window reaching more than 200 years from the index date is refused before its size
    # is even estimated; within that reach, size is bounded by memory (below).
    with pytest.raises(ParameterError, match=r"'window' parameter of build_panel reaches "
                                             r"2,737,851 years from the index date "
                                             r"\(-1,000,000,000 to 1,000,000,000 days\); at "
                                             r"most 200"):
        build(persons, events, window=(-10**9, 10**9), period="day")
    build(persons, events, window=(-12 * 200, 1), period="month")  # 200 years is allowed
    with pytest.raises(ParameterError, match="reaches 201 years"):
        build(persons, events, window=(-12 * 200 - 12, 1), period="month")
    from evaltools.cohort.size import check_units_size
    with pytest.raises(ParameterError, match=r"1,000,000 units x 36 periods.*machine has 1.0"):
        check_units_size(10**6, (-24, 12), 6, limit=2**30)


def test_tables_that_are_not_dataframes(small_case):
    persons, events = small_case
    with pytest.raises(SchemaError, match="persons table must be a pandas DataFrame. Got list"):
        build([1, 2], events)
