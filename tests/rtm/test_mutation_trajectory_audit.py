"""Selection trajectories, claim audits, cohort simulation and decompositions: hand-computed
tables, standard errors against their formulas, rule and warning boundaries (found by
mutation testing, ``make mutation``).

Independent references: cohort means and standard errors by hand (SD with n - 1 over root
n); the delta method for the SD of a ratio of means of n independent people, with the
count model's exact moments in the two limits where they have closed forms (stability 0:
next period independent, negative binomial; stability 1: the posterior predictive
negative binomial, mean (k + y) s and variance (k + y) s (1 + s) with s = mu / (k + mu));
the law of total variance; bootstrap standard errors of means against sd / sqrt(n).
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning, EvaltoolsInputError, ParameterError, SchemaError
from evaltools.rtm import audit as audit_module
from evaltools.rtm import simulate as sim
from evaltools.rtm.audit import AuditResult

POP = dict(mean=0.3, dispersion=0.5, stability=0.5)
MODEL = et.rtm.CountModel(**POP)

# --- selection_trajectory ----------------------------------------------------------------

VALUES = {1: [0, 4, 1, 2], 2: [1, 3, 2, 0], 3: [2, 3, 0, 1], 4: [0, 1, 1, 0],
          5: [3, 0, 2, 2], 6: [1, 2, 5, 1]}


def small_panel():
    return pd.DataFrame([(p, t, v) for p, vals in VALUES.items() for t, v in enumerate(vals)],
                        columns=["person_id", "rel_period", "use"])


def test_trajectory_by_hand():
    """Selected at period 1 with use >= 3: persons 1, 2, 3 (a 3 at the threshold is in).
    Period 0: [0, 1, 2], mean 1, SD 1, SE 1/sqrt(3); period 1: [4, 3, 3], mean 10/3, SD
    sqrt(1/3), SE 1/3; period 2: [1, 2, 0], mean 1, SE 1/sqrt(3). Everyone: 7/6, 13/6,
    11/6. Period 3 lies beyond after=1."""
    traj = et.rtm.selection_trajectory(small_panel(), outcome="use", select_period=1,
                                       threshold=3, before=1, after=1)
    t = traj.summary()
    assert traj.n_selected == 3
    assert t["period"].tolist() == [0, 1, 2] and t["relative_period"].tolist() == [-1, 0, 1]
    np.testing.assert_allclose(t["cohort_mean"], [1, 10 / 3, 1], rtol=1e-12)
    se = np.array([1 / np.sqrt(3), 1 / 3, 1 / np.sqrt(3)])
    np.testing.assert_allclose(t["std_error"], se, rtol=1e-12)
    np.testing.assert_allclose(t["ci_low"], t["cohort_mean"] - 1.96 * se, rtol=1e-12)
    np.testing.assert_allclose(t["ci_high"], t["cohort_mean"] + 1.96 * se, rtol=1e-12)
    assert t["n"].tolist() == [3, 3, 3]
    np.testing.assert_allclose(t["population_mean"], [7 / 6, 13 / 6, 11 / 6], rtol=1e-12)
    tidy = traj.tidy()
    assert tidy["term"].tolist() == ["relative period -1", "relative period 0",
                                     "relative period 1"]
    np.testing.assert_allclose(tidy["std_error"], se, rtol=1e-12)
    assert tidy["n"].tolist() == [3, 3, 3]
    assert traj.meta["options"]["threshold"] == 3 and traj.meta["options"]["after"] == 1
    assert traj.select_period == 1 and traj.outcome == "use"
    assert "3 people selected on 'use' in period 1" in traj._notes()[0]


@pytest.mark.parametrize("threshold,chosen", [(2, 4), (3, 3), (3.5, 1), (4, 1)])
def test_trajectory_threshold_boundary(threshold, chosen):
    """Use at period 1 is [4, 3, 3, 1, 0, 2]: at least 2 picks four people, 3 picks three."""
    traj = et.rtm.selection_trajectory(small_panel(), outcome="use", select_period=1,
                                       threshold=threshold)
    assert traj.n_selected == chosen
    picked = [v for v in VALUES.values() if v[1] >= threshold]
    assert traj.summary()["cohort_mean"].tolist() == pytest.approx(
        np.mean(picked, axis=0).tolist())


@pytest.mark.parametrize("top,persons", [(0.4, [1, 2]), (0.5, [1, 2, 3]), (1 / 6, [1]),
                                         (1.0, [1, 2, 3, 4, 5, 6])])
def test_trajectory_top_share_breaks_ties_by_person_order(top, persons):
    """Top 40% of six people is round(2.4) = 2: person 1 (4 uses) and person 2 (the first
    of the two with 3)."""
    traj = et.rtm.selection_trajectory(small_panel(), outcome="use", select_period=1, top=top)
    assert traj.n_selected == len(persons)
    expected = np.mean([VALUES[p] for p in persons], axis=0)
    assert traj.summary()["cohort_mean"].tolist() == pytest.approx(expected.tolist())


def test_trajectory_counts_people_present_in_each_period():
    """Person 2 has no row for period 3 (a death): n and the mean use who is there; the top
    share counts only people with a value in the selection period."""
    d = small_panel()
    d = d[~((d.person_id == 2) & (d.rel_period == 3))]
    traj = et.rtm.selection_trajectory(d, outcome="use", select_period=1, threshold=3)
    t = traj.summary().set_index("period")
    assert t.loc[3, "n"] == 2 and t.loc[3, "cohort_mean"] == pytest.approx(1.5)
    assert t.loc[3, "std_error"] == pytest.approx(np.std([2, 1], ddof=1) / np.sqrt(2))
    assert t.loc[3, "population_mean"] == pytest.approx(6 / 5)
    d2 = small_panel()
    d2 = d2[~((d2.person_id == 6) & (d2.rel_period == 1))]
    top = et.rtm.selection_trajectory(d2, outcome="use", select_period=1, top=0.5)
    assert top.n_selected == 2  # round(0.5 * 5) = 2 of the five people seen at period 1


@pytest.mark.parametrize("before,after,periods", [(0, 1, [1, 2]), (1, 0, [0, 1]),
                                                  (5, 5, [0, 1, 2, 3]), (1, 2, [0, 1, 2, 3])])
def test_trajectory_window(before, after, periods):
    traj = et.rtm.selection_trajectory(small_panel(), outcome="use", select_period=1,
                                       threshold=3, before=before, after=after)
    assert traj.summary()["period"].tolist() == periods


def test_trajectory_window_warnings():
    """The panel spans 3 periods: 5 (the default) is quiet, 6 reaches beyond the data."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        et.rtm.selection_trajectory(small_panel(), outcome="use", select_period=1, threshold=3,
                                    before=5, after=5)
    with pytest.warns(DataWarning, match=r"before=6 reaches beyond the data, whose periods of "
                                         r"'rel_period' span only 3 \(0 to 3\)"):
        et.rtm.selection_trajectory(small_panel(), outcome="use", select_period=1, threshold=3,
                                    before=6)
    with pytest.warns(DataWarning, match=r"selection_trajectory: before=7, after=6 reaches"):
        et.rtm.selection_trajectory(small_panel(), outcome="use", select_period=1, threshold=3,
                                    before=7, after=6)
    long = pd.DataFrame([(p, t, (p * t) % 4) for p in range(4) for t in range(9)],
                        columns=["person_id", "rel_period", "use"])
    with warnings.catch_warnings():  # span 8: a window of 8 is within the data
        warnings.simplefilter("error")
        et.rtm.selection_trajectory(long, outcome="use", select_period=4, threshold=0,
                                    before=8, after=8)
    with pytest.warns(DataWarning, match=r"after=9"):
        et.rtm.selection_trajectory(long, outcome="use", select_period=4, threshold=0, after=9)


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(select_period=7), SchemaError, r"select_period 7 is not a value of 'rel_period' "
                                         r"\(periods run 0 to 3\)"),
    (dict(select_period="1"), ParameterError, r"'select_period' parameter"),
    (dict(threshold=None), ParameterError, r"exactly one selection rule: threshold= or top="),
    (dict(top=0.5), ParameterError, r"exactly one selection rule"),
    (dict(threshold=None, top=0.0), ParameterError, r"'top' parameter of selection_trajectory"),
    (dict(threshold=None, top=1.2), ParameterError, r"'top' parameter"),
    (dict(threshold=5), ParameterError, r"Nobody meets the rule \(threshold=5, top=None\) .* "
                                        r"the highest value is 4"),
    (dict(before=-1), ParameterError, r"'before' parameter"),
    (dict(after=1.5), ParameterError, r"'after' parameter"),
], ids=["period", "period-text", "no-rule", "two-rules", "top-0", "top-high", "nobody",
        "before", "after"])
