"""The checks of :mod:`evaltools.cohort.events`, run in DuckDB on events files.

Same rules and messages as for DataFrames: ids present and of the persons' type, dates
as date columns or ISO text (never numbers), no negative or (on selected events) missing
or infinite amounts, exact duplicates counted, outlying dates warned about.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import SchemaError
from ..validation import check_option, examples
from .compile import quote, to_sql
from .engine_duckdb import SOURCE, date_sql
from .events import (
    DUPLICATES,
    check_id_types,
    core_positions,
    duplicates_found,
    nonfinite_error,
    outlying_dates,
    span_warning,
    warn_no_events,
    warn_unselected,
)
from .measures import check_measures
from .schema import ISO_DATE, _date_fix

__all__ = ["scan_files"]


def scan_files(con, *, kinds: dict[str, str], types: dict[str, str], person_ids: pd.Series,
               measures: dict, reserved: set[str], id_col: str, event_date_col: str,
               duplicates: str, infer_span: bool) -> tuple[str, dict]:
    """Check the events source and drop exact duplicates if asked; the source to count
    from and the facts the flow needs (as :func:`events.prepare_frame`)."""
    check_option(duplicates, "duplicates", "build_panel", DUPLICATES)
    missing = [c for c in (id_col, event_date_col) if c not in kinds]
    if missing:
        raise SchemaError(f"The events table has no column {examples(missing)}; it has "
                          f"{examples(list(kinds), k=12)}. Fix: rename your columns or pass "
                          "id_col= and event_date_col=.")
    check_measures(measures, kinds, reserved)
    for col in sorted({m.value for m in measures.values() if m.value}):
        if kinds[col] not in ("number", "float", "bool"):
            raise SchemaError(f"Column '{col}' of the events table must be numeric; it has "
                              f"type {types[col]}. Fix: store it as numbers.")
    check_id_types(person_ids, kinds[id_col], types[id_col], id_col)
    _check_date_column(con, kinds, types, id_col, event_date_col)
    facts = _one_scan(con, kinds, measures, id_col, event_date_col)
    warn_no_events(facts["n"])
    n_dup, dup_ids = _duplicates(con, list(kinds), id_col)
    duplicates_found(n_dup, facts["n"], dup_ids, id_col, duplicates)
    source = SOURCE
    if duplicates == "drop" and n_dup:
        con.execute(f"CREATE OR REPLACE TEMP VIEW events_distinct AS "
                    f"SELECT DISTINCT * FROM {SOURCE}")
        source = "events_distinct"
    facts["duplicates"] = n_dup if duplicates == "drop" else 0
    facts["kinds"] = kinds
    if infer_span:
        _warn_outliers(con, source, facts["n"] - facts["duplicates"],
                       date_sql(event_date_col, kinds[event_date_col]))
    return source, facts


def _check_date_column(con, kinds, types, id_col, event_date_col) -> None:
    kind = kinds[event_date_col]
    if kind in ("number", "float", "bool"):
        raise SchemaError(
            f"Column '{event_date_col}' of the events table holds numbers "
            f"({types[event_date_col]}), not dates; numbers are not read as dates. Fix: "
            "store the dates as a date type, or as ISO text (YYYY-MM-DD).")
    if kind == "other":
        raise SchemaError(f"Column '{event_date_col}' of the events table has type "
                          f"{types[event_date_col]}, not a date. {_date_fix(event_date_col)}")
    if kind != "string":
        return
    col = quote(event_date_col)
    n, values, ids = con.execute(
        f"SELECT count(*), list({col})[1:5], list({quote(id_col)})[1:5] FROM {SOURCE} "
        f"WHERE {col} IS NOT NULL AND (NOT regexp_full_match({col}, ?) "
        f"OR try_cast({col} AS TIMESTAMP) IS NULL)", [ISO_DATE]).fetchall()[0]
    if n:
        raise SchemaError(
            f"Column '{event_date_col}' of the events table has {n} value(s) that are not ISO "
            f"dates (YYYY-MM-DD), e.g. {examples(values)} at {id_col} {examples(ids)}; text "
            f"dates are read by that one rule only. {_date_fix(event_date_col)}")


def _one_scan(con, kinds, measures, id_col, event_date_col) -> dict:
    """Counts of missing keys, negative and non-finite amounts, the date range, in one scan."""
    d = date_sql(event_date_col, kinds[event_date_col])
    params: list = []
    parts = [f"count(*) FILTER (WHERE {quote(id_col)} IS NULL OR "
             f"{quote(event_date_col)} IS NULL)", f"min({d})", f"max({d})", "count(*)"]
    value_cols = sorted({m.value for m in measures.values() if m.value})
    parts += [f"count(*) FILTER (WHERE {quote(c)} < 0)" for c in value_cols]
    sums = {n: m for n, m in measures.items() if m.agg == "sum"}
    for m in sums.values():
        bound: list = []
        where = "TRUE" if m.tree is None else to_sql(m.tree, kinds, bound)
        params += bound * 3  # the condition appears in three filters below
        v = f"CAST({quote(m.value)} AS DOUBLE)"
        parts += [f"count(*) FILTER (WHERE {where} AND ({v} IS NULL OR isnan({v})))",
                  f"count(*) FILTER (WHERE {where} AND isinf({v}))",
                  f"(list({quote(id_col)}) FILTER (WHERE {where} AND "
                  f"({v} IS NULL OR isnan({v}) OR isinf({v}))))[1:5]"]
    filtered = {n: m for n, m in measures.items() if m.tree is not None}
    for m in filtered.values():
        parts.append(f"count(*) FILTER (WHERE {to_sql(m.tree, kinds, params)})")
    row = con.execute(f"SELECT {', '.join(parts)} FROM {SOURCE}", params).fetchall()[0]
    n_selected = row[len(row) - len(filtered):]
    row = row[:len(row) - len(filtered)]
    if row[0]:
        raise SchemaError(f"The events table has {row[0]} row(s) with a missing "
                          f"'{id_col}' or '{event_date_col}'. Fix: remove them before calling "
                          "and report how many.")
    for col, n in zip(value_cols, row[4:4 + len(value_cols)], strict=True):
        if n:
            raise SchemaError(f"Column '{col}' of the events table has {n} negative value(s). "
                              "Fix: correct or remove these records.")
    rest = row[4 + len(value_cols):]
    for i, (name, m) in enumerate(sums.items()):
        n_missing, n_inf, ids = rest[3 * i:3 * i + 3]
        if n_missing or n_inf:
            raise nonfinite_error(name, m, int(n_missing), int(n_inf), list(ids or []), id_col)
    first, last = (np.datetime64(x, "D") if x is not None else None for x in row[1:3])
    unselected = [(n, m) for (n, m), k in zip(filtered.items(), n_selected, strict=True)
                  if not k]
    if unselected and row[3]:
        used = sorted(set().union(*(m.columns() for _, m in unselected)))
        values = {c: [str(v) for v in con.execute(
            f"SELECT list(DISTINCT {quote(c)} ORDER BY {quote(c)})[1:8] FROM {SOURCE}"
        ).fetchall()[0][0] or []] for c in used if kinds.get(c) == "string"}
        warn_unselected(unselected, int(row[3]), values)
    return {"n": int(row[3]), "first": first, "last": last}


def _duplicates(con, columns: list[str], id_col: str) -> tuple[int, list]:
    cols = ", ".join(quote(c) for c in columns)
    n, ids = con.execute(
        f"SELECT coalesce(sum(c - 1), 0), (list(pid) FILTER (WHERE c > 1))[1:5] FROM "
        f"(SELECT {quote(id_col)} AS pid, count(*) AS c FROM {SOURCE} GROUP BY {cols})"
    ).fetchall()[0]
    return int(n), list(ids or [])


def _warn_outliers(con, source: str, n: int, d: str) -> None:
    if n < 3:
        return
    lo_k, hi_k = core_positions(n)
    low, high = (con.execute(f"SELECT {d} AS d FROM {source} ORDER BY d LIMIT 1 OFFSET ?",
                             [int(k)]).fetchall()[0][0] for k in (lo_k, hi_k))
    low, high = np.datetime64(low, "D"), np.datetime64(high, "D")
    limits = outlying_dates(n, low, high)
    bounds = [pd.Timestamp(x).date() for x in limits]
    n_out, shown, first, last = con.execute(
        "SELECT count(*) FILTER (WHERE d < ? OR d > ?), (list(DISTINCT CAST(d AS VARCHAR) "
        "ORDER BY CAST(d AS VARCHAR)) FILTER (WHERE d < ? OR d > ?))[1:5], "
        "min(d) FILTER (WHERE d >= ? AND d <= ?), max(d) FILTER (WHERE d >= ? AND d <= ?) "
        f"FROM (SELECT {d} AS d FROM {source})", bounds * 4).fetchall()[0]
    if n_out:
        span_warning(int(n_out), list(shown), first, last)
