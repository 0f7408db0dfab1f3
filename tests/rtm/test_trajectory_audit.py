"""Selection trajectories, decomposition and claim audits."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import EvaltoolsInputError, ParameterError


@pytest.fixture(scope="module")
def annual_panel():
    """Emergency admissions per person per year (April-March) in the synthetic cohort."""
    persons, events = et.datasets.popp_synthetic(n_participants=300, n_pool=20000, random_state=5)
    everyone = persons.assign(index_date=pd.Timestamp("2004-04-01"))
    return et.cohort.build_panel(everyone, events, measures=et.cohort.STANDARD_MEASURES,
                                 window=(0, 5), period="year").data


def test_trajectory_on_synthetic_data_rises_and_falls(annual_panel):
    """People with 2+ emergency admissions in year 2 (2006/07): their use peaks then falls."""
    traj = et.rtm.selection_trajectory(annual_panel, outcome="emergency_admissions",
                                       select_period=2, threshold=2, before=2, after=2)
    t = traj.summary().set_index("relative_period")
    assert t.loc[0, "cohort_mean"] > t.loc[-1, "cohort_mean"] > t.loc[-2, "cohort_mean"]
    assert t.loc[0, "cohort_mean"] > 2 * t.loc[1, "cohort_mean"]
    assert t.loc[1, "cohort_mean"] > t.loc[1, "population_mean"]  # still above everyone
    assert traj.n_selected == int((annual_panel.query("rel_period == 2")
                                   .emergency_admissions >= 2).sum())
    ax = traj.plot()
    assert "selection period" in ax.get_xlabel()
    assert "Selection trajectory" in traj._repr_html_()


def test_trajectory_matches_the_count_model():
    """On data simulated from the count model, the trajectory one period on equals the
    model's expectation (100,000 people, seed 9; tolerance four Monte Carlo SEs)."""
    model = et.rtm.CountModel(mean=0.3, dispersion=0.5, stability=0.7)
    y = model.simulate(100_000, periods=2, random_state=9)
    panel = pd.DataFrame({"person_id": np.repeat(np.arange(len(y)), 2),
                          "period": np.tile([0, 1], len(y)), "y": y.ravel()})
    traj = et.rtm.selection_trajectory(panel, outcome="y", select_period=0, top=0.1,
                                       time="period")
    t = traj.summary().set_index("relative_period")
    est = et.rtm.expected_rtm_counts(model, top=0.1)
    se = (t.loc[1, "ci_high"] - t.loc[1, "cohort_mean"]) / 1.96
    assert t.loc[1, "cohort_mean"] == pytest.approx(est.expected_after, abs=4 * se)


def test_decomposition_recovers_known_components():
    """Treated and controls both selected for 2+ events in a year; then a population trend
    of +0.2 and, for the treated, an effect of -0.5 (plus normal noise). 4,000 people a
    group, seed 2; each estimate within 0.12 (about three standard errors)."""
    rng = np.random.default_rng(2)
    model = et.rtm.CountModel(mean=0.5, dispersion=0.6, stability=0.6)

    def selected(n, effect):
        y = model.simulate(20 * n, random_state=rng.integers(1e9))
        y = y[y[:, 0] >= 2][:n]
        return y[:, 0], y[:, 1] + 0.2 + effect + rng.normal(0, 0.5, len(y))

    tb, ta = selected(4000, -0.5)
    cb, ca = selected(4000, 0.0)
    pop = model.simulate(20000, random_state=3)
    res = et.rtm.decompose_change(tb, ta, cb, ca, population_before=pop[:, 0],
                                  population_after=pop[:, 1] + 0.2 + rng.normal(0, 0.5, 20000),
                                  n_boot=200, random_state=1)
    s = res.summary()["estimate"]
    assert s["secular trend"] == pytest.approx(0.2, abs=0.12)
    assert s["intervention (naive - controls)"] == pytest.approx(-0.5, abs=0.12)
    expected_rtm = et.rtm.expected_rtm_counts(model, threshold=2).change
    assert s["regression to the mean"] == pytest.approx(expected_rtm, abs=0.12)
    lo, hi = res.summary().loc["intervention (naive - controls)", ["ci_low", "ci_high"]]
    assert lo < -0.5 < hi
    res.plot()


def test_audit_of_a_popp_style_claim():
    """A 47% fall in overnight stays in a cohort picked for 2+ stays (the POPP national
    evaluation reported a 47% fall in overnight hospital stays). With a population of mean
    0.3 stays a year, dispersion 0.5 and stability 0.5, RTM alone gives a larger fall."""
    res = et.rtm.audit_claim(before=2.9, after=1.54, n=500, threshold=2,
                             population={"mean": 0.3, "dispersion": 0.5, "stability": 0.5},
                             random_state=1)
    est = et.rtm.expected_rtm_counts(et.rtm.CountModel(0.3, 0.5, 0.5), threshold=2)
    assert res.rtm_after == pytest.approx(2.9 * est.expected_after / est.selected_mean)
    assert res.share_explained > 1
    assert "no evidence that the programme worked" in res.verdict
    lo, hi = res.rtm_interval
    assert lo < res.rtm_fall < hi
    assert "RTM explains" in res.plot().get_title()


