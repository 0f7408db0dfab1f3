"""Economics: options, boundaries, messages and reported fields, each case built so that a
one-line slip in evaltools/economics/ gives a different number or message.

Independent values: Green Book discounting (3.5% a year, HM Treasury 2022, Annex A6) and
savings, payments and caps worked out by hand in each test.
"""

import warnings

import matplotlib
import numpy as np
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning, ParameterError

matplotlib.use("Agg")
E = et.economics
B = dict(unit_cost=300, people=100, cost=50_000)
OP = dict(tariff=1000, service_cost=10_000, people=50)
FACTOR3 = 1 + 1 / 1.035 + 1 / 1.035**2  # three years at 3.5%, year 0 undiscounted


def no_data_warning(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        return call()


# ---------------------------------------------------------------- messages at boundaries

@pytest.mark.parametrize("call,message", [
    (lambda: E.benefit_cost(2.0, **{**B, "people": 0}),
     "The 'people' parameter of benefit_cost must be an int in [1, inf). Got 0 instead."),
    (lambda: E.benefit_cost(2.0, **{**B, "people": 1.5}),
     "The 'people' parameter of benefit_cost must be an int in [1, inf). Got 1.5 instead."),
    (lambda: E.benefit_cost(2.0, years=1001, **B),
     "The 'years' parameter of benefit_cost must be an int in [1, 1000]. Got 1001 instead."),
    (lambda: E.benefit_cost(2.0, years=0, **B),
     "The 'years' parameter of benefit_cost must be an int in [1, 1000]. Got 0 instead."),
    (lambda: E.benefit_cost(2.0, years=2.5, **B),
     "The 'years' parameter of benefit_cost must be an int in [1, 1000]. Got 2.5 instead."),
    (lambda: E.benefit_cost(2.0, drop_off=1.01, **B),
     "The 'drop_off' parameter of benefit_cost must be a float in [0, 1]. Got 1.01 instead."),
    (lambda: E.benefit_cost(2.0, drop_off=-0.01, **B),
     "The 'drop_off' parameter of benefit_cost must be a float in [0, 1]. Got -0.01 instead."),
    (lambda: E.benefit_cost(2.0, n_sim=99, **B),
     "The 'n_sim' parameter of benefit_cost must be an int in [100, 10000000]. Got 99 instead."),
    (lambda: E.benefit_cost(2.0, n_sim=10_000_001, **B),
     "The 'n_sim' parameter of benefit_cost must be an int in [100, 10000000]. Got 10000001 "
     "instead."),
    (lambda: E.benefit_cost(2.0, n_sim=100.5, **B),
     "The 'n_sim' parameter of benefit_cost must be an int in [100, 10000000]. Got 100.5 "
     "instead."),
    (lambda: E.benefit_cost(2.0, method="bootstrap", **B),
     "The 'method' parameter of benefit_cost must be one of 'simulation', 'delta'. Got "
     "'bootstrap' instead."),
    (lambda: E.benefit_cost(2.0, **{**B, "unit_cost": 0}),
     "The 'unit_cost' parameter of benefit_cost must be a float in (0, inf). Got 0 instead."),
    (lambda: E.benefit_cost(2.0, **{**B, "cost": 0}),
     "The 'cost' parameter of benefit_cost must be a float in (0, inf). Got 0 instead."),
    (lambda: E.benefit_cost(np.inf, **B),
     "The 'effect' parameter of benefit_cost must be a float in (-inf, inf). Got inf instead."),
    (lambda: E.benefit_cost((2.0, -1), **B),
     "The 'effect std_error' parameter of benefit_cost must be a float in [0, inf). Got -1 "
     "instead."),
    (lambda: E.benefit_cost((2.0, 1.0, np.inf), **B),
     "The 'effect' parameter of benefit_cost must hold finite numbers; its effect limit is "
     "inf. Fix: pass the estimate and its interval or standard error as numbers."),
    (lambda: E.benefit_cost((np.nan, 1.0), **B),
     "The 'effect' parameter of benefit_cost must hold finite numbers; its effect estimate is "
     "nan. Fix: pass the estimate and its interval or standard error as numbers."),
    (lambda: E.benefit_cost((True, 0.5), **B),
     "The 'effect' parameter of benefit_cost must hold finite numbers; its effect estimate is "
     "True. Fix: pass the estimate and its interval or standard error as numbers."),
    (lambda: E.benefit_cost(2.0, rate=0.26, **B),
     "The 'rate' parameter of benefit_cost must be a float in [-0.05, 0.25]. Got 0.26 "
     "instead."),
    (lambda: E.break_even_effect(unit_cost=300, people=100, cost=1, years=1001),
     "The 'years' parameter of break_even_effect must be an int in [1, 1000]. Got 1001 "
     "instead."),
    (lambda: E.adjusted_value(10, attribution=1.01),
     "The 'attribution' parameter of adjusted_value must be a float in [0, 1]. Got 1.01 "
     "instead."),
    (lambda: E.adjusted_value(10, displacement=-0.01),
     "The 'displacement' parameter of adjusted_value must be a float in [0, 1]. Got -0.01 "
     "instead."),
    (lambda: E.adjusted_value(10, deadweight=1.5),
     "The 'deadweight' parameter of adjusted_value must be a float in [0, 1]. Got 1.5 "
     "instead."),
    (lambda: E.adjusted_value(np.inf),
     "The 'gross' parameter of adjusted_value must be a float in (-inf, inf). Got inf "
     "instead."),
    (lambda: E.present_value([1, 2], rate=True),
     "The 'rate' parameter of present_value must be a float in [-0.05, 0.25] or one of "
     "'declining', 'declining_health'. Got True instead."),
    (lambda: E.present_value([1, 2], rate=-0.0501),
     "The 'rate' parameter of present_value must be a float in [-0.05, 0.25]. Got -0.0501 "
     "instead."),
    (lambda: E.present_value([1, 2], rate=0.2501),
     "The 'rate' parameter of present_value must be a float in [-0.05, 0.25]. Got 0.2501 "
     "instead."),
    (lambda: E.declining_schedule(100_001),
     "The 'years' parameter of declining_schedule must be an int in [1, 100000]. Got 100001 "
     "instead."),
    (lambda: E.discount_factors(2.5),
     "The 'n_years' parameter of discount_factors must be an int in [1, 100000]. Got 2.5 "
     "instead."),
    (lambda: E.discount_factors(100_001),
     "The 'n_years' parameter of discount_factors must be an int in [1, 100000]. Got 100001 "
     "instead."),
    (lambda: E.present_value([[1, 2], [3, 4]]),
     "The 'flows' parameter of present_value must be a non-empty 1-D sequence of yearly "
     "amounts. Got shape (2, 2) instead."),
    (lambda: E.present_value([np.nan] * 7),
     "The 'flows' parameter of present_value has 7 missing and 0 infinite value(s), at "
     "position(s) [0, 1, 2, 3, 4]. Fix: fill or remove them; every amount must be a finite "
     "number."),
    (lambda: E.present_value([1, np.nan]),
     "The 'flows' parameter of present_value has 1 missing and 0 infinite value(s), at "
     "position(s) [1]. Fix: fill or remove them; every amount must be a finite number."),
    (lambda: E.present_value([[1, np.nan]] * 7),
     "The 'flows' parameter of present_value has 7 missing and 0 infinite value(s), at "
     "position(s) [[0, 1], [1, 1], [2, 1], [3, 1], [4, 1]]. Fix: fill or remove them; every "
     "amount must be a finite number."),
    (lambda: E.present_value(np.array(["2020-01-01"], dtype="datetime64[D]")),
     "The 'flows' parameter of present_value must be real amounts. Got datetime64[D] values "
     "instead. Fix: convert them to numbers (dates, durations, complex and True/False are not "
     "amounts)."),
    (lambda: E.present_value([True, False]),
     "The 'flows' parameter of present_value must be real amounts. Got bool values instead. "
     "Fix: convert them to numbers (dates, durations, complex and True/False are not "
     "amounts)."),
    (lambda: E.outcome_payments([1], 2, **{**OP, "tariff": -0.01}),
     "The 'tariff' parameter of outcome_payments must be a float in [0, inf). Got -0.01 "
     "instead."),
    (lambda: E.outcome_payments([1], 2, **{**OP, "people": 0}),
     "The 'people' parameter of outcome_payments must be an int in [1, inf). Got 0 instead."),
    (lambda: E.outcome_payments([1], 2, **{**OP, "people": 2.5}),
     "The 'people' parameter of outcome_payments must be an int in [1, inf). Got 2.5 "
     "instead."),
    (lambda: E.outcome_payments([1], 2, lag=1001, **OP),
     "The 'lag' parameter of outcome_payments must be an int in [0, 1000]. Got 1001 instead."),
    (lambda: E.outcome_payments([1], 2, lag=-1, **OP),
     "The 'lag' parameter of outcome_payments must be an int in [0, 1000]. Got -1 instead."),
    (lambda: E.outcome_payments([1], 2, lag=1.5, **OP),
     "The 'lag' parameter of outcome_payments must be an int in [0, 1000]. Got 1.5 instead."),
    (lambda: E.outcome_payments([1], 2, lag="1", **OP),
     "The 'lag' parameter of outcome_payments must be an int in [0, 1000]. Got '1' instead."),
    (lambda: E.outcome_payments([1], 2, cap_per_person=-1, **OP),
     "The 'cap_per_person' parameter of outcome_payments must be a float in [0, inf) or "
     "None. Got -1 instead."),
    (lambda: E.outcome_payments([1], 2, cap_total=-1, **OP),
     "The 'cap_total' parameter of outcome_payments must be a float in [0, inf) or None. Got "
     "-1 instead."),
    (lambda: E.outcome_payments([1], 2, unit_saving=np.inf, **OP),
     "The 'unit_saving' parameter of outcome_payments must be a float in (-inf, inf). Got inf "
     "instead."),
    (lambda: E.outcome_payments([1], 2, unit_saving=-np.inf, **OP),
     "The 'unit_saving' parameter of outcome_payments must be a float in (-inf, inf). Got "
     "-inf instead."),
    (lambda: E.outcome_payments([1], 2, direction="up", **OP),
     "The 'direction' parameter of outcome_payments must be one of 'reduction', "
     "'achievement'. Got 'up' instead."),
    (lambda: E.outcome_payments([[1, 2]], 2, **OP),
     "The 'outcomes' parameter of outcome_payments must be a non-empty 1-D sequence, one "
     "value per period. Got shape (1, 2)."),
    (lambda: E.outcome_payments([1, 2], [[2, 2]], **OP),
     "The 'baseline' parameter of outcome_payments must have one value per period (2, the "
     "length of outcomes) or a single value. Got length 2 instead."),
    (lambda: E.outcome_payments([1, 2], [[[2]]], **OP),
     "The 'baseline' parameter of outcome_payments must have one value per period (2, the "
     "length of outcomes) or a single value. Got length 1 instead."),
    (lambda: E.outcome_payments(np.ones(99_001), 2, lag=1000, **OP),
     "The 'outcomes' parameter of outcome_payments has 99,001 periods (plus lag 1000); the "
     "limit is 100,000 periods. Fix: give one value per contract period (e.g. quarter or "
     "year), not per person."),
], ids=lambda v: "" if callable(v) else v[4:40])
def test_parameter_messages_in_full(call, message):
    with pytest.raises(ParameterError) as err:
        call()
    assert str(err.value) == message


def test_values_exactly_at_the_limits_are_accepted():
    no_data_warning(lambda: E.benefit_cost((2.0, 0.5), people=1, unit_cost=300, cost=100,
                                           years=1000, drop_off=1.0, n_sim=100,
                                           random_state=1))
    assert E.benefit_cost(2.0, drop_off=0.0, years=2, **B).ratio > 0
    assert E.present_value([100, 100], rate=-0.05) == pytest.approx(100 + 100 / 0.95)
    assert E.present_value([100, 100], rate=0.25) == pytest.approx(100 + 100 / 1.25)
    assert E.adjusted_value(10, deadweight=1.0) == 0.0
    assert E.adjusted_value(10, displacement=0.0, attribution=0.0) == 10.0
    assert len(E.declining_schedule(100_000)) == 100_000
    assert len(E.discount_factors(100_000)) == 100_000
    assert E.present_value(np.ones(100_000)) == pytest.approx(1 / (1 - 1 / 1.035), rel=1e-9)
    op = E.outcome_payments([1], 2, lag=1000, cap_per_person=0, cap_total=0,
                            **{**OP, "tariff": 0, "people": 1})
    assert len(op.schedule) == 1001 and op.schedule["payment"].sum() == 0
    long = E.outcome_payments(np.ones(99_000), 2, lag=1000, **OP)
    assert len(long.schedule) == 100_000


# ---------------------------------------------------------------- discounting

def test_discounting_at_a_zero_integer_rate_and_single_flows():
    assert E.discount_factors(3, 0).tolist() == [1.0, 1.0, 1.0]
    assert E.present_value([5, 5, 5], rate=0) == 15.0
    assert E.present_value([100]) == 100.0
    assert E.present_value([0, 0, 100], rate=0.1) == pytest.approx(100 / 1.21)


def test_overflow_is_refused_without_a_numpy_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ParameterError, match="the sum overflows"):
            E.present_value([1e308, 1e308])


