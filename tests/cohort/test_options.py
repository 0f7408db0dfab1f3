"""Wrong options of build_panel, prior_use, SortedEvents, check_tables and PanelResult get a
message naming the argument (and a fix), before any work is done."""

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning, ParameterError, SchemaError

matplotlib.use("Agg")
AE = {"ae": et.cohort.Measure("setting == 'ae'")}


def panel(small_case, **kw):
    persons, events = small_case
    return et.cohort.build_panel(**{"persons": persons, "events": events, "measures": AE,
                                    "window": (-2, 2), **kw})


@pytest.mark.parametrize("kw, message", [
    ({"window": (False, True)}, r"'window' parameter of build_panel must be a pair of ints"),
    ({"window": (-2, np.inf)}, r"'window' parameter .* Got \(-2, inf\)"),
    ({"id_col": ["person_id"]}, r"'id_col' parameter of build_panel must be a column name"),
    ({"index_col": None}, r"'index_col' .* Got None"),
    ({"key_col": 3}, r"'key_col' parameter of build_panel must be a column name .* or None"),
    ({"progress": 1}, r"'progress' parameter of build_panel must be True or False. Got 1"),
    ({"progress": "no"}, r"'progress' parameter of build_panel must be True or False"),
    ({"span": (1, 2)}, r"'span' parameter of build_panel must be two dates"),
    ({"span": "2020-01-01"}, r"'span' parameter .* Got '2020-01-01'"),
    ({"span": (None, "2020-01-01")}, r"'span' parameter"),
    ({"carry": "treated"}, r"'carry' parameter of build_panel must be a list"),
    ({"carry": ["person_id"]}, r"'carry' parameter of build_panel names \['person_id'\], which "
                               r"the panel already has"),
    ({"carry": ["ae"]}, r"names \['ae'\]"),
    ({"carry": ["treated", "treated"]}, r"'carry' parameter of build_panel names \['treated'\] "
                                        r"more than once"),
    ({"events": "https://example.org/e.parquet"}, r"must be a local file path.*never reads "
                                                  r"over the network"),
    ({"events": "s3://bucket/e.parquet", "engine": "duckdb"}, r"local file path"),
    ({"events": "events/*.parquet"}, r"is a glob .* Fix: pass engine='duckdb'"),
    ({"events": "/nonexistent/events.csv"}, r"does not exist"),
])
def test_build_panel_options(small_case, kw, message):
    persons, _ = small_case
    if kw.get("carry") == ["ae"]:
        kw["persons"] = persons.assign(ae=1)
    with pytest.raises((ParameterError, SchemaError), match=message):
        panel(small_case, **kw)


def test_empty_persons_and_nobody_left(small_case):
    persons, _ = small_case
    with pytest.raises(SchemaError, match="persons table has no rows"):
        panel(small_case, persons=persons.iloc[:0])
    with pytest.raises(SchemaError, match=r"No person is left for the panel: persons supplied: "
                                          r"3; excluded: no index date: 3"):
        panel(small_case, persons=persons.assign(index_date=pd.NaT), missing_index="drop")


def test_memory_limit_ignored_by_pandas_is_said(small_case):
    with pytest.warns(DataWarning, match="'memory_limit' parameter of build_panel is ignored"):
        panel(small_case, memory_limit="1GB")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        panel(small_case, memory_limit="1GB", engine="duckdb")


def test_duckdb_never_installs_or_reconfigures():
    from evaltools.cohort import engine_duckdb

    con = engine_duckdb.connect("1GB")
    with pytest.raises(Exception, match="locked"):
        con.execute("SET enable_external_access = true")
    settings = dict(con.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name LIKE 'auto%_known_extensions'"
    ).fetchall())
    assert settings == {"autoinstall_known_extensions": "false",
                        "autoload_known_extensions": "false"}


def test_prior_use_options(small_case):
    persons, events = small_case
    for months in (True, 0, 12.0, "12", 10**6):
        with pytest.raises(ParameterError, match=r"'months' parameter of prior_use must be an "
                                                 r"int in \[1, 1200\]"):
            et.cohort.prior_use(persons, events, measures=AE, months=months)
    with pytest.raises(ParameterError, match="'unknown_persons' parameter of prior_use"):
        et.cohort.prior_use(persons, events, measures=AE, unknown_persons="skip")
    with pytest.raises(ParameterError, match=r"'span' parameter of prior_use must have first"):
        et.cohort.prior_use(persons, events, measures=AE, span=("2021-01-01", "2020-01-01"))


def test_prior_use_unknown_persons_error_on_pandas(small_case):
    persons, events = small_case
    with pytest.raises(SchemaError, match=r"'person_id' .* 2 event\(s\) for persons not in the "
                                          r"persons table, e.g. person_id \[2\]"):
        et.cohort.prior_use(persons[persons.person_id != 2], events, measures=AE,
                            unknown_persons="error")
    same = et.cohort.prior_use(persons[persons.person_id != 2], events, measures=AE)
    assert list(same["prior_ae"]) == [0, 1]  # person 3's A&E visit a month before index


