from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import evaltools as et
from evaltools.exceptions import EvaltoolsInputError, ParameterError

REFERENCE = Path(__file__).parent / "reference"


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


def test_e_value_documented_examples_of_the_evalue_package():
    """EValue 4.1.4 vignette 'E-values for unmeasured confounding' (VanderWeele, Ding,
    Mathur): evalues.RR(10.73, 8.02, 14.36) gives 20.94777 and 15.52336;
    evalues.RR(0.80, 0.71, 0.91) gives 1.809017 and 1.428571 (upper limit)."""
    smoking = et.sensitivity.e_value(10.73, 8.02, 14.36)
    assert smoking.e_estimate == pytest.approx(20.94777, abs=5e-6)
    assert smoking.e_limit == pytest.approx(15.52336, abs=5e-6)
    leukaemia = et.sensitivity.e_value(0.80, 0.71, 0.91)
    assert leukaemia.e_estimate == pytest.approx(1.809017, abs=5e-7)
    assert leukaemia.e_limit == pytest.approx(1.428571, abs=5e-7)


def test_e_value_against_a_non_null_true_effect():
    """EValue vignette: summary(evalues.RR(est = 2.5, true = 1.5)) is 2.720759. Closed form
    (VanderWeele & Ding 2017, eq. for a non-null true RR): (RR + sqrt(RR (RR - true))) / true."""
    e = et.sensitivity.e_value(2.5, true=1.5)
    assert e.e_estimate == pytest.approx(2.720759, abs=5e-7)
    assert e.e_estimate == pytest.approx((2.5 + np.sqrt(2.5 * 1.0)) / 1.5)
    assert "true risk ratio of 1.5" in e.reading
    # A protective estimate against a protective truth: invert both (EValue's threshold).
    e = et.sensitivity.e_value(0.5, 0.3, 0.7, true=0.8)
    assert e.e_estimate == pytest.approx((2 + np.sqrt(2 * (2 - 1.25))) / 1.25)
    assert e.e_limit == pytest.approx((1 / 0.7 + np.sqrt(1 / 0.7 * (1 / 0.7 - 1.25))) / 1.25)
    # The interval reaches the true value: its E-value is 1.
    assert et.sensitivity.e_value(2.5, 1.4, 3.0, true=1.5).e_limit == 1.0
    # The truth beyond the estimate (away from the null): ratio true/RR.
    far = et.sensitivity.e_value(1.2, true=2.0)
    ratio = 2.0 / 1.2
    assert far.e_estimate == pytest.approx(ratio + np.sqrt(ratio * (ratio - 1)))


def test_e_value_common_outcome_hazard_ratio_is_converted():
    """EValue's documented example evalues.HR(0.56, 0.46, 0.69, rare = FALSE) converts each
    HR with toRR.HR, RR = (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)) (VanderWeele 2020,
    Biometrics 76:746), then computes the E-value of the RR. Hand computation below."""
    def to_rr(hr):
        return (1 - 0.5 ** np.sqrt(hr)) / (1 - 0.5 ** np.sqrt(1 / hr))

    def e(rr):
        rr = 1 / rr
        return rr + np.sqrt(rr * (rr - 1))

    common = et.sensitivity.e_value(0.56, 0.46, 0.69, kind="hr", rare=False)
    assert to_rr(0.56) == pytest.approx(0.6701, abs=1e-4)
    assert common.rr == pytest.approx(to_rr(0.56))
    assert common.e_estimate == pytest.approx(e(to_rr(0.56)))
    assert common.e_estimate == pytest.approx(2.3496, abs=1e-4)
    assert common.e_limit == pytest.approx(e(to_rr(0.69)))
    rare = et.sensitivity.e_value(0.56, 0.46, 0.69, kind="hr", rare=True)
    assert rare.e_estimate == pytest.approx(e(0.56))
    assert common.e_estimate < rare.e_estimate


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


def _reference():
    return pd.read_csv(REFERENCE / "rosenbaum_reference.csv")


LEAD = np.array([1, -3, 14, 23, -6, 42, 22, 5, 18, 47, 6, 36, 25, 30, 25, 16, 32, 16, 60, 17,
                 15, 9, 4, 1, 23, 0, 25, 13, 2, 7, 14, -9, -3], float)
TIES = np.array([0, 0, 1.5, -1.5, 2, 2, 3, -0.5, 4, 0, 5, 2, -2, 6, 7, 1.5])


