"""The DuckDB engine: the same panel as the pandas engine, computed out of core.

Events may be a DataFrame or a path to Parquet/CSV files (globs allowed), so hundreds of
millions of event rows never need to sit in pandas at once.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from .measures import Measure
from .periods import Period


def connect(memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def events_relation(con: duckdb.DuckDBPyConnection, events: pd.DataFrame | str | Path) -> str:
    """Register the events source and return the SQL name to select from."""
    if isinstance(events, pd.DataFrame):
        con.register("events_src", events)
        return "events_src"
    path = str(events)
    reader = "read_csv_auto" if path.endswith((".csv", ".csv.gz")) else "read_parquet"
    con.execute(f"CREATE VIEW events_src AS SELECT * FROM {reader}('{path}')")
    return "events_src"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def measure_sql(measure: Measure) -> str:
    where = f"COALESCE(({measure.where}), FALSE)" if measure.where else "TRUE"
    if measure.agg == "count":
        return f"CASE WHEN {where} THEN 1 ELSE 0 END"
    value = f"COALESCE(CAST({_quote(measure.value)} AS DOUBLE), 0)"
    return f"CASE WHEN {where} THEN {value} ELSE 0 END"


def aggregate(con: duckdb.DuckDBPyConnection, units: pd.DataFrame, source: str, *,
              measures: dict[str, Measure], period: Period, window: tuple[int, int],
              span: tuple[np.datetime64, np.datetime64], id_col: str,
              event_date_col: str) -> tuple[np.ndarray, dict, dict[str, int]]:
    """Totals of the measures per panel cell, and the event-link counts.

    DuckDB places every event in its period and totals the measures per unit and period
    out of core; the dense grid with exposure is then filled in numpy, as for pandas.
    """
    con.register("units_df", pd.DataFrame({
        "unit": np.arange(len(units), dtype=np.int64),
        "pid": units["pid"].to_numpy(),
        "idx": units["index"].to_numpy().astype("M8[s]"),
        "obs_end": units["obs_end"].to_numpy().astype("M8[s]"),
    }))
    con.execute("CREATE OR REPLACE TEMP TABLE units AS SELECT unit, pid, CAST(idx AS DATE) idx, "
                "CAST(obs_end AS DATE) obs_end FROM units_df")
    start, stop = window
    first, last = (f"DATE '{np.datetime_as_string(d, unit='D')}'" for d in span)
    names = list(measures)
    cols = ", ".join(f"{measure_sql(m)} AS m_{i}" for i, m in enumerate(measures.values()))
    category = (f"CASE WHEN d < {first} OR d > {last} THEN 'outside_span' "
                "WHEN d >= obs_end THEN 'after_end' "
                f"WHEN k < {start} OR k >= {stop} THEN 'outside_window' ELSE 'in_panel' END")
    sums = ", ".join(f"sum(m_{i}) AS m_{i}" for i in range(len(names)))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE linked AS
        SELECT unit, cat, CASE WHEN cat = 'in_panel' THEN k END AS k, count(*) AS n, {sums}
        FROM (
            SELECT *, {category} AS cat FROM (
                SELECT u.unit, u.obs_end, e.*, {period.sql_relative("u.idx", "e.d")} AS k
                FROM (SELECT {_quote(id_col)} AS pid, CAST({_quote(event_date_col)} AS DATE) AS d,
                             {cols} FROM {source}) e
                JOIN units u ON e.pid = u.pid
            )
        )
        GROUP BY ALL
    """)
    counts = dict(con.execute("SELECT cat, sum(n) FROM linked GROUP BY cat").fetchall())
    counts = {c: int(counts.get(c, 0)) for c in
              ("outside_span", "after_end", "outside_window", "in_panel")}
    counts["links"] = sum(counts.values())
    cells = con.execute(f"""
        SELECT unit * {stop - start} + (k - {start}) AS cell,
               {", ".join(f"CAST(m_{i} AS DOUBLE) AS m_{i}" for i in range(len(names)))}
        FROM linked WHERE cat = 'in_panel'
    """).fetchnumpy()
    values = {name: np.asarray(cells[f"m_{i}"]) for i, name in enumerate(names)}
    cell = np.asarray(cells["cell"], dtype=np.int64)
    return cell, values, counts


def person_counts(con: duckdb.DuckDBPyConnection, source: str, *, id_col: str,
                  known: np.ndarray, excluded: np.ndarray) -> tuple[int, list, int]:
    """Events of persons missing from the persons table (count, example ids) and of
    persons excluded from the panel (count)."""
    con.register("known_df", pd.DataFrame({"pid": known}))
    con.register("excluded_df", pd.DataFrame({"pid": excluded}))
    pid = _quote(id_col)
    n_unknown, examples = con.execute(
        f"SELECT count(*), list(DISTINCT {pid})[1:5] FROM {source} "
        f"WHERE {pid} NOT IN (SELECT pid FROM known_df)").fetchall()[0]
    n_excluded = con.execute(
        f"SELECT count(*) FROM {source} WHERE {pid} IN (SELECT pid FROM excluded_df)").fetchall()[0][0]
    return int(n_unknown), list(examples or []), int(n_excluded)


def event_checks(con: duckdb.DuckDBPyConnection, source: str, *, id_col: str,
                 event_date_col: str, value_cols: set[str]) -> dict[str, object]:
    """Counts the schema checks need, computed in one scan of the events source."""
    parts = [f"count(*) FILTER (WHERE {_quote(id_col)} IS NULL OR "
             f"{_quote(event_date_col)} IS NULL) AS missing",
             f"min(CAST({_quote(event_date_col)} AS DATE)) AS first",
             f"max(CAST({_quote(event_date_col)} AS DATE)) AS last",
             "count(*) AS n"]
    parts += [f"count(*) FILTER (WHERE {_quote(c)} < 0) AS neg_{i}"
              for i, c in enumerate(sorted(value_cols))]
    row = con.execute(f"SELECT {', '.join(parts)} FROM {source}").fetchall()[0]
    out = dict(zip(["missing", "first", "last", "n"], row[:4], strict=True))
    out["negative"] = dict(zip(sorted(value_cols), row[4:], strict=True))
    return out