# ---------------------------------------------------------------- benefit-cost

def test_every_option_changes_the_savings_by_its_closed_form():
    base = 2.0 * 300 * 100
    assert E.benefit_cost(2.0, **B).summary().loc["savings (present value)", "estimate"] == (
        pytest.approx(base))
    cases = [
        (dict(years=3), FACTOR3),
        (dict(years=3, rate=0.05), 1 + 1 / 1.05 + 1 / 1.05**2),
        (dict(years=3, rate=0.05, drop_off=0.2), 1 + 0.8 / 1.05 + 0.64 / 1.05**2),
        (dict(years=3, drop_off=0.5), 1 + 0.5 / 1.035 + 0.25 / 1.035**2),
        (dict(deadweight=0.1), 0.9),
        (dict(displacement=0.2), 0.8),
        (dict(attribution=0.25), 0.75),
        (dict(deadweight=0.1, displacement=0.2, attribution=0.25), 0.9 * 0.8 * 0.75),
    ]
    for kwargs, factor in cases:
        t = E.benefit_cost(2.0, **B, **kwargs).summary()
        assert t.loc["savings (present value)", "estimate"] == pytest.approx(base * factor)
        assert t.loc["net saving", "estimate"] == pytest.approx(base * factor - 50_000)
        assert t.loc["benefit-cost ratio", "estimate"] == pytest.approx(base * factor / 50_000)


