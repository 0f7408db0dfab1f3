"""Reference output of moderndid (a Python port of R's did and DRDID) for
tests/did/test_mutation_attgt_*.py: analytic standard errors of ATT(g,t) and of every
aggregation (R's ``aggte`` with ``cband = FALSE``, whose influence function includes the
estimation of the group-share weights), on mpdta.

Run in a separate environment with moderndid installed (0.2.0 was used; it is not a
dependency of evaltools), from this folder:
    python make_moderndid_aggregations.py
Writes
- moderndid_cells.csv: ATT(g,t) and analytic SEs for each setting below;
- moderndid_aggregations.csv: the simple, group, calendar and dynamic aggregations
  (overall and per row), and dynamic with balance_e = 1 and with min_e = -2, max_e = 1.

Settings (all varying base period, analytic standard errors):
- dr: doubly robust, no covariates, never-treated comparisons;
- notyet: as dr with not-yet-treated comparisons;
- notyet_ant1: not-yet-treated comparisons with anticipation = 1;
- reg_ant1: outcome regression with anticipation = 1 (never-treated comparisons);
- ipw_lpop, reg_lpop, dr_lpop: with ~ lpop;
- reg_lpop_notyet: outcome regression with ~ lpop and not-yet-treated comparisons (a county
  is a comparison unit in one cell and a treated unit in another, so the sign of the
  regression's estimation effect reaches the aggregated standard errors).

Also sim_imp_trim.csv, two two-period panels with steep selection on x1: "steep" (1,000
units; 62 treated units have a tilting propensity score of 0.995 or more) and
"steep_planted" (the same with three comparison units planted at x1 = 2.8, 3.2, 3.6, whose
logit scores are 0.995 or more), and moderndid_imp_trim.csv: DRDID's improved doubly robust
(drdid_imp_panel), traditional doubly robust (drdid_panel), normalised IPW
(std_ipw_did_panel) and outcome regression (reg_did_panel) estimates and SEs on it.
"""

from pathlib import Path

import moderndid
import numpy as np
import pandas as pd

HERE = Path(__file__).parent
MPDTA = pd.read_csv(HERE.parents[2] / "data_samples" / "mpdta.csv")
ARGS = dict(yname="lemp", tname="year", idname="countyreal", gname="first.treat")
SETTINGS = {
    "dr": dict(est_method="dr"),
    "notyet": dict(est_method="dr", control_group="notyettreated"),
    "notyet_ant1": dict(est_method="dr", control_group="notyettreated", anticipation=1),
    "reg_ant1": dict(est_method="reg", anticipation=1),
    "ipw_lpop": dict(est_method="ipw", xformla="~ lpop"),
    "reg_lpop": dict(est_method="reg", xformla="~ lpop"),
    "dr_lpop": dict(est_method="dr", xformla="~ lpop"),
    "reg_lpop_notyet": dict(est_method="reg", xformla="~ lpop", control_group="notyettreated"),
}
AGGREGATIONS = {
    "simple": dict(type="simple"),
    "group": dict(type="group"),
    "calendar": dict(type="calendar"),
    "dynamic": dict(type="dynamic"),
    "dynamic_balance1": dict(type="dynamic", balance_e=1),
    "dynamic_window": dict(type="dynamic", min_e=-2, max_e=1),
}


def main():
    cells, aggs = [], []
    for name, options in SETTINGS.items():
        fit = moderndid.att_gt(MPDTA, **ARGS, **options, boot=False)
        cells.append(pd.DataFrame({"setting": name, "group": fit.groups.astype(int),
                                   "time": fit.times.astype(int), "att": fit.att_gt,
                                   "se": fit.se_gt}))
        for kind, agg_options in AGGREGATIONS.items():
            agg = moderndid.aggte(fit, **agg_options, cband=False)
            rows = [("overall", agg.overall_att, agg.overall_se)]
            if agg.event_times is not None and kind != "simple":
                rows += [(str(int(k)), e, s) for k, e, s in zip(
                    agg.event_times, agg.att_by_event, agg.se_by_event, strict=True)]
            aggs.append(pd.DataFrame(rows, columns=["key", "estimate", "se"]).assign(
                setting=name, kind=kind))
    pd.concat(cells).to_csv(HERE / "moderndid_cells.csv", index=False, float_format="%.10f")
    cols = ["setting", "kind", "key", "estimate", "se"]
    pd.concat(aggs)[cols].to_csv(HERE / "moderndid_aggregations.csv", index=False,
                                 float_format="%.10f")


def imp_trim():
    rng = np.random.default_rng(31)
    n = 1000
    x0, u = rng.normal(size=n), rng.random(n)
    d0 = (u < 1 / (1 + np.exp(-(-1.0 + 3.0 * x0)))).astype(float)
    e0, e1 = rng.normal(size=n + 3), rng.normal(size=n + 3)
    panels, rows = [], []
    for name, planted in [("steep", []), ("steep_planted", [2.8, 3.2, 3.6])]:
        m = n + len(planted)
        x1, d = np.r_[x0, planted], np.r_[d0, np.zeros(len(planted))]
        y0 = x1 + e0[:m]
        y1 = y0 + 0.5 * x1 + d * (1 + 0.5 * x1) + e1[:m]
        sim = pd.DataFrame({"data": name, "id": np.repeat(np.arange(m), 2),
                            "period": np.tile([1, 2], m),
                            "y": np.column_stack([y0, y1]).ravel().round(6),
                            "g": np.repeat(np.where(d == 1, 2, 0), 2),
                            "x1": np.repeat(x1, 2).round(6)})
        panels.append(sim)
        first, second = sim[sim.period == 1], sim[sim.period == 2]
        x = np.column_stack([np.ones(m), first["x1"].to_numpy()])
        args = (second.y.to_numpy(), first.y.to_numpy(), (first.g == 2).to_numpy(float), x)
        for method, func in [("dr_imp", moderndid.drdid_imp_panel),
                             ("dr", moderndid.drdid_panel),
                             ("ipw", moderndid.std_ipw_did_panel),
                             ("reg", moderndid.reg_did_panel)]:
            fit = func(*args)
            rows.append({"data": name, "est_method": method, "att": fit.att, "se": fit.se})
    pd.concat(panels).to_csv(HERE / "sim_imp_trim.csv", index=False)
    pd.DataFrame(rows).to_csv(HERE / "moderndid_imp_trim.csv", index=False,
                              float_format="%.10f")


if __name__ == "__main__":
    main()
    imp_trim()
