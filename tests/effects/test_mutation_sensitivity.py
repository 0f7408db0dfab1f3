"""E-values and Rosenbaum bounds: options, boundaries and reported fields, each case built so
that a one-line slip in evaltools/sensitivity.py gives a different number.

Independent values: the closed forms of VanderWeele & Ding (2017) computed here; the EValue
vignette numbers already cited in test_sensitivity.py; the DOS2 senWilcox / rbounds psens
reference in tests/effects/reference/rosenbaum_reference.csv; and the signed-rank statistic
worked out directly from ranks.
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import evaltools as et
from evaltools.exceptions import DataWarning, EvaltoolsInputError, ParameterError, SchemaError

S = et.sensitivity
REFERENCE = Path(__file__).parent / "reference" / "rosenbaum_reference.csv"
LEAD = np.array([1, -3, 14, 23, -6, 42, 22, 5, 18, 47, 6, 36, 25, 30, 25, 16, 32, 16, 60, 17,
                 15, 9, 4, 1, 23, 0, 25, 13, 2, 7, 14, -9, -3], float)


def e_closed(rr, true=1.0):
    """VanderWeele & Ding's E-value, written out independently (ratios below 1 inverted)."""
    if rr < 1:
        rr, true = 1 / rr, 1 / true
    if rr >= true:
        return (rr + np.sqrt(rr * (rr - true))) / true
    q = true / rr
    return q + np.sqrt(q * (q - 1))


# ---------------------------------------------------------------- E-values


def test_e_value_fields_summary_meta_and_reading():
    e = S.e_value(3.9, 1.8, 8.7)
    assert (e.estimate, e.kind, e.true, e.rr) == (3.9, "rr", 1.0, 3.9)
    assert e.meta["options"] == dict(kind="rr", rare=True, lower=1.8, upper=8.7, true=1.0)
    s = e.summary()
    assert list(s.index) == ["point estimate", "confidence limit"]
    assert list(s.columns) == ["E-value"]
    assert s["E-value"].tolist() == pytest.approx([e_closed(3.9), e_closed(1.8)])
    assert e.reading == ("To explain away the estimate, an unmeasured confounder would need a "
                         "risk ratio of at least 7.26 with both treatment and outcome, beyond "
                         "the measured covariates; to move the confidence interval to include "
                         "it, 3.00.")
    assert e.reading in "\n".join(e._notes())
    bare = S.e_value(2.5, true=1.5)
    assert bare.e_limit is None and np.isnan(bare.summary().loc["confidence limit", "E-value"])
    assert str(bare.summary()["E-value"].dtype) == "float64"
    assert bare.reading == ("To move the estimate to a true risk ratio of 1.5, an unmeasured "
                            "confounder would need a risk ratio of at least 2.72 with both "
                            "treatment and outcome, beyond the measured covariates.")


def test_odds_and_hazard_ratios_of_a_rare_outcome_are_used_as_risk_ratios():
    for kind in ("or", "hr"):
        e = S.e_value(4.0, 2.0, 8.0, kind=kind)
        assert e.rr == 4.0
        assert e.e_estimate == pytest.approx(e_closed(4.0))
        assert e.e_limit == pytest.approx(e_closed(2.0))
        p = S.e_value(0.25, 0.125, 0.5, kind=kind)
        assert p.e_limit == pytest.approx(e_closed(0.5))
        assert p.meta["options"]["kind"] == kind


def test_common_outcome_odds_ratio_converts_limits_and_true_value():
    e = S.e_value(4.0, 2.25, 9.0, kind="or", rare=False, true=1.21)
    assert e.rr == pytest.approx(2.0) and e.true == pytest.approx(1.1)
    assert e.e_estimate == pytest.approx(e_closed(2.0, 1.1))
    assert e.e_limit == pytest.approx(e_closed(1.5, 1.1))
    assert e.meta["options"]["rare"] is False and e.meta["options"]["true"] == 1.21
    # Protective: the upper limit is converted (sqrt(0.64) = 0.8).
    p = S.e_value(0.25, 0.16, 0.64, kind="or", rare=False)
    assert p.e_limit == pytest.approx(e_closed(0.8))


def test_common_outcome_hazard_ratio_conversion_of_the_upper_limit():
    def to_rr(hr):
        return (1 - 0.5 ** np.sqrt(hr)) / (1 - 0.5 ** np.sqrt(1 / hr))

    e = S.e_value(2.0, 1.5, 3.0, kind="hr", rare=False)
    assert e.rr == pytest.approx(to_rr(2.0))
    assert e.e_limit == pytest.approx(e_closed(to_rr(1.5)))
    p = S.e_value(0.5, 0.3, 0.9, kind="hr", rare=False)
    assert p.e_limit == pytest.approx(e_closed(to_rr(0.9)))