def test_break_even_options():
    assert E.break_even_effect(unit_cost=300, people=100, cost=60_000, years=3) == (
        pytest.approx(60_000 / (300 * 100 * FACTOR3)))
    assert E.break_even_effect(unit_cost=300, people=100, cost=60_000, years=3,
                               drop_off=0.2, rate=0.05) == pytest.approx(
        60_000 / (300 * 100 * (1 + 0.8 / 1.05 + 0.64 / 1.05**2)))


def test_simulation_uses_the_seed_and_the_normal_draws():
    bc = E.benefit_cost((2.0, 0.5), n_sim=1000, random_state=7, **B)
    draws = np.random.default_rng(7).normal(2.0, 0.5, 1000) * 300 * 100
    lo, hi = np.quantile(draws, [0.025, 0.975])
    t = bc.summary()
    assert t.loc["savings (present value)", ["ci_low", "ci_high"]].tolist() == pytest.approx(
        [lo, hi])
    assert t.loc["net saving", ["ci_low", "ci_high"]].tolist() == pytest.approx(
        [lo - 50_000, hi - 50_000])
    assert bc.meta["random_state"] == 7
    assert bc.meta["options"] == dict(unit_cost=300, people=100, cost=50_000, years=1,
                                      rate=0.035, drop_off=0.0, deadweight=0.0,
                                      displacement=0.0, attribution=0.0, method="simulation",
                                      n_sim=1000)


