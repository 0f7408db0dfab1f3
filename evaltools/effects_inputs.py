"""What :func:`evaltools.estimate_att` works on: the sample, its columns, checked values.

A matching result, a weighting result or a DataFrame becomes one :class:`Sample`: rows with
positive weight (all rows for inverse-probability weights, whose propensity model needs
every unit), the treatment, weight, cluster and exposure columns, and the rows left out
for missing or infinite values (refused, or dropped and counted with ``missing="drop"``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import (
    DataWarning,
    EvaltoolsInputError,
    ExclusionWarning,
    ParameterError,
    SchemaError,
)
from .matching.checks import warn_ignored
from .matching.covariates import _DefaultName, resolve_treatment, used_columns
from .validation import (
    check_columns,
    check_plain_columns,
    check_real,
    check_treatment,
    check_unique_index,
    examples,
)

__all__ = ["Sample", "read_sample", "WEIGHTS", "SUBCLASS"]


@dataclass
class Sample:
    data: pd.DataFrame
    treatment: str
    weights: str
    cluster: str | None
    source: str  # "match", "weights" or "data"
    propensity: dict[str, Any] | None = None
    observed: np.ndarray | None = None  # rows whose outcome enters (M-estimation keeps all)
    flow: list[tuple[str, int]] = field(default_factory=list)
    estimand: str = "ATT"  # the weights' target population


WEIGHTS = _DefaultName("weights")
SUBCLASS = _DefaultName("subclass")


def _ignored_for_result(owner, own_treatment, treatment, weights, cluster, uses_cluster):
    """Column names a result already knows: passing others is ignored, with a warning."""
    given = {"treatment": not isinstance(treatment, _DefaultName) and treatment != own_treatment,
             "weights": not isinstance(weights, _DefaultName) and weights != "weights",
             "cluster": not uses_cluster and not isinstance(cluster, _DefaultName)
             and cluster is not None and cluster != "subclass"}
    for name in [k for k, v in given.items() if v]:
        warn_ignored(name, "estimate_att", f"a {owner} knows its own {name} column",
                     stacklevel=6)


def _source(m_or_data, treatment, weights, cluster, covariates, se) -> Sample:
    if se == "robust":
        cluster = None  # not needed, so not checked
    if hasattr(m_or_data, "matched_data") and hasattr(m_or_data, "treatment"):
        _ignored_for_result("MatchResult", m_or_data.treatment, treatment, weights, cluster,
                            False)
        d = m_or_data.matched_data
        sub = d["subclass"] if "subclass" in d else None
        has_sets = sub is not None and sub.notna().all() and len(d)
        return Sample(d, resolve_treatment(m_or_data.treatment, covariates, "estimate_att"),
                      "weights", "subclass" if has_sets else None, "match",
                      estimand=getattr(m_or_data, "estimand", "ATT"))
    if hasattr(m_or_data, "weighted_data") and hasattr(m_or_data, "treatment"):
        _ignored_for_result("WeightResult", m_or_data.treatment, treatment, weights, cluster,
                            True)
        d = m_or_data.weighted_data
        return Sample(d, resolve_treatment(m_or_data.treatment, covariates, "estimate_att"),
                      "weights", cluster if _has(d, cluster) else None, "weights",
                      propensity=getattr(m_or_data, "propensity", None),
                      estimand=getattr(m_or_data, "estimand", "ATT"))
    if not isinstance(m_or_data, pd.DataFrame):
        raise ParameterError(f"The 'm_or_data' parameter of estimate_att must be a MatchResult, "
                             f"a WeightResult or a DataFrame. Got {type(m_or_data).__name__}.")
    check_unique_index(m_or_data, "data")
    treatment = resolve_treatment(treatment, covariates, "estimate_att")
    return Sample(m_or_data, treatment, weights,
                  cluster if _has(m_or_data, cluster) else None, "data")


def _has(d: pd.DataFrame, cluster) -> bool:
    """Whether ``cluster`` is a column of ``d``; one with missing values is refused."""
    if not isinstance(cluster, str):
        return False
    if cluster not in d.columns:
        if isinstance(cluster, _DefaultName):  # no matched sets: robust errors
            return False
        check_columns(d, [cluster], "data", fix="name the matched-set column with cluster=, "
                      "or pass cluster=None")
    empty = d[cluster].isna()
    if empty.any():
        raise SchemaError(
            f"Cluster column '{cluster}' is empty for {int(empty.sum())} rows, at row index "
            f"{examples(d.index[empty])} (matching with replacement has no matched sets). "
            "Fix: fill it, or pass se='robust' with cluster=None.")
    return True


def _bad_rows(d: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Missing or infinite cells of ``columns`` (numeric ones checked for inf)."""
    bad = d[columns].isna()
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(d[c])]
    bad[numeric] |= np.isinf(d[numeric].to_numpy(dtype=float, na_value=np.nan))
    return bad