def test_standardised_mean_difference_scale_and_default_true_value():
    e = S.e_value(0.5, 0.2, 0.8, kind="smd")
    assert e.rr == pytest.approx(np.exp(0.455)) and e.true == 1.0
    assert e.e_limit == pytest.approx(e_closed(np.exp(0.91 * 0.2)))
    # Negative differences are allowed and mirror positive ones.
    neg = S.e_value(-0.5, -0.8, -0.2, kind="smd")
    assert neg.e_estimate == pytest.approx(e.e_estimate)
    assert neg.e_limit == pytest.approx(e.e_limit)
    shifted = S.e_value(0.5, kind="smd", true=0.2)
    assert shifted.e_estimate == pytest.approx(e_closed(np.exp(0.455), np.exp(0.182)))


def test_no_effect_estimate_and_one_sided_intervals():
    # The estimate is the true value: its interval E-value is 1, whichever limit is given.
    assert S.e_value(1.0, 0.8).e_limit == 1.0
    assert S.e_value(1.0, upper=1.2).e_limit == 1.0
    assert S.e_value(1.0, 0.8, 1.2).e_limit == 1.0
    assert S.e_value(1.0).e_limit is None
    assert S.e_value(1.0).e_estimate == 1.0
    # Only the limit on the side of the truth matters.
    assert S.e_value(2.0, upper=3.0).e_limit is None
    assert S.e_value(0.5, 0.3).e_limit is None
    assert S.e_value(2.0, 1.5).e_limit == pytest.approx(e_closed(1.5))
    assert S.e_value(0.5, upper=0.8).e_limit == pytest.approx(e_closed(0.8))


def test_interval_limits_exactly_at_the_true_value():
    # A limit equal to the truth gives 1, as does one beyond it; one just inside does not.
    assert S.e_value(2.0, 1.0, 3.0).e_limit == pytest.approx(1.0)
    assert S.e_value(0.5, 0.3, 1.0).e_limit == pytest.approx(1.0)
    assert S.e_value(2.0, 1.001, 3.0).e_limit == pytest.approx(e_closed(1.001))
    assert S.e_value(2.0, 1.001, 3.0).e_limit > 1.03
    assert S.e_value(2.0, 0.999, 3.0).e_limit == 1.0
    assert S.e_value(0.5, 0.3, 1.001).e_limit == 1.0
    assert S.e_value(0.5, 0.3, 0.999).e_limit == pytest.approx(e_closed(0.999))


def test_estimate_equal_to_a_limit_and_a_degenerate_interval_are_accepted():
    assert S.e_value(2.0, 2.0, 3.0).e_limit == pytest.approx(e_closed(2.0))
    assert S.e_value(2.0, 1.0, 2.0).e_estimate == pytest.approx(e_closed(2.0))
    assert S.e_value(2.0, 2.0, 2.0).e_limit == pytest.approx(e_closed(2.0))
    with pytest.raises(ParameterError, match="lower 2.0 above upper 1.9"):
        S.e_value(2.0, 2.0, 1.9)
    with pytest.raises(ParameterError, match="lies outside"):
        S.e_value(2.0, 2.1)
    with pytest.raises(ParameterError, match="lies outside"):
        S.e_value(2.0, upper=1.9)


def test_estimate_zero_and_none_are_refused():
    with pytest.raises(ParameterError, match=r"'estimate' parameter of e_value"):
        S.e_value(0.0)
    with pytest.raises(ParameterError, match=r"'estimate' parameter of e_value"):
        S.e_value(None)
    with pytest.raises(ParameterError, match=r"'lower' parameter of e_value"):
        S.e_value(2.0, 0.0)


def test_threshold_at_and_around_one():
    # At RR = 1 against a truth of 0.5 or 2 the truth lies a factor 2 away: 2 + sqrt(2).
    assert S.e_value(1.0, true=0.5).e_estimate == pytest.approx(2 + np.sqrt(2))
    assert S.e_value(1.0, true=2.0).e_estimate == pytest.approx(2 + np.sqrt(2))
    assert S.e_value(1.5, true=1.5).e_estimate == pytest.approx(1.0)
    assert S.e_value(0.8, true=0.5).e_estimate == pytest.approx(e_closed(0.8, 0.5))


