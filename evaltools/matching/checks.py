"""Checks of ``match``'s options and data, done before any work."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..exceptions import DataWarning, ParameterError, SchemaError
from ..validation import (
    check_bool,
    check_columns,
    check_number,
    check_option,
    check_plain_columns,
    check_real,
    check_treatment,
    check_unique_index,
    examples,
)
from .covariates import finite_array, used_columns

__all__ = ["check_match_options", "check_names", "check_random_state", "check_ratio_size",
           "prepare", "warn_few_controls", "warn_ignored", "warn_replaced_columns"]

METHODS = ["nearest", "optimal", "exact", "cem"]
DISTANCES = ["ps", "logit_ps", "prognostic", "mahalanobis"]
ORDERS = ["largest", "smallest", "random", "data"]


def check_names(value, name: str, func: str) -> list[str]:
    """None or a list of column names (a single name is refused: it would be read as
    characters)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, pd.Index)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ParameterError(f"The '{name}' parameter of {func} must be a list of column names or "
                         f"None. Got {value!r} instead.")


def check_random_state(value, func: str):
    """None, a non-negative int or a numpy Generator (the only source of randomness)."""
    ok = value is None or isinstance(value, np.random.Generator) or (
        isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= 0)
    if not ok:
        raise ParameterError(f"The 'random_state' parameter of {func} must be None, a "
                             f"non-negative int or a numpy Generator. Got {value!r} instead.")
    return value


def warn_ignored(name: str, func: str, reason: str, *, stacklevel: int = 3) -> None:
    """An option that the other options make meaningless is ignored, with a warning;
    ``stacklevel`` counts from the public function's caller (3: called by it directly)."""
    warnings.warn(f"The '{name}' parameter of {func} is ignored: {reason}.", DataWarning,
                  stacklevel=stacklevel)


def check_match_options(*, method, distance, ratio, caliper, order, estimand, replace,
                        random_state, cutpoints, missing, mahvars=None, outcome=None) -> bool:
    """Every option of ``match`` against what it accepts, in the scikit-learn message shape;
    options that others make meaningless are refused or ignored with a warning (as
    MatchIt). Returns the ``replace`` to use."""
    check_option(method, "method", "match", METHODS)
    if isinstance(distance, str):
        check_option(distance, "distance", "match", DISTANCES)
    check_number(ratio, "ratio", "match", low=1, integer=True)
    check_number(caliper, "caliper", "match", low=0, closed="neither", allow_none=True)
    if caliper is not None and not np.isfinite(caliper):
        raise ParameterError(f"The 'caliper' parameter of match must be a float in (0, inf) "
                             f"or None. Got {caliper!r} instead.")
    check_option(order, "order", "match", ORDERS)
    check_option(estimand, "estimand", "match", ["ATT", "ATC"])
    check_bool(replace, "replace", "match")
    check_random_state(random_state, "match")
    check_option(missing, "missing", "match", ["error", "drop"])
    if outcome is not None and not isinstance(outcome, str):
        raise ParameterError(f"The 'outcome' parameter of match must be a column name or None. "
                             f"Got {outcome!r} instead.")
    if cutpoints is not None and not isinstance(cutpoints, dict):
        raise ParameterError(f"The 'cutpoints' parameter of match must be a dict of "
                             f"{{column: bins}} or None. Got {cutpoints!r} instead.")
    return _check_combinations(method=method, distance=distance, ratio=ratio, caliper=caliper,
                               order=order, replace=replace, cutpoints=cutpoints,
                               mahvars=mahvars, outcome=outcome)


def _check_combinations(*, method, distance, ratio, caliper, order, replace, cutpoints,
                        mahvars, outcome) -> bool:
    """Refuse contradictory options; warn about ignored ones. Returns ``replace``."""
    mahal = isinstance(distance, str) and distance == "mahalanobis"
    if method in ("exact", "cem"):
        given = [n for n, v in (("caliper", caliper is not None), ("ratio", ratio != 1),
                                ("replace", replace), ("mahvars", bool(mahvars)),
                                ("outcome", outcome is not None)) if v]
        for name in given:
            warn_ignored(name, "match", f"method='{method}' forms subclasses of identical "
                         "(coarsened) covariate values", stacklevel=5)
        if cutpoints is not None and method == "exact":
            warn_ignored("cutpoints", "match", "only method='cem' coarsens covariates", stacklevel=5)
        return False
    if cutpoints is not None:
        warn_ignored("cutpoints", "match", f"only method='cem' coarsens covariates, not "
                     f"method='{method}'", stacklevel=5)
    if mahvars and mahal:
        raise ParameterError("The 'mahvars' parameter of match matches on a Mahalanobis "
                             "distance within a propensity-score caliper, so it cannot be used "
                             "with distance='mahalanobis'. Fix: use distance='ps' with mahvars, "
                             "or distance='mahalanobis' alone.")
    if caliper is not None and mahal and not mahvars:
        raise ParameterError("The 'caliper' parameter of match is in SDs of a one-dimensional "
                             "score, and distance='mahalanobis' has none. Fix: pass "
                             "caliper=None, or distance='ps' with mahvars=[...] to match on "
                             "the Mahalanobis distance within a propensity-score caliper.")
    if mahal and not mahvars and order == "smallest":
        warn_ignored("order", "match", "distance='mahalanobis' has no score to order by; "
                     "treated units are taken in data order", stacklevel=5)
    if outcome is not None and distance != "prognostic":
        warn_ignored("outcome", "match", "only distance='prognostic' models an outcome", stacklevel=5)
    if method == "optimal" and order != "largest":
        warn_ignored("order", "match", "optimal matching minimises the total distance over "
                     "all pairs at once, in no order", stacklevel=5)
    if method == "optimal" and replace:
        warn_ignored("replace", "match", "optimal matching uses each control once (use "
                     "method='nearest' to reuse controls)", stacklevel=5)
        return False
    if replace and order != "largest":
        warn_ignored("order", "match", "with replace=True each treated unit takes its nearest "
                     "controls whatever the order", stacklevel=5)
    return replace


