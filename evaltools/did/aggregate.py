"""Aggregations of ATT(g,t) with influence functions, as R's ``did::aggte``.

Each aggregate is a weighted average of ATT(g,t) cells; its influence function adds the
influence of estimating the group-share weights (R did's ``wif``). Standard errors use the
fit's inference: analytic (clustered if asked) or the multiplier bootstrap with the same
draws as the fit, which also gives the uniform band over the detail rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import ParameterError, SchemaError
from .bootstrap import uniform_critical_value
from .results import _Z, AggregateResult

__all__ = ["aggregate"]


def _weight_influence(cell_groups, group_of_unit, pg):
    """Influence of estimating the group-share weights (R did's ``wif``)."""
    indicator = (group_of_unit[:, None] == cell_groups[None, :]).astype(float) - pg[None, :]
    total = pg.sum()
    return indicator / total - indicator.sum(axis=1, keepdims=True) * (pg / total**2)[None, :]


def _check_selection(post, kind, e, max_e):
    """At least one estimated cell after treatment (within max_e) to aggregate."""
    if post.any():
        return
    if (e >= 0).any():
        raise ParameterError(f"The 'max_e' parameter of aggregate ({max_e!r}) leaves no cell "
                             f"after treatment for kind={kind!r} (estimated event times "
                             f"{e.min():g} to {e.max():g}). Fix: max_e >= 0, or leave it out.")
    raise SchemaError("No group-time cell after treatment has an estimate, so there is "
                      "nothing to aggregate. Fix: see the 'note' column of summary().")


def _check_balance(full, balance_e, e):
    if not full:
        raise ParameterError(f"The 'balance_e' parameter of aggregate ({balance_e}) keeps no "
                             f"group: none has an estimate {balance_e} period(s) after its "
                             f"treatment starts (longest: {e.max():g}). Fix: balance_e <= "
                             f"{max(e.max(), 0):g}.")


def _check_window(keep, after, min_e, max_e, balance_e, e):
    """The event-time window keeps at least one event time after treatment (R's aggte)."""
    if (keep & after).any():
        return
    balance = f", balance_e={balance_e}" if balance_e is not None else ""
    raise ParameterError(f"The 'min_e'/'max_e' parameters of aggregate (min_e={min_e!r}, "
                         f"max_e={max_e!r}{balance}) leave no event time after treatment; the "
                         f"estimated event times run from {e.min():g} to {e.max():g}. Fix: "
                         "choose a window that includes event times 0 and later.")


def _parts(result, kind, balance_e, min_e, max_e):
    """The detail keys, estimates and influence functions, and the overall pair."""
    t = result.table
    has = t["att"].notna().to_numpy()
    ok = has & ~t["note"].eq("reference period").to_numpy()
    att, inf = t["att"].to_numpy(), result.influence
    group, time = t["group"].to_numpy(), t["time"].to_numpy()
    units = result.groups
    share = {g: np.mean(units == g) for g in np.unique(group)}
    e = time - group
    post = ok & (e >= 0) & (e <= max_e)

    def weighted(cells):
        pg = np.array([share[g] for g in group[cells]])
        wif = _weight_influence(group[cells], units, pg)
        w = pg / pg.sum()
        return float(w @ att[cells]), inf[:, cells] @ w + wif @ att[cells]

    _check_selection(post if kind != "calendar" else ok & (e >= 0), kind, e[ok], max_e)
    if kind == "simple":
        return [], [], [], weighted(np.flatnonzero(post))
    if kind == "dynamic":
        # With a universal base the reference period enters at 0, as in R's aggte.
        keep = has & (e >= min_e) & (e <= max_e)
        if balance_e is not None:
            full = [g for g in np.unique(group) if ((group == g) & ok & (e == balance_e)).any()]
            _check_balance(full, balance_e, e[ok])
            keep &= np.isin(group, full) & (e <= balance_e)
        _check_window(keep, e >= 0, min_e, max_e, balance_e, e[has])
        keys = np.unique(e[keep])
        parts = [weighted(np.flatnonzero(keep & (e == k))) for k in keys]
        after = [p for k, p in zip(keys, parts, strict=True) if k >= 0]
        overall = (float(np.mean([p[0] for p in after])), np.mean([p[1] for p in after], axis=0))
    elif kind == "group":
        keys = np.unique(group[post])
        parts = [(float(att[c].mean()), inf[:, c].mean(axis=1))
                 for c in (np.flatnonzero(post & (group == g)) for g in keys)]
        pg = np.array([share[g] for g in keys])
        theta = np.array([p[0] for p in parts])
        wif = _weight_influence(keys, units, pg)
        overall = (float(pg / pg.sum() @ theta),
                   np.column_stack([p[1] for p in parts]) @ (pg / pg.sum()) + wif @ theta)
    else:  # calendar: every post-treatment cell, whatever max_e (as R's aggte)
        post = ok & (e >= 0)
        keys = np.unique(time[post])
        parts = [weighted(np.flatnonzero(post & (time == k))) for k in keys]
        overall = (float(np.mean([p[0] for p in parts])), np.mean([p[1] for p in parts], axis=0))
    return keys, [p[0] for p in parts], [p[1] for p in parts], overall


def aggregate(result, kind, *, balance_e=None, min_e=-np.inf, max_e=np.inf) -> AggregateResult:
    """Aggregate an :class:`ATTgtResult` (called by ``ATTgtResult.aggregate``).

    >>> import evaltools as et
    >>> panel, _ = et.datasets.area_rollout(n_areas=60, random_state=1)
    >>> res = et.did.att_gt(panel, outcome="rate_per_1000", unit="area", time="year",
    ...                     cohort="first_year", est_method="reg")
    >>> list(aggregate(res, "dynamic").tidy()["term"])[:2]
    ['overall (dynamic)', 'event time -6']
    """
    keys, estimates, influences, (estimate, overall_inf) = _parts(result, kind, balance_e,
                                                                  min_e, max_e)
    se, draws = result.inference.standard_errors(np.column_stack([overall_inf, *influences]))
    crit = _Z
    if draws is not None and len(keys):
        crit = uniform_critical_value(draws[:, 1:], se[1:])
    est = np.array(estimates, dtype=float)
    name = {"dynamic": "event time", "group": "group", "calendar": "period"}.get(kind)
    detail = pd.DataFrame({"estimate": est, "se": se[1:], "ci_low": est - crit * se[1:],
                           "ci_high": est + crit * se[1:]},
                          index=pd.Index(keys, name=name))
    left_out = int((~result.table["att"].notna()).sum())
    return AggregateResult(kind=kind, estimate=estimate, se=float(se[0]), detail=detail,
                           critical_value=crit, draws=draws, n=len(result.groups),
                           meta={"options": dict(kind=kind, balance_e=balance_e, min_e=min_e,
                                                 max_e=max_e),
                                 "cells_without_estimate": left_out})
