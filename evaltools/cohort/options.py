"""Option checks of ``build_panel``, ``prior_use`` and ``SortedEvents``, run before any work.

Each check raises a :class:`~evaltools.exceptions.ParameterError` in scikit-learn's shape
("The 'x' parameter of f must be ... Got ... instead.") with a fix where one helps.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataWarning, ParameterError, SchemaError
from ..validation import check_bool, check_columns, check_frame, examples

__all__ = ["check_names", "check_distinct", "check_carry", "check_span", "check_progress", "check_source",
           "check_window", "check_window_reach", "check_months", "warn_ignored",
           "check_table_columns"]

# A scheme such as https://, s3://, gs:// or file:// : the engines would fetch it over the
# network (DuckDB by installing an extension), which a secure environment must not do.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GLOB = re.compile(r"[*?\[]")


def check_names(func: str, **names) -> None:
    """Column-name options must be strings (``None`` where the option is optional).

    >>> check_names("build_panel", id_col="person_id", key_col=None)
    """
    for name, value in names.items():
        optional = name in ("key_col", "death_col", "end_col")
        if isinstance(value, str) and value or (value is None and optional):
            continue
        none = " or None" if optional else ""
        raise ParameterError(f"The '{name}' parameter of {func} must be a column name (a "
                             f"non-empty str){none}. Got {value!r} instead.")


def check_distinct(func: str, **names) -> None:
    """Column-name options that must name different columns (None and "auto" are skipped).

    >>> check_distinct("build_panel", id_col="person_id", index_col="index_date")
    """
    given = {k: v for k, v in names.items() if v not in (None, "auto")}
    seen: dict[str, str] = {}
    for name, value in given.items():
        if value in seen:
            raise ParameterError(f"The '{name}' and '{seen[value]}' parameters of {func} both "
                                 f"name column {value!r}; they must name different columns.")
        seen[value] = name


def check_window(window, func: str = "build_panel") -> tuple[int, int]:
    """``(start, stop)``: two ints (not bools) with start < stop.

    >>> check_window((-12, 12))
    (-12, 12)
    """
    if isinstance(window, np.ndarray) and window.ndim == 1:
        window = tuple(window.tolist())
    ok = (isinstance(window, (tuple, list)) and len(window) == 2
          and all(isinstance(w, (int, np.integer)) and not isinstance(w, (bool, np.bool_))
                  for w in window) and window[0] < window[1])
    if not ok:
        raise ParameterError(f"The 'window' parameter of {func} must be a pair of ints "
                             f"(start, stop) with start < stop. Got {window!r} instead. Fix: "
                             "e.g. window=(-24, 12) for 24 periods before the index date and "
                             "12 from it.")
    return int(window[0]), int(window[1])


MAX_YEARS = 200  # a window reaching further from the index date than this is a mistake


def check_window_reach(window: tuple[int, int], period, func: str = "build_panel") -> None:
    """Refuse a window that reaches more than 200 years from the index date.

    >>> from evaltools.cohort import Period
    >>> check_window_reach((-24, 12), Period("month"))
    """
    per_year = 12 / period.months if period.months else 365.25 / period.days
    years = max(abs(int(window[0])), abs(int(window[1]))) / per_year
    if years > MAX_YEARS:
        raise ParameterError(
            f"The 'window' parameter of {func} reaches {years:,.0f} years from the index date "
            f"({window[0]:,} to {window[1]:,} {period.unit}s); at most {MAX_YEARS} are "
            "allowed. Fix: count the window in periods of the chosen unit, e.g. "
            "window=(-24, 12) with period='month'.")


def check_months(months, func: str, name: str = "months", high: int = 1200) -> int:
    """A whole number of months in [1, high] (100 years by default); bools are refused.

    >>> check_months(12, "prior_use")
    12
    """
    ok = (isinstance(months, (int, np.integer)) and not isinstance(months, (bool, np.bool_))
          and 1 <= months <= high)
    if not ok:
        raise ParameterError(f"The '{name}' parameter of {func} must be an int in [1, {high}]. "
                             f"Got {months!r} instead. Fix: e.g. {name}=12 for the prior year.")
    return int(months)


def check_carry(carry, persons: pd.DataFrame, taken: set[str]) -> list[str]:
    """Persons columns to copy into the panel: a list of existing names that do not clash
    with the panel's own columns (id, key, rel_period, exposure, measures)."""
    if carry is None:
        return []
    if isinstance(carry, str) or not isinstance(carry, (list, tuple)):
        raise ParameterError(f"The 'carry' parameter of build_panel must be a list of column "
                             f"names. Got {carry!r} instead. Fix: e.g. carry=['treated'].")
    repeated = sorted({str(c) for c in carry if list(carry).count(c) > 1})
    if repeated:
        raise ParameterError(f"The 'carry' parameter of build_panel names {examples(repeated)} "
                             "more than once. Fix: list each column once.")
    missing = [c for c in carry if c not in persons.columns]
    if missing:
        raise SchemaError(f"carry names column(s) {examples(missing)} that the persons "
                          "table does not have. Fix: remove them from carry.")
    clash = [c for c in carry if c in taken]
    if clash:
        raise ParameterError(
            f"The 'carry' parameter of build_panel names {examples(clash)}, which the panel "
            f"already has (its columns include {examples(sorted(taken))}). Fix: remove them "
            "from carry, or rename the persons column first.")
    return list(carry)


