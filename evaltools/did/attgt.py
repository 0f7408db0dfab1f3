"""Callaway & Sant'Anna (2021) group-time average treatment effects, R did's conventions."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._shared import covariate_matrix
from ..exceptions import EvaltoolsWarning, SchemaError
from ..validation import check_columns, check_number, check_option, examples
from .cells import cell_att
from .results import ATTgtResult

__all__ = ["att_gt"]


def _panel(data, outcome, time, unit, cohort, covariates, allow_unbalanced):
    """Wide arrays: outcomes (units x periods, NaN where unobserved), groups, covariates
    (each unit's first observed period) and the flow."""
    check_columns(data, [outcome, time, unit, cohort], "data")
    if not pd.api.types.is_numeric_dtype(data[outcome]):
        raise SchemaError(f"Outcome '{outcome}' must be numeric; it is {data[outcome].dtype}.")
    dup = data.duplicated([unit, time])
    if dup.any():
        raise SchemaError(f"{int(dup.sum())} duplicated ({unit}, {time}) row(s), e.g. "
                          f"{unit} {examples(data.loc[dup, unit])}. Fix: one row per unit "
                          "and period.")
    varying = data.groupby(unit)[cohort].nunique() > 1
    if varying.any():
        raise SchemaError(f"'{cohort}' varies within {int(varying.sum())} unit(s), e.g. "
                          f"{examples(varying.index[varying])}. Fix: the first treated period "
                          "is a property of the unit.")
    periods = np.sort(data[time].unique())
    wide = data.pivot(index=unit, columns=time, values=outcome)
    complete = wide.notna().all(axis=1)
    flow = [("units supplied", len(wide))]
    if allow_unbalanced:
        complete[:] = True
        flow.append(("units missing some periods (kept: each comparison uses the units "
                     "observed in both of its periods)", int(wide.isna().any(axis=1).sum())))
    if not complete.all():
        flow.append(("excluded: unbalanced panel (missing periods)", int((~complete).sum())))
        warnings.warn(f"{int((~complete).sum())} unit(s) are not observed in every period and "
                      "are dropped to balance the panel (counted in the flow).",
                      EvaltoolsWarning, stacklevel=3)
    wide = wide[complete]
    first = data.sort_values(time).drop_duplicates(unit).set_index(unit)
    units = data.drop_duplicates(unit).set_index(unit).loc[wide.index]
    g = units[cohort].to_numpy()
    bad = (g > 0) & ~np.isin(g, periods) & (g <= periods.max())
    if bad.any():
        raise SchemaError(f"'{cohort}' has values {examples(np.unique(g[bad]))} that are not "
                          f"observed periods ({periods.min()} to {periods.max()}).")
    late = g > periods.max()
    if late.any():  # treated after the window: never treated within it (as R's did)
        flow.append(("treated after the last period: counted as never treated",
                     int(late.sum())))
        g = np.where(late, 0, g)
    if covariates is None:
        x, covs = np.empty((len(wide), 0)), []
    else:
        x, _ = covariate_matrix(first.reindex(wide.index), covariates, func="att_gt")
        covs, x = list(x.columns), x.to_numpy(float)
    flow.append(("units in the analysis", len(wide)))
    return wide.to_numpy(float), periods, g, x, covs, flow


def att_gt(data: pd.DataFrame, *, outcome: str, unit: str, time: str, cohort: str,
           covariates=None, control_group: str = "nevertreated", est_method: str = "dr",
           anticipation: int = 0, base_period: str = "varying", bootstrap: bool = False,
           n_boot: int = 999, random_state: int | None = None,
           min_cell: int = 2, allow_unbalanced_panel: bool = False) -> ATTgtResult:
    """Group-time average treatment effects (Callaway & Sant'Anna 2021) for panel data.

    Follows R's ``did::att_gt``. Arguments and the R argument each stands for:

    - ``outcome`` (R ``yname``): the outcome column.
    - ``unit`` (R ``idname``): the unit id column.
    - ``time`` (R ``tname``): the period column (numeric).
    - ``cohort`` (R ``gname``): the first treated period of each unit; 0 or NaN = never
      treated.
    - ``covariates`` (R ``xformla``): a list of columns or a formula ``"~ x1 + C(region)"``;
      each unit's values in its first observed period are used.
    - ``control_group`` (R ``control_group``): never treated units (``"nevertreated"``) or
      also those not yet treated (``"notyettreated"``).
    - ``est_method`` (R ``est_method``): ``"dr"`` (doubly robust, Sant'Anna & Zhao 2020,
      DRDID's ``drdid_panel``), ``"ipw"`` or ``"reg"``.
    - ``anticipation`` (R ``anticipation``), ``base_period`` (R ``base_period``):
      ``"varying"`` compares pre-treatment periods with the period before, ``"universal"``
      always with the last period before ``g - anticipation``.
    - ``bootstrap`` (R ``bstrap``; R defaults to ``TRUE``), ``n_boot`` (R ``biters``).

    Standard errors come from the influence functions (analytic by default; the multiplier
    bootstrap, ``bootstrap=True``, also gives uniform confidence bands).

    Cells with fewer than ``min_cell`` treated or comparison units get a missing estimate
    with the reason recorded, rather than stopping the run.

    Unbalanced panels are balanced by default (units missing any period are dropped and
    counted). ``allow_unbalanced_panel=True`` keeps them: each 2x2 comparison then uses the
    units observed in both of its periods. This differs from R's did, which switches to
    its repeated cross-section estimators; on a balanced panel both give the same answer.

    Examples
    --------
    >>> import evaltools as et
    >>> panel, _ = et.datasets.area_rollout(n_areas=60, seed=1)
    >>> res = et.did.att_gt(panel, outcome="rate_per_1000", unit="area", time="year",
    ...                     cohort="first_year", est_method="reg")
    >>> res.aggregate("simple").estimate < 0
    True
    """
    check_option(control_group, "control_group", "att_gt", ["nevertreated", "notyettreated"])
    check_option(est_method, "est_method", "att_gt", ["dr", "ipw", "reg"])
    check_option(base_period, "base_period", "att_gt", ["varying", "universal"])
    check_number(anticipation, "anticipation", "att_gt", low=0, integer=True)
    y, periods, g, x, covs, flow = _panel(data, outcome, time, unit, cohort, covariates,
                                          allow_unbalanced_panel)
    if control_group == "nevertreated" and not (g == 0).any():
        raise SchemaError(f"No never-treated units ('{cohort}' == 0), so control_group="
                          "'nevertreated' has no comparison group. Fix: use "
                          "control_group='notyettreated'.")
    # Units treated in the first period (or before) identify nothing: R's did drops them.
    early = (g > 0) & (g <= periods[0] + anticipation)
    if early.any():
        flow.append(("excluded: treated in the first period", int(early.sum())))
        y, g, x = y[~early], g[~early], x[~early]
    xc = np.column_stack([np.ones(len(g)), x])
    groups = np.sort(np.unique(g[g > 0]))
    n = len(g)
    # One column of influence values per cell, filled in place (no per-cell copies).
    # R's did estimates every period with a universal base (the longest leads included),
    # and all but the first with a varying base (which needs the period before).
    first = 0 if base_period == "universal" else 1
    inf_matrix = np.zeros((n, len(groups) * (len(periods) - first)), order="F")
    rows, caches = [], {}
    for group in groups:
        for j, t in enumerate(periods[first:], start=first):
            rows.append(_cell(y, g, xc, periods, group, j, t, control_group, est_method,
                              anticipation, base_period, min_cell, inf_matrix[:, len(rows)],
                              caches))
    table = pd.DataFrame(rows)
    return ATTgtResult.build(table, inf_matrix, g, dict(
        outcome=outcome, unit=unit, time=time, cohort=cohort, covariates=covs,
        control_group=control_group, est_method=est_method, anticipation=anticipation,
        base_period=base_period, allow_unbalanced_panel=allow_unbalanced_panel), bootstrap,
        n_boot, random_state, flow)


def _cell(y, g, xc, periods, group, j, t, control_group, method, anticipation, base_period,
          min_cell, inf, caches):
    """Estimate one ATT(g, t), writing its influence function into ``inf``."""
    post = t >= group
    index = {p: i for i, p in enumerate(periods)}
    if base_period == "universal" or post:
        # The last period before treatment (and anticipation) starts, as R's did.
        before = np.flatnonzero(periods + anticipation < group)
        base_j = int(before[-1]) if len(before) else None
    else:
        base_j = j - 1
    row = {"group": group, "time": t, "att": np.nan, "post": post, "note": ""}
    if base_j is None:
        row["note"] = "no period before treatment to compare with"
        return row
    if base_period == "universal" and base_j == j:
        row["att"] = 0.0
        row["note"] = "reference period"
        return row
    seen = ~np.isnan(y[:, index[t]]) & ~np.isnan(y[:, base_j])
    treated = (g == group) & seen
    latest = max(t, periods[base_j])
    control = seen & ((g == 0) if control_group == "nevertreated" else (
        (g == 0) | ((g > latest + anticipation) & (g != group))))
    if treated.sum() < min_cell or control.sum() < min_cell:
        row["note"] = (f"too few units: {int(treated.sum())} treated, "
                       f"{int(control.sum())} comparison")
        return row
    keep = treated | control
    cache = caches.setdefault((group, hash(keep.tobytes())), {})
    if "rows" not in cache:  # the same units in every period with never-treated controls
        rows = np.flatnonzero(keep)
        cache.update(rows=rows, x=xc[rows], d=treated[rows].astype(float))
    rows = cache["rows"]
    dy = y[rows, index[t]] - y[rows, base_j]
    att, cell_inf = cell_att(dy, cache["d"], cache["x"], method, cache)
    # Rescale to the full sample, as R's did: n / n_cell times the cell's influence.
    inf[rows] = cell_inf * len(g) / len(rows)
    row["att"] = att
    return row