def check_ratio_size(ratio: int, n_controls: int, func: str) -> None:
    """More controls per treated unit than there are controls cannot be matched, and would
    only make the matching loop run for nothing."""
    if ratio > max(n_controls, 1):
        raise ParameterError(
            f"The 'ratio' parameter of {func} must be an int in [1, {n_controls}] (the number "
            f"of controls available). Got {ratio!r} instead. Fix: ask for fewer controls per "
            "treated unit.")


def _supplied_distance(data, distance):
    """A supplied distance (array or Series aligned on the index) as a Series, checked."""
    if isinstance(distance, pd.Series):
        missing = ~data.index.isin(distance.index)
        if missing.any():
            raise ParameterError(f"The supplied distance Series has no value for "
                                 f"{int(missing.sum())} row(s) of data, e.g. index "
                                 f"{examples(data.index[missing])}.")
        distance = distance.reindex(data.index)
    return pd.Series(finite_array(distance, "distance", "match", len(data)), index=data.index)


def prepare(data, treatment, covariates, exact, mahvars, outcome, distance, missing):
    """Rows and columns for matching: required columns present, index unique, missing or
    infinite values refused (or dropped and counted), treatment 0/1 with both groups."""
    check_columns(data, [treatment], "data")
    check_unique_index(data, "data")
    supplied = None if isinstance(distance, str) else _supplied_distance(data, distance)
    extra = [*exact, *mahvars, *([outcome] if outcome else [])]
    if not isinstance(covariates, str):
        extra += check_names(covariates, "covariates", "match")
    check_columns(data, extra, "data")
    needed = [c for c in dict.fromkeys([*used_columns(data, covariates), *extra])
              if c != treatment]
    check_plain_columns(data, [treatment, *needed], "data")
    flow = [("treated supplied", int((data[treatment] == 1).sum())),
            ("controls supplied", int((data[treatment] == 0).sum()))]
    bad = data[needed].isna()
    numeric = [c for c in needed if pd.api.types.is_numeric_dtype(data[c])]
    check_real(data, numeric, "data")
    bad[numeric] |= np.isinf(data[numeric].to_numpy(dtype=float, na_value=np.nan))
    if bad.any().any():
        counts = bad.sum()
        counts = {k: int(v) for k, v in counts[counts > 0].items()}
        rows = bad.any(axis=1)
        if rows.all():
            raise SchemaError(
                f"Every row has missing or infinite values in covariate(s) {counts}: nothing "
                "is left to match. Fix: check those columns (a failed join or import?).")
        if missing == "error":
            raise SchemaError(
                f"Missing or infinite values in covariate(s) {counts} at rows "
                f"{examples(data.index[rows])}. Fix: impute them, or pass missing='drop' to "
                "exclude those rows (counted in the flow).")
        flow.append(("excluded: missing or infinite covariate values", int(rows.sum())))
        data = data.loc[~rows.to_numpy()]
        supplied = None if supplied is None else supplied.loc[data.index]
    data = data.copy()
    data[treatment] = check_treatment(data, treatment, "data")
    return data, flow, supplied


def warn_few_controls(focal: np.ndarray, strata: np.ndarray, ratio: int, replace: bool,
                      estimand: str) -> None:
    """Warn, with counts, when there are too few controls for every treated unit to get
    ``ratio`` of them (as MatchIt does), overall or within exact strata."""
    if replace:
        return
    n_strata = int(strata.max()) + 1 if len(strata) else 0
    n_f = np.bincount(strata[focal], minlength=n_strata)
    n_o = np.bincount(strata[~focal], minlength=n_strata)
    has_f = n_f > 0
    f_name, o_name = ("treated", "control") if estimand == "ATT" else ("control", "treated")
    where = "" if n_strata == 1 else " in some exact strata"
    short = has_f & (n_o < n_f)
    if short.any():
        warnings.warn(
            f"Fewer {o_name} units ({int(n_o[short].sum())}) than {f_name} units "
            f"({int(n_f[short].sum())}){where}"
            f"{f' ({int(short.sum())} of {int(has_f.sum())} strata)' if where else ''}; "
            f"at least {int((n_f - n_o)[short].sum())} {f_name} unit(s) will get no match. "
            "The flow counts them.", DataWarning, stacklevel=3)
    elif ratio > 1 and (has_f & (n_o < ratio * n_f)).any():
        thin = has_f & (n_o < ratio * n_f)
        warnings.warn(
            f"Only {int(n_o[thin].sum())} {o_name} units for {int(n_f[thin].sum())} {f_name} "
            f"units{where} at ratio={ratio} (needs {int(ratio * n_f[thin].sum())}); not every "
            f"{f_name} unit will get {ratio} matches.", DataWarning, stacklevel=3)


def warn_replaced_columns(data: pd.DataFrame, names: list[str], func: str, *,
                          stacklevel: int = 3) -> None:
    """Columns of the input that the result's matched or weighted data will replace."""
    clash = [c for c in names if c in data.columns]
    if clash:
        warnings.warn(f"{func}: data column(s) {clash} will be replaced by the result's own in "
                      "matched_data / weighted_data. Fix: rename them first to keep them.",
                      DataWarning, stacklevel=stacklevel)
