"""Prior-use covariates as of each row's index date (e.g. admissions in the prior year)."""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .._shared.calls import checked_call
from ..exceptions import ExclusionWarning, ParameterError, SchemaError
from ..validation import check_frame, check_option, examples
from .compile import pandas_kinds
from .events import (
    DUPLICATES,
    check_id_types,
    check_values,
    duplicates_found,
    exact_duplicates,
    naive_local,
    prepare_frame,
    warn_no_match,
)
from .measures import (
    Measure,
    check_measure_dict,
    check_measures,
    evaluate_measures,
    measure_kinds,
)
from .options import (
    check_distinct,
    check_months,
    check_names,
    check_span,
    check_table_columns,
    check_tables_given,
)
from .panel import _run, read_events
from .periods import Period, add_months
from .schema import check_events, check_persons, to_days

__all__ = ["prior_use", "SortedEvents"]


@checked_call
def prior_use(persons: pd.DataFrame, events: pd.DataFrame | str | Path, *,
              measures: dict[str, Measure], months: int = 12, id_col: str = "person_id",
              index_col: str = "index_date", event_date_col: str = "event_date",
              engine: str = "pandas", span: tuple | None = None,
              unknown_persons: str = "drop", duplicates: str = "drop") -> pd.DataFrame:
    """Prior-use covariates: each measure over the ``months`` months before the index date.

    ``persons`` may repeat a person with different index dates (one row per candidate
    control and pseudo index date, as risk-set matching needs); the result is aligned
    row for row with ``persons``. Events on the index date itself are not prior use.
    Events of people not in ``persons`` are ignored by default (they are usually other
    people's records in a shared extract; a warning says so when none of the events is
    anyone's), and refused with ``unknown_persons="error"``. ``months`` is an int in
    [1, 1200].

    The pandas engine sorts the events once by person and date and reads each window off
    per-person cumulative sums (binary search), so millions of (person, index date) rows
    cost little more than one pass over the events; the DuckDB engine works out of core
    on Parquet/CSV paths. Both give the same numbers, and both check the events as
    :func:`build_panel` does (ids, dates, amounts; exact duplicates dropped with a warning
    unless ``duplicates="keep"``; ``"error"`` refuses them).

    Examples
    --------
    >>> import evaltools as et
    >>> persons, events = et.datasets.popp_synthetic(n_participants=30, n_pool=200, random_state=1)
    >>> treated = persons[persons.treated == 1]
    >>> prior = et.cohort.prior_use(treated, events, measures=et.cohort.STANDARD_MEASURES)
    >>> list(prior.columns)[:2]
    ['prior_emergency_admissions', 'prior_elective_admissions']
    """
    f = "prior_use"
    check_measure_dict(measures, f)
    check_months(months, f)
    check_option(engine, "engine", f, ["pandas", "duckdb"])
    check_option(duplicates, "duplicates", f, DUPLICATES)
    check_option(unknown_persons, "unknown_persons", f, ["error", "drop"])
    check_names(f, id_col=id_col, index_col=index_col, event_date_col=event_date_col)
    check_distinct(f, id_col=id_col, index_col=index_col)
    check_distinct(f, id_col=id_col, event_date_col=event_date_col)
    check_tables_given(persons, events, engine, f, id_col=id_col, index_col=index_col)
    span = check_span(span, f)
    units_in = persons[[id_col, index_col]].assign(_row=np.arange(len(persons)))
    check_persons(units_in, id_col=id_col, index_col=index_col, key_col="_row", death_col=None,
                  end_col=None, missing_index="error")
    if engine == "pandas":
        if not isinstance(events, pd.DataFrame):
            events = read_events(events, f)
        events, _ = prepare_frame(events, person_ids=units_in[id_col], measures=measures,
                                  reserved={id_col}, id_col=id_col,
                                  event_date_col=event_date_col, duplicates=duplicates,
                                  infer_span=span is None)
        _unknown_events(events, units_in[id_col], id_col, unknown_persons)
        if span is not None:  # events outside the extract's span do not count (as in DuckDB)
            days = to_days(events, event_date_col, "events", id_col)
            events = events[(days >= span[0]) & (days <= span[1])]
        out = _prior_sorted(units_in, events, measures=measures, months=months, id_col=id_col,
                            index_col=index_col, event_date_col=event_date_col)
        _warn_short_look_back(units_in, events, months, span, id_col, index_col,
                              event_date_col)
        out.index = persons.index
        return out
    data, _, span = _run(units_in, events, measures=measures, window=(-1, 0),
                         period=Period("month", months), id_col=id_col, index_col=index_col,
                         event_date_col=event_date_col, engine=engine, key_col="_row",
                         death_col=None, end_col=None, span=span,
                         unknown_persons=unknown_persons, memory_limit=None, progress=False,
                         duplicates=duplicates)
    _warn_short_look_back(units_in, None, months, span, id_col, index_col, event_date_col)
    out = data.sort_values("_row")[list(measures)].add_prefix("prior_")
    out = out.astype({f"prior_{n}": np.int64 for n, m in measures.items() if m.agg == "count"})
    out.index = persons.index
    return out


