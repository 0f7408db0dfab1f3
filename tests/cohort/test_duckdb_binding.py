"""Values reach DuckDB bound or checked, never pasted into SQL."""

import pandas as pd
import pytest

import evaltools as et
from evaltools.cohort.engine_duckdb import check_memory_limit, connect
from evaltools.exceptions import ParameterError, SchemaError


def build(persons, events, **kwargs):
    return et.cohort.build_panel(persons, events, measures=et.cohort.STANDARD_MEASURES,
                                 window=(-1, 3), engine="duckdb", **kwargs)


@pytest.mark.parametrize("good", ["3GB", "512 MiB", "1.5GB", "100B"])
def test_memory_limit_sizes_accepted(good):
    assert check_memory_limit(good) == good
    connect(good).close()


@pytest.mark.parametrize("bad", ["1GB'; COPY (SELECT 1) TO 'x.csv", "1GB; SELECT 1", "lots",
                                 "3 GB ", "-1GB", 3, "1e3GB"])
def test_memory_limit_refused(small_case, bad):
    persons, events = small_case
    with pytest.raises(ParameterError, match=r"'memory_limit' parameter of build_panel must be "
                                             r"a size such as '3GB'"):
        build(persons, events, memory_limit=bad)


def test_memory_limit_is_applied():
    con = connect("512MiB")
    assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == "512.0 MiB"
    con.close()


def test_paths_with_quotes_are_read_as_paths(tmp_path, small_case):
    """A file name full of SQL is just a file name: it is bound, so it is read as such."""
    persons, events = small_case
    path = tmp_path / "ev'); SELECT 1; --.parquet"
    events.to_parquet(path)
    pd.testing.assert_frame_equal(build(persons, path).data,
                                  build(persons, events).data)


def test_missing_files_name_the_path(tmp_path, small_case):
    persons, _ = small_case
    with pytest.raises(SchemaError, match=r"events file\(s\) '.*nothing_\*.parquet' cannot be "
                                          r"read.*globs"):
        build(persons, str(tmp_path / "nothing_*.parquet"))
    with pytest.raises(ParameterError, match=r"'events' parameter of build_panel must be a "
                                             r"DataFrame or a path.*int"):
        build(persons, 42)


def test_file_columns_are_checked_before_use(tmp_path, small_case):
    persons, events = small_case
    path = tmp_path / "ev.parquet"
    events.rename(columns={"event_date": "date"}).to_parquet(path)
    with pytest.raises(SchemaError, match=r"events table has no column \['event_date'\]"):
        build(persons, path)
    with pytest.raises(SchemaError, match=r"Measure 'm' reads column\(s\) \['nope'\]"):
        et.cohort.build_panel(persons, path, measures={"m": et.cohort.Measure("nope == 1")},
                              engine="duckdb", event_date_col="date")
