"""Callaway & Sant'Anna (2021) group-time average treatment effects, R did's conventions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._shared.calls import checked_call
from ..exceptions import SchemaError
from ..validation import examples
from .attgt_data import prepare_panel
from .bootstrap import BOOT_WEIGHTS, new_seed
from .cells import EST_METHODS, cell_att
from .options import (
    check_attgt_options,
    check_boot_size,
    check_cell_size,
    check_role_columns,
    check_roles,
)
from .results import ATTgtResult, Inference

__all__ = ["att_gt"]


@checked_call
def att_gt(data: pd.DataFrame, *, outcome: str, unit: str, time: str, cohort: str,
           covariates=None, control_group: str = "nevertreated", est_method: str = "dr",
           anticipation: int = 0, base_period: str = "varying", bootstrap: bool = False,
           cluster: str | None = None, n_boot: int = 999, boot_weights: str = "rademacher",
           random_state=None, min_cell: int = 2,
           allow_unbalanced_panel: bool = False) -> ATTgtResult:
    """Group-time average treatment effects (Callaway & Sant'Anna 2021) for panel data.

    Follows R's ``did::att_gt``. Arguments and the R argument each stands for:

    - ``outcome`` (R ``yname``): the outcome column.
    - ``unit`` (R ``idname``): the unit id column.
    - ``time`` (R ``tname``): the period column (numeric).
    - ``cohort`` (R ``gname``): the first treated period of each unit; 0 or NaN = never
      treated; a period after the last one counts as never treated (as in R).
    - ``covariates`` (R ``xformla``): a list of columns or a formula ``"~ x1 + C(region)"``.
      Covariates that are fixed within units are used as they are; covariates that vary
      are taken, for each cell, from the earlier of its two periods (as R's did). Constant
      or collinear covariates are dropped with a note.
    - ``control_group`` (R ``control_group``): never treated units (``"nevertreated"``) or
      also those not yet treated (``"notyettreated"``).
    - ``est_method`` (R ``est_method``): ``"dr"`` (the traditional doubly robust estimator
      of Sant'Anna & Zhao 2020, DRDID's ``drdid_panel``, which R's did uses), ``"dr_imp"``
      (their improved, locally efficient doubly robust estimator, DRDID's
      ``drdid_imp_panel``: inverse probability tilting and weighted least squares),
      ``"ipw"`` (``std_ipw_did_panel``) or ``"reg"`` (``reg_did_panel``).
    - ``anticipation`` (R ``anticipation``), ``base_period`` (R ``base_period``):
      ``"varying"`` compares pre-treatment periods with the period before, ``"universal"``
      compares every period, the first included, with the last period before
      ``g - anticipation`` (whose cell is 0 by construction).
    - ``bootstrap`` (R ``bstrap``; R defaults to ``TRUE``), ``n_boot`` (R ``biters``),
      ``boot_weights``: ``"rademacher"`` (R's did) or ``"mammen"``. ``n_boot`` is at most
      1,000,000, and a request whose draws would need more than 2 GiB (draws x cells) or
      more than 10^10 multiplier weights (draws x units or clusters) is refused up front
      with the figure. Without the bootstrap, ``n_boot``, ``boot_weights`` and
      ``random_state`` are ignored with a warning.
    - ``cluster`` (R ``clustervars``, beyond the unit): a column constant within units;
      the influence functions are summed within clusters, for the multiplier bootstrap
      and for analytic standard errors alike (as R's did).
    - ``random_state``: seed of the bootstrap (R: ``set.seed``).

    Standard errors come from the influence functions (analytic by default); the multiplier
    bootstrap also gives uniform confidence bands, which ``conf_int()`` and ``tidy()``
    return (recomputed from the stored draws at any level).

    Cells with fewer than ``min_cell`` treated or comparison units get a missing estimate
    with the reason recorded, rather than stopping the run.

    Unbalanced panels are balanced by default (units missing any period are dropped and
    counted). ``allow_unbalanced_panel=True`` keeps them: each 2x2 comparison then uses the
    units observed in both of its periods. This differs from R's did, which switches to
    its repeated cross-section estimators; on a balanced panel both give the same answer.

    Examples
    --------
    >>> import evaltools as et
    >>> panel, _ = et.datasets.area_rollout(n_areas=60, random_state=1)
    >>> res = et.did.att_gt(panel, outcome="rate_per_1000", unit="area", time="year",
    ...                     cohort="first_year", est_method="reg")
    >>> res.aggregate("simple").estimate < 0
    True
    """
    check_roles("att_gt", {"outcome": outcome, "unit": unit, "time": time, "cohort": cohort},
                {"cluster": cluster})
    check_attgt_options(control_group=control_group, est_method=est_method,
                        base_period=base_period, boot_weights=boot_weights,
                        anticipation=anticipation, n_boot=n_boot, min_cell=min_cell,
                        bootstrap=bootstrap, allow_unbalanced_panel=allow_unbalanced_panel,
                        random_state=random_state, est_methods=EST_METHODS,
                        boot_kinds=BOOT_WEIGHTS)
    check_role_columns(data, "att_gt", {"outcome": outcome, "unit": unit, "time": time,
                                        "cohort": cohort, "cluster": cluster})
    seed = new_seed(random_state) if bootstrap else None
    panel = prepare_panel(data, outcome=outcome, unit=unit, time=time, cohort=cohort,
                          covariates=covariates, cluster=cluster, anticipation=anticipation,
                          control_group=control_group, allow_unbalanced=allow_unbalanced_panel)
    n_cells = len(np.unique(panel.g[panel.g > 0])) * len(panel.periods)
    check_cell_size(len(panel.g), n_cells)
    if bootstrap:
        n_clusters = len(panel.g) if panel.codes is None else int(panel.codes.max()) + 1
        check_boot_size(int(n_boot), n_cells, n_clusters)
    table, inf = _estimate_cells(panel, control_group, est_method, anticipation, base_period,
                                 min_cell)
    _check_estimated(table, min_cell)
    inference = Inference(bootstrap=bootstrap, n_boot=int(n_boot), seed=seed,
                          weights=boot_weights, codes=panel.codes)
    options = dict(outcome=outcome, unit=unit, time=time, cohort=cohort,
                   covariates=panel.covariates, control_group=control_group,
                   est_method=est_method, anticipation=anticipation, base_period=base_period,
                   cluster=cluster, allow_unbalanced_panel=allow_unbalanced_panel)
    return ATTgtResult.build(table, inf, panel.g, options, inference, random_state,
                             panel.flow, panel.notes)


def _check_estimated(table, min_cell):
    """Refuse a fit in which no cell after treatment has an estimate (nothing to report)."""
    post = table["post"].to_numpy(bool)
    if post.any() and table.loc[post, "att"].notna().any():
        return
    reasons = pd.unique(table.loc[post & table["note"].ne(""), "note"])
    few = any(r.startswith("too few units") for r in reasons)
    hint = (f"lower min_cell (now {min_cell}) or pool cohorts" if few
            else "check the cohorts against the periods")
    raise SchemaError(f"No group-time cell after treatment could be estimated "
                      f"({int(post.sum())} cell(s): {examples(reasons, k=3)}). "
                      f"Fix: {hint}.")


def _estimate_cells(panel, control_group, est_method, anticipation, base_period, min_cell):
    """Every ATT(g, t) and its influence function (one column per cell)."""
    periods, g = panel.periods, panel.g
    groups = np.sort(np.unique(g[g > 0]))
    groups = groups[groups > periods[0] + anticipation]  # a period before treatment needed
    # R's did estimates every period with a universal base (the longest leads included),
    # and all but the first with a varying base (which needs the period before).
    first = 0 if base_period == "universal" else 1
    inf_matrix = np.zeros((len(g), len(groups) * (len(periods) - first)), order="F")
    rows, caches = [], {}
    for group in groups:
        for j in range(first, len(periods)):
            rows.append(_cell(panel, group, j, control_group, est_method, anticipation,
                              base_period, min_cell, inf_matrix[:, len(rows)], caches))
    table = pd.DataFrame(rows, columns=["group", "time", "att", "post", "n", "note"])
    if np.all(periods == np.round(periods)):  # whole periods print as such (2004, not 2004.0)
        table = table.astype({"group": "int64", "time": "int64"})
    return table, inf_matrix


def _no_fit(panel, group, t, what):
    return (f"The covariates of att_gt ({examples(panel.covariates, k=4)}) {what} in the cell "
            f"ATT({group:g},{t:g}), so its propensity or outcome model cannot be fitted. Fix: "
            "leave out covariates that mark the group (a treatment or cohort indicator) or "
            "that are constant or collinear within groups, or coarsen them.")


def _base_index(periods, group, j, anticipation, base_period):
    """Index of the period a cell compares with (None if there is none)."""
    if base_period == "universal" or periods[j] >= group:
        # The last period before treatment (and anticipation) starts, as R's did.
        before = np.flatnonzero(periods + anticipation < group)
        return int(before[-1]) if len(before) else None
    return j - 1


def _cell(panel, group, j, control_group, method, anticipation, base_period, min_cell, inf,
          caches):
    """Estimate one ATT(g, t), writing its influence function into ``inf``."""
    y, g, periods = panel.y, panel.g, panel.periods
    t = periods[j]
    base_j = _base_index(periods, group, j, anticipation, base_period)
    row = {"group": group, "time": t, "att": np.nan, "post": bool(t >= group), "n": 0,
           "note": ""}
    if base_j is None:
        row["note"] = "no period before treatment to compare with"
        return row
    if base_j == j:
        row.update(att=0.0, note="reference period")
        return row
    seen = ~np.isnan(y[:, j]) & ~np.isnan(y[:, base_j])
    treated = (g == group) & seen
    latest = max(t, periods[base_j])
    control = seen & ((g == 0) if control_group == "nevertreated" else (
        (g == 0) | ((g > latest + anticipation) & (g != group))))
    if treated.sum() < min_cell or control.sum() < min_cell:
        row["note"] = (f"too few units: {int(treated.sum())} treated, "
                       f"{int(control.sum())} comparison")
        return row
    keep = treated | control
    # Covariates that vary in time come from the earlier period of the cell, as R's did.
    x_j = min(j, base_j) if panel.x.ndim == 3 else -1
    cache = caches.setdefault((group, x_j, hash(keep.tobytes())), {})
    if "rows" not in cache:  # the same units in every period with never-treated controls
        rows = np.flatnonzero(keep)
        x = panel.x[rows] if x_j < 0 else panel.x[rows, x_j]
        cache.update(rows=rows, x=x, d=treated[rows].astype(float))
    rows = cache["rows"]
    dy = y[rows, j] - y[rows, base_j]
    try:
        att, cell_inf = cell_att(dy, cache["d"], cache["x"], method, cache)
    except np.linalg.LinAlgError:
        raise SchemaError(_no_fit(panel, group, t, "are collinear among these units")) from None
    fitted = cache.get("propensity", cache.get("ipt"))
    if fitted is not None and panel.covariates:
        p, d = fitted[0], cache["d"]
        if p[d == 1].min() > p[d == 0].max():
            raise SchemaError(_no_fit(panel, group, t, f"separate group {group:g} from its "
                                      "comparison units perfectly (no overlap)"))
    # Rescale to the full sample, as R's did: n / n_cell times the cell's influence.
    inf[rows] = cell_inf * len(g) / len(rows)
    row.update(att=att, n=len(rows))
    return row