def _unknown_events(events, person_ids, id_col, unknown_persons) -> None:
    """unknown_persons='error' refuses events of persons not in the persons table, and
    'drop' warns when no event is anyone's (the DuckDB engine runs build_panel's code)."""
    unknown = ~events[id_col].isin(person_ids).to_numpy()
    if unknown_persons == "drop":
        warn_no_match(len(events), int(unknown.sum()),
                      list(pd.unique(events.loc[unknown, id_col])[:5]),
                      pd.unique(person_ids), id_col)
    elif unknown.any():
        raise SchemaError(
            f"Column '{id_col}' of the events table has {int(unknown.sum())} event(s) for "
            f"persons not in the persons table, e.g. {id_col} "
            f"{examples(pd.unique(events.loc[unknown, id_col])[:5])}. Fix: add those persons, "
            "or pass unknown_persons='drop' to ignore their events.")


class SortedEvents:
    """Events sorted once by (person, date) with per-person running totals of each
    measure, answering "how much of each measure in [from, to) for this person" by binary
    search. Events are checked as by :func:`build_panel`, and exact duplicate rows are
    dropped with a warning unless ``duplicates="keep"``. Build it once and query it for many sets of (pseudo) index dates, as risk-set
    matching does period after period.

    Examples
    --------
    >>> import evaltools as et
    >>> persons, events = et.datasets.popp_synthetic(n_participants=20, n_pool=100, random_state=1)
    >>> index = SortedEvents(events, et.cohort.STANDARD_MEASURES)
    >>> prior = index.prior(persons.person_id, np.datetime64("2006-04-01"), months=12)
    >>> len(prior) == len(persons)
    True
    """

    # One sortable key per (person, day): person code in the high bits, day in the low.
    _SHIFT, _OFFSET = np.int64(1 << 24), np.int64(1 << 23)

    @functools.partial(checked_call, name="SortedEvents")
    def __init__(self, events: pd.DataFrame, measures: dict[str, Measure], *,
                 id_col: str = "person_id", event_date_col: str = "event_date",
                 duplicates: str = "drop", _checked: bool = False):
        if not _checked:  # prior_use has already checked (and de-duplicated) the events
            check_frame(events, "events", allow_empty=True)
            check_measure_dict(measures, "SortedEvents")
            check_names("SortedEvents", id_col=id_col, event_date_col=event_date_col)
            check_table_columns(events, "events", id_col)
            events = self._check(events, measures, id_col, event_date_col, duplicates)
        self.measures = measures
        self._codes = pd.Index(pd.unique(events[id_col]))
        self._id = (id_col, pandas_kinds(events, [id_col]).get(id_col, "empty"),
                    str(events[id_col].dtype))
        code = self._codes.get_indexer(events[id_col])
        day = to_days(events, event_date_col, "events", id_col).astype(np.int64)
        keys = code * self._SHIFT + day + self._OFFSET
        order = np.argsort(keys, kind="stable")
        self._keys, self._code = keys[order], code[order]
        contributions = evaluate_measures(events, measures)
        self._running = {
            name: pd.Series(contributions[name].to_numpy()[order]).groupby(self._code)
            .cumsum().to_numpy() for name in measures}

    @staticmethod
    def _check(events, measures, id_col, event_date_col, duplicates) -> pd.DataFrame:
        events = naive_local(events)
        check_measures(measures, list(events.columns), {id_col})
        check_events(events, id_col=id_col, event_date_col=event_date_col,
                     value_cols={m.value for m in measures.values() if m.value})
        check_measures(measures, measure_kinds(events, measures), {id_col})
        check_values(events, measures, id_col)
        check_option(duplicates, "duplicates", "SortedEvents", DUPLICATES)
        dup = exact_duplicates(events, id_col, event_date_col)
        duplicates_found(int(dup.sum()), len(events),
                         list(pd.unique(events.loc[dup, id_col])[:5]), id_col, duplicates)
        return events[~dup] if duplicates == "drop" and dup.any() else events

    @functools.partial(checked_call, name="SortedEvents.window")
    def window(self, person_ids, start, stop) -> pd.DataFrame:
        """Totals of each measure over days [start, stop) (dates, broadcastable)."""
        ids = np.asarray(person_ids)
        if ids.ndim != 1:
            raise ParameterError(f"The 'person_ids' parameter of SortedEvents must be a 1-d "
                                 f"sequence of ids. Got {type(person_ids).__name__} "
                                 f"{person_ids!r:.80} instead.")
        id_col, kind, dtype = self._id
        if kind != "empty" and len(ids):
            check_id_types(pd.Series(ids, name=id_col), kind, dtype, id_col)
        code = self._codes.get_indexer(ids)
        start, stop = (_as_days(d, name, len(code))
                       for d, name in ((start, "start"), (stop, "stop")))
        reversed_ = stop < start
        if reversed_.any():
            raise ParameterError(
                f"The 'start' and 'stop' parameters of SortedEvents.window must have start <= "
                f"stop; {int(reversed_.sum())} pair(s) do not, e.g. start "
                f"{examples(start[reversed_].astype(str))}, stop "
                f"{examples(stop[reversed_].astype(str))}. Fix: swap them.")
        base = code * self._SHIFT + self._OFFSET
        hi = np.searchsorted(self._keys, base + stop.astype(np.int64)) - 1
        lo = np.searchsorted(self._keys, base + start.astype(np.int64)) - 1
        out = {}
        for name, measure in self.measures.items():
            total = self._at(name, hi, code) - self._at(name, lo, code)
            out[f"prior_{name}"] = total.astype(np.int64 if measure.agg == "count"
                                                else np.float64)
        return pd.DataFrame(out)

    @functools.partial(checked_call, name="SortedEvents.prior")
    def prior(self, person_ids, index_dates, months: int = 12) -> pd.DataFrame:
        """Totals over the ``months`` calendar months before each index date (dates as
        datetime64, Timestamps or ISO text, one per person or one for all)."""
        check_months(months, "SortedEvents.prior")
        n = np.asarray(person_ids).size
        index_dates = _as_days(index_dates, "index_dates", n)
        return self.window(person_ids, add_months(index_dates, -months), index_dates)

    def _at(self, name: str, pos: np.ndarray, code: np.ndarray) -> np.ndarray:
        """Running total at pos if that event is the person's own, else 0."""
        if not len(self._keys):
            return np.zeros(len(pos))
        safe = np.clip(pos, 0, None)
        mine = (pos >= 0) & (code >= 0) & (self._code[safe] == code)
        return np.where(mine, self._running[name][safe], 0)


