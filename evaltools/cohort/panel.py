"""``build_panel`` and ``prior_use``: event records -> person-by-period tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .._shared import run_meta
from .._shared.calls import checked_call
from ..exceptions import SchemaError
from ..validation import check_option, examples
from . import engine_duckdb, engine_pandas
from .duckdb_checks import scan_files
from .events import DUPLICATES, prepare_frame, warn_no_match
from .grid import dense_panel
from .measures import Measure, check_measure_dict
from .options import (
    check_carry,
    check_distinct,
    check_names,
    check_progress,
    check_source,
    check_span,
    check_tables_given,
    check_window,
    check_window_reach,
    warn_ignored,
)
from .periods import Period
from .results import PanelResult
from .schema import check_persons
from .size import check_units_size
from .units import make_units, resolve_optional

__all__ = ["build_panel"]

_RESERVED = {"rel_period", "exposure", "unit"}


@checked_call
def build_panel(persons: pd.DataFrame, events: pd.DataFrame | str | Path, *,
                measures: dict[str, Measure], window: tuple[int, int] = (-24, 12),
                period: str = "month", id_col: str = "person_id", index_col: str = "index_date",
                event_date_col: str = "event_date", engine: str = "pandas",
                key_col: str | None = None, death_col: str | None = "auto",
                end_col: str | None = "auto", span: tuple | None = None,
                carry: list[str] | None = None, missing_index: str = "error",
                unknown_persons: str = "error", memory_limit: str | None = None,
                duplicates: str = "drop", progress: bool | None = None) -> PanelResult:
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
        First period and one past the last, relative to the index date; it may reach at
        most 200 years from the index date.
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
        event dates, with a DataWarning naming any dates far outside the rest (e.g. one
        event in 2099), which would stretch it. Periods outside it get zero exposure.
    carry : list of str, optional
        Persons columns copied into the panel (e.g. ``["treated"]``); names the panel
        already uses (id, key, rel_period, exposure, measures) are refused.
    missing_index : {"error", "drop"}
        What to do with persons without an index date; dropped persons are counted.
    unknown_persons : {"error", "drop"}
        What to do with events whose person is not in ``persons``; dropped are counted.
    memory_limit : str, optional
        DuckDB memory limit, e.g. ``"3GB"`` (a number and a unit B, KB, MB, GB, TB, KiB,
        MiB, GiB or TiB; anything else is refused). Ignored, with a warning, by the pandas
        engine.
    duplicates : {"drop", "keep", "error"}
        Exact duplicate event rows (every column equal) are usually extraction errors:
        by default they are dropped, counted in the flow and warned about (DataWarning);
        "keep" counts them as separate events (still warned), "error" refuses them.
    progress : bool, optional
        Show a progress bar (default: only for more than a million events).

    Events paths must be local (URLs are refused: nothing is read over the network); the
    DuckDB engine reads timezone-aware Parquet timestamps as wall-clock dates in the zone
    the file records, as pandas does. A measure whose ``where`` selects none of the events
    (e.g. ``'AE'`` for ``'ae'``) and events of which none belongs to a person in
    ``persons`` are warned about (DataWarning); a panel with nobody left is refused.

    Returns
    -------
    PanelResult
        ``.data``: id (and key), rel_period, exposure, one column per measure, carried
        columns; ``.flow``: every exclusion counted.

    Examples
    --------
    >>> import evaltools as et
    >>> persons, events = et.datasets.popp_synthetic(n_participants=30, n_pool=200, random_state=1)
    >>> treated = persons[persons.treated == 1]
    >>> panel = et.cohort.build_panel(treated, events, measures=et.cohort.STANDARD_MEASURES,
    ...                               window=(-12, 12), unknown_persons="drop")
    >>> panel.data.shape[0] == 30 * 24
    True
    """
    carry = _check_build_options(
        persons, events, measures=measures, window=window, id_col=id_col, index_col=index_col,
        event_date_col=event_date_col, engine=engine, key_col=key_col, death_col=death_col,
        end_col=end_col, carry=carry, unknown_persons=unknown_persons,
        memory_limit=memory_limit, duplicates=duplicates, progress=progress)
    per = Period(period)
    check_window_reach(window, per)
    span = check_span(span, "build_panel")
    death_col = resolve_optional(persons, death_col, "death_date")
    end_col = resolve_optional(persons, end_col, "end_date")
    check_persons(persons, id_col=id_col, index_col=index_col, key_col=key_col,
                  death_col=death_col, end_col=end_col, missing_index=missing_index)

    options = dict(window=tuple(window), period=period, engine=engine, id_col=id_col,
                   index_col=index_col, event_date_col=event_date_col, key_col=key_col,
                   death_col=death_col, end_col=end_col, measures=measures)
    data, flow, span = _run(persons, events, measures=measures, window=tuple(window),
                            period=per, id_col=id_col, index_col=index_col,
                            event_date_col=event_date_col, engine=engine, key_col=key_col,
                            death_col=death_col, end_col=end_col, span=span,
                            unknown_persons=unknown_persons, memory_limit=memory_limit,
                            progress=progress, duplicates=duplicates)
    if carry:
        values = persons.set_index(key_col or id_col)[carry]
        data = data.join(values, on=key_col or id_col)
    options["span"] = tuple(str(np.datetime_as_string(d)) for d in span)
    return PanelResult(data=data, flow=flow, measures=measures, id_col=key_col or id_col,
                       meta=run_meta(options, flow=flow))