def test_overflow_is_refused_without_a_numpy_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ParameterError, match="too extreme"):
            S.e_value(1e300, kind="smd")
        with pytest.raises(ParameterError, match="too extreme"):
            S.e_value(-1000.0, kind="smd")
        with pytest.raises(ParameterError, match="too extreme"):
            S.e_value(1e200)  # RR (RR - 1) overflows
        with pytest.raises(ParameterError, match="too extreme"):
            S.e_value(-1000.0, kind="smd", true=-1000.0)  # both underflow to 0: inf - inf


def test_rare_false_is_not_reported_for_odds_and_hazard_ratios(recwarn):
    S.e_value(2.0, kind="or", rare=False)
    S.e_value(2.0, kind="hr", rare=False)
    assert not [w for w in recwarn if issubclass(w.category, DataWarning)]
    with pytest.warns(DataWarning, match="kind='smd'"):
        S.e_value(0.3, kind="smd", rare=False)


# ---------------------------------------------------------------- Rosenbaum bounds


def signed_rank_bounds(d, gamma):
    """Rosenbaum (2002, ch. 4) normal approximation, written out with average ranks."""
    d = np.asarray(d, float)
    r = stats.rankdata(np.abs(d)) * (d != 0)
    t = r[d > 0].sum()
    out = []
    for p in (1 / (1 + gamma), gamma / (1 + gamma)):
        z = (t - p * r.sum()) / np.sqrt(p * (1 - p) * (r**2).sum())
        out.append(stats.norm.sf(z))
    return out


def test_table_fields_and_meta():
    ref = pd.read_csv(REFERENCE).query("data == 'lead'")
    rb = S.rosenbaum_bounds(LEAD, gammas=ref.gamma.tolist())
    t = rb.summary()
    assert t.index.name == "gamma" and list(t.columns) == ["p_lower", "p_upper"]
    assert t.index.tolist() == ref.gamma.tolist()
    np.testing.assert_allclose(t.p_upper, ref.keep_upper, rtol=1e-9)
    for g in (1.5, 3.0):
        assert t.loc[g].tolist() == pytest.approx(signed_rank_bounds(LEAD, g), rel=1e-9)
    ranks = stats.rankdata(np.abs(LEAD))
    assert rb.meta["options"] == dict(alternative="greater", zeros="keep", n_pairs=33, n_zero=1,
                                      t_plus=float(ranks[LEAD > 0].sum()))
    assert rb.alpha == 0.05
    drop = S.rosenbaum_bounds(LEAD, gammas=[2], zeros="drop")
    assert drop.meta["options"]["n_pairs"] == 32 and drop.meta["options"]["n_zero"] == 1
    assert drop.summary().loc[2.0].tolist() == pytest.approx(
        signed_rank_bounds(LEAD[LEAD != 0], 2), rel=1e-9)


def test_alternative_less_is_the_mirror_image():
    a = S.rosenbaum_bounds(LEAD, gammas=[1, 2, 4]).summary()
    b = S.rosenbaum_bounds(-LEAD, gammas=[1, 2, 4], alternative="less")
    pd.testing.assert_frame_equal(a, b.summary())
    assert b.meta["options"]["alternative"] == "less"
    # and differs from the one-sided test in the other direction
    c = S.rosenbaum_bounds(LEAD, gammas=[1], alternative="less").summary()
    assert c.loc[1.0, "p_upper"] == pytest.approx(1 - a.loc[1.0, "p_upper"])


def test_gamma_lost_and_reading_at_the_alpha_boundary():
    rb = S.rosenbaum_bounds(LEAD, gammas=[1, 2, 3, 4, 5])
    p3 = float(rb.summary().loc[3.0, "p_upper"])
    # alpha exactly equal to the bound at Gamma = 3: still significant there (p <= alpha).
    at = S.rosenbaum_bounds(LEAD, gammas=[1, 2, 3, 4, 5], alpha=p3)
    assert at.gamma_lost == 4.0
    below = S.rosenbaum_bounds(LEAD, gammas=[1, 2, 3, 4, 5], alpha=np.nextafter(p3, 0))
    assert below.gamma_lost == 3.0
    assert rb.gamma_lost == 5.0
    assert rb.reading == ("The effect stops being significant at 0.05 if an unmeasured factor "
                          "could make one member of a matched pair 5 times as likely as the "
                          "other to be treated.")
    assert rb.reading in "\n".join(rb._notes())
    kept = S.rosenbaum_bounds(LEAD, gammas=[1, 2])
    assert kept.gamma_lost is None
    assert kept.reading == ("The effect stays significant at 0.05 for every Gamma tested: a "
                            "hidden bias would have to be stronger than the largest tried.")
    weak = S.rosenbaum_bounds(np.array([1.0, -2, 3, -4, 5, -6, 7, 0.5]), gammas=[1, 2])
    assert weak.gamma_lost == 1.0
    assert weak.reading == "The effect is not significant even with no hidden bias (Gamma = 1)."
    # lost at a Gamma above the smallest tried, with the grid out of order
    unordered = S.rosenbaum_bounds(LEAD, gammas=[5, 1.5, 4.5])
    assert unordered.gamma_lost == 4.5