def test_trajectory_refusals(kwargs, error, match):
    args = dict(outcome="use", select_period=1, threshold=3) | kwargs
    with pytest.raises(error, match=match):
        et.rtm.selection_trajectory(small_panel(), **args)


def test_trajectory_top_share_too_small_selects_nobody():
    with pytest.raises(ParameterError, match=r"Nobody meets the rule \(threshold=None, "
                                             r"top=0.05\)"):
        et.rtm.selection_trajectory(small_panel(), outcome="use", select_period=1, top=0.05)


def test_trajectory_plot():
    d = small_panel().rename(columns={"use": "emergency_use"})
    traj = et.rtm.selection_trajectory(d, outcome="emergency_use", select_period=1,
                                       threshold=3, before=1, after=1)
    fig, ax = plt.subplots()
    out = traj.plot(ax=ax, color="red")
    assert out is ax
    cohort, everyone = ax.get_lines()[0], ax.get_lines()[1]
    assert cohort.get_color() == "red" and cohort.get_label() == "selected cohort"
    np.testing.assert_allclose(cohort.get_ydata(), [1, 10 / 3, 1])
    np.testing.assert_allclose(cohort.get_xdata(), [-1, 0, 1])
    np.testing.assert_allclose(everyone.get_ydata(), [7 / 6, 13 / 6, 11 / 6])
    assert everyone.get_label() == "everyone"
    assert ax.get_ylabel() == "mean emergency use per person per period"
    assert ax.get_legend() is not None
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(1 - 1.96 / np.sqrt(3))
    assert band[:, 1].max() == pytest.approx(10 / 3 + 1.96 / 3)
    plt.close(fig)


# --- audit_claim --------------------------------------------------------------------------

def made_audit(before=4.0, after=2.0, rtm_after=2.5, interval=(1.2, 1.8), ratios=None):
    return AuditResult(claimed_before=before, claimed_after=after, n=300, rtm_after=rtm_after,
                       rtm_interval=interval, model=MODEL, verdict="", ratios=ratios)


def test_audit_summary_by_hand():
    """Claim 4.0 -> 2.0 (a 50% fall); RTM alone 2.5 after, falls from 1.2 to 1.8: expected
    after 2.5 (2.2 to 2.8); fall 37.5% (30% to 45%); share 1.5 / 2 = 0.75 (0.6 to 0.9)."""
    r = made_audit()
    s = r.summary()
    assert s.loc["claimed mean before", "estimate"] == 4.0
    assert s.loc["claimed mean after", "estimate"] == 2.0
    assert s.loc["claimed fall (%)", "estimate"] == pytest.approx(50)
    assert s.loc["expected after with no effect (RTM only)"].tolist() == pytest.approx(
        [2.5, 2.2, 2.8])
    assert s.loc["fall from RTM alone (%)"].tolist() == pytest.approx([37.5, 30, 45])
    assert s.loc["share of claimed fall explained by RTM"].tolist() == pytest.approx(
        [0.75, 0.6, 0.9])
    assert (r.claimed_fall, r.rtm_fall, r.share_explained) == pytest.approx((2.0, 1.5, 0.75))
    assert np.isnan(s.loc["claimed mean before", "ci_low"])


