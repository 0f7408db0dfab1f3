"""Regression to the mean of a normal measure: every output against its closed form, the
simulated interval against its documented sampling model and a coverage simulation, and
the solver's limits (found by mutation testing, ``make mutation``).

Independent references: the mean of a truncated normal from ``scipy.stats.truncnorm``; the
regression line of a bivariate normal (the expected remeasurement of a group selected on
its baseline is ``mu + slope * (selected mean - mu)`` with slope ``r`` for one baseline
measurement, and ``s_b^2 / (s_b^2 + s_w^2 / n)`` for the mean of ``n``: Barnett, van der
Pols & Dobson 2005, Int J Epidemiol 34:215-220, eq. 1 and 2).
"""

import warnings

import numpy as np
import pytest
from scipy import stats

import evaltools as et
from evaltools.exceptions import DataWarning, ParameterError

MU, SD, R = 130.0, 15.0, 0.6


def truncated_mean(mu, sd, lo=None, hi=None):
    """E[X | X < lo or X > hi] for X ~ N(mu, sd^2), from scipy's truncated normal."""
    parts = []
    if lo is not None:
        a = (lo - mu) / sd
        parts.append((stats.norm.cdf(a), stats.truncnorm.mean(-np.inf, a, loc=mu, scale=sd)))
    if hi is not None:
        b = (hi - mu) / sd
        parts.append((stats.norm.sf(b), stats.truncnorm.mean(b, np.inf, loc=mu, scale=sd)))
    mass = sum(p for p, _ in parts)
    return sum(p * m for p, m in parts) / mass


@pytest.mark.parametrize("tail,cutoff,lo,hi", [
    ("upper", 150.0, None, 150.0), ("lower", 110.0, 110.0, None),
    ("both", (100.0, 150.0), 100.0, 150.0), ("both", (125.0, 170.0), 125.0, 170.0),
], ids=["upper", "lower", "both", "both-lopsided"])
def test_change_is_minus_one_minus_r_times_the_selected_deviation(tail, cutoff, lo, hi):
    """Selected on one measurement: after = mu + r (selected - mu), so the change is
    -(1 - r) (selected - mu), with the selected mean from the truncated normal."""
    est = et.rtm.expected_rtm_normal(MU, SD, R, cutoff, tail=tail)
    selected = truncated_mean(MU, SD, lo, hi)
    assert est.selected_mean == pytest.approx(selected, rel=1e-10)
    assert est.change == pytest.approx(-(1 - R) * (selected - MU), rel=1e-9)
    assert est.expected_after == pytest.approx(MU + R * (selected - MU), rel=1e-10)
    assert est.relative_change == pytest.approx(est.change / selected, rel=1e-12)
    s = est.summary()["value"]
    assert s["mean at selection"] == est.selected_mean
    assert s["expected mean after (no intervention)"] == est.expected_after
    assert s["expected change"] == est.change
    assert s["relative change"] == est.relative_change
    assert np.isnan(s["ci_low"]) and np.isnan(s["ci_high"])
    assert est.inputs == dict(mean=MU, sd=SD, r=R, cutoff=cutoff, tail=tail, n_baseline=1,
                              n=None)
    assert est.meta["options"]["model"] == "normal" and est.model == "normal"


@pytest.mark.parametrize("tail,cutoff,lo,hi", [
    ("upper", 150.0, None, 150.0), ("lower", 112.0, 112.0, None),
    ("both", (105.0, 150.0), 105.0, 150.0),
], ids=["upper", "lower", "both"])
@pytest.mark.parametrize("n", [2, 3, 7])
def test_mean_of_n_baseline_measurements(tail, cutoff, lo, hi, n):
    """Barnett et al. (2005) eq. 2: true level N(mu, s_b^2) with s_b^2 = r sd^2, each
    measurement adds noise of variance s_w^2 = (1 - r) sd^2. The baseline mean has SD
    sqrt(s_b^2 + s_w^2 / n); one later measurement regresses on it with slope
    s_b^2 / (s_b^2 + s_w^2 / n)."""
    s_b2, s_w2 = R * SD**2, (1 - R) * SD**2
    sd_n = np.sqrt(s_b2 + s_w2 / n)
    selected = truncated_mean(MU, sd_n, lo, hi)
    slope = s_b2 / (s_b2 + s_w2 / n)
    est = et.rtm.expected_rtm_normal(MU, SD, R, cutoff, tail=tail, n_baseline=n)
    assert est.selected_mean == pytest.approx(selected, rel=1e-10)
    assert est.change == pytest.approx((slope - 1) * (selected - MU), rel=1e-9)
    assert est.expected_after == pytest.approx(MU + slope * (selected - MU), rel=1e-10)


