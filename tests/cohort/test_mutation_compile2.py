"""Cohort conditions on columns that need care: object columns of timestamps, all-empty
columns compiled to SQL, ISO dates in CSV files read by DuckDB, and option messages.

Every expected value is worked out by hand from the documented rules (``Measure`` docstring:
dates compare at day resolution in local time; a condition on a column with no value is
false for every row; CSV dates are read in ISO form).
"""

import datetime as dt
import warnings

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import evaltools as et
from evaltools.cohort.compile import to_mask, to_sql
from evaltools.cohort.engine_duckdb import open_files
from evaltools.cohort.expression import parse
from evaltools.exceptions import ExclusionWarning, ParameterError


def test_object_column_of_timestamps_compares_by_day():
    # An object column of datetime.datetime values (kind "date" by inference): the times
    # within a day are dropped before comparing, so 2020-01-05 10:30 equals date 2020-01-05.
    frame = pd.DataFrame({"d": pd.Series([dt.datetime(2020, 1, 4, 23, 59),
                                          dt.datetime(2020, 1, 5, 10, 30),
                                          None, dt.datetime(2020, 1, 6, 0, 1)], dtype=object)})
    assert frame["d"].dtype == object
    eq = to_mask(parse("d == date '2020-01-05'"), frame)
    np.testing.assert_array_equal(eq, [False, True, False, False])
    ge = to_mask(parse("d >= date '2020-01-05'"), frame)
    np.testing.assert_array_equal(ge, [False, True, False, True])


def test_object_column_of_aware_timestamps_keeps_local_day():
    # Aware timestamps in an object column: the local wall-clock day is kept (23:30 in
    # New York on 4 January is 4 January, although it is 5 January in UTC).
    ts = pd.Series([pd.Timestamp("2020-01-04 23:30", tz="America/New_York"),
                    pd.Timestamp("2020-01-05 08:00", tz="America/New_York")], dtype=object)
    mask = to_mask(parse("d == date '2020-01-04'"), pd.DataFrame({"d": ts}))
    np.testing.assert_array_equal(mask, [True, False])


@pytest.mark.parametrize("where", ["x > 2", "x == 'a'", "x in [1, 2]", "x not in ['a']",
                                   "x != date '2020-01-01'"])
def test_condition_on_an_empty_column_is_false_in_sql(where):
    # A column with no value ("empty" kind) makes every comparison on it FALSE, with no
    # parameter bound (its SQL type, e.g. VARCHAR for an all-empty CSV column, would not
    # compare with a number).
    params = []
    assert to_sql(parse(where), {"x": "empty"}, params) == "FALSE"
    assert params == []
    params = []
    assert to_sql(parse(where), {"x": "number"}, params) != "FALSE"


def test_empty_column_on_the_right_and_in_duckdb():
    params = []
    sql = to_sql(parse("y < x"), {"x": "empty", "y": "number"}, params)
    assert sql == "FALSE"
    # Executed: an all-NULL VARCHAR column compared with a number selects nothing, no error.
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1, NULL::VARCHAR), (5, NULL)) "
                "v(y, x)")
    params = []
    sql = to_sql(parse("x > 2 or y > 3"), {"x": "empty", "y": "number"}, params)
    rows = con.execute(f"SELECT y FROM t WHERE {sql}", params).fetchall()
    assert rows == [(5,)]


def test_csv_iso_dates_are_dates_in_duckdb(tmp_path):
    # A second ISO date column of a CSV file is read as a DATE (kind "date"), so a date
    # condition on it works; by hand: discharges on/after 2020-01-10 are events 2 and 3.
    path = tmp_path / "events.csv"
    pd.DataFrame({"person_id": [1, 1, 1], "event_date": ["2020-01-02", "2020-01-09",
                                                          "2020-01-20"],
                  "discharge": ["2020-01-05", "2020-01-10", "2020-01-31"]}
                 ).to_csv(path, index=False)
    kinds, types = open_files(duckdb.connect(), path, event_date_col="event_date")
    assert kinds["discharge"] == "date"
    assert types["discharge"] == "DATE"
    persons = pd.DataFrame({"person_id": [1], "index_date": [pd.Timestamp("2020-01-02")]})
    measures = {"late": et.cohort.Measure(where="discharge >= date '2020-01-10'")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExclusionWarning)
        res = et.cohort.build_panel(persons, path, measures=measures, window=(0, 1),
                                    engine="duckdb")
    assert res.data["late"].tolist() == [2]


def test_unknown_persons_message_names_the_option():
    persons = pd.DataFrame({"person_id": [1], "index_date": [pd.Timestamp("2020-01-01")]})
    events = pd.DataFrame({"person_id": [1], "event_date": [pd.Timestamp("2020-01-02")]})
    with pytest.raises(ParameterError, match=r"The 'unknown_persons' parameter of "
                                             r"build_panel must be one of 'error', 'drop'"):
        et.cohort.build_panel(persons, events, measures=et.cohort.STANDARD_MEASURES,
                              unknown_persons="keep")