def test_delta_interval_and_tidy_columns():
    se = 0.5
    bc = E.benefit_cost((2.0, se), method="delta", **B)
    half = 1.959964 * se * 300 * 100
    t = bc.summary()
    assert t.loc["savings (present value)", ["ci_low", "ci_high"]].tolist() == pytest.approx(
        [60_000 - half, 60_000 + half])
    tidy = bc.tidy().set_index("term")
    assert (tidy["n"] == 100).all()
    assert tidy["std_error"].tolist() == pytest.approx([se * 30_000, se * 30_000,
                                                        se * 30_000 / 50_000])
    assert bc.meta["options"]["method"] == "delta"


def test_interval_boundaries_of_the_effect():
    # An estimate on a limit, and a zero-width interval, are accepted.
    assert E.benefit_cost((1.0, 1.0, 2.0), method="delta", **B).ratio == pytest.approx(0.6)
    assert E.benefit_cost((2.0, 1.0, 2.0), method="delta", **B).ratio == pytest.approx(1.2)
    same = E.benefit_cost((1.0, 1.0, 1.0), method="delta", **B).summary()
    assert same.loc["savings (present value)", "ci_low"] == pytest.approx(30_000)
    assert same.loc["savings (present value)", "ci_high"] == pytest.approx(30_000)


