"""The multiplier bootstrap of att_gt by hand: weights, draws, standard errors from the
interquartile range, critical values of uniform bands, cluster sums, degenerate estimates.

Independent computations: R's did (``mboot``, BMisc's ``multiplier_bootstrap``) takes the
bootstrap SE as (q75 - q25) / (qnorm(0.75) - qnorm(0.25)) with R's type-1 quantiles (the
ceil(p B)-th order statistic) and the band's critical value as the type-1 0.95 quantile of
max_j |draw_j / se_j| over the estimates with a standard error; it reports NA where the
SE is not above sqrt(machine eps) * 10. Mammen's two-point weights are
(1 - sqrt 5) / 2 with probability (sqrt 5 + 1) / (2 sqrt 5), else (1 + sqrt 5) / 2.
"""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.did import bootstrap as bs
from evaltools.did.results import Inference
from evaltools.exceptions import ParameterError

TINY = np.sqrt(np.finfo(float).eps) * 10
IQR_NORMAL = 1.3489795003921634  # qnorm(0.75) - qnorm(0.25)
MPDTA = et.datasets.sample_path("mpdta.csv")
ARGS = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")


def order_stat(x, p):
    """R's type-1 quantile: the ceil(p n)-th smallest value."""
    return np.sort(x)[int(np.ceil(p * len(x))) - 1]


def test_critical_value_is_the_type1_quantile_of_the_largest_t():
    rng = np.random.default_rng(3)
    draws = rng.normal(size=(40, 3)) * [1.0, 2.0, 0.5]
    se = np.array([1.0, 2.5, 0.4])
    t_max = np.abs(draws / se).max(axis=1)
    assert bs.uniform_critical_value(draws, se) == order_stat(t_max, 0.95)  # 38th of 40
    assert bs.uniform_critical_value(draws, se, 0.9) == order_stat(t_max, 0.9)  # 36th
    assert bs.uniform_critical_value(draws, se, 0.5) == order_stat(t_max, 0.5)  # 20th
    # A column without a standard error is left out of the band.
    se_nan = np.array([1.0, np.nan, 0.4])
    t_two = np.abs(draws[:, [0, 2]] / se[[0, 2]]).max(axis=1)
    assert bs.uniform_critical_value(draws, se_nan) == order_stat(t_two, 0.95)
    assert np.isnan(bs.uniform_critical_value(draws, np.full(3, np.nan)))
    # Negative draws count through their absolute value.
    assert bs.uniform_critical_value(-draws, se) == order_stat(t_max, 0.95)


def test_critical_value_boundary_of_the_order_statistic():
    """B = 20: 0.95 * 20 = 19 exactly, so the 19th value (not the 20th, not interpolated)."""
    draws = np.arange(1.0, 21.0)[:, None]
    assert bs.uniform_critical_value(draws, np.ones(1)) == 19.0
    assert bs.uniform_critical_value(draws, np.array([2.0])) == 9.5
    assert bs.uniform_critical_value(draws, np.ones(1), 0.951) == 20.0


def test_bootstrap_se_from_type1_quartiles():
    rng = np.random.default_rng(4)
    draws = rng.normal(size=(41, 2)) * [1.0, 3.0]
    want = [(order_stat(draws[:, j], 0.75) - order_stat(draws[:, j], 0.25)) / IQR_NORMAL
            for j in range(2)]
    np.testing.assert_allclose(bs.bootstrap_se(draws), want, rtol=1e-14)
    # 8 draws: the 6th and 2nd order statistics exactly.
    d = np.array([[5.0], [1.0], [7.0], [3.0], [2.0], [8.0], [4.0], [6.0]])
    assert bs.bootstrap_se(d)[0] == pytest.approx((6.0 - 2.0) / IQR_NORMAL, rel=1e-14)


def test_degenerate_bootstrap_se_is_missing_at_the_threshold():
    """R's did: an SE at or below sqrt(eps) * 10 is NA; just above it is kept."""
    spread = np.array([-1.0, -1.0, 1.0, 1.0])[:, None]  # IQR = 2
    at = spread * (TINY * IQR_NORMAL / 2)
    assert np.isnan(bs.bootstrap_se(at)[0])
    above = spread * (TINY * IQR_NORMAL / 2 * 1.001)
    assert bs.bootstrap_se(above)[0] == pytest.approx(TINY * 1.001)
    # All draws zero but one: the IQR is 0, so missing.
    one = np.zeros((8, 1))
    one[0] = 5.0
    assert np.isnan(bs.bootstrap_se(one)[0])
    # Draws whose Euclidean norm is at the threshold are degenerate even if the IQR is not.
    norm_at = np.array([-1.0, -1.0, 1.0, 1.0])[:, None] * TINY / 2
    assert np.linalg.norm(norm_at) == pytest.approx(TINY)
    assert np.isnan(bs.bootstrap_se(norm_at)[0])
    # Two draws -0.72 and 0.68 (x TINY): norm 0.990 TINY (degenerate), although the
    # quartile SE alone, 1.40 / 1.349 = 1.038 TINY, is above the threshold.
    lopsided = np.array([[-0.72], [0.68]]) * TINY
    assert (0.68 + 0.72) * TINY / IQR_NORMAL > TINY
    assert np.isnan(bs.bootstrap_se(lopsided)[0])
    assert bs.bootstrap_se(lopsided * 1.02)[0] == pytest.approx(1.40 * 1.02 * TINY / IQR_NORMAL)


