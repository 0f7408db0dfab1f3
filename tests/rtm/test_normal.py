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


def test_mean_of_several_baseline_measurements_hand_value():
    """Barnett, van der Pols & Dobson (2005, Int J Epidemiol 34:215), eq. 2: selecting on the
    mean of n baseline measurements, RTM = (s_w^2 / n) / sqrt(s_b^2 + s_w^2 / n) * C(z) with
    C(z) = phi(z) / (1 - Phi(z)) and z = (c - mu) / sqrt(s_b^2 + s_w^2 / n). Here s_b = 12,
    s_w = 9 (so sd = 15, r = 144 / 225 = 0.64), mu = 130, c = 150, n = 3."""
    s_b2, s_w2, n, mu, c = 144.0, 81.0, 3, 130.0, 150.0
    sd_n = np.sqrt(s_b2 + s_w2 / n)
    z = (c - mu) / sd_n
    rtm = (s_w2 / n) / sd_n * stats.norm.pdf(z) / stats.norm.sf(z)
    est = et.rtm.expected_rtm_normal(mu, 15, 0.64, c, n_baseline=n)
    assert est.change == pytest.approx(-rtm, rel=1e-12)
    assert est.selected_mean == pytest.approx(mu + sd_n * stats.norm.pdf(z) / stats.norm.sf(z))
    # One baseline measurement is eq. 1; more measurements mean less regression.
    single = et.rtm.expected_rtm_normal(mu, 15, 0.64, c)
    assert et.rtm.expected_rtm_normal(mu, 15, 0.64, c, n_baseline=1).change == single.change
    assert single.change < est.change < et.rtm.expected_rtm_normal(mu, 15, 0.64, c,
                                                                      n_baseline=10).change < 0


@pytest.mark.parametrize("tail,cutoff", [("upper", 150), ("both", (105, 150))])
def test_mean_of_several_baseline_measurements_simulation(tail, cutoff):
    """400,000 people (seed 4), true level N(130, 12^2), each measurement adds N(0, 9^2);
    selected on the mean of 4 baseline measurements, remeasured once. Tolerance: four Monte
    Carlo standard errors of each simulated mean."""
    rng = np.random.default_rng(4)
    true = rng.normal(130, 12, 400_000)
    baseline = (true[:, None] + rng.normal(0, 9, (400_000, 4))).mean(axis=1)
    after = true + rng.normal(0, 9, 400_000)
    sel = baseline > cutoff if tail == "upper" else (baseline < cutoff[0]) | (
        baseline > cutoff[1])
    est = et.rtm.expected_rtm_normal(130, 15, 0.64, cutoff, tail=tail, n_baseline=4)
    change, picked = after[sel] - baseline[sel], baseline[sel]
    assert est.change == pytest.approx(change.mean(), abs=4 * change.std() / np.sqrt(sel.sum()))
    assert est.selected_mean == pytest.approx(picked.mean(),
                                              abs=4 * picked.std() / np.sqrt(sel.sum()))


def test_rtm_estimates_tidy_with_simulation_interval():
    est = et.rtm.expected_rtm_normal(0, 1, 0.5, 1, n=200, n_sim=500, random_state=3)
    t = est.tidy()
    assert t.loc[0, "term"] == "expected change"
    assert (t.loc[0, "conf_low"], t.loc[0, "conf_high"]) == pytest.approx(
        (est.ci_low, est.ci_high))
    assert t.loc[0, "std_error"] == pytest.approx(np.std(est.draws, ddof=1))
    wide = est.conf_int(0.99)
    assert wide.iloc[0, 0] < est.ci_low and wide.iloc[0, 1] > est.ci_high
    known = et.rtm.expected_rtm_normal(0, 1, 0.5, 1).tidy()
    assert known.loc[0, "estimate"] == pytest.approx(-0.7626, abs=1e-4)
    assert np.isnan(known.loc[0, "std_error"])


@pytest.mark.parametrize("kwargs,match", [
    (dict(mean=np.inf), r"'mean' parameter of expected_rtm_normal .* Got inf"),
    (dict(mean=np.nan), r"'mean' parameter .* Got nan"),
    (dict(sd=np.inf), r"'sd' parameter .* Got inf"),
    (dict(r=np.nan), r"'r' parameter .* Got nan"),
    (dict(cutoff=np.inf), r"'cutoff' parameter .* Got inf"),
    (dict(cutoff=(np.nan, 2.0), tail="both"), r"'cutoff' .* pair of finite numbers"),
    (dict(n_baseline=0), r"'n_baseline' parameter .* \[1, inf\)"),
    (dict(n_baseline=2.5), r"'n_baseline' parameter of expected_rtm_normal must be an int"),
    (dict(n_baseline=3, r=-0.2), r"must be in \[0, 1\]. Got -0.2"),
    (dict(n=np.inf), r"'n' parameter .* Got inf"),
    (dict(n=100, n_sim=10), r"'n_sim' parameter"),
], ids=["mean-inf", "mean-nan", "sd-inf", "r-nan", "cutoff-inf", "pair-nan", "n_baseline-0",
        "n_baseline-float", "negative-r", "n-inf", "n_sim"])
def test_bad_input_non_finite(kwargs, match):
    args = dict(mean=0, sd=1, r=0.5, cutoff=1) | kwargs
    with pytest.raises(ParameterError, match=match):
        et.rtm.expected_rtm_normal(**args)


def test_solve_bad_input():
    with pytest.raises(ParameterError, match=r"'change' parameter of solve_rtm_normal .* inf"):
        et.rtm.solve_rtm_normal(-np.inf, 0, 1, cutoff=1)
    with pytest.raises(ParameterError, match=r"'sd' parameter of solve_rtm_normal .* nan"):
        et.rtm.solve_rtm_normal(-0.5, 0, np.nan, cutoff=1)


def test_bad_input():
    with pytest.raises(ParameterError, match=r"'r' parameter .* \[-1, 1\]. Got 1.5"):
        et.rtm.expected_rtm_normal(0, 1, 1.5, 1)
    with pytest.raises(ParameterError, match=r"'sd' parameter .* \(0, 1e\+150\). Got 0"):
        et.rtm.expected_rtm_normal(0, 0, 0.5, 1)
    with pytest.raises(ParameterError, match="nobody in the population passes"):
        et.rtm.expected_rtm_normal(0, 1, 0.5, 60)
    with pytest.raises(ParameterError, match="cannot come from regression to the mean"):
        et.rtm.solve_rtm_normal(+0.5, 0, 1, cutoff=1)
    with pytest.raises(ParameterError, match="pair"):
        et.rtm.expected_rtm_normal(0, 1, 0.5, 1, tail="both")
