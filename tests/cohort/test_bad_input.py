"""Bad input gets an error that names the column, the rows and the fix."""

import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import ExclusionWarning, ParameterError, SchemaError

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
