"""Aggregations of ATT(g,t) with influence functions, as R's ``did::aggte``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .results import AggregateResult, _se

__all__ = ["aggregate"]


def _weight_influence(cell_groups, group_of_unit, pg):
    """Influence of estimating the group-share weights (R did's ``wif``)."""
    indicator = (group_of_unit[:, None] == cell_groups[None, :]).astype(float) - pg[None, :]
    total = pg.sum()
    return indicator / total - indicator.sum(axis=1, keepdims=True) * (pg / total**2)[None, :]


def _detail(keys, estimates, influences, name):
    se = _se(np.column_stack(influences)) if influences else np.array([])
    # A reference period (estimate 0 by construction) has no standard error, as R's did.
    se = np.where(se <= np.sqrt(np.finfo(float).eps) * 10, np.nan, se)
    return pd.DataFrame({"estimate": estimates, "se": se,
                         "ci_low": np.array(estimates) - 1.959964 * se,
                         "ci_high": np.array(estimates) + 1.959964 * se},
                        index=pd.Index(keys, name=name))


def aggregate(result, kind, *, balance_e=None, min_e=-np.inf, max_e=np.inf) -> AggregateResult:
    t = result.table
    has = t["att"].notna().to_numpy()
    ok = has & ~t["note"].eq("reference period").to_numpy()
    att, inf = t["att"].to_numpy(), result.influence
    group, time = t["group"].to_numpy(), t["time"].to_numpy()
    units = result.groups
    share = {g: np.mean(units == g) for g in np.unique(group)}
    share_of = np.vectorize(share.get)
    groups_of_cells = group
    e = time - group
    post = ok & (e >= 0) & (e <= max_e)

    def weighted(cells):
        pg = share_of(groups_of_cells[cells])
        w = pg / pg.sum()
        wif = _weight_influence(groups_of_cells[cells], units, pg)
        return float(w @ att[cells]), inf[:, cells] @ w + wif @ att[cells]

    detail = pd.DataFrame()
    if kind == "simple":
        estimate, overall_inf = weighted(np.flatnonzero(post))
    elif kind == "dynamic":
        # With a universal base the reference period enters at 0, as in R's aggte.
        keep = has & (e >= min_e) & (e <= max_e)
        if balance_e is not None:
            full = [g for g in np.unique(group) if ((group == g) & ok & (e == balance_e)).any()]
            keep &= np.isin(group, full) & (e <= balance_e)
        es = np.unique(e[keep])
        parts = [weighted(np.flatnonzero(keep & (e == k))) for k in es]
        detail = _detail(es, [p[0] for p in parts], [p[1] for p in parts], "event time")
        after = [i for i, k in enumerate(es) if k >= 0]
        estimate = float(np.mean([parts[i][0] for i in after]))
        overall_inf = np.mean([parts[i][1] for i in after], axis=0)
    elif kind == "group":
        gs = np.unique(group[post])
        parts = []
        for g in gs:
            cells = np.flatnonzero(post & (group == g))
            parts.append((float(att[cells].mean()), inf[:, cells].mean(axis=1)))
        detail = _detail(gs, [p[0] for p in parts], [p[1] for p in parts], "group")
        pg = share_of(gs)
        w = pg / pg.sum()
        wif = _weight_influence(gs, units, pg)
        theta = np.array([p[0] for p in parts])
        estimate = float(w @ theta)
        overall_inf = np.column_stack([p[1] for p in parts]) @ w + wif @ theta
    else:  # calendar
        ts = np.unique(time[post])
        parts = [weighted(np.flatnonzero(post & (time == k))) for k in ts]
        detail = _detail(ts, [p[0] for p in parts], [p[1] for p in parts], "period")
        estimate = float(np.mean([p[0] for p in parts]))
        overall_inf = np.mean([p[1] for p in parts], axis=0)
    se = float(_se(overall_inf[:, None])[0])
    left_out = int((~t["att"].notna()).sum())
    return AggregateResult(kind=kind, estimate=estimate, se=se, detail=detail,
                           meta={"options": dict(kind=kind, balance_e=balance_e, min_e=min_e,
                                                 max_e=max_e),
                                 "cells_without_estimate": left_out})
