"""The DuckDB engine: the same panel as the pandas engine, computed out of core.

Events may be a DataFrame or a path to Parquet/CSV files (globs allowed), so hundreds of
millions of event rows never need to sit in pandas at once.

Nothing a user passes is pasted into SQL: files are opened through DuckDB's relation API
(``read_parquet``/``read_csv`` with the path as a Python value), ``memory_limit`` must
match a strict pattern and goes in the connection's configuration, measure conditions
are compiled to SQL with ``?`` placeholders and bound values, column names appear only
as quoted identifiers after they have been checked to exist, and dates and integers in
the statements come from numpy and Python, not from text. Every call runs one statement.
"""

from __future__ import annotations

import re
import zoneinfo
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ..exceptions import ParameterError, SchemaError
from ..validation import examples
from .compile import duckdb_kinds, quote, text_literal, to_sql
from .measures import Measure

__all__ = ["connect", "check_memory_limit", "register_frame", "open_files", "aggregate",
           "person_counts", "date_sql", "SOURCE"]

SOURCE = "events_src"
_RAW = "events_raw"
_ZONES = frozenset(zoneinfo.available_timezones()) | {"UTC"}
_MEMORY = re.compile(r"[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)")


def check_memory_limit(value) -> str | None:
    """``None`` or a size such as ``"3GB"`` or ``"512 MiB"``; anything else is refused.

    >>> check_memory_limit("3GB")
    '3GB'
    """
    if value is None:
        return None
    if not isinstance(value, str) or not _MEMORY.fullmatch(value):
        raise ParameterError(
            "The 'memory_limit' parameter of build_panel must be a size such as '3GB' or "
            f"'512 MiB' (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB). Got {value!r} instead.")
    return value


