"""Reference output of the csdid package (a Python port of R's did) for test_attgt.py.

Run in an environment with csdid installed (it is not a dependency of evaltools):
    python make_csdid_reference.py
Writes staggered.csv (simulated panel: 1,000 units x 10 periods, 4 cohorts, 2 covariates)
and csdid_dr.csv (att_gt, doubly robust, analytic standard errors).
"""

import numpy as np
import pandas as pd
from csdid.att_gt import ATTgt

rng = np.random.default_rng(0)
n, periods = 1000, np.arange(1, 11)
cohort = rng.choice([0, 4, 6, 8, 10], n, p=[0.4, 0.15, 0.15, 0.15, 0.15])
x1, x2 = rng.normal(size=n), rng.binomial(1, 0.5, n)
unit, t = np.repeat(np.arange(n), len(periods)), np.tile(periods, n)
g = cohort[unit]
effect = np.where((g > 0) & (t >= g), 1.0 + 0.2 * (t - g), 0.0)
# Selection on x1 and trends that depend on x1: parallel only given the covariates.
y = x1[unit] + 0.5 * x2[unit] + 0.1 * t * x1[unit] + effect + rng.normal(size=len(unit))
data = pd.DataFrame({"id": unit, "period": t, "g": g, "y": y.round(6), "x1": x1[unit].round(6),
                     "x2": x2[unit]})
data.to_csv("staggered.csv", index=False)
fit = ATTgt(yname="y", gname="g", idname="id", tname="period", xformla="y~x1+x2",
            data=data).fit(est_method="dr", bstrap=False)
out = fit.summ_attgt(n=6).summary2
out = out.rename(columns={"Group": "group", "Time": "time", "ATT(g, t)": "att",
                          "Std. Error": "se"})[["group", "time", "att", "se"]]
out.to_csv("csdid_dr.csv", index=False)
print(out.head())