def test_too_few_pairs_warning_boundary():
    five = np.array([0.4, 1.0, 0.2, 0.7, 1.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        S.rosenbaum_bounds(five, alpha=0.5**5)  # exactly 0.5^5: attainable, no warning
    with pytest.warns(DataWarning, match=r"only 5 non-zero"):
        S.rosenbaum_bounds(five, alpha=np.nextafter(0.5**5, 0))
    # Zeros do not count as pairs that could be significant.
    with pytest.warns(DataWarning, match=r"only 4 non-zero pair difference\(s\)"):
        S.rosenbaum_bounds(np.array([0, 0, 0, 0.4, 1.0, 0.2, 0.7]))


def test_zeros_dropped_when_all_are_zero_or_only_zeros_remain():
    with pytest.raises(EvaltoolsInputError, match="All 3 pair differences are zero"):
        S.rosenbaum_bounds(np.zeros(3), zeros="drop")
    rb = S.rosenbaum_bounds(np.r_[np.zeros(3), LEAD[LEAD != 0]], zeros="drop", gammas=[2])
    assert rb.meta["options"]["n_zero"] == 3 and rb.meta["options"]["n_pairs"] == 32


def test_gamma_grid_limits():
    ok = S.rosenbaum_bounds(LEAD, gammas=np.linspace(1, 5, S.MAX_GAMMAS))
    assert len(ok.summary()) == 10_000
    with pytest.raises(ParameterError, match="lists 10,001 values"):
        S.rosenbaum_bounds(LEAD, gammas=np.linspace(1, 5, 10_001))
    assert S.rosenbaum_bounds(LEAD, gammas=2).summary().index.tolist() == [2.0]
    with pytest.raises(ParameterError, match=r"'gammas' parameter of rosenbaum_bounds"):
        S.rosenbaum_bounds(LEAD, gammas="2")
    with pytest.raises(ParameterError, match=r"'gammas' parameter .* \[1, inf\)"):
        S.rosenbaum_bounds(LEAD, gammas=[1, 0.999])
    with pytest.raises(ParameterError, match=r"'alpha' parameter"):
        S.rosenbaum_bounds(LEAD, alpha=0)
    with pytest.raises(ParameterError, match=r"'alpha' parameter"):
        S.rosenbaum_bounds(LEAD, alpha=1)
    with pytest.raises(ParameterError, match=r"'alternative' parameter"):
        S.rosenbaum_bounds(LEAD, alternative="two-sided")


@pytest.mark.parametrize("values,match", [
    (np.array([1 + 1j, 2 + 0j]), "got complex128 values"),
    (pd.to_datetime(["2020-01-01", "2020-02-01"]).to_numpy(), "got datetime64"),
    (np.ones((3, 2)), r"got shape \(3, 2\)"),
    ([[1.0, 2.0], [3.0]], "numeric pair differences"),
    (np.array([1.0, np.nan, 2.0, np.nan]), r"2 missing and 0 infinite value\(s\), at positions "
                                           r"\[1, 3\]"),
])
def test_pair_differences_that_are_not_real_numbers(values, match):
    with pytest.raises(EvaltoolsInputError, match=match):
        S.rosenbaum_bounds(values)


def _matched(ratio=1, replace=False, n=120, seed=4):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"x": rng.normal(size=n)})
    df["treated"] = (rng.random(n) < 0.3).astype(int)
    df["y"] = df.x + 0.8 * df.treated + rng.normal(size=n)
    return et.match(df, "treated", ["x"], ratio=ratio, replace=replace, random_state=1)


def _reused():
    # Ten treated and three controls: matching with replacement must reuse controls.
    df = pd.DataFrame({"x": np.r_[np.linspace(0, 1, 10), [0.1, 0.5, 0.9]],
                       "treated": np.r_[np.ones(10), np.zeros(3)].astype(int),
                       "y": np.arange(13.0)})
    m = et.match(df, "treated", ["x"], replace=True, random_state=1)
    assert m.pairs.control_id.duplicated().any()
    return m


