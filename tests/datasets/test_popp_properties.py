"""The synthetic POPP cohort behaves like hospital data of people aged 65+ in England.

Each property is measured by ``evaltools.datasets.popp_checks`` on seeded simulations (the
seeds are in the fixtures) and printed, with more digits, by
``benchmarks/synthetic_properties.py``. Published figures used:

- the national POPP evaluation (Windle et al. 2009, PSSRU) reported a 47% fall in
  participants' emergency admissions after enrolment;
- Roland et al. (2005), BMJ 330:289, HES for England: people aged 65+ with two or more
  emergency admissions in a year made 38% of that year's emergency admissions and fewer
  than 10% of the next year's;
- HES finished admission episodes with an emergency method, ages 65+, England: 1,810,531 in
  2005-06 and 1,818,011 in 2006-07 (written answer, Hansard, 11 July 2012), over about
  8.1 million people aged 65+ (ONS mid-year estimates): about 0.22 a person a year;
- ONS deaths registered in England: crude mortality at ages 65+ of about 4.5-5% a year in
  2005-2008.
"""

import re
from pathlib import Path

import numpy as np
import pytest

import evaltools as et
from evaltools.datasets import popp_checks


@pytest.fixture(scope="module")
def participants():
    """1,500 participants enrolled with no effect (seed 11)."""
    persons, events = et.datasets.popp_synthetic(n_participants=1500, n_pool=0, random_state=11)
    return popp_checks.monthly_rates(persons[persons.treated == 1], events)


@pytest.fixture(scope="module")
def population():
    """20,000 people aged 65+ from other areas, not selected on risk (seed 11, as the
    benchmark whose figures the README quotes)."""
    return et.datasets.popp_synthetic(n_participants=100, n_pool=20000, threshold=0,
                                      random_state=11)


def test_participants_fall_by_about_half_with_no_effect(participants):
    """40-60% fewer admissions in the year after enrolment (POPP national evaluation: 47%).

    The fall's Monte Carlo standard error with 1,500 participants is about 2 points.
    """
    assert 0.40 <= popp_checks.fall_after_enrolment(participants) <= 0.60


def test_use_rises_to_a_peak_just_before_enrolment(participants):
    rate = participants.rate
    assert rate.loc[-24:-1].idxmax() in (-3, -2, -1)
    # Rising over the six months before the peak region, in two-month steps.
    assert rate.loc[-8] < rate.loc[-6] < rate.loc[-4] < rate.loc[-2]
    # No step at the edge of the 12-month look-back: months -13 and -12 differ by less than
    # three standard errors of their difference.
    edge = participants.loc[[-13, -12]]
    assert abs(np.diff(edge.rate)[0]) < 3 * np.hypot(*edge.se)


def test_use_decays_over_months_after_enrolment(participants):
    rate = participants.rate
    baseline = rate.loc[-24:-13].mean()
    early, late = rate.loc[0:2].mean(), rate.loc[9:11].mean()
    assert early > 1.5 * baseline
    assert early > late + 2 * participants.se.loc[0:2].mean()
    # Not a single drop at enrolment: the first month after is well below the last before.
    assert rate.loc[0] < 0.6 * rate.loc[-1]


def test_monthly_counts_are_autocorrelated_with_decay(population):
    ac = popp_checks.autocorrelation(*population)
    assert ac[1] > ac[3] > ac[12] > 0
    assert ac[3] > 0.4 * ac[1]   # not zero after lag 1
    assert ac[12] < 0.5 * ac[1]  # not flat


def test_population_matches_published_figures_for_england(population):
    year = popp_checks.population_year(*population)
    assert 0.040 <= year["mortality"] <= 0.055
    assert 0.18 <= year["admissions_per_person"] <= 0.28
    assert 0.78 <= year["share_0"] <= 0.88
    assert year["share_1"] > year["share_2"] > year["share_3_plus"] > 0.005
    # Roland et al. (2005): 38% of admissions this year, fewer than 10% the next.
    assert 0.33 <= year["frequent_share_of_admissions"] <= 0.45
    assert year["frequent_share_next_year"] < 0.10


def test_matched_controls_overlap_participants_before_enrolment():
    """Risk-set matching on recent use: the curves overlap before enrolment.

    The committed sample (1,000 participants, 40,000 possible controls) matched as the POPP
    template does. Monthly gaps are noisy at these rates, so the gap is taken over each
    quarter of the year before enrolment: all four within twice their standard errors.
    The falls after enrolment agree within 8 points (about twice the standard error of
    their difference with 1,000 pairs).
    """
    persons, events = et.datasets.load_popp_sample()
    matched = popp_checks.match_on_recent_use(persons, events)
    rows = matched.matched_data
    group = {g: rows[rows.treated == g] for g in (0, 1)}
    quarters = {g: popp_checks.monthly_rates(x, events, months=(-12, 0), key="match_id",
                                             width=3) for g, x in group.items()}
    gaps = popp_checks.matched_gaps(quarters[1], quarters[0])
    assert (gaps.z.abs() < 2).all(), gaps
    falls = [popp_checks.fall_after_enrolment(popp_checks.monthly_rates(group[g], events,
                                                                        key="match_id"))
             for g in (1, 0)]
    assert abs(falls[0] - falls[1]) < 0.08
    # The README quotes these figures.
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    z = ", ".join(f"{v:+.1f}" for v in gaps.z)
    assert f"gaps before enrolment, by quarter (z) | {z} |" in readme
    assert f"fall after enrolment | {falls[0]:.0%} / {falls[1]:.0%} |" in readme


def test_readme_quotes_the_measured_figures(participants, population):
    """The README's table of synthetic properties is what these simulations give."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    rows = dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|", readme, flags=re.M))
    year = popp_checks.population_year(*population)
    ac = popp_checks.autocorrelation(*population)
    fall = popp_checks.fall_after_enrolment(participants)
    shares = [year[k] for k in ("share_0", "share_1", "share_2", "share_3_plus")]
    expected = {
        "participants' fall, year before to year after enrolment (no effect)": f"{fall:.0%}",
        "participants' peak month before enrolment":
            str(participants.rate.loc[-24:-1].idxmax()),
        "annual mortality, ages 65+": f"{year['mortality']:.1%}",
        "emergency admissions per person a year, 65+": f"{year['admissions_per_person']:.2f}",
        "people with 0 / 1 / 2 / 3+ admissions in a year":
            f"{shares[0]:.0%} / {shares[1]:.0%} / {shares[2]:.1%} / {shares[3]:.1%}".replace(
                "% /", " /"),
        "admissions made by people with 2+ this year / next year":
            f"{year['frequent_share_of_admissions']:.0%} / {year['frequent_share_next_year']:.0%}",
        "autocorrelation of monthly counts, lags 1 / 3 / 12 / 24":
            " / ".join(f"{ac[k]:.3f}" for k in (1, 3, 12, 24)),
    }
    assert {k: rows.get(k) for k in expected} == expected