def connect(memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    # No extension is ever installed or loaded on demand (a URL path would otherwise fetch
    # httpfs from the network), and nothing can change the configuration afterwards.
    # Statistics propagation is off: Parquet statistics leave NaN out of a float column's
    # min/max, and DuckDB would then fold isnan() to false, counting NaN (which DuckDB
    # sorts above every number) in comparisons where pandas sees a missing value.
    config = {"preserve_insertion_order": False, "autoinstall_known_extensions": False,
              "autoload_known_extensions": False,
              "disabled_optimizers": "statistics_propagation"}
    if check_memory_limit(memory_limit) is not None:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(config=config)
    con.execute("SET lock_configuration = true")
    return con


def register_frame(con: duckdb.DuckDBPyConnection, events: pd.DataFrame) -> str:
    odd = [str(c) for c in events.columns if pd.api.types.is_complex_dtype(events[c])]
    if odd:  # DuckDB has no complex type and would fail with its own error
        raise SchemaError(f"Column(s) {odd} of the events table hold complex numbers, which "
                          "engine='duckdb' cannot read. Fix: drop them, or keep their real "
                          "part, before calling.")
    con.register(SOURCE, events)
    return SOURCE


def open_files(con: duckdb.DuckDBPyConnection, path, *, event_date_col: str
               ) -> tuple[dict[str, str], dict[str, str]]:
    """Open Parquet/CSV files (path or glob) as the events source; their column kinds and
    SQL types. CSV dates are recognised only in ISO form (as the pandas engine reads them)."""
    if not isinstance(path, (str, Path)):
        raise ParameterError("The 'events' parameter of build_panel must be a DataFrame or a "
                             f"path to Parquet/CSV files. Got {type(path).__name__} instead.")
    text = str(path)
    try:
        if text.endswith((".csv", ".csv.gz")):
            formats = dict(date_format="%Y-%m-%d", timestamp_format="%Y-%m-%d %H:%M:%S")
            relation = con.read_csv(text, **formats)
            if event_date_col in relation.columns:  # read as text, parsed by the ISO rule
                relation = con.read_csv(text, dtype={event_date_col: "VARCHAR"}, **formats)
        else:
            relation = con.read_parquet(text)
        relation.create_view(_RAW)
        described = con.execute(f"DESCRIBE SELECT * FROM {_RAW}").fetchall()
        zoned = [row[0] for row in described if str(row[1]).upper() == "TIMESTAMP WITH TIME ZONE"]
        local = ", ".join(f"timezone({text_literal(_zone(con, text, c))}, {quote(c)}) AS {quote(c)}"
                          for c in zoned)
        con.execute(f"CREATE OR REPLACE TEMP VIEW {SOURCE} AS SELECT * "
                    f"{f'REPLACE ({local}) ' if local else ''}FROM {_RAW}")
        described = con.execute(f"DESCRIBE SELECT * FROM {SOURCE}").fetchall()
    except duckdb.Error as err:
        raise SchemaError(f"The events file(s) {text!r} cannot be read: "
                          f"{str(err).splitlines()[0]} Fix: check the path (globs such as "
                          "'events/*.parquet' are allowed) and the file format.") from None
    return duckdb_kinds(described), {row[0]: str(row[1]) for row in described}


def _zone(con: duckdb.DuckDBPyConnection, path: str, column: str) -> str:
    """The time zone a Parquet timestamp column was written in (as pandas reads it back),
    so that DuckDB takes the same wall-clock dates as the pandas engine; UTC when the file
    records none. Only names from the IANA database are accepted, so the name is a known
    constant when it is written into the view's SQL."""
    import pyarrow.parquet as pq

    if path.endswith((".csv", ".csv.gz")):
        return "UTC"  # pandas reads CSV timestamps as text: no zone to follow
    files = [row[0] for row in con.execute("SELECT file FROM glob(?)", [path]).fetchall()]
    zones = {getattr(pq.read_schema(f).field(column).type, "tz", None) or "UTC" for f in files}
    if len(zones) > 1 or not zones <= _ZONES:
        raise SchemaError(
            f"Column '{column}' of the events file(s) {path!r} holds timezone-aware timestamps "
            f"in {examples(sorted(zones))}, which cannot be read as one set of local dates. "
            "Fix: write local dates (df[col].dt.tz_localize(None)) or one named time zone "
            "such as 'Europe/London'.")
    return zones.pop()


def date_sql(column: str, kind: str) -> str:
    """A date column of the events as SQL DATE (ISO text is cast through TIMESTAMP)."""
    if kind == "string":
        return f"CAST(CAST({quote(column)} AS TIMESTAMP) AS DATE)"
    return f"CAST({quote(column)} AS DATE)"


def measure_sql(measure: Measure, kinds: dict[str, str], params: list) -> str:
    where = "TRUE" if measure.tree is None else to_sql(measure.tree, kinds, params)
    if measure.agg == "count":
        return f"CASE WHEN {where} THEN 1 ELSE 0 END"
    return f"CASE WHEN {where} THEN CAST({quote(measure.value)} AS DOUBLE) ELSE 0 END"


def aggregate(con: duckdb.DuckDBPyConnection, units: pd.DataFrame, source: str, *,
              measures: dict[str, Measure], kinds: dict[str, str], period,
              window: tuple[int, int], span: tuple[np.datetime64, np.datetime64],
              id_col: str, event_date_col: str) -> tuple[np.ndarray, dict, dict[str, int]]:
    """Totals of the measures per panel cell, and the event-link counts.

    DuckDB places every event in its period and totals the measures per unit and period
    out of core; the dense grid with exposure is then filled in numpy, as for pandas.
    """
    con.register("units_df", pd.DataFrame({
        "unit": np.arange(len(units), dtype=np.int64),
        "pid": units["pid"].to_numpy(),
        "idx": units["index"].to_numpy().astype("M8[s]"),
        "obs_end": units["obs_end"].to_numpy().astype("M8[s]"),
        "span_first": np.repeat(np.datetime64(span[0], "s"), len(units)),
        "span_last": np.repeat(np.datetime64(span[1], "s"), len(units)),
    }))
    con.execute("CREATE OR REPLACE TEMP TABLE units AS SELECT unit, pid, CAST(idx AS DATE) idx, "
                "CAST(obs_end AS DATE) obs_end, CAST(span_first AS DATE) span_first, "
                "CAST(span_last AS DATE) span_last FROM units_df")
    start, stop = int(window[0]), int(window[1])
    params: list = []
    cols = ", ".join(f"{measure_sql(m, kinds, params)} AS m_{i}"
                     for i, m in enumerate(measures.values()))
    category = ("CASE WHEN d < span_first OR d > span_last THEN 'outside_span' "
                "WHEN d >= obs_end THEN 'after_end' "
                f"WHEN k < {start} OR k >= {stop} THEN 'outside_window' ELSE 'in_panel' END")
    sums = ", ".join(f"sum(m_{i}) AS m_{i}" for i in range(len(measures)))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE linked AS
        SELECT unit, cat, CASE WHEN cat = 'in_panel' THEN k END AS k, count(*) AS n, {sums}
        FROM (
            SELECT *, {category} AS cat FROM (
                SELECT u.unit, u.obs_end, u.span_first, u.span_last, e.*,
                       {period.sql_relative("u.idx", "e.d")} AS k
                FROM (SELECT {quote(id_col)} AS pid,
                             {date_sql(event_date_col, kinds.get(event_date_col))} AS d,
                             {cols} FROM {source}) e
                JOIN units u ON e.pid = u.pid
            )
        )
        GROUP BY ALL
    """, params)
    counts = dict(con.execute("SELECT cat, sum(n) FROM linked GROUP BY cat").fetchall())
    counts = {c: int(counts.get(c, 0)) for c in
              ("outside_span", "after_end", "outside_window", "in_panel")}
    counts["links"] = sum(counts.values())
    cells = con.execute(f"""
        SELECT unit * {stop - start} + (k - {start}) AS cell,
               {", ".join(f"CAST(m_{i} AS DOUBLE) AS m_{i}" for i in range(len(measures)))}
        FROM linked WHERE cat = 'in_panel'
    """).fetchnumpy()
    values = {name: np.asarray(cells[f"m_{i}"]) for i, name in enumerate(measures)}
    cell = np.asarray(cells["cell"], dtype=np.int64)
    return cell, values, counts


def person_counts(con: duckdb.DuckDBPyConnection, source: str, *, id_col: str,
                  known: np.ndarray, excluded: np.ndarray) -> tuple[int, list, int]:
    """Events of persons missing from the persons table (count, example ids) and of
    persons excluded from the panel (count)."""
    con.register("known_df", pd.DataFrame({"pid": known}))
    con.register("excluded_df", pd.DataFrame({"pid": excluded}))
    pid = quote(id_col)
    n_unknown, examples = con.execute(
        f"SELECT count(*), list(DISTINCT {pid})[1:5] FROM {source} "
        f"WHERE {pid} NOT IN (SELECT pid FROM known_df)").fetchall()[0]
    n_excluded = con.execute(
        f"SELECT count(*) FROM {source} WHERE {pid} IN (SELECT pid FROM excluded_df)"
    ).fetchall()[0][0]
    return int(n_unknown), list(examples or []), int(n_excluded)
