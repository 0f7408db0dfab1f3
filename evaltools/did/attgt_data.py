"""Input checks and wide arrays for att_gt: one row per unit, one column per period.

Every problem is refused with a message naming the column, the offending units and the fix,
or (units that identify nothing) dropped with a counted warning and a flow entry, as R's did
drops units treated in the first period.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._shared import covariate_matrix
from ..exceptions import ExclusionWarning, ParameterError, SchemaError
from ..validation import (
    check_columns,
    check_finite,
    check_no_missing,
    check_plain_columns,
    drop_redundant,
    examples,
)
from .checks import check_hashable
from .options import check_covariates_arg, check_outcome_varies

__all__ = ["Panel", "prepare_panel"]


@dataclass
class Panel:
    """Outcomes (units x periods, NaN where unobserved), cohorts, covariates with a constant
    (units x k, or units x periods x k when they vary in time), cluster codes and the flow."""

    y: np.ndarray
    periods: np.ndarray
    g: np.ndarray
    x: np.ndarray
    covariates: list[str]
    codes: np.ndarray | None
    flow: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def keep(self, rows: np.ndarray) -> None:
        self.y, self.g, self.x = self.y[rows], self.g[rows], self.x[rows]
        if self.codes is not None:
            self.codes = np.unique(self.codes[rows], return_inverse=True)[1]


def _check_types(data, outcome, unit, time, cohort, cluster):
    check_columns(data, [outcome, unit, time, cohort] + ([cluster] if cluster else []), "data",
                  fix="check the names given as outcome, unit, time, cohort and cluster")
    check_plain_columns(data, [outcome, unit, time, cohort, cluster], "data")
    check_no_missing(data, [unit], "data", fix="every row needs a unit id")
    check_finite(data, [time], "data", id_col=unit, fix="every row needs a numeric period")
    check_finite(data, [outcome], "data", id_col=unit,
                 fix="drop these rows (the units then count as unobserved in those periods) "
                     "or fill them, and count them in your flow")
    c = data[cohort]
    if not pd.api.types.is_numeric_dtype(c) or pd.api.types.is_bool_dtype(c):
        raise SchemaError(f"Column '{cohort}' (cohort) must hold the first treated period as a "
                          f"number (0 or NaN = never treated); it has dtype {c.dtype} with "
                          f"values such as {examples(pd.unique(c.dropna()))}.")
    negative = c < 0
    if negative.any():
        raise SchemaError(f"Column '{cohort}' (cohort) has {int(negative.sum())} negative "
                          f"value(s), at {unit} {examples(data.loc[negative, unit])}. Fix: use "
                          "the first treated period, or 0 for never treated.")


def _check_layout(data, unit, time, cohort):
    dup = data.duplicated([unit, time], keep=False)
    if dup.any():
        raise SchemaError(f"{int(dup.sum())} rows share a ({unit}, {time}) pair, e.g. {unit} "
                          f"{examples(pd.unique(data.loc[dup, unit]))}: duplicated rows. "
                          "Fix: one row per unit and period.")
    varying = data.groupby(unit)[cohort].nunique(dropna=False) > 1
    if varying.any():
        raise SchemaError(f"'{cohort}' varies within {int(varying.sum())} unit(s), e.g. "
                          f"{examples(varying.index[varying])}. Fix: the first treated period "
                          "is a property of the unit (it stays the same in every row).")


def _cohorts(g_raw, periods, cohort, time, flow):
    g = np.nan_to_num(g_raw.astype(float), nan=0.0, posinf=0.0)
    treated = g[g > 0]
    if len(treated) and np.all(treated == 1) and (1 not in periods or periods.min() == 1):
        raise SchemaError(f"Column '{cohort}' (cohort) holds only 0 and 1, which looks like a "
                          f"treatment indicator; it must be each unit's first treated period "
                          f"(one of the periods {periods.min():g} to {periods.max():g}), or 0 "
                          "for never treated. Fix: compute the first period with treatment = 1.")
    bad = (g > 0) & ~np.isin(g, periods) & (g <= periods.max())
    if bad.any():
        raise SchemaError(f"'{cohort}' has values {examples(np.unique(g[bad]))} that are not "
                          f"periods of '{time}' ({examples(periods)}). Fix: use the first "
                          f"period in which the unit is treated, on the scale of '{time}'.")
    late = g > periods.max()
    if late.any():  # treated after the window: never treated within it (as R's did)
        flow.append(("treated after the last period: counted as never treated",
                     int(late.sum())))
    return np.where(late, 0.0, g)


def _covariate_array(data, covariates, outcome, unit, time, cohort, index, periods, notes):
    """Covariates with a constant: units x (1+k) if fixed within unit, else per period."""
    if covariates is None:
        return np.ones((len(index), 1)), []
    covariates = check_covariates_arg(covariates, "att_gt")
    listed = covariates if isinstance(covariates, (list, tuple)) else []
    roles = [c for c in (unit, time, cohort) if c in listed]
    if roles:
        raise SchemaError(f"The covariates of att_gt include {examples(roles)}, given as the "
                          "unit, time or cohort column: they define the comparisons and "
                          "cannot also be covariates. Fix: leave them out of covariates.")
    x, lhs = covariate_matrix(data, covariates, func="att_gt")
    if lhs is not None and lhs != outcome:
        raise SchemaError(f"The covariates formula of att_gt has {lhs!r} on the left of '~', "
                          f"but the outcome is {outcome!r}. Fix: write the covariates as "
                          "'~ x1 + x2' and pass the outcome as outcome=.")
    x, dropped = drop_redundant(x)
    notes.extend(f"{k} ({v})" for k, v in dropped.items())
    names = list(x.columns)
    if not names:
        return np.ones((len(index), 1)), []
    frame = pd.concat([data[[unit, time]].reset_index(drop=True),
                       x.reset_index(drop=True)], axis=1)
    fixed = (frame.groupby(unit)[names].nunique() <= 1).all().all()
    if fixed:
        first = frame.sort_values(time).drop_duplicates(unit).set_index(unit).loc[index]
        return np.column_stack([np.ones(len(index)), first[names].to_numpy(float)]), names
    # R's did takes each cell's covariates from the earlier of its two periods.
    cube = np.stack([frame.pivot(index=unit, columns=time, values=c).reindex(
        index=index, columns=periods).to_numpy(float) for c in names], axis=2)
    return np.concatenate([np.ones(cube.shape[:2] + (1,)), cube], axis=2), names


def _clusters(data, unit, cluster, index):
    if cluster is None:
        return None
    check_no_missing(data, [cluster], "data", id_col=unit)
    check_hashable(data, cluster, "att_gt")
    varying = data.groupby(unit)[cluster].nunique() > 1
    if varying.any():
        raise SchemaError(f"The cluster column '{cluster}' varies within {int(varying.sum())} "
                          f"unit(s), e.g. {unit} {examples(varying.index[varying])}; units must "
                          "be nested in clusters (as R did's clustervars). Fix: use a cluster "
                          "that is the same in every row of a unit.")
    per_unit = data.drop_duplicates(unit).set_index(unit)[cluster].loc[index]
    codes, levels = pd.factorize(per_unit)
    if len(levels) < 2:
        raise ParameterError(f"The 'cluster' column '{cluster}' of att_gt has {len(levels)} "
                             "distinct value(s); clustered standard errors need at least two "
                             "clusters (and are unreliable with fewer than about 30). Fix: "
                             "leave cluster out (units are the clusters) or use another column.")
    return codes


def _balance(wide, allow_unbalanced, flow):
    complete = wide.notna().all(axis=1)
    flow.append(("units supplied", len(wide)))
    if allow_unbalanced:
        flow.append(("units missing some periods (kept: each comparison uses the units "
                     "observed in both of its periods)", int((~complete).sum())))
        return wide
    if not complete.all():
        flow.append(("excluded: unbalanced panel (missing periods)", int((~complete).sum())))
        warnings.warn(f"{int((~complete).sum())} unit(s) are not observed in every period and "
                      f"are dropped to balance the panel (counted in the flow), e.g. "
                      f"{examples(wide.index[~complete])}. Use allow_unbalanced_panel=True to "
                      "keep them.", ExclusionWarning, stacklevel=4)
    return wide[complete]


def _drop_without_pre_period(panel, anticipation, cohort):
    """Treated units never observed before treatment (and anticipation) identify nothing:
    refuse when that is every treated unit, else drop them with a warning, as R's did."""
    g, periods = panel.g, panel.periods
    observed = ~np.isnan(panel.y)
    before = periods[None, :] + anticipation < g[:, None]
    none = (g > 0) & ~(observed & before).any(axis=1)
    if not none.any():
        return
    if none.sum() == (g > 0).sum():
        raise SchemaError(
            f"No treated unit is observed before its treatment starts (first period "
            f"{periods.min():g}, earliest '{cohort}' {g[g > 0].min():g}, anticipation="
            f"{anticipation}), so no effect can be estimated. Fix: add earlier periods, or "
            "lower anticipation.")
    warnings.warn(f"Dropped {int(none.sum())} treated unit(s) never observed before their "
                  f"treatment (accounting for anticipation={anticipation}), as R's did does; "
                  "counted in the flow.", ExclusionWarning, stacklevel=4)
    panel.flow.append(("excluded: treated units not observed before treatment",
                       int(none.sum())))
    panel.keep(~none)


