"""Discounting against hand-worked Green Book figures; uncertainty against simulation."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import ParameterError

E = et.economics


def test_green_book_discounting_by_hand():
    # GBP 100 a year for years 0..4 at 3.5%: 100 (1 + 1/1.035 + ... + 1/1.035^4) = 467.31.
    assert E.present_value([100] * 5) == pytest.approx(467.3079, abs=1e-4)
    assert E.present_value([0] * 10 + [100]) == pytest.approx(100 / 1.035**10)
    assert E.present_value([0, 100], rate=E.HEALTH_RATE) == pytest.approx(100 / 1.015)


def test_declining_schedule():
    rates = E.declining_schedule(80)
    assert rates[0] == 0.035 and rates[29] == 0.035  # years 1-30
    assert rates[30] == 0.030 and rates[74] == 0.030  # years 31-75
    assert rates[75] == 0.025
    f = E.discount_factors(40, "declining")
    # Year 35: 30 years at 3.5%, then 5 at 3.0%.
    assert f[35] == pytest.approx(1.035**-30 * 1.03**-5)
    np.testing.assert_allclose(E.discount_factors(31, "declining"), E.discount_factors(31))


def test_green_book_health_declining_schedule():
    """HM Treasury, The Green Book (2022), Annex A6, table of long-term discount rates: the
    health rate (wealth effect excluded) is 1.50% for years 0-30, 1.29% for 31-75, 1.07%
    for 76-125, 0.86% for 126-200, 0.64% for 201-300 and 0.43% after; each year's factor is
    the previous one over (1 + that year's rate). Factors worked by hand from that table."""
    rates = E.declining_schedule(310, kind="health")
    assert rates[[0, 29, 30, 74, 75, 124, 125, 199, 200, 299, 300]].tolist() == [
        0.015, 0.015, 0.0129, 0.0129, 0.0107, 0.0107, 0.0086, 0.0086, 0.0064, 0.0064, 0.0043]
    f = E.discount_factors(311, "declining_health")
    d30 = 1.015**-30
    assert f[30] == pytest.approx(d30)  # 0.6398
    assert f[30] == pytest.approx(0.6398, abs=1e-4)
    assert f[31] == pytest.approx(d30 / 1.0129)
    d75 = d30 * 1.0129**-45
    assert f[75] == pytest.approx(d75)
    d125 = d75 * 1.0107**-50
    assert f[125] == pytest.approx(d125)
    d200 = d125 * 1.0086**-75
    assert f[200] == pytest.approx(d200)
    assert f[300] == pytest.approx(d200 * 1.0064**-100)
    assert f[310] == pytest.approx(d200 * 1.0064**-100 * 1.0043**-10)
    # The first 31 years are the flat 1.5% health rate.
    np.testing.assert_allclose(E.discount_factors(31, "declining_health"),
                               E.discount_factors(31, E.HEALTH_RATE))
    # QALYs worth 1 a year for 40 years: the declining schedule is worth more.
    assert (E.present_value([1.0] * 40, "declining_health")
            > E.present_value([1.0] * 40, E.HEALTH_RATE))


def test_green_book_standard_declining_factors_by_hand():
    """Standard schedule (same table): 3.5%, 3.0% (31-75), 2.5% (76-125), 2.0% (126-200),
    1.5% (201-300), 1.0% after."""
    f = E.discount_factors(302, "declining")
    d30 = 1.035**-30
    d75 = d30 * 1.03**-45
    d125 = d75 * 1.025**-50
    d200 = d125 * 1.02**-75
    d300 = d200 * 1.015**-100
    assert f[[30, 75, 125, 200, 300, 301]] == pytest.approx(
        [d30, d75, d125, d200, d300, d300 / 1.01])
    assert f[30] == pytest.approx(0.3563, abs=1e-4)


def test_benefit_cost_tidy_carries_the_effect_standard_error():
    kwargs = dict(unit_cost=300, people=1000, cost=400_000, years=3)
    bc = E.benefit_cost((1.2, 0.6, 1.8), method="delta", **kwargs)
    t = bc.tidy().set_index("term")
    assert list(t.index) == ["savings (present value)", "net saving", "benefit-cost ratio"]
    # The delta-method interval of the summary is the tidy interval at 95%.
    for row in t.index:
        assert t.loc[row, "conf_low"] == pytest.approx(bc.summary().loc[row, "ci_low"])
        assert t.loc[row, "conf_high"] == pytest.approx(bc.summary().loc[row, "ci_high"])
    se = 0.6 / 1.959964
    factor = 300 * 1000 * (1 + 1 / 1.035 + 1 / 1.035**2)
    assert t.loc["benefit-cost ratio", "std_error"] == pytest.approx(se * factor / 400_000)
    # (estimate, std_error) gives the same; a bare number has no interval.
    same = E.benefit_cost((1.2, se), method="delta", **kwargs).summary()
    np.testing.assert_allclose(same.to_numpy(float), bc.summary().to_numpy(float))
    point = E.benefit_cost(1.2, **kwargs)
    assert point.ratio == pytest.approx(bc.ratio)
    assert point.summary()["ci_low"].isna().all()


def test_benefit_cost_delta_and_simulation_agree():
    """The ratio is linear in the effect, so the delta method is exact; 200,000 draws
    (seed 2) reproduce its interval within 1%."""
    kwargs = dict(unit_cost=300, people=1000, cost=400_000, years=3, drop_off=0.2,
                  deadweight=0.1)
    delta = E.benefit_cost((1.2, 0.6, 1.8), method="delta", **kwargs).summary()
    sim = E.benefit_cost((1.2, 0.6, 1.8), n_sim=200_000, random_state=2, **kwargs).summary()
    factor = (1 + 0.8 / 1.035 + 0.64 / 1.035**2) * 0.9
    assert delta.loc["savings (present value)", "estimate"] == pytest.approx(
        1.2 * 300 * 1000 * factor)
    for col in ("ci_low", "ci_high"):
        assert sim.loc["benefit-cost ratio", col] == pytest.approx(
            delta.loc["benefit-cost ratio", col], rel=0.01)


def test_popp_style_ratio_and_break_even():
    # An effect giving GBP 1.20 back per GBP 1 has a break-even effect 1/1.2 of its size.
    bc = E.benefit_cost((2.0, 1.0, 3.0), unit_cost=300, people=100, cost=50_000,
                        random_state=1)
    assert bc.ratio == pytest.approx(1.2)
    assert E.break_even_effect(unit_cost=300, people=100, cost=50_000) == pytest.approx(2 / 1.2)


def test_adjustments():
    assert E.adjusted_value(1000, deadweight=0.2, displacement=0.5, attribution=0.25) == 300


def test_outcome_payments_by_hand():
    op = E.outcome_payments([90, 80, 75], baseline=[100, 100, 100], tariff=1000,
                            service_cost=10_000, people=50, cap_per_person=700, lag=1,
                            unit_saving=2000)
    s = op.schedule
    # Due 10k, 20k, 25k; cap 700 x 50 = 35k cumulative: paid 10k, 20k, 5k, a period later.
    assert s["payment"].tolist() == [0, 10_000, 20_000, 5_000]
    assert s["capped"].sum() == 20_000
    assert s["investor cash"].tolist() == [-10_000, 0, 10_000, 5_000]
    assert s["commissioner cash"].iloc[1] == 20 * 2000 - 10_000
    assert op.summary().loc["investor multiple (payments / service cost)", "value"] == (
        pytest.approx(35_000 / 30_000))
    achieved = E.outcome_payments([3, 8], baseline=5, tariff=100, service_cost=0, people=10,
                                  direction="achievement")
    assert achieved.schedule["payment"].tolist() == [0, 300]
    op.plot()


BC = dict(unit_cost=2000.0, people=500, cost=250_000.0, years=3)
PAY = dict(tariff=1000.0, service_cost=50_000.0, people=100)


@pytest.mark.parametrize("call,match", [
    (lambda: E.present_value([100.0, np.nan, np.inf]),
     r"'flows' parameter of present_value has 1 missing and 1 infinite value\(s\), at "
     r"position\(s\) \[1, 2\]"),
    (lambda: E.present_value([100.0], rate="treasury"),
     r"'rate' parameter of present_value must be one of 'declining', 'declining_health'"),
    (lambda: E.present_value([100.0], rate=np.inf), r"'rate' parameter .* Got inf"),
    (lambda: E.present_value([100.0], rate="no"), r"'rate' parameter .* Got 'no'"),
    (lambda: E.present_value(["a"]), r"'flows' parameter of present_value must be numbers"),
    (lambda: E.discount_factors(-3), r"'n_years' parameter of discount_factors"),
    (lambda: E.declining_schedule(2.5), r"'years' parameter of declining_schedule must be an "
                                        r"int"),
    (lambda: E.declining_schedule(5, kind="wealth"), r"'kind' parameter of declining_schedule"),
    (lambda: E.benefit_cost(np.inf, **BC), r"'effect' parameter of benefit_cost .* Got inf"),
    (lambda: E.benefit_cost((1.0, np.nan, 2.0), **BC), r"'effect' .* effect limit is nan"),
    (lambda: E.benefit_cost("0.2", **BC), r"'effect' parameter of benefit_cost must be a "
                                          r"number"),
    (lambda: E.benefit_cost(0.2, **{**BC, "unit_cost": np.nan}), r"'unit_cost' .* Got nan"),
    (lambda: E.benefit_cost(0.2, **{**BC, "cost": np.inf}), r"'cost' .* Got inf"),
    (lambda: E.benefit_cost(0.2, **{**BC, "cost": 0}), r"'cost' .* \(0, inf\). Got 0"),
    (lambda: E.benefit_cost(0.2, **{**BC, "deadweight": np.inf}), r"'deadweight' .* inf"),
    (lambda: E.benefit_cost((0.2, 0.05), **{**BC, "n_sim": 10**10}), r"'n_sim' parameter"),
    (lambda: E.benefit_cost((0.2, -0.05), **BC), r"'effect std_error' .* Got -0.05"),
    (lambda: E.adjusted_value(np.nan), r"'gross' parameter of adjusted_value .* nan"),
    (lambda: E.break_even_effect(**{**BC, "people": 0}), r"'people' parameter of break_even"),
    (lambda: E.break_even_effect(**{**BC, "unit_cost": np.inf}), r"'unit_cost' .* inf"),
    (lambda: E.outcome_payments([50.0, np.nan, 40], [60.0] * 3, **PAY),
     r"'outcomes' parameter of outcome_payments has 1 missing and 0 infinite"),
    (lambda: E.outcome_payments([50.0] * 3, [60.0, np.inf, 60], **PAY),
     r"'baseline' parameter .* 0 missing and 1 infinite"),
    (lambda: E.outcome_payments([50.0] * 3, [60.0, 60], **PAY),
     r"'baseline' .* one value per period \(3, the length of outcomes\).* length 2"),
    (lambda: E.outcome_payments([50.0] * 3, [60.0] * 3, **{**PAY, "service_cost": np.inf}),
     r"'service_cost' parameter .* 1 infinite"),
    (lambda: E.outcome_payments([50.0] * 3, [60.0] * 3, **{**PAY, "cap_total": np.nan}),
     r"'cap_total' parameter .* Got nan"),
    (lambda: E.outcome_payments([50.0] * 3, [60.0] * 3, **{**PAY, "tariff": np.inf}),
     r"'tariff' parameter .* Got inf"),
    (lambda: E.outcome_payments([50.0] * 3, [60.0] * 3, **{**PAY, "unit_saving": np.nan}),
     r"'unit_saving' parameter .* Got nan"),
    (lambda: E.outcome_payments([50.0] * 3, [60.0] * 3, **{**PAY, "rate": "no"}),
     r"'rate' parameter of outcome_payments"),
], ids=["pv-nan-inf", "rate-name", "rate-inf", "rate-no", "pv-text", "years", "schedule-float",
        "schedule-kind", "effect-inf", "effect-nan-limit", "effect-text", "unit-cost-nan",
        "cost-inf", "cost-zero", "deadweight-inf", "n_sim", "negative-se", "gross-nan",
        "break-even-people", "break-even-inf", "outcomes-nan", "baseline-inf", "lengths",
        "service-cost-inf", "cap-nan", "tariff-inf", "unit-saving-nan", "payments-rate"])
def test_non_finite_and_malformed_inputs(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


def test_bad_input():
    with pytest.raises(ParameterError, match=r"'rate' parameter of discount_factors"):
        E.discount_factors(5, rate=0.9)
    with pytest.raises(ParameterError, match=r"'cost' parameter of benefit_cost"):
        E.benefit_cost((1, 0, 2), unit_cost=1, people=1, cost=-5)
    with pytest.raises(ParameterError, match=r"lower 3 above upper 1"):
        E.benefit_cost((2, 3, 1), unit_cost=1, people=1, cost=5)
    with pytest.raises(ParameterError, match=r"'people' parameter"):
        E.benefit_cost((1, 0, 2), unit_cost=1, people=-3, cost=5)
    with pytest.raises(ParameterError, match=">= 0"):
        E.outcome_payments([-1], baseline=0, tariff=1, service_cost=1, people=1)


def test_effect_result_is_accepted():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=300)})
    df["treated"] = (rng.random(300) < 0.3).astype(int)
    df["y"] = df.x + 1.0 * df.treated + rng.normal(size=300)
    effect = et.estimate_att(et.match(df, "treated", ["x"]), "y")
    bc = E.benefit_cost(effect, unit_cost=100, people=10, cost=1000, method="delta")
    assert bc.summary().loc["savings (present value)", "estimate"] == pytest.approx(
        effect.estimate * 1000)