def test_pairs_from_a_match_are_treated_minus_control():
    m = _matched()
    y = m.data["y"]
    d = y.loc[m.pairs.treated_id].to_numpy() - y.loc[m.pairs.control_id].to_numpy()
    got = S.rosenbaum_bounds(m, "y", gammas=[1, 1.5])
    pd.testing.assert_frame_equal(got.summary(), S.rosenbaum_bounds(d, gammas=[1, 1.5]).summary())
    assert got.summary().loc[1.0].tolist() == pytest.approx(signed_rank_bounds(d, 1), rel=1e-9)
    assert got.meta["options"]["n_pairs"] == len(m.pairs)


def test_match_inputs_that_are_refused():
    m = _matched()
    with pytest.raises(ParameterError, match="needs outcome= with a MatchResult"):
        S.rosenbaum_bounds(m)
    with pytest.raises(ParameterError, match=r"must be a column name \(str\). Got 3"):
        S.rosenbaum_bounds(m, 3)
    with pytest.raises(SchemaError, match="no column 'z'"):
        S.rosenbaum_bounds(m, "z")
    with pytest.raises(EvaltoolsInputError, match="1:1 matched pairs without replacement"):
        S.rosenbaum_bounds(_matched(ratio=2, n=300), "y")
    with pytest.raises(EvaltoolsInputError, match="1:1 matched pairs without replacement"):
        S.rosenbaum_bounds(_reused(), "y")
    # a missing outcome among unmatched units does not matter
    unmatched = sorted(set(m.data.index) - set(m.pairs.treated_id) - set(m.pairs.control_id))
    m.data.loc[unmatched[0], "y"] = np.nan
    assert S.rosenbaum_bounds(m, "y", gammas=[1]).meta["options"]["n_pairs"] == len(m.pairs)
    m.data.loc[m.pairs.control_id.iloc[0], "y"] = np.nan
    with pytest.raises(EvaltoolsInputError, match=r"^Column 'y' of the matched data table has 1 "
                                                  r"missing and 0 infinite value\(s\), at row "
                                                  r"index .*Fix: drop the pairs with a missing "
                                                  r"outcome before calling\.$"):
        S.rosenbaum_bounds(m, "y")


def test_a_match_with_its_outcome_is_not_warned_about(recwarn):
    S.rosenbaum_bounds(_matched(), "y", gammas=[1, 2])
    assert not [w for w in recwarn if issubclass(w.category, DataWarning)]


@pytest.mark.parametrize("kwargs,message", [
    (dict(alternative="two-sided"), "The 'alternative' parameter of rosenbaum_bounds must be "
                                    "one of 'greater', 'less'. Got 'two-sided' instead."),
    (dict(zeros="wilcox"), "The 'zeros' parameter of rosenbaum_bounds must be one of 'keep', "
                           "'drop'. Got 'wilcox' instead."),
    (dict(alpha=-0.1), "The 'alpha' parameter of rosenbaum_bounds must be a float in (0, 1). "
                       "Got -0.1 instead."),
    (dict(gammas=[1, 0.5]), "The 'gammas' parameter of rosenbaum_bounds must be a float in "
                            "[1, inf). Got 0.5 instead."),
])
def test_rosenbaum_parameter_messages_in_full(kwargs, message):
    with pytest.raises(ParameterError) as err:
        S.rosenbaum_bounds(LEAD, **kwargs)
    assert str(err.value) == message


def test_non_finite_differences_message_in_full():
    with pytest.raises(EvaltoolsInputError) as err:
        S.rosenbaum_bounds(np.array([1.0, np.inf, 2.0]))
    assert str(err.value).startswith("The pair differences contain 0 missing and 1 infinite "
                                     "value(s), at positions [1]. Fix:")


def test_results_name_themselves_when_asked_for_standard_errors():
    with pytest.raises(ParameterError, match=r"^EValue holds no estimates"):
        S.e_value(2.0).tidy()
    with pytest.raises(ParameterError, match=r"^RosenbaumBounds holds no estimates"):
        S.rosenbaum_bounds(LEAD).conf_int()


def test_plain_e_value_warns_about_nothing(recwarn):
    S.e_value(2.0, 1.5, 3.0)
    S.e_value(0.3, 0.1, 0.5, kind="smd")
    assert not [w for w in recwarn if issubclass(w.category, DataWarning)]


def test_rare_odds_ratio_keeps_the_true_value_unconverted():
    e = S.e_value(4.0, 2.5, 6.0, kind="or", true=2.0)
    assert e.true == 2.0
    assert e.e_estimate == pytest.approx(e_closed(4.0, 2.0))
    assert e.e_limit == pytest.approx(e_closed(2.5, 2.0))
