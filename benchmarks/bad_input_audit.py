"""Run the catalogue of wrong inputs and print how each area answers them.

    python benchmarks/bad_input_audit.py            # tally by area
    python benchmarks/bad_input_audit.py --detail   # every case that is not answered clearly
    python benchmarks/bad_input_audit.py --detail did matching   # only these areas
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.audit.catalogue import all_cases, run_case, tally  # noqa: E402


def main() -> None:
    areas = [a for a in sys.argv[1:] if not a.startswith("--")]
    outcomes = [run_case(case) for case in all_cases() if not areas or case.area in areas]
    print(tally(outcomes).to_string())
    if "--detail" in sys.argv:
        for o in outcomes:
            if o.kind != "clear":
                print(f"\n[{o.kind}] {o.case.area}: {o.case.name}\n    {o.message}")


if __name__ == "__main__":
    main()