def test_sorted_events_arguments(small_case):
    _, events = small_case
    index = et.cohort.SortedEvents(events, AE)
    ids = np.array([1, 2, 3])
    with pytest.raises(ParameterError, match=r"'months' parameter of SortedEvents.prior"):
        index.prior(ids, "2020-03-01", months=0)
    with pytest.raises(ParameterError, match=r"'index_dates' parameter of SortedEvents must hold "
                                             r"dates. Got numbers"):
        index.prior(ids, 18000)
    with pytest.raises(SchemaError, match=r"'index_dates' .* not ISO dates .*01/03/2020"):
        index.prior(ids, "01/03/2020")
    with pytest.raises(ParameterError, match=r"one per person \(person_ids has 3\). Got 2"):
        index.prior(ids, np.array(["2020-03-01", "2020-04-01"], dtype="M8[D]"))
    with pytest.raises(ParameterError, match=r"start <= stop; 3 pair\(s\) do not"):
        index.window(ids, np.datetime64("2020-06-01"), np.datetime64("2020-01-01"))
    with pytest.raises(SchemaError, match="events table must be a pandas DataFrame"):
        et.cohort.SortedEvents("events.parquet", AE)
    # ISO text and one date for all give the same answer as datetime64 per person.
    text = index.prior(ids, "2020-03-01")
    typed = index.prior(ids, np.repeat(np.datetime64("2020-03-01"), 3))
    pd.testing.assert_frame_equal(text, typed)
    assert list(text["prior_ae"]) == [0, 0, 1]


def test_check_tables_index_col_typo(small_case):
    persons, events = small_case
    with pytest.raises(SchemaError, match=r"no column \['index'\].*index_col=None"):
        et.cohort.check_tables(persons, events, index_col="index")
    facts = et.cohort.check_tables(persons.drop(columns="index_date"), events)
    assert "persons with an index date" not in facts.index  # the default may be absent


def test_panel_result_methods(small_case):
    result = panel(small_case, carry=["treated"])
    with pytest.raises(ParameterError, match=r"'by' parameter of rates must be None or a carried "
                                             r"column of the panel \('treated'\). Got 'arm'"):
        result.rates("ae", by="arm")
    with pytest.raises(ParameterError, match=r"'by' parameter of PanelResult.plot .* Got "
                                             r"'rel_period'"):
        result.plot("ae", by="rel_period")
    with pytest.raises(ParameterError, match=r"'ax' parameter of PanelResult.plot"):
        result.plot("ae", ax="left")
    with pytest.raises(ParameterError, match="'measure' parameter of rates must be one of"):
        result.plot(None)
    with pytest.raises(ParameterError, match="matplotlib refused the plot option"):
        result.plot("ae", linewidht=3)
    with pytest.raises(ParameterError, match="PanelResult holds no estimates"):
        result.tidy()
    with pytest.raises(ParameterError, match="PanelResult holds no estimates"):
        result.conf_int()
    assert set(result.rates("ae", by="treated")["treated"]) == {0, 1}


@pytest.mark.parametrize("where, token", [
    ("los > 1e999", "1e999"), ("los < -1e400", "-1e400"),
    ("los == 99999999999999999999", "99999999999999999999"),
])
def test_where_numbers_must_be_finite(where, token):
    with pytest.raises(ParameterError, match=rf"cannot contain the number '{token}', which is out "
                                             r"of range"):
        et.cohort.Measure(where)


def test_measure_value_must_be_a_name():
    for value in ("", 5):
        with pytest.raises(ParameterError, match=r"'value' parameter of Measure must be a column "
                                                 r"name \(a non-empty str\)"):
            et.cohort.Measure(value=value, agg="sum")


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_measure_selecting_nothing_is_warned_alike(small_case, engine):
    """A literal spelled differently from the data ('AE' for 'ae') selects nothing: the
    warning names the measure and the values the column has, the same on both engines."""
    measures = {"ae": et.cohort.Measure("setting == 'AE'"), "all": et.cohort.Measure()}
    with pytest.warns(DataWarning, match=r"Measure 'ae' \(setting == 'AE'\) selects none of the "
                                         r"7 events; 'setting' has \['ae', 'inpatient', "
                                         r"'outpatient'\]"):
        result = panel(small_case, measures=measures, engine=engine)
    assert result.data["ae"].sum() == 0 and result.data["all"].sum() > 0


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_no_event_of_any_person_is_warned(small_case, engine):
    persons, events = small_case
    other_ids = persons.assign(person_id=persons["person_id"] + 100)
    with pytest.warns(DataWarning, match=r"None of the 7 events belongs to a person of the "
                                         r"persons table: events have person_id \[1, 2, 3\], "
                                         r"persons have \[101, 102, 103\]"):
        panel(small_case, persons=other_ids, unknown_persons="drop", engine=engine)
    with pytest.warns(DataWarning, match="None of the 7 events belongs to a person"):
        et.cohort.prior_use(other_ids, events, measures=AE, engine=engine)