def _drop_missing(s: Sample, columns: list[str], missing: str) -> None:
    """Refuse, or drop with a counted warning, rows with missing/infinite values."""
    bad = _bad_rows(s.data, columns)
    if not bad.any().any():
        return
    counts = {k: int(v) for k, v in bad.sum().items() if v}
    rows = bad.any(axis=1).to_numpy()
    where = examples(s.data.index[rows])
    if rows.all():
        raise SchemaError(f"Every row has missing or infinite values in {counts}: nothing is "
                          "left to analyse. Fix: check those columns (a failed join?).")
    if missing == "error":
        raise SchemaError(
            f"estimate_att found missing or infinite values in {counts} ({int(rows.sum())} "
            f"row(s), at row index {where}); an estimate from them would be NaN. Fix: drop or "
            "impute those rows, or pass missing='drop' to leave them out (counted).")
    warnings.warn(f"estimate_att left out {int(rows.sum())} row(s) with missing or infinite "
                  f"values in {counts} (row index {where}); the result's flow counts them.",
                  ExclusionWarning, stacklevel=4)
    s.flow.append(("excluded: missing or infinite values", int(rows.sum())))
    if s.propensity is not None:  # the propensity model still uses every unit
        s.observed = ~rows
        fill = {c: 0 for c in columns if c not in (s.weights, s.treatment)}
        s.data = s.data.assign(**{c: s.data[c].where(~rows, fill[c]) for c in fill})
    else:
        s.data = s.data.loc[~rows]


def read_sample(m_or_data, outcome, *, treatment, weights, cluster, covariates, exposure,
                model, missing, se) -> Sample:
    """The checked sample for estimate_att (see the module docstring)."""
    s = _source(m_or_data, treatment, weights, cluster, covariates, se)
    d = s.data
    if not isinstance(outcome, str):
        raise ParameterError(f"The 'outcome' parameter of estimate_att must be a column name. "
                             f"Got {outcome!r} instead.")
    needed = [s.treatment, outcome, s.weights] + ([exposure] if exposure else [])
    cov_cols = used_columns(d, covariates) if covariates is not None else []
    if covariates is not None and not isinstance(covariates, str):
        needed += list(covariates)
    _check_roles(s, outcome, exposure, cov_cols if isinstance(covariates, str)
                 else list(covariates or []))
    check_columns(d, needed, "matched data" if s.source == "match" else "data")
    check_plain_columns(d, needed, "data")
    s.flow.append(("rows supplied", len(d)))
    if not pd.api.types.is_numeric_dtype(d[outcome]):
        raise SchemaError(f"Outcome '{outcome}' must be numeric; it is {d[outcome].dtype} "
                          f"with values such as {examples(pd.unique(d[outcome].dropna()))}.")
    for col, what in ((s.weights, "weight"), (exposure, "exposure")):
        if col and (not pd.api.types.is_numeric_dtype(d[col])
                    or pd.api.types.is_bool_dtype(d[col])):
            raise SchemaError(f"The {what} column '{col}' must be numeric; it is "
                              f"{d[col].dtype}.")
    check_real(d, [outcome, s.weights] + ([exposure] if exposure else []), "data")
    check_treatment(d, s.treatment, "data")
    _drop_missing(s, list(dict.fromkeys([outcome, s.weights, *cov_cols]
                                        + ([exposure] if exposure else []))), missing)
    _check_values(s, outcome, exposure, model)
    _check_group_weights(s)
    if s.propensity is None:
        s.data = s.data[s.data[s.weights] > 0]
    check_treatment(s.data, s.treatment, "data")
    _warn_constant(s, outcome)
    _warn_tiny_group(s)
    return s