@pytest.mark.parametrize("hi,no_evidence", [(2.0, True), (1.999, False), (2.5, True)])
def test_audit_verdict_boundary(hi, no_evidence):
    """The claimed fall (2.0) no larger than the top of the RTM-alone interval is no
    evidence of an effect; just above it, the rest could be an effect."""
    r = made_audit(interval=(1.2, hi))
    text = audit_module._verdict(r)
    assert ("no evidence that the programme worked" in text) is no_evidence
    assert ("the rest could be an effect" in text) is (not no_evidence)
    assert text.startswith(f"Regression to the mean alone would produce a fall of 38% (95% "
                           f"interval 30% to {100 * hi / 4:.0f}%) against the claimed 50%.")
    if not no_evidence:
        assert "explains about 75% of it" in text


def test_audit_estimates_and_intervals_from_the_simulated_ratios():
    """Falls are before x (1 - ratio); shares are falls over the claimed fall (2.0)."""
    ratios = np.array([0.5, 0.55, 0.6, 0.62, 0.7, 0.45, 0.58])
    r = made_audit(ratios=ratios)
    falls = 4.0 * (1 - ratios)
    t = r.tidy().set_index("term")
    assert t.loc["fall from RTM alone", "estimate"] == pytest.approx(1.5)
    assert t.loc["fall from RTM alone", "std_error"] == pytest.approx(np.std(falls, ddof=1))
    assert t.loc["share of claimed fall explained by RTM", "std_error"] == pytest.approx(
        np.std(falls / 2.0, ddof=1))
    assert t.loc["share of claimed fall explained by RTM", "estimate"] == pytest.approx(0.75)
    assert t.loc["fall from RTM alone", ["conf_low", "conf_high"]].tolist() == pytest.approx(
        np.quantile(falls, [0.025, 0.975]).tolist())
    assert r.conf_int(0.8).loc["share of claimed fall explained by RTM"].tolist() == \
        pytest.approx(np.quantile(falls / 2.0, [0.1, 0.9]).tolist())
    assert (t["n"] == 300).all()
    none = made_audit().tidy()
    assert none["std_error"].isna().all()


def test_audit_plot():
    r = made_audit()
    fig, ax = plt.subplots()
    assert r.plot(ax=ax, color="green") is ax
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx([4.0, 2.0, 2.5])
    assert ax.get_title() == "RTM explains 75% of the claimed fall"
    segs = ax.collections[0].get_segments()[0]  # the interval of RTM alone: 2.2 to 2.8
    assert sorted(segs[:, 1]) == pytest.approx([2.2, 2.8])
    plt.close(fig)


def test_audit_claim_numbers():
    """rtm_after = before x expected_after / selected_mean; the interval of falls is before
    x (1 - ratio) at the 97.5% and 2.5% quantiles of the simulated ratios."""
    res = et.rtm.audit_claim(before=2.9, after=1.54, n=400, threshold=2, population=POP,
                             n_sim=300, random_state=4, progress=False)
    est = et.rtm.expected_rtm_counts(MODEL, threshold=2)
    assert res.rtm_after == pytest.approx(2.9 * est.expected_after / est.selected_mean)
    assert res.rtm_interval == pytest.approx(tuple(2.9 * (1 - np.quantile(res.ratios,
                                                                           [0.975, 0.025]))))
    assert res.rtm_interval[0] < res.rtm_interval[1]
    assert len(res.ratios) == 300 and res.n == 400
    assert res.meta["options"] == dict(threshold=2, top=None, n_sim=300)
    assert res.meta["random_state"] == 4
    assert res.model == MODEL
    assert res.verdict == audit_module._verdict(res)
    top = et.rtm.audit_claim(before=2.9, after=1.54, n=400, top=0.05, population=MODEL,
                             n_sim=100, random_state=4, progress=False)
    est_top = et.rtm.expected_rtm_counts(MODEL, top=0.05)
    assert top.rtm_after == pytest.approx(2.9 * est_top.expected_after / est_top.selected_mean)


@pytest.mark.parametrize("before,warns", [(2.0, False), (1.99, True)])
def test_audit_warns_when_before_is_below_the_threshold(before, warns):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        et.rtm.audit_claim(before=before, after=1.0, n=50, threshold=2, population=POP,
                           n_sim=100, random_state=1, progress=False)
    got = [w for w in caught if "below threshold" in str(w.message)]
    assert bool(got) is warns


@pytest.mark.parametrize("n,warns", [(1_000_000, False), (1_000_001, True)])
def test_audit_warns_for_implausible_cohorts(n, warns):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        et.rtm.audit_claim(before=2.9, after=1.5, n=n, threshold=2, population=POP,
                           n_sim=100, random_state=1, progress=False)
    assert any("larger than any programme's cohort" in str(w.message) for w in caught) is warns


def test_audit_refusals():
    with pytest.raises(ParameterError, match=r"shows no fall \(after 2.0 >= before 2.0\)"):
        et.rtm.audit_claim(before=2.0, after=2.0, n=10, threshold=2, population=POP)
    with pytest.raises(ParameterError, match=r"'before' parameter of audit_claim"):
        et.rtm.audit_claim(before=0.0, after=0.0, n=10, threshold=2, population=POP)
    with pytest.raises(ParameterError, match=r"'after' parameter of audit_claim"):
        et.rtm.audit_claim(before=2.0, after=-0.1, n=10, threshold=2, population=POP)
    ok = et.rtm.audit_claim(before=2.0, after=0.0, n=1, threshold=2, population=POP,
                            n_sim=100, random_state=0, progress=False)
    assert ok.claimed_fall == 2.0
    with pytest.raises(ParameterError, match=r"'n_sim' parameter of audit_claim"):
        et.rtm.audit_claim(before=2.0, after=1.0, n=10, threshold=2, population=POP, n_sim=99)
    with pytest.raises(ParameterError, match=r"unknown \['size'\]"):
        et.rtm.audit_claim(before=2.0, after=1.0, n=10, threshold=2,
                           population={**POP, "size": 3})
    with pytest.raises(ParameterError, match=r"needs the population"):
        et.rtm.audit_claim(before=2.0, after=1.0, n=10, threshold=2, population=[0.3, 0.5])


