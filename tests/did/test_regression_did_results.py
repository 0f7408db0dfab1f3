"""Result shape of the regression DiD functions: tidy() and conf_int() agree with the fitted
statsmodels / linearmodels model that each result exposes as ``.model``."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et

TIDY = ["term", "estimate", "std_error", "conf_low", "conf_high", "p_value", "n"]


@pytest.fixture(scope="module")
def rollout():
    panel, _ = et.datasets.area_rollout(n_areas=40, random_state=3)
    return panel


@pytest.fixture(scope="module")
def counts():
    rng = np.random.default_rng(7)
    d = pd.DataFrame({"unit": np.repeat(np.arange(40), 2), "post": np.tile([0, 1], 40)})
    d["group"] = (d.unit < 20).astype(int)
    d["years"] = rng.uniform(0.5, 1.0, len(d))
    d["n"] = rng.poisson(d.years * np.exp(1 + 0.2 * d.post - 0.3 * d.group * d.post))
    return d


def lm_table(fit, level=0.95):
    ci = fit.conf_int(level=level)
    return pd.DataFrame({"estimate": fit.params, "std_error": fit.std_errors,
                         "conf_low": ci["lower"], "conf_high": ci["upper"],
                         "p_value": fit.pvalues})


def check(tidy, expected):
    assert list(tidy.columns) == TIDY
    got = tidy.set_index("term").loc[expected.index, expected.columns]
    np.testing.assert_allclose(got.to_numpy(float), expected.to_numpy(float), rtol=1e-9)


@pytest.mark.parametrize("level", [0.95, 0.9])
def test_twfe_tidy_is_the_panelols_fit(rollout, level):
    res = et.did.twfe(rollout, outcome="rate_per_1000", unit="area", time="year",
                      treatment="treated")
    check(res.tidy(level), lm_table(res.model, level))
    ci = res.conf_int(level)
    assert ci.loc["treated"].tolist() == pytest.approx(
        res.model.conf_int(level=level).loc["treated"].tolist(), rel=1e-9)
    assert res.ci_low == pytest.approx(res.model.conf_int().loc["treated", "lower"])


def test_event_study_tidy_is_the_panelols_fit(rollout):
    rollout = rollout.assign(x=np.sin(rollout.year) * np.arange(len(rollout)) % 7)
    res = et.did.event_study(rollout, outcome="rate_per_1000", unit="area", time="year",
                             cohort="first_year", window=(-4, 3), covariates=["x"])
    check(res.tidy(), lm_table(res.model))
    assert res.tidy().term.tolist()[-1] == "x"
    # The summary table holds the event-time rows of tidy(), indexed by event time.
    assert res.table.loc[0, "estimate"] == pytest.approx(res.model.params["event_time::0"])
    assert res.plot() is not None


def test_bacon_tidy_twfe_row_is_the_fit(rollout):
    res = et.did.bacon_decomposition(rollout, outcome="rate_per_1000", unit="area",
                                     time="year", treatment="treated")
    t = res.tidy()
    check(t.iloc[[0]].assign(term="treated"), lm_table(res.model))
    assert t.estimate.iloc[0] == pytest.approx(res.twfe_estimate, rel=1e-9)
    assert t.std_error.iloc[1:].isna().all()
    assert len(t) == len(res.table) + 1


def test_did_2x2_tidy_is_the_ols_fit(counts):
    res = et.did.did_2x2(counts, outcome="n", treatment="group", post="post", unit="unit")
    fit = res.model
    ci = fit.conf_int()
    row = res.tidy().iloc[0]
    assert row.term == "group:post"
    assert [row.estimate, row.std_error, row.conf_low, row.conf_high, row.p_value] == \
        pytest.approx([fit.params["group:post"], fit.bse["group:post"],
                       ci.loc["group:post", 0], ci.loc["group:post", 1],
                       fit.pvalues["group:post"]], rel=1e-9)
    # R's vcovCL(lm, cluster = ~unit) (type HC1) small-sample factor: G/(G-1)(n-1)/(n-k).
    assert fit.cov_kwds["use_correction"] is True


def test_poisson_tidy_is_the_ratio_of_rate_ratios(counts):
    res = et.did.did_2x2(counts, outcome="n", treatment="group", post="post", unit="unit",
                         family="poisson", exposure="years")
    fit = res.model
    b, se = fit.params["group:post"], fit.bse["group:post"]
    row = res.tidy(0.9).iloc[0]
    ci = np.exp(fit.conf_int(alpha=0.1).loc["group:post"])
    assert row.estimate == pytest.approx(np.exp(b), rel=1e-12)
    assert row.std_error == pytest.approx(np.exp(b) * se, rel=1e-12)  # delta method
    assert [row.conf_low, row.conf_high] == pytest.approx(ci.tolist(), rel=1e-9)
    assert row.p_value == pytest.approx(fit.pvalues["group:post"], rel=1e-9)
    assert res.summary().index[0] == "ratio of rate ratios"


def test_matched_did_has_tidy_without_a_model():
    panel = pd.DataFrame({"match_id": np.repeat([1, 2, 3, 4], 2), "rel_period": [-1, 0] * 4,
                          "y": [4.0, 1, 3, 3, 4, 2, 2, 2], "exposure": 1.0})
    matched = pd.DataFrame({"match_id": [1, 2, 3, 4], "treated": [1, 0, 1, 0],
                            "weights": 1.0, "subclass": [1, 1, 2, 2]})
    res = et.did.matched_did(panel, matched, outcome="y", pre=(-1, 0), post=(0, 1))
    t = res.tidy()
    # Hand: set 1 contributes (-3 - 0) / 2, set 2 (-2 - 0) / 2 around the means -2.5 and 0:
    # contributions 0.5 * (-3 + 2.5) - 0.5 * 0 = -0.25 and +0.25; se = sqrt(2 * 2 * 0.0625).
    assert t.estimate.iloc[0] == pytest.approx(-2.5)
    assert t.std_error.iloc[0] == pytest.approx(np.sqrt(2 * 2 * 0.0625))
    assert res.model is None
