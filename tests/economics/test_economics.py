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