def test_analytic_se_threshold_in_inference():
    inf = np.column_stack([np.r_[1.0, -1.0] * TINY * 2 / np.sqrt(2),
                           np.r_[1.0, -1.0] * TINY * 2 / np.sqrt(2) * 1.01,
                           [3.0, 4.0]])
    se, draws = Inference().standard_errors(inf)
    assert draws is None
    assert np.isnan(se[0])  # sqrt(2 (TINY sqrt 2)^2) / 2 = TINY exactly
    assert se[1] == pytest.approx(TINY * 1.01)
    assert se[2] == pytest.approx(2.5)  # sqrt(9 + 16) / 2


def test_mammen_weights_exactly():
    w = bs.multiplier_weights(np.random.default_rng(0), (2000, 100), "mammen")
    k1, k2 = (1 - np.sqrt(5)) / 2, (1 + np.sqrt(5)) / 2
    assert set(np.unique(w)) == {k1, k2}
    p1 = (np.sqrt(5) + 1) / (2 * np.sqrt(5))  # 0.7236
    assert (w == k1).mean() == pytest.approx(p1, abs=4 * np.sqrt(p1 * (1 - p1) / w.size))
    # Reproduce them from the same uniform draws.
    u = np.random.default_rng(9).random((5, 7))
    np.testing.assert_array_equal(
        bs.multiplier_weights(np.random.default_rng(9), (5, 7), "mammen"),
        np.where(u < p1, k1, k2))


def test_rademacher_weights_from_the_same_stream():
    bits = np.random.default_rng(9).integers(0, 2, size=(5, 7), dtype=np.int8)
    np.testing.assert_array_equal(bs.multiplier_weights(np.random.default_rng(9), (5, 7)),
                                  bits * 2.0 - 1)


@pytest.mark.parametrize("kind", ["rademacher", "mammen"])
def test_draws_by_hand_with_and_without_clusters(kind):
    rng = np.random.default_rng(2)
    inf = rng.normal(size=(30, 3))
    v = bs.multiplier_weights(np.random.default_rng(11), (50, 30), kind)
    np.testing.assert_allclose(bs.multiplier_draws(inf, n_boot=50, seed=11, kind=kind),
                               v @ inf / 30, rtol=1e-12)
    codes = np.arange(30) % 4
    sums = np.stack([inf[codes == c].sum(axis=0) for c in range(4)])
    vc = bs.multiplier_weights(np.random.default_rng(11), (50, 4), kind)
    # Cluster sums, divided by the number of units (not of clusters), as R's did.
    np.testing.assert_allclose(bs.multiplier_draws(inf, n_boot=50, seed=11, kind=kind,
                                                   codes=codes), vc @ sums / 30, rtol=1e-12)
    np.testing.assert_allclose(bs.influence_se(inf, codes),
                               np.sqrt((sums**2).sum(axis=0)) / 30, rtol=1e-12)
    np.testing.assert_allclose(bs.cluster_sums(inf, codes), sums, rtol=1e-12)


def by_blocks(inf, n_boot, seed, block):
    """Draws with the weights generated ``block`` rows at a time from one stream."""
    rng = np.random.default_rng(seed)
    sizes = [min(block, n_boot - start) for start in range(0, n_boot, block)]
    v = np.vstack([bs.multiplier_weights(rng, (b, len(inf))) for b in sizes])
    return v @ inf / len(inf)


def test_draws_are_generated_in_blocks_of_bounded_size(monkeypatch):
    """Weights are generated in blocks of _CHUNK // n rows (at least one) to bound memory;
    the blocks come from one seeded stream, so a fit is reproducible."""
    inf = np.random.default_rng(5).normal(size=(7, 2))
    np.testing.assert_allclose(bs.multiplier_draws(inf, n_boot=23, seed=1),
                               by_blocks(inf, 23, 1, 23), rtol=1e-12)
    monkeypatch.setattr(bs, "_CHUNK", 7 * 5)  # blocks of 5 draws: 5, 5, 5, 5, 3
    got = bs.multiplier_draws(inf, n_boot=23, seed=1)
    np.testing.assert_allclose(got, by_blocks(inf, 23, 1, 5), rtol=1e-12)
    assert not np.allclose(got, by_blocks(inf, 23, 1, 6))
    monkeypatch.setattr(bs, "_CHUNK", 7 * 5 + 6)  # still 5 rows (floor division)
    np.testing.assert_allclose(bs.multiplier_draws(inf, n_boot=23, seed=1), got, rtol=1e-12)
    monkeypatch.setattr(bs, "_CHUNK", 3)  # fewer weights than units: one draw at a time
    np.testing.assert_allclose(bs.multiplier_draws(inf, n_boot=23, seed=1),
                               by_blocks(inf, 23, 1, 1), rtol=1e-12)


