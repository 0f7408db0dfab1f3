"""Measured properties of the synthetic POPP cohort, beside the published figures they target.

    python benchmarks/synthetic_properties.py [--seed 11]

Prints participants' monthly emergency admissions around enrolment (with no effect), the
fall after enrolment, a year of the 65+ population (mortality, admissions, their spread and
concentration), the autocorrelation of monthly counts, and the committed sample matched as
the POPP template matches it: both groups' curves, the quarterly gaps and the two falls.
The tests in ``tests/datasets/test_popp_properties.py`` assert the same figures.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

import evaltools as et
from evaltools.datasets import popp_checks


def curve_line(label: str, rates: pd.DataFrame) -> str:
    return f"{label:<22}" + " ".join(f"{v:.3f}" for v in rates.rate)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=11, help="random_state of the simulations")
    args = parser.parse_args(argv)
    start = time.monotonic()

    persons, events = et.datasets.popp_synthetic(n_participants=1500, n_pool=0,
                                                 random_state=args.seed)
    rates = popp_checks.monthly_rates(persons[persons.treated == 1], events)
    print("Participants' emergency admissions per person-month, months -24 to +11 "
          "(1,500 participants, no effect):")
    print(curve_line("  participants", rates))
    print(f"  peak month {rates.rate.loc[-24:-1].idxmax()}; fall from the year before "
          f"enrolment to the year after {popp_checks.fall_after_enrolment(rates):.1%} "
          "(POPP national evaluation: 47%)\n")

    population = et.datasets.popp_synthetic(n_participants=100, n_pool=20000, threshold=0,
                                            random_state=args.seed)
    year = popp_checks.population_year(*population)
    print("A year (April 2005 - March 2006) of 20,000 people aged 65+ in other areas:")
    print(f"  mortality {year['mortality']:.2%} (ONS, England 65+: about 4.5-5%)")
    print(f"  emergency admissions per person {year['admissions_per_person']:.3f} "
          "(HES 65+ emergency episodes over the ONS population: about 0.22)")
    print("  people with 0 / 1 / 2 / 3+ admissions: " + " / ".join(
        f"{year[k]:.1%}" for k in ("share_0", "share_1", "share_2", "share_3_plus")))
    print(f"  people with 2+ made {year['frequent_share_of_admissions']:.1%} of the year's "
          f"admissions and {year['frequent_share_next_year']:.1%} of the next year's "
          "(Roland et al. 2005: 38% and under 10%)")
    ac = popp_checks.autocorrelation(*population)
    print("  autocorrelation of monthly counts at lags " + ", ".join(
        f"{k}: {v:.3f}" for k, v in ac.items()) + "\n")

    persons, events = et.datasets.load_popp_sample()
    matched = popp_checks.match_on_recent_use(persons, events)
    rows = matched.matched_data
    groups = {"participants": rows[rows.treated == 1], "matched controls": rows[rows.treated == 0]}
    print("The committed sample, risk-set matched on recent use (Mahalanobis):")
    curves = {}
    for label, part in groups.items():
        curves[label] = popp_checks.monthly_rates(part, events, key="match_id")
        print(curve_line("  " + label, curves[label]))
    quarters = [popp_checks.monthly_rates(part, events, months=(-12, 0), key="match_id",
                                          width=3) for part in groups.values()]
    gaps = popp_checks.matched_gaps(*quarters)
    print("  quarterly gaps before enrolment (z): " + ", ".join(
        f"{m} to {m + 2}: {z:+.2f}" for m, z in gaps.z.items()))
    print("  falls after enrolment: " + ", ".join(
        f"{label} {popp_checks.fall_after_enrolment(c):.1%}" for label, c in curves.items()))
    print(f"\n({time.monotonic() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