def _warn_tiny_group(s: Sample) -> None:
    """One unit in a group has no spread of its own: its standard error is borrowed."""
    d = s.data if s.observed is None else s.data[s.observed]
    treated = (d[s.treatment] == 1) & (d[s.weights] > 0)
    control = (d[s.treatment] == 0) & (d[s.weights] > 0)
    for group, n in (("treated", int(treated.sum())), ("control", int(control.sum()))):
        if n < 2:
            warnings.warn(
                f"estimate_att has only {n} {group} unit with a positive weight: the "
                f"{group} mean has no variance of its own, so the standard error and interval "
                "rest on the other group alone. Fix: report the estimate as descriptive, or "
                "add units.", DataWarning, stacklevel=4)


def _warn_constant(s: Sample, outcome) -> None:
    """An outcome with one value for everyone has nothing to compare: said, not hidden."""
    y = s.data[outcome] if s.observed is None else s.data.loc[s.observed, outcome]
    if y.nunique() == 1:
        warnings.warn(f"Outcome '{outcome}' is {y.iloc[0]} for every analysed row: the effect "
                      "is zero with no uncertainty to estimate. Fix: check that it is the "
                      "outcome column.", DataWarning, stacklevel=4)


def _check_values(s: Sample, outcome, exposure, model) -> None:
    d = s.data if s.observed is None else s.data[s.observed]
    negative = d[s.weights] < 0
    if negative.any():
        raise EvaltoolsInputError(
            f"Column '{s.weights}' has {int(negative.sum())} negative weight(s), at row index "
            f"{examples(d.index[negative])}; weights must be >= 0.")
    if exposure is not None:
        bad = d[exposure] <= 0
        if bad.any():
            raise EvaltoolsInputError(
                f"Exposure column '{exposure}' has {int(bad.sum())} missing or non-positive "
                f"value(s), e.g. at rows {examples(d.index[bad])}. Fix: person-time must be "
                "positive; drop people with no time at risk and count them.")
    if model in ("poisson", "negbin") and (d[outcome] < 0).any():
        bad = d[outcome] < 0
        raise EvaltoolsInputError(
            f"Outcome '{outcome}' has {int(bad.sum())} negative value(s), at row index "
            f"{examples(d.index[bad])}; model='{model}' needs counts (>= 0). Fix: use "
            "model='difference' or 'regression' for other outcomes.")


def _check_roles(s: Sample, outcome, exposure, covariates) -> None:
    """The outcome cannot also be the treatment, the weights or an adjustment covariate."""
    for other, what in ((s.treatment, "the treatment"), (s.weights, "the weights"),
                        (exposure, "the exposure")):
        if outcome == other:
            raise ParameterError(f"The 'outcome' parameter of estimate_att names '{outcome}', "
                                 f"which is {what} column. Fix: pass the outcome column.")
    if outcome in covariates:
        raise ParameterError(f"The 'covariates' parameter of estimate_att includes the outcome "
                             f"'{outcome}': adjusting for the outcome itself removes the "
                             "effect. Fix: leave it out.")
    roles = {outcome: "the outcome", s.treatment: "the treatment", s.weights: "the weights",
             exposure: "the exposure"}
    if s.cluster is not None and s.cluster in roles:
        raise ParameterError(f"The 'cluster' parameter of estimate_att names '{s.cluster}', "
                             f"which is {roles[s.cluster]} column: clusters must be groups "
                             "such as matched sets or practices. Fix: name the grouping "
                             "column, or pass se='robust' with cluster=None.")


def _check_group_weights(s: Sample) -> None:
    """Positive weight in both groups, or there is nothing to compare."""
    d = s.data if s.observed is None else s.data[s.observed]
    t = d[s.treatment].to_numpy() == 1
    w = d[s.weights].to_numpy(float)
    for group, name in ((t, "treated"), (~t, "control")):
        if group.any() and not (w[group] > 0).any():
            raise EvaltoolsInputError(
                f"Column '{s.weights}' is zero for every {name} row ({int(group.sum())} rows), "
                "so there is no one to compare. Fix: check the weights (a matching that "
                "matched nobody, or a weight column of another analysis).")