# --- cohort simulation ---------------------------------------------------------------------

def selected_moments(model, threshold):
    """Per-person moments of (before B, after A) in the selected group, for stability 0 or 1
    where Var(A | B = y) has a closed form."""
    k, mu, rho = model.dispersion, model.mean, model.stability
    y = np.arange(300)
    p = model.pmf(y) * (y >= threshold)
    p = p / p.sum()
    s = mu / (k + mu)
    if rho == 1:
        cond_mean, cond_var = (k + y) * s, (k + y) * s * (1 + s)
    else:
        cond_mean, cond_var = np.full(len(y), mu), np.full(len(y), mu + mu**2 / k)
    mb, ma = (p * y).sum(), (p * cond_mean).sum()
    vb = (p * (y - mb) ** 2).sum()
    va = (p * cond_var).sum() + (p * (cond_mean - ma) ** 2).sum()
    cov = (p * (y - mb) * (cond_mean - ma)).sum()
    return mb, ma, vb, va, cov


@pytest.mark.parametrize("rho", [0.0, 1.0])
@pytest.mark.parametrize("large", [False, True], ids=["person-by-person", "by-support"])
def test_simulated_ratios_match_the_delta_method(rho, large):
    """Cohorts of 1,500 picked at 2+ events, 400 cohorts (seed 8): the mean ratio is the
    ratio of mean after to mean before and its SD the delta-method SD, sqrt((Var A - 2 R
    Cov(A, B) + R^2 Var B) / n) / E B; tolerances: four Monte Carlo SEs for the mean, 15%
    for the SD (its Monte Carlo SE is about 3.5%)."""
    model = et.rtm.CountModel(mean=0.6, dispersion=0.8, stability=rho)
    mb, ma, vb, va, cov = selected_moments(model, 2)
    n, n_sim = 1500, 400
    ratio = ma / mb
    sd = np.sqrt((va - 2 * ratio * cov + ratio**2 * vb) / n) / mb
    y = model.support()
    prob = model.pmf(y) * (y >= 2)
    prob = prob / prob.sum()
    run = sim._by_support if large else sim._person_by_person
    got = run(model, y, prob, n, n_sim, np.random.default_rng(8), False)
    assert got.mean() == pytest.approx(ratio, abs=4 * sd / np.sqrt(n_sim))
    assert got.std(ddof=1) == pytest.approx(sd, rel=0.15)


def test_conditional_moments_in_closed_form():
    """Stability 1: mean (k + y) s and variance (k + y) s (1 + s), s = mu / (k + mu);
    stability 0: mu and mu + mu^2 / k; any stability: the law of total variance gives the
    negative binomial variance mu + mu^2 / k and the mean is the shrinkage formula."""
    y = np.arange(40)
    k, mu = 0.8, 0.6
    s = mu / (k + mu)
    mean, var = sim.conditional_moments(et.rtm.CountModel(mu, k, 1.0), y)
    np.testing.assert_allclose(mean, (k + y) * s, rtol=1e-12)
    np.testing.assert_allclose(var, (k + y) * s * (1 + s), rtol=1e-12)
    mean, var = sim.conditional_moments(et.rtm.CountModel(mu, k, 0.0), y)
    np.testing.assert_allclose(mean, mu, rtol=1e-12)
    np.testing.assert_allclose(var, mu + mu**2 / k, rtol=1e-12)
    model = et.rtm.CountModel(mu, k, 0.35)
    y = model.support()
    p = model.pmf(y)
    mean, var = sim.conditional_moments(model, y)
    np.testing.assert_allclose(mean, model.expected_next(y), rtol=1e-12)
    total = (p * var).sum() + (p * (mean - mu) ** 2).sum()
    assert total == pytest.approx(mu + mu**2 / k, rel=1e-9)


@pytest.mark.parametrize("n_sim,path", [(50, "person"), (51, "support")])
def test_simulation_path_boundary(monkeypatch, n_sim, path):
    """Cohorts are simulated person by person up to EXACT_LIMIT person-draws (here 20 x 50)."""
    monkeypatch.setattr(sim, "EXACT_LIMIT", 1000)
    got = sim.simulate_cohort_ratios(MODEL, 20, n_sim, 2, None, 3)
    y = MODEL.support()
    prob = MODEL.pmf(y) * (y >= 2)
    prob = prob / prob.sum()
    run = sim._person_by_person if path == "person" else sim._by_support
    np.testing.assert_array_equal(got, run(MODEL, y, prob, 20, n_sim,
                                           np.random.default_rng(3), False))


def test_simulation_in_small_chunks_fills_every_cohort(monkeypatch):
    """Chunks of a few cohorts at a time: every cohort gets a ratio (no uninitialised
    values), and the ratios keep their distribution."""
    monkeypatch.setattr(sim, "_CHUNK", 100)
    y = MODEL.support()
    prob = MODEL.pmf(y) * (y >= 2)
    prob = prob / prob.sum()
    person = sim._person_by_person(MODEL, y, prob, 30, 203, np.random.default_rng(1), False)
    support = sim._by_support(MODEL, y, prob, 30, 203, np.random.default_rng(1), False)
    for got in (person, support):
        assert np.isfinite(got).all() and (got > 0).all() and (got < 2).all()
        est = et.rtm.expected_rtm_counts(MODEL, threshold=2)
        assert got.mean() == pytest.approx(est.expected_after / est.selected_mean,
                                           abs=4 * got.std() / np.sqrt(203))