def test_n_baseline_needs_a_non_negative_correlation_only_above_one():
    """r < 0 is a correlation of two single measurements, allowed with one baseline; with
    more it is a variance share and must be in [0, 1]; r = 0 is allowed with any n."""
    neg = et.rtm.expected_rtm_normal(0, 1, -0.5, 1)
    assert neg.change == pytest.approx(-1.5 * stats.norm.pdf(1) / stats.norm.sf(1))
    zero = et.rtm.expected_rtm_normal(0, 1, 0.0, 1, n_baseline=2)
    assert zero.expected_after == pytest.approx(0, abs=1e-12)
    with pytest.raises(ParameterError, match=r"With n_baseline=2 the correlation r .* Got -0.01"):
        et.rtm.expected_rtm_normal(0, 1, -0.01, 1, n_baseline=2)


@pytest.mark.parametrize("kwargs,match", [
    (dict(tail="middle"), r"'tail' parameter of expected_rtm_normal"),
    (dict(cutoff=(2.0, 1.0), tail="both"), r"pair of finite numbers \(low, high\) with low < "
                                           r"high when tail='both'. Got \(2.0, 1.0\)"),
    (dict(cutoff=(1.0, 1.0), tail="both"), r"low < high"),
    (dict(cutoff=(1.0, 2.0, 3.0), tail="both"), r"pair"),
    (dict(cutoff=(True, 2.0), tail="both"), r"pair"),
    (dict(cutoff=("a", 2.0), tail="both"), r"pair"),
    (dict(cutoff=1.0, tail="both"), r"pair"),
    (dict(r=-1.01), r"'r' parameter"),
    (dict(sd=-1.0), r"'sd' parameter"),
    (dict(n=3), r"'n' parameter of expected_rtm_normal must be an int in \[4, inf\)"),
    (dict(n=100, n_sim=99), r"'n_sim' parameter"),
    (dict(n=100, n_sim=10_000_001), r"'n_sim' parameter"),
    (dict(n=100, n_sim=200.5), r"'n_sim' parameter"),
], ids=["tail", "pair-order", "pair-equal", "triple", "bool", "text", "scalar", "r-low",
        "sd-neg", "n-3", "n_sim-99", "n_sim-huge", "n_sim-float"])
def test_bad_input(kwargs, match):
    args = dict(mean=0.0, sd=1.0, r=0.5, cutoff=1.0) | kwargs
    with pytest.raises(ParameterError, match=match):
        et.rtm.expected_rtm_normal(**args)


def test_limits_of_the_inputs_that_are_allowed():
    """r = -1 and r = 1 are allowed; n = 4 and n_sim = 100 (and 10,000,000) are the smallest
    (largest) accepted; a pair of integers is a valid two-sided cut-off."""
    assert et.rtm.expected_rtm_normal(0, 1, 1.0, 1).change == 0
    assert et.rtm.expected_rtm_normal(0, 1, -1.0, 1).change == pytest.approx(
        -2 * stats.norm.pdf(1) / stats.norm.sf(1))
    est = et.rtm.expected_rtm_normal(0, 1, 0.5, 1, n=4, n_sim=100, random_state=1)
    assert len(est.draws) <= 100
    both = et.rtm.expected_rtm_normal(0, 1, 0.5, (-1, 1), tail="both")
    assert both.selected_mean == pytest.approx(0, abs=1e-12)
    assert et.rtm.expected_rtm_normal(0, 1, 0.5, (np.int64(-2), 1.5), tail="both").change \
        == pytest.approx(-0.5 * (truncated_mean(0, 1, -2, 1.5)))


def test_cutoff_that_nobody_passes():
    """At z = 37 the upper tail holds about 6e-300 (still computable); at z = 38, 3e-316:
    below the 1e-300 floor."""
    far = et.rtm.expected_rtm_normal(0, 1, 0.5, 37.0)
    assert far.selected_mean == pytest.approx(37.027, abs=1e-3)
    with pytest.raises(ParameterError, match=r"so extreme that nobody"):
        et.rtm.expected_rtm_normal(0, 1, 0.5, 38.0)
    with pytest.raises(ParameterError, match=r"so extreme that nobody"):
        et.rtm.expected_rtm_normal(0, 1, 0.5, -38.0, tail="lower")


