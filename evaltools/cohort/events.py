"""The events table before anything is counted: ids, dates, duplicates, amounts, span.

The checks are written once for pandas tables here; the DuckDB engine runs the same
checks in SQL on files and raises the same messages (built by the functions below).
"""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np
import pandas as pd

from ..exceptions import DataWarning, SchemaError
from ..validation import check_option, examples
from .compile import pandas_kinds
from .measures import Measure, check_measures, selected
from .schema import check_events, to_days

__all__ = ["naive_local", "prepare_frame", "check_id_types", "check_values",
           "outlying_dates", "warn_unselected", "warn_no_match", "DUPLICATES"]

DUPLICATES = ["drop", "keep", "error"]
_DAY = np.timedelta64(1, "D")


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def user_stacklevel() -> int:
    """The stacklevel of the first caller outside evaltools, so a warning points at the
    user's own line whichever public function raised it."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


def naive_local(frame: pd.DataFrame) -> pd.DataFrame:
    """Timezone-aware datetime columns as naive local times (the wall-clock date)."""
    aware = [c for c in frame.columns
             if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
    if not aware:
        return frame
    return frame.assign(**{c: frame[c].dt.tz_localize(None) for c in aware})


def id_family(kind: str) -> str:
    return {"float": "number", "bool": "number"}.get(kind, kind)


def check_id_types(person_ids: pd.Series, events_kind: str, events_dtype: str,
                   id_col: str) -> None:
    """Refuse person ids that are text in one table and numbers in the other."""
    persons_kind = id_family(pandas_kinds(person_ids.to_frame(), [person_ids.name])
                             [person_ids.name])
    kinds = {persons_kind, id_family(events_kind)}
    if kinds == {"number", "string"}:
        raise SchemaError(
            f"Column '{id_col}' has dtype {person_ids.dtype} in the persons table but "
            f"{events_dtype} in the events table, so no event would match a person. Fix: "
            f"give both the same type, e.g. events['{id_col}'] = events['{id_col}']"
            ".astype(str) and the same for persons.")


def duplicates_found(n: int, n_events: int, example_ids: list, id_col: str,
                     duplicates: str) -> None:
    """Raise or warn about exact duplicate event rows (messages shared by both engines)."""
    if not n:
        return
    head = (f"The events table has {n:,} exact duplicate row(s) (of {n_events:,}), e.g. for "
            f"{id_col} {examples(example_ids)}")
    if duplicates == "error":
        raise SchemaError(f"{head}. Fix: remove them (events.drop_duplicates()), or pass "
                          "duplicates='drop' (counted in the flow) or 'keep' if repeated "
                          "identical records are real separate events.")
    done = {"drop": "dropped and counted in the flow",
            "keep": "kept as separate events (duplicates='keep')",
            "report": "counted here; build_panel and prior_use drop them by default "
                      "(duplicates='keep' counts them as separate events)"}[duplicates]
    warnings.warn(f"{head}; they are {done}.", DataWarning, stacklevel=user_stacklevel())


def nonfinite_error(name: str, measure: Measure, n_missing: int, n_inf: int,
                    example_ids: list, id_col: str) -> SchemaError:
    return SchemaError(
        f"Measure {name!r} sums column '{measure.value}', which is missing for {n_missing} "
        f"and infinite for {n_inf} of the events it selects, e.g. {id_col} "
        f"{examples(example_ids)}; a missing amount is never counted as zero. Fix: fill "
        f"them (e.g. events['{measure.value}'].fillna(0) if missing means none), drop "
        f"those events, or narrow the measure, e.g. where=\"... and {measure.value} is not "
        "null\".")


def warn_unselected(unselected: list[tuple[str, Measure]], n_events: int,
                    values: dict[str, list]) -> None:
    """Warn about measures whose condition selects none of the events (usually a literal
    spelled differently from the data, e.g. 'AE' for 'ae'); the same text on both engines."""
    if not unselected or not n_events:
        return
    parts = []
    for name, measure in unselected:
        seen = [f"'{c}' has {examples(values[c], k=8)}" for c in sorted(measure.columns())
                if values.get(c)]
        parts.append(f"Measure {name!r} ({measure.where}) selects none of the {n_events:,} "
                     f"events" + (f"; {'; '.join(seen)}" if seen else ""))
    warnings.warn(". ".join(parts) + ". Its totals are all zero. Fix: check the spelling and "
                  "case of the values in 'where' against those of the data.", DataWarning,
                  stacklevel=user_stacklevel())


def warn_no_events(n_events: int) -> None:
    """An events table with no rows gives totals of zero: say so."""
    if n_events == 0:
        warnings.warn("The events table has no rows, so every total is zero. Fix: check the "
                      "file or the filter that produced it.", DataWarning,
                      stacklevel=user_stacklevel())


def warn_no_match(n_events: int, n_unknown: int, event_ids: list, person_ids, id_col: str
                  ) -> None:
    """Warn when no event belongs to any person: the tables probably use different ids."""
    if not n_events or n_unknown < n_events:
        return
    warnings.warn(
        f"None of the {n_events:,} events belongs to a person of the persons table: events "
        f"have {id_col} {examples(event_ids)}, persons have {examples(list(person_ids[:5]))}. "
        "Every total is zero. Fix: check that both tables use the same person ids.",
        DataWarning, stacklevel=user_stacklevel())


def text_values(events: pd.DataFrame, columns) -> dict[str, list]:
    """A few distinct values of each text column (for :func:`warn_unselected`)."""
    kinds = pandas_kinds(events, columns)
    return {c: sorted(map(str, pd.unique(events[c].dropna())))[:8] for c in columns
            if kinds.get(c) == "string"}


def check_values(events: pd.DataFrame, measures: dict[str, Measure], id_col: str) -> None:
    """Every summed amount on a selected event must be a finite number."""
    for name, measure in measures.items():
        if measure.agg != "sum":
            continue
        values = events[measure.value].to_numpy(dtype="float64", na_value=np.nan)
        keep = selected(events, measure)
        missing, infinite = keep & np.isnan(values), keep & np.isinf(values)
        if missing.any() or infinite.any():
            bad = missing | infinite
            raise nonfinite_error(name, measure, int(missing.sum()), int(infinite.sum()),
                                  list(events.loc[bad, id_col][:5]), id_col)


def outlying_dates(n: int, low: np.datetime64, high: np.datetime64
                   ) -> tuple[np.datetime64, np.datetime64] | None:
    """Limits beyond which an event date is an outlier, from the dates that are the
    ``k``-th from each end (``k`` = 0.5% of the events, at least 1): a year, or a quarter
    of that core range if longer, beyond it. None when there are too few events to say."""
    if n < 3:
        return None
    tolerance = max(365, int(0.25 * (high - low).astype(np.int64))) * _DAY
    return low - tolerance, high + tolerance


def core_positions(n: int) -> tuple[int, int]:
    k = max(1, int(np.ceil(0.005 * n)))
    return k, n - 1 - k


def span_warning(n_out: int, example_dates: list, low, high) -> None:
    low, high = (np.datetime_as_string(np.datetime64(d, "D")) for d in (low, high))
    warnings.warn(
        f"The data's span is inferred from the event dates, but {n_out} event date(s) lie "
        f"far outside the rest ({low} to {high}), e.g. {examples(example_dates)}; they "
        "stretch the span and add person-time in which nothing could be recorded. Fix: pass "
        f"span=('{low}', '{high}') (the extract's real first and last day) or correct "
        "those dates.", DataWarning,
                  stacklevel=user_stacklevel())


def _warn_outliers(dates: np.ndarray) -> None:
    dates = dates[~np.isnat(dates)]
    if len(dates) < 3:
        return
    lo_k, hi_k = core_positions(len(dates))
    part = np.partition(dates, [lo_k, hi_k])
    limits = outlying_dates(len(dates), part[lo_k], part[hi_k])
    out = (dates < limits[0]) | (dates > limits[1])
    if out.any():
        shown = [str(d) for d in np.unique(dates[out])[:5]]
        span_warning(int(out.sum()), shown, dates[~out].min(), dates[~out].max())


def _warn_unselected_frame(events: pd.DataFrame, measures: dict[str, Measure]) -> None:
    unselected = [(n, m) for n, m in measures.items()
                  if m.tree is not None and not selected(events, m).any()]
    if unselected and len(events):
        used = set().union(*(m.columns() for _, m in unselected))
        warn_unselected(unselected, len(events), text_values(events, used))


def prepare_frame(events: pd.DataFrame, *, person_ids: pd.Series, measures: dict,
                  reserved: set[str], id_col: str, event_date_col: str, duplicates: str,
                  infer_span: bool) -> tuple[pd.DataFrame, dict]:
    """Check an events DataFrame and drop exact duplicates if asked.

    Returns the events to count and the facts the flow needs: ``n`` (rows supplied),
    ``duplicates`` (rows dropped), ``first``/``last`` event date and the column ``kinds``.
    """
    check_option(duplicates, "duplicates", "build_panel", [*DUPLICATES, "report"])
    events = naive_local(events)
    check_measures(measures, list(events.columns), reserved)
    check_events(events, id_col=id_col, event_date_col=event_date_col,
                 value_cols={m.value for m in measures.values() if m.value})
    kinds = {c: "other" for c in events.columns}
    used = set().union(*(m.columns() for m in measures.values())) | {id_col}
    kinds.update(pandas_kinds(events, used & set(events.columns)))
    check_measures(measures, kinds, reserved)
    check_id_types(person_ids, kinds[id_col], str(events[id_col].dtype), id_col)
    dates = to_days(events, event_date_col, "events", id_col)
    check_values(events, measures, id_col)
    _warn_unselected_frame(events, measures)
    n = len(events)
    warn_no_events(n)
    dup = exact_duplicates(events, id_col, event_date_col)
    duplicates_found(int(dup.sum()), n, list(pd.unique(events.loc[dup, id_col])[:5]), id_col,
                     duplicates)
    if duplicates == "drop" and dup.any():
        events, dates = events[~dup], dates[~dup]
    if infer_span:
        _warn_outliers(dates)
    facts = {"n": n, "duplicates": int(dup.sum()) if duplicates == "drop" else 0,
             "duplicates_found": int(dup.sum()),
             "first": dates.min() if len(dates) else None,
             "last": dates.max() if len(dates) else None, "kinds": kinds}
    return events, facts


def exact_duplicates(events: pd.DataFrame, id_col: str, event_date_col: str) -> np.ndarray:
    """Rows that repeat an earlier row in every column.

    Only rows sharing a person and a date can be exact duplicates, so the full-row
    comparison (slow on text columns) runs on those candidates alone.

    >>> df = pd.DataFrame({"pid": [1, 1, 1, 2], "d": ["2020-01-01"] * 4,
    ...                    "setting": ["ae", "ae", "op", "ae"]})
    >>> exact_duplicates(df, "pid", "d").tolist()
    [False, True, False, False]
    """
    out = np.zeros(len(events), dtype=bool)
    candidates = events.duplicated(subset=[id_col, event_date_col], keep=False).to_numpy()
    if candidates.any():
        out[candidates] = events[candidates].duplicated().to_numpy()
    return out

