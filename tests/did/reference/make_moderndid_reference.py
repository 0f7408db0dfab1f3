"""Reference output of moderndid (a Python port of R's did and DRDID that reports agreement
with the R packages) for the test_attgt_*.py modules.

Run in a separate environment with moderndid installed (it is not a dependency of
evaltools), from this folder:
    python make_moderndid_reference.py
Reads the mpdta sample (data_samples/mpdta.csv, the data set shipped with R's did) and
writes moderndid_universal.csv: ATT(g,t) and analytic standard errors with
base_period="universal" (doubly robust, no covariates; with ~lpop; not-yet-treated
comparisons; anticipation = 1), and moderndid_universal_dynamic.csv: the event-study
aggregation of each.

moderndid_cluster_bootstrap.csv: multiplier-bootstrap standard errors (20,000 draws) of
ATT(g,t) on mpdta clustered in 100 equal clusters of 5 counties (in countyreal order), and
unclustered. moderndid aggregates the influence function to cluster means, as R's did did
before it moved to cluster sums; with equal cluster sizes the two agree.

moderndid_dr_imp.csv: the improved doubly robust estimator (moderndid's port of DRDID's
drdid_imp_panel) on every 2x2 comparison of att_gt on mpdta with ~ lpop (never-treated
comparisons, varying base period), and on a simulated two-period panel (sim_two_period.csv,
1,000 units, selection on two covariates).

moderndid_trim.csv: the traditional doubly robust (drdid_panel) and normalised IPW
(std_ipw_did_panel) estimators on sim_strong_selection.csv, a two-period panel where some
comparison units have propensity scores above DRDID's trim.level of 0.995.

moderndid_time_varying.csv: ATT(g,t) and analytic SEs (doubly robust, ~ x, both base
periods) on sim_time_varying.csv, a staggered panel whose covariate changes over time (R's
did takes each cell's covariates from the earlier of its two periods).
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
    "dr_lpop": dict(est_method="dr", xformla="~ lpop"),
    "notyet": dict(est_method="dr", control_group="notyettreated"),
    "anticipation1": dict(est_method="reg", anticipation=1),
}


def universal():
    cells, dynamic = [], []
    for name, options in SETTINGS.items():
        fit = moderndid.att_gt(MPDTA, **ARGS, **options, base_period="universal", boot=False)
        cells.append(pd.DataFrame({"setting": name, "group": fit.groups.astype(int),
                                   "time": fit.times.astype(int), "att": fit.att_gt,
                                   "se": fit.se_gt}))
        agg = moderndid.aggte(fit, type="dynamic", cband=False)
        dynamic.append(pd.DataFrame({"setting": name, "event_time": agg.event_times.astype(int),
                                     "estimate": agg.att_by_event, "se": agg.se_by_event}))
        dynamic.append(pd.DataFrame({"setting": name, "event_time": ["overall"],
                                     "estimate": [agg.overall_att], "se": [agg.overall_se]}))
    pd.concat(cells).to_csv(HERE / "moderndid_universal.csv", index=False, float_format="%.8f")
    pd.concat(dynamic).to_csv(HERE / "moderndid_universal_dynamic.csv", index=False,
                              float_format="%.8f")


def cluster_bootstrap():
    data = MPDTA.assign(block=MPDTA["countyreal"].rank(method="dense").astype(int).sub(1) // 5)
    out = []
    for name, clusters in [("block", ["block"]), ("none", None)]:
        fit = moderndid.att_gt(data, **ARGS, est_method="dr", boot=True, biters=20000,
                               clustervars=clusters, random_state=1)
        out.append(pd.DataFrame({"cluster": name, "group": fit.groups.astype(int),
                                 "time": fit.times.astype(int), "att": fit.att_gt,
                                 "se": fit.se_gt, "critical_value": fit.critical_value}))
    pd.concat(out).to_csv(HERE / "moderndid_cluster_bootstrap.csv", index=False,
                          float_format="%.8f")


def _imp(y1, y0, d, x):
    fit = moderndid.drdid_imp_panel(y1, y0, d, x)
    return fit.att, fit.se


def dr_imp():
    wide = MPDTA.pivot(index="countyreal", columns="year", values="lemp")
    units = MPDTA.drop_duplicates("countyreal").set_index("countyreal").loc[wide.index]
    g, years = units["first.treat"].to_numpy(), list(wide.columns)
    rows = []
    for group in (2004, 2006, 2007):
        for j, t in enumerate(years[1:], start=1):
            base = group - 1 if t >= group else years[j - 1]
            keep = (g == group) | (g == 0)
            x = np.column_stack([np.ones(keep.sum()), units["lpop"].to_numpy()[keep]])
            att, se = _imp(wide[t].to_numpy()[keep], wide[base].to_numpy()[keep],
                           (g[keep] == group).astype(float), x)
            rows.append({"data": "mpdta", "group": group, "time": t, "att": att, "se": se})
    rng = np.random.default_rng(2024)
    n = 1000
    x1, x2 = rng.normal(size=n), rng.binomial(1, 0.4, n)
    d = (rng.random(n) < 1 / (1 + np.exp(-(-0.5 + 0.8 * x1 - 0.5 * x2)))).astype(float)
    y0 = 1 + x1 + 0.5 * x2 + rng.normal(size=n)
    y1 = y0 + 0.5 + 0.7 * x1 + 1.5 * d + rng.normal(size=n)
    sim = pd.DataFrame({"id": np.repeat(np.arange(n), 2), "period": np.tile([1, 2], n),
                        "y": np.column_stack([y0, y1]).ravel().round(6),
                        "g": np.repeat(np.where(d == 1, 2, 0), 2),
                        "x1": np.repeat(x1, 2).round(6), "x2": np.repeat(x2, 2)})
    sim.to_csv(HERE / "sim_two_period.csv", index=False)
    first = sim[sim.period == 1]
    x = np.column_stack([np.ones(n), first[["x1", "x2"]].to_numpy()])
    att, se = _imp(sim.y[sim.period == 2].to_numpy(), first.y.to_numpy(),
                   (first.g == 2).to_numpy(float), x)
    rows.append({"data": "sim_two_period", "group": 2, "time": 2, "att": att, "se": se})
    pd.DataFrame(rows).to_csv(HERE / "moderndid_dr_imp.csv", index=False, float_format="%.10f")


def trimmed():
    rng = np.random.default_rng(0)
    n = 1000
    x1 = rng.normal(size=n)
    d = (rng.random(n) < np.where(x1 > 0, 0.95, 0.05)).astype(float)  # steep: logit p > 0.995
    y0 = x1 + rng.normal(size=n)
    y1 = y0 + 0.3 * x1 + d + rng.normal(size=n)
    sim = pd.DataFrame({"id": np.repeat(np.arange(n), 2), "period": np.tile([1, 2], n),
                        "y": np.column_stack([y0, y1]).ravel().round(6),
                        "g": np.repeat(np.where(d == 1, 2, 0), 2),
                        "x1": np.repeat(x1, 2).round(6)})
    sim.to_csv(HERE / "sim_strong_selection.csv", index=False)
    first, second = sim[sim.period == 1], sim[sim.period == 2]
    x = np.column_stack([np.ones(n), first["x1"].to_numpy()])
    args = (second.y.to_numpy(), first.y.to_numpy(), (first.g == 2).to_numpy(float), x)
    rows = []
    for name, func in [("dr", moderndid.drdid_panel), ("ipw", moderndid.std_ipw_did_panel)]:
        fit = func(*args)
        rows.append({"est_method": name, "att": fit.att, "se": fit.se})
    pd.DataFrame(rows).to_csv(HERE / "moderndid_trim.csv", index=False, float_format="%.10f")


def time_varying():
    rng = np.random.default_rng(5)
    n, periods = 600, np.arange(1, 6)
    cohort = rng.choice([0, 3, 4, 5], n, p=[0.4, 0.2, 0.2, 0.2])
    unit, t = np.repeat(np.arange(n), 5), np.tile(periods, n)
    x = rng.normal(size=n)[unit] + 0.3 * t + rng.normal(scale=0.5, size=len(unit))
    g = cohort[unit]
    y = x + 0.2 * t * (g > 0) + np.where((g > 0) & (t >= g), 1.0, 0) + rng.normal(size=len(unit))
    data = pd.DataFrame({"id": unit, "period": t, "g": g, "y": y.round(6), "x": x.round(6)})
    data.to_csv(HERE / "sim_time_varying.csv", index=False)
    out = []
    for base in ["varying", "universal"]:
        fit = moderndid.att_gt(data, yname="y", tname="period", idname="id", gname="g",
                               xformla="~ x", est_method="dr", base_period=base)
        out.append(pd.DataFrame({"base_period": base, "group": fit.groups.astype(int),
                                 "time": fit.times.astype(int), "att": fit.att_gt,
                                 "se": fit.se_gt}))
    pd.concat(out).to_csv(HERE / "moderndid_time_varying.csv", index=False,
                          float_format="%.10f")


if __name__ == "__main__":
    print("moderndid", moderndid.__version__ if hasattr(moderndid, "__version__") else "")
    universal()
    cluster_bootstrap()
    dr_imp()
    trimmed()
    time_varying()