def test_an_object_with_an_estimate_but_no_interval_is_refused():
    from types import SimpleNamespace
    with pytest.raises(ParameterError, match=r"must be a number, \(estimate, std_error\)"):
        E.benefit_cost(SimpleNamespace(estimate=2.0), **B)
    with pytest.raises(ParameterError, match="its effect estimate is 'a'"):
        E.benefit_cost(("a", 0.5), **B)


def test_warnings_only_when_an_option_is_really_ignored():
    no_data_warning(lambda: E.benefit_cost((2.0, 0.5), method="delta", **B))
    no_data_warning(lambda: E.benefit_cost((2.0, 0.5), method="delta", n_sim=10_000,
                                           random_state=None, **B))
    no_data_warning(lambda: E.benefit_cost((2.0, 0.5), n_sim=10_000, **B))
    no_data_warning(lambda: E.benefit_cost(2.0, years=3, drop_off=0.2, **B))
    no_data_warning(lambda: E.benefit_cost(2.0, years=1, drop_off=0.0, **B))
    no_data_warning(lambda: E.break_even_effect(years=1, **B))
    with pytest.warns(DataWarning, match=r"n_sim=500 ignored: method='delta'"):
        E.benefit_cost((2.0, 0.5), method="delta", n_sim=500, **B)
    with pytest.warns(DataWarning, match=r"random_state=3 ignored: the effect is a bare"):
        E.benefit_cost(2.0, random_state=3, **B)


def test_benefit_cost_notes():
    bc = E.benefit_cost((2.0, 0.5), method="delta", years=3, **B)
    assert bc._notes() == [
        "Present values at 0.035 over 3 year(s); effect interval carried through by delta.",
        f"A ratio of {bc.ratio:.2f} means GBP {bc.ratio:.2f} saved per GBP 1 spent; it rests "
        "on the effect estimate's assumptions."]


# ---------------------------------------------------------------- outcome payments

def test_payment_schedule_columns_defaults_and_meta():
    op = E.outcome_payments([90, 80, 75], 100, lag=1, **OP)
    s = op.schedule
    assert list(s.columns) == ["baseline", "outcomes", "payable outcomes", "capped", "payment",
                               "service cost", "investor cash", "commissioner cash"]
    assert s.index.name == "period" and s.index.tolist() == [0, 1, 2, 3]
    assert all(str(t) == "float64" for t in s.dtypes)
    assert s["baseline"].tolist()[:3] == [100.0] * 3 and np.isnan(s["baseline"].iloc[3])
    assert s["outcomes"].tolist()[:3] == [90.0, 80.0, 75.0] and np.isnan(s["outcomes"].iloc[3])
    assert s["payment"].tolist() == [0.0, 10_000.0, 20_000.0, 25_000.0]
    # No unit saving by default: the commissioner only pays.
    assert s["commissioner cash"].tolist() == [0.0, -10_000.0, -20_000.0, -25_000.0]
    assert op.meta["options"] == dict(tariff=1000, people=50, cap_per_person=None,
                                      cap_total=None, unit_saving=0.0, lag=1,
                                      direction="reduction", rate=0.035, baseline_kind="given")