# --- decompose_change and decompose_with_model -------------------------------------------

def test_decompose_change_by_hand():
    """Treated 3, 4, 5, 6 -> 1, 3, 2, 4: naive -2; controls 2, 4, 6 -> 2, 2, 3: -5/3;
    population 1, 1, 2 -> 2, 1, 2: +1/3. RTM = -5/3 - 1/3 = -2; intervention = -2 + 5/3."""
    res = et.rtm.decompose_change([3, 4, 5, 6], [1, 3, 2, 4], [2, 4, 6], [2, 2, 3],
                                  population_before=[1, 1, 2], population_after=[2, 1, 2],
                                  n_boot=50, random_state=0, progress=False)
    e = res.summary()["estimate"]
    assert e.tolist() == pytest.approx([-2, -2, 1 / 3, -5 / 3, -1 / 3])
    assert res.n == 4 and res.draws.shape == (50, 5)
    assert res.meta["options"] == dict(n_boot=50, paired=False)
    # Each bootstrap draw is a mean of four treated changes (multiples of 1/4) and obeys the
    # same identities as the point estimates.
    d = res.draws
    assert np.allclose(d[:, 0] * 4, np.round(d[:, 0] * 4))
    np.testing.assert_allclose(d[:, 4], d[:, 0] - d[:, 3])
    np.testing.assert_allclose(d[:, 1], d[:, 3] - d[:, 2])
    lo, hi = np.quantile(d, [0.025, 0.975], axis=0)
    np.testing.assert_allclose(res.summary()["ci_low"], lo)
    np.testing.assert_allclose(res.summary()["ci_high"], hi)
    ax = res.plot()
    assert [p.get_height() for p in ax.patches] == pytest.approx([-2, -2, 1 / 3, -5 / 3, -1 / 3])
    plt.close(ax.figure)


def test_decompose_change_without_population():
    res = et.rtm.decompose_change([3, 4, 5, 6], [1, 3, 2, 4], [2, 4, 6], [2, 2, 3],
                                  n_boot=20, random_state=0, progress=False)
    s = res.summary()
    assert np.isnan(s.loc["secular trend", "estimate"])
    assert np.isnan(s.loc["regression to the mean", "estimate"])
    assert np.isnan(s.loc["secular trend", "ci_low"])
    assert s.loc["controls' change (RTM + trend)", "estimate"] == pytest.approx(-5 / 3)
    assert not np.isnan(s.loc["intervention (naive - controls)", "ci_low"])


def test_decompose_change_bootstrap_standard_errors():
    """Seeded (42): bootstrap SEs of each mean change against sd / sqrt(n) (ddof 0, as the
    bootstrap's own variance), within 6%; 3,000 resamples (Monte Carlo SE of an SE about
    1.3%)."""
    rng = np.random.default_rng(42)
    nt, nc, npop = 300, 200, 500
    tb, cb, pb = rng.poisson(3, nt), rng.poisson(3, nc), rng.poisson(1, npop)
    ta, ca, pa = rng.poisson(2, nt), rng.poisson(2.5, nc), rng.poisson(1.2, npop)
    res = et.rtm.decompose_change(tb, ta, cb, ca, population_before=pb, population_after=pa,
                                  n_boot=3000, random_state=1, progress=False)
    t = res.tidy().set_index("term")["std_error"]
    st, sc, sp = (np.std(a - b) / np.sqrt(len(a)) for a, b in ((ta, tb), (ca, cb), (pa, pb)))
    assert t["naive change (treated)"] == pytest.approx(st, rel=0.06)
    assert t["secular trend"] == pytest.approx(sp, rel=0.06)
    assert t["controls' change (RTM + trend)"] == pytest.approx(sc, rel=0.06)
    assert t["regression to the mean"] == pytest.approx(np.hypot(sc, sp), rel=0.06)
    assert t["intervention (naive - controls)"] == pytest.approx(np.hypot(st, sc), rel=0.06)


def test_decompose_with_model_by_hand():
    """RTM = the model's relative change for the rule x the cohort's mean before; the trend
    is the population's change; the rest is the intervention."""
    est = et.rtm.expected_rtm_counts(MODEL, threshold=2)
    rel = est.change / est.selected_mean
    tb, ta = [2, 3, 4, 2], [1, 1, 2, 0]
    res = et.rtm.decompose_with_model(tb, ta, model=MODEL, threshold=2,
                                      population_before=[0, 1, 0], population_after=[1, 1, 0],
                                      n_boot=40, random_state=0, progress=False)
    e = res.summary()["estimate"]
    naive, rtm, trend = -7 / 4, rel * 11 / 4, 1 / 3
    assert e.tolist() == pytest.approx([naive, rtm, trend, naive - rtm - trend])
    no_pop = et.rtm.decompose_with_model(tb, ta, model=MODEL, threshold=2, n_boot=40,
                                         random_state=0, progress=False)
    assert no_pop.summary()["estimate"].tolist() == pytest.approx([naive, rtm, 0, naive - rtm])
    assert (no_pop.draws[:, 2] == 0).all()
    assert no_pop.meta["options"]["threshold"] == 2 and no_pop.meta["options"]["n_boot"] == 40
    top = et.rtm.decompose_with_model(tb, ta, model=MODEL, top=0.05, n_boot=10,
                                      random_state=0, progress=False)
    est_top = et.rtm.expected_rtm_counts(MODEL, top=0.05)
    assert top.summary().loc["regression to the mean (count model)", "estimate"] == \
        pytest.approx(est_top.change / est_top.selected_mean * 11 / 4)