def changes_from_draws(mean, sd, r, n, n_sim, seed, cutoff, n_baseline=1, tail="upper"):
    """The documented sampling model of the inputs, drawn in the documented order: mean
    ~ N(mean, sd^2 / n); sd ~ sd sqrt(chi2(n - 1) / (n - 1)); Fisher's z of r ~ N(atanh r,
    1 / (n - 3)) with r kept within +/- 0.999999 so its z is finite; the change of each draw
    from the truncated-normal mean (upper or lower tail)."""
    rng = np.random.default_rng(seed)
    means = rng.normal(mean, sd / np.sqrt(n), n_sim)
    sds = sd * np.sqrt(rng.chisquare(n - 1, n_sim) / (n - 1))
    rs = np.tanh(rng.normal(np.arctanh(np.clip(r, -0.999999, 0.999999)), 1 / np.sqrt(n - 3),
                            n_sim))
    if n_baseline > 1:
        rs = np.clip(rs, 0, 1)
    s_b2, s_w2 = rs * sds**2, (1 - rs) * sds**2 / n_baseline
    sd_n = np.sqrt(s_b2 + s_w2)
    z = (cutoff - means) / sd_n
    if tail == "upper":
        selected = means + sd_n * stats.norm.pdf(z) / stats.norm.sf(z)
    else:
        selected = means - sd_n * stats.norm.pdf(z) / stats.norm.cdf(z)
    return (s_b2 / (s_b2 + s_w2) - 1) * (selected - means)


@pytest.mark.parametrize("n,n_baseline,r,tail,cutoff", [
    (12, 1, 0.5, "upper", 12.0), (40, 3, 0.1, "upper", 12.0), (30, 1, -1.0, "upper", 12.0),
    (25, 1, 0.4, "lower", 8.5)], ids=["upper", "n_baseline", "r-minus-one", "lower"])
def test_simulated_draws_follow_the_documented_sampling_model(n, n_baseline, r, tail, cutoff):
    est = et.rtm.expected_rtm_normal(10.0, 2.0, r, cutoff, n=n, n_sim=400, random_state=5,
                                     n_baseline=n_baseline, tail=tail)
    expected = changes_from_draws(10.0, 2.0, r, n, 400, 5, cutoff, n_baseline, tail)
    np.testing.assert_allclose(est.draws, expected, rtol=1e-9)
    assert (est.ci_low, est.ci_high) == pytest.approx(tuple(np.quantile(expected,
                                                                        [0.025, 0.975])))
    t = est.tidy()
    assert t.loc[0, "std_error"] == pytest.approx(np.std(expected, ddof=1), rel=1e-9)
    assert t.loc[0, "n"] == n
    assert (t.loc[0, "conf_low"], t.loc[0, "conf_high"]) == pytest.approx(
        (est.ci_low, est.ci_high))
    lo90, hi90 = np.quantile(expected, [0.05, 0.95])
    assert est.conf_int(0.9).iloc[0].tolist() == pytest.approx([lo90, hi90])
    assert est.inputs["n"] == n


def test_simulated_interval_covers_the_true_change():
    """Seeded coverage simulation (seed 2024): 1,000 samples of 200 people from a bivariate
    normal (mu 100, sd 15, r 0.6), mean and SD estimated from the baseline measurements and
    r from the pairs; the 95% interval (1,000 draws each) should cover the true change of a
    group above 120 in 93-97% of samples (about +/- 2.9 binomial SEs of 0.69 points)."""
    mu, sd, r, cutoff, n = 100.0, 15.0, 0.6, 120.0, 200
    truth = et.rtm.expected_rtm_normal(mu, sd, r, cutoff).change
    rng = np.random.default_rng(2024)
    hits = 0
    for i in range(1000):
        x1 = rng.standard_normal(n)
        x2 = r * x1 + np.sqrt(1 - r**2) * rng.standard_normal(n)
        est = et.rtm.expected_rtm_normal(mu + sd * x1.mean(), sd * x1.std(ddof=1),
                                         np.corrcoef(x1, x2)[0, 1], cutoff, n=n, n_sim=1000,
                                         random_state=i)
        hits += est.ci_low <= truth <= est.ci_high
    assert 0.93 <= hits / 1000 <= 0.97