def _check_build_options(persons, events, *, measures, window, id_col, index_col,
                         event_date_col, engine, key_col, death_col, end_col, carry,
                         unknown_persons, memory_limit, duplicates, progress) -> list[str]:
    """Every option of build_panel, before any work; returns the columns to carry."""
    f = "build_panel"
    check_option(engine, "engine", f, ["pandas", "duckdb"])
    check_option(unknown_persons, "unknown_persons", f, ["error", "drop"])
    check_option(duplicates, "duplicates", f, DUPLICATES)
    check_window(window, f)
    check_progress(progress, f)
    check_names(f, id_col=id_col, index_col=index_col, event_date_col=event_date_col,
                key_col=key_col, **{k: v for k, v in (("death_col", death_col),
                                                     ("end_col", end_col)) if v != "auto"})
    check_distinct(f, id_col=id_col, index_col=index_col, death_col=death_col,
                   end_col=end_col)
    check_distinct(f, id_col=id_col, event_date_col=event_date_col)
    if key_col not in (None, id_col):
        check_distinct(f, key_col=key_col, index_col=index_col, death_col=death_col,
                       end_col=end_col)
    check_tables_given(persons, events, engine, f, id_col=id_col, index_col=index_col)
    engine_duckdb.check_memory_limit(memory_limit)
    if memory_limit is not None and engine == "pandas":
        warn_ignored("memory_limit", f, "it limits the DuckDB engine only (engine='pandas')")
    taken = _RESERVED | {id_col, key_col or id_col} | (set(measures) if isinstance(measures, dict) else set())
    return check_carry(carry, persons, taken)


def _run(persons, events, *, measures, window, period, id_col, index_col, event_date_col,
         engine, key_col, death_col, end_col, span, unknown_persons, memory_limit, progress,
         duplicates="drop"):
    """Shared work of build_panel and prior_use: checks, units, the engine, the flow."""
    engine_duckdb.check_memory_limit(memory_limit)
    reserved = _RESERVED | {id_col, key_col or id_col}
    check_measure_dict(measures, "build_panel")
    check_units_size(len(persons), window, len(measures))
    if not isinstance(events, pd.DataFrame) and engine == "pandas":
        events = read_events(events)
    con = engine_duckdb.connect(memory_limit) if engine == "duckdb" else None
    try:
        return _run_with(con, persons, events, measures=measures, window=window,
                         period=period, id_col=id_col, index_col=index_col,
                         event_date_col=event_date_col, key_col=key_col, death_col=death_col,
                         end_col=end_col, span=span, unknown_persons=unknown_persons,
                         progress=progress, duplicates=duplicates, reserved=reserved)
    finally:
        if con is not None:
            con.close()