def test_tables_with_repeated_columns_or_mixed_ids(small_case):
    persons, events = small_case
    with pytest.raises(SchemaError, match=r"events table has repeated column names \['setting'\]"):
        panel(small_case, events=pd.concat([events, events[["setting"]]], axis=1))
    mixed = persons.assign(person_id=pd.Series(["1", 2, 3], dtype=object))
    with pytest.raises(SchemaError, match=r"Column 'person_id' of the persons table mixes value "
                                          r"types \(str '1', int 2\)"):
        panel(small_case, persons=mixed)
    with pytest.raises(SchemaError, match=r"persons table mixes value types"):
        et.cohort.prior_use(mixed, events, measures=AE)
    with pytest.raises(SchemaError, match=r"repeated column names"):
        et.cohort.check_tables(persons, pd.concat([events, events[["los"]]], axis=1))


def test_add_months_and_period_arguments():
    day = np.array(["2020-01-31"], dtype="M8[D]")
    assert et.cohort.add_months("2020-01-31", 1) == np.datetime64("2020-02-29")
    assert et.cohort.add_months(day, 2.0)[0] == np.datetime64("2020-03-31")  # a whole float
    with pytest.raises(ParameterError, match=r"'months' parameter of add_months must be whole "
                                             r"numbers.*Got \[1.5\]"):
        et.cohort.add_months(day, 1.5)
    with pytest.raises(ParameterError, match=r"'dates' parameter of add_months must hold dates. "
                                             r"Got numbers"):
        et.cohort.add_months(np.array([18000]), 1)
    with pytest.raises(ParameterError, match=r"'dates' parameter of add_months .*31/01/2020"):
        et.cohort.add_months("31/01/2020", 1)
    for step in (0, -1, 1.5, True):
        with pytest.raises(ParameterError, match=r"'step' parameter of Period must be an int"):
            et.cohort.Period("month", step)


def test_sorted_events_person_ids(small_case):
    _, events = small_case
    index = et.cohort.SortedEvents(events, AE)
    with pytest.raises(ParameterError, match=r"'person_ids' parameter of SortedEvents must be a "
                                             r"1-d sequence"):
        index.prior(None, "2020-03-01")
    with pytest.raises(SchemaError, match=r"'person_id' has dtype .* in the persons table but "
                                          r"int64 in the events table"):
        index.prior(np.array(["1", "2"]), "2020-03-01")


def test_rates_by_a_column_with_missing_values_warns(small_case):
    persons, _ = small_case
    result = panel(small_case, persons=persons.assign(treated=[1.0, np.nan, 0.0]),
                   carry=["treated"])
    with pytest.warns(DataWarning, match=r"Column 'treated' is missing for 1 unit\(s\) of the "
                                         r"panel, e.g. person_id \[2\]; their rows are left out"):
        rates = result.rates("ae", by="treated")
    assert set(rates["treated"]) == {0.0, 1.0}


def test_measures_argument_names_the_function(small_case):
    persons, events = small_case
    for call, func in [(lambda m: et.cohort.prior_use(persons, events, measures=m), "prior_use"),
                       (lambda m: et.cohort.SortedEvents(events, m), "SortedEvents"),
                       (lambda m: et.cohort.check_tables(persons, events, measures=m),
                        "check_tables"),
                       (lambda m: panel(small_case, measures=m), "build_panel")]:
        with pytest.raises(ParameterError, match=rf"'measures' parameter of {func} must be a "
                                                 r"non-empty dict"):
            call({})
        with pytest.raises(ParameterError, match=rf"'measures' parameter of {func} maps 'ae' to "
                                                 r"a str, not an et.cohort.Measure"):
            call({"ae": "setting == 'ae'"})


def test_column_options_must_name_different_columns(small_case):
    persons, events = small_case
    with pytest.raises(ParameterError, match=r"'index_col' and 'id_col' parameters of build_panel "
                                             r"both name column 'person_id'"):
        panel(small_case, index_col="person_id")
    with pytest.raises(ParameterError, match=r"'event_date_col' and 'id_col' parameters of "
                                             r"prior_use both name column 'person_id'"):
        et.cohort.prior_use(persons, events, measures=AE, event_date_col="person_id")


def test_missing_keys_empty_events_and_array_options(small_case):
    persons, events = small_case
    with pytest.raises(SchemaError, match=r"Column 'visit' of the persons table has 1 missing"):
        panel(small_case, persons=persons.assign(visit=[1.0, np.nan, 3.0]), key_col="visit")
    with pytest.raises(SchemaError, match="persons table has no rows"):
        et.cohort.check_tables(persons.iloc[:0], events)
    for engine in ("pandas", "duckdb"):
        with pytest.warns(DataWarning, match="events table has no rows, so every total is zero"):
            prior = et.cohort.prior_use(persons, events.iloc[:0], measures=AE, engine=engine,
                                        span=("2019-01-01", "2020-12-31"))
        assert prior["prior_ae"].tolist() == [0, 0, 0]
    # Two-element numpy arrays are as good as tuples.
    a = panel(small_case, window=np.array([-2, 2]),
              span=np.array(["2019-01-01", "2020-12-31"], dtype="M8[D]"))
    b = panel(small_case, window=(-2, 2), span=("2019-01-01", "2020-12-31"))
    pd.testing.assert_frame_equal(a.data, b.data)
