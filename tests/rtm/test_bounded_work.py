"""Claim audits and count models do bounded work: large cohorts by an algorithm whose cost
does not grow with n, impossible supports refused with the figure; and their bad input."""

import time

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning, EvaltoolsInputError, ParameterError, SchemaError
from evaltools.rtm.simulate import _by_support, _person_by_person, conditional_moments

POP = {"mean": 0.3, "dispersion": 0.5, "stability": 0.5}
MODEL = et.rtm.CountModel(**POP)


def test_conditional_moments_match_simulation():
    """Mean and variance of next period's count given this period's, against 1,000,000
    simulated people (seed 1); tolerance four Monte Carlo standard errors."""
    y = MODEL.simulate(1_000_000, random_state=1)
    mean, var = conditional_moments(MODEL, np.arange(4))
    for v in range(4):
        nxt = y[y[:, 0] == v, 1]
        se_mean = nxt.std() / np.sqrt(len(nxt))
        se_var = nxt.var() * np.sqrt(2 / len(nxt)) * 2  # heavy-tailed: a generous SE
        assert mean[v] == pytest.approx(nxt.mean(), abs=4 * se_mean)
        assert var[v] == pytest.approx(nxt.var(), abs=4 * se_var)


def test_large_cohort_algorithm_agrees_with_person_by_person_simulation():
    """Cohorts of 3,000 picked at 2+ events, 2,000 cohorts each way (seeds 1 and 2): the
    multinomial-normal draws give the same ratio distribution as simulating every person
    (quantiles within 0.01, about three Monte Carlo SEs)."""
    y = MODEL.support()
    prob = MODEL.pmf(y) * (y >= 2)
    prob = prob / prob.sum()
    exact = _person_by_person(MODEL, y, prob, 3000, 2000, np.random.default_rng(1), False)
    fast = _by_support(MODEL, y, prob, 3000, 2000, np.random.default_rng(2), False)
    for q in (0.025, 0.5, 0.975):
        assert np.quantile(fast, q) == pytest.approx(np.quantile(exact, q), abs=0.01)


def test_audit_of_ten_million_is_quick_and_warns():
    start = time.perf_counter()
    with pytest.warns(DataWarning, match=r"n=10,000,000 people .* check that n counts people"):
        res = et.rtm.audit_claim(before=2.9, after=1.5, n=10**7, threshold=2, population=POP,
                                 random_state=1, progress=False)
    assert time.perf_counter() - start < 5
    lo, hi = res.rtm_interval
    assert lo < res.rtm_fall < hi and hi - lo < 0.01
    with pytest.warns(DataWarning):
        again = et.rtm.audit_claim(before=2.9, after=1.5, n=10**7, threshold=2,
                                   population=POP, random_state=1, progress=False)
    assert again.rtm_interval == res.rtm_interval


def test_audit_progress_bar(capsys):
    et.rtm.audit_claim(before=2.9, after=1.5, n=100, threshold=2, population=POP,
                       random_state=1, progress=True)
    assert "simulated cohorts" in capsys.readouterr().err
    et.rtm.audit_claim(before=2.9, after=1.5, n=100, threshold=2, population=POP,
                       random_state=1, progress=False)
    assert "simulated cohorts" not in capsys.readouterr().err


@pytest.mark.parametrize("mean,dispersion", [(1e6, 0.5), (1000, 0.01)])
def test_count_model_support_is_bounded(mean, dispersion):
    model = et.rtm.CountModel(mean=mean, dispersion=dispersion, stability=0.5)
    with pytest.raises(ParameterError, match=r"puts counts up to about [\d,]+ within reach: "
                                             r"summing over that support needs [\d.,]+ GB"):
        et.rtm.expected_rtm_counts(model, threshold=2)


@pytest.mark.parametrize("kwargs,match", [
    (dict(n=10**10), r"'n' parameter of audit_claim must be an int in \[1, 1000000000\]"),
    (dict(n=0), r"'n' parameter of audit_claim"),
    (dict(before=np.nan), r"'before' parameter of audit_claim .* Got nan"),
    (dict(after=np.inf), r"'after' parameter of audit_claim .* Got inf"),
    (dict(population={"mean": 0.3}), r"'population' parameter of audit_claim must have "
                                     r"exactly the keys .* missing \['dispersion', 'stability'\]"),
    (dict(population={**POP, "mean": -1}), r"'mean' parameter of CountModel"),
    (dict(population={**POP, "dispersion": np.inf}), r"'dispersion' parameter .* Got inf"),
    (dict(n_sim=10**9), r"'n_sim' parameter of audit_claim"),
    (dict(progress="no"), r"'progress' parameter of audit_claim must be True or False"),
], ids=["n-huge", "n-zero", "before-nan", "after-inf", "population-keys", "mean-negative",
        "dispersion-inf", "n_sim-huge", "progress-text"])