def test_audit_interval_matches_simulated_cohorts():
    """The audit's interval is the spread of the after/before ratio of selected cohorts of
    size n: check it against brute-force populations (seeded; 300 cohorts of 200)."""
    model = et.rtm.CountModel(mean=0.5, dispersion=1.0, stability=0.6)
    res = et.rtm.audit_claim(before=4.0, after=0.4, n=200, threshold=3, population=model,
                             n_sim=2000, random_state=2)
    rng = np.random.default_rng(5)
    ratios = []
    for _ in range(300):
        y = model.simulate(20000, random_state=rng.integers(1e9))
        sel = y[y[:, 0] >= 3][:200]
        ratios.append(sel[:, 1].mean() / sel[:, 0].mean())
    brute_lo, brute_hi = 1 - np.quantile(ratios, [0.975, 0.025])
    assert res.rtm_interval[0] / 4 == pytest.approx(brute_lo, abs=0.03)  # falls scale with before
    assert res.rtm_interval[1] / 4 == pytest.approx(brute_hi, abs=0.03)
    assert "the rest could be an effect" in res.verdict


def test_audit_fits_the_population_from_a_panel(annual_panel):
    model = et.rtm.fit_count_model(annual_panel, "emergency_admissions")
    res = et.rtm.audit_claim(before=3.0, after=1.5, n=100, top=0.02, population=model,
                             random_state=0)
    assert 0 < res.model.stability < 1


def test_bad_input():
    pop = {"mean": 0.3, "dispersion": 0.5, "stability": 0.5}
    with pytest.raises(ParameterError, match="shows no fall"):
        et.rtm.audit_claim(before=1.0, after=1.2, n=10, threshold=2, population=pop)
    with pytest.raises(ParameterError, match=r"'n' parameter of audit_claim"):
        et.rtm.audit_claim(before=2.0, after=1.0, n=0, threshold=2, population=pop)
    with pytest.raises(ParameterError, match="needs the population"):
        et.rtm.audit_claim(before=2.0, after=1.0, n=10, threshold=2)
    with pytest.raises(ParameterError, match="Nobody meets the rule"):
        panel = pd.DataFrame({"person_id": [1, 2], "rel_period": [0, 0], "y": [0, 1]})
        et.rtm.selection_trajectory(panel, outcome="y", select_period=0, threshold=5)
    with pytest.raises(EvaltoolsInputError, match="same people"):
        et.rtm.decompose_change([1, 2], [1], [1], [1])


def test_model_based_decomposition_finds_no_effect_where_there_is_none():
    """Cohorts simulated from the count model (seed 6, 60,000 people, picked at 2+ events),
    no intervention, population trend +0.1 added to everyone: the model-based decomposition
    attributes the fall to RTM and trend, leaving an intervention within 0.08 of zero."""
    model = et.rtm.CountModel(mean=0.3, dispersion=0.5, stability=0.5)
    y = model.simulate(60_000, random_state=6).astype(float)
    y[:, 1] += 0.1
    picked = y[y[:, 0] >= 2]
    res = et.rtm.decompose_with_model(picked[:, 0], picked[:, 1], model=model, threshold=2,
                                      population_before=y[:, 0], population_after=y[:, 1],
                                      n_boot=200, random_state=1)
    s = res.summary()
    assert s.loc["secular trend", "estimate"] == pytest.approx(0.1, abs=0.01)
    assert s.loc["intervention (naive - RTM - trend)", "estimate"] == pytest.approx(0, abs=0.08)
    lo, hi = s.loc["intervention (naive - RTM - trend)", ["ci_low", "ci_high"]]
    assert lo < 0 < hi


def test_rtm_results_tidy_match_their_summaries():
    """tidy() of audits, decompositions and trajectories gives the same 95% limits as their
    summaries (percentiles of the simulated or bootstrap draws; normal for trajectories)."""
    res = et.rtm.audit_claim(before=2.9, after=1.54, n=500, threshold=2,
                             population={"mean": 0.3, "dispersion": 0.5, "stability": 0.5},
                             random_state=1, progress=False)
    t = res.tidy().set_index("term")
    assert t.loc["fall from RTM alone", "estimate"] == pytest.approx(res.rtm_fall)
    assert (t.loc["fall from RTM alone", "conf_low"],
            t.loc["fall from RTM alone", "conf_high"]) == pytest.approx(res.rtm_interval)
    share = res.summary().loc["share of claimed fall explained by RTM"]
    assert t.loc["share of claimed fall explained by RTM", ["conf_low", "conf_high"]].tolist() \
        == pytest.approx([share["ci_low"], share["ci_high"]])
    assert t["std_error"].gt(0).all() and (t["n"] == 500).all()

    rng = np.random.default_rng(0)
    dec = et.rtm.decompose_change(rng.poisson(2, 300), rng.poisson(1, 300), rng.poisson(2, 300),
                                  rng.poisson(1, 300), n_boot=199, random_state=0,
                                  progress=False)
    t = dec.tidy().set_index("term")
    s = dec.summary()
    assert t["conf_low"].tolist() == pytest.approx(s["ci_low"].tolist(), nan_ok=True)
    assert np.isnan(t.loc["secular trend", "std_error"])  # no population given
    assert dec.conf_int(0.5).loc["naive change (treated)", "upper"] < s.loc[
        "naive change (treated)", "ci_high"]

    model = et.rtm.CountModel(mean=0.3, dispersion=0.5, stability=0.6)
    y = model.simulate(4000, periods=3, random_state=1)
    panel = pd.DataFrame({"person_id": np.repeat(np.arange(4000), 3),
                          "year": np.tile(np.arange(3), 4000), "y": y.ravel()})
    traj = et.rtm.selection_trajectory(panel, outcome="y", select_period=1, threshold=2,
                                       time="year")
    t, s = traj.tidy(), traj.summary()
    assert t["conf_low"].to_numpy() == pytest.approx(s["ci_low"].to_numpy(), rel=1e-3)
    assert t["term"].tolist() == ["relative period -1", "relative period 0",
                                  "relative period 1"]
