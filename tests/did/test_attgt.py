"""Callaway & Sant'Anna on mpdta against the numbers R's did documents.

Reference: the did package README and vignettes (Callaway & Sant'Anna 2021, J Econometrics
225:200-230), `att_gt(yname = "lemp", gname = "first.treat", idname = "countyreal",
tname = "year", xformla = ~1, data = mpdta)` and its `aggte` aggregations.
"""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import SchemaError

MPDTA = et.datasets.sample_path("mpdta.csv")
ARGS = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")

PUBLISHED_ATT = {  # (group, time): ATT(g,t)
    (2004, 2004): -0.0105, (2004, 2005): -0.0704, (2004, 2006): -0.1373,
    (2004, 2007): -0.1008, (2006, 2004): 0.0065, (2006, 2005): -0.0028,
    (2006, 2006): -0.0046, (2006, 2007): -0.0412, (2007, 2004): 0.0305,
    (2007, 2005): -0.0027, (2007, 2006): -0.0311, (2007, 2007): -0.0261,
}


@pytest.fixture(scope="module")
def result(mpdta):
    return et.did.att_gt(mpdta, **ARGS)


@pytest.mark.parametrize("method", ["dr", "ipw", "reg"])
def test_group_time_effects_match_published(mpdta, method):
    res = et.did.att_gt(mpdta, **ARGS, est_method=method)
    got = res.summary().set_index(["group", "time"])["att"]
    for cell, value in PUBLISHED_ATT.items():
        assert round(got[cell], 4) == value, cell


def test_aggregations_match_published(result):
    assert round(result.aggregate("simple").estimate, 4) == -0.0400
    dynamic = result.aggregate("dynamic")
    assert round(dynamic.estimate, 4) == -0.0772
    assert dynamic.detail["estimate"].round(4).tolist() == [
        0.0305, -0.0006, -0.0245, -0.0199, -0.0510, -0.1373, -0.1008]
    group = result.aggregate("group")
    assert round(group.estimate, 4) == -0.0310
    assert group.detail["estimate"].round(4).tolist() == [-0.0797, -0.0229, -0.0261]
    calendar = result.aggregate("calendar")
    assert round(calendar.estimate, 4) == -0.0417
    assert calendar.detail["estimate"].round(4).tolist() == [-0.0105, -0.0704, -0.0488,
                                                              -0.0371]


def test_with_covariates_doubly_robust(mpdta):
    """did README, xformla = ~lpop (doubly robust): ATT(2004, 2004) = -0.0145."""
    res = et.did.att_gt(mpdta, **ARGS, covariates="~ lpop")
    got = res.summary().set_index(["group", "time"])["att"]
    assert round(got[(2004, 2004)], 4) == -0.0145
    assert round(res.aggregate("simple").estimate, 3) == -0.042


def test_analytic_standard_error_equals_two_sample_formula(mpdta, result):
    """Without covariates ATT(g,t) is a difference in mean changes; its influence-function
    SE equals sqrt(var_g / n_g + var_c / n_c) with population variances."""
    wide = mpdta.pivot(index="countyreal", columns="year", values="lemp")
    g = mpdta.drop_duplicates("countyreal").set_index("countyreal")["first.treat"]
    dy = wide[2005] - wide[2003]
    treated, control = dy[g == 2004], dy[g == 0]
    se = np.sqrt(treated.var(ddof=0) / len(treated) + control.var(ddof=0) / len(control))
    got = result.summary().set_index(["group", "time"]).loc[(2004, 2005), "se"]
    assert got == pytest.approx(se, rel=1e-10)
    assert (result.aggregate("simple").se > 0.01) and (result.aggregate("simple").se < 0.013)


def test_bootstrap_is_seeded_and_close_to_analytic(mpdta, result):
    a = et.did.att_gt(mpdta, **ARGS, bootstrap=True, n_boot=999, random_state=1)
    b = et.did.att_gt(mpdta, **ARGS, bootstrap=True, n_boot=999, random_state=1)
    pd.testing.assert_frame_equal(a.summary(), b.summary())
    np.testing.assert_allclose(a.table.se, result.table.se, rtol=0.15)
    assert a.critical_value > 1.96  # a uniform band is wider than pointwise intervals


def test_not_yet_treated_and_universal_base(mpdta):
    nyt = et.did.att_gt(mpdta, **ARGS, control_group="notyettreated")
    # Post-treatment cells of the last group can only use never-treated units.
    t = nyt.summary().set_index(["group", "time"])["att"]
    assert round(t[(2007, 2007)], 4) == -0.0261
    universal = et.did.att_gt(mpdta, **ARGS, base_period="universal")
    u = universal.summary().set_index(["group", "time"])
    assert u.loc[(2007, 2006), "att"] == 0 and u.loc[(2007, 2006), "note"] == "reference period"
    assert round(u.loc[(2004, 2006), "att"], 4) == -0.1373