def _as_days(dates, name: str, n: int) -> np.ndarray:
    """Dates given to SortedEvents as ``datetime64[D]`` of length ``n`` (one date is
    broadcast); numbers and text other than ISO dates are refused, as in the tables."""
    arr = np.asarray(dates)
    if arr.dtype.kind in "iufcb":
        raise ParameterError(f"The '{name}' parameter of SortedEvents must hold dates. Got "
                             f"numbers ({arr.dtype}), e.g. {examples(arr.ravel()[:5])}, which "
                             "are not read as dates. Fix: pass datetime64 values or ISO text.")
    if arr.dtype.kind != "M":
        flat = pd.Series(arr.ravel(), name=name)
        arr = to_days(flat.to_frame().assign(position=np.arange(len(flat))), name,
                      "SortedEvents", "position").reshape(arr.shape)
    arr = arr.astype("M8[D]").ravel()
    if arr.size not in (1, n):
        raise ParameterError(f"The '{name}' parameter of SortedEvents must hold one date, or "
                             f"one per person (person_ids has {n}). Got {arr.size} instead.")
    if np.isnat(arr).any():
        raise ParameterError(f"The '{name}' parameter of SortedEvents has "
                             f"{int(np.isnat(arr).sum())} missing date(s). Fix: drop those "
                             "persons or give them a date.")
    return np.broadcast_to(arr, (n,))


def _prior_sorted(units: pd.DataFrame, events: pd.DataFrame, *, measures, months, id_col,
                  index_col, event_date_col) -> pd.DataFrame:
    index = SortedEvents(events, measures, id_col=id_col, event_date_col=event_date_col,
                         _checked=True)
    return index.prior(units[id_col].to_numpy(),
                       to_days(units, index_col, "persons", id_col), months)


def _warn_short_look_back(units, events, months, span, id_col, index_col, event_date_col):
    if span is None:
        if events is None or not len(events):
            return
        span = (to_days(events, event_date_col, "events", id_col).min(),)
    first = np.datetime64(pd.Timestamp(span[0]).date(), "D")
    look_back_from = add_months(to_days(units, index_col, "persons", id_col), -months)
    if (look_back_from < first).any():
        warnings.warn(f"{int((look_back_from < first).sum())} index date(s) are less than "
                      f"{months} months after the start of the events ({first}), so their "
                      "prior use covers fewer months.", ExclusionWarning, stacklevel=3)