def test_audit_bad_input(kwargs, match):
    args = dict(before=2.9, after=1.5, n=100, threshold=2, population=POP) | kwargs
    with pytest.raises(ParameterError, match=match):
        et.rtm.audit_claim(**args)


def test_count_model_simulation_is_bounded():
    with pytest.raises(ParameterError, match=r"would draw 2,000,000,000 counts \(16.0 GB\)"):
        MODEL.simulate(10**9, periods=2)
    with pytest.raises(ParameterError, match=r"'threshold' parameter .* Got inf"):
        et.rtm.expected_rtm_counts(MODEL, threshold=np.inf)


@pytest.mark.parametrize("args,kwargs,match", [
    (([1.0, 2, 3], [1.0, np.inf, 1], [2.0, 2, 2], [1.0, 1, 1]), {},
     r"treated_after has 0 missing and 1 infinite value\(s\), at positions \[1\]"),
    (([1.0, np.nan, 3], [1.0, 2, 1], [2.0, 2, 2], [1.0, 1, 1]), {},
     r"treated_before has 1 missing"),
    (([1.0, 2, 3], [1.0, 2], [2.0, 2, 2], [1.0, 1, 1]), {}, r"the same length\); got lengths "
                                                            r"3 and 2"),
    (([1.0, 2, 3], [1.0, 2, 1], [2.0, 2, 2], [1.0, 1, 1]), dict(paired="no"),
     r"'paired' parameter of decompose_change must be True or False"),
    (([1.0, 2, 3], [1.0, 2, 1], [2.0, 2, 2], [1.0, 1, 1]), dict(progress="False"),
     r"'progress' parameter of decompose_change"),
    ((["a"], [1.0], [2.0], [1.0]), {}, r"treated_before must be numbers"),
], ids=["inf", "nan", "lengths", "paired-text", "progress-text", "text"])
def test_decompose_bad_input(args, kwargs, match):
    with pytest.raises(EvaltoolsInputError, match=match):
        et.rtm.decompose_change(*args, n_boot=10, **kwargs)


def _panel():
    rng = np.random.default_rng(5)
    return pd.DataFrame({"person_id": np.repeat(np.arange(50), 3),
                         "rel_period": np.tile([0, 1, 2], 50),
                         "emergency": rng.poisson(0.8, 150).astype(float)})


@pytest.mark.parametrize("change,match", [
    (dict(emergency={0: np.inf}), r"Column 'emergency' of the data table has 0 missing and 1 "
                                  r"infinite value\(s\), at person_id \[0\]"),
    (dict(emergency={3: np.nan}), r"Column 'emergency' .* 1 missing"),
    (dict(emergency={0: -1.0}), r"must hold counts \(>= 0\); 1 row\(s\) are negative"),
    (dict(rel_period={1: 0}), r"2 rows that repeat a \(person_id, rel_period\) pair"),
], ids=["inf", "nan", "negative", "duplicate"])
def test_fit_count_model_bad_input(change, match):
    panel = _panel()
    for column, values in change.items():
        for row, value in values.items():
            panel.loc[row, column] = value
    with pytest.raises(SchemaError, match=match):
        et.rtm.fit_count_model(panel, "emergency")


def test_trajectory_refuses_duplicates_and_infinite_thresholds():
    panel = _panel()
    with pytest.raises(ParameterError, match=r"'threshold' parameter of selection_trajectory"):
        et.rtm.selection_trajectory(panel, outcome="emergency", select_period=1,
                                    threshold=np.inf)
    panel.loc[1, "rel_period"] = 0
    with pytest.raises(SchemaError, match=r"repeat a \(person_id, rel_period\) pair"):
        et.rtm.selection_trajectory(panel, outcome="emergency", select_period=1, threshold=2)


