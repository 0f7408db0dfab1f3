"""Mutation testing of evaltools with mutmut: ``make mutation MODULES="..."``.

Each selected module is mutated (one small change at a time: ``<`` for ``<=``, a sign, a
dropped argument, a constant plus one) and the tests that matter for it are run against
every mutant; a mutant the tests still pass on ("survived") is a bug they would miss.

Modules that share a test set are run together in one work folder
``mutants/<group>/`` holding links to ``evaltools/`` and ``tests/`` and a copy of
``pyproject.toml`` whose ``[tool.mutmut]`` section adds the modules (``only_mutate``) and
their tests (``pytest_add_cli_args_test_selection``) to the shared settings. mutmut then
runs, for each mutant, only the tests that call the mutated function. The table of
killed/survived/timeout per module is printed at the end by ``mutation_report.py``.

A full run takes about a second per mutant on two cores. ``--sample 0.2`` (``make mutation
SAMPLE=0.2``) runs a seeded random fifth of each module's mutants instead: the kill rate it
prints estimates the full one to within about +/- 2 points at 90% for 1,000 mutants
(binomial standard error), and a later run with ``--keep`` adds to the mutants checked.

Usage::

    python benchmarks/mutation_run.py [--jobs 2] [--keep] [--sample 0.2] [--seed 1]
                                      evaltools/did/regression.py ...
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mutation_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "mutants"

# Which tests matter for which modules: the first rule whose prefix a module path starts
# with wins. Globs are expanded against the repository; missing ones are skipped.
ATTGT_TESTS = ["tests/did/test_attgt*.py", "tests/did/test_sweep_attgt*.py",
               "tests/did/test_mutation_attgt*.py"]
REGRESSION_DID_TESTS = ["tests/did/test_regression_did*.py", "tests/did/test_organ_donations.py",
                        "tests/did/test_mutation_regression*.py",
                        "tests/did/test_sweep_regression*.py"]
DISCLOSURE_TESTS = ["tests/economics/test_disclosure*.py",
                    "tests/economics/test_mutation_disclosure*.py"]
TEST_RULES: list[tuple[str, list[str]]] = [
    *[(f"evaltools/did/{m}", ATTGT_TESTS) for m in ("attgt", "cells", "aggregate", "bootstrap",
                                                     "results")],
    ("evaltools/did/options", [*ATTGT_TESTS, *REGRESSION_DID_TESTS]),
    ("evaltools/did/", REGRESSION_DID_TESTS),
    ("evaltools/cohort/", ["tests/cohort/", "tests/test_security.py"]),
    ("evaltools/matching/", ["tests/matching/"]),
    ("evaltools/balance", ["tests/effects/", "tests/matching/", "tests/test_balance*.py"]),
    ("evaltools/effects", ["tests/effects/"]),
    ("evaltools/weighting", ["tests/effects/"]),
    ("evaltools/sensitivity", ["tests/effects/test_sensitivity*.py",
                                "tests/effects/test_mutation_sensitivity*.py"]),
    ("evaltools/economics/", ["tests/economics/"]),
    ("evaltools/disclosure", DISCLOSURE_TESTS),
    ("evaltools/_disclosure", DISCLOSURE_TESTS),
    ("evaltools/rtm/", ["tests/rtm/"]),
]


def expand_modules(paths: list[str]) -> list[str]:
    """Module files (relative to the root) from files and folders; ``__init__`` left out."""
    out: list[str] = []
    for p in paths:
        full = ROOT / p
        if full.is_dir():
            out += sorted(str(f.relative_to(ROOT)) for f in full.rglob("*.py")
                          if f.name != "__init__.py" and "__pycache__" not in f.parts)
        elif full.suffix == ".py" and full.is_file():
            out.append(str(full.relative_to(ROOT)))
        else:
            raise SystemExit(f"mutation: {p!r} is neither a .py file nor a folder of the "
                             "repository. Fix: pass paths like evaltools/did/regression.py.")
    return list(dict.fromkeys(out))


def tests_for(module: str) -> list[str]:
    """Test files and folders for a module (the whole suite if no rule matches)."""
    for prefix, patterns in TEST_RULES:
        if module.startswith(prefix):
            found = sorted({str(f.relative_to(ROOT)) for pat in patterns
                            for f in ROOT.glob(pat.rstrip("/"))})
            return [f + "/" if (ROOT / f).is_dir() else f for f in found]
    return ["tests/"]


def toml_value(value) -> str:
    # JSON strings, numbers, booleans and arrays are valid TOML values.
    return json.dumps(value)


def write_config(folder: Path, modules: list[str], tests: list[str]) -> None:
    """``pyproject.toml`` of the work folder: the project's, with [tool.mutmut] extended."""
    text = (ROOT / "pyproject.toml").read_text()
    settings = tomllib.loads(text).get("tool", {}).get("mutmut", {})
    settings.update(only_mutate=modules, pytest_add_cli_args_test_selection=tests,
                    use_git_change_detection=False)
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    lines = [f"{k} = {toml_value(v)}" for k, v in settings.items()]
    (folder / "pyproject.toml").write_text(text.rstrip() + "\n\n[tool.mutmut]\n"
                                           + "\n".join(lines) + "\n")