def test_new_seed_forms():
    assert bs.new_seed(0) == 0
    assert bs.new_seed(np.int64(12)) == 12
    g = np.random.default_rng(3)
    assert bs.new_seed(np.random.default_rng(3)) == int(g.integers(2**63))
    ss = np.random.SeedSequence(8)
    assert bs.new_seed(np.random.SeedSequence(8)) == int(ss.generate_state(1, np.uint64)[0])
    assert bs.new_seed(None) != bs.new_seed(None)
    for bad in (True, -1, 1.5, "1"):
        with pytest.raises(ParameterError, match="'random_state' parameter of att_gt"):
            bs.new_seed(bad)


def test_fit_band_over_every_cell_with_a_standard_error():
    """ATT(g,t) band (R's cband over all cells): critical value from the stored draws."""
    data = pd.read_csv(MPDTA)
    res = et.did.att_gt(data, **ARGS, bootstrap=True, n_boot=400, random_state=9)
    v = bs.multiplier_weights(np.random.default_rng(9), (400, 500))
    np.testing.assert_allclose(res.draws, v @ res.influence / 500, rtol=1e-12)
    se = np.array([(order_stat(res.draws[:, j], 0.75) - order_stat(res.draws[:, j], 0.25))
                   / IQR_NORMAL for j in range(res.draws.shape[1])])
    np.testing.assert_allclose(res.table["se"], se, rtol=1e-12)
    crit = order_stat(np.abs(res.draws / se).max(axis=1), 0.95)
    assert res.critical_value == pytest.approx(crit, rel=1e-12)
    np.testing.assert_allclose(res.table["ci_low"], res.table["att"] - crit * se, rtol=1e-12)
    np.testing.assert_allclose(res.table["ci_high"], res.table["att"] + crit * se, rtol=1e-12)
    tidy = res.tidy(level=0.8)
    crit80 = order_stat(np.abs(res.draws / se).max(axis=1), 0.8)
    np.testing.assert_allclose(tidy["conf_high"], res.table["att"] + crit80 * se, rtol=1e-12)
    assert "uniform 95% bands (multiplier bootstrap, 400 draws, rademacher weights)" in str(res)
    # Mammen weights with 100 clusters of 5 counties: draws from the cluster sums.
    block = data["countyreal"].rank(method="dense").astype(int).sub(1) // 5
    clus = et.did.att_gt(data.assign(block=block), **ARGS, cluster="block", bootstrap=True,
                         n_boot=300, random_state=2, boot_weights="mammen")
    codes = np.arange(500) // 5
    sums = np.stack([clus.influence[codes == c].sum(axis=0) for c in range(100)])
    vc = bs.multiplier_weights(np.random.default_rng(2), (300, 100), "mammen")
    np.testing.assert_allclose(clus.draws, vc @ sums / 500, rtol=1e-10)
    assert "mammen weights, clustered (100 clusters)" in str(clus)
    assert clus.meta["options"]["boot_weights"] == "mammen"
    assert clus.meta["options"]["n_boot"] == 300
    assert clus.meta["bootstrap_seed"] == 2


def test_cells_without_estimate_have_no_se_and_stay_out_of_the_band():
    """A cell left without an estimate (min_cell) has a missing SE even with the bootstrap
    (its influence column is all zero), and the band is taken over the other cells."""
    data = pd.read_csv(MPDTA)
    keep = data.loc[data["first.treat"] == 2006, "countyreal"].unique()[2:]
    small = data[~data["countyreal"].isin(keep)]  # two units in the 2006 cohort
    res = et.did.att_gt(small, **ARGS, min_cell=3, bootstrap=True, n_boot=300,
                        random_state=1)
    t = res.table
    missing = t["att"].isna().to_numpy()
    assert missing.sum() == 4 and t["se"].isna().to_numpy()[missing].all()
    se = t["se"].to_numpy()
    crit = order_stat(np.abs(res.draws[:, ~missing] / se[~missing]).max(axis=1), 0.95)
    assert res.critical_value == pytest.approx(crit, rel=1e-12)
    agg = res.aggregate("group")
    assert agg.meta["cells_without_estimate"] == 4
    assert list(agg.detail.index) == [2004, 2007]