@pytest.mark.parametrize("name,d", [("lead", LEAD), ("ties", TIES)], ids=["lead", "ties"])
def test_rosenbaum_bounds_match_rosenbaums_and_keeles_code(name, d):
    """Reference: tests/effects/reference/make_rosenbaum_reference.R. Zero differences kept
    (default) agree with DOS2::senWilcox (Rosenbaum, which reproduces Tables 4.3-4.4 of
    Observational Studies, 2002: lead example of Morton et al. 1982, Gamma = 2 gives 0.0018,
    Gamma = 4 gives 0.0388); dropped agree with rbounds::psens (Keele), printed to 4 dp."""
    ref = _reference().query("data == @name")
    keep = et.sensitivity.rosenbaum_bounds(d, gammas=ref.gamma.tolist()).summary()
    drop = et.sensitivity.rosenbaum_bounds(d, gammas=ref.gamma.tolist(), zeros="drop").summary()
    np.testing.assert_allclose(keep["p_upper"], ref.keep_upper, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(drop["p_upper"], ref.drop_upper, atol=5.1e-5)


def test_rosenbaum_published_lead_example_values():
    """The lead example of Rosenbaum (2002, section 4.3): DOS2's documentation says senWilcox
    reproduces parts of that book's Tables 4.3 and 4.4 on these pairs; its upper bounds,
    rounded to 4 dp, are 0.0018 (Gamma 2), 0.0468 (4.25) and 0.0740 (5), so significance
    at 0.05 is lost between Gamma 4.25 and 5."""
    rb = et.sensitivity.rosenbaum_bounds(LEAD, gammas=[2, 4.25, 5])
    assert rb.summary()["p_upper"].round(4).tolist() == [0.0018, 0.0468, 0.0740]
    assert rb.gamma_lost == 5.0
    assert rb.meta["options"]["n_zero"] == 1


def test_rosenbaum_gamma_one_with_zeros_is_pratts_signed_rank_test():
    """At Gamma = 1 the kept-zeros bound is the signed-rank test with Pratt's (1959)
    treatment of zeros, as scipy computes it (normal approximation, no continuity
    correction)."""
    scipy_p = stats.wilcoxon(TIES, alternative="greater", zero_method="pratt",
                             method="approx", correction=False).pvalue
    rb = et.sensitivity.rosenbaum_bounds(TIES, gammas=[1])
    assert rb.summary().loc[1.0, "p_upper"] == pytest.approx(scipy_p, rel=1e-9)


def test_rosenbaum_results_have_no_standard_errors():
    rb = et.sensitivity.rosenbaum_bounds(LEAD, gammas=[1])
    with pytest.raises(ParameterError, match="no estimates with standard errors"):
        rb.tidy()
    with pytest.raises(ParameterError, match="no estimates with standard errors"):
        et.sensitivity.e_value(2.0).conf_int()


@pytest.mark.parametrize("kwargs,match", [
    (dict(estimate=-2), r"'estimate' parameter of e_value must be a float in \(0, inf\)"),
    (dict(estimate=np.inf), r"'estimate' parameter of e_value .* Got inf"),
    (dict(estimate=np.nan), r"'estimate' parameter of e_value .* Got nan"),
    (dict(estimate=1.5, upper=np.inf), r"'upper' parameter of e_value .* Got inf"),
    (dict(estimate=1.5, lower=np.nan), r"'lower' parameter of e_value .* Got nan"),
    (dict(estimate=1.5, true=np.inf), r"'true' parameter of e_value .* Got inf"),
    (dict(estimate=1.5, true=0), r"'true' parameter of e_value .* Got 0"),
    (dict(estimate=0.5, kind="smd", true=-np.inf), r"'true' parameter of e_value"),
    (dict(estimate=1.5, lower=2, upper=1), "lower 2 above upper 1"),
    (dict(estimate=3.0, lower=1, upper=2), "estimate 3.0 lies outside its confidence interval"),
    (dict(estimate=1.5, kind="or", rare="no"), r"'rare' parameter of e_value must be True or "
                                               r"False. Got 'no' \(str\)"),
    (dict(estimate=1.5, kind="hr", rare="False"), r"'rare' parameter .* Got 'False'"),
    (dict(estimate=1.5, kind="logit"), r"'kind' parameter of e_value must be one of"),
], ids=["negative", "inf", "nan", "inf-upper", "nan-lower", "inf-true", "zero-true",
        "smd-inf-true", "swapped", "outside", "rare-no", "rare-False", "kind"])
def test_e_value_bad_input(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        et.sensitivity.e_value(**kwargs)


@pytest.mark.parametrize("args,kwargs,match", [
    ([[1.0, 2.0]], dict(gammas=[0.5]), r"'gammas' parameter .* \[1, inf\)"),
    ([[1.0, 2.0]], dict(gammas=[np.inf]), r"'gammas' parameter .* Got inf"),
    ([[1.0, 2.0]], dict(gammas=[]), r"'gammas' .* at least one"),
    ([[1.0, 2.0]], dict(zeros="ignore"), r"'zeros' parameter of rosenbaum_bounds must be one"),
    ([[1.0, 2.0]], dict(alpha=1.5), r"'alpha' parameter of rosenbaum_bounds"),
    ([[1.0, np.nan, np.inf, 2.0]], {}, r"1 missing and 1 infinite value\(s\), at positions "
                                       r"\[1, 2\]"),
    ([[0.0, 0.0]], {}, "All 2 pair differences are zero"),
    ([[]], {}, "non-empty 1-D array"),
    ([["a", "b"]], {}, "numeric pair differences"),
], ids=["gamma-below-1", "gamma-inf", "no-gamma", "zeros", "alpha", "nan-inf", "all-zero",
        "empty", "strings"])
def test_rosenbaum_bad_input(args, kwargs, match):
    with pytest.raises(EvaltoolsInputError, match=match):
        et.sensitivity.rosenbaum_bounds(*args, **kwargs)


def test_rosenbaum_from_a_match_result_refuses_missing_outcomes():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=200)})
    df["treated"] = (rng.random(200) < 0.3).astype(int)
    df["y"] = df.x + rng.normal(size=200)
    m = et.match(df, "treated", ["x"])
    m.data.loc[m.pairs.treated_id.iloc[0], "y"] = np.inf
    with pytest.raises(EvaltoolsInputError, match=r"Column 'y' .* 0 missing and 1 infinite"):
        et.sensitivity.rosenbaum_bounds(m, "y")
    with pytest.raises(EvaltoolsInputError, match="no column 'z'"):
        et.sensitivity.rosenbaum_bounds(m, "z")


