"""Kill rates per module from the results ``make mutation`` leaves in ``mutants/``.

A mutant is *killed* when a test fails on it, *timeout* when the tests ran more than
mutmut's limit (an infinite loop: detected too), *survived* when every test passed (the
tests would miss that bug) and *no tests* when no selected test calls the mutated
function. Kill rate = (killed + timeout) / mutants checked; mutants a sampled run
(``--sample``) left out are counted as "not checked" and left out of the rate.

Usage::

    python benchmarks/mutation_report.py [--modules evaltools/did/bacon.py ...]
                                         [--survivors] [--markdown]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "mutants"

# mutmut's exit codes of a mutant's test run (mutmut/stats.py).
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests",
          34: "skipped", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout",
          255: "timeout", 37: "killed", None: "not checked"}
COLUMNS = ["mutants", "checked", "killed", "timeout", "survived", "no tests", "other",
           "kill rate"]


def load_results(modules: list[str] | None = None) -> dict[str, dict[str, str]]:
    """``{module path: {mutant name: status}}`` from the newest run of each module."""
    metas: dict[str, Path] = {}
    for meta in WORK.glob("*/mutants/**/*.py.meta"):
        module = "/".join(meta.relative_to(WORK).parts[2:])[: -len(".meta")]
        if modules and module not in modules:
            continue
        if module not in metas or meta.stat().st_mtime > metas[module].stat().st_mtime:
            metas[module] = meta
    out = {}
    for module, meta in sorted(metas.items()):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        out[module] = {k: STATUS.get(v, "suspicious") for k, v in codes.items()}
    return out


def tally(statuses: dict[str, str]) -> dict[str, float]:
    values = list(statuses.values())
    row = {"mutants": len(values)}
    for s in ("killed", "timeout", "survived", "no tests"):
        row[s] = values.count(s)
    row["checked"] = row["mutants"] - values.count("not checked")
    row["other"] = row["checked"] - sum(row[s] for s in ("killed", "timeout", "survived",
                                                         "no tests"))
    done = row["killed"] + row["timeout"]
    row["kill rate"] = done / row["checked"] if row["checked"] else float("nan")
    return row


def table(results: dict[str, dict[str, str]]) -> list[tuple[str, dict[str, float]]]:
    rows = [(m, tally(s)) for m, s in results.items() if s]
    everything = {f"{m}:{k}": v for m, s in results.items() for k, v in s.items()}
    return [*rows, ("overall", tally(everything))]


def render(rows, markdown: bool = False) -> str:
    def cell(row, c):
        return f"{row[c]:.1%}" if c == "kill rate" else str(row[c])

    width = max(len(m) for m, _ in rows)
    if markdown:
        lines = ["| module | " + " | ".join(COLUMNS) + " |",
                 "|---|" + "---:|" * len(COLUMNS)]
        lines += ["| " + m + " | " + " | ".join(cell(r, c) for c in COLUMNS) + " |"
                  for m, r in rows]
        return "\n".join(lines)
    head = f"{'module':<{width}}  " + "  ".join(f"{c:>9}" for c in COLUMNS)
    lines = [head, "-" * len(head)]
    lines += [f"{m:<{width}}  " + "  ".join(f"{cell(r, c):>9}" for c in COLUMNS)
              for m, r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", nargs="*", help="module paths (default: all run)")
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    args = parser.parse_args(argv)
    results = load_results(args.modules or None)
    if not results:
        print("No mutation results in mutants/. Run `make mutation` first.")
        return 1
    print(render(table(results), args.markdown))
    if args.survivors:
        for module, statuses in results.items():
            names = [k for k, v in statuses.items()
                     if v not in ("killed", "timeout", "not checked")]
            if names:
                print(f"\n{module} ({len(names)} not killed; `mutmut show NAME` in its "
                      "mutants/<group>/ folder prints the change):")
                print("\n".join(f"  {n}: {statuses[n]}" for n in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