def test_decompose_with_model_resamples_people_with_their_before_counts():
    """Seeded (7): the RTM draw is rel x mean(before) of the same resample as the naive
    change, so the intervention's bootstrap SE is sd(change - rel x before) / sqrt(n)
    (within 6%, 3,000 resamples), not the SE of independent resamples."""
    rng = np.random.default_rng(7)
    n = 400
    tb = rng.poisson(3, n) + 2
    ta = np.maximum(0, tb - rng.poisson(2, n))
    est = et.rtm.expected_rtm_counts(MODEL, threshold=2)
    rel = est.change / est.selected_mean
    res = et.rtm.decompose_with_model(tb, ta, model=MODEL, threshold=2, n_boot=3000,
                                      random_state=1, progress=False)
    t = res.tidy().set_index("term")["std_error"]
    change = ta - tb
    assert t["intervention (naive - RTM - trend)"] == pytest.approx(
        np.std(change - rel * tb) / np.sqrt(n), rel=0.06)
    assert t["regression to the mean (count model)"] == pytest.approx(
        abs(rel) * np.std(tb) / np.sqrt(n), rel=0.06)
    lo, hi = np.quantile(res.draws, [0.025, 0.975], axis=0)
    np.testing.assert_allclose(res.summary()["ci_low"], lo)
    np.testing.assert_allclose(res.summary()["ci_high"], hi)


@pytest.mark.parametrize("before,warns", [([2, 3, 4], False), ([1, 3, 4], True)])
def test_decompose_with_model_threshold_warning(before, warns):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        et.rtm.decompose_with_model(before, [1, 1, 1], model=MODEL, threshold=2, n_boot=5,
                                    progress=False)
    got = [str(w.message) for w in caught if "below threshold" in str(w.message)]
    assert bool(got) is warns
    if warns:
        assert "1 of 3 people have treated_before below threshold=2, at positions [0]" in got[0]


def test_decompose_with_model_refusals():
    with pytest.raises(EvaltoolsInputError, match=r"treated_before must be counts \(>= 0\) for "
                                                  r"decompose_with_model; 1 value\(s\) are "
                                                  r"negative, at positions \[1\]"):
        et.rtm.decompose_with_model([2, -1], [1, 1], model=MODEL, threshold=2, n_boot=5)
    with pytest.raises(EvaltoolsInputError, match=r"treated_after must be counts"):
        et.rtm.decompose_with_model([2, 3], [1, -1], model=MODEL, threshold=2, n_boot=5)
    with pytest.raises(EvaltoolsInputError, match=r"decompose_with_model got population_before "
                                                  r"without population_after"):
        et.rtm.decompose_with_model([2, 3], [1, 1], model=MODEL, threshold=2, n_boot=5,
                                    population_before=[1, 2])


def test_decompose_refusals():
    base = ([3.0, 2], [1.0, 2], [2.0, 2], [1.0, 1])
    with pytest.raises(EvaltoolsInputError, match=r"got population_after without "
                                                  r"population_before"):
        et.rtm.decompose_change(*base, population_after=[1, 2], n_boot=5)
    with pytest.raises(EvaltoolsInputError, match=r"paired=True needs as many controls as "
                                                  r"treated .* got 3 and 2"):
        et.rtm.decompose_change([3.0, 2], [1.0, 2], [2.0, 2, 1], [1.0, 1, 1], paired=True,
                                n_boot=5)
    with pytest.raises(EvaltoolsInputError, match=r"hold one person only"):
        et.rtm.decompose_change([3.0], [1.0], [2.0, 2], [1.0, 1], n_boot=5)
    with pytest.raises(EvaltoolsInputError, match=r"must be non-empty 1-D arrays"):
        et.rtm.decompose_change([[3.0, 2]], [[1.0, 2]], [2.0, 2], [1.0, 1], n_boot=5)
    with pytest.raises(EvaltoolsInputError, match=r"treated_before must be real numbers, one "
                                                  r"per person. Got datetime64"):
        et.rtm.decompose_change(pd.to_datetime(["2020-01-01", "2020-02-01"]).to_numpy(),
                                [1.0, 2], [2.0, 2], [1.0, 1], n_boot=5)
    with pytest.raises(EvaltoolsInputError, match=r"index labels differ"):
        et.rtm.decompose_change(pd.Series([3.0, 2], index=[1, 2]),
                                pd.Series([1.0, 2], index=[1, 3]), [2.0, 2], [1.0, 1],
                                n_boot=5)
    aligned = et.rtm.decompose_change(pd.Series([3.0, 2], index=[1, 2]),
                                      pd.Series([1.0, 2], index=[1, 2]), *base[2:], n_boot=5,
                                      progress=False)
    assert aligned.summary().loc["naive change (treated)", "estimate"] == -1


def test_bootstrap_work_limit_boundary():
    """A billion person-draws are allowed; one resample more is refused with the figures."""
    from evaltools.rtm.decompose import _check_boot_work
    _check_boot_work(1_000_000, [500, 500], "decompose_change")
    with pytest.raises(EvaltoolsInputError, match=r"'n_boot' parameter of decompose_change: "
                                                  r"1,000,001 resamples of 1,000 people need "
                                                  r"1,000,001,000 draws"):
        _check_boot_work(1_000_001, [500, 500], "decompose_change")


# --- what the plots show ----------------------------------------------------------------

