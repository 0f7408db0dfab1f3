"""``build_panel`` and ``prior_use``: event records -> person-by-period tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .._shared import run_meta
from ..exceptions import ParameterError, SchemaError
from ..validation import check_option, examples
from . import engine_duckdb, engine_pandas
from .grid import dense_panel
from .measures import Measure, check_measures
from .periods import Period
from .results import PanelResult
from .schema import check_events, check_persons, to_days
from .units import make_units, resolve_optional

__all__ = ["build_panel"]

_RESERVED = {"rel_period", "exposure", "unit"}


def build_panel(persons: pd.DataFrame, events: pd.DataFrame | str | Path, *,
                measures: dict[str, Measure], window: tuple[int, int] = (-24, 12),
                period: str = "month", id_col: str = "person_id", index_col: str = "index_date",
                event_date_col: str = "event_date", engine: str = "pandas",
                key_col: str | None = None, death_col: str | None = "auto",
                end_col: str | None = "auto", span: tuple | None = None,
                carry: list[str] | None = None, missing_index: str = "error",
                unknown_persons: str = "error", memory_limit: str | None = None,
                progress: bool | None = None) -> PanelResult:
    """Turn event records into a person-by-period panel relative to each index date.

    Period ``k`` covers ``[index_date + k periods, index_date + k+1 periods)`` in calendar
    months (or years, weeks, days), so ``rel_period`` 0 starts on the index date.
    ``window=(start, stop)`` is half-open: ``(-24, 12)`` is the 24 months before the index
    date and the 12 from it. Every person gets every period of the window (zeros when
    they had no events), with ``exposure``, the share of the period they were alive,
    registered and inside the data's span.

    Parameters
    ----------
    persons : DataFrame
        One row per person (or per person x index date with ``key_col``).
    events : DataFrame or path
        One row per event; with ``engine="duckdb"`` also a Parquet/CSV path or glob.
    measures : dict of {name: Measure}
        What to count or sum, e.g. ``et.cohort.STANDARD_MEASURES``.
    window : (int, int)
        First period and one past the last, relative to the index date.
    period : {"month", "year", "week", "day"}
    id_col, index_col, event_date_col : str
        Column names of the person id, index date and event date.
    engine : {"pandas", "duckdb"}
        Both give the same table; DuckDB works out of core on large event files.
    key_col : str, optional
        A unique row key when a person appears more than once with different index
        dates (matched controls with pseudo index dates); the panel is keyed by it.
    death_col, end_col : str or None
        Date of death and end of registration; ``"auto"`` uses ``death_date`` and
        ``end_date`` when the table has them. Observation stops the day after either.
    span : (date, date), optional
        First and last day the event extract covers; by default the first and last
        event dates. Periods outside it get zero exposure.
    carry : list of str, optional
        Persons columns copied into the panel (e.g. ``["treated"]``).
    missing_index : {"error", "drop"}
        What to do with persons without an index date; dropped persons are counted.
    unknown_persons : {"error", "drop"}
        What to do with events whose person is not in ``persons``; dropped are counted.
    memory_limit : str, optional
        DuckDB memory limit, e.g. ``"3GB"``.
    progress : bool, optional
        Show a progress bar (default: only for more than a million events).

    Returns
    -------
    PanelResult
        ``.data``: id (and key), rel_period, exposure, one column per measure, carried
        columns; ``.flow``: every exclusion counted.

    Examples
    --------
    >>> import evaltools as et
    >>> persons, events = et.datasets.popp_synthetic(n_participants=30, n_pool=200, seed=1)
    >>> treated = persons[persons.treated == 1]
    >>> panel = et.cohort.build_panel(treated, events, measures=et.cohort.STANDARD_MEASURES,
    ...                               window=(-12, 12), unknown_persons="drop")
    >>> panel.data.shape[0] == 30 * 24
    True
    """
    check_option(engine, "engine", "build_panel", ["pandas", "duckdb"])
    check_option(unknown_persons, "unknown_persons", "build_panel", ["error", "drop"])
    _check_window(window)
    per = Period(period)
    death_col = resolve_optional(persons, death_col, "death_date")
    end_col = resolve_optional(persons, end_col, "end_date")
    check_persons(persons, id_col=id_col, index_col=index_col, key_col=key_col,
                  death_col=death_col, end_col=end_col, missing_index=missing_index)
    carry = list(carry or [])
    missing_carry = [c for c in carry if c not in persons.columns]
    if missing_carry:
        raise SchemaError(f"carry names column(s) {examples(missing_carry)} that the persons "
                          "table does not have. Fix: remove them from carry.")

    options = dict(window=tuple(window), period=period, engine=engine, id_col=id_col,
                   index_col=index_col, event_date_col=event_date_col, key_col=key_col,
                   death_col=death_col, end_col=end_col, measures=measures)
    data, flow, span = _run(persons, events, measures=measures, window=tuple(window),
                            period=per, id_col=id_col, index_col=index_col,
                            event_date_col=event_date_col, engine=engine, key_col=key_col,
                            death_col=death_col, end_col=end_col, span=span,
                            unknown_persons=unknown_persons, memory_limit=memory_limit,
                            progress=progress)
    if carry:
        values = persons.set_index(key_col or id_col)[carry]
        data = data.join(values, on=key_col or id_col)
    options["span"] = tuple(str(np.datetime_as_string(d)) for d in span)
    return PanelResult(data=data, flow=flow, measures=measures, id_col=key_col or id_col,
                       meta=run_meta(options, flow=flow))


def _check_window(window) -> None:
    ok = (isinstance(window, (tuple, list)) and len(window) == 2
          and all(isinstance(w, (int, np.integer)) for w in window) and window[0] < window[1])
    if not ok:
        raise ParameterError("The 'window' parameter of build_panel must be a pair of ints "
                             f"(start, stop) with start < stop. Got {window!r} instead.")


def _run(persons, events, *, measures, window, period, id_col, index_col, event_date_col,
         engine, key_col, death_col, end_col, span, unknown_persons, memory_limit, progress):
    """Shared work of build_panel and prior_use: checks, units, the engine, the flow."""
    is_frame = isinstance(events, pd.DataFrame)
    con = engine_duckdb.connect(memory_limit) if engine == "duckdb" else None
    if not is_frame and con is None:
        events = read_events(events)
        is_frame = True
    source = engine_duckdb.events_relation(con, events) if con is not None else None
    columns = list(events.columns) if is_frame else [
        r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    check_measures(measures, columns, _RESERVED | {id_col, key_col or id_col})
    value_cols = {m.value for m in measures.values() if m.value}

    n_events, first_last = _scan_events(events, con, source, id_col=id_col,
                                        event_date_col=event_date_col, value_cols=value_cols)
    show = progress if progress is not None else n_events > 1_000_000
    bar = tqdm(total=3, desc="build_panel", disable=not show)
    span = _resolve_span(span, first_last)
    bar.update()

    units, flow, excluded = make_units(persons, id_col=id_col, index_col=index_col,
                                       key_col=key_col, death_col=death_col, end_col=end_col,
                                       span=span)
    known = persons[id_col].to_numpy()
    if is_frame:
        pid = events[id_col]
        unknown_mask = ~pid.isin(known).to_numpy()
        n_unknown, unknown_ids = int(unknown_mask.sum()), pd.unique(pid[unknown_mask])[:5]
        n_excluded_person = int(pid.isin(excluded).sum())
    else:
        n_unknown, unknown_ids, n_excluded_person = engine_duckdb.person_counts(
            con, source, id_col=id_col, known=known, excluded=excluded)
    if n_unknown and unknown_persons == "error":
        raise SchemaError(
            f"Column '{id_col}' of the events table has {n_unknown} event(s) for persons not in "
            f"the persons table, e.g. {id_col} {examples(unknown_ids)}. Fix: add those persons, "
            "or pass unknown_persons='drop' to leave their events out (counted in the flow).")
    bar.update()

    if engine == "pandas":
        cell, values, counts = engine_pandas.aggregate(
            units, events, measures=measures, period=period, window=window, span=span,
            id_col=id_col, event_date_col=event_date_col)
    else:
        cell, values, counts = engine_duckdb.aggregate(
            con, units, source, measures=measures, period=period, window=window, span=span,
            id_col=id_col, event_date_col=event_date_col)
        con.close()
    data = dense_panel(units, key_name=key_col or id_col, id_name=id_col if key_col else None,
                       period=period, window=window, span=span, cell=cell, values=values,
                       measures=measures)
    bar.update()
    bar.close()

    flow += _event_flow(n_events, n_unknown, n_excluded_person, counts, repeated=bool(key_col))
    flow_table = pd.DataFrame(flow, columns=["step", "n", "unit"])
    return data, flow_table, span


def _scan_events(events, con, source, *, id_col, event_date_col, value_cols):
    """Check the events (in pandas, or in DuckDB for files); their count and date range."""
    if isinstance(events, pd.DataFrame):
        check_events(events, id_col=id_col, event_date_col=event_date_col, value_cols=value_cols)
        dates = to_days(events, event_date_col, "events", id_col)
        return len(events), (dates.min(), dates.max()) if len(dates) else (None, None)
    checks = engine_duckdb.event_checks(con, source, id_col=id_col,
                                        event_date_col=event_date_col, value_cols=value_cols)
    _raise_for_checks(checks, id_col, event_date_col)
    first_last = tuple(np.datetime64(checks[k], "D") if checks[k] else None
                       for k in ("first", "last"))
    return checks["n"], first_last


def _event_flow(n_events, n_unknown, n_excluded_person, counts, *, repeated):
    unit = "event-unit links" if repeated else "events"
    rows = [("events supplied", n_events, "events")]
    if n_unknown:
        rows.append(("excluded: person not in the persons table", n_unknown, "events"))
    if n_excluded_person:
        rows.append(("excluded: person excluded above", n_excluded_person, "events"))
    if repeated:
        rows.append(("event-unit links (an event counts once per unit of its person)",
                     counts["links"], unit))
    rows += [("excluded: outside the data span", counts["outside_span"], unit),
             ("excluded: after death or end of registration", counts["after_end"], unit),
             ("excluded: outside the window", counts["outside_window"], unit),
             ("events in the panel", counts["in_panel"], unit)]
    return [r for r in rows if r[1] or not r[0].startswith("excluded")]


def _resolve_span(span, first_last):
    if span is None:
        if first_last[0] is None:
            raise SchemaError("The events table is empty, so the data's span cannot be inferred. "
                              "Fix: pass span=(first_day, last_day) of the extract.")
        return first_last
    try:
        first, last = (np.datetime64(pd.Timestamp(d).date(), "D") for d in span)
    except (TypeError, ValueError) as err:
        raise ParameterError(f"The 'span' parameter of build_panel must be two dates. "
                             f"Got {span!r} instead.") from err
    if first > last:
        raise ParameterError(f"The 'span' parameter of build_panel must have first <= last. "
                             f"Got {span!r} instead.")
    return first, last


def _raise_for_checks(checks, id_col, event_date_col):
    if checks["missing"]:
        raise SchemaError(f"The events table has {checks['missing']} row(s) with a missing "
                          f"'{id_col}' or '{event_date_col}'. Fix: remove them before calling "
                          "and report how many.")
    for col, n in checks["negative"].items():
        if n:
            raise SchemaError(f"Column '{col}' of the events table has {n} negative value(s). "
                              "Fix: correct or remove these records.")


def read_events(path) -> pd.DataFrame:
    path = str(path)
    return pd.read_csv(path) if path.endswith((".csv", ".csv.gz")) else pd.read_parquet(path)
