"""Effects after matching: against R (lm/glm + sandwich::vcovCL), by hand, by simulation."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import EvaltoolsInputError, ParameterError

REF = Path(__file__).parents[1] / "matching" / "reference"
COVARIATES = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]


@pytest.fixture(scope="module")
def matched():
    lalonde = pd.read_csv(REF / "lalonde.csv")
    lalonde["k78"] = np.round(lalonde["re78"] / 1000)
    return et.match(lalonde, "treat", COVARIATES, distance=lalonde["dist"], ratio=2)


@pytest.mark.parametrize("model", ["difference", "regression", "poisson"])
def test_matches_r_with_cluster_robust_errors(matched, model):
    """R: lm/glm(quasipoisson) with MatchIt weights, sandwich::vcovCL(cluster = ~subclass),
    as in MatchIt's 'Estimating Effects' vignette (tests/matching/reference)."""
    ref = pd.read_csv(REF / "matchit_effects.csv").set_index("model").loc[model]
    if model == "poisson":
        res = et.estimate_att(matched, "k78", model="poisson")
        assert np.log(res.estimate) == pytest.approx(ref.estimate, rel=1e-6)
        assert res.log_se == pytest.approx(ref.se, rel=1e-5)
        return
    res = et.estimate_att(matched, "re78", model=model,
                          covariates=COVARIATES if model == "regression" else None)
    assert res.estimate == pytest.approx(ref.estimate, rel=1e-9)
    assert res.se == pytest.approx(ref.se, rel=1e-7)


def test_difference_is_the_weighted_difference_in_means(matched):
    md = matched.matched_data
    t = md.treat == 1
    by_hand = (md.re78[t].mean()
               - np.average(md.re78[~t], weights=md.weights[~t]))
    assert et.estimate_att(matched, "re78").estimate == pytest.approx(by_hand)


def test_rate_ratio_with_person_time_recovers_the_truth():
    """Simulation (seed 3, 4,000 people): true rate ratio 0.7, confounded by x, unequal
    follow-up. The matched Poisson estimate with an exposure offset is within 0.06."""
    rng = np.random.default_rng(3)
    n = 4000
    x = rng.normal(size=n)
    treated = (rng.random(n) < 1 / (1 + np.exp(1 - 0.8 * x))).astype(int)
    years = rng.uniform(0.2, 1.0, n)
    y = rng.poisson(years * np.exp(0.5 + 0.6 * x) * np.where(treated == 1, 0.7, 1.0))
    df = pd.DataFrame({"x": x, "treated": treated, "years": years, "admissions": y})
    m = et.match(df, "treated", ["x"], caliper=0.1)
    res = et.estimate_att(m, "admissions", model="poisson", exposure="years")
    assert res.estimate == pytest.approx(0.7, abs=0.06)
    assert res.ci_low < 0.7 < res.ci_high
    nb = et.estimate_att(m, "admissions", model="negbin", exposure="years")
    assert nb.estimate == pytest.approx(res.estimate, rel=0.05)
    lo, hi = res.conf_int().iloc[0]
    assert lo == pytest.approx(res.ci_low, rel=1e-3) and hi == pytest.approx(res.ci_high, rel=1e-3)


def test_bootstrap_over_matched_sets_is_seeded_and_close_to_cluster_se(matched):
    a = et.estimate_att(matched, "re78", se="bootstrap", n_boot=200, random_state=4,
                        progress=False)
    b = et.estimate_att(matched, "re78", se="bootstrap", n_boot=200, random_state=4,
                        progress=False)
    assert a.se == b.se
    cluster = et.estimate_att(matched, "re78").se
    assert a.se == pytest.approx(cluster, rel=0.2)  # 200 draws: MC error of the SE ~5%


def test_accepts_a_plain_data_frame(matched):
    md = matched.matched_data
    res = et.estimate_att(md, "re78", treatment="treat")
    assert res.estimate == pytest.approx(et.estimate_att(matched, "re78").estimate)
    assert "no unmeasured confounding" in str(res)


def test_bad_input(matched):
    md = matched.matched_data.copy()
    with pytest.raises(ParameterError, match=r"'se' parameter of estimate_att must be one of "
                                             r"'cluster', 'robust', 'bootstrap'"):
        et.estimate_att(matched, "re78", se="jackknife")
    md.loc[md.index[0], "weights"] = -1
    with pytest.raises(EvaltoolsInputError, match="negative weight"):
        et.estimate_att(md, "re78", treatment="treat")
    md = matched.matched_data.assign(years=0.0)
    with pytest.raises(EvaltoolsInputError, match=r"Exposure column 'years' has \d+ missing or "
                                                  r"non-positive"):
        et.estimate_att(md, "k78", treatment="treat", model="poisson", exposure="years")
    md = matched.matched_data.assign(label="x")
    with pytest.raises(EvaltoolsInputError, match="must be numeric"):
        et.estimate_att(md, "label", treatment="treat")


@pytest.mark.parametrize(("model", "se"), [("difference", "robust"), ("regression", "cluster"),
                                           ("poisson", "robust")])
def test_tidy_agrees_with_the_fitted_model(matched, model, se):
    """tidy() and conf_int() at any level come from the statsmodels fit exposed as .model
    (rate ratios: exp of its coefficient and interval, log_se its standard error)."""
    outcome = "k78" if model == "poisson" else "re78"
    res = et.estimate_att(matched, outcome, model=model, se=se,
                          covariates=COVARIATES if model == "regression" else None)
    fit = res.model
    for level in (0.95, 0.9):
        row = res.tidy(level).iloc[0]
        limits = fit.conf_int(alpha=1 - level).loc["treat"].to_numpy()
        assert row.term == "treat"
        assert row.p_value == pytest.approx(fit.pvalues["treat"], rel=1e-9)
        if model == "poisson":
            assert row.estimate == pytest.approx(np.exp(fit.params["treat"]), rel=1e-12)
            assert res.log_se == pytest.approx(fit.bse["treat"], rel=1e-12)
            np.testing.assert_allclose([row.conf_low, row.conf_high], np.exp(limits),
                                       rtol=1e-9)
        else:
            assert row.estimate == pytest.approx(fit.params["treat"], rel=1e-12)
            assert row.std_error == pytest.approx(fit.bse["treat"], rel=1e-12)
            np.testing.assert_allclose([row.conf_low, row.conf_high], limits, rtol=1e-9)
    assert row.n == res.n_treated + res.n_control == fit.nobs
    assert res.conf_int(0.9).iloc[0].tolist() == pytest.approx(
        [res.tidy(0.9).conf_low.iloc[0], res.tidy(0.9).conf_high.iloc[0]])
    assert list(res.summary().columns) == ["estimate", "std_error", "conf_low", "conf_high",
                                           "p_value", "n_treated", "n_control"]