def test_nan_in_a_parquet_float_column_is_missing_in_duckdb(tmp_path):
    # NaN in a float column is a missing value (Measure docstring: a condition on a missing
    # value is false; "is null" is true for it), also when read from Parquet, whose
    # statistics leave NaN out of the column's min/max. By hand, los = 1, NaN, 3, null:
    # los > 2 -> 1 event; los <= 2 -> 1; los != 1 -> 1; los is null -> 2.
    path = tmp_path / "events.parquet"
    # pyarrow keeps a real NaN (pandas' to_parquet would write it as a null); one null too.
    pq.write_table(pa.table({
        "person_id": [1, 1, 1, 1],
        "event_date": pa.array([dt.date(2020, 1, d) for d in (2, 3, 4, 5)]),
        "los": pa.array([1.0, float("nan"), 3.0, None], type=pa.float64())}), path)
    persons = pd.DataFrame({"person_id": [1], "index_date": [pd.Timestamp("2020-01-02")]})
    wheres = {"gt": "los > 2", "le": "los <= 2", "ne": "los != 1", "null": "los is null"}
    measures = {k: et.cohort.Measure(where=w) for k, w in wheres.items()}
    for engine in ("duckdb", "pandas"):
        res = et.cohort.build_panel(persons, path, measures=measures, window=(0, 1),
                                    engine=engine)
        got = {k: int(res.data[k].iloc[0]) for k in wheres}
        assert got == {"gt": 1, "le": 1, "ne": 1, "null": 2}, engine


# --- column kinds: which comparisons are refused before any work ---------------------------

def test_pandas_kinds_of_every_dtype():
    # The kinds documented in compile.pandas_kinds: number, float, bool, string, date,
    # empty (no value at all), other; object columns by the type of their values.
    frame = pd.DataFrame({
        "i": [1, 2], "f": [1.5, np.nan], "b": [True, False], "s": ["a", None],
        "d": pd.to_datetime(["2020-01-01", None]), "e": [None, None], "enan": [np.nan, np.nan],
        "oi": pd.Series([1, 2], dtype=object), "of": pd.Series([1.5, 2], dtype=object),
        "ob": pd.Series([True, False], dtype=object),
        "od": pd.Series([dt.datetime(2020, 1, 1), None], dtype=object),
        "ots": pd.Series([pd.Timestamp("2020-01-01"), None], dtype=object),
        "mix": pd.Series(["a", 1], dtype=object), "dur": pd.to_timedelta([1, 2], unit="D"),
        "st": pd.Series(["a", "b"], dtype="string"), "ni": pd.array([1, None], dtype="Int64"),
    })
    from evaltools.cohort.compile import pandas_kinds
    kinds = pandas_kinds(frame, [*frame.columns, "absent"])
    assert kinds == {"i": "number", "f": "float", "b": "bool", "s": "string", "d": "date",
                     "e": "empty", "enan": "empty", "oi": "number", "of": "float",
                     "ob": "bool", "od": "date", "ots": "date", "mix": "other",
                     "dur": "other", "st": "string", "ni": "number"}


def test_duckdb_kinds_of_every_sql_type():
    # Every DuckDB type named in compile.duckdb_kinds, read back from DESCRIBE.
    types = {"f": "FLOAT", "d": "DOUBLE", "dec": "DECIMAL(10,2)", "ti": "TINYINT",
             "si": "SMALLINT", "i": "INTEGER", "bi": "BIGINT", "hi": "HUGEINT",
             "uti": "UTINYINT", "usi": "USMALLINT", "ui": "UINTEGER", "ubi": "UBIGINT",
             "uhi": "UHUGEINT", "b": "BOOLEAN", "v": "VARCHAR", "dt": "DATE",
             "ts": "TIMESTAMP", "tstz": "TIMESTAMP WITH TIME ZONE", "tsns": "TIMESTAMP_NS",
             "bl": "BLOB", "iv": "INTERVAL"}
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    cols = ", ".join(f"NULL::{t} AS {n}" for n, t in types.items())
    from evaltools.cohort.compile import duckdb_kinds
    kinds = duckdb_kinds(con.execute(f"DESCRIBE SELECT {cols}").fetchall())
    expected = {"f": "float", "d": "float", "dec": "number", "b": "bool", "v": "string",
                "dt": "date", "ts": "date", "tstz": "date", "tsns": "date", "bl": "other",
                "iv": "other"}
    expected |= {n: "number" for n in ("ti", "si", "i", "bi", "hi", "uti", "usi", "ui", "ubi",
                                        "uhi")}
    assert kinds == expected
    # REAL is DuckDB's alias of FLOAT; DESCRIBE rows as plain text in any case also work.
    assert duckdb_kinds([("x", "REAL"), ("y", "double"), ("z", "date")]) == {
        "x": "float", "y": "float", "z": "date"}


KINDS = {"n": "number", "f": "float", "b": "bool", "s": "string", "d": "date",
         "e": "empty", "o": "other"}