def test_options_that_change_nothing_are_reported():
    from evaltools.exceptions import DataWarning

    with pytest.warns(DataWarning, match=r"rare=False is ignored for kind='rr'"):
        ignored = et.sensitivity.e_value(1.5, rare=False)
    assert ignored.e_estimate == et.sensitivity.e_value(1.5).e_estimate
    with pytest.warns(DataWarning, match=r"outcome='y' is ignored: the first argument is "
                                         r"already the pair differences"):
        et.sensitivity.rosenbaum_bounds(LEAD, "y", gammas=[1])


def test_gamma_grid_is_bounded():
    with pytest.raises(ParameterError, match=r"'gammas' parameter of rosenbaum_bounds lists "
                                             r"20,000 values; the limit is 10,000"):
        et.sensitivity.rosenbaum_bounds(LEAD, gammas=np.linspace(1, 5, 20_000))


def test_rosenbaum_warns_when_too_few_pairs_could_ever_be_significant():
    from evaltools.exceptions import DataWarning
    # One pair: the exact signed-rank p-value is at least 0.5^1 = 0.5 > 0.05.
    with pytest.warns(DataWarning, match=r"only 1 non-zero pair difference.*0\.5\^1 = 0\.5"):
        et.sensitivity.rosenbaum_bounds(np.array([0.4]))


def test_rosenbaum_with_enough_pairs_does_not_warn(recwarn):
    # 0.5^5 = 0.031 < 0.05: five pairs all favouring treatment could be significant.
    et.sensitivity.rosenbaum_bounds(np.array([0.4, 1.0, 0.2, 0.7, 1.5]))
    from evaltools.exceptions import DataWarning
    assert not [w for w in recwarn if issubclass(w.category, DataWarning)]


def test_rosenbaum_refuses_durations_as_differences():
    with pytest.raises(EvaltoolsInputError, match="real-number pair differences"):
        et.sensitivity.rosenbaum_bounds(pd.to_timedelta(np.arange(1, 30), unit="D"))


def test_rosenbaum_refuses_the_treatment_column_as_outcome():
    rng = np.random.default_rng(7)
    df = pd.DataFrame({"treated": np.r_[np.ones(20), np.zeros(40)].astype(int),
                       "age": rng.normal(70, 5, 60), "y": rng.normal(0, 1, 60)})
    m = et.match(df, treatment="treated", covariates=["age"], random_state=1)
    with pytest.raises(ParameterError, match=r"'outcome' parameter of rosenbaum_bounds is "
                                             "'treated', the treatment column"):
        et.sensitivity.rosenbaum_bounds(m, "treated")


@pytest.mark.parametrize("estimate, kind", [(5e-324, "rr"), (1e300, "smd")])
def test_e_value_too_extreme_to_compute_is_refused(estimate, kind):
    with pytest.raises(ParameterError, match=r"'estimate' parameter of e_value is too extreme"):
        et.sensitivity.e_value(estimate, kind=kind)


def test_rosenbaum_refuses_a_2d_gamma_grid():
    with pytest.raises(ParameterError, match=r"'gammas' parameter of rosenbaum_bounds must be "
                                             r"a flat list.*\(2, 2\)"):
        et.sensitivity.rosenbaum_bounds(np.arange(1.0, 30.0), gammas=np.ones((2, 2)))


def test_rosenbaum_refuses_a_complex_outcome_column():
    from evaltools.exceptions import SchemaError
    rng = np.random.default_rng(7)
    df = pd.DataFrame({"treated": np.r_[np.ones(20), np.zeros(40)].astype(int),
                       "age": rng.normal(70, 5, 60), "y": rng.normal(0, 1, 60).astype(complex)})
    m = et.match(df, treatment="treated", covariates=["age"], random_state=1)
    with pytest.raises(SchemaError, match=r"Column 'y' of the matched data holds complex"):
        et.sensitivity.rosenbaum_bounds(m, "y")
