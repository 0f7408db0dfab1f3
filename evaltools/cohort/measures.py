"""Declarative measures: what to count or sum from the events table.

A :class:`Measure` is a filter (``where``) plus what to aggregate (a row count, or the
sum of a ``value`` column). ``where`` is parsed by :mod:`evaltools.cohort.expression`
into a tree, never evaluated, and compiled to a numpy mask (pandas engine) or to SQL with
bound parameters (DuckDB engine) by :mod:`evaltools.cohort.compile`, so both engines read
it the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._shared.calls import checked_call
from ..exceptions import ParameterError, SchemaError
from ..validation import check_option, examples
from .compile import check_types, pandas_kinds, to_mask
from .expression import Node, columns_of, parse

__all__ = ["Measure", "STANDARD_MEASURES", "check_measures", "check_measure_dict",
           "evaluate_measures"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Measure:
    """One outcome measure built from event records.

    Parameters
    ----------
    where : str, optional
        Condition selecting the events that count, e.g.
        ``"setting == 'inpatient' and method == 'emergency'"``. None keeps all. It is
        parsed, never evaluated, in this grammar (keywords in any case):

        - columns: ASCII names ``[A-Za-z_][A-Za-z0-9_]*`` (not starting with ``__``);
        - literals: ``'text'`` or ``"text"`` (a quote inside is doubled, ``'O''Brien'``;
          no backslash escapes), numbers (``2``, ``-0.5``, ``1e3``), dates
          ``date '2020-01-31'``;
        - comparisons ``==  !=  <  <=  >  >=`` between a column and a literal or two
          columns of the same kind; ``col in ['a', 'b']``, ``col not in [1, 2]``,
          ``col is null``, ``col is not null``;
        - ``and``, ``or``, ``not`` and parentheses.

        Anything else (``=``, ``@name``, ``;``, comments, backticks, function calls,
        attributes) is refused with an error naming it. Logic is two-valued: a condition
        on a missing value (None, NaN, NaT) is false, ``not`` negates, so
        ``method != 'elective'`` skips rows with no method. Text is compared only with
        text columns, numbers with numeric columns, dates with date columns (at day
        resolution, in local time).
    value : str, optional
        Column to sum when ``agg="sum"`` (e.g. ``"los"`` for bed days).
    agg : {"count", "sum"}
        Count the selected events, or sum ``value`` over them. A missing or infinite
        ``value`` on a selected event is an error (never counted as zero).

    Examples
    --------
    >>> Measure(where="setting == 'inpatient'", value="los", agg="sum")
    Measure(where="setting == 'inpatient'", value='los', agg='sum')
    >>> sorted(Measure("setting in ['ae', 'inpatient'] and los is not null").columns())
    ['los', 'setting']
    """

    where: str | None = None
    value: str | None = None
    agg: str = "count"
    tree: Node | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        check_option(self.agg, "agg", "Measure", ["count", "sum"])
        if self.agg == "sum" and self.value is None:
            raise ParameterError(
                "The 'value' parameter of Measure must name a column when agg='sum'. Got None "
                "instead. Fix: e.g. Measure(where=\"setting == 'inpatient'\", value='los', "
                "agg='sum')."
            )
        if self.agg == "count" and self.value is not None:
            raise ParameterError(
                f"The 'value' parameter of Measure must be None when agg='count'. Got "
                f"{self.value!r} instead. Fix: use agg='sum' to add up {self.value!r}."
            )
        if self.value is not None and not (isinstance(self.value, str) and self.value):
            raise ParameterError(f"The 'value' parameter of Measure must be a column name (a "
                                 f"non-empty str). Got {self.value!r} instead.")
        object.__setattr__(self, "tree", None if self.where is None else parse(self.where))

    def columns(self) -> set[str]:
        """Event columns the measure reads (from the parsed ``where`` and ``value``)."""
        used = columns_of(self.tree) if self.tree is not None else set()
        return used | ({self.value} if self.value else set())


# Misspelt keywords (Measure(wher=...)) are named like those of the functions.
Measure.__init__ = checked_call(Measure.__init__, name="Measure")

STANDARD_MEASURES: dict[str, Measure] = {
    "emergency_admissions": Measure("setting == 'inpatient' and method == 'emergency'"),
    "elective_admissions": Measure("setting == 'inpatient' and method == 'elective'"),
    "outpatient_attendances": Measure("setting == 'outpatient'"),
    "ae_visits": Measure("setting == 'ae'"),
    "bed_days": Measure("setting == 'inpatient'", value="los", agg="sum"),
    "cost": Measure(value="cost", agg="sum"),
}
"""Measures for the HES-like events table of the data model (and ``popp_synthetic``)."""


def check_measure_dict(measures, func: str) -> None:
    """A non-empty dict of {name: Measure}.

    >>> check_measure_dict(STANDARD_MEASURES, "prior_use")
    """
    if not isinstance(measures, dict) or not measures:
        raise ParameterError(
            f"The 'measures' parameter of {func} must be a non-empty dict of "
            f"{{name: Measure}}. Got {measures!r:.200} instead. Fix: e.g. "
            "measures=et.cohort.STANDARD_MEASURES."
        )
    for name, measure in measures.items():
        if not isinstance(measure, Measure):
            raise ParameterError(
                f"The 'measures' parameter of {func} maps {name!r} to a "
                f"{type(measure).__name__}, not an et.cohort.Measure. Fix: e.g. "
                f"{{{name!r}: et.cohort.Measure(\"setting == 'ae'\")}}.")


def check_measures(measures: dict[str, Measure], event_columns,
                   reserved: set[str]) -> None:
    """Check measure names, that every column a measure reads exists and, when
    ``event_columns`` maps names to kinds, that its comparisons have matching types."""
    check_measure_dict(measures, "build_panel")
    for name, measure in measures.items():
        if not _NAME.match(str(name)) or name in reserved:
            raise ParameterError(
                f"Measure name {name!r} must be an identifier and not one of "
                f"{sorted(reserved)}. Fix: rename it, e.g. 'emergency_admissions'."
            )
        missing = sorted(measure.columns() - set(event_columns))
        if missing:
            raise SchemaError(
                f"Measure {name!r} reads column(s) {examples(missing)} that the events table "
                f"does not have; it has {examples(list(event_columns), k=12)}. Fix: correct the "
                "measure's 'where'/'value' or add the column to the events."
            )
        if isinstance(event_columns, dict) and measure.tree is not None:
            check_types(measure.tree, event_columns, name)


def measure_kinds(events: pd.DataFrame, measures: dict[str, Measure]) -> dict[str, str]:
    """Kinds of every events column the measures read (for :func:`check_measures`)."""
    used = set().union(*(m.columns() for m in measures.values()))
    kinds = pandas_kinds(events, used)
    return {c: kinds.get(c, "other") for c in events.columns}


def selected(events: pd.DataFrame, measure: Measure) -> np.ndarray:
    """The events a measure selects, as a boolean array."""
    if measure.tree is None:
        return np.ones(len(events), dtype=bool)
    return to_mask(measure.tree, events)


def evaluate_measures(events: pd.DataFrame, measures: dict[str, Measure]) -> dict[str, pd.Series]:
    """The per-event contribution of each measure (0 where the filter fails).

    Values must already have been checked (:func:`check_values`): none selected is missing.
    """
    out = {}
    for name, measure in measures.items():
        keep = selected(events, measure)
        if measure.agg == "count":
            out[name] = pd.Series(keep.astype("int64"), index=events.index)
        else:
            values = events[measure.value].to_numpy(dtype="float64", na_value=np.nan)
            out[name] = pd.Series(np.where(keep, values, 0.0), index=events.index)
    return out
