"""Checks of the persons and events tables (see the data model in the README).

Each check raises a :class:`~evaltools.exceptions.SchemaError` naming the column, how
many rows are affected with example ids, and the fix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._shared.calls import checked_call
from ..exceptions import SchemaError
from ..validation import (
    check_columns,
    check_frame,
    check_no_missing,
    check_option,
    check_unique,
    examples,
)

__all__ = ["to_days", "check_persons", "check_events", "check_tables"]


ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?"
"""The one rule for dates given as text: ISO 8601, ``YYYY-MM-DD`` with an optional time."""


def _date_fix(column: str) -> str:
    return (f"Fix: parse the column yourself with its format, e.g. df['{column}'] = "
            f"pd.to_datetime(df['{column}'], format=\"%d/%m/%Y\"), or write ISO dates "
            "('2007-04-01').")


def to_days(df: pd.DataFrame, column: str, table: str, id_col: str) -> np.ndarray:
    """A date column as ``datetime64[D]`` (NaT kept), by one explicit rule.

    - datetime columns are used as they are; timezone-aware ones are first converted to
      naive local dates (the wall-clock date where the event happened), so both engines
      see the same days;
    - text must be ISO 8601 (``YYYY-MM-DD``, optionally with a time): other formats are
      an error naming example values, never guessed value by value;
    - integers and floats are refused (they would be read as nanoseconds since 1970).

    >>> to_days(pd.DataFrame({"d": ["2020-01-31", None]}), "d", "events", "d")
    array(['2020-01-31',        'NaT'], dtype='datetime64[D]')
    """
    raw = df[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = raw
    elif pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_bool_dtype(raw):
        raise SchemaError(
            f"Column '{column}' of the {table} table holds numbers ({raw.dtype}), not dates, "
            f"e.g. {examples(raw.dropna()[:5])}; numbers are not read as dates (they would "
            f"count nanoseconds since 1970). Fix: convert them, e.g. pd.to_datetime(df"
            f"['{column}'].astype(str), format=\"%Y%m%d\") for 20070401, or pd.to_datetime("
            f"df['{column}'], unit='D') for days since 1970.")
    else:
        parsed = _parse_iso(df, raw, column, table, id_col)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.to_numpy().astype("M8[D]")


def _parse_iso(df, raw, column, table, id_col) -> pd.Series:
    kind = pd.api.types.infer_dtype(raw, skipna=True)
    if kind in ("datetime", "date", "datetime64"):
        return pd.to_datetime(raw)
    text = raw.astype("string")
    iso = text.str.fullmatch(ISO_DATE).fillna(False).to_numpy(dtype=bool)
    parsed = pd.to_datetime(raw.where(iso), format="ISO8601", errors="coerce")
    bad = (parsed.isna() & raw.notna()).to_numpy()
    if bad.any():
        raise SchemaError(
            f"Column '{column}' of the {table} table has {int(bad.sum())} value(s) that are "
            f"not ISO dates (YYYY-MM-DD), e.g. {examples(raw[bad])} at {id_col} "
            f"{examples(df.loc[bad, id_col])}; text dates are read by that one rule only. "
            f"{_date_fix(column)}")
    return parsed


def check_persons(persons: pd.DataFrame, *, id_col: str, index_col: str, key_col: str | None,
                  death_col: str | None, end_col: str | None, missing_index: str) -> None:
    """Structure of the persons table: columns present, keys unique, index dates given."""
    check_option(missing_index, "missing_index", "build_panel", ["error", "drop"])
    optional = [c for c in (death_col, end_col, key_col) if c]
    check_columns(persons, [id_col, index_col, *optional], "persons",
                  fix="rename your columns or pass id_col=, index_col=, death_col=, end_col=")
    check_no_missing(persons, [id_col] + ([key_col] if key_col else []), "persons")
    check_unique(persons, key_col or id_col, "persons")
    if missing_index == "error":
        check_no_missing(
            persons, [index_col], "persons", id_col=id_col,
            fix="give every person an index date (controls: a pseudo index date, e.g. through "
                "risk-set matching), or pass missing_index='drop' to exclude them (counted in "
                "the flow)",
        )


MAX_AMOUNT = 1e150  # amounts beyond this make totals and their squares overflow


def _check_amount_type(events: pd.DataFrame, col: str) -> None:
    """Durations and complex numbers would be summed as something else: refused."""
    s = events[col]
    if pd.api.types.is_timedelta64_dtype(s):
        raise SchemaError(
            f"Column '{col}' of the events table holds durations ({s.dtype}), which a measure "
            f"cannot sum as they are. Fix: convert them to numbers first, e.g. "
            f"events['{col}'] = events['{col}'].dt.days.")
    if pd.api.types.is_complex_dtype(s):
        raise SchemaError(
            f"Column '{col}' of the events table holds complex numbers ({s.dtype}). Fix: keep "
            f"the real part, e.g. events['{col}'] = events['{col}'].to_numpy().real.")


def check_events(events: pd.DataFrame, *, id_col: str, event_date_col: str,
                 value_cols: set[str]) -> None:
    """Structure of the events table: columns, dates present, no negative amounts."""
    check_columns(events, [id_col, event_date_col], "events",
                  fix="rename your columns or pass id_col= and event_date_col=")
    check_no_missing(events, [id_col, event_date_col], "events", id_col=id_col,
                     fix="events without a person or a date cannot be placed in a period; "
                         "remove them before calling and report how many")
    for col in sorted(value_cols):
        _check_amount_type(events, col)
        values = pd.to_numeric(events[col], errors="coerce")
        not_numeric = (values.isna() & events[col].notna()).to_numpy()
        if not_numeric.any():
            raise SchemaError(
                f"Column '{col}' of the events table must be numeric; {int(not_numeric.sum())} "
                f"row(s) are not, e.g. {examples(events.loc[not_numeric, col])}. "
                "Fix: convert it with pandas.to_numeric."
            )
        negative = (values < 0).fillna(False).to_numpy(dtype=bool)  # pd.NA is not negative
        size = values.abs().astype("float64").replace(np.inf, np.nan)  # inf: check_values
        huge = (size > MAX_AMOUNT).fillna(False).to_numpy(dtype=bool)
        if huge.any():
            raise SchemaError(
                f"Column '{col}' of the events table has {int(huge.sum())} value(s) larger than "
                f"{MAX_AMOUNT:g}, e.g. {examples(values[huge])} for {id_col} "
                f"{examples(events.loc[huge, id_col])}; their totals would overflow to inf. "
                "Fix: correct these records or rescale the column (e.g. to thousands).")
        if negative.any():
            what = "length of stay" if col == "los" else "value"
            raise SchemaError(
                f"Column '{col}' of the events table has {int(negative.sum())} negative "
                f"{what}(s), e.g. {examples(values[negative])} for {id_col} "
                f"{examples(events.loc[negative, id_col])}. Fix: correct or remove these "
                "records (a stay cannot be shorter than zero days)."
            )


@checked_call
def check_tables(persons: pd.DataFrame, events: pd.DataFrame, *, measures=None,
                 id_col: str = "person_id", index_col: str | None = "index_date",
                 event_date_col: str = "event_date") -> pd.DataFrame:
    """Check the persons and events tables against the data model and describe them.

    Runs the checks :func:`build_panel` runs (ids of one type in both tables, dates as
    dates or ISO text, amounts numeric, non-negative and finite where a measure sums
    them) and raises a :class:`~evaltools.exceptions.SchemaError` for the first problem
    found (naming the column, the rows and the fix); exact duplicate event rows and event
    dates far outside the rest are warned about (DataWarning) and counted. Otherwise
    returns a one-column table of facts worth reading before any analysis.

    Examples
    --------
    >>> import evaltools as et
    >>> persons, events = et.datasets.popp_synthetic(n_participants=30, n_pool=200, random_state=1)
    >>> facts = et.cohort.check_tables(persons, events)
    >>> int(facts.loc["persons", "value"])
    230
    """
    from .events import prepare_frame
    from .measures import STANDARD_MEASURES, check_measure_dict
    from .options import check_table_columns

    measures = STANDARD_MEASURES if measures is None else measures
    check_measure_dict(measures, "check_tables")
    check_frame(persons, "persons")
    check_columns(persons, [id_col], "persons")
    check_columns(events, [id_col, event_date_col], "events",
                  fix="rename your columns or pass id_col= and event_date_col=")
    check_table_columns(persons, "persons", id_col)
    check_table_columns(events, "events", id_col)
    if index_col not in (None, "index_date"):  # the default may be absent (a pool of controls)
        check_columns(persons, [index_col], "persons",
                      fix="pass the name of the index date column, or index_col=None")
    check_no_missing(persons, [id_col], "persons")
    check_unique(persons, id_col, "persons")
    check_columns(events, [id_col, event_date_col], "events",
                  fix="rename your columns or pass id_col= and event_date_col=")
    checked, found = prepare_frame(events, person_ids=persons[id_col], measures=measures,
                                   reserved=set(), id_col=id_col, event_date_col=event_date_col,
                                   duplicates="report", infer_span=True)
    known = checked[id_col].isin(persons[id_col])
    facts = {
        "persons": len(persons),
        "events": len(events),
        "exact duplicate event rows": found["duplicates_found"],
        "first event date": str(found["first"]) if len(events) else "-",
        "last event date": str(found["last"]) if len(events) else "-",
        "events of persons not in the persons table": int((~known).sum()),
        "persons with no events": int((~persons[id_col].isin(checked[id_col])).sum()),
    }
    if index_col and index_col in persons.columns:
        index = to_days(persons, index_col, "persons", id_col)
        facts["persons with an index date"] = int((~np.isnat(index)).sum())
        if (~np.isnat(index)).any():
            facts["first index date"] = str(index[~np.isnat(index)].min())
            facts["last index date"] = str(index[~np.isnat(index)].max())
    for col in ("death_date", "end_date"):
        if col in persons.columns:
            to_days(persons, col, "persons", id_col)
            facts[f"persons with a {col}"] = int(persons[col].notna().sum())
    return pd.DataFrame({"value": pd.Series(facts, dtype=object)})
