"""Regression to the mean for normal measures: closed form vs hand values and simulation."""

import numpy as np
import pytest
from scipy import stats

import evaltools as et
from evaltools.exceptions import ParameterError


def simulate(mean, sd, r, n=1_000_000, seed=0):
    rng = np.random.default_rng(seed)
    x1 = rng.standard_normal(n)
    x2 = r * x1 + np.sqrt(1 - r**2) * rng.standard_normal(n)
    return mean + sd * x1, mean + sd * x2


def test_hand_value():
    # Barnett et al. (2005), eq. (1): sigma (1 - r) phi(z) / (1 - Phi(z)), here z = 1.
    expected = -1 * 0.5 * stats.norm.pdf(1) / stats.norm.sf(1)
    est = et.rtm.expected_rtm_normal(mean=0, sd=1, r=0.5, cutoff=1)
    assert est.change == pytest.approx(expected, rel=1e-12)
    assert est.change == pytest.approx(-0.7626, abs=1e-4)


@pytest.mark.parametrize("tail,cutoff", [("upper", 150), ("lower", 110), ("both", (100, 150))])
def test_agrees_with_simulation(tail, cutoff):
    """One million simulated pairs (seed 0); Monte Carlo SE of the change is below 0.05."""
    mean, sd, r = 130, 15, 0.6
    x1, x2 = simulate(mean, sd, r)
    if tail == "upper":
        sel = x1 > cutoff
    elif tail == "lower":
        sel = x1 < cutoff
    else:
        sel = (x1 < cutoff[0]) | (x1 > cutoff[1])
    est = et.rtm.expected_rtm_normal(mean, sd, r, cutoff, tail=tail)
    assert est.change == pytest.approx((x2[sel] - x1[sel]).mean(), abs=0.1)
    assert est.selected_mean == pytest.approx(x1[sel].mean(), abs=0.1)


def test_limiting_cases():
    assert et.rtm.expected_rtm_normal(10, 2, 1.0, 12).change == 0
    full = et.rtm.expected_rtm_normal(10, 2, 0.0, 12)
    assert full.expected_after == pytest.approx(10)  # all the way back to the mean
    # Higher cut-offs and lower correlations give more regression.
    assert (et.rtm.expected_rtm_normal(10, 2, 0.3, 14).change
            < et.rtm.expected_rtm_normal(10, 2, 0.3, 12).change
            < et.rtm.expected_rtm_normal(10, 2, 0.6, 12).change < 0)


def test_interval_when_inputs_are_estimates():
    est = et.rtm.expected_rtm_normal(0, 1, 0.5, 1, n=200, n_sim=500, random_state=3)
    assert est.ci_low < est.change < est.ci_high
    again = et.rtm.expected_rtm_normal(0, 1, 0.5, 1, n=200, n_sim=500, random_state=3)
    assert (again.ci_low, again.ci_high) == (est.ci_low, est.ci_high)
    narrow = et.rtm.expected_rtm_normal(0, 1, 0.5, 1, n=5000, n_sim=500, random_state=3)
    assert narrow.ci_high - narrow.ci_low < est.ci_high - est.ci_low


def test_inverse_round_trips():
    change = et.rtm.expected_rtm_normal(50, 10, 0.4, 65).change
    assert et.rtm.solve_rtm_normal(change, 50, 10, cutoff=65) == pytest.approx(0.4)
    assert et.rtm.solve_rtm_normal(change, 50, 10, r=0.4) == pytest.approx(65, abs=1e-6)


def test_bad_input():
    with pytest.raises(ParameterError, match=r"'r' parameter .* \[-1, 1\]. Got 1.5"):
        et.rtm.expected_rtm_normal(0, 1, 1.5, 1)
    with pytest.raises(ParameterError, match=r"'sd' parameter .* \(0, inf\). Got 0"):
        et.rtm.expected_rtm_normal(0, 0, 0.5, 1)
    with pytest.raises(ParameterError, match="nobody in the population passes"):
        et.rtm.expected_rtm_normal(0, 1, 0.5, 60)
    with pytest.raises(ParameterError, match="cannot come from regression to the mean"):
        et.rtm.solve_rtm_normal(+0.5, 0, 1, cutoff=1)
    with pytest.raises(ParameterError, match="pair"):
        et.rtm.expected_rtm_normal(0, 1, 0.5, 1, tail="both")