def prepare_panel(data, *, outcome, unit, time, cohort, covariates, cluster, anticipation,
                  control_group, allow_unbalanced) -> Panel:
    """Check ``data`` and return the wide arrays att_gt works on.

    >>> df = pd.DataFrame({"id": [1, 1, 2, 2, 3, 3], "t": [1, 2] * 3, "y": [1.0, 2, 1, 1, 0, 3],
    ...                    "g": [2, 2, 0, 0, 0, 0]})
    >>> p = prepare_panel(df, outcome="y", unit="id", time="t", cohort="g", covariates=None,
    ...                   cluster=None, anticipation=0, control_group="nevertreated",
    ...                   allow_unbalanced=False)
    >>> p.y.shape, p.g.tolist()
    ((3, 2), [2.0, 0.0, 0.0])
    """
    if not isinstance(data, pd.DataFrame):
        raise SchemaError(f"att_gt needs a pandas DataFrame. Got {type(data).__name__}.")
    if data.empty:
        raise SchemaError("The data table has no rows (empty DataFrame). Fix: pass the panel, "
                          "one row per unit and period.")
    _check_types(data, outcome, unit, time, cohort, cluster)
    _check_layout(data, unit, time, cohort)
    check_outcome_varies(data, outcome, "att_gt")
    periods = np.sort(data[time].unique()).astype(float)
    if len(periods) < 2:
        raise SchemaError(f"'{time}' has {len(periods)} period(s); att_gt needs at least two.")
    flow: list = []
    wide = _balance(data.pivot(index=unit, columns=time, values=outcome), allow_unbalanced,
                    flow)
    g = _cohorts(data.drop_duplicates(unit).set_index(unit)[cohort].loc[wide.index]
                 .to_numpy(), periods, cohort, time, flow)
    notes: list = []
    x, names = _covariate_array(data, covariates, outcome, unit, time, cohort, wide.index,
                                periods, notes)
    panel = Panel(y=wide.to_numpy(float), periods=periods, g=g, x=x, covariates=names,
                  codes=_clusters(data, unit, cluster, wide.index), flow=flow, notes=notes)
    _check_design(panel, anticipation, control_group, cohort)
    _drop_without_pre_period(panel, anticipation, cohort)
    panel.flow.append(("units in the analysis", len(panel.g)))
    return panel


def _check_design(panel, anticipation, control_group, cohort):
    g, periods = panel.g, panel.periods
    if not (g > 0).any():
        raise SchemaError(f"No unit is ever treated within the periods ('{cohort}' is 0, NaN "
                          "or after the last period for every unit): there is no effect to "
                          "estimate.")
    if control_group == "nevertreated" and not (g == 0).any():
        raise SchemaError(f"No never-treated units ('{cohort}' == 0 or NaN), so control_group="
                          "'nevertreated' has no comparison group. Fix: use control_group="
                          "'notyettreated' (units not yet treated serve as comparisons).")
    treated = g[g > 0]
    if anticipation > 0 and not (periods.min() + anticipation < treated).any() \
            and (periods.min() < treated).any():
        raise ParameterError(
            f"The 'anticipation' parameter of att_gt is too large: with anticipation="
            f"{anticipation}, no cohort has a period before its treatment (first period "
            f"{periods.min():g}, earliest '{cohort}' {g[g > 0].min():g}, {len(periods)} "
            "periods). Fix: lower anticipation.")
