"""Callaway-Sant'Anna at scale: att_gt (doubly robust, two covariates) on 100,000 and
1,000,000 units x 10 periods with 4 treatment cohorts, then the simple and dynamic
aggregations. Each size runs in a fresh process; prints time and peak memory. If the
`csdid` package is installed, it is timed on the same data (never required).

    python benchmarks/bench_did.py [--units 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd


def make_data(n_units: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    periods = np.arange(1, 11)
    cohort = rng.choice([0, 4, 6, 8, 10], n_units, p=[0.4, 0.15, 0.15, 0.15, 0.15])
    x1, x2 = rng.normal(size=n_units), rng.binomial(1, 0.5, n_units)
    unit = np.repeat(np.arange(n_units), len(periods))
    t = np.tile(periods, n_units)
    g = cohort[unit]
    effect = np.where((g > 0) & (t >= g), 1.0 + 0.2 * (t - g), 0.0)
    y = (x1[unit] + 0.5 * x2[unit] + 0.1 * t * x1[unit] + effect
         + rng.normal(size=len(unit)))
    return pd.DataFrame({"id": unit, "period": t, "g": g, "y": y, "x1": x1[unit],
                         "x2": x2[unit]})


def run(n_units: int) -> dict:
    import evaltools as et

    df = make_data(n_units)
    _ = et.did.att_gt  # import the module (linearmodels, statsmodels) before the clock starts
    t0 = time.perf_counter()
    res = et.did.att_gt(df, outcome="y", time="period", unit="id", cohort="g",
                        covariates=["x1", "x2"], est_method="dr")
    t1 = time.perf_counter()
    res.aggregate("simple")
    res.aggregate("dynamic")
    t2 = time.perf_counter()
    return {"units": n_units, "att_gt s": round(t1 - t0, 2), "aggregations s": round(t2 - t1, 2),
            "peak MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def run_csdid(n_units: int) -> dict | None:
    """The same fit with the csdid package, if it is installed (never required)."""
    try:
        from csdid.att_gt import ATTgt
    except ImportError:
        return None
    df = make_data(n_units)
    t0 = time.perf_counter()
    fit = ATTgt(yname="y", gname="g", idname="id", tname="period", xformla="y~x1+x2",
                data=df).fit(est_method="dr", bstrap=False)
    t1 = time.perf_counter()
    fit.aggte(typec="simple")
    fit.aggte(typec="dynamic")
    t2 = time.perf_counter()
    return {"units": n_units, "csdid att_gt s": round(t1 - t0, 2),
            "csdid aggregations s": round(t2 - t1, 2),
            "csdid peak MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--csdid-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.child)))
        return
    if args.csdid_child:
        print(json.dumps(run_csdid(args.csdid_child)))
        return
    rows = []
    for n in args.units:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True,
                             text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        other = subprocess.run([sys.executable, __file__, "--csdid-child", str(n)],
                               capture_output=True, text=True)
        theirs = json.loads(other.stdout.strip().splitlines()[-1]) if other.returncode == 0 \
            else None
        if theirs:
            rows[-1].update({k: v for k, v in theirs.items() if k != "units"})
            rows[-1]["csdid / evaltools"] = round(
                (theirs["csdid att_gt s"] + theirs["csdid aggregations s"])
                / (rows[-1]["att_gt s"] + rows[-1]["aggregations s"]), 1)
        print(rows[-1], flush=True)
    print()
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