def test_plot_details():
    """Each plot's own figure size, reference line, labels, error bars and colours."""
    from matplotlib.colors import to_hex

    ax = made_audit().plot()
    assert tuple(ax.figure.get_size_inches()) == (6, 4)
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == ["#888888", "#1f77b4",
                                                               "#ff7f0e"]
    assert [t.get_text() for t in ax.texts] == ["4.00", "2.00", "2.50"]
    assert ax.get_ylabel() == "mean use per person per period"
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "before (claimed)", "after (claimed)", "after, no effect\n(RTM alone)"]
    plt.close(ax.figure)

    res = et.rtm.decompose_change([3, 4, 5, 6], [1, 3, 2, 4], [2, 4, 6], [2, 2, 3],
                                  n_boot=50, random_state=0, progress=False)
    ax = res.plot()
    assert tuple(ax.figure.get_size_inches()) == (7, 4)
    assert len(ax.patches) == 3  # components without an estimate are left out
    caps = [ln for ln in ax.get_lines() if ln.get_marker() == "_"]
    assert caps and caps[0].get_markersize() == 8  # matplotlib draws caps 2 x capsize
    bars = ax.collections[0].get_segments()
    s = res.summary().dropna(subset=["estimate"])
    assert sorted(bars[0][:, 1]) == pytest.approx(s.iloc[0][["ci_low", "ci_high"]].tolist())
    zero = [ln for ln in ax.get_lines() if list(ln.get_ydata()) == [0, 0]]
    assert zero and zero[0].get_color() == "black" and zero[0].get_linewidth() == 0.8
    assert ax.get_ylabel() == "change in mean use per person (after - before)"
    assert ax.get_xticklabels()[0].get_rotation() == 20
    plt.close(ax.figure)

    traj = et.rtm.selection_trajectory(small_panel(), outcome="use", select_period=1,
                                       threshold=3)
    ax = traj.plot()
    assert tuple(ax.figure.get_size_inches()) == (8, 4)
    assert ax.get_lines()[0].get_marker() == "o"
    assert ax.get_lines()[1].get_linestyle() == "--" and ax.get_lines()[1].get_color() == "grey"
    assert ax.collections[0].get_alpha() == 0.2
    vline = ax.get_lines()[2]
    assert list(vline.get_xdata()) == [0, 0] and vline.get_color() == "black"
    assert vline.get_linewidth() == 0.8
    assert ax.get_xlabel() == "periods relative to the selection period (0 = selected)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["selected cohort",
                                                                   "everyone"]
    plt.close(ax.figure)


# --- pairing in the bootstraps, notes, progress bars, messages ------------------------------

def test_paired_bootstrap_resamples_matched_pairs_together():
    """Seeded (3): pairs share a level (common), so treated and control changes are
    correlated; the paired bootstrap SE of the intervention is sd(t - c) / sqrt(n), well
    below the unpaired sqrt(var t / n + var c / n) (within 6%, 3,000 resamples)."""
    rng = np.random.default_rng(3)
    n = 300
    common = rng.poisson(4, n)
    tb, cb = common + rng.poisson(1, n), common + rng.poisson(1, n)
    ta, ca = common // 2 + rng.poisson(1, n), common // 2 + rng.poisson(1, n)
    t, c = ta - tb, ca - cb
    res = et.rtm.decompose_change(tb, ta, cb, ca, paired=True, n_boot=3000, random_state=2,
                                  progress=False)
    se = res.tidy().set_index("term").loc["intervention (naive - controls)", "std_error"]
    paired, unpaired = np.std(t - c) / np.sqrt(n), np.hypot(np.std(t), np.std(c)) / np.sqrt(n)
    assert paired < 0.8 * unpaired
    assert se == pytest.approx(paired, rel=0.06)
    assert res.meta["options"]["paired"] is True


def test_model_decomposition_keeps_each_person_s_before_count_with_their_change():
    """Seeded (9): after counts independent of before counts make the change and the before
    count strongly correlated; the intervention's SE is sd(change - rel x before) / sqrt(n)
    only if both are resampled together (within 6%, 3,000 resamples)."""
    rng = np.random.default_rng(9)
    n = 300
    tb, ta = rng.poisson(4, n) + 2, rng.poisson(1, n)
    est = et.rtm.expected_rtm_counts(MODEL, threshold=2)
    rel = est.change / est.selected_mean
    res = et.rtm.decompose_with_model(tb, ta, model=MODEL, threshold=2, n_boot=3000,
                                      random_state=4, progress=False)
    se = res.tidy().set_index("term").loc["intervention (naive - RTM - trend)", "std_error"]
    change = ta - tb
    together = np.std(change - rel * tb) / np.sqrt(n)
    apart = np.hypot(np.std(change), rel * np.std(tb)) / np.sqrt(n)
    assert together < 0.8 * apart
    assert se == pytest.approx(together, rel=0.06)


def test_tidy_estimates_equal_the_summaries():
    res = et.rtm.decompose_change([3, 4, 5, 6], [1, 3, 2, 4], [2, 4, 6], [2, 2, 3],
                                  population_before=[1, 1, 2], population_after=[2, 1, 2],
                                  n_boot=30, random_state=0, progress=False)
    t = res.tidy().set_index("term")
    assert t["estimate"].tolist() == pytest.approx(res.summary()["estimate"].tolist())
    assert (t["n"] == 4).all()
    assert "naive change = regression to the mean + secular trend + intervention. The " \
           "controls' change (same selection, no intervention) estimates the first two;" \
        in res._notes()[0]
    assert "selected like the treated" in res._notes()[1]
    audit = made_audit()
    notes = audit._notes()
    assert notes[1] == ("Population model: mean 0.3 per period, dispersion 0.5, stability 0.5; "
                        "cohort of 300; interval from simulated cohorts of that size.")
    assert notes[2].startswith("Assumes stable rates in the population")


def test_progress_bars(capsys):
    et.rtm.decompose_change([3.0, 2], [1.0, 2], [2.0, 2], [1.0, 1], n_boot=5, progress=True)
    assert "bootstrap" in capsys.readouterr().err
    y = MODEL.support()
    prob = MODEL.pmf(y) * (y >= 2)
    prob = prob / prob.sum()
    sim._by_support(MODEL, y, prob, 100, 10, np.random.default_rng(1), True)
    err = capsys.readouterr().err
    assert "simulated cohorts" in err and "chunk/s" in err
    sim._by_support(MODEL, y, prob, 100, 10, np.random.default_rng(1), False)
    assert capsys.readouterr().err == ""