@pytest.mark.parametrize("where, ok", [
    ("n == 1", True), ("f > 1", True), ("b == 1", True), ("n == f", True), ("b < f", True),
    ("s == 'x'", True), ("d >= date '2020-01-01'", True), ("e == 'x'", True),
    ("e == 1", True), ("o == 1", True), ("o == 'x'", True), ("s == o", True),
    ("n == '1'", False), ("s == 1", False), ("d == 1", False), ("d == '2020-01-01'", False),
    ("n < date '2020-01-01'", False), ("s == n", False), ("b == 'x'", False),
    ("s in ['a', 1]", False), ("n in [1, 2]", True), ("not (n == 'x')", False),
    ("n == 1 and s == 2", False), ("s == 'a' or d == 2", False), ("x == 1", True),
])
def test_check_types_refuses_text_against_numbers_and_dates(where, ok):
    from evaltools.cohort.compile import check_types
    if ok:
        check_types(parse(where), KINDS, "m")
    else:
        with pytest.raises(ParameterError, match=r"Measure 'm' compares .* which never match"):
            check_types(parse(where), KINDS, "m")


def test_check_types_message_shows_both_sides_and_the_hint():
    from evaltools.cohort.compile import check_types
    with pytest.raises(ParameterError) as err:
        check_types(parse("d == '2020-01-01'"), KINDS, "late")
    assert str(err.value) == ("Measure 'late' compares column 'd' (date) with '2020-01-01' "
                              "(string), which never match. Fix: write dates as date "
                              "'YYYY-MM-DD', or convert the column's dtype.")
    with pytest.raises(ParameterError) as err:
        check_types(parse("n == '2'"), KINDS, "m")
    assert "column 'n' (number) with '2' (string)" in str(err.value)
    assert "Fix: quote text ('2') and leave numbers bare (2), or" in str(err.value)
    with pytest.raises(ParameterError, match=r"1 \(number\)"):
        check_types(parse("s in ['a', 1]"), KINDS, "m")


# --- the same conditions on both engines, against masks worked out by hand ------------------

FRAME = pd.DataFrame({
    "a": [1.0, 2.0, 3.0, np.nan, 5.0],
    "b": [1.0, 3.0, 2.0, 4.0, np.nan],
    "s": ["x", "y", None, "x", "z"],
    "d": pd.to_datetime(["2020-01-01", "2020-01-02", None, "2020-01-04", "2020-01-05"]),
    "flag": [True, False, True, False, True],
    "k": [1, 2, 3, 4, 5],
})
# Two-valued logic: a comparison with a missing value on either side is false, so its
# negation is true.
MASKS = [
    ("a == b", "TFFFF"), ("a < b", "FTFFF"), ("a >= b", "TFTFF"), ("a != b", "FTTFF"),
    ("not (a == b)", "FTTTT"), ("a <= 2", "TTFFF"), ("a > 2", "FFTFT"), ("k > 2", "FFTTT"),
    ("k <= 2", "TTFFF"), ("s in ['x', 'z']", "TFFTT"), ("s not in ['x']", "FTFFT"),
    ("d in [date '2020-01-02', date '2020-01-05']", "FTFFT"),
    ("d not in [date '2020-01-02']", "TFFTT"), ("d < date '2020-01-02'", "TFFFF"),
    ("a is null", "FFFTF"), ("b is not null", "TTTTF"), ("s is null", "FFTFF"),
    ("flag == 1", "TFTFT"), ("flag == 0 or a > 4", "FTFTT"),
    ("d > date '2020-01-02' and s == 'x'", "FFFTF"), ("a in [1, 5]", "TFFFT"),
    ("a not in [1, 5]", "FTTFF"), ("flag != 0 and not (s == 'z')", "TFTFF"),
    # A boolean compares as 0/1 (pandas: True == 2 is false, True > 0.5 is true).
    ("flag == 2", "FFFFF"), ("flag < 1", "FTFTF"), ("flag >= 0.5", "TFTFT"),
    ("flag in [2]", "FFFFF"),
]


@pytest.mark.parametrize("where, expected", MASKS)
def test_conditions_on_pandas_and_in_duckdb_sql(where, expected):
    from evaltools.cohort.compile import pandas_kinds
    want = [c == "T" for c in expected]
    np.testing.assert_array_equal(to_mask(parse(where), FRAME), want)
    con = duckdb.connect()
    con.register("t", FRAME)
    params = []
    sql = to_sql(parse(where), pandas_kinds(FRAME, FRAME.columns), params)
    got = [r[0] for r in con.execute(f"SELECT {sql} FROM t ORDER BY k", params).fetchall()]
    assert got == want


def test_nan_is_missing_in_sql_for_float_columns():
    # A real NaN (not NULL) in a DuckDB DOUBLE column: "is null" is true for it and every
    # comparison false, as in pandas.
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1, 'nan'::DOUBLE), (2, 3.0), "
                "(3, NULL)) v(k, x)")
    for where, want in [("x > 2", [False, True, False]), ("x != 1", [False, True, False]),
                        ("x is null", [True, False, True]),
                        ("x is not null", [False, True, False]),
                        ("x not in [1]", [False, True, False])]:
        params = []
        sql = to_sql(parse(where), {"x": "float"}, params)
        got = [r[0] for r in con.execute(f"SELECT {sql} FROM t ORDER BY k", params).fetchall()]
        assert got == want, where
