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
- ipw_lpop, reg_lpop, dr_lpop: with ~ lpop.
"""

from pathlib import Path

import moderndid
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


if __name__ == "__main__":
    main()
