"""att_gt and every aggregation against an independent implementation: analytic standard
errors of ATT(g,t) and of the simple, group, calendar and dynamic aggregations, whose
influence functions include the estimation of the group-share weights (R did's ``wif``).

Reference: moderndid 0.2.0, a Python port of R's did and DRDID (``att_gt(..., boot=False)``
and ``aggte(..., cband=False)``), on mpdta; tests/did/reference/make_moderndid_aggregations.py
-> moderndid_cells.csv and moderndid_aggregations.csv. The numbers agree to about 1e-9
(printed to 10 decimals), so the tolerance rel=1e-7 leaves no room for a one-line bug.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.did.bootstrap import multiplier_weights

MPDTA = et.datasets.sample_path("mpdta.csv")
REF = MPDTA.parents[1] / "tests" / "did" / "reference"
ARGS = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")
SETTINGS = {
    "dr": dict(est_method="dr"),
    "notyet": dict(est_method="dr", control_group="notyettreated"),
    "notyet_ant1": dict(est_method="dr", control_group="notyettreated", anticipation=1),
    "reg_ant1": dict(est_method="reg", anticipation=1),
    "ipw_lpop": dict(est_method="ipw", covariates="~ lpop"),
    "reg_lpop": dict(est_method="reg", covariates="~ lpop"),
    "dr_lpop": dict(est_method="dr", covariates="~ lpop"),
    "reg_lpop_notyet": dict(est_method="reg", covariates="~ lpop",
                            control_group="notyettreated"),
}
AGGREGATIONS = {
    "simple": dict(kind="simple"),
    "group": dict(kind="group"),
    "calendar": dict(kind="calendar"),
    "dynamic": dict(kind="dynamic"),
    "dynamic_balance1": dict(kind="dynamic", balance_e=1),
    "dynamic_window": dict(kind="dynamic", min_e=-2, max_e=1),
}
RTOL = 1e-7


def fit(mpdta, setting):
    """Fitted inside each test (not in a shared fixture), so that a mutation-testing run
    that selects tests by the functions they call re-runs the fit with the change."""
    with warnings.catch_warnings():
        # anticipation = 1 drops the 2004 cohort (no period before 2003), as R's did.
        warnings.simplefilter("ignore")
        return et.did.att_gt(mpdta, **ARGS, **SETTINGS[setting])


@pytest.fixture(scope="module")
def cells():
    return pd.read_csv(REF / "moderndid_cells.csv")


@pytest.fixture(scope="module")
def aggs():
    return pd.read_csv(REF / "moderndid_aggregations.csv", dtype={"key": str})


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_cells_aggregations_and_standard_errors_match_moderndid(mpdta, cells, aggs, setting):
    """ATT(g,t) and its analytic SE for every comparison set, anticipation and estimator
    (IPW, outcome regression and doubly robust with ~ lpop), then every aggregation of the
    same fit with its SE (overall and per row) and pointwise intervals."""
    res = fit(mpdta, setting)
    ref = cells[cells.setting == setting].set_index(["group", "time"])
    got = res.table.set_index(["group", "time"])
    assert list(got.index) == list(ref.index)
    np.testing.assert_allclose(got["att"], ref["att"], rtol=RTOL, atol=1e-9)
    np.testing.assert_allclose(got["se"], ref["se"], rtol=RTOL)
    # Pointwise 95% intervals without the bootstrap.
    np.testing.assert_allclose(got["ci_high"] - got["att"], 1.959963984540054 * ref["se"],
                               rtol=RTOL)
    for kind, options in AGGREGATIONS.items():
        check_aggregation(res.aggregate(**options), aggs, setting, kind)


def check_aggregation(agg, aggs, setting, kind):
    ref = aggs[(aggs.setting == setting) & (aggs.kind == kind)]
    assert agg.estimate == pytest.approx(ref["estimate"].iloc[0], rel=RTOL), kind
    assert agg.se == pytest.approx(ref["se"].iloc[0], rel=RTOL), kind
    detail = ref.iloc[1:]
    assert [f"{k:g}" for k in agg.detail.index] == list(detail["key"])
    np.testing.assert_allclose(agg.detail["estimate"], detail["estimate"], rtol=RTOL,
                               atol=1e-9)
    np.testing.assert_allclose(agg.detail["se"], detail["se"], rtol=RTOL)
    # Pointwise intervals of the overall estimate and (analytic) of every row.
    z = 1.959963984540054
    assert agg.ci_low == pytest.approx(agg.estimate - z * ref["se"].iloc[0], rel=RTOL)
    assert agg.ci_high == pytest.approx(agg.estimate + z * ref["se"].iloc[0], rel=RTOL)
    assert agg.critical_value == pytest.approx(z)
    np.testing.assert_allclose(agg.detail["ci_low"],
                               detail["estimate"].to_numpy() - z * detail["se"].to_numpy(),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(agg.detail["ci_high"],
                               detail["estimate"].to_numpy() + z * detail["se"].to_numpy(),
                               rtol=1e-6, atol=1e-9)
    tidy = agg.tidy()
    np.testing.assert_allclose(tidy["std_error"], ref["se"], rtol=RTOL)
    assert agg.n == 500 if "ant1" not in setting else agg.n == 480


def test_weight_influence_matters_here(mpdta, aggs):
    """The estimated group shares add to the variance of the group aggregation on mpdta:
    without R did's wif term its SE would be 0.012387 rather than 0.012446 (computed below
    from the cell influence functions alone), a difference 5,000 times the tolerance of
    the test above."""
    res = fit(mpdta, "dr")
    t = res.table
    post = (t["time"] >= t["group"]).to_numpy()
    groups = t["group"].to_numpy()
    units = res.groups
    keys = np.unique(groups[post])
    pg = np.array([np.mean(units == g) for g in keys])
    w = pg / pg.sum()
    inf_by_group = np.column_stack([res.influence[:, post & (groups == g)].mean(axis=1)
                                    for g in keys])
    no_wif = np.sqrt(((inf_by_group @ w) ** 2).sum()) / len(units)
    ref = aggs[(aggs.setting == "dr") & (aggs.kind == "group")]["se"].iloc[0]
    assert no_wif == pytest.approx(0.012387, abs=1e-6)
    assert ref == pytest.approx(0.012446, abs=1e-6)
    assert res.aggregate("group").se == pytest.approx(ref, rel=RTOL)


@pytest.fixture(scope="module")
def weights():
    """The Rademacher weights of seed 5, regenerated, and the Cholesky factor of V'V."""
    v = multiplier_weights(np.random.default_rng(5), (1500, 500))
    return v, np.linalg.cholesky(v.T @ v)