def test_count_functions_refuse_a_model_that_is_not_a_count_model():
    with pytest.raises(ParameterError, match=r"'model' parameter of expected_rtm_counts must "
                                             r"be a CountModel .* Got dict"):
        et.rtm.expected_rtm_counts(POP, threshold=2)
    with pytest.raises(ParameterError, match=r"'model' parameter of decompose_with_model"):
        et.rtm.decompose_with_model([2.0, 3.0], [1.0, 1.0], model=POP, threshold=2)


@pytest.mark.parametrize("call", [
    lambda rs: et.rtm.audit_claim(before=2.9, after=1.5, n=100, threshold=2, population=POP,
                                  random_state=rs, progress=False),
    lambda rs: et.rtm.expected_rtm_normal(0, 1, 0.5, 1, n=50, random_state=rs),
    lambda rs: et.rtm.decompose_change([1.0, 2], [1.0, 1], [2.0, 2], [1.0, 1], n_boot=5,
                                       random_state=rs, progress=False),
    lambda rs: MODEL.simulate(10, random_state=rs),
    lambda rs: et.economics.benefit_cost((1.0, 0.5, 1.5), unit_cost=1, people=1, cost=1,
                                         random_state=rs),
], ids=["audit", "normal", "decompose", "simulate", "benefit_cost"])
@pytest.mark.parametrize("value", ["abc", -1, 1.5, True])
def test_random_state_is_checked(call, value):
    with pytest.raises(ParameterError, match=r"'random_state' parameter of .* must be None, a "
                                             r"non-negative int or a numpy Generator"):
        call(value)


def test_same_random_state_same_answer():
    gen = np.random.default_rng(3)
    a = et.rtm.audit_claim(before=2.9, after=1.5, n=100, threshold=2, population=POP,
                           random_state=gen, progress=False)
    assert a.rtm_interval[0] < a.rtm_interval[1]
    b1 = et.rtm.audit_claim(before=2.9, after=1.5, n=100, threshold=2, population=POP,
                            random_state=7, progress=False)
    b2 = et.rtm.audit_claim(before=2.9, after=1.5, n=100, threshold=2, population=POP,
                            random_state=7, progress=False)
    assert b1.rtm_interval == b2.rtm_interval


def test_decomposition_bootstrap_is_vectorised_and_bounded():
    """A million resamples of a small cohort answer in seconds; a bootstrap whose draws
    (resamples x people) would take minutes is refused with the figure."""
    base = ([3.0, 2, 4], [1.0, 2, 1], [2.0, 2, 2], [1.0, 1, 1])
    res = et.rtm.decompose_change(*base, n_boot=1_000_000, random_state=0, progress=False)
    assert res.draws.shape == (1_000_000, 5)
    with pytest.raises(EvaltoolsInputError, match=r"'n_boot' parameter of decompose_change: "
                                                  r"100,000 resamples of 20,003 people need "
                                                  r"2,000,300,000 draws"):
        et.rtm.decompose_change(np.ones(10_000), np.ones(10_000), *base[2:],
                                population_before=np.ones(10_000),
                                population_after=np.ones(10_000), n_boot=100_000,
                                progress=False)


@pytest.mark.parametrize("paired", [False, True])
def test_decomposition_bootstrap_standard_error_matches_the_formula(paired):
    """Seeded simulation: the bootstrap SE of the intervention component (treated change
    minus controls' change) is within 5% of its plug-in formula: sqrt(s_t^2/n_t + s_c^2/n_c)
    for independent groups, sd(t - c)/sqrt(n) for matched pairs (both with ddof=0, as the
    bootstrap's own variance)."""
    rng = np.random.default_rng(42)
    n = 400
    tb, cb = rng.poisson(3, n).astype(float), rng.poisson(3, n).astype(float)
    ta, ca = tb * 0.5 + rng.poisson(1, n), cb * 0.5 + rng.poisson(1.2, n)
    res = et.rtm.decompose_change(tb, ta, cb, ca, paired=paired, n_boot=4000, random_state=1,
                                  progress=False)
    t, c = ta - tb, ca - cb
    expected = (np.std(t - c) / np.sqrt(n) if paired
                else np.sqrt(np.var(t) / n + np.var(c) / n))
    se = res.tidy().set_index("term").loc["intervention (naive - controls)", "std_error"]
    assert se == pytest.approx(expected, rel=0.05)
