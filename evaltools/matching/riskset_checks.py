"""Checks of ``match_risk_set``'s options and tables, done before any work."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..cohort import STANDARD_MEASURES, Measure
from ..exceptions import DataWarning, ParameterError, SchemaError
from ..validation import check_bool, check_number, check_option, examples
from .checks import DISTANCES, ORDERS, check_random_state

__all__ = ["check_risk_set_options", "check_roles", "check_column_names",
           "check_prior_measures", "warn_after_events", "check_observed_at_index"]

MAX_PRIOR_MONTHS = 1200  # a century of look-back: anything longer is a units mistake


def check_risk_set_options(order, distance, caliper, ratio, replace, progress, prior_months,
                           max_before_rows, random_state):
    """Every option of ``match_risk_set``; returns the look-back windows as a list."""
    func = "match_risk_set"
    check_option(order, "order", func, ORDERS)
    check_option(distance, "distance", func, [d for d in DISTANCES if d != "prognostic"])
    check_number(caliper, "caliper", func, low=0, closed="neither", allow_none=True)
    check_number(ratio, "ratio", func, low=1, integer=True)
    check_number(max_before_rows, "max_before_rows", func, low=1, integer=True)
    check_bool(replace, "replace", func)
    check_bool(progress, "progress", func)
    check_random_state(random_state, func)
    if caliper is not None and distance == "mahalanobis":
        raise ParameterError("The 'caliper' parameter of match_risk_set is in SDs of a "
                             "one-dimensional score, and distance='mahalanobis' has none. Fix: "
                             "pass caliper=None with distance='mahalanobis'.")
    if isinstance(prior_months, (set, frozenset, dict)):  # no order, or not a number
        windows = []
    else:
        windows = [prior_months] if np.ndim(prior_months) == 0 else list(prior_months)
    hashable = all(isinstance(m, (int, float, str, np.number)) for m in windows)
    if (not windows or not hashable or len(set(windows)) != len(windows)
            or isinstance(prior_months, str)):
        raise ParameterError(f"The 'prior_months' parameter of {func} must be an int or a "
                             f"non-empty list of distinct ints. Got {prior_months!r} instead.")
    for months in windows:
        check_number(months, "prior_months", func, low=1, high=MAX_PRIOR_MONTHS, integer=True)
    return windows


def check_roles(persons, covariates, treatment, index_col, prior_names) -> None:
    """Covariates are neither the treatment nor the index date, and no column of persons
    would be overwritten by a prior-use covariate."""
    for col, what in ((treatment, "treatment"), (index_col, "index date")):
        if col in covariates:
            raise ParameterError(f"The 'covariates' parameter of match_risk_set includes the "
                                 f"{what} column '{col}'. Fix: leave it out.")
    clash = [c for c in prior_names if c in persons.columns]
    if clash:
        raise SchemaError(f"The persons table already has column(s) {clash}, which the prior-use "
                          "covariates of match_risk_set would overwrite. Fix: rename or drop "
                          "them (prior use is counted from the events table).")


def check_column_names(**names) -> None:
    """Column-name parameters are text (death_col and end_col may be None)."""
    for name, value in names.items():
        optional = name in ("death_col", "end_col")
        if not (isinstance(value, str) and value) and not (optional and value is None):
            raise ParameterError(f"The '{name}' parameter of match_risk_set must be a column "
                                 f"name (str){' or None' if optional else ''}. Got {value!r} "
                                 "instead.")


def check_prior_measures(prior_measures) -> dict:
    """None (the standard measures of use) or a non-empty dict of {name: Measure}."""
    if prior_measures is None:
        return {k: v for k, v in STANDARD_MEASURES.items() if k != "cost"}
    bad = (not isinstance(prior_measures, dict) or not prior_measures
           or [k for k, v in prior_measures.items() if not isinstance(v, Measure)])
    if bad:
        raise ParameterError(
            "The 'prior_measures' parameter of match_risk_set must be None (the standard "
            "measures) or a non-empty dict of {name: et.cohort.Measure}. Got "
            f"{prior_measures!r} instead. Fix: e.g. {{'ae': et.cohort.Measure(\"setting == "
            "'ae'\")}}.")
    return prior_measures


def warn_after_events(persons, index, treated, event_dates, index_col, id_col):
    """Participants enrolled after the last event recorded: their prior use (and their
    controls') is counted over months the events table does not cover."""
    if not len(event_dates):
        return
    last = pd.to_datetime(event_dates).max().to_datetime64().astype("M8[D]")
    late = treated & (index > last)
    if late.any():
        warnings.warn(f"{int(late.sum())} participant(s) have a '{index_col}' after the last "
                      f"event in the events table ({last}), e.g. {id_col} "
                      f"{examples(persons.loc[late, id_col])}: their prior use counts months "
                      "with no records, so it is zero. Fix: check the dates, or the events "
                      "extract's end.", DataWarning, stacklevel=3)


def check_observed_at_index(persons, treated, index, ends, id_col, index_col) -> None:
    """A participant whose death or end of registration comes before enrolment cannot have
    enrolled: the dates contradict each other, and no risk set could hold them."""
    gone = treated & (ends < index)
    if gone.any():
        raise SchemaError(
            f"{int(gone.sum())} participant(s) have a death or end date before their "
            f"'{index_col}', e.g. {id_col} {examples(persons.loc[gone, id_col])}. Fix: correct "
            "these dates (day and month swapped?), or drop these participants and count them.")
