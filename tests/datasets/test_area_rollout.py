"""The staggered-adoption area panel: structure, truth table, and a recoverable effect."""

import numpy as np
import pytest

import evaltools as et
from evaltools.exceptions import ParameterError


def test_structure_and_truth():
    panel, truth = et.datasets.area_rollout(n_areas=100, random_state=3)
    assert panel.shape == (1000, 7)
    assert not panel.duplicated(["area", "year"]).any()
    # first_year constant within area; treated switches on at first_year and stays on.
    assert (panel.groupby("area").first_year.nunique() == 1).all()
    expected = (panel.first_year > 0) & (panel.year >= panel.first_year)
    assert (panel.treated == expected.astype(int)).all()
    assert set(panel.first_year) == {0, 2007, 2009, 2011}
    # Truth: -20 per year of exposure, doubled for the first wave (2007).
    row = truth.set_index(["first_year", "year"]).att
    assert row[(2009, 2009)] == -20 and row[(2009, 2012)] == -80
    assert row[(2007, 2008)] == -80


def test_no_effect_gives_an_empty_effect():
    _, truth = et.datasets.area_rollout(n_areas=50, effect_per_year=0.0, random_state=1)
    assert (truth.att == 0).all()


def test_clean_two_by_two_recovers_the_true_effect():
    """Never-treated vs the 2011 wave, 2010 -> 2011: a difference in differences.

    Seeded simulation with 2,000 areas; the estimate's standard error is about 5 bed days
    per 1,000 (noise SD 40), so a tolerance of 15 is three standard errors.
    """
    panel, truth = et.datasets.area_rollout(n_areas=2000, random_state=7)
    sub = panel[panel.first_year.isin([0, 2011]) & panel.year.isin([2010, 2011])]
    means = sub.pivot_table(index="first_year", columns="year", values="rate_per_1000")
    did = (means.loc[2011, 2011] - means.loc[2011, 2010]) - (means.loc[0, 2011]
                                                              - means.loc[0, 2010])
    assert did == pytest.approx(truth.set_index(["first_year", "year"]).att[(2011, 2011)],
                                abs=15)


def test_same_random_state_same_panel():
    a, _ = et.datasets.area_rollout(n_areas=30, random_state=2)
    b, _ = et.datasets.area_rollout(n_areas=30, random_state=2)
    assert a.equals(b)
    assert np.isfinite(a.rate_per_1000).all()


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ParameterError, match=r"'random_state' parameter of area_rollout"):
        et.datasets.area_rollout(n_areas=10, random_state=-3)
    with pytest.raises(ParameterError, match=r"'cohorts' parameter of area_rollout must be a "
                                             r"dict.*sum to at most 1"):
        et.datasets.area_rollout(n_areas=10, cohorts={2007: 0.8, 2009: 0.5})
    with pytest.raises(ParameterError, match=r"'cohorts' parameter"):
        et.datasets.area_rollout(n_areas=10, cohorts=[2007])


@pytest.mark.parametrize("cohorts", [{1990: 0.5}, {2004: 0.5}, {2014: 0.5}, {"2007": 0.5},
                                     {2007: -0.1}, {2007: float("nan")}, {True: 0.5}, {},
                                     {2007: 0.0}])
def test_cohort_years_inside_the_panel_and_shares_valid(cohorts):
    with pytest.raises(ParameterError, match=r"'cohorts' parameter of area_rollout .* int years "
                                             r"in \[2005, 2013\]"):
        et.datasets.area_rollout(n_areas=10, cohorts=cohorts)


def test_sizes_and_effects_bounded():
    with pytest.raises(ParameterError, match=r"'n_areas' parameter of area_rollout must be an int "
                                             r"in \[2, 1000000\]"):
        et.datasets.area_rollout(10**9)
    for effect in (np.inf, np.nan, "big"):
        with pytest.raises(ParameterError, match="'effect_per_year' parameter of area_rollout"):
            et.datasets.area_rollout(10, effect_per_year=effect)