def test_person_by_person_draws_the_shared_share_of_the_rate():
    """One person a cohort, all with 3 events before: the ratios are next counts / 3, whose
    mean and variance are the conditional moments (checked in closed form above); 200,000
    cohorts (seed 6), tolerance four Monte Carlo SEs. Without the Beta share of the rate the
    variance would be too small."""
    model = et.rtm.CountModel(mean=0.5, dispersion=0.8, stability=0.5)
    y = model.support()
    prob = (y == 3).astype(float)
    got = 3 * sim._person_by_person(model, y, prob, 1, 200_000, np.random.default_rng(6),
                                    False)
    mean, var = sim.conditional_moments(model, np.array([3]))
    assert got.mean() == pytest.approx(mean[0], abs=4 * np.sqrt(var[0] / len(got)))
    se_var = np.std((got - got.mean()) ** 2) / np.sqrt(len(got))
    assert got.var() == pytest.approx(var[0], abs=4 * se_var)


def test_estimated_correlation_of_one_still_varies():
    """r = 1 is drawn on Fisher's z scale from 0.999999 (z = 7.25): the simulated changes
    are tiny falls, not exactly zero."""
    est = et.rtm.expected_rtm_normal(0, 1, 1.0, 1, n=50, n_sim=200, random_state=1)
    assert (est.draws < 0).all() and (est.draws > -1e-3).all()


@pytest.mark.parametrize("change,match", [
    (dict(outcome="missing"), r"The data table has no column \['missing'\]"),
    (dict(nan_time=True), r"Column 'rel_period' of the data table .* Fix: give every row its "
                          r"period"),
    (dict(nan_outcome=True), r"Fix: fill missing counts with 0 where the person had no events, "
                             r"or drop the person"),
    (dict(outcome=True), r"'outcome' parameter of selection_trajectory must be a column name"),
], ids=["missing", "nan-time", "nan-outcome", "outcome-bool"])
def test_trajectory_messages(change, match):
    d = small_panel().astype({"rel_period": float, "use": float})
    if change.get("nan_time"):
        d.loc[2, "rel_period"] = np.nan
    if change.get("nan_outcome"):
        d.loc[2, "use"] = np.nan
    outcome = change.get("outcome", "use")
    with pytest.raises((SchemaError, ParameterError), match=match):
        et.rtm.selection_trajectory(d, outcome=outcome, select_period=1, threshold=3)


def test_cutoff_message_names_the_function():
    with pytest.raises(ParameterError, match=r"'cutoff' parameter of expected_rtm_normal"):
        et.rtm.expected_rtm_normal(0, 1, 0.5, np.nan)


def test_notes_and_verdict_text():
    traj = et.rtm.selection_trajectory(small_panel(), outcome="use", select_period=1,
                                       threshold=3)
    assert traj._notes() == [
        "3 people selected on 'use' in period 1; 95% intervals are normal-approximation "
        "intervals of the cohort mean.",
        "With no intervention, a cohort picked for high use rises to the selection period and "
        "falls after it: regression to the mean."]
    res = et.rtm.decompose_change([3, 4, 5, 6], [1, 3, 2, 4], [2, 4, 6], [2, 2, 3],
                                  n_boot=5, random_state=0, progress=False)
    assert res._notes()[1] == ("Assumes the controls were selected like the treated (e.g. "
                               "matched on prior use) and share their trend.")
    # Claim 4 -> 1 (75%); RTM alone 37.5% (30% to 45%): more than RTM produces.
    r = made_audit(after=1.0)
    assert audit_module._verdict(r).startswith(
        "Regression to the mean alone would produce a fall of 38% (95% interval 30% to 45%) "
        "against the claimed 75%.")
    assert audit_module._verdict(made_audit(interval=(1.2, 2.0))).endswith(
        " The claimed fall is no larger than regression to the mean produces with no "
        "intervention at all: it is no evidence that the programme worked.")


def test_infinite_claims_and_means_are_refused():
    with pytest.raises(ParameterError, match=r"'before' parameter of audit_claim"):
        et.rtm.audit_claim(before=np.inf, after=1.0, n=10, threshold=2, population=POP)
    with pytest.raises(ParameterError, match=r"'mean' parameter of expected_rtm_normal"):
        et.rtm.expected_rtm_normal(-np.inf, 1, 0.5, 1)


def test_nobody_passes_a_threshold_at_the_end_of_the_support():
    top = int(MODEL.support()[-1])
    with pytest.raises(ParameterError, match=r"Nobody in the population passes the rule"):
        et.rtm.expected_rtm_counts(MODEL, threshold=top)


def test_each_simulated_cohort_divides_by_its_own_before_mean():
    """One person a cohort with 2 or 4 events (equal chance) and stability 0: the ratio's
    mean is mu E[1 / y1] = 0.6 x (1/2 + 1/4) / 2 = 0.225 (200,000 cohorts, seed 2; four
    Monte Carlo SEs)."""
    model = et.rtm.CountModel(mean=0.6, dispersion=0.8, stability=0.0)
    y = model.support()
    prob = np.isin(y, [2, 4]) / 2.0
    got = sim._person_by_person(model, y, prob, 1, 200_000, np.random.default_rng(2), False)
    assert got.mean() == pytest.approx(0.225, abs=4 * got.std() / np.sqrt(len(got)))


def test_progress_bar_units(capsys):
    et.rtm.decompose_change([3.0, 2], [1.0, 2], [2.0, 2], [1.0, 1], n_boot=5, progress=True)
    assert "chunk/s" in capsys.readouterr().err
    y = MODEL.support()
    prob = MODEL.pmf(y) * (y >= 2)
    prob = prob / prob.sum()
    sim._person_by_person(MODEL, y, prob, 10, 10, np.random.default_rng(1), True)
    err = capsys.readouterr().err
    assert "simulated cohorts" in err and "chunk/s" in err