def test_per_person_cap_and_summary_by_hand():
    # Due 10k, 20k, 25k; the per-person cap 600 x 50 = 30,000 cuts the second and third.
    op = E.outcome_payments([90, 80, 75], 100, cap_per_person=600, unit_saving=200,
                            rate=0.1, **OP)
    s = op.schedule
    assert s["payment"].tolist() == [10_000.0, 20_000.0, 0.0]
    assert s["capped"].tolist() == [0.0, 0.0, 25_000.0]
    sm = op.summary()["value"]
    investor = np.array([0.0, 10_000, -10_000])
    commissioner = np.array([10 * 200 - 10_000, 20 * 200 - 20_000, 25 * 200 - 0.0])
    disc = np.array([1, 1 / 1.1, 1 / 1.21])
    assert sm["outcomes paid for"] == 55
    assert sm["total payments"] == 30_000
    assert sm["payments capped away"] == 25_000
    assert sm["investor net (present value)"] == pytest.approx(investor @ disc)
    assert sm["investor multiple (payments / service cost)"] == pytest.approx(1.0)
    assert sm["commissioner net (present value)"] == pytest.approx(commissioner @ disc)
    # The lower of the two caps applies.
    both = E.outcome_payments([90, 80, 75], 100, cap_per_person=600, cap_total=15_000, **OP)
    assert both.schedule["payment"].tolist() == [10_000.0, 5_000.0, 0.0]


def test_achievement_direction_and_per_period_baselines():
    op = E.outcome_payments([5, 12, 20], [10, 10, 15], direction="achievement", **OP)
    assert op.schedule["payable outcomes"].tolist() == [0.0, 2.0, 5.0]
    assert op.meta["options"]["direction"] == "achievement"


def test_payment_notes():
    op = E.outcome_payments([90], 100, cap_total=5000, lag=2, baseline_kind="historic", **OP)
    assert op._notes() == [
        "Tariff 1000 per outcome against a historic baseline; caps: per person None, total "
        "5000; payments 2 period(s) after the outcome.",
        "A baseline that ignores regression to the mean pays for falls that would have "
        "happened anyway; a matched-comparison baseline does not."]


def test_payment_plot_draws_payments_and_the_cumulative_position():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba
    op = E.outcome_payments([90, 80, 75], 100, **OP)
    ax = op.plot()
    assert ax.figure.get_size_inches().tolist() == [7.0, 4.0]
    assert [p.get_height() for p in ax.patches] == [10_000.0, 20_000.0, 25_000.0]
    line = ax.lines[0]
    assert line.get_xdata().tolist() == [0, 1, 2]
    assert line.get_ydata().tolist() == [0.0, 10_000.0, 25_000.0]
    assert line.get_marker() == "o" and to_rgba(line.get_color()) == to_rgba("black")
    assert line.get_label() == "investor, cumulative"
    zero = ax.lines[1]
    assert list(zero.get_ydata()) == [0, 0] and zero.get_linewidth() == 0.8
    assert to_rgba(zero.get_color()) == to_rgba("grey")
    assert ax.get_xlabel() == "period" and ax.get_ylabel() == "GBP"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["investor, cumulative", "outcome payment"] or labels == [
        "outcome payment", "investor, cumulative"]
    assert ax.containers[0].get_label() == "outcome payment"
    plt.close("all")


def test_defaults_options_and_messages_left_over():
    assert E.adjusted_value(1000) == 1000.0
    assert E.adjusted_value(1000, deadweight=0.5) == 500.0
    with pytest.raises(ParameterError, match=r"'random_state' parameter of benefit_cost"):
        E.benefit_cost((2.0, 0.5), random_state="seven", **B)
    op = E.outcome_payments([90], 100, cap_per_person=600, **OP)
    assert op.meta["options"]["cap_per_person"] == 600
    with pytest.raises(ParameterError) as err:
        E.outcome_payments([90, -1], 100, **OP)
    assert str(err.value) == ("The 'outcomes' parameter of outcome_payments must be >= 0; 1 "
                              "value(s) are negative, e.g. [-1.0].")
    # 100,000 periods is the limit: a lag that is not a whole number is the lag's fault.
    with pytest.raises(ParameterError, match=r"^The 'lag' parameter of outcome_payments"):
        E.outcome_payments(np.ones(100_000), 2, lag=0.5, **OP)


def test_overflowing_unit_cost_is_named_before_the_adjustment():
    with pytest.raises(ParameterError, match=r"^The 'unit_cost' and 'people' parameter\(s\) of "
                                             r"benefit_cost give amounts too large"):
        E.benefit_cost(2.0, unit_cost=1e308, people=1, cost=1, years=3)