def test_simulation_options_without_n_are_named():
    with pytest.warns(DataWarning, match=r"n_sim=500 ignored"):
        et.rtm.expected_rtm_normal(0, 1, 0.5, 1, n_sim=500)
    with pytest.warns(DataWarning, match=r"random_state=3 ignored"):
        et.rtm.expected_rtm_normal(0, 1, 0.5, 1, random_state=3)
    with pytest.warns(DataWarning, match=r"expected_rtm_normal: n_sim=500, random_state=3 "
                                         r"ignored"):
        et.rtm.expected_rtm_normal(0, 1, 0.5, 1, n_sim=500, random_state=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = et.rtm.expected_rtm_normal(0, 1, 0.5, 1, n_sim=2000, random_state=None)
    assert est.draws is None and est.ci_low is None
    assert np.isnan(est.tidy().loc[0, "std_error"]) and np.isnan(est.tidy().loc[0, "n"])


# --- solve_rtm_normal ------------------------------------------------------------------

@pytest.mark.parametrize("tail,cutoff", [("upper", 150.0), ("lower", 112.0)])
def test_solve_for_r_inverts_the_closed_form(tail, cutoff):
    """change = -(1 - r) (selected - mu), so r = 1 - change / (mu - selected)."""
    selected = truncated_mean(MU, SD, *((None, cutoff) if tail == "upper" else (cutoff, None)))
    for r in (0.2, 0.7, -0.4):
        change = -(1 - r) * (selected - MU)
        got = et.rtm.solve_rtm_normal(change, MU, SD, cutoff=cutoff, tail=tail)
        assert got == pytest.approx(r, abs=1e-10)


@pytest.mark.parametrize("tail,cutoff", [("upper", 150.0), ("lower", 112.0), ("upper", 120.0)])
def test_solve_for_the_cutoff(tail, cutoff):
    change = et.rtm.expected_rtm_normal(MU, SD, 0.3, cutoff, tail=tail).change
    got = et.rtm.solve_rtm_normal(change, MU, SD, r=0.3, tail=tail)
    assert got == pytest.approx(cutoff, abs=1e-7)


def test_solver_limits():
    """No correlation >= -1 gives a fall of more than 2 (selected - mu); no cut-off within
    8 SDs gives a fall above about 0.5 C(8) = 4.06 when r = 0.5 (C the inverse Mills ratio);
    4.0 is reached at a cut-off near 7.88 SDs."""
    sel = truncated_mean(0, 1, None, 1.0)
    assert et.rtm.solve_rtm_normal(-2 * sel, 0, 1, cutoff=1.0) == pytest.approx(-1)
    with pytest.raises(ParameterError, match=r"No correlation in \[-1, 1\] gives a change"):
        et.rtm.solve_rtm_normal(-2 * sel - 0.01, 0, 1, cutoff=1.0)
    c = et.rtm.solve_rtm_normal(-4.0, 0, 1, r=0.5)
    assert 0.5 * (truncated_mean(0, 1, None, c)) == pytest.approx(4.0, abs=1e-8)
    assert 7.8 < c < 8
    with pytest.raises(ParameterError, match=r"No cut-off within 8 SDs of the mean gives a "
                                             r"change of -4.3 with r=0.5"):
        et.rtm.solve_rtm_normal(-4.3, 0, 1, r=0.5)
    with pytest.raises(ParameterError, match=r"'r' parameter of solve_rtm_normal"):
        et.rtm.solve_rtm_normal(-0.5, 0, 1, r=1.0)
    c = et.rtm.solve_rtm_normal(-0.5, 0, 1, r=-1.0)  # r = -1 allowed: -2 (sel - mu) = -0.5
    assert truncated_mean(0, 1, None, c) == pytest.approx(0.25, abs=1e-8)
    with pytest.raises(ParameterError, match=r"regresses up; a change of -0.5 cannot come"):
        et.rtm.solve_rtm_normal(-0.5, 0, 1, cutoff=-1.0, tail="lower")
    with pytest.raises(ParameterError, match=r"regresses down; a change of 0.5"):
        et.rtm.solve_rtm_normal(0.5, 0, 1, cutoff=1.0)
    assert et.rtm.solve_rtm_normal(0.0, 0, 1, cutoff=1.0) == 1.0
    with pytest.raises(ParameterError, match=r"exactly one of 'r' and 'cutoff'"):
        et.rtm.solve_rtm_normal(-0.5, 0, 1)
    with pytest.raises(ParameterError, match=r"exactly one of 'r' and 'cutoff'"):
        et.rtm.solve_rtm_normal(-0.5, 0, 1, r=0.5, cutoff=1.0)
    with pytest.raises(ParameterError, match=r"'tail' parameter of solve_rtm_normal"):
        et.rtm.solve_rtm_normal(-0.5, 0, 1, cutoff=1.0, tail="both")
    with pytest.raises(ParameterError, match=r"'mean' parameter of solve_rtm_normal"):
        et.rtm.solve_rtm_normal(-0.5, np.nan, 1, cutoff=1.0)
    with pytest.raises(ParameterError, match=r"'sd' parameter of solve_rtm_normal"):
        et.rtm.solve_rtm_normal(-0.5, 0, 0.0, cutoff=1.0)


def test_simulated_populations_where_nobody_passes_are_dropped_quietly():
    """With n = 5 the simulated SDs vary widely, so a cut-off of 30 SDs leaves many draws
    with no one selected (a tail mass of exactly 0, some with a density still above 0):
    they are dropped without numpy warnings, and the rest are kept."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = et.rtm.expected_rtm_normal(0, 1, 0.5, 30.0, n=5, n_sim=200_000, random_state=0)
    assert 0 < len(est.draws) < 200_000 and np.isfinite(est.draws).all()
