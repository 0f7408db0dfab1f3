"""Panel building at scale: time and peak memory of each engine.

    python benchmarks/bench_panel.py                      # 1M persons, 5M/10M/20M events
    python benchmarks/bench_panel.py --persons 100000 --events 2000000

Synthetic persons and events are written to Parquet first (benchmarks/_data/), then each
engine builds the 36-month panel (24 months before the index date, 12 after) of six
measures in a fresh process, so peak memory (max RSS) is the engine's alone. The
``prior_use`` task computes 12-month prior use of the six measures for every person at
five pseudo index dates (5 million rows for 1 million persons), as risk-set matching does.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent / "_data"


def make_data(n_persons: int, n_events: int, random_state: int = 0) -> tuple[Path, Path]:
    persons_path = DATA / f"persons_{n_persons}.parquet"
    events_path = DATA / f"events_{n_persons}_{n_events}.parquet"
    if persons_path.exists() and events_path.exists():
        return persons_path, events_path
    DATA.mkdir(exist_ok=True)
    rng = np.random.default_rng(random_state)
    start = np.datetime64("2004-04-01", "D")
    index = start + rng.integers(730, 1460, n_persons).astype("m8[D]")
    death = np.where(rng.random(n_persons) < 0.1, index + rng.integers(0, 700, n_persons)
                     .astype("m8[D]"), np.datetime64("NaT"))
    pd.DataFrame({"person_id": np.arange(n_persons, dtype=np.int64),
                  "index_date": index.astype("M8[us]"),
                  "death_date": death.astype("M8[us]")}).to_parquet(persons_path)
    chunk = 5_000_000
    import pyarrow as pa
    import pyarrow.parquet as pq
    writer = None
    for lo in range(0, n_events, chunk):
        m = min(chunk, n_events - lo)
        setting = rng.choice(np.array(["inpatient", "outpatient", "ae"]), m, p=[.3, .5, .2])
        method = np.where(setting == "inpatient",
                          rng.choice(np.array(["emergency", "elective"]), m), None)
        los = np.where(setting == "inpatient", rng.poisson(4, m), 0)
        table = pa.table({
            "person_id": rng.integers(0, n_persons, m),
            "event_date": (start + rng.integers(0, 1826, m).astype("m8[D]")).astype("M8[us]"),
            "setting": setting, "method": method, "los": los,
            "cost": np.round(rng.gamma(2, 400, m), 2)})
        writer = writer or pq.ParquetWriter(events_path, table.schema)
        writer.write_table(table)
    writer.close()
    return persons_path, events_path


def run_engine(task: str, persons_path: str, events_path: str) -> dict:
    """Run one task (in this process) and report time and peak memory.

    ``duckdb`` / ``pandas``: build_panel with that engine. ``prior_use``: prior-use
    covariates for every person at each of five pseudo index dates (risk-set offers).
    """
    import evaltools as et

    persons = pd.read_parquet(persons_path)
    measures = et.cohort.STANDARD_MEASURES
    t0 = time.perf_counter()
    if task == "prior_use":
        events = pd.read_parquet(events_path)
        t0 = time.perf_counter()
        offers = pd.concat([persons.assign(index_date=pd.Timestamp(f"2006-{m:02d}-01"))
                            for m in range(4, 9)], ignore_index=True)
        rows = len(et.cohort.prior_use(offers, events, measures=measures))
    else:
        rows = len(et.cohort.build_panel(persons, events_path, measures=measures,
                                         window=(-24, 12), engine=task, progress=False,
                                         span=("2004-04-01", "2009-03-31")).data)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 1), "peak_mb": round(peak_mb), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, nargs="+", default=[5_000_000, 10_000_000,
                                                                  20_000_000])
    parser.add_argument("--engines", nargs="+", default=["duckdb", "pandas", "prior_use"],
                        help="tasks: duckdb, pandas (build_panel engines), prior_use")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_engine(*args.child)))
        return
    rows = []
    for n_events in args.events:
        persons_path, events_path = make_data(args.persons, n_events)
        for engine in args.engines:
            out = subprocess.run([sys.executable, __file__, "--child", engine, str(persons_path),
                                  str(events_path)], capture_output=True, text=True, check=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append({"task": engine, "persons": args.persons, "events": n_events, **result})
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    table["seconds per 1M events"] = (table["seconds"] / (table["events"] / 1e6)).round(2)
    print()
    print(table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False))


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
