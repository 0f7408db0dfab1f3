"""2x2, two-way fixed effects, event studies, Bacon decomposition and matched DiD."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et


def test_2x2_by_hand():
    # Means: control 10 -> 12, treated 11 -> 9: DiD = (9 - 11) - (12 - 10) = -4.
    df = pd.DataFrame({"y": [10, 10, 12, 12, 11, 11, 9, 9], "t": [0, 0, 0, 0, 1, 1, 1, 1],
                       "p": [0, 0, 1, 1, 0, 0, 1, 1], "id": [1, 2, 1, 2, 3, 4, 3, 4]})
    res = et.did.did_2x2(df, outcome="y", treatment="t", post="p", unit="id")
    assert res.estimate == pytest.approx(-4)


def test_2x2_poisson_is_the_ratio_of_rate_ratios():
    df = pd.DataFrame({"n": [10, 20, 30, 30, 12, 22, 28, 30], "t": [0, 0, 1, 1] * 2,
                       "p": [0, 1, 0, 1] * 2, "years": [1.0] * 8})
    res = et.did.did_2x2(df, outcome="n", treatment="t", post="p", family="poisson",
                         exposure="years")
    # Saturated Poisson: the cell totals, (60 / 58) / (42 / 22).
    assert res.estimate == pytest.approx((60 / 58) / (42 / 22))
    assert res.summary().index[0] == "ratio of rate ratios"


def test_twfe_equals_the_weighted_bacon_comparisons():
    panel, _ = et.datasets.area_rollout(n_areas=120, random_state=4)
    twfe = et.did.twfe(panel, outcome="rate_per_1000", unit="area", time="year",
                       treatment="treated")
    bacon = et.did.bacon_decomposition(panel, outcome="rate_per_1000", unit="area",
                                       time="year", treatment="treated")
    assert bacon.table.weight.sum() == pytest.approx(1)
    assert bacon.twfe_estimate == pytest.approx(twfe.estimate, rel=1e-9)
    assert (bacon.table.weight > 0).all()
    bacon.plot()


def test_twfe_matches_statsmodels_dummies():
    panel, _ = et.datasets.area_rollout(n_areas=30, random_state=2)
    import statsmodels.formula.api as smf

    ols = smf.ols("rate_per_1000 ~ treated + C(area) + C(year)", panel).fit()
    res = et.did.twfe(panel, outcome="rate_per_1000", unit="area", time="year",
                       treatment="treated")
    assert res.estimate == pytest.approx(ols.params["treated"], rel=1e-8)


def test_event_study_recovers_dynamic_effects_without_pretrends():
    """Simulated staggered adoption with one wave and never-treated units (seed 3): effects
    -10 (e=0), -20 (e=1), -30 (e=2); no pre-trends, so the joint test does not reject."""
    rng = np.random.default_rng(3)
    units, years = np.arange(300), np.arange(2000, 2010)
    df = pd.DataFrame([(u, y) for u in units for y in years], columns=["u", "year"])
    cohort = np.where(units < 150, 2005, 0)
    df["cohort"] = cohort[df.u]
    e = np.where(df.cohort > 0, df.year - df.cohort, -99)
    effect = np.select([e == 0, e == 1, e >= 2], [-10, -20, -30], 0)
    df["y"] = rng.normal(0, 1, 300)[df.u] + 0.5 * (df.year - 2000) + effect + rng.normal(
        0, 1, len(df))
    res = et.did.event_study(df, outcome="y", unit="u", time="year", cohort="cohort",
                             window=(-4, 2))
    t = res.summary()
    assert t.loc[0, "estimate"] == pytest.approx(-10, abs=0.5)
    assert t.loc[2, "estimate"] == pytest.approx(-30, abs=0.5)
    assert res.pretrend_p > 0.01
    res.plot()


def test_matched_did_rates_by_hand():
    panel = pd.DataFrame({"match_id": [1, 1, 2, 2, 3, 3, 4, 4],
                          "rel_period": [-1, 0] * 4,
                          "y": [4, 1, 3, 3, 4, 2, 2, 2],
                          "exposure": [1, 0.5, 1, 1, 1, 1, 1, 1]})
    matched = pd.DataFrame({"match_id": [1, 2, 3, 4], "treated": [1, 0, 1, 0],
                            "weights": [1, 1, 1, 1], "subclass": [1, 1, 2, 2]})
    res = et.did.matched_did(panel, matched, outcome="y", pre=(-1, 0), post=(0, 1))
    # Treated changes: 1/0.5 - 4 = -2 and 2 - 4 = -2; controls 0 and 0: DiD = -2.
    assert res.estimate == pytest.approx(-2)
    counts = et.did.matched_did(panel, matched, outcome="y", pre=(-1, 0), post=(0, 1),
                                rates=False)
    assert counts.estimate == pytest.approx(-2.5)