def check_span(span, func: str) -> tuple[np.datetime64, np.datetime64] | None:
    """``None`` or two dates (Timestamps, dates or ISO text) with first <= last."""
    if span is None:
        return None
    if isinstance(span, np.ndarray) and span.ndim == 1:
        span = tuple(span)
    bad = (not isinstance(span, (tuple, list)) or len(span) != 2
           or any(isinstance(d, (int, float, np.number, bool)) or d is None for d in span))
    if not bad:
        try:
            first, last = (np.datetime64(pd.Timestamp(d).date(), "D") for d in span)
        except (TypeError, ValueError, AttributeError):
            bad = True
    if bad:
        raise ParameterError(f"The 'span' parameter of {func} must be two dates (first, last). "
                             f"Got {span!r} instead. Fix: e.g. span=('2004-04-01', "
                             "'2013-03-31').")
    if first > last:
        raise ParameterError(f"The 'span' parameter of {func} must have first <= last. "
                             f"Got {span!r} instead.")
    return first, last


def check_progress(progress, func: str) -> None:
    if progress is not None:
        check_bool(progress, "progress", func)


def check_source(events, engine: str, func: str) -> None:
    """Events are a DataFrame or a local path (a glob only with DuckDB); URLs are refused."""
    if isinstance(events, pd.DataFrame):
        return
    if not isinstance(events, (str, Path)):
        raise ParameterError(f"The 'events' parameter of {func} must be a DataFrame or a path "
                             f"to Parquet/CSV files. Got {type(events).__name__} instead.")
    text = str(events)
    if _URL.match(text):
        raise ParameterError(
            f"The 'events' parameter of {func} must be a local file path. Got the URL "
            f"{text!r} instead; evaltools never reads over the network. Fix: copy the file "
            "into the secure environment and pass its path.")
    if engine == "pandas" and _GLOB.search(text):
        raise ParameterError(
            f"The 'events' parameter of {func} is a glob ({text!r}), which only the DuckDB "
            "engine reads. Fix: pass engine='duckdb', or one file's path.")
    if engine == "pandas" and not Path(text).is_file():
        raise SchemaError(f"The events file {text!r} does not exist (or is not a file). Fix: "
                          "check the path.")


def warn_ignored(name: str, func: str, reason: str) -> None:
    """An option that the other options make meaningless is ignored, with a warning."""
    warnings.warn(f"The '{name}' parameter of {func} is ignored: {reason}.", DataWarning,
                  stacklevel=3)


def check_table_columns(df: pd.DataFrame, table: str, id_col: str) -> None:
    """Column names must be unique, and the id column of one type (not text and numbers
    mixed, which would match some ids and silently miss others)."""
    if not df.columns.is_unique:
        dup = sorted(set(map(str, df.columns[df.columns.duplicated()])))
        raise SchemaError(f"The {table} table has repeated column names {examples(dup)}. Fix: "
                          "rename or drop the repeats.")
    if id_col in df.columns and df[id_col].dtype == object and pd.api.types.infer_dtype(
            df[id_col], skipna=True) in ("mixed", "mixed-integer", "mixed-integer-float"):
        kinds = df[id_col].dropna().map(type)  # only on the way to the error
        if kinds.nunique() > 1:
            shown = {t.__name__: df.loc[kinds.index[kinds == t][0], id_col]
                     for t in kinds.unique()[:3]}
            raise SchemaError(
                f"Column '{id_col}' of the {table} table mixes value types "
                f"({', '.join(f'{k} {v!r}' for k, v in shown.items())}), so some ids would "
                f"never match. Fix: convert it to one type, e.g. df['{id_col}'] = "
                f"df['{id_col}'].astype(str).")


def check_tables_given(persons, events, engine: str, func: str, *, id_col: str,
                       index_col: str) -> None:
    """The persons table and the events source, as build_panel and prior_use take them."""
    check_frame(persons, "persons")
    check_table_columns(persons, "persons", id_col)
    check_columns(persons, [id_col, index_col], "persons",
                  fix="rename your columns or pass id_col= and index_col=")
    check_source(events, engine, func)
    if isinstance(events, pd.DataFrame):
        check_table_columns(events, "events", id_col)