def test_bootstrap_draws_of_each_aggregation_carry_its_influence_function(mpdta, aggs,
                                                                         weights):
    """Each bootstrap draw of an aggregation is (1/n) sum_i V_i psi_i with the same
    Rademacher weights V as the fit (seeded). With 1,500 draws for 500 units the weights
    matrix has full column rank, so psi is recovered exactly from the draws, and
    sqrt(sum psi_i^2) / n must be the analytic SE that moderndid reports."""
    res = et.did.att_gt(mpdta, **ARGS, bootstrap=True, n_boot=1500, random_state=5)
    for kind in ["simple", "group", "calendar", "dynamic"]:
        check_bootstrap_aggregation(res.aggregate(kind), aggs, weights, kind)


def check_bootstrap_aggregation(agg, aggs, weights, kind):
    v, chol = weights
    # Least squares through the normal equations: psi = 500 (V'V)^-1 V' draws.
    psi = 500 * np.linalg.solve(chol.T, np.linalg.solve(chol, v.T @ agg.draws))
    np.testing.assert_allclose(v @ psi / 500, agg.draws, atol=1e-12)
    ref = aggs[(aggs.setting == "dr") & (aggs.kind == kind)]
    np.testing.assert_allclose(np.sqrt((psi**2).sum(axis=0)) / 500, ref["se"], rtol=1e-6)
    # Standard errors: interquartile range of the draws (order statistics, R's type 1
    # quantiles: the ceil(0.75 B)-th and ceil(0.25 B)-th) over that of a standard normal.
    s = np.sort(agg.draws, axis=0)
    iqr = s[1125 - 1] - s[375 - 1]
    se = iqr / 1.3489795003921634
    assert agg.se == pytest.approx(se[0], rel=1e-12)
    np.testing.assert_allclose(agg.detail["se"], se[1:], rtol=1e-12)
    if kind == "simple":
        assert agg.critical_value == pytest.approx(1.959963984540054)
        return
    # Uniform band: the 95% quantile (the ceil(0.95 B) = 1425th order statistic) of the
    # largest |draw / se| across the rows (not the overall estimate).
    t_max = np.sort(np.abs(agg.draws[:, 1:] / se[1:]).max(axis=1))
    assert agg.critical_value == pytest.approx(t_max[1425 - 1], rel=1e-12)
    np.testing.assert_allclose(agg.detail["ci_high"],
                               agg.detail["estimate"] + t_max[1424] * se[1:], rtol=1e-12)
    np.testing.assert_allclose(agg.detail["ci_low"],
                               agg.detail["estimate"] - t_max[1424] * se[1:], rtol=1e-12)
    tidy = agg.tidy(level=0.9)
    assert tidy["conf_high"].iloc[1] == pytest.approx(
        agg.detail["estimate"].iloc[0] + t_max[1350 - 1] * se[1])
    # The overall estimate keeps a pointwise interval from its bootstrap SE.
    assert tidy["conf_low"].iloc[0] == pytest.approx(
        agg.estimate - 1.6448536269514722 * se[0])
