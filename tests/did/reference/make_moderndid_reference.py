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
"""

from pathlib import Path

import moderndid
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


if __name__ == "__main__":
    print("moderndid", moderndid.__version__ if hasattr(moderndid, "__version__") else "")
    universal()
    cluster_bootstrap()