def _scan(con, persons, events, *, measures, reserved, id_col, event_date_col, duplicates,
          infer_span):
    """Check the events (pandas for DataFrames, SQL for files); the events or SQL source
    to count from, and the facts for the flow."""
    kwargs = dict(person_ids=persons[id_col], measures=measures, reserved=reserved,
                  id_col=id_col, event_date_col=event_date_col, duplicates=duplicates,
                  infer_span=infer_span)
    if isinstance(events, pd.DataFrame):
        events, facts = prepare_frame(events, **kwargs)
        source = engine_duckdb.register_frame(con, events) if con is not None else None
        return events, source, facts
    kinds, types = engine_duckdb.open_files(con, events, event_date_col=event_date_col)
    source, facts = scan_files(con, kinds=kinds, types=types, **kwargs)
    return None, source, facts


def _run_with(con, persons, events, *, measures, window, period, id_col, index_col,
              event_date_col, key_col, death_col, end_col, span, unknown_persons, progress,
              duplicates, reserved):
    events, source, facts = _scan(con, persons, events, measures=measures, reserved=reserved,
                                  id_col=id_col, event_date_col=event_date_col,
                                  duplicates=duplicates, infer_span=span is None)
    n_events = facts["n"]
    show = progress if progress is not None else n_events > 1_000_000
    bar = tqdm(total=3, desc="build_panel", disable=not show)
    span = _resolve_span(span, (facts["first"], facts["last"]))
    bar.update()

    units, flow, excluded = make_units(persons, id_col=id_col, index_col=index_col,
                                       key_col=key_col, death_col=death_col, end_col=end_col,
                                       span=span)
    if not len(units):
        raise SchemaError(
            "No person is left for the panel: " + "; ".join(f"{step}: {n}" for step, n, _ in flow)
            + f". Fix: check the '{index_col}' column (and missing_index=, death and end "
            "dates).")
    known = persons[id_col].to_numpy()
    if events is not None:
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
    warn_no_match(n_events - facts["duplicates"], n_unknown, list(unknown_ids), known, id_col)
    bar.update()

    if con is None:
        cell, values, counts = engine_pandas.aggregate(
            units, events, measures=measures, period=period, window=window, span=span,
            id_col=id_col, event_date_col=event_date_col)
    else:
        cell, values, counts = engine_duckdb.aggregate(
            con, units, source, measures=measures, kinds=facts["kinds"], period=period,
            window=window, span=span, id_col=id_col, event_date_col=event_date_col)
    data = dense_panel(units, key_name=key_col or id_col, id_name=id_col if key_col else None,
                       period=period, window=window, span=span, cell=cell, values=values,
                       measures=measures)
    bar.update()
    bar.close()

    flow += _event_flow(n_events, facts["duplicates"], n_unknown, n_excluded_person, counts,
                        repeated=bool(key_col))
    flow_table = pd.DataFrame(flow, columns=["step", "n", "unit"])
    return data, flow_table, span


def _event_flow(n_events, n_duplicates, n_unknown, n_excluded_person, counts, *, repeated):
    unit = "event-unit links" if repeated else "events"
    rows = [("events supplied", n_events, "events")]
    if n_duplicates:
        rows.append(("excluded: exact duplicate rows", n_duplicates, "events"))
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
    return check_span(span, "build_panel")


def read_events(path, func: str = "build_panel") -> pd.DataFrame:
    """Events from a Parquet or CSV file for the pandas engine (CSV dates stay text and are
    read by the ISO rule, as DuckDB reads them)."""
    check_source(path, "pandas", func)
    path = str(path)
    try:
        if path.endswith((".csv", ".csv.gz")):
            return pd.read_csv(path)
        return pd.read_parquet(path)
    except (OSError, ValueError) as err:
        raise SchemaError(f"The events file {path!r} cannot be read: {err}. Fix: check the "
                          "path (globs need engine='duckdb') and the file format.") from None
