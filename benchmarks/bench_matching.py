"""Nearest-neighbour propensity matching at national-pool scale.

    python benchmarks/bench_matching.py                       # 10k treated vs 100k..1M
    python benchmarks/bench_matching.py --pools 100000 1000000 10000000

10,000 treated against a pool of candidate controls, 10 covariates, 1:1 nearest on the
propensity score with a 0.2 SD caliper, with and without exact strata (24 enrolment
months). Prints the propensity fit and the matching step separately, with peak memory
(max RSS of a fresh process per run). If R with MatchIt is installed, also times
MatchIt on the same data (--matchit) and prints the ratio; R is never required.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd


def make_data(n_treated: int, n_pool: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_treated + n_pool
    x = rng.normal(size=(n, 10))
    treated = np.r_[np.ones(n_treated, int), np.zeros(n_pool, int)]
    x[treated == 1] += 0.3  # participants differ from the pool
    df = pd.DataFrame(x, columns=[f"x{i}" for i in range(10)])
    df["treated"] = treated
    df["month"] = rng.integers(0, 24, n)
    return df


def run(n_treated: int, n_pool: int, exact: bool) -> dict:
    from evaltools.matching import distance as dist
    from evaltools.matching.api import _match_strata

    df = make_data(n_treated, n_pool)
    covariates = [f"x{i}" for i in range(10)]
    t0 = time.perf_counter()
    score, _ = dist.propensity_score(df, "treated", covariates)
    t1 = time.perf_counter()
    strata = df["month"].to_numpy() if exact else np.zeros(len(df), int)
    t, c, d, _ = _match_strata(score, None, df["treated"].to_numpy() == 1, strata,
                               method="nearest", ratio=1, replace=False, order="largest",
                               caliper=0.2 * score.std(ddof=1), use_mahal=False,
                               rng=np.random.default_rng(0))
    t2 = time.perf_counter()
    import evaltools as et

    t3 = time.perf_counter()
    et.match(df, "treated", covariates, caliper=0.2, exact=["month"] if exact else None)
    t4 = time.perf_counter()
    return {"pool": n_pool, "exact strata": exact, "propensity fit s": round(t1 - t0, 2),
            "matching step s": round(t2 - t1, 2), "end to end s": round(t4 - t3, 2),
            "matched": int(len(t)),
            "peak MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def run_risk_set(n_treated: int, n_pool: int, n_events: int) -> dict:
    """Risk-set matching: participants enrolled over 24 months, a pool offered every month
    with prior use counted as of that month from ``n_events`` hospital events."""
    import evaltools as et

    rng = np.random.default_rng(1)
    n = n_treated + n_pool
    start = np.datetime64("2006-04-01", "D")
    persons = pd.DataFrame({
        "person_id": np.arange(n), "treated": np.r_[np.ones(n_treated, int),
                                                    np.zeros(n_pool, int)],
        "index_date": np.r_[start + rng.integers(0, 730, n_treated).astype("m8[D]"),
                            np.full(n_pool, np.datetime64("NaT"))].astype("M8[us]"),
        "age": rng.integers(65, 100, n), "risk_score": rng.random(n)})
    events = pd.DataFrame({
        "person_id": rng.integers(0, n, n_events),
        "event_date": (np.datetime64("2004-04-01", "D")
                       + rng.integers(0, 1826, n_events).astype("m8[D]")).astype("M8[us]"),
        "setting": rng.choice(np.array(["inpatient", "outpatient", "ae"]), n_events),
        "method": rng.choice(np.array(["emergency", "elective"]), n_events),
        "los": rng.poisson(3, n_events), "cost": 100.0})
    t0 = time.perf_counter()
    m = et.matching.match_risk_set(persons, events, covariates=["age", "risk_score"],
                                   progress=False, random_state=0)
    seconds = time.perf_counter() - t0
    return {"risk set: treated": n_treated, "pool": n_pool, "events": n_events,
            "months": 24, "seconds": round(seconds, 1),
            "matched": int(m.summary().loc["Matched", "Treated"]),
            "peak MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


MATCHIT = """
suppressPackageStartupMessages(library(MatchIt))
d <- read.csv(commandArgs(TRUE)[1])
t0 <- Sys.time()
m <- matchit(treated ~ x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9, data = d,
             method = "nearest", caliper = 0.2)
cat(as.numeric(difftime(Sys.time(), t0, units = "secs")), "\\n")
"""


def time_matchit(n_treated: int, n_pool: int) -> float | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/d.csv"
        make_data(n_treated, n_pool).to_csv(path, index=False)
        script = f"{tmp}/m.R"
        open(script, "w").write(MATCHIT)
        out = subprocess.run(["Rscript", script, path], capture_output=True, text=True)
        try:
            return float(out.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--treated", type=int, default=10_000)
    parser.add_argument("--pools", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--matchit", action="store_true", help="also time R's MatchIt")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--risk-set", type=int, nargs=3, metavar=("TREATED", "POOL", "EVENTS"),
                        help="time risk-set matching instead (e.g. 10000 1000000 10000000)")
    args = parser.parse_args()
    if args.risk_set:
        print(run_risk_set(*args.risk_set))
        return
    if args.child:
        print(json.dumps(run(args.treated, int(args.child[0]), args.child[1] == "1")))
        return
    rows = []
    for pool in args.pools:
        for exact in (False, True):
            out = subprocess.run([sys.executable, __file__, "--treated", str(args.treated),
                                  "--child", str(pool), str(int(exact))],
                                 capture_output=True, text=True, check=True)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
            if args.matchit and not exact:
                r = time_matchit(args.treated, pool)
                rows[-1]["MatchIt end to end s"] = r
                if r:
                    rows[-1]["MatchIt / evaltools"] = round(r / rows[-1]["end to end s"], 1)
            print(rows[-1], flush=True)
    print()
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
