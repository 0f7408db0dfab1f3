"""Declarative measures: what to count or sum from the events table.

A :class:`Measure` is a filter (``where``) plus what to aggregate (a row count, or the
sum of a ``value`` column). ``where`` is a boolean expression in the subset shared by
``pandas.DataFrame.eval`` and SQL (``==``, ``!=``, ``<``, ``>``, ``and``, ``or``,
``not``, single-quoted strings), so the pandas and DuckDB engines read it the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..exceptions import ParameterError, SchemaError
from ..validation import check_option, examples

__all__ = ["Measure", "STANDARD_MEASURES", "check_measures"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Words of an expression that are operators or literals, not column names.
_KEYWORDS = {"and", "or", "not", "in", "is", "null", "true", "false", "True", "False"}


@dataclass(frozen=True)
class Measure:
    """One outcome measure built from event records.

    Parameters
    ----------
    where : str, optional
        Boolean expression over event columns selecting the events that count,
        e.g. ``"setting == 'inpatient' and method == 'emergency'"``. None keeps all.
    value : str, optional
        Column to sum when ``agg="sum"`` (e.g. ``"los"`` for bed days).
    agg : {"count", "sum"}
        Count the selected events, or sum ``value`` over them.

    Examples
    --------
    >>> Measure(where="setting == 'inpatient'", value="los", agg="sum")
    Measure(where="setting == 'inpatient'", value='los', agg='sum')
    """

    where: str | None = None
    value: str | None = None
    agg: str = "count"

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

    def columns(self) -> set[str]:
        """Event columns the measure reads."""
        used = set()
        if self.where:
            # Drop string literals, then keep identifiers that are not keywords.
            bare = re.sub(r"'[^']*'|\"[^\"]*\"", " ", self.where)
            used |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", bare)) - _KEYWORDS
        if self.value:
            used.add(self.value)
        return used


STANDARD_MEASURES: dict[str, Measure] = {
    "emergency_admissions": Measure("setting == 'inpatient' and method == 'emergency'"),
    "elective_admissions": Measure("setting == 'inpatient' and method == 'elective'"),
    "outpatient_attendances": Measure("setting == 'outpatient'"),
    "ae_visits": Measure("setting == 'ae'"),
    "bed_days": Measure("setting == 'inpatient'", value="los", agg="sum"),
    "cost": Measure(value="cost", agg="sum"),
}
"""Measures for the HES-like events table of the data model (and ``popp_synthetic``)."""


def check_measures(measures: dict[str, Measure], event_columns: list[str],
                   reserved: set[str]) -> None:
    """Check measure names and that every column a measure reads exists."""
    if not isinstance(measures, dict) or not measures:
        raise ParameterError(
            "The 'measures' parameter of build_panel must be a non-empty dict of "
            f"{{name: Measure}}. Got {measures!r} instead. Fix: e.g. "
            "measures=et.cohort.STANDARD_MEASURES."
        )
    for name, measure in measures.items():
        if not isinstance(measure, Measure):
            raise ParameterError(
                f"Measure {name!r} must be an et.cohort.Measure. Got {type(measure).__name__}."
            )
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


def evaluate_measures(events: pd.DataFrame, measures: dict[str, Measure]) -> dict[str, pd.Series]:
    """The per-event contribution of each measure (0 where the filter fails)."""
    out = {}
    for name, measure in measures.items():
        keep = events.eval(measure.where) if measure.where else pd.Series(True, index=events.index)
        keep = keep.fillna(False).astype(bool)
        if measure.agg == "count":
            out[name] = keep.astype("int64")
        else:
            out[name] = events[measure.value].astype("float64").where(keep, 0.0).fillna(0.0)
    return out
