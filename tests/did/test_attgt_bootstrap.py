"""Multiplier bootstrap of att_gt: Rademacher weights by default (as R's did, BMisc's
multiplier_bootstrap), Mammen's as an option; clustered bootstrap as R did's clustervars;
uniform bands through conf_int()/tidy().

References: moderndid 0.2.0 (tests/did/reference/make_moderndid_reference.py ->
moderndid_cluster_bootstrap.csv), which draws Mammen weights from numpy's default_rng, and
the analytic influence-function standard errors (to which the bootstrap converges).
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import evaltools as et
from evaltools.did.bootstrap import multiplier_draws, multiplier_weights
from evaltools.exceptions import ParameterError, SchemaError

MPDTA = et.datasets.sample_path("mpdta.csv")
REF = MPDTA.parents[1] / "tests" / "did" / "reference"
ARGS = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")
SIM = dict(outcome="y", time="period", unit="id", cohort="g", covariates=["x1", "x2"])


@pytest.fixture(scope="module")
def mpdta():
    data = pd.read_csv(MPDTA)
    # 100 equal clusters of 5 counties, in countyreal order (as the reference script).
    return data.assign(block=data["countyreal"].rank(method="dense").astype(int).sub(1) // 5)


@pytest.fixture(scope="module")
def sim():
    return pd.read_csv(REF / "staggered.csv")


def test_default_weights_are_rademacher():
    w = multiplier_weights(np.random.default_rng(0), (200, 500))
    assert set(np.unique(w)) == {-1.0, 1.0}
    # P(+1) = 1/2: the share of +1 in 100,000 draws is within 4 standard errors of 0.5.
    assert abs((w == 1).mean() - 0.5) < 4 * np.sqrt(0.25 / w.size)


def test_mammen_weights_have_mean_zero_and_unit_second_and_third_moments():
    w = multiplier_weights(np.random.default_rng(0), (400, 1000), "mammen")
    assert len(np.unique(w)) == 2
    for power, moment in [(1, 0.0), (2, 1.0), (3, 1.0)]:
        assert np.mean(w**power) == pytest.approx(moment, abs=0.02)


def test_att_gt_uses_rademacher_by_default(mpdta):
    res = et.did.att_gt(mpdta, **ARGS, bootstrap=True, n_boot=50, random_state=1)
    assert res.meta["options"]["boot_weights"] == "rademacher"
    # The draws are (1/n) sum_i V_i psi_i with V_i = +-1: reproduce one by hand.
    inf = res.influence
    v = multiplier_weights(np.random.default_rng(1), (50, inf.shape[0]))
    np.testing.assert_allclose(res.draws, v @ inf / inf.shape[0])


@pytest.mark.parametrize("weights", ["rademacher", "mammen"])
def test_bootstrap_se_converges_to_analytic(sim, weights):
    """Seeded (random_state=7), 10,000 draws, 1,000 units, 36 cells: each bootstrap SE is
    within 6% of the analytic influence-function SE and on average within 2.5%."""
    analytic = et.did.att_gt(sim, **SIM).table["se"].to_numpy()
    boot = et.did.att_gt(sim, **SIM, bootstrap=True, n_boot=10_000, random_state=7,
                         boot_weights=weights)
    ratio = boot.table["se"].to_numpy() / analytic
    assert np.all(np.abs(ratio - 1) < 0.06)
    assert np.mean(np.abs(ratio - 1)) < 0.025
    # A uniform band lies between pointwise intervals and Bonferroni's.
    k = len(analytic)
    assert stats.norm.ppf(0.975) < boot.critical_value < stats.norm.ppf(1 - 0.025 / k)


def test_conf_int_is_the_uniform_band(sim):
    res = et.did.att_gt(sim, **SIM, bootstrap=True, n_boot=2000, random_state=3)
    ci = res.conf_int()
    t = res.table
    np.testing.assert_allclose(ci["lower"], t["ci_low"])
    np.testing.assert_allclose(ci["upper"], t["ci_high"])
    assert list(ci.index[:2]) == ["ATT(4,2)", "ATT(4,3)"]
    # Other levels come from the same draws: narrower at 90%, all wider than pointwise.
    half90 = (res.conf_int(0.90)["upper"] - res.conf_int(0.90)["lower"]) / 2
    half95 = (ci["upper"] - ci["lower"]) / 2
    assert np.all(half90.to_numpy() < half95.to_numpy())
    assert np.all(half90.to_numpy() > stats.norm.ppf(0.95) * t["se"].to_numpy())


def test_aggregate_bootstrap_band_and_pointwise_overall(sim):
    res = et.did.att_gt(sim, **SIM, bootstrap=True, n_boot=2000, random_state=3)
    dyn = res.aggregate("dynamic")
    tidy = dyn.tidy()
    assert tidy["term"].iloc[0] == "overall (dynamic)"
    assert tidy["term"].iloc[1].startswith("event time ")
    z = stats.norm.ppf(0.975)
    assert tidy["conf_high"].iloc[0] == pytest.approx(dyn.estimate + z * dyn.se)
    assert z < dyn.critical_value
    np.testing.assert_allclose(tidy["conf_high"].iloc[1:],
                               dyn.detail["estimate"] + dyn.critical_value * dyn.detail["se"])
    # Same seed, same draws: the aggregation is reproducible.
    again = et.did.att_gt(sim, **SIM, bootstrap=True, n_boot=2000, random_state=3)
    assert again.aggregate("dynamic").se == dyn.se
    simple = res.aggregate("simple")
    assert simple.tidy()["conf_low"].iloc[0] == pytest.approx(simple.estimate - z * simple.se)


def test_clustered_bootstrap_matches_moderndid_with_mammen_weights(mpdta):
    """moderndid draws Mammen weights from numpy's default_rng(seed) over the clusters, as
    evaltools does: with the same seed the clustered draws coincide."""
    ref = pd.read_csv(REF / "moderndid_cluster_bootstrap.csv").query("cluster == 'block'")
    res = et.did.att_gt(mpdta, **ARGS, cluster="block", bootstrap=True, n_boot=20_000,
                        random_state=1, boot_weights="mammen")
    np.testing.assert_allclose(res.table["se"], ref["se"], rtol=1e-6)
    assert res.critical_value == pytest.approx(ref["critical_value"].iloc[0], rel=1e-6)


def test_unclustered_bootstrap_close_to_moderndid(mpdta):
    ref = pd.read_csv(REF / "moderndid_cluster_bootstrap.csv").query("cluster == 'none'")
    res = et.did.att_gt(mpdta, **ARGS, bootstrap=True, n_boot=20_000, random_state=2,
                        boot_weights="mammen")
    np.testing.assert_allclose(res.table["se"], ref["se"], rtol=0.05)


def test_one_unit_per_cluster_equals_unclustered(mpdta):
    plain = et.did.att_gt(mpdta, **ARGS, bootstrap=True, n_boot=500, random_state=4)
    own = et.did.att_gt(mpdta.assign(c=mpdta["countyreal"]), **ARGS, cluster="c",
                        bootstrap=True, n_boot=500, random_state=4)
    np.testing.assert_array_equal(plain.draws, own.draws)
    pd.testing.assert_frame_equal(plain.summary(), own.summary())


def test_clustered_analytic_se_by_hand(mpdta):
    """Analytic cluster-robust SE (R did's cluster sums): sqrt(sum_c S_c^2) / n."""
    res = et.did.att_gt(mpdta, **ARGS, cluster="block")
    inf = res.influence[:, 0]
    blocks = mpdta.drop_duplicates("countyreal").sort_values("countyreal")["block"]
    sums = pd.Series(inf).groupby(blocks.to_numpy()).sum()
    assert res.table["se"].iloc[0] == pytest.approx(np.sqrt((sums**2).sum()) / len(inf))
    assert "clustered (100 clusters)" in str(res)
    draws = multiplier_draws(res.influence, n_boot=100, seed=0)
    assert draws.shape == (100, len(res.table))


def test_cluster_bad_input(mpdta):
    varying = mpdta.assign(c=np.arange(len(mpdta)) % 7)
    with pytest.raises(SchemaError, match="cluster column 'c' varies within 500 unit"):
        et.did.att_gt(varying, **ARGS, cluster="c", bootstrap=True)
    missing = mpdta.assign(c=mpdta["block"].where(mpdta.countyreal != 8001))
    with pytest.raises(SchemaError, match="Column 'c' of the data table has 5 missing"):
        et.did.att_gt(missing, **ARGS, cluster="c")
    with pytest.raises(SchemaError, match=r"no column \['nope'\].*given as outcome, unit"):
        et.did.att_gt(mpdta, **ARGS, cluster="nope")
    with pytest.raises(ParameterError, match="'cluster' parameter of att_gt must be one column"):
        et.did.att_gt(mpdta, **ARGS, cluster=["block", "countyreal"])
    with pytest.raises(ParameterError, match="'boot_weights' parameter of att_gt"):
        et.did.att_gt(mpdta, **ARGS, bootstrap=True, boot_weights="normal")
    with pytest.raises(ParameterError, match="'bootstrap' parameter of att_gt must be True"):
        et.did.att_gt(mpdta, **ARGS, bootstrap="yes")
    with pytest.raises(ParameterError, match="'random_state' parameter of att_gt"):
        et.did.att_gt(mpdta, **ARGS, bootstrap=True, random_state=-1)