# mutmut forks its workers; a forked process that inherits a multi-threaded BLAS can hang
# asleep until mutmut's time limit kills it, which would count as a "timeout" (a kill).
ONE_THREAD = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
              "MKL_NUM_THREADS": "1"}

# mutmut writes every mutant of a file, and its empty results (``<file>.meta``), before it runs
# any test; these steps are its own first steps of ``mutmut run`` (mutmut/__main__.py).
GENERATE = ("import mutmut.__main__ as m; m.copy_src_dir(); m.copy_also_copy_files(); "
            "m.setup_source_paths(); m.create_mutants(1)")


def sample_mutants(folder: Path, modules: list[str], fraction: float, seed: int) -> list[str]:
    """A seeded random ``fraction`` of each module's mutant names (at least one each)."""
    subprocess.run([sys.executable, "-c", GENERATE], cwd=folder, check=True, env=ONE_THREAD,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    chosen: list[str] = []
    for module in modules:
        meta = folder / "mutants" / (module + ".meta")
        names = sorted(json.loads(meta.read_text())["exit_code_by_key"]) if meta.exists() else []
        if names:
            rng = random.Random(f"{seed}:{module}")
            chosen += rng.sample(names, max(1, round(fraction * len(names))))
    return chosen


def run_group(name: str, modules: list[str], tests: list[str], jobs: int, keep: bool,
              sample: float | None = None, seed: int = 1) -> int:
    folder = WORK / name
    if folder.exists() and not keep:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text()).get("tool", {}).get(
        "mutmut", {}).get("also_copy", [])
    for link in ("evaltools", "tests", *(p.rstrip("/") for p in extra)):
        if (ROOT / link).exists() and not (folder / link).exists():
            (folder / link).symlink_to(ROOT / link, target_is_directory=True)
    write_config(folder, modules, tests)
    print(f"[{name}] {len(modules)} module(s) against {' '.join(tests)}", flush=True)
    start = time.monotonic()
    names = sample_mutants(folder, modules, sample, seed) if sample else []
    if sample:
        print(f"[{name}] sampled {len(names)} mutants ({sample:.0%} of each module)", flush=True)
    with open(folder / "mutmut.log", "w") as log:
        code = subprocess.call([sys.executable, "-m", "mutmut", "run", "--max-children",
                                str(jobs), *names], cwd=folder, stdout=log,
                               stderr=subprocess.STDOUT, env=ONE_THREAD)
    print(f"[{name}] mutmut finished in {time.monotonic() - start:.0f} s (exit {code}); "
          f"log: {(folder / 'mutmut.log').relative_to(ROOT)}", flush=True)
    if code != 0:
        tail = (folder / "mutmut.log").read_text(errors="replace")[-3000:]
        print(tail.split("\r")[-1] if "\r" in tail else tail)
    return code


def group_name(modules: list[str]) -> str:
    stem = Path(modules[0]).parent.name or "top"
    names = "-".join(Path(m).stem for m in modules)
    return (f"{stem}-{names}" if len(names) <= 60 else f"{stem}-{len(modules)}-modules")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="+", help="module files or folders under evaltools/")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--keep", action="store_true",
                        help="reuse earlier results in mutants/ (only changed code is re-run)")
    parser.add_argument("--sample", type=float, default=None, metavar="FRACTION",
                        help="run only this seeded random fraction of each module's mutants")
    parser.add_argument("--seed", type=int, default=1, help="seed of --sample (default 1)")
    args = parser.parse_args(argv)
    if args.sample is not None and not 0 < args.sample <= 1:
        raise SystemExit(f"mutation: --sample {args.sample} is not a fraction in (0, 1]. "
                         "Fix: pass e.g. --sample 0.2 for a fifth of the mutants.")
    modules = expand_modules(args.modules)
    groups: dict[tuple[str, ...], list[str]] = {}
    for m in modules:
        groups.setdefault(tuple(tests_for(m)), []).append(m)
    start = time.monotonic()
    failed = []
    for tests, members in groups.items():
        name = group_name(members)
        if run_group(name, members, list(tests), args.jobs, args.keep, args.sample,
                     args.seed) != 0:
            failed.append(name)
    print(f"\nMutation testing took {time.monotonic() - start:.0f} s.\n")
    mutation_report.main(["--modules", *modules])
    if failed:
        print(f"mutmut failed in: {', '.join(failed)} (see their mutmut.log)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