def test_recovers_a_known_effect_on_simulated_rollout():
    """Seeded area panel (400 areas): the simple aggregation recovers the true effect,
    averaged with the same group-size weights, within three standard errors."""
    panel, truth = et.datasets.area_rollout(n_areas=400, random_state=11)
    res = et.did.att_gt(panel, outcome="rate_per_1000", time="year", unit="area",
                        cohort="first_year", est_method="reg")
    agg = res.aggregate("simple")
    sizes = panel.drop_duplicates("area").first_year.value_counts()
    w = truth.first_year.map(sizes)
    true_simple = np.average(truth.att, weights=w)
    assert agg.estimate == pytest.approx(true_simple, abs=3 * agg.se)


def test_small_cells_and_bad_input(mpdta):
    small = mpdta[~mpdta.countyreal.isin(
        mpdta.loc[mpdta["first.treat"] == 2006, "countyreal"].unique()[1:])]
    res = et.did.att_gt(small, **ARGS)
    notes = res.summary().set_index(["group", "time"])["note"]
    assert notes[(2006, 2006)].startswith("too few units")
    assert np.isfinite(res.aggregate("simple").estimate)
    with pytest.raises(SchemaError, match="duplicated"):
        et.did.att_gt(pd.concat([mpdta, mpdta.head(1)]), **ARGS)
    varying = mpdta.copy()
    varying.loc[varying.index[0], "first.treat"] = 2006
    with pytest.raises(SchemaError, match="varies within 1 unit"):
        et.did.att_gt(varying, **ARGS)
    never = mpdta[mpdta["first.treat"] > 0]
    with pytest.raises(SchemaError, match="No never-treated units"):
        et.did.att_gt(never, **ARGS)
    with pytest.raises(SchemaError, match="must be numeric"):
        et.did.att_gt(mpdta.assign(lemp="x"), **ARGS)
    gap = mpdta.drop(mpdta.index[3])
    with pytest.warns(et.exceptions.EvaltoolsWarning, match="dropped to balance"):
        res = et.did.att_gt(gap, **ARGS)
    assert res.meta["flow"].set_index("step").loc[
        "excluded: unbalanced panel (missing periods)", "n"] == 1


def test_plots(result):
    result.plot()
    result.aggregate("dynamic").plot()


def test_balanced_event_time_and_event_window(result):
    balanced = result.aggregate("dynamic", balance_e=1)
    # Only groups observed one period after treatment (2004 and 2006) enter, up to e = 1.
    assert balanced.detail.index.max() == 1
    e1 = result.summary().set_index(["group", "time"])["att"]
    assert balanced.detail.loc[1, "estimate"] != pytest.approx(e1[(2004, 2005)])
    window = result.aggregate("dynamic", min_e=-1, max_e=2)
    assert list(window.detail.index) == [-1, 0, 1, 2]


def test_treated_after_the_window_count_as_never_treated(mpdta):
    late = mpdta.assign(**{"first.treat": mpdta["first.treat"].replace(2007, 2010)})
    res = et.did.att_gt(late, **ARGS)
    assert 2007 not in set(res.summary().group)
    flow = res.meta["flow"].set_index("step")["n"]
    assert flow["treated after the last period: counted as never treated"] == 131


def test_unbalanced_panel_option(mpdta, result):
    kept = et.did.att_gt(mpdta, **ARGS, allow_unbalanced_panel=True)
    pd.testing.assert_frame_equal(kept.summary(), result.summary())  # balanced: identical
    holes = mpdta.sample(frac=0.9, random_state=3)
    with pytest.warns(et.exceptions.EvaltoolsWarning):
        balanced = et.did.att_gt(holes, **ARGS, est_method="reg")
    with pytest.warns(et.exceptions.ExclusionWarning, match="never observed before"):
        unbalanced = et.did.att_gt(holes, **ARGS, est_method="reg",
                                   allow_unbalanced_panel=True)
    # Each comparison uses the units observed in both of its periods: check one by hand.
    wide = holes.pivot(index="countyreal", columns="year", values="lemp")
    g = holes.drop_duplicates("countyreal").set_index("countyreal")["first.treat"]
    dy = (wide[2006] - wide[2003]).dropna()
    by_hand = dy[g[dy.index] == 2004].mean() - dy[g[dy.index] == 0].mean()
    got = unbalanced.summary().set_index(["group", "time"]).loc[(2004, 2006), "att"]
    assert got == pytest.approx(by_hand)
    # More units, so smaller standard errors than dropping every incomplete county.
    assert unbalanced.aggregate("simple").se < balanced.aggregate("simple").se


def test_doubly_robust_with_covariates_matches_csdid():
    """csdid (the Python port of R's did) on a simulated staggered panel with covariates
    that drive both timing-free trends and outcomes (tests/did/reference, made by
    make_csdid_reference.py): same ATT(g,t) and analytic standard errors."""
    ref_dir = MPDTA.parents[1] / "tests" / "did" / "reference"
    data = pd.read_csv(ref_dir / "staggered.csv")
    ref = pd.read_csv(ref_dir / "csdid_dr.csv").set_index(["group", "time"])
    res = et.did.att_gt(data, outcome="y", time="period", unit="id", cohort="g",
                        covariates=["x1", "x2"], est_method="dr")
    ours = res.summary().set_index(["group", "time"]).loc[ref.index]
    np.testing.assert_allclose(ours["att"], ref["att"], atol=2e-6)
    np.testing.assert_allclose(ours["se"], ref["se"], rtol=1e-4)
