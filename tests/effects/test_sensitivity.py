import numpy as np
import pytest
from scipy import stats

import evaltools as et
from evaltools.exceptions import ParameterError


def test_e_value_published_example():
    """VanderWeele & Ding (2017), Ann Intern Med 167:268: RR 3.9 (95% CI 1.8 to 8.7) gives
    E-values 7.26 for the estimate and 3.00 for the lower limit."""
    e = et.sensitivity.e_value(3.9, 1.8, 8.7)
    assert e.e_estimate == pytest.approx(7.26, abs=0.005)
    assert e.e_limit == pytest.approx(3.00, abs=0.005)
    assert "7.26" in e.reading


def test_e_value_protective_and_null_including_intervals():
    e = et.sensitivity.e_value(0.5, 0.3, 0.8)
    assert e.e_estimate == pytest.approx(2 + np.sqrt(2))  # invert 0.5 -> 2
    assert e.e_limit == pytest.approx(1.25 + np.sqrt(1.25 * 0.25))
    assert et.sensitivity.e_value(1.3, 0.9, 1.8).e_limit == 1.0


def test_e_value_conversions():
    assert et.sensitivity.e_value(0.5, kind="smd").e_estimate == pytest.approx(
        et.sensitivity.e_value(np.exp(0.455)).e_estimate)
    assert et.sensitivity.e_value(4.0, kind="or", rare=False).e_estimate == pytest.approx(
        2 + np.sqrt(2))


def test_rosenbaum_gamma_one_is_the_wilcoxon_test():
    d = np.random.default_rng(1).normal(0.4, 1, 60)
    rb = et.sensitivity.rosenbaum_bounds(d, gammas=[1])
    scipy_p = stats.wilcoxon(d, alternative="greater", method="approx", correction=False).pvalue
    assert rb.summary().loc[1.0, "p_upper"] == pytest.approx(scipy_p, rel=1e-9)
    assert rb.summary().loc[1.0, "p_lower"] == pytest.approx(scipy_p, rel=1e-9)


def test_rosenbaum_upper_bound_matches_simulated_worst_case():
    """Under Gamma = 2 the worst case makes each pair's sign positive with probability 2/3;
    the normal-approximation bound agrees with 200,000 simulated statistics (seed 2) to 0.01."""
    d = np.random.default_rng(5).normal(0.3, 1, 40)
    rb = et.sensitivity.rosenbaum_bounds(d, gammas=[2])
    ranks = stats.rankdata(np.abs(d))
    t_obs = ranks[d > 0].sum()
    signs = np.random.default_rng(2).random((200_000, len(d))) < 2 / 3
    sims = (signs * ranks).sum(axis=1)
    assert rb.summary().loc[2.0, "p_upper"] == pytest.approx((sims >= t_obs).mean(), abs=0.01)


def test_rosenbaum_bounds_widen_with_gamma_and_read_plainly():
    d = np.random.default_rng(3).normal(0.5, 1, 80)
    rb = et.sensitivity.rosenbaum_bounds(d)
    t = rb.summary()
    assert t.p_upper.is_monotonic_increasing and t.p_lower.is_monotonic_decreasing
    assert "times as likely" in rb.reading or "every Gamma" in rb.reading


def test_rosenbaum_from_a_match_result():
    rng = np.random.default_rng(0)
    import pandas as pd

    df = pd.DataFrame({"x": rng.normal(size=300)})
    df["treated"] = (rng.random(300) < 0.3).astype(int)
    df["y"] = df.x + 1.0 * df.treated + rng.normal(size=300)
    m = et.match(df, "treated", ["x"])
    rb = et.sensitivity.rosenbaum_bounds(m, "y", gammas=[1, 3])
    assert rb.summary().loc[1.0, "p_upper"] < 0.001


def test_bad_input():
    with pytest.raises(ParameterError, match=r"'estimate' parameter of e_value"):
        et.sensitivity.e_value(-2)
    with pytest.raises(ParameterError, match="lower 2 above upper 1"):
        et.sensitivity.e_value(1.5, 2, 1)
    with pytest.raises(ParameterError, match=r"'gammas' parameter .* \[1, inf\)"):
        et.sensitivity.rosenbaum_bounds([1.0, 2.0], gammas=[0.5])
